#!/usr/bin/env python3
"""Routing and queue benchmark: shoppers arrive faster than the agents can serve them.

One inbox ("bench") with ``--agents`` agents (``--capacity`` open conversations each, round
robin, answer timeout ``--answer-timeout`` s), all with their agent socket connected (so they
are online for routing). ``--shoppers`` shoppers arrive over ``--duration`` seconds (Poisson
arrivals, fixed seed: the arrival times are ``N`` sorted uniform draws, i.e. a Poisson process
conditioned on ``N`` arrivals); each opens a widget session and socket and sends one message.
Every agent answers each conversation it is given after a think time (``--think``, seeded) and
resolves it after a handle time (``--handle``, seeded), so the queue builds up while shoppers
arrive and drains afterwards. Measured:

- time from the shopper's first message to the greeting (``auto.greeting``) and to the first
  human reply, p50 / p95 / p99 / max;
- the queue: share of shoppers that waited at all (got a ``queue`` frame with position ≥ 1),
  time from the first such frame to the ``position 0`` frame, ``queue`` frames received;
- conversations per agent (min / mean / max, a text histogram), the greeting naming the agent
  that got the conversation;
- load per agent against capacity, twice: from the server (``GET /api/v1/live``, polled every
  second) and from the agents' own frames (the interval from the ``conversation.updated`` that
  gave it to the agent until the resolve request was sent lies inside the server's interval, so
  an overlap above capacity is a certain violation); violations are listed;
- answer-timeout reassignments, errors by kind, CPU of server and clients, and a reference
  figure of the same machine in the same run (Python sqlite3 commits/s, as ``chat_load.py``).

The script starts its own ``kefu serve`` (``--kefu-bin``, default the release build) on
127.0.0.1 with a fresh SQLite database and ``kefu demo``. Shoppers connect from the loopback
aliases 127.0.0.2, 127.0.0.3, … (25 per address; Kefu allows 30 new chat sessions per address
per minute); every request goes to 127.0.0.1.

    python3 bench/routing.py                                              # 1,000 shoppers, 20 agents × 3, 60 s
    python3 bench/routing.py --shoppers 200 --agents 5 --duration 20      # a quick one
    python3 bench/routing.py --think 2 6 --handle 20 60 --shoppers 300 --duration 120   # slower agents

Results are printed and written as JSON to bench/results/ (ignored by git).
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import concurrent.futures
import json
import multiprocessing as mp
import os
import pathlib
import random
import shutil
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "e2e"))
sys.path.insert(0, str(REPO / "bench"))

import requests  # noqa: E402

from chat_load import (Owner, cpu_seconds, machine_info, machine_split, machine_ticks, process_ticks,  # noqa: E402
                       sqlite_reference, top_consumers, wait_for_quiet)
from kefu_client import AgentClient, VisitorClient, norm  # noqa: E402
from kefu_process import KefuProcess  # noqa: E402

AGENT_PASSWORD = "bench-agent-pass-2026"
SESSIONS_PER_ADDRESS = 25
FIRST_AGENT_NUMBER = 101
QUESTION = "你好，请问这件羽绒服还有 L 码吗？什么时候能发货？"
ANSWER = "亲，有货的哦～ 今天下单明天发货。"
CLIENT_OPTIONS = dict(keep_frames=False, keep_messages=False, resend_after=None, ack_timeout=120, auto_fill_gaps=True)


# ----------------------------------------------------------------------------- helpers

def stats_s(values: list[float]) -> dict:
    """p50 / p95 / p99 / max in seconds (3 decimals)."""
    if not values:
        return {"count": 0}
    ordered = sorted(values)

    def p(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)

    return {"count": len(ordered), "p50_s": p(0.50), "p95_s": p(0.95), "p99_s": p(0.99),
            "max_s": round(ordered[-1], 3), "mean_s": round(sum(ordered) / len(ordered), 3)}


def max_overlap(intervals: list[tuple[float, float]]) -> tuple[int, float | None]:
    """The most intervals open at one instant, and when (intervals are [start, end))."""
    points = sorted([(s, 1) for s, _ in intervals] + [(e, -1) for _, e in intervals], key=lambda p: (p[0], p[1]))
    best, at, now = 0, None, 0
    for t, step in points:
        now += step
        if now > best:
            best, at = now, t
    return best, at


def histogram(counts: dict[str, int], width: int = 40) -> list[str]:
    top = max(counts.values()) if counts else 0
    lines = []
    for name, n in counts.items():
        bar = "█" * (round(n / top * width) if top else 0)
        lines.append(f"  {name:>5} {bar} {n}")
    return lines


def fifo_overtakes(outcomes: list[dict], slack: float = 1.0) -> tuple[int, int]:
    """First come, first served? Shoppers greeted more than ``slack`` s before someone who was
    already in the queue (had a ``queue`` frame with a position) before they even wrote; and the
    number of such (later, earlier) pairs."""
    done = sorted((o for o in outcomes if o["sent"] and o["greeting"]), key=lambda o: o["sent"])
    waiting = [o for o in done if o["first_queue"] is not None]
    overtakers, pairs = 0, 0
    for b in done:
        n = sum(1 for a in waiting if a["first_queue"] < b["sent"] and a["greeting"] > b["greeting"] + slack)
        pairs += n
        overtakers += n > 0
    return overtakers, pairs


def provision(url: str, agents: int, capacity: int, answer_timeout: int) -> tuple[dict, list[dict]]:
    """The "bench" inbox and its agents; returns (inbox, agent slots)."""
    owner = Owner(url)
    inbox = owner.post("/api/v1/inboxes", {"name": "bench"})
    answer = owner.http.put(f"{url}/api/v1/inboxes/{inbox['id']}/settings", timeout=60,
                            json={"routing": "round_robin", "capacity": capacity, "answerTimeoutSeconds": answer_timeout})
    if answer.status_code >= 300:
        raise RuntimeError(f"PUT settings: {answer.status_code} {answer.text[:300]}")
    slots = []
    for i in range(agents):
        email = f"routing-agent-{i:03d}@bench.kefu.local"
        number = FIRST_AGENT_NUMBER + i
        user = owner.post("/api/v1/agents", {"email": email, "password": AGENT_PASSWORD, "displayName": f"压测{i + 1}",
                                             "agentNumber": number, "role": "agent", "inboxIds": [inbox["id"]]})
        slots.append({"index": i, "email": email, "id": norm(user["id"]), "number": user.get("agentNumber", number)})
    return inbox, slots


def arrivals(n: int, duration: float, seed: int) -> list[float]:
    rng = random.Random(f"{seed}-arrivals")
    return sorted(rng.uniform(0, duration) for _ in range(n))


# ----------------------------------------------------------------------------- agents (one process)

def agents_worker(slots, url, options, ready, go, stop, start_at, results) -> None:
    try:
        results.put(asyncio.run(agents_main(slots, url, options, ready, go, stop, start_at)))
    except BaseException as error:  # report, so the parent does not wait forever
        import traceback
        results.put({"role": "agents", "failed": f"{error!r}\n{traceback.format_exc()}"})


async def agents_main(slots, url, options, ready, go, stop, start_at) -> dict:
    think_lo, think_hi = options["think"]
    handle_lo, handle_hi = options["handle"]
    errors: collections.Counter = collections.Counter()
    records: dict[str, dict] = {}      # agent id → {number, conversations: {cid: record}}
    tasks: set = set()

    async def login(slot):
        agent = await asyncio.to_thread(AgentClient.login, url, slot["email"], AGENT_PASSWORD,
                                        name=f"agent {slot['number']}", **CLIENT_OPTIONS)
        await agent.connect(60)
        return agent

    agents = await asyncio.gather(*(login(s) for s in slots))

    async def serve(agent: AgentClient, me: str, cid: str, record: dict, rng: random.Random) -> None:
        think = rng.uniform(think_lo, think_hi)
        handle = rng.uniform(handle_lo, handle_hi)
        await asyncio.sleep(think)
        if record["lost_at"] is not None:
            return
        try:
            record["reply_sent"] = time.monotonic()
            await agent.send_message(ANSWER, conversation_id=cid, timeout=60)
            record["reply_acked"] = time.monotonic()
        except Exception as error:
            errors[f"agent_reply_{getattr(error, 'code', type(error).__name__)}"] += 1
        await asyncio.sleep(handle)
        if record["lost_at"] is not None:
            return
        record["resolve_sent"] = time.monotonic()
        try:
            await asyncio.to_thread(agent.update_conversation, cid, status="resolved")
            record["resolved"] = time.monotonic()
        except Exception as error:
            errors[f"agent_resolve_{getattr(error, 'code', type(error).__name__)}"] += 1

    for slot, agent in zip(slots, agents):
        me = slot["id"]
        mine: dict[str, dict] = {}
        records[me] = {"number": slot["number"], "conversations": mine}
        rng = random.Random(f"{options['seed']}-agent-{slot['index']}")

        def on_frame(frame, agent=agent, me=me, mine=mine, rng=rng):
            if frame.get("type") != "conversation.updated":
                return
            conversation = frame.get("conversation") or {}
            cid = norm(conversation.get("id"))
            assignee = norm(conversation.get("assigneeId"))
            record = mine.get(cid)
            if assignee == me and conversation.get("status") == "open" and record is None:
                record = {"assigned_rx": time.monotonic(), "reply_sent": None, "reply_acked": None, "resolve_sent": None,
                          "resolved": None, "lost_at": None}
                mine[cid] = record
                task = asyncio.ensure_future(serve(agent, me, cid, record, rng))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            elif record is not None and record["lost_at"] is None and record["resolve_sent"] is None and assignee != me:
                record["lost_at"] = time.monotonic()   # given to someone else (answer timeout) or unassigned

        agent.on_frame.append(on_frame)

    ready.put("agents")
    await asyncio.to_thread(stop.wait)
    # Let what is under way finish (think + handle at most), bounded.
    deadline = time.monotonic() + think_hi + handle_hi + 30
    while tasks and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    unfinished = len(tasks)
    stats = collections.Counter()
    for agent in agents:
        stats.update({f"agent_{k}": v for k, v in agent.stats.items()})
    await asyncio.gather(*(a.close() for a in agents), return_exceptions=True)
    return {"role": "agents", "records": records, "errors": dict(errors), "unfinished_tasks": unfinished,
            "client_stats": dict(stats)}


# ----------------------------------------------------------------------------- shoppers

def shoppers_worker(number, jobs, url, options, ready, go, start_at, results) -> None:
    try:
        results.put(asyncio.run(shoppers_main(number, jobs, url, options, ready, go, start_at)))
    except BaseException as error:
        import traceback
        results.put({"role": "shoppers", "worker": number, "failed": f"{error!r}\n{traceback.format_exc()}"})


async def shoppers_main(number, jobs, url, options, ready, go, start_at) -> dict:
    """jobs: [{index, at (s after start), source}]"""
    patience = options["patience"]
    errors: collections.Counter = collections.Counter()
    outcomes: list[dict] = []
    lag: list[float] = []
    # Session requests block (requests); enough threads that the client never delays an arrival.
    asyncio.get_running_loop().set_default_executor(concurrent.futures.ThreadPoolExecutor(max_workers=128))
    ready.put(f"shoppers-{number}")
    await asyncio.to_thread(go.wait)
    start = start_at.value

    async def shopper(job: dict) -> None:
        out = {"index": job["index"], "source": job["source"], "scheduled": start + job["at"], "conversation": None,
               "sent": None, "acked": None, "first_queue": None, "queue_end": None, "max_position": 0, "queue_frames": 0,
               "positions": 0, "queued_msgs": 0, "greeting": None, "greeting_number": None, "greetings": 0,
               "reply": None, "error": None}
        outcomes.append(out)
        delay = out["scheduled"] - time.monotonic()
        if delay > 0:
            await asyncio.sleep(delay)
        else:
            lag.append(-delay)
        visitor = None
        try:
            t0 = time.monotonic()

            def start_session():
                began = time.monotonic()
                client = VisitorClient.start(url, options["inbox_key"], locale="zh-CN", source_address=job["source"],
                                             name=f"shopper {job['index']}", **CLIENT_OPTIONS)
                return client, began, time.monotonic()

            visitor, began, answered = await asyncio.to_thread(start_session)
            out["start_lag_s"] = began - out["scheduled"]      # the client's own delay (thread pool)
            out["session_s"] = answered - began                # POST /api/v1/widget/sessions
            await visitor.connect(60)
            out["socket_s"] = time.monotonic() - answered      # WebSocket handshake + hello
            out["connect_s"] = time.monotonic() - t0
            done = asyncio.Event()
            seen: set = set()

            def on_frame(frame):
                kind = frame.get("type")
                now = time.monotonic()
                if kind == "queue":
                    out["queue_frames"] += 1
                    position = int(frame.get("position") or 0)
                    if position > 0:
                        out["positions"] += 1
                        out["max_position"] = max(out["max_position"], position)
                        if out["first_queue"] is None:
                            out["first_queue"] = now
                    elif out["first_queue"] is not None and out["queue_end"] is None:
                        out["queue_end"] = now
                elif kind == "message":
                    message = frame.get("message") or {}
                    if message.get("id") in seen:
                        return            # replayed by a gap resume
                    seen.add(message.get("id"))
                    payload = message.get("payload") or {}
                    if message.get("senderType") == "bot" and payload.get("type") == "auto.greeting":
                        out["greetings"] += 1
                        if out["greeting"] is None:
                            out["greeting"] = now
                            out["greeting_number"] = (message.get("sender") or {}).get("agentNumber")
                    elif message.get("senderType") == "bot" and payload.get("type") == "auto.queued":
                        out["queued_msgs"] += 1
                    elif message.get("senderType") == "agent" and out["reply"] is None:
                        out["reply"] = now
                        done.set()

            visitor.on_frame.append(on_frame)
            out["sent"] = time.monotonic()
            ack = await visitor.send_message(QUESTION, timeout=60)
            out["acked"] = time.monotonic()
            out["conversation"] = norm(ack["conversationId"])
            try:
                await asyncio.wait_for(done.wait(), patience)
            except asyncio.TimeoutError:
                out["error"] = "no_greeting" if out["greeting"] is None else "no_reply"
            out["visitor_stats"] = dict(visitor.stats)
        except Exception as error:
            out["error"] = f"shopper_{getattr(error, 'code', type(error).__name__)}"
        finally:
            if out["error"]:
                errors[out["error"]] += 1
            if visitor is not None:
                await visitor.close()

    await asyncio.gather(*(shopper(j) for j in jobs))
    return {"role": "shoppers", "worker": number, "outcomes": outcomes, "errors": dict(errors), "lag": lag}


# ----------------------------------------------------------------------------- main

def poll_live(owner: Owner, url: str, inbox_id: str, agent_ids: set, t0: float) -> dict | None:
    try:
        answer = owner.http.get(f"{url}/api/v1/live", timeout=10)
    except requests.RequestException:
        return None
    if answer.status_code != 200:
        return {"t": time.monotonic() - t0, "status": answer.status_code}
    data = answer.json()
    inbox = next((i for i in data.get("inboxes", []) if norm(i["id"]) == inbox_id), {})
    loads = {norm(a["id"]): (a.get("load", 0), a.get("capacity", 0), a.get("status")) for a in data.get("agents", [])
             if norm(a["id"]) in agent_ids}
    return {"t": round(time.monotonic() - t0, 2), "queued": inbox.get("queued"), "longest_wait_s": inbox.get("longestWaitSeconds"),
            "online": inbox.get("online"), "loads": loads, "timeouts": data.get("timeouts", [])}


def server_conversations(owner: Owner, url: str, inbox_id: str) -> list[dict]:
    items, cursor = [], None
    while True:
        params = {"filter": "all", "inboxId": inbox_id, "limit": 100}
        if cursor:
            params["cursor"] = cursor
        answer = owner.http.get(f"{url}/api/v1/conversations", params=params, timeout=60)
        answer.raise_for_status()
        page = answer.json()
        items += page["items"]
        cursor = page.get("nextCursor")
        if not cursor:
            return items


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kefu-bin", default=str(REPO / ".build" / "release" / "kefu"))
    parser.add_argument("--shoppers", type=int, default=1000)
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--capacity", type=int, default=3, help="open conversations per agent (the inbox's capacity)")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds over which the shoppers arrive")
    parser.add_argument("--think", type=float, nargs=2, default=[1.0, 3.0], metavar=("MIN", "MAX"),
                        help="seconds from assignment to the agent's answer (uniform, seeded)")
    parser.add_argument("--handle", type=float, nargs=2, default=[3.0, 7.0], metavar=("MIN", "MAX"),
                        help="seconds from the answer to resolving (uniform, seeded)")
    parser.add_argument("--answer-timeout", type=int, default=90, help="the inbox's answer timeout (s)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--patience", type=float, default=300.0, help="how long a shopper waits for the human answer")
    parser.add_argument("--processes", type=int, default=max(1, (os.cpu_count() or 2) // 2), help="shopper processes")
    parser.add_argument("--reference-seconds", type=float, default=3.0)
    parser.add_argument("--label", default="")
    parser.add_argument("--wait-quiet", type=float, default=0, metavar="SECONDS",
                        help="first wait up to this long for the machine to be idle (shared machines)")
    args = parser.parse_args()
    if args.shoppers > 250 * SESSIONS_PER_ADDRESS:
        parser.error("too many shoppers for the loopback aliases")
    binary = pathlib.Path(args.kefu_bin).resolve()
    if not binary.exists():
        parser.error(f"{binary} not found; build it with: swift build -c release --product kefu")

    if args.wait_quiet:
        print(f"machine busy {wait_for_quiet(args.wait_quiet):.0f}% before the run")
    print("machine:", json.dumps(machine_info(), ensure_ascii=False))
    reference_before = sqlite_reference(args.reference_seconds)
    print(f"reference (Python sqlite3, WAL, synchronous=NORMAL, 1 row/transaction): {reference_before:,.0f} commits/s")

    work = pathlib.Path(tempfile.mkdtemp(prefix="kefu-bench-routing-"))
    extra = {"KEFU_BCRYPT_COST": "4", "KEFU_LOGIN_LIMIT_IP": "1000000/60"}
    server = KefuProcess(binary, work, f"sqlite://{work}/bench.sqlite", log_level="warning", extra=extra, name="bench")
    procs: list = []
    try:
        server.run("demo")
        server.start()
        t = time.monotonic()
        inbox, slots = provision(server.url, args.agents, args.capacity, args.answer_timeout)
        inbox_id = norm(inbox["id"])
        agent_ids = {s["id"] for s in slots}
        number_of = {s["id"]: s["number"] for s in slots}
        print(f"inbox bench with {len(slots)} agents (capacity {args.capacity}, round robin, answer timeout "
              f"{args.answer_timeout} s) in {time.monotonic() - t:.1f} s; server {server.url}, binary {binary}")

        times = arrivals(args.shoppers, args.duration, args.seed)
        jobs = [{"index": i, "at": at, "source": f"127.0.0.{2 + i // SESSIONS_PER_ADDRESS}"} for i, at in enumerate(times)]
        ctx = mp.get_context("fork")
        ready, results = ctx.Queue(), ctx.Queue()
        go, stop = ctx.Event(), ctx.Event()
        start_at = ctx.Value("d", 0.0)
        options = {"think": args.think, "handle": args.handle, "seed": args.seed, "patience": args.patience,
                   "inbox_key": inbox["widgetKey"]}
        agent_proc = ctx.Process(target=agents_worker, args=(slots, server.url, options, ready, go, stop, start_at, results),
                                 daemon=True)
        shopper_procs = [ctx.Process(target=shoppers_worker,
                                     args=(n, jobs[n::args.processes], server.url, options, ready, go, start_at, results),
                                     daemon=True) for n in range(args.processes) if jobs[n::args.processes]]
        procs = [agent_proc] + shopper_procs
        for p in procs:
            p.start()
        t = time.monotonic()
        for _ in procs:
            ready.get(timeout=600)
        owner = Owner(server.url)
        # Every agent online for routing before the first shopper arrives.
        deadline = time.monotonic() + 30
        while True:
            sample = poll_live(owner, server.url, inbox_id, agent_ids, t)
            online = sample and sum(1 for load, cap, status in sample["loads"].values() if status == "online")
            if online == len(slots) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        print(f"{len(slots)} agent sockets open and {online} agents online in {time.monotonic() - t:.1f} s; "
              f"server RSS {server.rss_kib() / 1024:.0f} MiB")

        start_at.value = time.monotonic() + 0.5
        go.set()
        pids = [server.pid] + [p.pid for p in procs]
        cpu0 = {pid: cpu_seconds(pid) for pid in pids}
        ticks0, all0, wall0 = machine_ticks(), process_ticks(), time.monotonic()
        samples: list[dict] = []
        outcomes: list[dict] = []
        shopper_errors: collections.Counter = collections.Counter()
        lag: list[float] = []
        failed = []
        pending = len(shopper_procs)
        next_print = start_at.value + 10
        rss_max = 0
        while pending:
            sample = poll_live(owner, server.url, inbox_id, agent_ids, start_at.value)
            if sample is not None:
                samples.append(sample)
            rss_max = max(rss_max, server.rss_kib())
            if time.monotonic() >= next_print and sample and "loads" in sample:
                next_print += 10
                load = sum(v[0] for v in sample["loads"].values())
                print(f"  t={sample['t']:6.1f} s  queued {sample['queued']:4}  longest wait {sample['longest_wait_s']:4} s  "
                      f"load {load}/{len(slots) * args.capacity}", flush=True)
            try:
                while True:
                    result = results.get(timeout=max(0.05, 1.0 - (time.monotonic() % 1.0)))
                    if "failed" in result:
                        failed.append(result)
                    else:
                        outcomes += result["outcomes"]
                        shopper_errors.update(result["errors"])
                        lag += result["lag"]
                    pending -= 1
                    if not pending:
                        break
            except Exception:  # queue.Empty: poll again
                pass
            if failed and any(r.get("role") == "agents" for r in failed):
                break
        wall1 = time.monotonic()
        cpu1 = {pid: cpu_seconds(pid) for pid in pids if os.path.exists(f"/proc/{pid}")}
        ticks1, all1 = machine_ticks(), process_ticks()
        stop.set()
        agent_result = None
        if not any(r.get("role") == "agents" for r in failed):
            agent_result = results.get(timeout=sum(args.think) + sum(args.handle) + 120)
            if "failed" in agent_result:
                failed.append(agent_result)
        for p in procs:
            p.join(timeout=30)
        if failed:
            for r in failed:
                print(f"{r.get('role')} worker failed: {r['failed']}", file=sys.stderr)
            return 1
        # One last look at the server, now that everything should be resolved.
        time.sleep(1.5)
        final = poll_live(owner, server.url, inbox_id, agent_ids, start_at.value)
        stored = server_conversations(owner, server.url, inbox_id)
        window = wall1 - wall0
        server_cpu = (cpu1.get(server.pid, cpu0[server.pid]) - cpu0[server.pid]) / window * 100
        client_cpu = sum(cpu1.get(p, cpu0[p]) - cpu0[p] for p in pids[1:]) / window * 100
        split = machine_split(ticks0, ticks1)
        consumers = top_consumers(all0, all1, window)
        reference_after = sqlite_reference(args.reference_seconds)

        # ---- shoppers
        greeting = [o["greeting"] - o["sent"] for o in outcomes if o["greeting"] and o["sent"]]
        reply = [o["reply"] - o["sent"] for o in outcomes if o["reply"] and o["sent"]]
        ack = [o["acked"] - o["sent"] for o in outcomes if o["acked"] and o["sent"]]
        queued = [o for o in outcomes if o["first_queue"] is not None]
        queue_wait = [(o["queue_end"] or o["greeting"]) - o["first_queue"] for o in queued if (o["queue_end"] or o["greeting"])]
        not_queued_greeting = [o["greeting"] - o["sent"] for o in outcomes if o["greeting"] and o["first_queue"] is None]
        queued_greeting = [o["greeting"] - o["queue_end"] for o in queued if o["greeting"] and o["queue_end"]]
        session = [o["session_s"] for o in outcomes if o.get("session_s") is not None]
        socket_open = [o["socket_s"] for o in outcomes if o.get("socket_s") is not None]
        start_lag = [o["start_lag_s"] for o in outcomes if o.get("start_lag_s") is not None]
        overtakers, overtaken_pairs = fifo_overtakes(outcomes)
        # ---- agents
        records = agent_result["records"]
        per_agent = {f"#{number_of[aid]}": len(r["conversations"]) for aid, r in sorted(records.items(), key=lambda x: x[1]["number"])}
        counts = list(per_agent.values())
        # Every agent a conversation was given to, in order (more than one after an answer timeout).
        holders: dict[str, list[tuple[float, str, dict]]] = collections.defaultdict(list)
        for aid, r in records.items():
            for cid, c in r["conversations"].items():
                holders[cid].append((c["assigned_rx"], aid, c))
        for cid in holders:
            holders[cid].sort(key=lambda x: x[0])
        mismatched = [o["conversation"] for o in outcomes if o["greeting_number"] is not None and holders.get(o["conversation"])
                      and number_of[holders[o["conversation"]][0][1]] != o["greeting_number"]]
        by_conversation = {o["conversation"]: o for o in outcomes if o["conversation"]}
        taken = []   # conversations an agent lost before answering: how long after assignment, how long the shopper had queued
        for cid, hs in holders.items():
            for _, aid, c in hs:
                if c["lost_at"] is not None:
                    o = by_conversation.get(cid, {})
                    waited = (o["queue_end"] - o["sent"]) if o.get("queue_end") and o.get("sent") else None
                    taken.append({"conversation": cid, "from_agent": number_of[aid], "after_assignment_s": round(c["lost_at"] - c["assigned_rx"], 3),
                                  "answered_before": c["reply_sent"] is not None,
                                  "message_to_assignment_s": round(waited, 3) if waited is not None else None})
        client_violations = []
        client_max = {}
        for aid, r in records.items():
            intervals = [(c["assigned_rx"], c["resolve_sent"] or c["lost_at"] or wall1) for c in r["conversations"].values()]
            intervals = [(s, e) for s, e in intervals if e > s]
            peak, at = max_overlap(intervals)
            client_max[f"#{number_of[aid]}"] = peak
            if peak > args.capacity:
                client_violations.append({"agent": number_of[aid], "open": peak, "at_s": round(at - start_at.value, 2)})
        server_max: dict[str, int] = collections.defaultdict(int)
        server_violations = []
        for s in samples:
            for aid, (load, cap, _status) in (s.get("loads") or {}).items():
                server_max[f"#{number_of[aid]}"] = max(server_max[f"#{number_of[aid]}"], load)
                if load > args.capacity:
                    server_violations.append({"agent": number_of[aid], "load": load, "capacity": cap, "t_s": s["t"]})
        lost = sum(1 for r in records.values() for c in r["conversations"].values() if c["lost_at"] is not None)
        timeouts = (final or {}).get("timeouts") or []
        status_counts = collections.Counter(c["status"] for c in stored)
        unresolved = [c["id"] for c in stored if c["status"] != "resolved"]
        peak_queue = max((s.get("queued") or 0 for s in samples), default=0)
        peak_wait = max((s.get("longest_wait_s") or 0 for s in samples), default=0)
        busy = [sum(v[0] for v in s["loads"].values()) for s in samples if (s.get("queued") or 0) > 0 and s.get("loads")]
        utilisation = round(sum(busy) / len(busy) / (len(slots) * args.capacity), 3) if busy else None
        drained_at = next((s["t"] for s in samples if s["t"] > args.duration and (s.get("queued") or 0) == 0), None)
        errors = collections.Counter(shopper_errors)
        errors.update(agent_result["errors"])
        if mismatched:
            errors["greeting_names_another_agent"] = len(mismatched)
        duplicate_greetings = sum(1 for o in outcomes if o["greetings"] > 1)
        if duplicate_greetings:
            errors["more_than_one_greeting"] = duplicate_greetings
        if unresolved:
            errors["not_resolved_at_the_end"] = len(unresolved)
        if agent_result["unfinished_tasks"]:
            errors["agent_tasks_unfinished"] = agent_result["unfinished_tasks"]
        missing = args.shoppers - len(stored)
        if missing:
            errors["conversations_missing_on_server"] = missing

        result = {
            "label": args.label, "when": time.strftime("%Y-%m-%d %H:%M:%S"), "machine": machine_info(), "binary": str(binary),
            "database": "sqlite", "shoppers": args.shoppers, "agents": args.agents, "capacity": args.capacity,
            "arrival_window_s": args.duration, "think_s": args.think, "handle_s": args.handle,
            "answer_timeout_s": args.answer_timeout, "seed": args.seed, "shopper_processes": len(shopper_procs),
            "run_s": round(wall1 - start_at.value, 1),
            "first_message_to_greeting": stats_s(greeting),
            "first_message_to_greeting_not_queued": stats_s(not_queued_greeting),
            "queue_end_to_greeting": stats_s(queued_greeting),
            "first_message_to_human_reply": stats_s(reply),
            "first_message_ack": stats_s(ack),
            "widget_session_request": stats_s(session),
            "socket_open": stats_s(socket_open),
            "client_start_lag": stats_s(start_lag),
            "queue": {"waited_share": round(len(queued) / max(1, len(outcomes)), 3), "waited": len(queued),
                      "wait": stats_s(queue_wait), "queue_frames": sum(o["queue_frames"] for o in outcomes),
                      "queue_frames_with_position": sum(o["positions"] for o in outcomes),
                      "max_position_seen": max((o["max_position"] for o in outcomes), default=0),
                      "queued_auto_replies": sum(o["queued_msgs"] for o in outcomes),
                      "peak_queued_live": peak_queue, "peak_longest_wait_live_s": peak_wait,
                      "queue_empty_again_at_s": drained_at,
                      "load_share_of_capacity_while_queued": utilisation,
                      "greeted_ahead_of_an_earlier_waiting_shopper": overtakers,
                      "overtaken_pairs": overtaken_pairs},
            "conversations_per_agent": {"min": min(counts, default=0), "mean": round(sum(counts) / max(1, len(counts)), 1),
                                        "max": max(counts, default=0), "by_agent": per_agent},
            "load_vs_capacity": {"capacity": args.capacity, "server_max_by_agent": dict(server_max),
                                 "server_violations": server_violations[:50], "server_violation_samples": len(server_violations),
                                 "client_max_by_agent": client_max, "client_violations": client_violations,
                                 "live_samples": len(samples)},
            "answer_timeouts": {"live_timeouts_last_hour": len(timeouts), "conversations_taken_from_an_agent": lost,
                                "taken_after_assignment": stats_s([t["after_assignment_s"] for t in taken]),
                                "taken_before_the_agent_answered": sum(1 for t in taken if not t["answered_before"]),
                                "taken_whose_shopper_waited_over_timeout": sum(1 for t in taken if (t["message_to_assignment_s"] or 0) >= args.answer_timeout),
                                "taken": taken[:100]},
            "server_conversations": {"total": len(stored), "by_status": dict(status_counts)},
            "errors": dict(errors),
            "client_schedule_lag": stats_s(lag),
            "client_stats": {"agents": agent_result["client_stats"],
                             "shoppers": dict(sum((collections.Counter(o.get("visitor_stats") or {}) for o in outcomes),
                                                  collections.Counter()))},
            "cpu_percent_of_one_core": {"server": round(server_cpu), "clients": round(client_cpu)},
            "machine_cpu_split_percent": split, "top_processes": consumers,
            "server_rss_mib_max": round(rss_max / 1024),
            "database_bytes": sum(f.stat().st_size for f in work.glob("bench.sqlite*")),
            "reference_sqlite_commits_per_s": {"before": round(reference_before), "after": round(reference_after)},
            "raw": [{"i": o["index"], "conversation": o["conversation"], "greeting_agent": o["greeting_number"],
                     "agents": [number_of[aid] for _, aid, _ in holders.get(o["conversation"], [])],
                     **{k: (round(o[k] - start_at.value, 3) if o.get(k) else None)
                        for k in ("scheduled", "sent", "acked", "first_queue", "queue_end", "greeting", "reply")},
                     "max_position": o["max_position"], "queue_frames": o["queue_frames"], "error": o["error"]}
                    for o in sorted(outcomes, key=lambda o: o["index"])],
            "timeline": [{"t": s["t"], "queued": s.get("queued"), "load": sum(v[0] for v in (s.get("loads") or {}).values())}
                         for s in samples],
        }
        report(result)
        out = REPO / "bench" / "results"
        out.mkdir(parents=True, exist_ok=True)
        name = f"routing-sqlite-{args.shoppers}x{args.agents}-{time.strftime('%Y%m%d-%H%M%S')}.json"
        (out / name).write_text(json.dumps(result, ensure_ascii=False, indent=1))
        print(f"written to bench/results/{name}")
        return 0
    finally:
        for p in procs:
            if p.is_alive():
                p.kill()
        server.kill()
        shutil.rmtree(work, ignore_errors=True)


def report(r: dict) -> None:
    def line(name: str, s: dict) -> str:
        if not s.get("count"):
            return f"  {name:<44} —"
        return (f"  {name:<44} p50 {s['p50_s']:7.3f}  p95 {s['p95_s']:7.3f}  p99 {s['p99_s']:7.3f}  max {s['max_s']:7.3f} s"
                f"  (n={s['count']})")

    q = r["queue"]
    per = r["conversations_per_agent"]
    lc = r["load_vs_capacity"]
    print()
    print(f"== routing: {r['shoppers']} shoppers over {r['arrival_window_s']:.0f} s, {r['agents']} agents × capacity "
          f"{r['capacity']}, think {r['think_s'][0]:g}–{r['think_s'][1]:g} s, handle {r['handle_s'][0]:g}–{r['handle_s'][1]:g} s; "
          f"run {r['run_s']} s")
    print(line("first message → greeting", r["first_message_to_greeting"]))
    print(line("  … not queued", r["first_message_to_greeting_not_queued"]))
    print(line("  … queued: position 0 frame → greeting", r["queue_end_to_greeting"]))
    print(line("first message → first human reply", r["first_message_to_human_reply"]))
    print(line("first message → ack", r["first_message_ack"]))
    print(line("POST /widget/sessions", r["widget_session_request"]))
    print(line("widget socket open (handshake + hello)", r["socket_open"]))
    print(line("client's own delay before a session (lag)", r["client_start_lag"]))
    print(f"  queue: {q['waited']} waited ({q['waited_share'] * 100:.1f} %), {q['queue_frames']} queue frames "
          f"({q['queue_frames_with_position']} with a position), {q['queued_auto_replies']} queued auto-replies, "
          f"max position {q['max_position_seen']}, peak queued {q['peak_queued_live']} (live view), empty again at "
          f"t={q['queue_empty_again_at_s']} s; while shoppers waited the agents held "
          f"{(q['load_share_of_capacity_while_queued'] or 0) * 100:.1f} % of their capacity")
    print(line("time in the queue (first position ≥ 1 → 0)", q["wait"]))
    print(f"  first come, first served: {q['greeted_ahead_of_an_earlier_waiting_shopper']} shoppers were greeted > 1 s before "
          f"someone already waiting in the queue when they wrote ({q['overtaken_pairs']} such pairs)")
    print(f"  conversations given per agent (a timeout hands one to a second agent): min {per['min']}, mean {per['mean']}, max {per['max']}")
    print("\n".join(histogram(per["by_agent"])))
    print(f"  load vs capacity {lc['capacity']}: server max {max(lc['server_max_by_agent'].values(), default=0)} "
          f"({lc['live_samples']} live samples, {lc['server_violation_samples']} over capacity), agents' own max "
          f"{max(lc['client_max_by_agent'].values(), default=0)} ({len(lc['client_violations'])} over capacity)")
    for v in lc["server_violations"][:10] + lc["client_violations"][:10]:
        print(f"    VIOLATION {v}")
    at = r["answer_timeouts"]
    print(f"  answer timeouts: {at['live_timeouts_last_hour']} in the live view, {at['conversations_taken_from_an_agent']} "
          f"conversations taken from an agent ({at['taken_before_the_agent_answered']} before the agent answered, "
          f"{at['taken_whose_shopper_waited_over_timeout']} whose shopper had waited ≥ the answer timeout before assignment)")
    print(line("  taken this long after the assignment", at["taken_after_assignment"]))
    print(f"  server conversations {r['server_conversations']}")
    print(f"  errors: {r['errors'] or 'none'}")
    print(f"  CPU: server {r['cpu_percent_of_one_core']['server']} %, clients {r['cpu_percent_of_one_core']['clients']} % "
          f"(of one core); machine {r['machine_cpu_split_percent']}; server RSS max {r['server_rss_mib_max']} MiB")
    print(f"  reference (Python sqlite3 commits/s): before {r['reference_sqlite_commits_per_s']['before']:,}, "
          f"after {r['reference_sqlite_commits_per_s']['after']:,}")


if __name__ == "__main__":
    sys.exit(main())
