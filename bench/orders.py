#!/usr/bin/env python3
"""Orders benchmark: the shop platform's upserts, the order panel, and payment reminders.

The script starts its own ``kefu serve`` (``--kefu-bin``, default the release build) on
127.0.0.1 with a fresh SQLite database (or ``--postgres URL``) and ``kefu demo``, creates an
API token for the platform, and measures:

1. ``PUT /api/v1/orders/{id}``: ``--orders`` new orders (2 lines each, one buyer per 20
   orders) from ``--clients`` concurrent HTTP clients — latency p50 / p95 / p99 / max and
   orders per second; then the same bodies again (idempotent: nothing written) and once more
   with the status moved to paid;
2. the order panel, ``GET /api/v1/contacts/{id}/orders`` for a customer with 50 orders
   (``--panel-requests`` requests, as an agent) — latency percentiles;
3. payment reminders: a rule (delay 1 min, no quiet hours), ``--reminders`` unpaid orders of
   one chatting customer placed 2 minutes ago; time until every reminder is sent (polled
   through ``GET /api/v1/reminders/stats``), reminders per second, and that none is sent twice.

A reference figure of the same machine in the same run is printed first (Python sqlite3,
one row per transaction, as ``chat_load.py``). Results are printed and written as JSON to
bench/results/ (ignored by git).

    python3 bench/orders.py                       # 5,000 orders, 16 clients, 2,000 reminders
    python3 bench/orders.py --orders 1000 --reminders 300 --clients 8     # a quick one
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime
import hashlib
import hmac
import json
import pathlib
import statistics
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "e2e"))
sys.path.insert(0, str(REPO / "bench"))

import requests  # noqa: E402

from chat_load import Owner, machine_info, sqlite_reference  # noqa: E402
from kefu_process import KefuProcess  # noqa: E402

DEMO_AGENT = "mei@demo.kefu.local"
DEMO_PASSWORD = "kefu-demo-2026"


def percentiles(values: list[float]) -> dict:
    ordered = sorted(values)
    if not ordered:
        return {}

    def p(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]
    return {"n": len(ordered), "p50_ms": round(p(0.50) * 1000, 2), "p95_ms": round(p(0.95) * 1000, 2),
            "p99_ms": round(p(0.99) * 1000, 2), "max_ms": round(ordered[-1] * 1000, 2),
            "mean_ms": round(statistics.fmean(ordered) * 1000, 2)}


def order_body(i: int, status: str = "unpaid", buyer: str | None = None, placed: str | None = None) -> dict:
    body = {
        "status": status, "currency": "CNY", "shippingFee": 1000,
        "buyer": {"externalId": buyer or f"B{i // 20:05d}", "name": f"顾客{i // 20}", "tier": "member" if i % 3 else "vip"},
        "lines": [{"sku": "DRESS-FR", "title": "法式碎花收腰连衣裙", "quantity": 1, "unitPrice": 17900},
                  {"sku": "MUG-400", "title": "北欧简约陶瓷马克杯", "quantity": 1 + i % 3, "unitPrice": 2790}],
        "payLink": f"https://pay.example/{i}",
    }
    if placed:
        body["placedAt"] = placed
    if status != "unpaid":
        body["paidAt"] = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")
    return body


def put_all(url: str, token: str, bodies: list[tuple[str, dict]], clients: int) -> tuple[dict, float, dict]:
    """PUTs every (id, body) from `clients` threads; returns latency stats, wall time, status counts."""
    sessions = [requests.Session() for _ in range(clients)]
    for s in sessions:
        s.trust_env = False
        s.headers["Authorization"] = f"Bearer {token}"
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    def work(n: int) -> None:
        http = sessions[n]
        for external_id, body in bodies[n::clients]:
            t = time.perf_counter()
            answer = http.put(f"{url}/api/v1/orders/{external_id}", json=body, timeout=60)
            latencies.append(time.perf_counter() - t)
            statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        list(pool.map(work, range(clients)))
    return percentiles(latencies), time.perf_counter() - started, statuses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kefu-bin", default=str(REPO / ".build" / "release" / "kefu"))
    parser.add_argument("--postgres", default="", help="a PostgreSQL URL instead of a fresh SQLite file")
    parser.add_argument("--orders", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--panel-requests", type=int, default=1000)
    parser.add_argument("--reminders", type=int, default=2000)
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    binary = pathlib.Path(args.kefu_bin).resolve()
    if not binary.exists():
        parser.error(f"{binary} not found; build it with: swift build -c release --product kefu")

    print("machine:", json.dumps(machine_info(), ensure_ascii=False))
    reference = sqlite_reference(3.0)
    print(f"reference (Python sqlite3, WAL, synchronous=NORMAL, 1 row/transaction): {reference:,.0f} commits/s")
    work = pathlib.Path(tempfile.mkdtemp(prefix="kefu-bench-orders-"))
    database = args.postgres or f"sqlite://{work}/bench.sqlite"
    server = KefuProcess(binary, work, database, log_level="warning",
                         extra={"KEFU_BCRYPT_COST": "4", "KEFU_LOGIN_LIMIT_IP": "1000000/60"}, name="bench")
    result: dict = {"label": args.label, "machine": machine_info(), "database": "postgresql" if args.postgres else "sqlite",
                    "reference_sqlite_commits_per_s": round(reference)}
    try:
        server.run("demo")
        server.start()
        owner = Owner(server.url)
        token = owner.post("/api/v1/api-tokens", {"name": "bench platform", "role": "admin"})["token"]
        secret = owner.http.get(f"{server.url}/api/v1/order-settings", timeout=30).json()["identitySecret"]

        # 1. upserts
        bodies = [(f"BENCH-{i:06d}", order_body(i)) for i in range(args.orders)]
        stats, wall, statuses = put_all(server.url, token, bodies, args.clients)
        result["upsert_new"] = {**stats, "orders_per_s": round(args.orders / wall), "statuses": statuses}
        print(f"PUT new orders: {args.orders / wall:,.0f}/s, {stats}, {statuses}")
        stats, wall, statuses = put_all(server.url, token, bodies, args.clients)
        result["upsert_same_again"] = {**stats, "orders_per_s": round(args.orders / wall), "statuses": statuses}
        print(f"PUT same again (idempotent): {args.orders / wall:,.0f}/s, {stats}, {statuses}")
        paid = [(i, order_body(n, "paid")) for n, (i, _) in enumerate(bodies)]
        stats, wall, statuses = put_all(server.url, token, paid, args.clients)
        result["upsert_paid"] = {**stats, "orders_per_s": round(args.orders / wall), "statuses": statuses}
        print(f"PUT status → paid: {args.orders / wall:,.0f}/s, {stats}, {statuses}")

        # 2. the order panel: a widget customer with 50 orders
        customer = "PANEL-1"
        session = requests.post(f"{server.url}/api/v1/widget/sessions", timeout=30, json={
            "inboxKey": owner.http.get(f"{server.url}/api/v1/inboxes", timeout=30).json()["items"][0]["widgetKey"],
            "customer": {"id": customer, "name": "面板顾客",
                         "hash": hmac.new(secret.encode(), customer.encode(), hashlib.sha256).hexdigest()}}).json()
        panel_orders = [(f"PANEL-{i:03d}", order_body(i, buyer=customer)) for i in range(50)]
        put_all(server.url, token, panel_orders, 4)
        agent = requests.Session()
        agent.trust_env = False
        agent.post(f"{server.url}/api/v1/auth/login", json={"email": DEMO_AGENT, "password": DEMO_PASSWORD}, timeout=30).raise_for_status()
        latencies = []
        path = f"{server.url}/api/v1/contacts/{session['contactId']}/orders"
        for _ in range(args.panel_requests):
            t = time.perf_counter()
            answer = agent.get(path, timeout=30)
            latencies.append(time.perf_counter() - t)
            assert answer.status_code == 200 and len(answer.json()["orders"]) == 50, answer.text[:200]
        result["order_panel"] = percentiles(latencies)
        print(f"GET the customer's orders (50): {result['order_panel']}")

        # 3. reminders
        rule = owner.post("/api/v1/reminder-rules", {"name": "bench", "timeZone": "Asia/Shanghai", "delayMinutes": 1,
                                                     "quietStart": "00:00", "quietEnd": "00:00", "skipIfChattedWithinMinutes": 0})
        # The demo's own rule would remind these orders too; only the bench rule counts here.
        for r in owner.http.get(f"{server.url}/api/v1/reminder-rules", timeout=30).json()["rules"]:
            if r["id"] != rule["id"]:
                owner.http.patch(f"{server.url}/api/v1/reminder-rules/{r['id']}", json={"active": False}, timeout=30)
        placed = (datetime.datetime.now(datetime.timezone.utc) - datetime.timedelta(minutes=2)).isoformat(timespec="seconds")
        due = [(f"DUE-{i:06d}", order_body(i, buyer=customer, placed=placed)) for i in range(args.reminders)]
        started = time.perf_counter()
        put_all(server.url, token, due, args.clients)
        queued = time.perf_counter() - started
        sent = 0
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            stats = owner.http.get(f"{server.url}/api/v1/reminders/stats?days=1", timeout=30).json()
            sent = next((r["sent"] for r in stats["byRule"] if r["ruleId"] == rule["id"]), 0)
            if sent >= args.reminders:
                break
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
        result["reminders"] = {"orders": args.reminders, "sent": sent, "seconds_to_queue": round(queued, 2),
                               "seconds_until_all_sent": round(elapsed, 2),
                               "reminders_per_s_after_queueing": round(sent / max(elapsed - queued, 0.001))}
        print(f"reminders: {sent}/{args.reminders} sent {elapsed:.1f} s after the first PUT "
              f"(PUTs took {queued:.1f} s): {result['reminders']['reminders_per_s_after_queueing']:,}/s")
        if sent != args.reminders:
            print("!! not every reminder was sent (or some twice)")
    finally:
        server.terminate()
    out = REPO / "bench" / "results" / f"orders-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print("written", out)


if __name__ == "__main__":
    main()
