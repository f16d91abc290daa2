#!/usr/bin/env python3
"""SLA timers at scale: 100,000 open SLA clocks, of which a share fall due during the run; how late
each breach is recorded after its due time, whether any is missed or fired twice, and the server's
memory and CPU meanwhile (issue 13: breach events within 1 s of their due time).

    KEFU_BIN=.build/release/kefu python3 bench/sla_timers.py [--clocks 100000] [--due 12000] [--window 120]
    KEFU_BIN=.build/release/kefu python3 bench/sla_timers.py --database postgres --instances 2   # a throwaway PostgreSQL

1. `kefu setup` makes a shop in a fresh SQLite file; the clocks are written straight into
   `sla_clocks` (running first-reply clocks of tickets, as the SLA listener writes them): `--due`
   of them fall due evenly over `--window` seconds starting 20 s after the server starts, the rest
   1 to 24 hours later (open, with timers, but not due during the run).
2. `kefu serve` runs (`--instances` of them on one PostgreSQL: each claims due clocks with
   `FOR UPDATE SKIP LOCKED`); RSS and CPU time are sampled every second from /proc, summed.
3. After the window (+5 s) the server stops. Lateness of each breach = the moment the timer's
   transaction recorded it (`sla_events.created_at`) minus its due time (`sla_events.at`). A clock
   due more than a second before the stop without a breach is unfired (late beyond the run, or
   missed); two breach rows for one clock are a double.
4. Same-run reference: a plain Python scheduler (one thread, `time.sleep` to the next due time)
   fires the same due times, so the machine's own timer lateness under this load is known.

Prints a summary and writes bench/results/sla_timers-<time>.json.
"""
import argparse, csv, io, json, os, pathlib, random, socket, sqlite3, subprocess, sys, tempfile, threading, time, urllib.request, uuid

REPO = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

COLUMNS = ("id, account_id, target_type, target_id, metric, policy_id, policy_version, target_seconds, warn_after_seconds, activated_at, "
           "state, running_since, used_seconds, due_at, warn_at, warned_at, breached_at, finished_at, fire_at, updated_at")


class SQLiteDB:
    def __init__(self, path):
        self.path = path

    def rows(self, sql, params=()):
        db = sqlite3.connect(self.path)
        try:
            return db.execute(sql, params).fetchall()
        finally:
            db.close()

    def insert_clocks(self, rows):
        db = sqlite3.connect(self.path)
        db.executemany(f"INSERT INTO sla_clocks ({COLUMNS}) VALUES ({','.join('?' * 20)})", rows)
        db.commit()
        db.close()

    def epoch(self, column):
        return column


class PostgresDB:
    """Through psql (no driver needed): rows come back as text."""
    def __init__(self, url):
        self.url = url

    def psql(self, args, stdin=None):
        done = subprocess.run(["psql", self.url, "-v", "ON_ERROR_STOP=1", "-At", "-F", "\t", *args], input=stdin,
                              capture_output=True, text=True, check=True)
        return done.stdout

    def rows(self, sql, params=()):
        for value in params:
            sql = sql.replace("?", repr(value) if not isinstance(value, str) else f"'{value}'", 1)
        out = self.psql(["-c", sql])
        return [tuple(self.value(v) for v in line.split("\t")) for line in out.splitlines() if line]

    @staticmethod
    def value(text):
        try:
            return float(text)
        except ValueError:
            return text

    def insert_clocks(self, rows):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        iso = lambda t: None if t is None else time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + f".{int((t % 1) * 1e6):06d}+00:00"
        for r in rows:
            r = list(r)
            for i in (9, 11, 13, 14, 15, 16, 17, 18, 19):
                r[i] = iso(r[i])
            writer.writerow(["" if v is None else v for v in r])
        self.psql(["-c", f"\\copy sla_clocks ({COLUMNS}) FROM STDIN WITH (FORMAT csv)"], stdin=buffer.getvalue())

    def epoch(self, column):
        return f"extract(epoch from {column})"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_sample(pid):
    status = pathlib.Path(f"/proc/{pid}/status").read_text()
    rss = next(int(l.split()[1]) for l in status.splitlines() if l.startswith("VmRSS:"))
    fields = pathlib.Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks
    return rss / 1024, cpu


def pct(values, p):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def reference(dues):
    """A one-thread scheduler firing at the same moments: lateness in seconds."""
    late = []
    for due in dues:
        wait = due - time.time()
        if wait > 0:
            time.sleep(wait)
        late.append(time.time() - due)
    return late


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clocks", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=12_000, help="clocks that fall due during the run")
    parser.add_argument("--window", type=float, default=120.0, help="seconds over which they fall due")
    parser.add_argument("--lead", type=float, default=20.0, help="seconds from the server's start to the first due time")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--instances", type=int, default=1, help="servers on one PostgreSQL")
    args = parser.parse_args()
    binary = os.environ.get("KEFU_BIN", str(REPO / ".build/release/kefu"))
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="kefu-sla-"))
    os.chmod(tmp, 0o755)  # the postgres user creates its cluster inside
    pg_folder = None
    if args.database == "postgres":
        from chat_load import start_postgres, stop_postgres
        pg_folder = tmp / "pg"
        url = start_postgres(pg_folder, free_port())
        db = PostgresDB(url)
    else:
        if args.instances != 1:
            parser.error("--instances needs --database postgres")
        url = f"sqlite://{tmp / 'kefu.sqlite'}"
        db = SQLiteDB(tmp / "kefu.sqlite")
    try:
        run(args, binary, url, db)
    finally:
        if pg_folder:
            stop_postgres(pg_folder)


