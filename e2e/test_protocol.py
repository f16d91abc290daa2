"""The live-chat protocol (docs/protocol.md) against the real ``kefu`` binary, with the
reference client (e2e/kefu_client.py).

Each test starts its own ``kefu serve`` (the demo shop, copied from a template made once with
``kefu demo``), so rate limits and connections never leak between tests.

- resend with the same clientMessageId: one stored message, the original ack, ``duplicate``.
- sockets dropped every few seconds under load: 5 shoppers × 100 messages, 8号 answering every
  tenth, while a chaos task aborts random TCP connections (visitors and the agent); every
  acknowledged message is stored exactly once, seqs are 1..n, and both sides got every message
  in order after their resumes.
- pipelined frames: 300 ``message.send`` written at once are each answered (ack or error).
- slow consumer: an agent socket that never reads is disconnected with 4008 while shoppers flood
  its inbox; the shoppers keep getting acks, the server's memory stays bounded, and the server
  lets go of the dead connection.
- SIGTERM: exit 0 within 5 s, clients see 1001, a restarted server lets them resume and resend
  with nothing lost; also with one client that never answers the close handshake.
- two instances on one PostgreSQL: shopper on A, agent on B, live both ways (typing too);
  SIGKILL A while the shopper sends, reconnect to B: nothing acknowledged is lost.
  Skipped when there is no PostgreSQL (``KEFU_E2E_POSTGRES_URL`` or scripts/postgres.sh).

No timing assertions beyond the contract's own bounds (the 5 s of SIGTERM); waits are for
conditions, with generous limits for a 2-core CI machine running a debug build.
"""

from __future__ import annotations

import asyncio
import base64
import collections
import json
import os
import random
import shutil
import socket
import struct
import subprocess
import time
import uuid

import pytest

from kefu_client import AgentClient, VisitorClient, norm
from kefu_process import (DEMO_AGENT, DEMO_INBOX, DEMO_OWNER, DEMO_PASSWORD, KefuProcess, copy_database, demo_database,
                          find_binary, kefu_env, postgres_server, reset_postgres, server_tcp_state)


def run(coro, timeout: float = 240):
    """Runs one async scenario with an overall limit, so a hang fails instead of blocking CI."""
    return asyncio.run(asyncio.wait_for(coro, timeout))


# ---------------------------------------------------------------------------- fixtures

@pytest.fixture(scope="session")
def kefu_binary():
    binary = find_binary()
    if not binary.exists():
        pytest.fail(f"kefu binary not found at {binary}; build it (swift build) or set KEFU_BIN")
    return binary


@pytest.fixture(scope="session")
def demo_template(kefu_binary, tmp_path_factory):
    return demo_database(kefu_binary, tmp_path_factory.mktemp("kefu-demo-template"))


def _start_server(binary, template, folder, name: str = "kefu", **options) -> KefuProcess:
    db = copy_database(template, folder / f"{name}.sqlite")
    return KefuProcess(binary, folder, f"sqlite://{db}", name=name, **options).start()


@pytest.fixture
def server(kefu_binary, demo_template, tmp_path):
    """A fresh SQLite server with the demo shop, for one test."""
    process = _start_server(kefu_binary, demo_template, tmp_path)
    manual_routing(process.url)
    yield process
    process.kill()


def manual_routing(url: str, name: str = DEMO_INBOX) -> None:
    """These tests count every stored message against the acknowledgements, so the inbox
    assigns nobody and sends no automatic replies (test_routing.py covers those)."""
    owner = AgentClient.login(url, "owner@demo.kefu.local", DEMO_PASSWORD, name="owner")
    inbox = next(i for i in owner.inboxes() if i["name"] == name)
    off = {locale: "" for locale in ("zh-CN", "zh-TW", "en", "ko")}
    owner.request("PUT", f"/api/v1/inboxes/{inbox['id']}/settings",
                  json={"routing": "manual", "greeting": off, "queuedGreeting": off, "awayReply": off, "closedReply": off})


