#!/usr/bin/env python3
"""Idle WebSocket connections on one instance (docs QUALITY.md, performance target 2: 10,000 idle
WebSocket connections, ≤ 50 KB memory each).

The script starts its own ``kefu serve`` (``--kefu-bin``) on a fresh SQLite database with the
open-file limit raised (``preexec_fn`` → ``setrlimit(RLIMIT_NOFILE)``; ``kefu_process.py`` is not
changed), runs ``kefu demo`` and, as the owner, creates the inbox "idle" and one inbox with one agent
for a live conversation. Then:

1. a shopper and its agent connect (the reference client) and time ``--round-trips`` round trips:
   shopper message → ``ack`` → the agent's ``message`` frame → the agent's reply → the shopper's
   ``message`` frame;
2. ``--sockets`` widget sessions (``POST /api/v1/widget/sessions``) for the inbox "idle", 25 per
   loopback source address (Kefu allows 30 new sessions per address per minute) from 127.1.0.1,
   127.1.0.2, … (all of 127.0.0.0/8 is loopback on Linux);
3. a probe: ``--probe`` widget sockets opened from one single address within a second, to see whether
   the socket upgrade is limited per address like the sessions;
4. ``--processes`` client processes (asyncio + websockets, ``--concurrency`` handshakes in flight
   each) open one shopper socket per session, each from its session's address, and read the ``hello``;
5. after ``--settle`` seconds: the server's RSS (and anonymous RSS, open files, threads) against the
   RSS before step 4 → memory per socket; the same round trips with every socket open; after
   ``--hold`` seconds a ``ping`` on ``--ping-sample`` idle sockets per process, and how many sockets
   the server closed meanwhile (none should be);
6. the clients close every socket; the server's RSS and open files afterwards;
7. ``--cycles``: the same sessions open and close their sockets again; memory the server kept after the
   first close and reuses shows as no growth, a leak as growth per cycle.

All sockets are shopper (widget) sockets; the round-trip pair adds one shopper and one agent socket.

    python3 bench/idle_sockets.py --kefu-bin .build/release/kefu --sockets 2000     # quick (~1 min)
    python3 bench/idle_sockets.py --kefu-bin .build/release/kefu                    # 10,000 sockets

Results are printed and written as JSON to bench/results/ (ignored by git). Exit status: 0 all
sockets open and served, within the target; 1 sockets failed to open, were closed, or a round trip
or ping failed; 2 everything worked but memory per socket is above the target.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import multiprocessing as mp
import os
import pathlib
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import traceback

REPO = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "e2e"))
sys.path.insert(0, str(REPO / "bench"))

from chat_load import Owner, machine_info, provision, AGENT_PASSWORD  # noqa: E402
from kefu_client import AgentClient, VisitorClient  # noqa: E402
from kefu_process import KefuProcess, wait_healthy  # noqa: E402

TARGET_KB = 50
SESSIONS_PER_ADDRESS = 25
CLK_TCK = os.sysconf("SC_CLK_TCK")


# ----------------------------------------------------------------------------- limits and /proc

def raise_nofile(wanted: int) -> dict:
    """Soft open-file limit to the hard one; the hard one up to ``wanted`` when allowed (root)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    before = (soft, hard)
    note = None
    if hard != resource.RLIM_INFINITY and hard < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, wanted))
        except (ValueError, OSError) as error:
            note = f"hard limit {hard} is below the {wanted} needed and cannot be raised ({error})"
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if note is None and soft < wanted:
        note = f"open-file limit {soft} is below the {wanted} needed"
    return {"before": list(before), "after": [soft, hard], "wanted": wanted, "problem": note}


def proc_status(pid: int) -> dict:
    values = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "RssAnon", "RssFile", "RssShmem", "VmHWM", "Threads"):
                values[key] = int(rest.split()[0])
    try:
        values["open_files"] = len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        values["open_files"] = None
    return values


