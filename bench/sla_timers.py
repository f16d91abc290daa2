#!/usr/bin/env python3
"""SLA timers at scale: 100,000 open SLA clocks, of which a share fall due during the run; how late
each breach is recorded after its due time, whether any is missed or fired twice, and the server's
memory and CPU meanwhile (issue 13: breach events within 1 s of their due time).

    KEFU_BIN=.build/release/kefu python3 bench/sla_timers.py [--clocks 100000] [--due 12000] [--window 120]

1. `kefu setup` makes a shop in a fresh SQLite file; the clocks are written straight into
   `sla_clocks` (running first-reply clocks of tickets, as the SLA listener writes them): `--due`
   of them fall due evenly over `--window` seconds starting 20 s after the server starts, the rest
   1 to 24 hours later (open, with timers, but not due during the run).
2. `kefu serve` runs; RSS and CPU time are sampled every second from /proc.
3. After the window (+5 s) the server stops. Lateness of each breach = the moment the timer's
   transaction recorded it (`sla_events.created_at`) minus its due time (`sla_events.at`). A clock
   due more than a second before the stop without a breach is unfired (late beyond the run, or
   missed); two breach rows for one clock are a double.
4. Same-run reference: a plain Python scheduler (one thread, `time.sleep` to the next due time)
   fires the same due times, so the machine's own timer lateness under this load is known.

Prints a summary and writes bench/results/sla_timers-<time>.json.
"""
import argparse, json, os, pathlib, random, socket, sqlite3, statistics, subprocess, tempfile, threading, time, urllib.request, uuid

REPO = pathlib.Path(__file__).resolve().parent.parent


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
    args = parser.parse_args()
    binary = os.environ.get("KEFU_BIN", str(REPO / ".build/release/kefu"))
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="kefu-sla-"))
    db_path = tmp / "kefu.sqlite"
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"), "KEFU_DATABASE_URL": f"sqlite://{db_path}",
           "KEFU_RESOURCES_DIR": str(REPO), "KEFU_LOG_LEVEL": "warning"}
    subprocess.run([binary, "setup", "--shop", "SLA bench", "--email", "owner@bench.test", "--password", "bench-password-1"],
                   env=env, check=True, stdout=subprocess.DEVNULL)

    db = sqlite3.connect(db_path)
    account = db.execute("SELECT id FROM accounts LIMIT 1").fetchone()[0]
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
    db.executemany("""INSERT INTO sla_clocks (id, account_id, target_type, target_id, metric, policy_id, policy_version, target_seconds,
        warn_after_seconds, activated_at, state, running_since, used_seconds, due_at, warn_at, warned_at, breached_at, finished_at,
        fire_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)""", rows)
    db.commit()
    insert_seconds = time.perf_counter() - t0
    db.close()
    print(f"{args.clocks:,} open clocks written in {insert_seconds:.1f} s; {args.due:,} fall due over {args.window:.0f} s")

    port = free_port()
    proc = subprocess.Popen([binary, "serve"], env={**env, "KEFU_PORT": str(port)}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    samples = []
    ref_late = []
    ref = threading.Thread(target=lambda: ref_late.extend(reference(dues)))
    try:
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
            rss, cpu = proc_sample(proc.pid)
            samples.append({"t": round(time.time() - ready, 1), "rssMB": round(rss, 1), "cpuSeconds": round(cpu, 2)})
            time.sleep(1)
        ref.join()
    finally:
        stopped = time.time()
        proc.terminate()
        proc.wait(timeout=20)

    db = sqlite3.connect(db_path)
    breaches = db.execute("SELECT clock_id, at, created_at FROM sla_events WHERE kind = 'breached'").fetchall()
    late = [created - at for _, at, created in breaches]
    per_clock = {}
    for clock, _, _ in breaches:
        per_clock[clock] = per_clock.get(clock, 0) + 1
    doubles = sum(1 for n in per_clock.values() if n > 1)
    # Due more than a second before the server stopped, never breached: late beyond the run (or missed).
    unfired = db.execute("SELECT count(*) FROM sla_clocks WHERE due_at <= ? AND breached_at IS NULL", (stopped - 1,)).fetchone()[0]
    still_open = db.execute("SELECT count(*) FROM sla_clocks WHERE state = 'running' AND breached_at IS NULL").fetchone()[0]
    db.close()

    cpu_total = samples[-1]["cpuSeconds"] - samples[0]["cpuSeconds"] if len(samples) > 1 else 0
    wall = samples[-1]["t"] - samples[0]["t"] if len(samples) > 1 else 1
    result = {
        "machine": {"cpus": os.cpu_count(), "uname": " ".join(os.uname())},
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
    out = REPO / "bench" / "results" / f"sla_timers-{time.strftime('%Y%m%d-%H%M%S')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=1))
    summary = {k: v for k, v in result.items() if k != "samples"}
    print(json.dumps(summary, indent=1, ensure_ascii=False))
    print(f"written {out}")


if __name__ == "__main__":
    main()