def inbox_key(agent: AgentClient, name: str = DEMO_INBOX) -> str:
    return next(i["widgetKey"] for i in agent.inboxes() if i["name"] == name)


def check_stored(agent: AgentClient, conversation_id: str, acks: list[dict], label: str) -> list[dict]:
    """Every acknowledged message is stored exactly once, with the acknowledged id and seq;
    seqs are 1..n without gaps. Returns the stored messages."""
    stored = agent.all_messages(conversation_id)
    seqs = [m["seq"] for m in stored]
    assert seqs == list(range(1, len(stored) + 1)), f"{label}: seqs not 1..n: {seqs}"
    by_cmid = collections.defaultdict(list)
    for m in stored:
        if m.get("clientMessageId"):
            by_cmid[norm(m["clientMessageId"])].append(m)
    for ack in acks:
        found = by_cmid.get(norm(ack["clientMessageId"]), [])
        assert len(found) == 1, f"{label}: acknowledged {ack['clientMessageId']} stored {len(found)} times"
        assert norm(found[0]["id"]) == norm(ack["messageId"]) and found[0]["seq"] == ack["seq"], \
            f"{label}: ack {ack} does not match stored {found[0]}"
    duplicated = {k: [m["seq"] for m in v] for k, v in by_cmid.items() if len(v) > 1}
    assert not duplicated, f"{label}: client message ids stored more than once: {duplicated}"
    return stored


def check_client(client, conversation_id: str, expected: list[int], label: str) -> None:
    """The client handed over exactly ``expected`` seqs, in order, and saw nothing amiss."""
    conv = norm(conversation_id)
    got = client.delivered_log[conv]
    assert got == expected, (f"{label}: delivered {len(got)} messages {got[:12]}…{got[-5:]}, expected {len(expected)} "
                             f"{expected[:12]}…{expected[-5:]}")
    assert not client.missing, f"{label}: a resume ended past seqs never sent: {dict(client.missing)}"
    assert client.stats["out_of_order_live"] == 0, f"{label}: live frames out of order ({client.stats})"
    assert not client.errors, f"{label}: client failures {client.errors!r}"


async def check_conversation(agent: AgentClient, visitor: VisitorClient, conversation_id: str, acks: list[dict],
                             label: str) -> list[dict]:
    """The store holds every acknowledged message once and nothing unacknowledged (besides system
    events and automatic replies); the agent got every seq in order, the shopper every seq of its view in order."""
    stored = await asyncio.to_thread(check_stored, agent, conversation_id, acks, label)
    written = [m for m in stored if m["senderType"] not in ("system", "bot")]   # bots' messages have no ack
    assert len(written) == len(acks), f"{label}: {len(written)} messages stored, {len(acks)} acknowledged"
    n = len(stored)
    await agent.wait_delivered(conversation_id, n, timeout=60)
    check_client(agent, conversation_id, list(range(1, n + 1)), f"agent, {label}")
    view = [m["seq"] for m in await asyncio.to_thread(visitor.all_history, conversation_id)]
    await visitor.wait_delivered(conversation_id, view[-1], timeout=60)
    check_client(visitor, conversation_id, view, label)
    return stored


# ---------------------------------------------------------------------------- idempotency

def test_resend_with_same_client_message_id_is_stored_once(server):
    async def scenario():
        agent = AgentClient.login(server.url, DEMO_AGENT, DEMO_PASSWORD, name="8号")
        visitor = VisitorClient.start(server.url, inbox_key(agent), name="shopper")
        await agent.connect()
        hello = await visitor.connect()
        assert hello["role"] == "visitor" and hello["lastSeq"] == 0
        first = await visitor.send_message("第一条")
        assert first["seq"] == 1 and first["duplicate"] is False
        again = await visitor.send_message("第一条", client_message_id=first["clientMessageId"])
        assert again["duplicate"] is True
        assert (norm(again["messageId"]), again["seq"]) == (norm(first["messageId"]), first["seq"])
        # The agent's resend of its own reply, also over REST.
        reply = await agent.send_message("您好", conversation_id=first["conversationId"])
        again = await agent.send_message("您好", conversation_id=first["conversationId"],
                                         client_message_id=reply["clientMessageId"])
        assert again["duplicate"] is True and again["seq"] == reply["seq"] == 2
        rest = await asyncio.to_thread(agent.post_message, first["conversationId"], "您好",
                                       client_message_id=reply["clientMessageId"])
        assert norm(rest["id"]) == norm(reply["messageId"])
        stored = await asyncio.to_thread(check_stored, agent, first["conversationId"], [first, reply], "idempotency")
        assert len(stored) == 2
        await visitor.wait_delivered(first["conversationId"], 2)
        await agent.wait_delivered(first["conversationId"], 2)
        await visitor.close()
        await agent.close()

    run(scenario(), 120)


