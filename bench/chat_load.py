#!/usr/bin/env python3
"""Chat message path benchmark (docs QUALITY.md, performance target 1).

N conversations, each with a shopper socket and an agent socket (a distinct agent in a
distinct inbox, so every message goes to exactly one agent). Every shopper sends at a steady
rate for D seconds (open loop: sends follow the schedule, they do not wait for acks); the agent
answers every K-th message it receives. Measured:

- acknowledged messages per second (shoppers' and agents'), errors by code, unacknowledged;
- latency send → ack and send → delivered to the other side, p50 / p95 / p99 / max;
- CPU of the server and of the client processes (to tell whether the client is the bottleneck);
- a reference run on the same machine: Python sqlite3, WAL, synchronous=NORMAL, one row per
  transaction, commits/s — QUALITY.md lists ~15,600 for the reference machine. It runs before
  and after the load, so the figures can be set against the machine of the day.

The script starts its own ``kefu serve`` (``--kefu-bin``, default the release build) on
127.0.0.1 with a fresh database (SQLite, or PostgreSQL with ``--database postgres``), runs
``kefu demo``, creates the inboxes and agents over the REST API, then spreads the
conversations over ``--processes`` client processes. Shoppers' connections come from the
loopback aliases 127.0.0.2, 127.0.0.3, … (25 per address), because Kefu allows 30 new chat
sessions per address per minute; every request goes to 127.0.0.1.

    python3 bench/chat_load.py --kefu-bin .build/release/kefu                    # 200 conversations, 20 s
    python3 bench/chat_load.py --conversations 1000 --rate 10 --processes 4      # the target's shape

Results are printed and written as JSON to bench/results/ (ignored by git).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import multiprocessing as mp
import os
import pathlib
import platform
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "e2e"))

import requests  # noqa: E402

from kefu_client import AgentClient, VisitorClient, new_id, norm  # noqa: E402
from kefu_process import DEMO_OWNER, DEMO_PASSWORD, KefuProcess, kefu_env, reset_postgres  # noqa: E402

AGENT_PASSWORD = "bench-agent-pass-2026"
SESSIONS_PER_ADDRESS = 25
CLK_TCK = os.sysconf("SC_CLK_TCK")


# ----------------------------------------------------------------------------- reference

def sqlite_reference(seconds: float = 3.0, synchronous: str = "NORMAL") -> float:
    """Commits per second: one INSERT per transaction, WAL, the given synchronous level."""
    folder = tempfile.mkdtemp(prefix="kefu-bench-ref-")
    try:
        db = sqlite3.connect(os.path.join(folder, "ref.sqlite"), isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute(f"PRAGMA synchronous={synchronous}")
        db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, conversation TEXT, seq INTEGER, body TEXT)")
        body = "你好，这件衣服有货吗？" * 3
        n = 0
        started = time.perf_counter()
        deadline = started + seconds
        while True:
            for _ in range(100):
                db.execute("BEGIN")
                db.execute("INSERT INTO t (conversation, seq, body) VALUES (?, ?, ?)", ("c", n, body))
                db.execute("COMMIT")
                n += 1
            now = time.perf_counter()
            if now >= deadline:
                break
        db.close()
        return n / (now - started)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def postgres_reference(url: str, seconds: int = 5, clients: int = 8) -> float | None:
    """pgbench, ``clients`` connections, one INSERT per transaction (QUALITY.md lists ~10,000 tps
    for PostgreSQL 15 with 8 clients, durable) on the benchmark's own server; None without pgbench."""
    found = sorted(pathlib.Path("/usr/lib/postgresql").glob("*/bin/pgbench"))
    if not found:
        return None
    env = kefu_env()
    subprocess.run(["psql", url, "-q", "-c", "CREATE TABLE IF NOT EXISTS bench_reference (id bigserial PRIMARY KEY, "
                    "conversation int, body text)"], check=True, capture_output=True, env=env)
    script = tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False)
    script.write("INSERT INTO bench_reference (conversation, body) VALUES (:client_id, '你好，这件衣服有货吗？');\n")
    script.close()
    try:
        out = subprocess.run([str(found[-1]), "-n", "-c", str(clients), "-j", "2", "-T", str(seconds), "-f", script.name, url],
                             capture_output=True, text=True, env=env, timeout=seconds + 60).stdout
    finally:
        os.unlink(script.name)
        subprocess.run(["psql", url, "-q", "-c", "DROP TABLE IF EXISTS bench_reference"], capture_output=True, env=env)
    for line in out.splitlines():
        if line.startswith("tps = "):
            return float(line.split()[2])
    return None


