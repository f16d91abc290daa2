#!/usr/bin/env python3
"""Crash safety under load (docs QUALITY.md, reliability: "kill the server with SIGKILL under load
50 times: every acknowledged message is present exactly once, PRAGMA integrity_check is ok, and
the server is serving again within 5 s").

The script starts its own ``kefu serve`` (``--kefu-bin``) on a fresh database (SQLite, or a
throwaway PostgreSQL with ``--database postgres``), runs ``kefu demo`` and creates one inbox with
one agent per shopper (as ``chat_load.py`` does). A client process then keeps ``--shoppers``
conversations busy: every shopper sends ``--rate`` messages per second, each with its own
``clientMessageId``, and its agent answers every ``--reply-every``-th message. Both use the
reference client (``e2e/kefu_client.py``), which reconnects after the socket drops, resumes, and
resends every unacknowledged message with the same ``clientMessageId``.

``--kills`` times: once the clients are all connected again and acks flow, wait a random
``--delay MIN MAX`` seconds, SIGKILL the server, check the crashed database (SQLite: a copy of the
database and its WAL, exactly as the kill left them, so the server's own files stay untouched), and
restart ``kefu serve`` on the same database; measured: exec → ``/ready`` answers 200, kill →
``/ready``, ``/ready`` → every socket connected again, kill → first ack after the restart.

Checked after every kill (the acks the clients had logged by then) and at the end (all of them,
from the database and over the REST API):

- every acknowledged message is stored, once, with the ``messageId``, ``seq`` and conversation of
  its ack (lost = acked but absent; mismatched = present but not as acked);
- no ``clientMessageId`` is stored twice (duplicated);
- per conversation the sequence numbers are 1..n with no gap and ``conversations.last_seq`` = n;
- ``PRAGMA integrity_check`` is ``ok`` (SQLite);
- every message sent was acknowledged in the end (``--drain`` seconds after the load).

    python3 bench/crash_safety.py --kefu-bin .build/release/kefu --kills 5      # a quick one
    python3 bench/crash_safety.py --kefu-bin .build/release/kefu                # 50 kills, 20 shoppers
    python3 bench/crash_safety.py --database postgres                           # a throwaway PostgreSQL

Results are printed and written as JSON to bench/results/ (ignored by git). Exit status: 0 all
held; 1 a message was lost, duplicated, mismatched or never acknowledged, a gap, an integrity
failure, or a server that did not come back; 2 data intact but a restart took longer than 5 s.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import multiprocessing as mp
import os
import pathlib
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.request

REPO = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "e2e"))
sys.path.insert(0, str(REPO / "bench"))

from chat_load import AGENT_PASSWORD, Owner, machine_info, provision, start_postgres, stop_postgres  # noqa: E402
from kefu_client import AgentClient, VisitorClient, new_id, norm  # noqa: E402
from kefu_process import KefuProcess, free_port, kefu_env, reset_postgres  # noqa: E402

READY_TARGET_S = 5.0
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))


# ----------------------------------------------------------------------------- the server

class ServerDown(RuntimeError):
    pass


class CrashKefu(KefuProcess):
    """KefuProcess with a restart that times exec → /ready closely (10 ms polls)."""

    def start_timed(self, timeout: float = 60.0) -> dict:
        assert not self.running, "already running"
        with open(self.log_path, "a") as log:
            log.write(f"\n==== kefu serve started {time.strftime('%H:%M:%S')} ====\n")
            log.flush()
            started = time.monotonic()
            self.proc = subprocess.Popen([str(self.binary), "serve"], cwd=self.workdir, env=self.env,
                                         stdout=log, stderr=subprocess.STDOUT)
        first_answer = None
        while True:
            now = time.monotonic()
            if now - started > timeout:
                raise ServerDown(f"no 200 from /ready within {timeout:.0f} s of the restart")
            if self.proc.poll() is not None:
                raise ServerDown(f"kefu serve exited with {self.proc.returncode} before /ready answered")
            try:
                with NO_PROXY.open(f"{self.url}/ready", timeout=2) as response:
                    if response.status == 200:
                        ready = time.monotonic()
                        return {"exec_at": started, "ready_at": ready, "exec_to_ready_s": ready - started,
                                "first_http_answer_s": (first_answer or ready) - started}
            except urllib.error.HTTPError:       # 503: listening, the database not reachable yet
                first_answer = first_answer or time.monotonic()
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.01)


# ----------------------------------------------------------------------------- the database

def _uuid(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, (bytes, bytearray)):
        import uuid
        return str(uuid.UUID(bytes=bytes(value)))
    return str(value).lower()


class Database:
    """Reads the tables the checks need, from SQLite (a file, read-only or a crash copy) or PostgreSQL (psql)."""

    def __init__(self, kind: str, sqlite_path: pathlib.Path | None = None, postgres_url: str | None = None):
        self.kind = kind
        self.sqlite_path = sqlite_path
        self.postgres_url = postgres_url

    def files(self) -> list[pathlib.Path]:
        base = str(self.sqlite_path)
        return [pathlib.Path(base + s) for s in ("", "-wal", "-shm") if pathlib.Path(base + s).exists()]

    def crash_copy(self, folder: pathlib.Path) -> "Database":
        """A copy of the database file and its WAL as they are now (the -shm index is rebuilt from the WAL
        when the copy is opened, as the server's restart would)."""
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / self.sqlite_path.name
        shutil.copyfile(self.sqlite_path, target)
        wal = pathlib.Path(str(self.sqlite_path) + "-wal")
        if wal.exists():
            shutil.copyfile(wal, str(target) + "-wal")
        return Database("sqlite", sqlite_path=target)

    def _rows(self, sql: str, writable: bool = False) -> list[tuple]:
        if self.kind == "sqlite":
            uri = f"file:{self.sqlite_path}" + ("" if writable else "?mode=ro")
            db = sqlite3.connect(uri, uri=True, timeout=30)
            try:
                return db.execute(sql).fetchall()
            finally:
                db.close()
        out = subprocess.run(["psql", self.postgres_url, "-X", "-A", "-t", "-F", "\x1f", "-v", "ON_ERROR_STOP=1", "-c", sql],
                             capture_output=True, text=True, check=True, env=kefu_env(), timeout=300).stdout
        return [tuple(None if v == "" else v for v in line.split("\x1f")) for line in out.splitlines() if line]

    def snapshot(self, copy: bool = False) -> dict:
        """Messages, conversations and the integrity check. ``copy``: the database is a private crash copy
        (opened writable so SQLite recovers the WAL into its index, like a restart)."""
        started = time.monotonic()
        messages = [(_uuid(i), _uuid(c), int(s), t, _uuid(sid), _uuid(cm)) for i, c, s, t, sid, cm in self._rows(
            "SELECT id, conversation_id, seq, sender_type, sender_id, client_message_id FROM messages", writable=copy)]
        conversations = {_uuid(i): int(n) for i, n in self._rows("SELECT id, last_seq FROM conversations", writable=copy)}
        if self.kind == "sqlite":
            integrity = "; ".join(str(r[0]) for r in self._rows("PRAGMA integrity_check", writable=copy))
        else:
            integrity = None   # PostgreSQL: no equivalent that means the same; its own WAL recovery is not Kefu's
        return {"messages": messages, "conversations": conversations, "integrity": integrity,
                "read_s": round(time.monotonic() - started, 3)}


def verify(snapshot: dict, acks: dict[str, dict], conflicting_acks: list, watched: set[str] | None = None,
           sample: int = 10) -> dict:
    """Checks the snapshot against the acks. ``watched``: the conversations of the run (gaps are
    checked in every conversation, they are listed for these first)."""
    by_cmid: dict[str, list[tuple]] = collections.defaultdict(list)
    by_id: dict[str, tuple] = {}
    by_key: dict[tuple, list[tuple]] = collections.defaultdict(list)
    seqs: dict[str, list[int]] = collections.defaultdict(list)
    for row in snapshot["messages"]:
        mid, conv, seq, sender_type, sender_id, cmid = row
        by_id[mid] = row
        seqs[conv].append(seq)
        if cmid is not None:
            by_cmid[cmid].append(row)
            by_key[(conv, sender_type, sender_id, cmid)].append(row)
    lost, mismatched = [], []
    for cmid, ack in acks.items():
        rows = by_cmid.get(cmid, [])
        row = by_id.get(ack["mid"])
        if not rows and row is None:
            lost.append(ack)
        elif row is None or row[5] != cmid or row[1] != ack["conv"] or row[2] != ack["seq"]:
            mismatched.append({"ack": ack, "stored": [list(r) for r in rows] or None,
                               "stored_under_ack_id": list(row) if row else None})
    duplicated = [{"clientMessageId": k[3], "rows": [list(r) for r in v]} for k, v in by_key.items() if len(v) > 1]
    # The same clientMessageId under different senders or conversations (not covered by the key above).
    cross = [{"clientMessageId": c, "rows": [list(r) for r in v]} for c, v in by_cmid.items()
             if len(v) > 1 and len({(r[1], r[3], r[4]) for r in v}) > 1]
    gaps, counter = [], []
    for conv in set(seqs) | set(snapshot["conversations"]):
        ordered = sorted(seqs.get(conv, []))
        n = len(ordered)
        if ordered != list(range(1, n + 1)):
            present = set(ordered)
            top = ordered[-1] if ordered else 0
            gaps.append({"conversation": conv, "messages": n, "max_seq": top,
                         "missing_seqs": [s for s in range(1, top + 1) if s not in present][:50],
                         "repeated_seqs": sorted({s for s in ordered if ordered.count(s) > 1})[:50]})
        last_seq = snapshot["conversations"].get(conv)
        if last_seq is not None and last_seq != n:
            counter.append({"conversation": conv, "last_seq": last_seq, "messages": n, "max_seq": ordered[-1] if ordered else 0})
    if watched:
        gaps.sort(key=lambda g: g["conversation"] not in watched)
        counter.sort(key=lambda g: g["conversation"] not in watched)
    integrity = snapshot["integrity"]
    return {
        "messages_stored": len(snapshot["messages"]), "acks_checked": len(acks),
        "lost": len(lost), "mismatched": len(mismatched), "duplicated": len(duplicated) + len(cross),
        "gaps": len(gaps), "last_seq_mismatch": len(counter), "conflicting_acks": len(conflicting_acks),
        "integrity": integrity, "integrity_ok": integrity in (None, "ok"),
        "samples": {k: v[:sample] for k, v in (("lost", lost), ("mismatched", mismatched), ("duplicated", duplicated + cross),
                                               ("gaps", gaps), ("last_seq_mismatch", counter),
                                               ("conflicting_acks", conflicting_acks)) if v},
        "read_s": snapshot["read_s"],
    }


def check_failed(result: dict) -> bool:
    return bool(result["lost"] or result["mismatched"] or result["duplicated"] or result["gaps"]
                or result["last_seq_mismatch"] or result["conflicting_acks"] or not result["integrity_ok"])


def read_acks(path: pathlib.Path, before: float | None = None) -> tuple[dict[str, dict], list, list[dict]]:
    """The client's ack log → (first ack per clientMessageId, acks that disagree with an earlier one, all);
    ``before``: only acks received before that moment (monotonic clock)."""
    acks: dict[str, dict] = {}
    conflicting, every = [], []
    if not path.exists():
        return acks, conflicting, every
    with open(path) as f:
        for line in f:
            if not line.endswith("\n"):
                break          # being written
            ack = json.loads(line)
            if before is not None and ack["t"] >= before:
                break
            every.append(ack)
            earlier = acks.get(ack["cmid"])
            if earlier is None:
                acks[ack["cmid"]] = ack
            elif (earlier["mid"], earlier["seq"], earlier["conv"]) != (ack["mid"], ack["seq"], ack["conv"]):
                conflicting.append({"first": earlier, "later": ack})
    return acks, conflicting, every


# ----------------------------------------------------------------------------- the client process

def client_process(slots: list[dict], url: str, options: dict, ack_log: str, shared: dict, stop, arm, killed, results) -> None:
    try:
        results.put(asyncio.run(client_main(slots, url, options, pathlib.Path(ack_log), shared, stop, arm, killed)))
    except BaseException as error:  # report, so the parent does not wait forever
        results.put({"failed": f"{error!r}\n{traceback.format_exc()}"})


async def client_main(slots: list[dict], url: str, options: dict, ack_log: pathlib.Path, shared: dict, stop, arm, killed) -> dict:
    rng = random.Random(options["seed"])
    client_options = dict(keep_frames=False, keep_messages=False, resend_after=None, ack_timeout=600, auto_fill_gaps=True,
                          max_reconnect_delay=options["max_reconnect_delay"])
    log = open(ack_log, "a", buffering=1 << 16)
    counts: collections.Counter = collections.Counter()
    errors: collections.Counter = collections.Counter()
    error_samples: list[dict] = []
    sent: dict[str, dict] = {}             # clientMessageId → what was sent
    stopping = False

    def watch(client, kind: str, index: int):
        def on_frame(frame: dict) -> None:
            t = frame.get("type")
            if t == "ack":
                record = {"t": time.monotonic(), "kind": kind, "shopper": index, "cmid": norm(frame.get("clientMessageId")),
                          "conv": norm(frame.get("conversationId")), "mid": norm(frame.get("messageId")),
                          "seq": int(frame.get("seq", 0)), "dup": bool(frame.get("duplicate")), "epoch": client.epoch}
                log.write(json.dumps(record) + "\n")
                counts["acks"] += 1
                counts[f"acks_{kind}"] += 1
                if record["dup"]:
                    counts[f"duplicate_acks_{kind}"] += 1
                if record["cmid"] not in sent:
                    counts["acks_for_unknown_ids"] += 1
            elif t == "error":
                code = frame.get("code", "?")
                if code != "rate_limited":    # the client retries those with the same id
                    errors[f"{kind}:{code}"] += 1
                    if len(error_samples) < 20:
                        error_samples.append({"kind": kind, "shopper": index, "frame": frame, "t": time.monotonic()})
        client.on_frame.append(on_frame)

    def send(client, kind: str, index: int, conversation: str | None, text: str):
        cmid = new_id()
        sent[cmid] = {"kind": kind, "shopper": index, "conv": conversation, "t": time.monotonic(), "text": text}
        counts[f"sent_{kind}"] += 1
        future = client.send_message_nowait(text, conversation, cmid)
        future.add_done_callback(lambda f: f.cancelled() or f.exception())   # retrieved; outcomes come from the log
        return future

    pairs = []
    semaphore = asyncio.Semaphore(10)

    async def open_pair(slot: dict):
        index = slot["index"]
        async with semaphore:
            agent = await asyncio.to_thread(AgentClient.login, url, slot["agent_email"], AGENT_PASSWORD,
                                            name=f"agent {index}", **client_options)
            visitor = await asyncio.to_thread(VisitorClient.start, url, slot["inbox_key"], source_address=slot["source"],
                                              name=f"shopper {index}", **client_options)
            watch(agent, "agent", index)
            watch(visitor, "visitor", index)
            await agent.connect(60)
            await visitor.connect(60)
            first = await asyncio.wait_for(send(visitor, "visitor", index, None, f"顾客{index} 开始"), 60)
            conversation = norm(first["conversationId"])
            for record in sent.values():
                if record["shopper"] == index and record["conv"] is None:
                    record["conv"] = conversation
            pairs.append((index, agent, visitor, conversation))

    await asyncio.gather(*(open_pair(s) for s in slots))
    clients = [c for _, a, v, _ in pairs for c in (a, v)]
    cap, rate, reply_every = options["pending_cap"], options["rate"], options["reply_every"]

    for index, agent, visitor, conversation in pairs:
        received = {"n": 0}

        def on_message(conv, message, index=index, agent=agent, received=received):
            if message.get("senderType") != "visitor" or stopping:
                return
            received["n"] += 1
            if reply_every and received["n"] % reply_every == 0:
                if len(agent.pending) < cap:
                    send(agent, "agent", index, conv, f"客服{index} 回复第{received['n']}条：好的，马上为您处理。")
                else:
                    counts["agent_replies_skipped_backlog"] += 1
        agent.on_message.append(on_message)

    def publish():
        shared["connected"].value = sum(1 for c in clients if c.connected)
        shared["acks"].value = counts["acks"]
        shared["pending"].value = sum(len(c.pending) for c in clients)
        log.flush()

    publish()
    shared["ready"].value = len(clients)

    # Kills "mid-write": the parent arms, this process sends one message from every shopper at once (a batch for
    # the server's writer) and SIGKILLs the server a random 0..kill_window seconds later, so the kills land at
    # every step of the write path (frame read, writer queue, transaction, commit, ack on its way).
    loop = asyncio.get_running_loop()

    def burst_and_kill():
        for index, _, visitor, conversation in pairs:
            send(visitor, "visitor", index, conversation, f"顾客{index} 崩溃前的一条：在吗？")
        counts["burst_messages"] += len(pairs)

        def kill():
            shared["kill_at"].value = time.monotonic()
            try:
                os.kill(shared["server_pid"].value, signal.SIGKILL)
            except ProcessLookupError:
                pass
            killed.set()
        loop.call_later(rng.uniform(0, options["kill_window"]), kill)

    def watch_arm():
        while True:
            arm.wait()
            arm.clear()
            loop.call_soon_threadsafe(burst_and_kill)

    threading.Thread(target=watch_arm, daemon=True).start()

    async def shopper(index: int, visitor: VisitorClient, conversation: str):
        n = 0
        await asyncio.sleep(rng.random() / rate)
        while not stopping:
            if len(visitor.pending) < cap:
                n += 1
                send(visitor, "visitor", index, conversation, f"顾客{index} 第{n}条：请问这件外套还有 M 码吗？")
            else:
                counts["shopper_sends_skipped_backlog"] += 1
            await asyncio.sleep(rng.uniform(0.5, 1.5) / rate)

    tasks = [asyncio.create_task(shopper(i, v, c)) for i, _, v, c in pairs]
    while not stop.is_set():
        publish()
        await asyncio.sleep(0.05)
    stopping = True
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    # Drain: every message sent must be acknowledged (resent after reconnects as needed).
    drain_until = time.monotonic() + options["drain"]
    while time.monotonic() < drain_until and any(c.pending for c in clients):
        publish()
        await asyncio.sleep(0.1)
    await asyncio.sleep(0.5)
    publish()
    unacked = [{"cmid": cmid, "kind": record["kind"], "shopper": record["shopper"], "conv": record["conv"],
                "text": record["text"], "sends": c.pending[cmid].sends if cmid in c.pending else None,
                "age_s": round(time.monotonic() - record["t"], 1)}
               for c in clients for cmid in c.pending for record in [sent.get(cmid)] if record]
    stats: collections.Counter = collections.Counter()
    for c in clients:
        stats.update({f"{'agent' if isinstance(c, AgentClient) else 'shopper'}_{k}": v for k, v in c.stats.items()})
    resume_gaps = {conv: seqs[:20] for c in clients if isinstance(c, AgentClient) for conv, seqs in c.missing.items() if seqs}
    client_bugs = [repr(e) for c in clients for e in c.errors][:10]
    stopped = [f"{c.name}: {c.stopped}" for c in clients if c.stopped]
    await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)
    log.close()
    return {"counts": dict(counts), "errors": dict(errors), "error_samples": error_samples, "sent": len(sent),
            "sent_ids": {cmid: {"kind": r["kind"], "conv": r["conv"], "t": r["t"]} for cmid, r in sent.items()},
            "unacked": unacked, "client_stats": dict(stats), "agent_resume_gaps": resume_gaps, "client_bugs": client_bugs,
            "stopped": stopped, "conversations": [c for _, _, _, c in pairs]}