# ---------------------------------------------------------------------------- dropped sockets

VISITORS = 5
PER_VISITOR = 100
REPLY_EVERY = 10


def test_sockets_dropped_under_load(server):
    async def scenario():
        rnd = random.Random(20261122)
        agent = AgentClient.login(server.url, DEMO_AGENT, DEMO_PASSWORD, name="8号")
        key = inbox_key(agent)
        visitors = [VisitorClient.start(server.url, key, name=f"shopper {i}") for i in range(VISITORS)]
        await agent.connect()
        for v in visitors:
            await v.connect()
        acks: dict[int, list[dict]] = {i: [] for i in range(VISITORS)}
        replies: dict[int, list[asyncio.Future]] = {i: [] for i in range(VISITORS)}
        finished = asyncio.Event()
        enough_chaos = asyncio.Event()
        kills = collections.Counter()

        async def shopper(i: int, v: VisitorClient):
            for n in range(PER_VISITOR):
                if n == PER_VISITOR - 1:
                    await asyncio.wait_for(enough_chaos.wait(), 120)  # a fast machine must not outrun the chaos
                ack = await v.send_message(f"shopper {i} message {n} 你好", timeout=90)
                acks[i].append(ack)
                if n % REPLY_EVERY == REPLY_EVERY - 1:
                    replies[i].append(agent.send_message_nowait(f"8号 answers {i}/{n} 好的",
                                                                conversation_id=ack["conversationId"]))

        async def chaos():
            # Rounds over every socket in a random order with random gaps: each one is cut
            # every couple of seconds, at moments unrelated to what it is doing.
            sockets = [*visitors, agent]
            while not finished.is_set():
                if sum(kills.values()) >= 3 * len(sockets):
                    enough_chaos.set()
                rnd.shuffle(sockets)
                for target in sockets:
                    await asyncio.sleep(rnd.uniform(0.05, 0.5))
                    if finished.is_set():
                        return
                    if target.connected:
                        target.kill()
                        kills[target.name] += 1

        chaos_task = asyncio.create_task(chaos())
        try:
            await asyncio.gather(*(shopper(i, v) for i, v in enumerate(visitors)))
            reply_acks = {i: [await asyncio.wait_for(f, 90) for f in fs] for i, fs in replies.items()}
        finally:
            finished.set()
            await chaos_task

        total = sum(kills.values())
        reconnects = sum(c.stats["reconnects"] for c in [*visitors, agent])
        print(f"\nkills {dict(kills)} (total {total}); reconnects {reconnects}; "
              f"resends {sum(c.stats['resends'] for c in [*visitors, agent])}; "
              f"duplicate acks {sum(c.stats['duplicate_acks'] for c in [*visitors, agent])}; "
              f"agent gap resumes {agent.stats['gap_resumes']}; rate-limit retries {sum(v.stats['rate_limit_retries'] for v in visitors)}")
        assert len(kills) == len(visitors) + 1 and min(kills.values()) >= 2 and reconnects >= total - 1, \
            "the chaos task should have dropped every socket, repeatedly"

        for i, v in enumerate(visitors):
            conversation = acks[i][0]["conversationId"]
            assert {norm(a["conversationId"]) for a in acks[i] + reply_acks[i]} == {norm(conversation)}
            stored = await check_conversation(agent, v, conversation, acks[i] + reply_acks[i], v.name)
            texts = [m["text"] for m in stored if m["senderType"] == "visitor"]
            assert sorted(texts) == sorted(f"shopper {i} message {n} 你好" for n in range(PER_VISITOR))
        for c in [*visitors, agent]:
            await c.close()

    run(scenario(), 300)