# ----------------------------------------------------------------------------- helpers

def percentiles(values: list[float]) -> dict:
    if not values:
        return {"count": 0}
    ordered = sorted(values)

    def p(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)

    return {"count": len(ordered), "p50_ms": p(0.50), "p95_ms": p(0.95), "p99_ms": p(0.99),
            "max_ms": round(ordered[-1] * 1000, 2), "mean_ms": round(sum(ordered) / len(ordered) * 1000, 2)}


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK   # utime + stime


def machine_ticks() -> list[int]:
    """user nice system idle iowait irq softirq steal (jiffies, all CPUs)."""
    with open("/proc/stat") as f:
        return [int(v) for v in f.readline().split()[1:9]]


def machine_split(before: list[int], after: list[int]) -> dict:
    delta = [b - a for a, b in zip(before, after)]
    total = max(1, sum(delta))
    names = ["user", "nice", "system", "idle", "iowait", "irq", "softirq", "steal"]
    return {n: round(d * 100 / total, 1) for n, d in zip(names, delta)}


def process_ticks() -> dict[int, tuple[str, int]]:
    """Every process's name and CPU ticks (utime + stime), to see who used the machine."""
    result = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                text = f.read()
        except OSError:
            continue
        name = text[text.index("(") + 1:text.rindex(")")]
        fields = text.rsplit(")", 1)[1].split()
        result[int(entry)] = (name, int(fields[11]) + int(fields[12]))
    return result


def top_consumers(before: dict, after: dict, seconds: float, n: int = 8) -> list[dict]:
    usage = []
    for pid, (name, ticks) in after.items():
        used = ticks - before.get(pid, (name, 0))[1]
        if used > 0:
            usage.append({"pid": pid, "name": name, "cpu_percent_of_one_core": round(used / CLK_TCK / seconds * 100)})
    return sorted(usage, key=lambda u: -u["cpu_percent_of_one_core"])[:n]


def machine_info() -> dict:
    free = subprocess.run(["free", "-h"], capture_output=True, text=True).stdout.strip()
    model = ""
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {"nproc": os.cpu_count(), "cpu": model, "free_h": free, "kernel": platform.release(),
            "python": platform.python_version()}


class Owner:
    """The demo shop's owner over REST, to create inboxes and agents."""

    def __init__(self, url: str):
        self.url = url
        self.http = requests.Session()
        self.http.trust_env = False
        answer = self.http.post(f"{url}/api/v1/auth/login", json={"email": DEMO_OWNER, "password": DEMO_PASSWORD}, timeout=60)
        answer.raise_for_status()
        self.http.headers["X-CSRF-Token"] = answer.json()["csrfToken"]

    def post(self, path: str, body: dict) -> dict:
        answer = self.http.post(self.url + path, json=body, timeout=60)
        if answer.status_code >= 300:
            raise RuntimeError(f"POST {path}: {answer.status_code} {answer.text[:300]}")
        return answer.json()


def provision(url: str, n: int) -> list[dict]:
    """N inboxes, each with one agent of its own; returns the slots."""
    owner = Owner(url)
    slots = []
    for i in range(n):
        inbox = owner.post("/api/v1/inboxes", {"name": f"bench-{i:04d}"})
        email = f"bench-agent-{i:04d}@bench.kefu.local"
        owner.post("/api/v1/agents", {"email": email, "password": AGENT_PASSWORD, "displayName": f"压测 {i}",
                                      "inboxIds": [inbox["id"]]})
        slots.append({"index": i, "inbox_key": inbox["widgetKey"], "agent_email": email,
                      "source": f"127.0.0.{2 + i // SESSIONS_PER_ADDRESS}"})
    return slots


