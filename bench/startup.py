#!/usr/bin/env python3
"""Start-up benchmark: time from exec to a 200 from /ready on an existing database,
and the idle resident memory afterwards (QUALITY.md target 5: ≤ 1 s, ≤ 80 MB).

    KEFU_BIN=.build/release/kefu python3 bench/startup.py [--runs 10]

Runs `kefu demo` once into a temporary SQLite file, then starts `kefu serve` --runs times
against it. Prints the median and the spread, and a reference figure measured in the same
run (the time to exec `true` and to open/close an SQLite file from Python) so numbers from
different machines can be compared. Traffic stays on 127.0.0.1.
"""
import argparse, os, pathlib, socket, sqlite3, statistics, subprocess, tempfile, time, urllib.request

REPO = pathlib.Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rss_kib(pid):
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    binary = os.environ.get("KEFU_BIN", str(REPO / ".build/release/kefu"))
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="kefu-startup-"))
    env = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp"),
           "KEFU_DATABASE_URL": f"sqlite://{tmp}/kefu.sqlite", "KEFU_RESOURCES_DIR": str(REPO), "KEFU_LOG_LEVEL": "warning"}
    subprocess.run([binary, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)

    ready, rss = [], []
    for _ in range(args.runs):
        port = free_port()
        started = time.perf_counter()
        proc = subprocess.Popen([binary, "serve"], env={**env, "KEFU_PORT": str(port)},
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = started + 30
            while time.perf_counter() < deadline:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=1) as r:
                        if r.status == 200:
                            break
                except OSError:
                    time.sleep(0.005)
            ready.append(time.perf_counter() - started)
            time.sleep(1.0)  # let it settle before reading idle memory
            rss.append(rss_kib(proc.pid) / 1024)
        finally:
            proc.terminate()
            proc.wait(timeout=10)

    # Reference figures from the same run.
    t = time.perf_counter()
    for _ in range(20):
        subprocess.run(["true"])
    exec_ms = (time.perf_counter() - t) / 20 * 1000
    t = time.perf_counter()
    for _ in range(200):
        sqlite3.connect(tmp / "kefu.sqlite").close()
    sqlite_ms = (time.perf_counter() - t) / 200 * 1000

    print(f"binary: {binary}")
    print(f"runs: {args.runs}, cores: {os.cpu_count()}")
    print(f"ready after start: median {statistics.median(ready)*1000:.0f} ms, min {min(ready)*1000:.0f} ms, max {max(ready)*1000:.0f} ms")
    print(f"idle RSS: median {statistics.median(rss):.1f} MiB, max {max(rss):.1f} MiB")
    print(f"reference: exec `true` {exec_ms:.2f} ms, sqlite3 open+close {sqlite_ms:.3f} ms")


if __name__ == "__main__":
    main()