# ---------------------------------------------------------------------------- pipelined frames

def test_every_pipelined_frame_is_answered(server):
    """300 message.send written at once, faster than the server reads them: each gets an
    answer (an ack, or a rate_limited error naming it); none is dropped without a word."""
    async def scenario():
        from websockets.asyncio.client import connect

        agent = AgentClient.login(server.url, DEMO_AGENT, DEMO_PASSWORD)
        visitor = VisitorClient.start(server.url, inbox_key(agent))
        ws = await connect(visitor.ws_url, proxy=None, compression=None, ping_interval=None)
        assert json.loads(await ws.recv())["type"] == "hello"
        ids = [str(uuid.uuid4()) for _ in range(300)]
        await ws.send(json.dumps({"type": "message.send", "clientMessageId": ids[0], "text": "first"}))
        first = json.loads(await ws.recv())
        while first["type"] != "ack":
            first = json.loads(await ws.recv())
        conversation = first["conversationId"]
        for cmid in ids[1:]:
            await ws.send(json.dumps({"type": "message.send", "clientMessageId": cmid, "conversationId": conversation,
                                      "text": "pipelined"}))
        answered: dict[str, str] = {norm(ids[0]): "ack"}
        deadline = time.monotonic() + 60
        while len(answered) < len(ids) and time.monotonic() < deadline:
            try:
                frame = json.loads(await asyncio.wait_for(ws.recv(), 5))
            except asyncio.TimeoutError:
                break  # silence: whatever is unanswered now stays unanswered
            if frame["type"] == "ack":
                answered[norm(frame["clientMessageId"])] = "ack"
            elif frame["type"] == "error":
                answered[norm(frame.get("ref"))] = frame["code"]
        await ws.close()
        outcome = collections.Counter(answered.values())
        missing = [cmid for cmid in ids if norm(cmid) not in answered]
        assert not missing, (f"{len(missing)} of {len(ids)} pipelined message.send frames got no answer at all "
                             f"(answers: {dict(outcome)}); the server dropped them silently")
        stored = await asyncio.to_thread(agent.all_messages, conversation)
        assert len(stored) == outcome["ack"]

    run(scenario(), 120)


# ---------------------------------------------------------------------------- slow consumer

SLOW_TEXT = "慢" * 4900   # ≈ 14.7 KB of UTF-8 per message frame
FLOOD_VISITORS = 16