def proc_limit_nofile(pid: int) -> str | None:
    with open(f"/proc/{pid}/limits") as f:
        for line in f:
            if line.startswith("Max open files"):
                return " ".join(line.split()[3:5])
    return None


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def percentiles_ms(values: list[float]) -> dict:
    if not values:
        return {"count": 0}
    ordered = sorted(values)
    pick = lambda q: round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)  # noqa: E731
    return {"count": len(ordered), "p50_ms": pick(0.5), "p95_ms": pick(0.95), "p99_ms": pick(0.99),
            "max_ms": round(ordered[-1] * 1000, 2)}


class IdleKefu(KefuProcess):
    """``kefu serve`` with its open-file limit set in the child before exec."""

    def __init__(self, *args, nofile: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.nofile = nofile

    def start(self, timeout: float = 90) -> "IdleKefu":
        nofile = self.nofile

        def limits():
            resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))

        with open(self.log_path, "a") as log:
            log.write(f"\n==== kefu serve started {time.strftime('%H:%M:%S')} (RLIMIT_NOFILE {nofile}) ====\n")
            log.flush()
            self.proc = subprocess.Popen([str(self.binary), "serve"], cwd=self.workdir, env=self.env,
                                         stdout=log, stderr=subprocess.STDOUT, preexec_fn=limits)
        wait_healthy(self.url, self.proc, self.log_path, timeout=timeout)
        return self


# ----------------------------------------------------------------------------- sessions (raw HTTP, asyncio)

def address(index: int) -> str:
    """The source address of the index-th group of 25 shoppers: 127.1.0.1, 127.1.0.2, … 127.1.0.254, 127.1.1.1, …"""
    return f"127.1.{index // 254}.{index % 254 + 1}"


async def post_json(port: int, path: str, body: dict, source: str, timeout: float = 60) -> tuple[int, dict, dict]:
    async def go():
        reader, writer = await asyncio.open_connection("127.0.0.1", port, local_addr=(source, 0))
        data = json.dumps(body).encode()
        writer.write(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
                     f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n".encode() + data)
        raw = await reader.read()
        writer.close()
        head, _, payload = raw.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in (l.partition(":") for l in lines[1:])}
        if headers.get("transfer-encoding") == "chunked":
            out, rest = b"", payload
            while rest:
                size, _, rest = rest.partition(b"\r\n")
                n = int(size, 16)
                if n == 0:
                    break
                out, rest = out + rest[:n], rest[n + 2:]
            payload = out
        return status, (json.loads(payload) if payload else {}), headers
    return await asyncio.wait_for(go(), timeout)