def provision_spike(url: str, shoppers: int, agents: int, capacity: int) -> tuple[list[dict], list[str]]:
    """The spike shape: one inbox (round robin, ``capacity`` each) with ``agents`` agents who are
    not connected yet, and ``shoppers`` slots in it; returns (slots, agent emails)."""
    owner = Owner(url)
    inbox = owner.post("/api/v1/inboxes", {"name": "spike"})
    answer = owner.http.put(f"{url}/api/v1/inboxes/{inbox['id']}/settings", timeout=60,
                            json={"routing": "round_robin", "capacity": capacity})
    if answer.status_code >= 300:
        raise RuntimeError(f"PUT settings: {answer.status_code} {answer.text[:300]}")
    emails = []
    for i in range(agents):
        email = f"spike-agent-{i:03d}@bench.kefu.local"
        owner.post("/api/v1/agents", {"email": email, "password": AGENT_PASSWORD, "displayName": f"高峰 {i}",
                                      "inboxIds": [inbox["id"]]})
        emails.append(email)
    slots = [{"index": i, "inbox_key": inbox["widgetKey"], "agent_email": None,
              "source": f"127.0.0.{2 + i // SESSIONS_PER_ADDRESS}"} for i in range(shoppers)]
    return slots, emails


# ----------------------------------------------------------------------------- client processes

def worker(number: int, slots: list[dict], url: str, options: dict, ready, go, start_at, results) -> None:
    try:
        results.put(asyncio.run(worker_main(number, slots, url, options, ready, go, start_at)))
    except BaseException as error:  # report, so the parent does not wait forever
        import traceback
        results.put({"worker": number, "failed": f"{error!r}\n{traceback.format_exc()}"})