# ----------------------------------------------------------------------------- main

def seconds(values: list[float]) -> dict:
    if not values:
        return {"count": 0}
    ordered = sorted(values)
    pick = lambda q: round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3)  # noqa: E731
    return {"count": len(ordered), "p50_s": pick(0.5), "p95_s": pick(0.95), "max_s": round(ordered[-1], 3),
            "min_s": round(ordered[0], 3)}


def rest_check(url: str, conversations: list[str], snapshot: dict) -> dict:
    """Every run conversation over REST (as the owner, private notes included) against the database."""
    owner = Owner(url)
    stored: dict[str, list[tuple]] = collections.defaultdict(list)
    for mid, conv, seq, _, _, _ in snapshot["messages"]:
        stored[conv].append((mid, seq))
    differences = []
    fetched = 0
    for conv in conversations:
        items, before = [], None
        while True:
            params = {"limit": 200}
            if before:
                params["beforeSeq"] = before
            answer = owner.http.get(f"{url}/api/v1/conversations/{conv}/messages", params=params, timeout=60)
            answer.raise_for_status()
            page = answer.json()
            items[:0] = page["items"]
            if not page["hasMore"] or not page["items"]:
                break
            before = page["items"][0]["seq"]
        fetched += len(items)
        over_rest = [(norm(m["id"]), int(m["seq"])) for m in items]
        in_db = sorted(stored.get(conv, []), key=lambda r: r[1])
        if over_rest != in_db:
            differences.append({"conversation": conv, "rest": len(over_rest), "database": len(in_db),
                                "only_rest": [x for x in over_rest if x not in set(in_db)][:10],
                                "only_database": [x for x in in_db if x not in set(over_rest)][:10]})
    return {"conversations": len(conversations), "messages": fetched, "differences": differences}