def _slow_agent_socket(server: KefuProcess, agent: AgentClient) -> socket.socket:
    """An agent WebSocket opened by hand on a socket with a 4 KiB receive buffer that is never read."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(10)
    sock.connect(("127.0.0.1", server.port))
    key = base64.b64encode(os.urandom(16)).decode()
    cookie = "; ".join(f"{c.name}={c.value}" for c in agent.http.cookies)
    sock.sendall((f"GET /api/v1/agent/ws HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\nUpgrade: websocket\r\n"
                  f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n"
                  f"Cookie: {cookie}\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:  # byte by byte: nothing after the headers is read
        chunk = sock.recv(1)
        assert chunk, "connection closed during the handshake"
        head += chunk
    assert head.startswith(b"HTTP/1.1 101"), head.decode(errors="replace")
    return sock


def _read_frames(sock: socket.socket, idle: float = 5.0) -> tuple[list[str], int | None, bool]:
    """Reads everything the server sent: (text frames, close code or None, whether TCP ended)."""
    sock.settimeout(idle)
    data = bytearray()
    eof = False
    while True:
        try:
            chunk = sock.recv(1 << 20)
        except socket.timeout:
            break
        except ConnectionResetError:
            eof = True
            break
        if not chunk:
            eof = True
            break
        data += chunk
    texts, close_code, i = [], None, 0
    while i + 2 <= len(data):
        opcode, length = data[i] & 0x0F, data[i + 1] & 0x7F
        i += 2
        if length == 126:
            length = struct.unpack(">H", data[i:i + 2])[0]
            i += 2
        elif length == 127:
            length = struct.unpack(">Q", data[i:i + 8])[0]
            i += 8
        if i + length > len(data):
            break  # the read stopped inside this frame
        payload = bytes(data[i:i + length])
        i += length
        if opcode == 0x1:
            texts.append(payload.decode())
        elif opcode == 0x8 and len(payload) >= 2:
            close_code = struct.unpack(">H", payload[:2])[0]
    return texts, close_code, eof


@pytest.fixture(scope="module")
def slow_consumer_run(kefu_binary, demo_template, tmp_path_factory):
    """The scenario, once, on a server of its own; its findings are checked by the two tests below."""
    server = _start_server(kefu_binary, demo_template, tmp_path_factory.mktemp("kefu-slow"))
    manual_routing(server.url)
    try:
        yield run(_slow_consumer(server), 420)
    finally:
        server.kill()


async def _slow_consumer(server: KefuProcess) -> dict:
    agent = AgentClient.login(server.url, DEMO_AGENT, DEMO_PASSWORD)
    key = inbox_key(agent)
    slow = _slow_agent_socket(server, agent)
    client_port = slow.getsockname()[1]
    visitors = [VisitorClient.start(server.url, key, name=f"flooder {i}", keep_frames=False, keep_messages=False)
                for i in range(FLOOD_VISITORS)]
    for v in visitors:
        await v.connect()
    acks: list[dict] = []
    acks.append(await visitors[0].send_message("warm-up"))   # the first message of a conversation does some one-off work
    rss_start = server.rss_kib()

    def disconnected() -> bool:
        return "disconnecting a slow consumer" in server.log_text()

    async def flood(v: VisitorClient, count: int | None, stop):
        sent = 0
        while (count is None or sent < count) and not stop():
            acks.append(await v.send_message(f"{SLOW_TEXT} {v.name} {sent}", timeout=120))
            sent += 1
        return sent

    # Phase 1: flood until the server gives up on the slow socket (bounded: 2,400 messages ≈ 35 MB).
    phase1 = sum(await asyncio.gather(*(flood(v, 150, disconnected) for v in visitors)))
    assert disconnected(), f"no slow-consumer disconnect after {phase1} messages of ≈15 KB:\n{server.log_tail()}"
    rss_disconnect = server.rss_kib()
    # Phase 2: as much again; none of it may pile up for the dead socket.
    per = max(1, phase1 // FLOOD_VISITORS)
    phase2 = sum(await asyncio.gather(*(flood(v, per, lambda: False) for v in visitors)))
    rss_end = server.rss_kib()
    # Without reading anything: does the server let go of the connection?
    deadline = time.monotonic() + 15
    state = server_tcp_state(server.port, client_port)
    while state[0] == "ESTABLISHED" and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
        state = server_tcp_state(server.port, client_port)
    texts, close_code, eof = await asyncio.to_thread(_read_frames, slow)
    slow.close()
    # The agent comes back on a fresh socket and resumes one conversation in full.
    fresh = AgentClient.login(server.url, DEMO_AGENT, DEMO_PASSWORD, name="8号 again")
    await fresh.connect()
    conversation = visitors[1].conversation_id
    resumed = await fresh.resume(conversation, 0, timeout=60)
    n = len([a for a in acks if norm(a["conversationId"]) == conversation])
    stats = {"phase1": phase1, "phase2": phase2, "rss_start": rss_start, "rss_disconnect": rss_disconnect,
             "rss_end": rss_end, "tcp_state_after_15s": state, "close_code": close_code, "eof": eof,
             "text_frames_read": len(texts), "last_text": texts[-1] if texts else None,
             "acks": len(acks), "resumed": resumed, "resumed_n": n,
             "fresh_delivered": fresh.delivered_log[conversation], "visitor_errors": [v.errors for v in visitors]}
    for v in [*visitors, fresh]:
        await v.close()
    print("\nslow consumer:", {k: v for k, v in stats.items() if k not in ("fresh_delivered", "last_text")})
    return stats


def test_slow_consumer_is_disconnected(slow_consumer_run):
    s = slow_consumer_run
    # The client read nothing until the server had let go of the connection (see the next
    # test): the 4008 close and the `slow_consumer` error sit behind megabytes of backlog, so
    # they arrive only if the client reads in time; otherwise the server drops the connection.
    if s["close_code"] is not None:
        assert s["close_code"] == 4008, f"expected close code 4008 for the slow socket, got {s['close_code']}"
        assert s["last_text"] and json.loads(s["last_text"]).get("code") == "slow_consumer", s["last_text"]
    else:
        assert s["eof"], "the slow socket was neither closed with 4008 nor dropped"
    assert s["acks"] == s["phase1"] + s["phase2"] + 1, "every flooding message was acknowledged"
    assert not any(s["visitor_errors"])
    # The flood is ≈15 KB × (phase1 + phase2) messages; at most 256 frames / 4 MiB may wait
    # for one client. Memory may move by allocator noise, not by what the dead socket missed.
    phase2_kib = s["phase2"] * 15
    growth = s["rss_end"] - s["rss_disconnect"]
    assert growth < max(24 * 1024, phase2_kib // 2), \
        f"RSS grew {growth} KiB while {phase2_kib} KiB more were sent past the disconnected consumer ({s})"
    total_growth = s["rss_end"] - s["rss_start"]
    assert total_growth < 96 * 1024, f"RSS grew {total_growth} KiB over the whole flood ({s})"
    assert s["resumed"]["toSeq"] == s["resumed_n"]
    assert s["fresh_delivered"] == list(range(1, s["resumed_n"] + 1))


def test_slow_consumer_connection_is_released(slow_consumer_run):
    """After deciding to disconnect a client that does not read, the server must actually let go
    of the TCP connection (and the up to 4 MiB queued for it), not wait forever for a close
    handshake that client will never answer."""
    state, queued = slow_consumer_run["tcp_state_after_15s"]
    assert state != "ESTABLISHED", (
        f"At least 15 s after the 4008 decision the server still holds the slow consumer's connection "
        f"(ESTABLISHED, {queued} bytes in the kernel send queue): its buffers are never freed")


# ---------------------------------------------------------------------------- SIGTERM

def test_sigterm_closes_sockets_going_away_and_resume_after_restart(server):
    async def scenario():
        agent = AgentClient.login(server.url, DEMO_AGENT, DEMO_PASSWORD, name="8号")
        key = inbox_key(agent)
        visitors = [VisitorClient.start(server.url, key, name=f"shopper {i}") for i in range(3)]
        await agent.connect()
        for v in visitors:
            await v.connect()
        acks: dict[int, list[dict]] = {i: [] for i in range(len(visitors))}
        per = 40

        async def shopper(i: int, v: VisitorClient):
            for n in range(per):
                acks[i].append(await v.send_message(f"shopper {i} says {n}", timeout=120))

        tasks = [asyncio.create_task(shopper(i, v)) for i, v in enumerate(visitors)]
        await agent.wait_until(lambda: all(len(a) >= 10 for a in acks.values()), 60, message="10 acks each")
        code, seconds = await asyncio.to_thread(server.terminate, 30)
        print(f"\nkefu serve exited with {code} {seconds:.2f} s after SIGTERM")
        # The shutdown is judged after the restart, so a bad exit still shows whether anything was lost.
        shutdown_problems = []
        if code != 0:
            crash = [line for line in server.log_text().splitlines() if "Fatal error" in line or "crashed" in line
                     or " at /" in line and "KefuServer" in line]
            shutdown_problems.append(f"exit code {code} after SIGTERM; log: {crash[:6]}")
        if seconds > 5:
            shutdown_problems.append(f"took {seconds:.1f} s to exit after SIGTERM")
        for c in [*visitors, agent]:
            await c.wait_until(lambda c=c: c.close_codes, 10, message="socket closed")
            assert c.close_codes[0] == 1001, f"{c.name}: closed with {c.close_codes[0]}, expected 1001 going away"
        acked_before = {i: len(a) for i, a in acks.items()}
        await asyncio.to_thread(server.start)
        await asyncio.gather(*tasks)
        print(f"acked before the restart {acked_before}; resends {[v.stats['resends'] for v in visitors]}")
        for i, v in enumerate(visitors):
            await check_conversation(agent, v, acks[i][0]["conversationId"], acks[i], v.name)
        for c in [*visitors, agent]:
            await c.close()
        assert not shutdown_problems, "; ".join(shutdown_problems)

    run(scenario(), 240)


def test_sigterm_with_a_client_that_never_answers_the_close(server):
    """A client that stops answering (a frozen tab, a phone that lost its network) must not
    hold up the shutdown: exit 0 within 5 s all the same."""
    async def scenario():
        agent = AgentClient.login(server.url, DEMO_AGENT, DEMO_PASSWORD)
        silent = _slow_agent_socket(server, agent)   # open, never reads, never answers the close frame
        visitor = VisitorClient.start(server.url, inbox_key(agent), auto_reconnect=False)
        await visitor.connect()
        await visitor.send_message("在吗？")
        code, seconds = await asyncio.to_thread(server.terminate, 30)
        silent.close()
        print(f"\nkefu serve exited with {code} {seconds:.2f} s after SIGTERM")
        assert visitor.close_codes == [1001]
        assert code == 0, server.log_tail()
        assert seconds <= 5, (f"took {seconds:.1f} s to exit after SIGTERM with one unresponsive client; "
                              f"log: {server.log_tail(500)!r}")
        await visitor.close()

    run(scenario(), 120)


# ---------------------------------------------------------------------------- two instances

@pytest.fixture(scope="module")
def postgres_url():
    if shutil.which("psql") is None:
        pytest.skip("psql (PostgreSQL client) is not installed")
    with postgres_server() as (url, reason):
        if url is None:
            pytest.skip(reason)
        yield url


def test_two_instances_on_one_postgres(kefu_binary, postgres_url, tmp_path):
    reset_postgres(postgres_url)
    a = KefuProcess(kefu_binary, tmp_path, postgres_url, name="instance-a")
    b = KefuProcess(kefu_binary, tmp_path, postgres_url, name="instance-b")
    a.run("demo")
    a.start()
    b.start()
    manual_routing(a.url)
    try:
        listeners = wait_for_listeners(postgres_url, 2)
        assert listeners == 2, (f"only {listeners} of 2 instances LISTEN on kefu_events (pg_stat_activity), so the "
                                f"others' messages never reach them; logs:\n{a.log_tail(1500)}\n{b.log_tail(1500)}")
        run(_two_instances(a, b), 240)
    finally:
        a.kill()
        b.stop()


def wait_for_listeners(url: str, expected: int, timeout: float = 20) -> int:
    """How many backends LISTEN on Kefu's channel, waiting up to ``timeout`` for ``expected``."""
    deadline = time.monotonic() + timeout
    while True:
        out = subprocess.run(["psql", url, "-Atc", "SELECT count(*) FROM pg_stat_activity WHERE query ILIKE 'LISTEN%kefu_events%'"],
                             capture_output=True, text=True, timeout=30, env=kefu_env())
        count = int(out.stdout.strip() or 0)
        if count >= expected or time.monotonic() > deadline:
            return count
        time.sleep(0.2)