async def worker_main(number: int, slots: list[dict], url: str, options: dict, ready, go, start_at) -> dict:
    rate, duration, warmup = options["rate"], options["duration"], options["warmup"]
    reply_every = options["reply_every"]
    client_options = dict(keep_frames=False, keep_messages=False, resend_after=None, ack_timeout=120,
                          auto_fill_gaps=True)
    sends: dict[str, tuple[float, bool, str]] = {}      # clientMessageId → (sent at, measured, kind)
    ack_latency = {"visitor": [], "agent": []}
    delivery_latency = {"visitor": [], "agent": []}     # by sender kind: visitor → agent socket, agent → visitor socket
    errors: collections.Counter = collections.Counter()
    counts: collections.Counter = collections.Counter()
    lag: list[float] = []
    futures: list = []

    def on_ack(cmid: str, future) -> None:
        sent, measured, kind = sends[cmid]
        if future.cancelled():
            errors["cancelled"] += 1
            return
        error = future.exception()
        if error is not None:
            errors[getattr(error, "code", type(error).__name__)] += 1
            return
        counts[f"acked_{kind}"] += 1
        if measured:
            counts[f"acked_measured_{kind}"] += 1
            ack_latency[kind].append(time.monotonic() - sent)

    def delivered(frame: dict, expect_kind: str) -> None:
        if frame.get("type") != "message":
            return
        message = frame["message"]
        if message.get("senderType") != expect_kind:
            return
        record = sends.get(norm(message.get("clientMessageId")))
        if record is not None and record[1]:
            delivery_latency[expect_kind].append(time.monotonic() - record[0])

    pairs = []
    semaphore = asyncio.Semaphore(20)

    async def open_pair(slot: dict):
        async with semaphore:
            agent = await asyncio.to_thread(AgentClient.login, url, slot["agent_email"], AGENT_PASSWORD,
                                            name=f"agent {slot['index']}", **client_options)
            visitor = await asyncio.to_thread(VisitorClient.start, url, slot["inbox_key"], source_address=slot["source"],
                                              name=f"shopper {slot['index']}", **client_options)
            await agent.connect(60)
            await visitor.connect(60)
            first = await visitor.send_message("开始", timeout=120)
            pairs.append((slot, agent, visitor, first["conversationId"]))

    await asyncio.gather(*(open_pair(s) for s in slots))
    for slot, agent, visitor, conversation in pairs:
        received = collections.Counter()

        def on_agent_frame(frame, agent=agent, conversation=conversation, received=received):
            delivered(frame, "visitor")
            if frame.get("type") == "message" and frame["message"].get("senderType") == "visitor":
                received["n"] += 1
                if reply_every and received["n"] % reply_every == 0 and time.monotonic() < start_at.value + duration:
                    cmid = new_id()
                    now = time.monotonic()
                    sends[cmid] = (now, now >= start_at.value + warmup, "agent")
                    future = agent.send_message_nowait("好的，马上为您处理。", conversation, cmid)
                    future.add_done_callback(lambda f, c=cmid: on_ack(c, f))
                    futures.append(future)
                    counts["sent_agent"] += 1

        agent.on_frame.append(on_agent_frame)
        visitor.on_frame.append(lambda frame: delivered(frame, "agent"))

    ready.put(number)
    await asyncio.to_thread(go.wait)
    start = start_at.value
    end = start + duration
    text = "请问这件外套还有 M 码吗？什么时候发货？"

    async def shopper(visitor: VisitorClient, conversation: str) -> None:
        k = 0
        phase = random.random() / rate
        while True:
            scheduled = start + phase + k / rate
            if scheduled >= end:
                return
            delay = scheduled - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            else:
                lag.append(-delay)
            cmid = new_id()
            now = time.monotonic()
            sends[cmid] = (now, now >= start + warmup, "visitor")
            future = visitor.send_message_nowait(text, conversation, cmid)
            future.add_done_callback(lambda f, c=cmid: on_ack(c, f))
            futures.append(future)
            counts["sent_visitor"] += 1
            if now >= start + warmup:
                counts["sent_measured_visitor"] += 1
            k += 1

    await asyncio.gather(*(shopper(visitor, conversation) for _, _, visitor, conversation in pairs))
    # Let what is in flight arrive (bounded), then count what never did.
    drain_until = time.monotonic() + options["drain"]
    while time.monotonic() < drain_until and not all(f.done() for f in futures):
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)  # the last deliveries
    counts["unacknowledged"] = sum(1 for f in futures if not f.done())
    stats = collections.Counter()
    for _, agent, visitor, _ in pairs:
        stats.update({f"agent_{k}": v for k, v in agent.stats.items()})
        stats.update({f"shopper_{k}": v for k, v in visitor.stats.items()})
    await asyncio.gather(*(c.close() for _, a, v, _ in pairs for c in (a, v)), return_exceptions=True)
    return {"worker": number, "ack_latency": ack_latency, "delivery_latency": delivery_latency, "errors": dict(errors),
            "counts": dict(counts), "client_stats": dict(stats), "lag": lag}


# ----------------------------------------------------------------------------- compiled client