def crash_excerpt(text: str, limit: int = 40) -> list[str]:
    """The part of the server's log since its last start that tells how it died: the first lines and the
    crashed thread's frames (the Swift runtime's backtrace)."""
    marker = text.rfind("==== kefu serve started")
    lines = [l for l in text[marker:].splitlines()[1:] if l.strip()] if marker >= 0 else text.splitlines()
    head = lines[:next((i for i, l in enumerate(lines) if l.startswith("Thread ")), 6)][:6]
    crashed = next((i for i, l in enumerate(lines) if l.startswith("Thread ") and l.rstrip().endswith(" crashed:")), None)
    frames = lines[crashed:crashed + 30] if crashed is not None else []
    return (head + frames)[:limit]


def log_excerpt(text: str, limit: int = 40) -> list[str]:
    keep = [line for line in text.splitlines()
            if any(w in line for w in ("error", "critical", "fatal", "Fatal", "ERROR", "CRITICAL", "warning", "WARNING", "===="))]
    return keep[-limit:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kefu-bin", default=str(REPO / ".build" / "release" / "kefu"))
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--shoppers", type=int, default=20, help="conversations (a shopper and an agent each)")
    parser.add_argument("--rate", type=float, default=8.0, help="messages per second per shopper (Kefu allows 10)")
    parser.add_argument("--reply-every", type=int, default=4, help="the agent answers every K-th message (0: never)")
    parser.add_argument("--delay", type=float, nargs=2, default=[0.3, 2.5], metavar=("MIN", "MAX"),
                        help="seconds of load between the clients being back and the next kill (uniform)")
    parser.add_argument("--mid-write-share", type=float, default=0.5,
                        help="share of kills timed into a burst of messages (the rest at a plain random moment)")
    parser.add_argument("--kill-window", type=float, default=0.005,
                        help="mid-write kills: SIGKILL 0..this many seconds after the burst went out")
    parser.add_argument("--max-crashes", type=int, default=10,
                        help="unplanned crashes (the server dying on its own) to restart after before giving up")
    parser.add_argument("--min-acks", type=int, default=20, help="acks since the restart before the kill timer starts")
    parser.add_argument("--pending-cap", type=int, default=30, help="a client holds back new messages while this many wait")
    parser.add_argument("--max-reconnect-delay", type=float, default=1.0, help="the clients' reconnect back-off ceiling")
    parser.add_argument("--drain", type=float, default=60.0, help="seconds for the last unacknowledged messages at the end")
    parser.add_argument("--no-check-each-kill", action="store_true", help="only check at the end")
    parser.add_argument("--seed", type=int, default=20261207)
    parser.add_argument("--log-level", default="warning", help="the server's")
    parser.add_argument("--keep-log", metavar="PATH", help="copy the server's log here at the end")
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    binary = pathlib.Path(args.kefu_bin).resolve()
    if not binary.exists():
        parser.error(f"{binary} not found; build it with: swift build -c release --product kefu")
    rng = random.Random(args.seed)

    work = pathlib.Path(tempfile.mkdtemp(prefix="kefu-crash-"))
    out = REPO / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    pg_folder = None
    extra = {"KEFU_BCRYPT_COST": "4", "KEFU_LOGIN_LIMIT_IP": "1000000/60",
             # A crash of its own shows in the log with the crashed thread first, without the registers and images.
             "SWIFT_BACKTRACE": os.environ.get("SWIFT_BACKTRACE", "enable=yes,registers=none,images=none")}
    if args.database == "postgres":
        pg_folder = pathlib.Path(tempfile.mkdtemp(prefix="kefu-crash-pg-"))
        database_url = start_postgres(pg_folder, free_port())
        reset_postgres(database_url)
        database = Database("postgres", postgres_url=database_url)
    else:
        database_url = f"sqlite://{work}/crash.sqlite"
        database = Database("sqlite", sqlite_path=work / "crash.sqlite")
    server = CrashKefu(binary, work, database_url, log_level=args.log_level, extra=extra, name="crash")
    ack_log = work / "acks.jsonl"
    ctx = mp.get_context("fork")
    shared = {"ready": ctx.Value("i", 0), "connected": ctx.Value("i", 0), "acks": ctx.Value("q", 0), "pending": ctx.Value("i", 0),
              "server_pid": ctx.Value("i", 0), "kill_at": ctx.Value("d", 0.0)}
    stop, results = ctx.Event(), ctx.Queue()
    arm, killed = ctx.Event(), ctx.Event()
    began = time.monotonic()
    print("machine:", json.dumps(machine_info(), ensure_ascii=False))
    try:
        return run(args, rng, binary, work, out, stamp, database, server, ack_log, ctx, shared, stop, arm, killed, results, began)
    finally:
        server.kill()
        if pg_folder is not None:
            stop_postgres(pg_folder)
        shutil.rmtree(work, ignore_errors=True)


def run(args, rng, binary, work, out, stamp, database, server, ack_log, ctx, shared, stop, arm, killed, results, began) -> int:
    client = None
    kills: list[dict] = []
    crashes: list[dict] = []       # the server died without being killed
    failures: list[str] = []
    evidence = None
    outcome = None
    try:
        server.run("demo")
        first = server.start_timed()
        slots = provision(server.url, args.shoppers)
        total_sockets = 2 * len(slots)
        print(f"server {server.url} ({args.database}, {binary}), ready {first['exec_to_ready_s']:.2f} s after exec; "
              f"{len(slots)} inboxes and agents")
        options = {"rate": args.rate, "reply_every": args.reply_every, "pending_cap": args.pending_cap, "drain": args.drain,
                   "max_reconnect_delay": args.max_reconnect_delay, "seed": args.seed, "kill_window": args.kill_window}
        shared["server_pid"].value = server.pid
        client = ctx.Process(target=client_process, args=(slots, server.url, options, str(ack_log), shared, stop, arm, killed,
                                                          results), daemon=True)
        client.start()
        deadline = time.monotonic() + 300
        while shared["ready"].value == 0:
            if not client.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the client process did not start: {results.get(timeout=5) if not results.empty() else '?'}")
            time.sleep(0.1)
        print(f"{total_sockets} sockets open, load running ({args.shoppers} shoppers × {args.rate}/s, "
              f"agents answer every {args.reply_every}th)")

        ready_since = [time.monotonic()]

        def capture(name: str):
            """Right after the kill: a copy of the SQLite database and its WAL as the kill left them (milliseconds;
            checked once the server serves again), or with PostgreSQL the snapshot itself (before the restart)."""
            if args.no_check_each_kill:
                return None
            started = time.monotonic()
            if database.kind == "sqlite":
                captured = ("copy", database.crash_copy(work / name))
            else:
                captured = ("snapshot", database.snapshot())
            return captured, time.monotonic() - started

        def check_capture(record: dict, name: str, captured, acks_before: float) -> None:
            """The captured database against the acks the clients had logged before the restart."""
            nonlocal evidence
            if captured is None:
                return
            (kind, value), capture_s = captured
            started = time.monotonic()
            snapshot = value.snapshot(copy=True) if kind == "copy" else value
            acks, conflicting, _ = read_acks(ack_log, before=acks_before)
            check = verify(snapshot, acks, conflicting)
            record["check"] = {key: check[key] for key in ("messages_stored", "acks_checked", "lost", "mismatched",
                                                            "duplicated", "gaps", "last_seq_mismatch", "integrity")}
            record["check"].update({"capture_s": round(capture_s, 3), "check_s": round(time.monotonic() - started, 3)})
            record["check_failed"] = check_failed(check)
            if record["check_failed"]:
                record["check"]["samples"] = check["samples"]
                failures.append(f"{name}: the crashed database's check failed")
                if evidence is None and database.kind == "sqlite":
                    evidence = out / f"crash_safety-evidence-{stamp}"
                    shutil.copytree(work / name, evidence / name)
            if database.kind == "sqlite":
                shutil.rmtree(work / name, ignore_errors=True)

        def restart(record: dict, down_at: float, label: str) -> None:
            try:
                timing = server.start_timed(timeout=60)
            except ServerDown as error:
                record["restart_failed"] = str(error)
                failures.append(f"{label}: the server did not come back: {error}")
                raise
            shared["server_pid"].value = server.pid
            ready_since[0] = timing["ready_at"]
            record.update({"exec_to_ready_s": round(timing["exec_to_ready_s"], 3),
                           "kill_to_ready_s": round(timing["ready_at"] - down_at, 3),
                           "kill_to_exec_s": round(timing["exec_at"] - down_at, 3),
                           "exec_at": timing["exec_at"], "killed_at": down_at})

        def unplanned_crash() -> None:
            """The server died without being killed: record how (its log), check the database, restart it."""
            noticed = time.monotonic()
            code = server.proc.returncode
            if kills and "ready_to_all_sockets_s" not in kills[-1]:
                kills[-1]["unplanned_crash_after_restart"] = True
            record = {"after_kill": len(kills), "exit_code": code, "ready_before": ready_since[0], "noticed_at": noticed,
                      "signal": signal.Signals(-code).name if code < 0 and -code in signal.Signals._value2member_map_ else None,
                      "noticed_s_after_ready": round(noticed - ready_since[0], 2), "at_s": round(noticed - began, 2),
                      "log": crash_excerpt(server.log_text())}
            crashes.append(record)
            failures.append(f"the server crashed on its own after kill {len(kills)} (exit {code}): "
                            f"{next((l for l in record['log'] if l.strip()), '?')}")
            print(f"UNPLANNED CRASH after kill {len(kills)}: exit code {code}, "
                  f"{record['noticed_s_after_ready']:.1f} s after it was ready; log:\n    " + "\n    ".join(record["log"][:12]),
                  flush=True)
            name = f"crash-unplanned-{len(crashes):03d}"
            captured = capture(name)
            if len(crashes) > args.max_crashes:
                raise ServerDown(f"more than {args.max_crashes} unplanned crashes")
            restart(record, noticed, f"crash {len(crashes)}")
            check_capture(record, name, captured, record["exec_at"])

        def wait_for(condition, what: str, timeout: float = 60.0) -> float:
            started = time.monotonic()
            while not condition():
                if server.proc.poll() is not None:
                    unplanned_crash()
                    started = time.monotonic()
                if not client.is_alive():
                    raise RuntimeError("the client process died")
                if time.monotonic() - started > timeout:
                    failures.append(f"{what} not within {timeout:.0f} s ({shared['connected'].value}/{total_sockets} "
                                    f"sockets connected)")
                    raise ServerDown(failures[-1])
                time.sleep(0.01)
            return time.monotonic() - started

        for k in range(1, args.kills + 1):
            # Load flowing: every socket back and some acks since the restart, then a random moment.
            wait_for(lambda: shared["connected"].value >= total_sockets, f"kill {k}: all sockets connected")
            base = shared["acks"].value
            wait_for(lambda: shared["acks"].value - base >= args.min_acks, f"kill {k}: {args.min_acks} acks")
            pause_until = time.monotonic() + rng.uniform(*args.delay)
            wait_for(lambda: time.monotonic() >= pause_until, f"kill {k}: the pause")
            acks_before, pending_before = shared["acks"].value, shared["pending"].value
            mode = "mid-write" if rng.random() < args.mid_write_share else "random"
            if mode == "random":
                killed_at = time.monotonic()
                server.proc.kill()
            else:
                killed.clear()
                arm.set()
                if not killed.wait(10):
                    raise RuntimeError("the client process did not kill the server when asked")
                killed_at = shared["kill_at"].value
            server.proc.wait(timeout=10)
            record = {"kill": k, "mode": mode, "at_s": round(killed_at - began, 2), "acks_before": acks_before,
                      "pending_at_kill": pending_before, "exit_code": server.proc.returncode}
            kills.append(record)
            captured = capture(f"crash-{k:03d}")
            restart(record, killed_at, f"kill {k}")
            record["ready_to_all_sockets_s"] = round(
                wait_for(lambda: shared["connected"].value >= total_sockets, f"kill {k}: all sockets back"), 3)
            check_capture(record, f"crash-{k:03d}", captured, record["exec_at"])
            line = (f"kill {k:3d} ({mode:9s}): {acks_before:6d} acks before; "
                    f"restarted {record['kill_to_exec_s']:.2f} s after the kill, ready {record['exec_to_ready_s']:.2f} s after exec, "
                    f"all sockets back {record['ready_to_all_sockets_s']:.2f} s later")
            if record.get("unplanned_crash_after_restart"):
                line += " (after the unplanned crash's restart)"
            if "check" in record:
                c = record["check"]
                line += (f"; crash copy: {c['acks_checked']} acks, lost {c['lost']}, mismatched {c['mismatched']}, "
                         f"dup {c['duplicated']}, gaps {c['gaps']}, last_seq {c['last_seq_mismatch']}, integrity {c['integrity']}")
            print(line, flush=True)

        # The end: stop the load, let every message be acknowledged, check everything.
        wait_for(lambda: shared["connected"].value >= total_sockets, "the end: all sockets connected")
        time.sleep(1.0)
        stop.set()
        outcome = results.get(timeout=args.drain + 120)
        client.join(timeout=30)
        if "failed" in outcome:
            raise RuntimeError(f"client process failed: {outcome['failed']}")
    except ServerDown:
        outcome = None
    finally:
        if client is not None and client.is_alive() and not stop.is_set():
            stop.set()
    if outcome is None:
        try:
            outcome = results.get(timeout=args.drain + 120) if client is not None else None
        except Exception:  # noqa: BLE001
            outcome = None
        outcome = outcome if outcome and "failed" not in outcome else {"counts": {}, "unacked": [], "sent_ids": {},
                                                                        "conversations": [], **(outcome or {})}

    acks, conflicting, every = read_acks(ack_log)
    rest = None
    if server.running:
        try:
            snapshot_live = database.snapshot()
            rest = rest_check(server.url, outcome.get("conversations", []), snapshot_live)
        except Exception as error:  # noqa: BLE001
            rest = {"error": repr(error)}
        code, stop_s = server.terminate()
        graceful = {"exit_code": code, "seconds": round(stop_s, 2)}
    else:
        graceful = None
    final = verify(database.snapshot(), acks, conflicting)
    log_text = server.log_text()

    counts = outcome.get("counts", {})
    unacked = outcome.get("unacked", [])
    sent_ids = outcome.get("sent_ids", {})
    first_ack_at = {}
    for a in every:
        first_ack_at.setdefault(a["cmid"], a)
    for record in crashes:
        # What the server answered between its last start and its crash: were resends of stored messages among it?
        window = [a for a in every if record["ready_before"] <= a["t"] <= record["noticed_at"]]
        record["acks_before_crash"] = {"acks": len(window), "duplicate": sum(1 for a in window if a["dup"]),
                                       "last_duplicate_s_before_noticed": round(record["noticed_at"] - max(
                                           (a["t"] for a in window if a["dup"]), default=record["noticed_at"]), 2),
                                       "last_ack_s_before_noticed": round(record["noticed_at"] - max(
                                           (a["t"] for a in window), default=record["noticed_at"]), 2)}
    for record in kills:
        if "exec_at" not in record:
            continue
        # Kill → first ack after the restart (the message path serving again).
        later = [a["t"] for a in every if a["t"] > record["exec_at"]]
        if later:
            record["kill_to_first_ack_s"] = round(min(later) - record["killed_at"], 3)
        # Messages in flight at the kill: sent before it, first acknowledged after the restart. Their ack then
        # says "duplicate" when the dead server had committed them (its ack never left), else they were stored anew.
        in_flight = [(cmid, first_ack_at.get(cmid)) for cmid, s in sent_ids.items()
                     if s["t"] < record["killed_at"] and (cmid not in first_ack_at or first_ack_at[cmid]["t"] > record["killed_at"])]
        record["in_flight"] = {"messages": len(in_flight),
                               "acked_by_the_dying_server": sum(1 for _, a in in_flight if a and a["t"] <= record["exec_at"]),
                               "committed_before_kill": sum(1 for _, a in in_flight if a and a["dup"] and a["t"] > record["exec_at"]),
                               "stored_after_restart": sum(1 for _, a in in_flight if a and not a["dup"] and a["t"] > record["exec_at"]),
                               "never_acked": sum(1 for _, a in in_flight if a is None)}
    acked_ids = set(acks)
    never_acked = [c for c in sent_ids if c not in acked_ids]
    exec_to_ready = [r["exec_to_ready_s"] for r in kills if "exec_to_ready_s" in r]
    kill_to_ready = [r["kill_to_ready_s"] for r in kills if "kill_to_ready_s" in r]
    over_target = [r["kill"] for r in kills if r.get("kill_to_ready_s", 0) > READY_TARGET_S]
    per_kill_checks = [r["check"] for r in kills if "check" in r]
    if check_failed(final):
        failures.append("final database check failed")
    if never_acked or unacked:
        failures.append(f"{len(never_acked)} messages sent but never acknowledged after {args.drain:.0f} s of drain")
    if rest and (rest.get("error") or rest.get("differences")):
        failures.append("REST view differs from the database")
    if outcome.get("client_bugs") or outcome.get("stopped"):
        failures.append("client errors (see client_bugs / stopped)")
    if outcome.get("agent_resume_gaps"):
        failures.append("an agent's resume skipped messages (agent_resume_gaps)")
    if outcome.get("errors"):
        failures.append(f"error frames: {outcome['errors']}")
    result = {
        "label": args.label, "when": time.strftime("%Y-%m-%d %H:%M:%S"), "machine": machine_info(),
        "binary": str(binary), "database": args.database, "shoppers": args.shoppers, "sockets": 2 * args.shoppers,
        "rate_per_shopper": args.rate, "reply_every": args.reply_every, "delay_s": args.delay, "seed": args.seed,
        "kills_planned": args.kills, "kills": len(kills), "duration_s": round(time.monotonic() - began, 1),
        "sent": {"visitor": counts.get("sent_visitor", 0), "agent": counts.get("sent_agent", 0)},
        "acked": {"messages": len(acks), "visitor": sum(1 for a in acks.values() if a["kind"] == "visitor"),
                  "agent": sum(1 for a in acks.values() if a["kind"] == "agent"), "ack_frames": len(every),
                  "duplicate_acks": sum(1 for a in every if a["dup"])},
        "lost": final["lost"], "duplicated": final["duplicated"], "mismatched": final["mismatched"], "gaps": final["gaps"],
        "last_seq_mismatch": final["last_seq_mismatch"], "conflicting_acks": final["conflicting_acks"],
        "never_acknowledged": len(never_acked), "never_acknowledged_samples": unacked[:10] or never_acked[:10],
        "integrity_final": final["integrity"],
        "in_flight_at_kills": {key: sum(r.get("in_flight", {}).get(key, 0) for r in kills)
                               for key in ("messages", "acked_by_the_dying_server", "committed_before_kill",
                                           "stored_after_restart", "never_acked")}
                              | {"kills_with_messages_in_flight": sum(1 for r in kills if r.get("in_flight", {}).get("messages")),
                                 "kills_with_ack_lost": sum(1 for r in kills if r.get("in_flight", {}).get("committed_before_kill")),
                                 "crashes_with_messages_in_flight": sum(1 for r in crashes if r.get("in_flight", {}).get("messages")),
                                 "kills_by_mode": dict(collections.Counter(r.get("mode") for r in kills))},
        "integrity_after_kills": dict(collections.Counter(c["integrity"] for c in per_kill_checks)),
        "per_kill_check_failures": sum(1 for r in kills if r.get("check_failed")),
        "restart": {"exec_to_ready": seconds(exec_to_ready), "kill_to_ready": seconds(kill_to_ready),
                    "ready_to_all_sockets": seconds([r["ready_to_all_sockets_s"] for r in kills if "ready_to_all_sockets_s" in r]),
                    "kill_to_first_ack": seconds([r["kill_to_first_ack_s"] for r in kills if "kill_to_first_ack_s" in r]),
                    "over_5s": over_target},
        "unplanned_crashes": len(crashes),
        "crash_log": [{k: v for k, v in r.items() if k not in ("exec_at", "killed_at", "ready_before", "noticed_at")}
                      for r in crashes],
        "final_check": final, "rest_check": rest, "graceful_stop_at_end": graceful,
        "client": {k: outcome.get(k) for k in ("errors", "error_samples", "client_stats", "agent_resume_gaps", "client_bugs",
                                               "stopped")} | {"counts": counts},
        "messages_in_database": final["messages_stored"],
        "database_bytes": sum(f.stat().st_size for f in database.files()) if database.kind == "sqlite" else None,
        "server_log_excerpt": log_excerpt(log_text),
        "kill_log": [{k: v for k, v in r.items() if k not in ("exec_at", "killed_at")} for r in kills],
        "failures": failures,
    }
    name = f"crash_safety-{args.database}-{len(kills)}kills-{stamp}.json"
    (out / name).write_text(json.dumps(result, ensure_ascii=False, indent=1))
    if args.keep_log:
        shutil.copy(server.log_path, args.keep_log)
    if failures and evidence is None and database.kind == "sqlite":
        evidence = out / f"crash_safety-evidence-{stamp}"
    if evidence is not None:
        evidence.mkdir(parents=True, exist_ok=True)
        shutil.copy(server.log_path, evidence / "server.log")
        shutil.copy(ack_log, evidence / "acks.jsonl")
        for f in database.files():
            shutil.copy(f, evidence / f.name)

    r = result["restart"]
    print()
    print(f"kills: {len(kills)} of {args.kills}; sent {result['sent']}; acknowledged {result['acked']['messages']} "
          f"(visitor {result['acked']['visitor']}, agent {result['acked']['agent']}; {result['acked']['duplicate_acks']} "
          f"acks said duplicate: stored before the kill, ack lost, resent)")
    print(f"lost {final['lost']}, duplicated {final['duplicated']}, mismatched {final['mismatched']}, gaps {final['gaps']}, "
          f"last_seq≠count {final['last_seq_mismatch']}, never acknowledged {len(never_acked)}")
    f = result["in_flight_at_kills"]
    print(f"kills {f['kills_by_mode']}; in flight at the kills: {f['messages']} messages over {f['kills_with_messages_in_flight']} "
          f"kills: {f['acked_by_the_dying_server']} acked by the dying server, {f['committed_before_kill']} committed but "
          f"the ack lost (the resend was answered duplicate; {f['kills_with_ack_lost']} kills), "
          f"{f['stored_after_restart']} stored after the restart, {f['never_acked']} never acked")
    print(f"integrity: final {final['integrity']}, after each kill {result['integrity_after_kills']}; "
          f"per-kill check failures {result['per_kill_check_failures']}")
    for key in ("exec_to_ready", "kill_to_ready", "ready_to_all_sockets", "kill_to_first_ack"):
        v = r[key]
        if v.get("count"):
            print(f"{key.replace('_', ' ')}: p50 {v['p50_s']:.2f} s, p95 {v['p95_s']:.2f} s, max {v['max_s']:.2f} s")
    print(f"over {READY_TARGET_S:.0f} s (kill → ready): {over_target or 'none'}")
    print(f"unplanned crashes (the server dying on its own): {len(crashes)}"
          + "".join(f"\n  after kill {c['after_kill']}: exit {c['exit_code']} ({c['signal']}), noticed "
                    f"{c['noticed_s_after_ready']} s after ready; before it {c['acks_before_crash']['acks']} acks, "
                    f"{c['acks_before_crash']['duplicate']} of them duplicate; log: {' | '.join(c['log'][:3])}" for c in crashes))
    if rest:
        print(f"REST: {rest.get('messages', '?')} messages in {rest.get('conversations', '?')} conversations, "
              f"differences {len(rest.get('differences', [])) if 'differences' in rest else rest}")
    print(f"graceful stop at the end: {graceful}")
    print(f"written to bench/results/{name}" + (f"; evidence in {evidence.relative_to(REPO)}" if evidence else ""))
    if failures:
        print("FAILED:", *failures, sep="\n  ")

    if failures:
        return 1
    return 2 if over_target else 0


if __name__ == "__main__":
    sys.exit(main())