async def _two_instances(a: KefuProcess, b: KefuProcess):
    agent = AgentClient.login(b.url, DEMO_AGENT, DEMO_PASSWORD, name="8号 on B")
    visitor = VisitorClient.start(a.url, inbox_key(agent), name="shopper on A")
    await agent.connect()
    await visitor.connect()

    # Live both ways, in order: the other instance delivers without any resume.
    first = await visitor.send_message("A 上的顾客 1")
    conversation = first["conversationId"]
    sent = [first]
    for n in range(2, 21):
        sent.append(await visitor.send_message(f"A 上的顾客 {n}"))
    conv = norm(conversation)
    try:
        await agent.wait_delivered(conversation, sent[-1]["seq"], timeout=60)
    except asyncio.TimeoutError:
        raise AssertionError(f"the agent on B got seqs {agent.delivered_log[conv]} of the 20 sent on A "
                             f"(stats {dict(agent.stats)})") from None
    texts = [m["text"] for _, m in sorted(agent.received[conv].items()) if m["senderType"] == "visitor"]
    assert texts == [f"A 上的顾客 {n}" for n in range(1, 21)]
    replies = [await agent.send_message(f"B 上的 8号 {n}", conversation_id=conversation) for n in range(1, 11)]
    try:
        await visitor.wait_delivered(conversation, replies[-1]["seq"], timeout=60)
    except asyncio.TimeoutError:
        raise AssertionError(f"the shopper on A got {visitor.delivered_log[conv]} (buffered "
                             f"{sorted(visitor.conversations[conv].buffer)}), stats {dict(visitor.stats)}; "
                             f"B's replies were acknowledged with seqs {[r['seq'] for r in replies]}") from None
    texts = [m["text"] for _, m in sorted(visitor.received[conv].items()) if m["senderType"] == "agent"]
    assert texts == [f"B 上的 8号 {n}" for n in range(1, 11)]
    for client in (agent, visitor):
        assert client.stats["auto_resumes"] == 0, client.stats
    assert agent.stats["gap_resumes"] == 0, f"B's agent had to resume to fill gaps: {agent.stats}"
    await check_conversation(agent, visitor, conversation, sent + replies, "live across instances")

    await agent.typing(conversation, True)
    typing = await visitor.next("typing", timeout=30)
    assert typing["typing"] is True and typing["sender"]["type"] == "agent" and norm(typing["conversationId"]) == norm(conversation)
    await visitor.typing(conversation, True)
    typing = await agent.next("typing", timeout=30, where=lambda f: norm(f["conversationId"]) == norm(conversation))
    assert typing["typing"] is True and typing["sender"]["type"] == "visitor"

    # A keyword rule added on B answers on A at once: A cached the inbox (a minute), B's change
    # reaches it as an `inbox` notice on the bus.
    owner = AgentClient.login(b.url, DEMO_OWNER, DEMO_PASSWORD)
    inbox_id = next(i["id"] for i in owner.inboxes() if i["name"] == DEMO_INBOX)
    owner.request("POST", f"/api/v1/inboxes/{inbox_id}/keyword-rules",
                  json={"keywords": ["跨实例口令"], "reply": "B 上新加的自动回复", "cooldownSeconds": 600})
    keyword_ack = await visitor.send_message("请问跨实例口令是什么")
    reply = await visitor.next("message", timeout=10, where=lambda f: (f["message"].get("payload") or {}).get("type") == "auto.keyword")
    assert reply["message"]["text"] == "B 上新加的自动回复", reply
    sent.append(keyword_ack)

    # SIGKILL instance A while the shopper is sending, then reconnect the shopper to B.
    acks: list[dict] = []

    async def keep_sending():
        for n in range(60):
            acks.append(await visitor.send_message(f"during the crash {n}", timeout=120))

    sender = asyncio.create_task(keep_sending())
    await visitor.wait_until(lambda: len(acks) >= 15, 60, message="15 acks before the crash")
    a.kill()
    visitor.switch_server(b.url)
    await sender
    print(f"\nshopper: reconnects {visitor.stats['reconnects']}, resends {visitor.stats['resends']}, "
          f"duplicate acks {visitor.stats['duplicate_acks']}; agent gap resumes {agent.stats['gap_resumes']}")
    await check_conversation(agent, visitor, conversation, sent + replies + acks, "after instance A was killed")
    await visitor.close()
    await agent.close()
