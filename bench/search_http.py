#!/usr/bin/env python3
"""Knowledge search over HTTP: the public `GET /api/v1/help/search` with 10,000 articles in
one shop, measured end to end (HTTP parsing, the revision check against the database, the
in-memory BM25F search, snippets, JSON) — the figure a shopper's browser sees, minus the network.

    KEFU_BIN=.build/release/kefu python3 bench/search_http.py [--articles 10000] [--queries 2000]
        [--database sqlite|postgres]

1. `kefu demo` into a fresh SQLite file (or a throwaway PostgreSQL with --database postgres,
   started with scripts/postgres.sh), `kefu serve` on 127.0.0.1.
2. Imports the demo FAQ plus synthetic articles up to --articles through
   `POST /api/v1/knowledge/import` (synthetic bodies recombine sentences of the demo answers,
   fixed seed), and times the import and the first search (index build).
3. Sends --queries searches one after another on a keep-alive connection: the relevance set's
   queries cycled plus random fragments of article titles; reports p50 / p95 / p99 and the
   share of queries whose top hit is the expected article for the relevance set queries.
4. A reference figure in the same run: Python's own time to JSON-encode and decode a
   1 KiB object 10,000 times, so machines can be compared.
Raw results go to bench/results/search_http-*.json.
"""
import argparse, json, os, pathlib, random, re, socket, statistics, subprocess, sys, tempfile, time, urllib.parse

import requests
from requests.adapters import HTTPAdapter


class SourceAddress(HTTPAdapter):
    """Connects from a given loopback address: Kefu allows 120 public searches per minute per
    address, so the benchmark spreads its queries over 127.0.0.2, 127.0.0.3, …"""
    def __init__(self, address):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def shopper_session(n):
    session = requests.Session()
    session.mount("http://", SourceAddress(f"127.0.0.{2 + n}"))
    return session

REPO = pathlib.Path(__file__).resolve().parent.parent
PASSWORD = "kefu-demo-2026"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(url, proc, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            sys.exit(f"kefu serve exited with {proc.returncode}")
        try:
            if requests.get(url + "/ready", timeout=1).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    sys.exit("kefu did not become ready")


def synthetic(demo, count, rng):
    """Articles made of sentences from the demo answers, with titles from their words."""
    sentences = [s for a in demo for s in re.split(r"(?<=[。！？])", a["body"]) if len(s) > 6]
    titles = [a["title"] for a in demo if a.get("locale", "zh-CN").startswith("zh")]
    out = []
    for i in range(count):
        body = "".join(rng.sample(sentences, 4))
        base = rng.choice(titles).rstrip("？?")
        out.append({"id": f"syn-{i:05d}", "title": f"{base}（{rng.choice(['说明', '规则', '常见情况', '注意事项'])} {i}）",
                    "body": body, "category": rng.choice(["售前/商品咨询", "售中/发货物流", "售后/退换货", "售后/退款", "会员/积分"]),
                    "locale": "zh-CN", "views": rng.randint(0, 500), "helpful": rng.randint(0, 40)})
    return out


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def reference():
    payload = {"items": [{"title": "退款多久到账", "snippet": "原路退回" * 20, "score": 1.5}] * 5}
    started = time.perf_counter()
    for _ in range(10_000):
        json.loads(json.dumps(payload, ensure_ascii=False))
    return time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=2_000)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    binary = os.environ.get("KEFU_BIN", str(REPO / ".build/release/kefu"))
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="kefu-search-http-"))
    pg = None
    if args.database == "postgres":
        pg = tmp / "pg"
        url = subprocess.run([str(REPO / "scripts/postgres.sh"), "start", str(pg), str(free_port())],
                             check=True, capture_output=True, text=True).stdout.strip()
    else:
        url = f"sqlite://{tmp}/kefu.sqlite"
    port = free_port()
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), "KEFU_DATABASE_URL": url,
           "KEFU_RESOURCES_DIR": str(REPO), "KEFU_LOG_LEVEL": "warning", "KEFU_PORT": str(port), "KEFU_HOST": "127.0.0.1"}
    subprocess.run([binary, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
    proc = subprocess.Popen([binary, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_ready(base, proc)
        api = requests.Session()
        login = api.post(base + "/api/v1/auth/login", json={"email": "li@demo.kefu.local", "password": PASSWORD})
        login.raise_for_status()
        api.headers["X-CSRF-Token"] = login.json()["csrfToken"]
        demo = json.loads((REPO / "Resources/Knowledge/demo-faq.zh-CN.json").read_text())
        rng = random.Random(20261123)
        articles = synthetic(demo["articles"], max(0, args.articles - len(demo["articles"])), rng)
        body = json.dumps({"articles": articles}, ensure_ascii=False).encode()
        started = time.perf_counter()
        imported = api.post(base + "/api/v1/knowledge/import?format=json", data=body, headers={"Content-Type": "application/json"})
        import_s = time.perf_counter() - started
        imported.raise_for_status()
        total = api.get(base + "/api/v1/knowledge/articles?limit=1").json()["total"]
        inbox = next(i for i in api.get(base + "/api/v1/inboxes").json()["items"] if i["name"] == "售后")["widgetKey"]

        relevance = json.loads((REPO / "Tests/KefuCoreTests/Knowledge/relevance.json").read_text())["queries"]
        titles = [a["title"] for a in articles] or [a["title"] for a in demo["articles"]]
        queries = []
        for i in range(args.queries):
            if i % 2 == 0:
                q = relevance[(i // 2) % len(relevance)]
                queries.append((q["query"], {q["expected"], *q.get("alternates", [])}))
            else:
                t = rng.choice(titles)
                start = rng.randrange(max(1, len(t) - 4))
                queries.append((t[start:start + rng.randint(2, 6)], None))
        shopper = shopper_session(0)
        first_started = time.perf_counter()
        shopper.get(base + "/api/v1/help/search", params={"q": "退货", "inbox": inbox}).raise_for_status()
        first_ms = (time.perf_counter() - first_started) * 1000
        latencies, hits, checked = [], 0, 0
        for i, (q, expected) in enumerate(queries):
            if i % 100 == 99:
                shopper = shopper_session(i // 100 + 1)
            started = time.perf_counter()
            r = shopper.get(base + "/api/v1/help/search", params={"q": q, "inbox": inbox, "limit": 10})
            latencies.append((time.perf_counter() - started) * 1000)
            r.raise_for_status()
            if expected is not None:
                checked += 1
                items = r.json()["items"]
                hits += bool(items) and items[0]["slug"] in expected
        ref = reference()
        result = {
            "database": args.database, "binary": binary, "articles": total, "queries": len(queries),
            "import_seconds": round(import_s, 2), "first_search_ms": round(first_ms, 1),
            "p50_ms": round(statistics.median(latencies), 2), "p95_ms": round(pct(latencies, 95), 2),
            "p99_ms": round(pct(latencies, 99), 2), "max_ms": round(max(latencies), 2),
            "relevance_p_at_1_among_10000": round(hits / checked, 3) if checked else None,
            "reference_json_roundtrips_s": round(ref, 3), "cores": os.cpu_count(),
            "load_average": os.getloadavg()[0],
        }
        print(json.dumps(result, ensure_ascii=False, indent=2))
        out = REPO / "bench/results" / f"search_http-{args.database}-{time.strftime('%Y%m%d-%H%M%S')}.json"
        out.parent.mkdir(exist_ok=True)
        out.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        if pg:
            subprocess.run([str(REPO / "scripts/postgres.sh"), "stop", str(pg)], check=False)


if __name__ == "__main__":
    main()