async def create_sessions(port: int, inbox_key: str, n: int, concurrency: int) -> tuple[list[tuple[str, str]], dict]:
    tokens: list[tuple[str, str] | None] = [None] * n
    latencies, statuses = [], collections.Counter()
    semaphore = asyncio.Semaphore(concurrency)

    async def one(i: int):
        source = address(i // SESSIONS_PER_ADDRESS)
        async with semaphore:
            for attempt in range(5):
                started = time.monotonic()
                status, body, headers = await post_json(port, "/api/v1/widget/sessions", {"inboxKey": inbox_key}, source)
                statuses[status] += 1
                if status == 200:
                    latencies.append(time.monotonic() - started)
                    tokens[i] = (body["visitorToken"], source)
                    return
                if status == 429:
                    await asyncio.sleep(float(headers.get("retry-after", "5")))
                    continue
                raise RuntimeError(f"session {i} from {source}: HTTP {status} {body}")
            raise RuntimeError(f"session {i} from {source}: still refused after 5 attempts")

    started = time.monotonic()
    await asyncio.gather(*(one(i) for i in range(n)))
    elapsed = time.monotonic() - started
    return [t for t in tokens if t], {"seconds": round(elapsed, 2), "per_second": round(n / elapsed, 1),
                                      "addresses": (n + SESSIONS_PER_ADDRESS - 1) // SESSIONS_PER_ADDRESS,
                                      "http_status": dict(statuses), "latency": percentiles_ms(latencies)}


# ----------------------------------------------------------------------------- idle sockets (client processes)

async def open_socket(ws_url: str, token: str, source: str, timeout: float = 60):
    from websockets.asyncio.client import connect
    ws = await connect(f"{ws_url}?token={token}", local_addr=(source, 0), open_timeout=timeout, ping_interval=None,
                       compression=None, proxy=None, max_queue=4, close_timeout=5)
    hello = json.loads(await asyncio.wait_for(ws.recv(), timeout))
    if hello.get("type") != "hello":
        raise RuntimeError(f"first frame {hello}")
    return ws


def describe(error: BaseException) -> str:
    status = getattr(getattr(error, "response", None), "status_code", None)
    return f"{type(error).__name__}" + (f" {status}" if status else "") + (f" {error.errno}" if isinstance(error, OSError) and error.errno else "")


def socket_worker(number: int, items: list, ws_url: str, options: dict, opened, reports, close_now) -> None:
    try:
        asyncio.run(socket_worker_main(number, items, ws_url, options, opened, reports, close_now))
    except BaseException as error:  # report, so the parent does not wait forever
        reports.put({"worker": number, "failed": f"{error!r}\n{traceback.format_exc()}"})


async def socket_worker_main(number: int, items: list, ws_url: str, options: dict, opened, reports, close_now) -> None:
    limit = raise_nofile(len(items) + 256)
    sockets, latencies, failures = [], [], collections.Counter()
    samples: list[str] = []
    semaphore = asyncio.Semaphore(options["concurrency"])
    cpu0, started = time.process_time(), time.monotonic()

    async def one(token: str, source: str):
        async with semaphore:
            t = time.monotonic()
            try:
                ws = await open_socket(ws_url, token, options["ws_source"] or source)
            except Exception as error:  # noqa: BLE001
                failures[describe(error)] += 1
                if len(samples) < 5:
                    samples.append(repr(error))
                return
            latencies.append(time.monotonic() - t)
            sockets.append(ws)
            with opened.get_lock():
                opened.value += 1

    await asyncio.gather(*(one(token, source) for token, source in items))
    open_s = time.monotonic() - started
    rss = proc_status(os.getpid())
    reports.put({"worker": number, "phase": "opened", "opened": len(sockets), "failed": dict(failures), "failure_samples": samples,
                 "open_seconds": round(open_s, 2), "handshake": percentiles_ms(latencies),
                 "cpu_seconds": round(time.process_time() - cpu0, 2), "rss_kib": rss["VmRSS"], "nofile": limit})
    # Hold; the parent decides when to ping and close.
    while not close_now.is_set():
        await asyncio.sleep(0.2)
    still_open = [ws for ws in sockets if ws.close_code is None]
    closed_codes = collections.Counter(str(ws.close_code) for ws in sockets if ws.close_code is not None)
    pings, ping_failures = [], collections.Counter()
    for ws in still_open[:: max(1, len(still_open) // max(1, options["ping_sample"]))][: options["ping_sample"]]:
        t = time.monotonic()
        try:
            await ws.send('{"type":"ping"}')
            while True:
                frame = json.loads(await asyncio.wait_for(ws.recv(), 10))
                if frame.get("type") == "pong":
                    pings.append(time.monotonic() - t)
                    break
        except Exception as error:  # noqa: BLE001
            ping_failures[describe(error)] += 1
    t = time.monotonic()
    semaphore = asyncio.Semaphore(500)

    async def close(ws):
        async with semaphore:
            try:
                await ws.close()
            except Exception:  # noqa: BLE001
                pass
    await asyncio.gather(*(close(ws) for ws in sockets))
    reports.put({"worker": number, "phase": "closed", "still_open_before_close": len(still_open),
                 "closed_by_server": dict(closed_codes), "pings": percentiles_ms(pings), "ping_failures": dict(ping_failures),
                 "close_seconds": round(time.monotonic() - t, 2)})


# ----------------------------------------------------------------------------- round trips

async def round_trips(agent: AgentClient, visitor: VisitorClient, conversation: str, n: int) -> dict:
    ack_l, deliver_l, reply_l, total_l, failures = [], [], [], [], collections.Counter()
    for i in range(n):
        try:
            t0 = time.monotonic()
            ack = await visitor.send_message(f"在吗？第{i}次", conversation, timeout=30)
            t1 = time.monotonic()
            await agent.next("message", timeout=30, where=lambda f: f["message"]["id"].lower() == ack["messageId"].lower())
            t2 = time.monotonic()
            reply = await agent.send_message(f"在的，请讲（{i}）", conversation, timeout=30)
            await visitor.next("message", timeout=30, where=lambda f: f["message"]["id"].lower() == reply["messageId"].lower())
            t3 = time.monotonic()
            ack_l.append(t1 - t0)
            deliver_l.append(t2 - t0)
            reply_l.append(t3 - t2)
            total_l.append(t3 - t0)
        except Exception as error:  # noqa: BLE001
            failures[type(error).__name__] += 1
        await asyncio.sleep(0.1)
    visitor.clear_frames()
    agent.clear_frames()
    return {"round_trips": n, "failed": dict(failures), "shopper_ack": percentiles_ms(ack_l),
            "shopper_to_agent": percentiles_ms(deliver_l), "agent_reply_to_shopper": percentiles_ms(reply_l),
            "round_trip": percentiles_ms(total_l)}


async def probe_per_address(ws_url: str, tokens: list[tuple[str, str]], n: int, source: str) -> dict:
    """n sockets from one address at once (more than the 30 sessions a minute an address may start)."""
    results = collections.Counter()
    sockets = []

    async def one(token):
        try:
            sockets.append(await open_socket(ws_url, token, source, timeout=30))
            results["opened"] += 1
        except Exception as error:  # noqa: BLE001
            results[describe(error)] += 1
    started = time.monotonic()
    await asyncio.gather(*(one(token) for token, _ in tokens[:n]))
    elapsed = time.monotonic() - started
    await asyncio.gather(*(ws.close() for ws in sockets), return_exceptions=True)
    return {"address": source, "attempted": min(n, len(tokens)), "seconds": round(elapsed, 2), "outcome": dict(results),
            "limited_per_address": results["opened"] < min(n, len(tokens))}


# ----------------------------------------------------------------------------- main

async def run(args, server: IdleKefu, result: dict) -> list[str]:
    problems: list[str] = []
    port = server.port
    owner = Owner(server.url)
    idle_inbox = owner.post("/api/v1/inboxes", {"name": "idle"})
    slot = provision(server.url, 1)[0]
    agent = await asyncio.to_thread(AgentClient.login, server.url, slot["agent_email"], AGENT_PASSWORD, name="agent")
    visitor = await asyncio.to_thread(VisitorClient.start, server.url, slot["inbox_key"], source_address=slot["source"],
                                      name="shopper")
    await agent.connect()
    await visitor.connect()
    first = await visitor.send_message("你好", timeout=30)
    conversation = first["conversationId"]
    await asyncio.sleep(1.5)   # routing: assignment and greeting
    visitor.clear_frames()
    agent.clear_frames()
    result["round_trips_before"] = await round_trips(agent, visitor, conversation, args.round_trips)
    result["server_at_start"] = proc_status(server.pid)

    print(f"creating {args.sockets} widget sessions from {(args.sockets + SESSIONS_PER_ADDRESS - 1) // SESSIONS_PER_ADDRESS} "
          f"loopback addresses …", flush=True)
    tokens, sessions = await create_sessions(port, idle_inbox["widgetKey"], args.sockets, args.session_concurrency)
    result["sessions"] = sessions
    print(f"  {len(tokens)} sessions in {sessions['seconds']} s ({sessions['per_second']}/s), HTTP {sessions['http_status']}")

    ws_url = server.url.replace("http://", "ws://") + "/api/v1/widget/ws"
    if args.probe:
        result["probe_sockets_from_one_address"] = await probe_per_address(ws_url, tokens, args.probe, "127.0.0.9")
        print(f"  probe: {args.probe} widget sockets from 127.0.0.9 at once: {result['probe_sockets_from_one_address']['outcome']}")

    await asyncio.sleep(args.settle)
    before = proc_status(server.pid)
    result["server_before_sockets"] = before
    print(f"server before the sockets: RSS {before['VmRSS'] / 1024:.1f} MiB (anon {before['RssAnon'] / 1024:.1f} MiB), "
          f"{before['open_files']} open files, {before['Threads']} threads", flush=True)

    ctx = mp.get_context("spawn")   # this process runs an event loop and threads: no fork
    groups = [tokens[i::args.processes] for i in range(args.processes)]

    async def open_all(ping_sample: int) -> dict:
        """Client processes open one socket per session; returns when all have reported."""
        opened, reports, close_now = ctx.Value("i", 0), ctx.Queue(), ctx.Event()
        options = {"concurrency": args.concurrency, "ping_sample": ping_sample,
                   "ws_source": "127.0.0.1" if args.ws_source == "one" else None}
        workers = [ctx.Process(target=socket_worker, args=(n, g, ws_url, options, opened, reports, close_now), daemon=True)
                   for n, g in enumerate(groups) if g]
        server_cpu0 = cpu_seconds(server.pid)
        started = time.monotonic()
        for w in workers:
            w.start()
        timeline, opened_reports = [], []
        while len(opened_reports) < len(workers):
            await asyncio.sleep(0.5)
            status = proc_status(server.pid)
            timeline.append({"t_s": round(time.monotonic() - started, 1), "opened": opened.value,
                             "server_rss_mib": round(status["VmRSS"] / 1024, 1), "server_open_files": status["open_files"]})
            while not reports.empty():
                report = reports.get()
                if "failed" in report and isinstance(report["failed"], str):
                    raise RuntimeError(f"client process {report['worker']} failed: {report['failed']}")
                opened_reports.append(report)
            if time.monotonic() - started > args.open_timeout:
                problems.append(f"the sockets were not open within {args.open_timeout:.0f} s ({opened.value} open)")
                break
            if len(timeline) % 10 == 0:
                print(f"  {timeline[-1]}", flush=True)
        open_seconds = time.monotonic() - started
        failed = collections.Counter()
        for r in opened_reports:
            failed.update(r["failed"])
        total = sum(r["opened"] for r in opened_reports)
        print(f"{total} of {len(tokens)} sockets open in {open_seconds:.1f} s ({total / open_seconds:.0f}/s); "
              f"failed {dict(failed) or 'none'}; server CPU {cpu_seconds(server.pid) - server_cpu0:.1f} s", flush=True)
        if total < len(tokens):
            problems.append(f"{len(tokens) - total} sockets failed to open: {dict(failed)}")
        return {"workers": workers, "reports": reports, "close_now": close_now, "opened_reports": opened_reports,
                "total": total, "failed": failed, "open_seconds": open_seconds, "timeline": timeline,
                "server_cpu": cpu_seconds(server.pid) - server_cpu0}

    async def close_all(state: dict) -> tuple[list[dict], float]:
        started = time.monotonic()
        state["close_now"].set()
        closed_reports = []
        while len(closed_reports) < len(state["workers"]):
            report = await asyncio.to_thread(state["reports"].get, True, 300)
            if "failed" in report and isinstance(report["failed"], str):
                raise RuntimeError(f"client process {report['worker']} failed: {report['failed']}")
            closed_reports.append(report)
        for w in state["workers"]:
            w.join(timeout=30)
        return closed_reports, time.monotonic() - started

    state = await open_all(args.ping_sample)
    opened_reports, total_open, failed = state["opened_reports"], state["total"], state["failed"]
    open_seconds, timeline, server_cpu_open = state["open_seconds"], state["timeline"], state["server_cpu"]
    await asyncio.sleep(args.settle)
    after = proc_status(server.pid)
    rt_open = await round_trips(agent, visitor, conversation, args.round_trips)
    print(f"server with the sockets open: RSS {after['VmRSS'] / 1024:.1f} MiB (anon {after['RssAnon'] / 1024:.1f} MiB), "
          f"{after['open_files']} open files, {after['Threads']} threads", flush=True)
    hold_until = time.monotonic() + args.hold
    while time.monotonic() < hold_until:
        await asyncio.sleep(1)
    after_hold = proc_status(server.pid)
    closed_reports, close_seconds = await close_all(state)
    await asyncio.sleep(args.settle)
    after_close = proc_status(server.pid)
    print(f"server after closing them: RSS {after_close['VmRSS'] / 1024:.1f} MiB (anon {after_close['RssAnon'] / 1024:.1f} MiB), "
          f"{after_close['open_files']} open files", flush=True)
    # Again (same sessions): memory kept after the first close and reused shows as no growth here; a leak as growth.
    cycles = []
    for cycle in range(2, args.cycles + 1):
        again = await open_all(0)
        await asyncio.sleep(args.settle)
        with_sockets = proc_status(server.pid)
        await close_all(again)
        await asyncio.sleep(args.settle)
        closed = proc_status(server.pid)
        cycles.append({"cycle": cycle, "opened": again["total"], "open_seconds": round(again["open_seconds"], 2),
                       "server_rss_mib_with_sockets": round(with_sockets["VmRSS"] / 1024, 1),
                       "server_rss_mib_after_close": round(closed["VmRSS"] / 1024, 1),
                       "server_open_files_after_close": closed["open_files"]})
        print(f"cycle {cycle}: {again['total']} sockets: RSS {with_sockets['VmRSS'] / 1024:.1f} MiB with them, "
              f"{closed['VmRSS'] / 1024:.1f} MiB after closing", flush=True)
    result["cycles"] = cycles
    rt_after_close = await round_trips(agent, visitor, conversation, min(5, args.round_trips))
    await agent.close()
    await visitor.close()

    delta_kib = after["VmRSS"] - before["VmRSS"]
    per_socket_bytes = delta_kib * 1024 / max(1, total_open)
    anon_per_socket_bytes = (after["RssAnon"] - before["RssAnon"]) * 1024 / max(1, total_open)
    hold_per_socket_bytes = (after_hold["VmRSS"] - before["VmRSS"]) * 1024 / max(1, total_open)
    pings = [r["pings"] for r in closed_reports]
    ping_failures = collections.Counter()
    closed_by_server = collections.Counter()
    for r in closed_reports:
        ping_failures.update(r["ping_failures"])
        closed_by_server.update(r["closed_by_server"])
    still_open = sum(r["still_open_before_close"] for r in closed_reports)
    if still_open < total_open:
        problems.append(f"{total_open - still_open} sockets were closed during the hold: {dict(closed_by_server)}")
    if ping_failures:
        problems.append(f"pings on idle sockets failed: {dict(ping_failures)}")
    for name, rt in (("before the sockets", result["round_trips_before"]), ("with the sockets open", rt_open),
                     ("after closing them", rt_after_close)):
        if rt["failed"]:
            problems.append(f"round trips {name} failed: {rt['failed']}")
    result.update({
        "sockets_wanted": args.sockets, "sockets_open": total_open, "socket_kind": "shopper (widget) sockets",
        "open_seconds": round(open_seconds, 2), "opened_per_second": round(total_open / open_seconds, 1),
        "open_failures": dict(failed), "server_cpu_seconds_while_opening": round(server_cpu_open, 2),
        "server_with_sockets": after, "server_after_hold": after_hold, "server_after_close": after_close,
        "memory_per_socket": {"rss_bytes": round(per_socket_bytes), "rss_kib": round(per_socket_bytes / 1024, 1),
                              "rss_kb": round(per_socket_bytes / 1000, 1), "anon_kib": round(anon_per_socket_bytes / 1024, 1),
                              "after_hold_kib": round(hold_per_socket_bytes / 1024, 1), "target_kb": TARGET_KB,
                              "target_met": per_socket_bytes / 1000 <= TARGET_KB},
        "round_trips_with_sockets_open": rt_open, "round_trips_after_close": rt_after_close,
        "hold_seconds": args.hold, "still_open_after_hold": still_open, "closed_by_server": dict(closed_by_server),
        "idle_socket_pings": {"per_process": pings, "failed": dict(ping_failures)},
        "close_seconds": round(close_seconds, 2),
        "clients": {"processes": len(state["workers"]), "concurrency_per_process": args.concurrency, "ws_source": args.ws_source,
                    "per_process": opened_reports,
                    "rss_kib_per_socket": round(sum(r["rss_kib"] for r in opened_reports) / max(1, total_open), 1),
                    "cpu_seconds_opening": round(sum(r["cpu_seconds"] for r in opened_reports), 2)},
        "timeline": timeline,
    })
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kefu-bin", default=str(REPO / ".build" / "release" / "kefu"))
    parser.add_argument("--sockets", type=int, default=10_000)
    parser.add_argument("--processes", type=int, default=2, help="client processes holding the sockets")
    parser.add_argument("--concurrency", type=int, default=100, help="handshakes in flight per client process")
    parser.add_argument("--session-concurrency", type=int, default=32, help="session requests in flight")
    parser.add_argument("--ws-source", choices=["session", "one"], default="session",
                        help="each socket from its session's address, or all from 127.0.0.1")
    parser.add_argument("--probe", type=int, default=100, help="sockets opened at once from one address (0: no probe)")
    parser.add_argument("--round-trips", type=int, default=20)
    parser.add_argument("--settle", type=float, default=5.0, help="seconds before each memory reading")
    parser.add_argument("--hold", type=float, default=20.0, help="seconds the sockets stay open after the readings")
    parser.add_argument("--ping-sample", type=int, default=50, help="idle sockets pinged per client process after the hold")
    parser.add_argument("--open-timeout", type=float, default=600.0)
    parser.add_argument("--cycles", type=int, default=2,
                        help="open and close every socket this many times (the later cycles tell retention from a leak)")
    parser.add_argument("--log-level", default="warning", help="the server's")
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    binary = pathlib.Path(args.kefu_bin).resolve()
    if not binary.exists():
        parser.error(f"{binary} not found; build it with: swift build -c release --product kefu")

    own_limit = raise_nofile(args.sockets + 1024)   # this process: sessions and the probe only, but say what there is
    server_nofile = max(args.sockets + 4096, own_limit["after"][1])
    print("machine:", json.dumps(machine_info(), ensure_ascii=False))
    print(f"open-file limit here: {own_limit['before']} → {own_limit['after']}"
          + (f" — {own_limit['problem']}" if own_limit["problem"] else ""))
    work = pathlib.Path(tempfile.mkdtemp(prefix="kefu-idle-"))
    server = IdleKefu(binary, work, f"sqlite://{work}/idle.sqlite", log_level=args.log_level, name="idle",
                      extra={"KEFU_BCRYPT_COST": "4", "KEFU_LOGIN_LIMIT_IP": "1000000/60"}, nofile=server_nofile)
    result = {"label": args.label, "when": time.strftime("%Y-%m-%d %H:%M:%S"), "machine": machine_info(), "binary": str(binary),
              "database": "sqlite", "client_nofile": own_limit}
    problems: list[str] = []
    try:
        server.run("demo")
        try:
            server.start()
        except (OSError, ValueError) as error:
            print(f"cannot give the server {server_nofile} open files: {error}")
            raise
        result["server_nofile"] = proc_limit_nofile(server.pid)
        print(f"server {server.url}, open-file limit {result['server_nofile']}")
        problems = asyncio.run(run(args, server, result))
    except Exception as error:  # noqa: BLE001
        problems.append(f"{error!r}")
        traceback.print_exc()
    finally:
        log = server.log_text()
        result["server_log_warnings"] = [l for l in log.splitlines() if any(w in l.lower() for w in ("error", "warning", "critical"))][-20:]
        result["server_alive_at_end"] = server.running
        if not server.running:
            problems.append(f"the server died: {log[-2000:]}")
        server.kill()
        shutil.rmtree(work, ignore_errors=True)
    result["problems"] = problems

    out = REPO / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    name = f"idle_sockets-{args.sockets}-{time.strftime('%Y%m%d-%H%M%S')}.json"
    (out / name).write_text(json.dumps(result, ensure_ascii=False, indent=1))
    m = result.get("memory_per_socket")
    print()
    if m:
        b, w, c = result["server_before_sockets"], result["server_with_sockets"], result["server_after_close"]
        print(f"sockets: {result['sockets_open']} of {args.sockets} open ({result['socket_kind']}) in {result['open_seconds']} s "
              f"({result['opened_per_second']}/s); closed by the server during {args.hold:.0f} s hold: "
              f"{result['sockets_open'] - result['still_open_after_hold']}")
        print(f"server RSS: before {b['VmRSS'] / 1024:.1f} MiB, with the sockets {w['VmRSS'] / 1024:.1f} MiB, after the hold "
              f"{result['server_after_hold']['VmRSS'] / 1024:.1f} MiB, after closing them {c['VmRSS'] / 1024:.1f} MiB; "
              f"open files {b['open_files']} → {w['open_files']} → {c['open_files']}")
        for c in result.get("cycles", []):
            print(f"cycle {c['cycle']} (the same sessions again): {c['opened']} sockets, RSS {c['server_rss_mib_with_sockets']} MiB "
                  f"with them, {c['server_rss_mib_after_close']} MiB after closing them")
        print(f"memory per socket: {m['rss_kib']} KiB = {m['rss_kb']} kB RSS (anonymous {m['anon_kib']} KiB; "
              f"{m['after_hold_kib']} KiB after the hold); target ≤ {TARGET_KB} KB: {'met' if m['target_met'] else 'MISSED'}")
        for key in ("round_trips_before", "round_trips_with_sockets_open", "round_trips_after_close"):
            rt = result[key]["round_trip"]
            if rt.get("count"):
                print(f"{key.replace('_', ' ')}: p50 {rt['p50_ms']} ms, max {rt['max_ms']} ms "
                      f"(shopper ack p50 {result[key]['shopper_ack'].get('p50_ms')} ms); failed {result[key]['failed'] or 'none'}")
        pings = result["idle_socket_pings"]
        print(f"idle-socket pings after the hold: {[p.get('count') for p in pings['per_process']]} answered, "
              f"p50 {[p.get('p50_ms') for p in pings['per_process']]} ms; failed {pings['failed'] or 'none'}")
        c = result["clients"]
        print(f"clients: {c['processes']} processes, {c['rss_kib_per_socket']} KiB RSS per socket, {c['cpu_seconds_opening']} s CPU "
              f"to open; server {result['server_cpu_seconds_while_opening']} s CPU to open")
        if "probe_sockets_from_one_address" in result:
            p = result["probe_sockets_from_one_address"]
            print(f"per-address probe: {p['attempted']} sockets from {p['address']} in {p['seconds']} s → {p['outcome']} "
                  f"({'limited' if p['limited_per_address'] else 'not limited'} per address)")
    print(f"written to bench/results/{name}")
    if problems:
        print("PROBLEMS:", *problems, sep="\n  ")
        return 1
    return 0 if (m and m["target_met"]) else 2


if __name__ == "__main__":
    sys.exit(main())