def run(args, binary, url, db):
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), "KEFU_DATABASE_URL": url,
           "KEFU_RESOURCES_DIR": str(REPO), "KEFU_LOG_LEVEL": "warning"}
    subprocess.run([binary, "setup", "--shop", "SLA bench", "--email", "owner@bench.test", "--password", "bench-password-1"],
                   env=env, check=True, stdout=subprocess.DEVNULL)
    account = db.rows("SELECT id FROM accounts LIMIT 1")[0][0]
    policy = str(uuid.uuid4()).upper()
    started_at = time.time() + 5  # the server is up within a few seconds of the insert
    first_due = started_at + args.lead
    rng = random.Random(13)
    rows, dues = [], []
    for i in range(args.clocks):
        if i < args.due:
            due = first_due + args.window * i / max(1, args.due - 1)
            dues.append(due)
        else:
            due = started_at + rng.uniform(3600, 86_400)
        activated = due - 60
        rows.append((str(uuid.uuid4()).upper(), account, "ticket", str(uuid.uuid4()).upper(), "first_reply", policy, 1, 60, None,
                     activated, "running", activated, 0.0, due, None, None, None, None, due, activated))
    t0 = time.perf_counter()
    db.insert_clocks(rows)
    insert_seconds = time.perf_counter() - t0
    print(f"{args.clocks:,} open clocks written in {insert_seconds:.1f} s; {args.due:,} fall due over {args.window:.0f} s")

    ports = [free_port() for _ in range(args.instances)]
    procs = [subprocess.Popen([binary, "serve"], env={**env, "KEFU_PORT": str(port)}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
             for port in ports]
    samples = []
    ref_late = []
    ref = threading.Thread(target=lambda: ref_late.extend(reference(dues)))
    try:
        for port in ports:
            deadline = time.time() + 30
            while time.time() < deadline:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=1) as r:
                        if r.status == 200:
                            break
                except OSError:
                    time.sleep(0.05)
        ready = time.time()
        ref.start()
        end = dues[-1] + 5 if dues else ready + 10
        while time.time() < end:
            rss, cpu = [sum(v) for v in zip(*(proc_sample(p.pid) for p in procs))]
            samples.append({"t": round(time.time() - ready, 1), "rssMB": round(rss, 1), "cpuSeconds": round(cpu, 2)})
            time.sleep(1)
        ref.join()
    finally:
        stopped = time.time()
        for p in procs:
            p.terminate()
        for p in procs:
            p.wait(timeout=20)

    breaches = db.rows(f"SELECT clock_id, {db.epoch('at')}, {db.epoch('created_at')} FROM sla_events WHERE kind = 'breached'")
    late = [created - at for _, at, created in breaches]
    per_clock = {}
    for clock, _, _ in breaches:
        per_clock[clock] = per_clock.get(clock, 0) + 1
    doubles = sum(1 for n in per_clock.values() if n > 1)
    # Due more than a second before the server stopped, never breached: late beyond the run (or missed).
    unfired = int(db.rows(f"SELECT count(*) FROM sla_clocks WHERE {db.epoch('due_at')} <= ? AND breached_at IS NULL", (stopped - 1,))[0][0])
    still_open = int(db.rows("SELECT count(*) FROM sla_clocks WHERE state = 'running' AND breached_at IS NULL")[0][0])

    cpu_total = samples[-1]["cpuSeconds"] - samples[0]["cpuSeconds"] if len(samples) > 1 else 0
    wall = samples[-1]["t"] - samples[0]["t"] if len(samples) > 1 else 1
    result = {
        "machine": {"cpus": os.cpu_count(), "uname": " ".join(os.uname())},
        "database": args.database, "instances": args.instances,
        "clocks": args.clocks, "dueDuringRun": args.due, "windowSeconds": args.window,
        "breaches": len(breaches), "unfiredAtEnd": unfired, "doubles": doubles, "openAfter": still_open,
        "latenessMs": {k: round(1000 * v, 1) if v is not None else None for k, v in
                       {"p50": pct(late, 50), "p95": pct(late, 95), "p99": pct(late, 99), "max": max(late) if late else None}.items()},
        "within1s": round(sum(1 for v in late if v <= 1.0) / len(late), 5) if late else None,
        "referenceLatenessMs": {k: round(1000 * v, 2) if v is not None else None for k, v in
                                {"p50": pct(ref_late, 50), "p99": pct(ref_late, 99), "max": max(ref_late) if ref_late else None}.items()},
        "rssMB": {"start": samples[0]["rssMB"] if samples else None, "max": max(s["rssMB"] for s in samples) if samples else None,
                  "end": samples[-1]["rssMB"] if samples else None},
        "cpuCoresAverage": round(cpu_total / wall, 3) if wall else None,
        "samples": samples,
    }
    out = REPO / "bench" / "results" / f"sla_timers-{args.database}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1))
    summary = {k: v for k, v in result.items() if k != "samples"}
    print(json.dumps(summary, indent=1, ensure_ascii=False))
    print(f"written {out}")


if __name__ == "__main__":
    main()