def run_swift_client(args, server, slots: list[dict], late_agents: list[str] = ()) -> dict:
    """Signs the agents in and opens the shoppers' widget sessions here, then hands the sockets'
    credentials to bench/loadgen (compiled), which connects, sends and times; returns its report."""
    from concurrent.futures import ThreadPoolExecutor

    def cookie(email: str) -> str:
        agent = AgentClient.login(server.url, email, AGENT_PASSWORD)
        return "; ".join(f"{c.name}={c.value}" for c in agent.http.cookies)

    def credentials(slot: dict) -> dict:
        visitor = VisitorClient.start(server.url, slot["inbox_key"], source_address=slot["source"])
        pair = {"visitorToken": visitor.visitor_token}
        if slot["agent_email"]:
            pair["agentCookie"] = cookie(slot["agent_email"])
        return pair

    t = time.monotonic()
    with ThreadPoolExecutor(8) as pool:
        pairs = list(pool.map(credentials, slots))
        late = list(pool.map(cookie, late_agents))
    print(f"{len(pairs)} shoppers' sessions opened and {sum(1 for p in pairs if 'agentCookie' in p) + len(late)} agents signed in "
          f"in {time.monotonic() - t:.1f} s")
    config = {"url": server.url.replace("http://", "ws://"), "pairs": pairs, "rate": args.rate, "duration": args.duration,
              "warmup": args.warmup, "replyEvery": args.reply_every, "drain": args.drain, "threads": args.threads,
              "connectConcurrency": 50, "serverPid": server.pid}
    if late:
        config["lateAgents"] = late
        config["lateAgentsAfter"] = args.agents_after
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(config, f)
    try:
        done = subprocess.run([str(args.loadgen_bin), f.name], capture_output=True, text=True,
                              timeout=args.duration + args.drain + 900)
    finally:
        os.unlink(f.name)
    if done.returncode != 0:
        raise RuntimeError(f"kefu-loadgen failed ({done.returncode}): {done.stderr[-2000:]}")
    if done.stderr.strip():
        print(done.stderr.strip()[-2000:], file=sys.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------- main

def start_postgres(folder: pathlib.Path, port: int) -> str:
    """A throwaway PostgreSQL with durable commits (fsync and synchronous_commit on), unlike the
    test server of scripts/postgres.sh."""
    bindir = sorted(pathlib.Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    as_pg = (lambda cmd: ["su", "postgres", "-s", "/bin/bash", "-c", cmd]) if os.geteuid() == 0 else (lambda cmd: ["bash", "-c", cmd])
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
    subprocess.run(as_pg(f"'{bindir}/initdb' -D '{folder}/data' -U kefu -A trust -E UTF8 --locale=C.UTF-8"),
                   check=True, capture_output=True)
    subprocess.run(as_pg(f"'{bindir}/pg_ctl' -D '{folder}/data' -l '{folder}/server.log' -w -o "
                         f"\"-p {port} -k '{folder}' -c listen_addresses=127.0.0.1 -c max_connections=300 "
                         f"-c fsync=on -c synchronous_commit=on -c shared_buffers=256MB\" start"),
                   check=True, capture_output=True)
    subprocess.run(as_pg(f"'{bindir}/createdb' -h 127.0.0.1 -p {port} -U kefu kefu"), check=True, capture_output=True)
    return f"postgres://kefu@127.0.0.1:{port}/kefu"


def stop_postgres(folder: pathlib.Path) -> None:
    bindir = sorted(pathlib.Path("/usr/lib/postgresql").glob("*/bin"))[-1]
    cmd = f"'{bindir}/pg_ctl' -D '{folder}/data' -m fast stop"
    subprocess.run(["su", "postgres", "-s", "/bin/bash", "-c", cmd] if os.geteuid() == 0 else ["bash", "-c", cmd],
                   capture_output=True)
    shutil.rmtree(folder, ignore_errors=True)


def wait_for_quiet(limit: float, busy_below: float = 15.0) -> float:
    """Waits (up to ``limit`` s) for 5 quiet seconds on the machine; returns the busy % it saw last."""
    deadline = time.monotonic() + limit
    while True:
        before = machine_ticks()
        time.sleep(5)
        split = machine_split(before, machine_ticks())
        busy = 100 - split["idle"] - split["iowait"]
        if busy < busy_below or time.monotonic() > deadline:
            return busy


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kefu-bin", default=str(REPO / ".build" / "release" / "kefu"))
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--postgres-url", help="use this (emptied!) PostgreSQL database instead of starting one")
    parser.add_argument("--conversations", type=int, default=200)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of load")
    parser.add_argument("--warmup", type=float, default=3.0, help="first seconds not measured")
    parser.add_argument("--rate", type=float, default=5.0, help="messages per second per shopper (Kefu allows 10)")
    parser.add_argument("--reply-every", type=int, default=5, help="the agent answers every K-th message (0: never)")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2, help="client processes")
    parser.add_argument("--drain", type=float, default=15.0, help="seconds to wait for answers after the load")
    parser.add_argument("--reference-seconds", type=float, default=3.0)
    parser.add_argument("--label", default="")
    parser.add_argument("--client", choices=["python", "swift"], default="python",
                        help="python: asyncio client processes; swift: the compiled bench/loadgen (needed past ~1,000 msg/s)")
    parser.add_argument("--loadgen-bin", default=str(REPO / "bench" / "loadgen" / ".build" / "release" / "kefu-loadgen"))
    parser.add_argument("--threads", type=int, default=1, help="event-loop threads of the compiled client")
    parser.add_argument("--spike", type=int, metavar="AGENTS",
                        help="the spike shape (with --client swift): every shopper in one inbox whose AGENTS agents connect only "
                             "--agents-after seconds into the load; the figures are split at that moment")
    parser.add_argument("--capacity", type=int, default=5, help="open conversations per agent in the spike shape")
    parser.add_argument("--agents-after", type=float, default=12.0, help="seconds into the schedule when the spike's agents connect")
    parser.add_argument("--log-level", default="warning", help="the server's (debug shows every SQL query)")
    parser.add_argument("--no-sla", action="store_true",
                        help="turn the demo's SLA policies off (measures the chat path without SLA clocks)")
    parser.add_argument("--keep-log", metavar="PATH", help="copy the server's log here at the end")
    parser.add_argument("--wait-quiet", type=float, default=0, metavar="SECONDS",
                        help="first wait up to this long for the machine to be idle (shared machines)")
    args = parser.parse_args()
    if args.conversations > 1000 * SESSIONS_PER_ADDRESS // 10:
        parser.error("too many conversations")
    binary = pathlib.Path(args.kefu_bin).resolve()
    if not binary.exists():
        parser.error(f"{binary} not found; build it with: swift build -c release --product kefu")

    if args.wait_quiet:
        busy = wait_for_quiet(args.wait_quiet)
        print(f"machine busy {busy:.0f}% before the run")
    print("machine:", json.dumps(machine_info(), ensure_ascii=False))
    reference_before = sqlite_reference(args.reference_seconds)
    print(f"reference (Python sqlite3, WAL, synchronous=NORMAL, 1 row/transaction): {reference_before:,.0f} commits/s")

    work = pathlib.Path(tempfile.mkdtemp(prefix="kefu-bench-"))
    pg_folder = None
    pg_reference = None
    extra = {"KEFU_BCRYPT_COST": "4", "KEFU_LOGIN_LIMIT_IP": "1000000/60"}
    if args.database == "postgres":
        if args.postgres_url:
            database_url = args.postgres_url
        else:
            pg_folder = pathlib.Path(tempfile.mkdtemp(prefix="kefu-bench-pg-"))  # not under `work` (0700, root's)
            from kefu_process import free_port
            database_url = start_postgres(pg_folder, free_port())
        reset_postgres(database_url)
        pg_reference = postgres_reference(database_url)
        print(f"reference (pgbench, 8 clients, 1 INSERT/transaction): {pg_reference} tps")
    else:
        database_url = f"sqlite://{work}/bench.sqlite"
    server = KefuProcess(binary, work, database_url, log_level=args.log_level, extra=extra, name="bench")
    try:
        server.run("demo")
        server.start()
        if args.no_sla:
            owner = Owner(server.url)
            for policy in owner.http.get(f"{server.url}/api/v1/sla/policies", timeout=60).json()["items"]:
                owner.http.put(f"{server.url}/api/v1/sla/policies/{policy['id']}", json={"enabled": False}, timeout=60).raise_for_status()
        t = time.monotonic()
        late_agents: list[str] = []
        if args.spike:
            if args.client != "swift":
                parser.error("--spike needs --client swift")
            slots, late_agents = provision_spike(server.url, args.conversations, args.spike, args.capacity)
        else:
            slots = provision(server.url, args.conversations)
        print(f"provisioned {len(slots)} inboxes and agents in {time.monotonic() - t:.1f} s; server {server.url}, "
              f"database {args.database}, binary {binary}")

        if args.client == "swift":
            rss_before = server.rss_kib()
            report = run_swift_client(args, server, slots, late_agents)
            measured = args.duration - args.warmup
            acked = report["acked_measured"]
            reference_after = sqlite_reference(args.reference_seconds)
            result = {
                "label": args.label, "when": time.strftime("%Y-%m-%d %H:%M:%S"), "machine": machine_info(), "client": "swift",
                "binary": str(binary), "database": args.database, "conversations": args.conversations,
                "sockets": 2 * args.conversations, "duration_s": args.duration, "warmup_s": args.warmup,
                "rate_per_shopper": args.rate, "reply_every": args.reply_every,
                "offered_msgs_per_s": args.conversations * args.rate * (1 + (1 / args.reply_every if args.reply_every else 0)),
                "acked_msgs_per_s": round(sum(acked.values()) / measured, 1),
                "acked_visitor_msgs_per_s": round(acked.get("visitor", 0) / measured, 1),
                "acked_agent_msgs_per_s": round(acked.get("agent", 0) / measured, 1),
                "server_cpu_us_per_message": report.get("server_cpu_us_per_message"),
                "cpu_percent_of_one_core": {"server": report.get("server_cpu_percent_of_one_core"),
                                            "client": report["client_cpu_percent_of_one_core"]},
                "server_rss_mib": {"before_sockets": round(rss_before / 1024), "after": round(server.rss_kib() / 1024)},
                "reference_sqlite_commits_per_s": {"before": round(reference_before), "after": round(reference_after)},
                "reference_postgres_insert_tps": pg_reference,
                "spike": {"agents": args.spike, "capacity": args.capacity, "agents_after_s": args.agents_after} if args.spike else None,
                "phases": report.get("phases"),
                "loadgen": report,
            }
            print(json.dumps(result, ensure_ascii=False, indent=1))
            out = REPO / "bench" / "results"
            out.mkdir(parents=True, exist_ok=True)
            name = f"chat_load-swift-{args.database}-{args.conversations}-{time.strftime('%Y%m%d-%H%M%S')}.json"
            (out / name).write_text(json.dumps(result, ensure_ascii=False, indent=1))
            print(f"written to bench/results/{name}")
            return 0

        ctx = mp.get_context("fork")
        ready, results = ctx.Queue(), ctx.Queue()
        go = ctx.Event()
        start_at = ctx.Value("d", 0.0)
        groups = [slots[i::args.processes] for i in range(args.processes)]
        options = {"rate": args.rate, "duration": args.duration, "warmup": args.warmup, "reply_every": args.reply_every,
                   "drain": args.drain}
        procs = [ctx.Process(target=worker, args=(n, g, server.url, options, ready, go, start_at, results), daemon=True)
                 for n, g in enumerate(groups) if g]
        for p in procs:
            p.start()
        t = time.monotonic()
        for _ in procs:
            ready.get(timeout=600)
        print(f"{2 * len(slots)} sockets open in {time.monotonic() - t:.1f} s; server RSS {server.rss_kib() / 1024:.0f} MiB")
        time.sleep(2)  # let connection-time traffic (presence) settle
        start_at.value = time.monotonic() + 0.5
        go.set()
        time.sleep(max(0.0, start_at.value + args.warmup - time.monotonic()))
        pids = [server.pid] + [p.pid for p in procs]
        cpu0 = {pid: cpu_seconds(pid) for pid in pids}
        ticks0, all0, wall0 = machine_ticks(), process_ticks(), time.monotonic()
        time.sleep(max(0.0, start_at.value + args.duration - time.monotonic()))
        cpu1 = {pid: cpu_seconds(pid) for pid in pids}
        ticks1, all1, wall1 = machine_ticks(), process_ticks(), time.monotonic()
        rss = server.rss_kib()
        window = wall1 - wall0
        server_cpu = (cpu1[server.pid] - cpu0[server.pid]) / window * 100
        client_cpu = sum(cpu1[p] - cpu0[p] for p in pids[1:]) / window * 100
        split = machine_split(ticks0, ticks1)
        consumers = top_consumers(all0, all1, window)
        others = sum(c["cpu_percent_of_one_core"] for c in consumers if c["pid"] not in pids)
        print(f"CPU during the measured window: server {server_cpu:.0f}%, clients {client_cpu:.0f}% (of one core); "
              f"machine {split}; top: {consumers[:5]}")

        outcomes = [results.get(timeout=args.drain + 600) for _ in procs]
        for p in procs:
            p.join(timeout=30)
        failed = [o for o in outcomes if "failed" in o]
        if failed:
            for o in failed:
                print(f"worker {o['worker']} failed: {o['failed']}", file=sys.stderr)
            return 1
        merged = {"ack": {"visitor": [], "agent": []}, "delivery": {"visitor": [], "agent": []}}
        errors, counts, client_stats, lag = collections.Counter(), collections.Counter(), collections.Counter(), []
        for o in outcomes:
            for kind in ("visitor", "agent"):
                merged["ack"][kind] += o["ack_latency"][kind]
                merged["delivery"][kind] += o["delivery_latency"][kind]
            errors.update(o["errors"])
            counts.update(o["counts"])
            client_stats.update(o["client_stats"])
            lag += o["lag"]
        measured = args.duration - args.warmup
        db_bytes = sum(f.stat().st_size for f in work.glob("bench.sqlite*")) if args.database == "sqlite" else None
        reference_after = sqlite_reference(args.reference_seconds)
        result = {
            "label": args.label, "when": time.strftime("%Y-%m-%d %H:%M:%S"), "machine": machine_info(),
            "binary": str(binary), "database": args.database, "conversations": args.conversations,
            "sockets": 2 * args.conversations, "duration_s": args.duration, "warmup_s": args.warmup,
            "rate_per_shopper": args.rate, "reply_every": args.reply_every, "client_processes": len(procs),
            "offered_msgs_per_s": args.conversations * args.rate * (1 + (1 / args.reply_every if args.reply_every else 0)),
            "acked_msgs_per_s": (counts["acked_measured_visitor"] + counts["acked_measured_agent"]) / measured,
            "acked_visitor_msgs_per_s": counts["acked_measured_visitor"] / measured,
            "acked_agent_msgs_per_s": counts["acked_measured_agent"] / measured,
            "ack_latency": {k: percentiles(v) for k, v in merged["ack"].items()},
            "delivery_latency": {k: percentiles(v) for k, v in merged["delivery"].items()},
            "errors": dict(errors), "counts": dict(counts), "client_stats": dict(client_stats),
            "client_schedule_lag": percentiles(lag) if lag else {"count": 0},
            "cpu_percent_of_one_core": {"server": round(server_cpu), "clients": round(client_cpu)},
            "machine_cpu_split_percent": split, "top_processes": consumers,
            "other_processes_cpu_percent_of_one_core": others,
            "server_rss_mib": round(rss / 1024), "database_bytes": db_bytes,
            "reference_sqlite_commits_per_s": {"before": round(reference_before), "after": round(reference_after)},
            "reference_postgres_insert_tps": pg_reference,
        }
        print(json.dumps(result, ensure_ascii=False, indent=1))
        out = REPO / "bench" / "results"
        out.mkdir(parents=True, exist_ok=True)
        name = f"chat_load-{args.database}-{args.conversations}-{time.strftime('%Y%m%d-%H%M%S')}.json"
        (out / name).write_text(json.dumps(result, ensure_ascii=False, indent=1))
        print(f"written to bench/results/{name}")
        return 0
    finally:
        server.kill()
        if args.keep_log and server.log_path.exists():
            shutil.copy(server.log_path, args.keep_log)
        if pg_folder is not None:
            stop_postgres(pg_folder)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
