"""Reference client for Kefu's live-chat protocol (``docs/protocol.md``).

Two clients share one engine, :class:`ChatClient`:

- :class:`VisitorClient` — a shopper: ``POST /api/v1/widget/sessions`` with an inbox key
  gives a visitor token; the socket is ``/api/v1/widget/ws?token=…``.
- :class:`AgentClient` — a member of a shop, signed in with e-mail and password (session
  cookie + CSRF token) or with a bearer API token; the socket is ``/api/v1/agent/ws``.
  It also has small (blocking) REST helpers for conversations and messages.

What the engine does for you:

- ``send_message(...)`` sends ``message.send`` with a fresh (or given) ``clientMessageId`` and
  waits for the matching ``ack`` (UUIDs are compared case-insensitively). The sender's own
  ``message`` frame may arrive before the ``ack``; both are handled.
- ``rate_limited`` answers are retried with the same ``clientMessageId`` after a short pause, and
  a message without any answer for ``resend_after`` seconds on a live socket is sent again
  (``stats["timeout_resends"]``).
- The highest ``seq`` seen per conversation is tracked (``last_seq``), and messages are handed
  to the application in ``seq`` order (``delivered_log``, ``received``, ``on_message``): early
  arrivals wait in a reorder buffer, duplicates are dropped, and a gap that is not explained by
  a resume in flight triggers a ``resume`` (``stats["gap_resumes"]``). Visitors never see private
  notes or agent-only system events, so for them ``resumed.toSeq`` closes the gaps those leave;
  agents see every seq, so a ``resumed`` past a seq they never got is recorded in ``missing``.
- ``kill()`` drops the TCP connection abruptly (a network failure); ``switch_server(url)`` moves
  the client to another instance.
- When the socket drops (or the server closes it: 1001 going away, 4008 slow consumer), the
  client reconnects with back-off (not after 1008 policy or a 401/403 answer: then pending sends
  fail and ``stopped`` says why), sends ``resume`` for every conversation it knows with the
  last contiguous ``seq``, then resends every unacknowledged message with the same
  ``clientMessageId`` — the server answers those with the original ``ack``
  (``"duplicate": true``) when it had already stored them.
- Every frame received is kept in an inbox (bounded) that ``next(type, timeout)`` takes from.
  The client adds local pseudo-frames ``{"type": "connection.closed", "code", "reason"}`` and
  ``{"type": "connection.opened", "epoch"}`` so tests can wait for them.

Everything runs on one asyncio loop; the REST helpers use ``requests`` and block, so call
them before the loop work or through ``asyncio.to_thread``. Traffic goes only where
``base_url`` points (tests and benchmarks use 127.0.0.1); proxies from the environment are
ignored. ``source_address`` binds the client's side of every connection (e.g. another
loopback address such as 127.0.0.7, to stand for a different shopper address).

Example::

    agent = AgentClient.login("http://127.0.0.1:8080", "mei@demo.kefu.local", "kefu-demo-2026")
    visitor = VisitorClient.start("http://127.0.0.1:8080", inbox_key)
    await agent.connect(); await visitor.connect()
    ack = await visitor.send_message("你好")
    frame = await agent.next("message", where=lambda f: f["message"]["seq"] == ack["seq"])
    await agent.send_message("您好，请问有什么可以帮您？", conversation_id=ack["conversationId"])
    await visitor.close(); await agent.close()

Requires ``pip install websockets requests`` (websockets ≥ 13, the asyncio implementation).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import random
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable
from urllib.parse import quote

import requests
from requests.adapters import HTTPAdapter
from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

__all__ = ["ChatClient", "VisitorClient", "AgentClient", "KefuError", "AckTimeout", "ClientClosed", "norm", "new_id"]

DEFAULT_ACK_TIMEOUT = 30.0


def norm(value: Any) -> str | None:
    """A UUID (or id string) in the one spelling the client compares: lower case."""
    return None if value is None else str(value).lower()


def new_id() -> str:
    return str(uuid.uuid4())


class KefuError(Exception):
    """The server answered a frame (or a request) with an error."""

    def __init__(self, code: str, message: str = "", frame: dict | None = None, status: int | None = None):
        super().__init__(f"{code}: {message}" if message else code)
        self.code = code
        self.message = message
        self.frame = frame
        self.status = status


class AckTimeout(KefuError, TimeoutError):
    """No ``ack`` within the timeout. The message stays pending and is resent after a reconnect."""

    def __init__(self, client_message_id: str, timeout: float):
        super().__init__("ack_timeout", f"no ack for {client_message_id} within {timeout}s")
        self.client_message_id = client_message_id


class ClientClosed(KefuError):
    def __init__(self, message: str = "the client was closed"):
        super().__init__("client_closed", message)


@dataclass
class PendingMessage:
    """A ``message.send`` not yet acknowledged."""

    client_message_id: str
    frame: dict
    future: asyncio.Future
    created: float
    sends: int = 0              # how often it went out (first send + resends)
    sent_epoch: int | None = None  # connection it was last sent on
    rate_limited: int = 0
    first_sent: float | None = None
    retry_pending: bool = False    # the next send is a rate-limit or timeout retry, not a reconnect resend


@dataclass
class ConversationState:
    """What the client knows of one conversation."""

    delivered: int = 0                                  # highest seq handed over in order
    buffer: dict = field(default_factory=dict)          # seq → message that arrived early
    resuming: int = 0                                   # resumes in flight
    last_epoch_seq: tuple = (0, 0)                      # (epoch, seq) of the last arrival


def _session(source_address: str | None) -> requests.Session:
    s = requests.Session()
    s.trust_env = False  # never route through a proxy from the environment
    if source_address:
        class _Bound(HTTPAdapter):
            def init_poolmanager(self, *args, **kwargs):
                kwargs["source_address"] = (source_address, 0)
                super().init_poolmanager(*args, **kwargs)
        s.mount("http://", _Bound())
        s.mount("https://", _Bound())
    return s


def _raise_for(response: requests.Response) -> None:
    if response.status_code >= 400:
        try:
            err = response.json().get("error", {})
        except ValueError:
            err = {}
        raise KefuError(err.get("code", f"http_{response.status_code}"),
                        err.get("message", response.text[:300]), status=response.status_code)


class ChatClient:
    """The protocol engine shared by visitors and agents. Use a subclass."""

    ws_path = ""

    def __init__(self, base_url: str, *, ack_timeout: float = DEFAULT_ACK_TIMEOUT, auto_reconnect: bool = True,
                 reconnect_delay: float = 0.1, max_reconnect_delay: float = 2.0, retry_rate_limited: bool = True,
                 auto_fill_gaps: bool = True, keep_frames: bool = True, max_frames: int = 100_000,
                 keep_messages: bool = True, source_address: str | None = None, name: str | None = None,
                 connect_options: dict | None = None, resend_after: float | None = 10.0):
        self.base_url = base_url.rstrip("/")
        self.resend_after = resend_after
        self.ack_timeout = ack_timeout
        self.auto_reconnect = auto_reconnect
        self.reconnect_delay = reconnect_delay
        self.max_reconnect_delay = max_reconnect_delay
        self.retry_rate_limited = retry_rate_limited
        self.auto_fill_gaps = auto_fill_gaps
        self.keep_frames = keep_frames
        self.keep_messages = keep_messages
        self.source_address = source_address
        self.name = name or type(self).__name__
        self.connect_options = dict(connect_options or {})

        self.ws = None
        self.hello: dict | None = None
        self.epoch = 0                          # increases with every successful connection
        self.last_seq: dict[str, int] = {}      # conversation → highest seq seen (ack or message)
        self.conversations: dict[str, ConversationState] = {}
        self.delivered_log: dict[str, list[int]] = collections.defaultdict(list)
        self.received: dict[str, dict[int, dict]] = collections.defaultdict(dict)
        self.arrivals: dict[str, list[tuple[int, int]]] = collections.defaultdict(list)  # (epoch, seq) as they came
        self.acks: dict[str, dict] = {}         # clientMessageId → ack
        self.pending: "collections.OrderedDict[str, PendingMessage]" = collections.OrderedDict()
        self.close_codes: list[int | None] = []
        self.stats: collections.Counter = collections.Counter()
        self.on_frame: list[Callable[[dict], None]] = []     # every frame, on arrival
        self.on_message: list[Callable[[str, dict], None]] = []  # (conversationId, Message), in seq order

        self._frames: collections.deque = collections.deque(maxlen=max_frames)
        self._frame_waiters: list[asyncio.Future] = []
        self.sees_private = False               # agents see private notes, visitors do not
        self.missing: dict[str, list[int]] = collections.defaultdict(list)  # seqs a resume did not replay
        self.errors: list[BaseException] = []   # unexpected client-side failures (bugs), kept for tests
        self.stopped: KefuError | None = None    # why the client gave up reconnecting (1008, 401/403)
        self._resume_waiters: dict[str, list[asyncio.Future]] = collections.defaultdict(list)
        self._resume_fifo: collections.deque = collections.deque()   # conversations of resumes sent on this socket
        self._pong_waiters: collections.deque = collections.deque()
        self._send_lock: asyncio.Lock | None = None
        self._connected: asyncio.Event | None = None
        self._supervisor: asyncio.Task | None = None
        self._closing = False
        self._first_connect: asyncio.Future | None = None
        self._timers: set = set()

    # ------------------------------------------------------------------ connection

    @property
    def ws_url(self) -> str:
        base = self.base_url.replace("https://", "wss://", 1).replace("http://", "ws://", 1)
        return base + self.ws_path

    def ws_headers(self) -> dict:
        return {}

    @property
    def connected(self) -> bool:
        return self._connected is not None and self._connected.is_set()

    async def connect(self, timeout: float = 30.0) -> dict:
        """Opens the socket and returns the ``hello`` frame. Afterwards the client keeps the
        connection up (reconnecting and resuming) until ``close()``, unless ``auto_reconnect``
        is off. Raises if the first connection fails."""
        loop = asyncio.get_running_loop()
        if self._send_lock is None:
            self._send_lock = asyncio.Lock()
            self._connected = asyncio.Event()
        if self._supervisor is not None and not self._supervisor.done():
            await self.wait_connected(timeout)
            return self.hello
        self._closing = False
        self._first_connect = loop.create_future()
        self._supervisor = asyncio.create_task(self._run(), name=f"kefu-{self.name}")
        try:
            await asyncio.wait_for(asyncio.shield(self._first_connect), timeout)
        except BaseException:
            self._supervisor.cancel()
            with contextlib.suppress(BaseException):
                await self._supervisor
            raise
        return self.hello

    async def wait_connected(self, timeout: float = 30.0) -> None:
        await asyncio.wait_for(self._connected.wait(), timeout)

    async def close(self) -> None:
        """Closes the socket (code 1000) and stops reconnecting. Unacknowledged sends fail."""
        self._closing = True
        ws = self.ws
        if ws is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ws.close(), 5)
        if self._supervisor is not None:
            self._supervisor.cancel()
            with contextlib.suppress(BaseException):
                await self._supervisor
        for timer in list(self._timers):
            timer.cancel()
        for p in self.pending.values():
            if not p.future.done():
                p.future.set_exception(ClientClosed())
                p.future.exception()  # nobody may be waiting: mark it retrieved
        self.pending.clear()
        for waiters in self._resume_waiters.values():
            for f in waiters:
                if not f.done():
                    f.set_exception(ClientClosed())
        self._resume_waiters.clear()

    def kill(self) -> None:
        """Drops the TCP connection abruptly (no close frame), like a network failure.
        With ``auto_reconnect`` the client reconnects, resumes and resends."""
        ws = self.ws
        if ws is not None:
            self.stats["kills"] += 1
            ws.transport.abort()

    def switch_server(self, base_url: str) -> None:
        """Points the client at another instance; the current socket (if any) is dropped."""
        self.base_url = base_url.rstrip("/")
        self.kill()

    async def _open(self):
        options = dict(open_timeout=10, close_timeout=5, ping_interval=None, compression=None, proxy=None,
                       max_size=2 ** 20, max_queue=64)
        if self.source_address:
            options["local_addr"] = (self.source_address, 0)
        options.update(self.connect_options)
        headers = self.ws_headers()
        if headers:
            options["additional_headers"] = headers
        return await ws_connect(self.ws_url, **options)

    async def _run(self) -> None:
        delay = self.reconnect_delay
        while not self._closing:
            ws = None
            try:
                ws = await self._open()
                raw = await asyncio.wait_for(ws.recv(), 10)
            except (OSError, InvalidHandshake, InvalidStatus, ConnectionClosed, asyncio.TimeoutError) as error:
                if ws is not None:
                    ws.transport.abort()
                self.stats["connect_failures"] += 1
                refused = isinstance(error, InvalidStatus) and error.response.status_code in (401, 403)
                if not self._first_connect.done() and (not self.auto_reconnect or refused):
                    self._first_connect.set_exception(error)
                    return
                if refused:  # signed out or token revoked: reconnecting cannot help
                    self._stop(KefuError("connection_refused", f"the server refused the socket: {error}"))
                    return
                await asyncio.sleep(delay * (0.5 + random.random()))
                delay = min(delay * 2, self.max_reconnect_delay)
                continue
            delay = self.reconnect_delay
            hello = json.loads(raw)
            self.ws = ws
            self.epoch += 1
            if self.epoch > 1:
                self.stats["reconnects"] += 1
            self.hello = hello
            self._on_hello(hello)
            self._keep({"type": "connection.opened", "epoch": self.epoch})
            self._keep(hello)
            self._resume_fifo.clear()
            try:
                async with self._send_lock:
                    # Catch up on every known conversation first, then resend what was not acknowledged.
                    for conversation_id, state in self.conversations.items():
                        state.resuming += 1
                        self._resume_fifo.append(conversation_id)
                        await ws.send(json.dumps({"type": "resume", "conversationId": conversation_id,
                                                  "afterSeq": state.delivered}))
                        self.stats["auto_resumes"] += 1
                self._connected.set()
                await self._flush()
                if not self._first_connect.done():
                    self._first_connect.set_result(hello)
                async for raw in ws:
                    self._dispatch(raw)
            except ConnectionClosed:
                pass
            except Exception as error:  # a bug in this client: keep it for the test to report
                self.errors.append(error)
                ws.transport.abort()
            finally:
                self._connected.clear()
                self.ws = None
                for state in self.conversations.values():
                    state.resuming = 0
                self._resume_fifo.clear()
                code = ws.close_code
                reason = ws.close_reason
                self.close_codes.append(code)
                self._keep({"type": "connection.closed", "code": code, "reason": reason, "epoch": self.epoch})
                for p in self.pending.values():
                    if p.sent_epoch == self.epoch:
                        p.sent_epoch = None
            if not self.auto_reconnect:
                break
            if self.close_codes[-1] == 1008:  # policy: signed out, password changed, deactivated
                self._stop(KefuError("policy_close", "the server closed the socket with 1008 (policy)"))
                return
            await asyncio.sleep(delay * random.random())
        self._connected.clear()

    def _stop(self, error: KefuError) -> None:
        """Gives up for good: pending sends and resumes fail with ``error``."""
        self._closing = True
        self.stopped = error
        self._connected.clear()
        for p in list(self.pending.values()):
            if not p.future.done():
                p.future.set_exception(error)
                p.future.exception()
        self.pending.clear()
        for waiters in self._resume_waiters.values():
            for f in waiters:
                if not f.done():
                    f.set_exception(error)
        self._resume_waiters.clear()

    def _on_hello(self, hello: dict) -> None:
        pass

    # ------------------------------------------------------------------ sending

    async def _send_frame(self, frame: dict) -> bool:
        """Sends one frame if connected; False when not (the caller may retry later)."""
        ws = self.ws
        if ws is None:
            return False
        try:
            await ws.send(json.dumps(frame, ensure_ascii=False))
            return True
        except ConnectionClosed:
            return False

    async def _flush(self) -> None:
        """Sends every pending message not yet sent on the current socket, in order."""
        if self._send_lock is None:
            return
        async with self._send_lock:
            while True:
                ws, epoch = self.ws, self.epoch
                if ws is None or not self._connected.is_set():
                    return
                todo = [p for p in self.pending.values() if p.sent_epoch != epoch and not p.future.done()]
                if not todo:
                    return
                for p in todo:
                    if self.ws is not ws or p.future.done() or p.client_message_id not in self.pending:
                        continue
                    if p.sent_epoch == epoch:
                        continue
                    p.sent_epoch = epoch
                    p.sends += 1
                    if p.retry_pending:
                        p.retry_pending = False      # counted where the retry was decided
                    elif p.sends > 1:
                        self.stats["resends"] += 1
                    now = time.monotonic()
                    if p.first_sent is None:
                        p.first_sent = now
                    try:
                        await ws.send(json.dumps(p.frame, ensure_ascii=False))
                    except ConnectionClosed:
                        p.sent_epoch = None
                        return

    def send_message_nowait(self, text: str, conversation_id: str | None = None, client_message_id: str | None = None,
                            private: bool = False, attachments: Iterable[str] = ()) -> asyncio.Future:
        """Queues a ``message.send`` and returns a future resolved with its ``ack``
        (or failed with :class:`KefuError`). Pipelining several is allowed."""
        cmid = norm(client_message_id) or new_id()
        frame: dict[str, Any] = {"type": "message.send", "clientMessageId": cmid, "text": text}
        if conversation_id:
            frame["conversationId"] = str(conversation_id)
        if private:
            frame["private"] = True
        attachments = list(attachments)
        if attachments:
            frame["attachments"] = attachments
        existing = self.pending.get(cmid)
        if existing is not None:
            return existing.future
        future = asyncio.get_running_loop().create_future()
        self.pending[cmid] = PendingMessage(cmid, frame, future, time.monotonic())
        self._spawn(self._flush())
        return future

    async def send_message(self, text: str, conversation_id: str | None = None, client_message_id: str | None = None,
                           private: bool = False, attachments: Iterable[str] = (), timeout: float | None = None) -> dict:
        """Sends a message and returns its ``ack`` (``clientMessageId``, ``conversationId``,
        ``messageId``, ``seq``, ``createdAt``, ``duplicate``). Raises :class:`KefuError` for an
        error answer, :class:`AckTimeout` after ``timeout`` (default ``ack_timeout``)."""
        cmid = norm(client_message_id) or new_id()
        future = self.send_message_nowait(text, conversation_id, cmid, private, attachments)
        timeout = self.ack_timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AckTimeout(cmid, timeout)
            step = min(left, self.resend_after) if self.resend_after else left
            try:
                return await asyncio.wait_for(asyncio.shield(future), step)
            except asyncio.TimeoutError:
                p = self.pending.get(cmid)
                if p is not None and self.resend_after and p.sent_epoch == self.epoch and self.connected:
                    # No answer on a live socket: send it again (same clientMessageId, so at most once stored).
                    self.stats["timeout_resends"] += 1
                    p.sent_epoch = None
                    p.retry_pending = True
                    self._spawn(self._flush())

    async def resume(self, conversation_id: str, after_seq: int | None = None, timeout: float = 30.0) -> dict:
        """Asks for the messages after ``after_seq`` (default: the last contiguous seq seen) and
        waits for ``resumed``. The replayed messages go through the normal message handling."""
        conv = norm(conversation_id)
        state = self._conversation(conv)
        after = state.delivered if after_seq is None else after_seq
        future = asyncio.get_running_loop().create_future()
        self._resume_waiters[conv].append(future)
        await self.wait_connected(timeout)
        async with self._send_lock:
            state.resuming += 1
            self._resume_fifo.append(conv)
            if not await self._send_frame({"type": "resume", "conversationId": conv, "afterSeq": after}):
                state.resuming = max(0, state.resuming - 1)
                with contextlib.suppress(ValueError):
                    self._resume_fifo.remove(conv)
        # A reconnect in between resumes every known conversation and completes this waiter.
        return await asyncio.wait_for(future, timeout)

    async def typing(self, conversation_id: str, typing: bool = True) -> None:
        await self._send_frame({"type": "typing", "conversationId": str(conversation_id), "typing": typing})

    async def read(self, conversation_id: str, seq: int) -> None:
        await self._send_frame({"type": "read", "conversationId": str(conversation_id), "seq": seq})

    async def ping(self, timeout: float = 10.0) -> float:
        """Round trip of ``ping`` → ``pong`` in seconds."""
        started = time.monotonic()
        future = asyncio.get_running_loop().create_future()
        self._pong_waiters.append(future)
        await self._send_frame({"type": "ping"})
        await asyncio.wait_for(future, timeout)
        return time.monotonic() - started

    async def send_raw(self, frame: dict | str) -> bool:
        """Sends any frame as is (for tests of the server's answers to odd input)."""
        ws = self.ws
        if ws is None:
            return False
        try:
            await ws.send(frame if isinstance(frame, str) else json.dumps(frame, ensure_ascii=False))
            return True
        except ConnectionClosed:
            return False

    # ------------------------------------------------------------------ receiving

    def _spawn(self, coro) -> None:
        task = asyncio.ensure_future(coro)
        self._timers.add(task)
        task.add_done_callback(self._timers.discard)

    def _keep(self, frame: dict) -> None:
        if not self.keep_frames and not frame["type"].startswith("connection."):
            return
        self._frames.append(frame)
        waiters, self._frame_waiters = self._frame_waiters, []
        for f in waiters:
            if not f.done():
                f.set_result(None)

    def _conversation(self, conversation_id: str) -> ConversationState:
        state = self.conversations.get(conversation_id)
        if state is None:
            state = self.conversations[conversation_id] = ConversationState()
        return state

    def _dispatch(self, raw: str) -> None:
        try:
            frame = json.loads(raw)
        except ValueError:
            self.stats["unparsable_frames"] += 1
            return
        kind = frame.get("type")
        self.stats[f"rx_{kind}"] += 1
        for callback in self.on_frame:
            callback(frame)
        if kind == "ack":
            self._on_ack(frame)
        elif kind == "message":
            self._on_message(frame)
        elif kind == "resumed":
            self._on_resumed(frame)
        elif kind == "error":
            self._on_error(frame)
        elif kind == "pong":
            while self._pong_waiters:
                f = self._pong_waiters.popleft()
                if not f.done():
                    f.set_result(frame)
                    break
        self._keep(frame)

    def _on_ack(self, frame: dict) -> None:
        cmid = norm(frame.get("clientMessageId"))
        conv = norm(frame.get("conversationId"))
        if conv:
            self._conversation(conv)
            self.last_seq[conv] = max(self.last_seq.get(conv, 0), int(frame.get("seq", 0)))
        if frame.get("duplicate"):
            self.stats["duplicate_acks"] += 1
        self.acks[cmid] = frame
        p = self.pending.pop(cmid, None)
        if p is not None and not p.future.done():
            p.future.set_result(frame)

    def _on_message(self, frame: dict) -> None:
        conv = norm(frame.get("conversationId"))
        message = frame["message"]
        seq = int(message["seq"])
        state = self._conversation(conv)
        self.last_seq[conv] = max(self.last_seq.get(conv, 0), seq)
        self.arrivals[conv].append((self.epoch, seq))
        last_epoch, last = state.last_epoch_seq
        if not state.resuming and last_epoch == self.epoch and seq <= last:
            # Live frames on one socket, with no replay in flight, must come in seq order.
            self.stats["out_of_order_live"] += 1
        state.last_epoch_seq = (self.epoch, max(seq, last if last_epoch == self.epoch else 0))
        if seq <= state.delivered or seq in state.buffer:
            self.stats["duplicate_messages"] += 1
            return
        state.buffer[seq] = message
        self._drain(conv, state)
        if state.buffer and not state.resuming and self.auto_fill_gaps and self.connected:
            # A message skipped ahead with no resume in flight: fetch the gap.
            self.stats["gap_resumes"] += 1
            self._spawn(self._gap_resume(conv))

    async def _gap_resume(self, conv: str) -> None:
        state = self._conversation(conv)
        if state.resuming or not state.buffer:
            return
        async with self._send_lock:
            if state.resuming or not state.buffer or self.ws is None:
                return
            state.resuming += 1
            self._resume_fifo.append(conv)
            if not await self._send_frame({"type": "resume", "conversationId": conv, "afterSeq": state.delivered}):
                state.resuming = max(0, state.resuming - 1)

    def _drain(self, conv: str, state: ConversationState) -> None:
        while state.delivered + 1 in state.buffer:
            seq = state.delivered + 1
            message = state.buffer.pop(seq)
            state.delivered = seq
            self._deliver(conv, message)

    def _deliver(self, conv: str, message: dict) -> None:
        self.delivered_log[conv].append(int(message["seq"]))
        if self.keep_messages:
            self.received[conv][int(message["seq"])] = message
        for callback in self.on_message:
            callback(conv, message)

    def _on_resumed(self, frame: dict) -> None:
        conv = norm(frame.get("conversationId"))
        to_seq = int(frame.get("toSeq", 0))
        state = self._conversation(conv)
        with contextlib.suppress(ValueError):
            self._resume_fifo.remove(conv)
        state.resuming = max(0, state.resuming - 1)
        self.last_seq[conv] = max(self.last_seq.get(conv, 0), to_seq)
        # Everything up to toSeq that this side may see has now been sent on this socket:
        # hand over what waited, then skip what this side never gets (visitors: private notes).
        for seq in sorted(s for s in state.buffer if s <= to_seq):
            if self.sees_private and seq != state.delivered + 1:
                self._note_missing(conv, state.delivered + 1, seq - 1)
            state.delivered = seq
            self._deliver(conv, state.buffer.pop(seq))
        if self.sees_private and to_seq > state.delivered:
            self._note_missing(conv, state.delivered + 1, to_seq)
        state.delivered = max(state.delivered, to_seq)
        self._drain(conv, state)
        for f in self._resume_waiters.pop(conv, []):
            if not f.done():
                f.set_result(frame)
        if state.buffer and not state.resuming and self.auto_fill_gaps:
            self.stats["gap_resumes"] += 1
            self._spawn(self._gap_resume(conv))

    def _note_missing(self, conv: str, first: int, last: int) -> None:
        # An agent sees every message: a resume that ends past a seq it never sent is a server fault.
        self.missing[conv].extend(range(first, last + 1))
        self.stats["resume_gaps"] += last - first + 1

    def _on_error(self, frame: dict) -> None:
        code = frame.get("code", "error")
        ref = frame.get("ref")
        self.stats[f"error_{code}"] += 1
        p = self.pending.get(norm(ref)) if ref else None
        if p is not None:
            if code == "rate_limited" and self.retry_rate_limited:
                p.rate_limited += 1
                p.sent_epoch = None
                p.retry_pending = True
                self.stats["rate_limit_retries"] += 1
                delay = min(0.05 * (2 ** min(p.rate_limited, 5)), 1.0) * (0.5 + random.random())
                handle = asyncio.get_running_loop().call_later(delay, lambda: self._spawn(self._flush()))
                self._timers.add(handle)
                return
            self.pending.pop(p.client_message_id, None)
            if not p.future.done():
                p.future.set_exception(KefuError(code, frame.get("message", ""), frame))
            return
        if ref == "resume" and self._resume_fifo:
            conv = self._resume_fifo.popleft()
            state = self._conversation(conv)
            state.resuming = max(0, state.resuming - 1)
            for f in self._resume_waiters.pop(conv, []):
                if not f.done():
                    f.set_exception(KefuError(code, frame.get("message", ""), frame))

    # ------------------------------------------------------------------ waiting

    async def next(self, type: str | None = None, timeout: float = 10.0,
                   where: Callable[[dict], bool] | None = None) -> dict:
        """Takes the oldest received frame of ``type`` (any type when None) for which ``where``
        holds out of the inbox, waiting up to ``timeout`` seconds for it."""
        def find():
            for i, frame in enumerate(self._frames):
                if (type is None or frame.get("type") == type) and (where is None or where(frame)):
                    del self._frames[i]
                    return frame
            return None

        async def wait():
            while True:
                frame = find()
                if frame is not None:
                    return frame
                waiter = asyncio.get_running_loop().create_future()
                self._frame_waiters.append(waiter)
                await waiter

        try:
            return await asyncio.wait_for(wait(), timeout)
        except asyncio.TimeoutError:
            kinds = collections.Counter(f.get("type") for f in self._frames)
            raise asyncio.TimeoutError(f"{self.name}: no {type or 'frame'} frame within {timeout}s "
                                       f"(inbox holds {dict(kinds)})") from None

    def frames(self, type: str | None = None) -> list[dict]:
        """The frames in the inbox (not removed)."""
        return [f for f in self._frames if type is None or f.get("type") == type]

    def clear_frames(self) -> None:
        self._frames.clear()

    async def wait_until(self, condition: Callable[[], bool], timeout: float = 30.0, interval: float = 0.02,
                         message: str = "condition") -> None:
        """Waits until ``condition()`` holds (it is checked while frames arrive)."""
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise asyncio.TimeoutError(f"{self.name}: {message} not reached within {timeout}s")
            await asyncio.sleep(interval)

    async def wait_delivered(self, conversation_id: str, seq: int, timeout: float = 30.0) -> None:
        """Waits until every message up to ``seq`` of the conversation was handed over in order."""
        conv = norm(conversation_id)
        await self.wait_until(lambda: self._conversation(conv).delivered >= seq, timeout,
                              message=f"delivery of {conv} up to seq {seq}")


class VisitorClient(ChatClient):
    """A shopper. Create it with :meth:`start` (a new or returning visitor of an inbox)."""

    ws_path = "/api/v1/widget/ws"

    def __init__(self, base_url: str, visitor_token: str, session: dict | None = None, **options):
        super().__init__(base_url, **options)
        self.visitor_token = visitor_token
        self.session = session or {}
        self.contact_id = norm(self.session.get("contactId"))
        self.conversation_id = norm(self.session.get("conversationId"))

    @classmethod
    def start(cls, base_url: str, inbox_key: str, visitor_token: str | None = None, locale: str | None = None,
              page: dict | None = None, source_address: str | None = None, **options) -> "VisitorClient":
        """``POST /api/v1/widget/sessions`` (blocking) and a client for that visitor (not connected yet)."""
        body: dict[str, Any] = {"inboxKey": inbox_key}
        if visitor_token:
            body["visitorToken"] = visitor_token
        if locale:
            body["locale"] = locale
        if page:
            body["page"] = page
        with _session(source_address) as http:
            response = http.post(base_url.rstrip("/") + "/api/v1/widget/sessions", json=body, timeout=30)
        _raise_for(response)
        session = response.json()
        return cls(base_url, session["visitorToken"], session, source_address=source_address, **options)

    @property
    def ws_url(self) -> str:
        return super().ws_url + "?token=" + quote(self.visitor_token, safe="")

    def _on_hello(self, hello: dict) -> None:
        self.contact_id = norm(hello.get("contactId")) or self.contact_id
        if self.conversation_id is None and hello.get("conversationId"):
            self.conversation_id = norm(hello["conversationId"])

    def _on_ack(self, frame: dict) -> None:
        if self.conversation_id is None and frame.get("conversationId"):
            self.conversation_id = norm(frame["conversationId"])
        super()._on_ack(frame)

    def history(self, conversation_id: str | None = None, before_seq: int | None = None, limit: int = 50) -> dict:
        """``GET /api/v1/widget/messages`` (blocking)."""
        params: dict[str, Any] = {"token": self.visitor_token, "conversationId": conversation_id or self.conversation_id,
                                  "limit": limit}
        if before_seq:
            params["beforeSeq"] = before_seq
        with _session(self.source_address) as http:
            response = http.get(self.base_url + "/api/v1/widget/messages", params=params, timeout=30)
        _raise_for(response)
        return response.json()

    def all_history(self, conversation_id: str | None = None, page: int = 100) -> list[dict]:
        """The visitor's whole view of a conversation over REST (no private notes), oldest first."""
        items: list[dict] = []
        before = None
        while True:
            answer = self.history(conversation_id, before_seq=before, limit=page)
            items[:0] = answer["items"]
            if not answer["hasMore"] or not answer["items"]:
                return items
            before = answer["items"][0]["seq"]

    def upload(self, data: bytes, name: str = "image.png", content_type: str = "application/octet-stream") -> dict:
        """``POST /api/v1/widget/uploads?token=…&name=…`` with the raw image (blocking); send the
        answer's ``id`` in ``attachments``. The server sniffs the type from the bytes."""
        with _session(self.source_address) as http:
            response = http.post(self.base_url + "/api/v1/widget/uploads", params={"token": self.visitor_token, "name": name},
                                 data=data, headers={"Content-Type": content_type}, timeout=30)
        _raise_for(response)
        return response.json()


class AgentClient(ChatClient):
    """A member of a shop (agent, supervisor, admin, owner) or an API token.
    Create it with :meth:`login` or :meth:`with_token`."""

    ws_path = "/api/v1/agent/ws"

    def __init__(self, base_url: str, http: requests.Session, me: dict | None = None, **options):
        super().__init__(base_url, **options)
        self.http = http
        self.sees_private = True
        self.me = me or {}
        self.user = self.me.get("user") or {}

    @classmethod
    def login(cls, base_url: str, email: str, password: str, source_address: str | None = None, **options) -> "AgentClient":
        """``POST /api/v1/auth/login`` (blocking): keeps the session cookie and the CSRF token."""
        http = _session(source_address)
        response = http.post(base_url.rstrip("/") + "/api/v1/auth/login", json={"email": email, "password": password},
                             timeout=60)
        _raise_for(response)
        me = response.json()
        http.headers["X-CSRF-Token"] = me["csrfToken"]
        return cls(base_url, http, me, source_address=source_address, **options)

    @classmethod
    def with_token(cls, base_url: str, token: str, source_address: str | None = None, **options) -> "AgentClient":
        """An API token (``kefu_…``) as ``Authorization: Bearer``."""
        http = _session(source_address)
        http.headers["Authorization"] = f"Bearer {token}"
        return cls(base_url, http, None, source_address=source_address, **options)

    def ws_headers(self) -> dict:
        headers = {}
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.http.cookies)
        if cookies:
            headers["Cookie"] = cookies
        if "Authorization" in self.http.headers:
            headers["Authorization"] = self.http.headers["Authorization"]
        return headers

    # -- REST (blocking) --------------------------------------------------------

    def request(self, method: str, path: str, **kwargs) -> Any:
        """Any ``/api/v1`` call; returns the decoded JSON (None for 204); raises :class:`KefuError`."""
        kwargs.setdefault("timeout", 30)
        response = self.http.request(method, self.base_url + path, **kwargs)
        _raise_for(response)
        return response.json() if response.content else None

    def inboxes(self) -> list[dict]:
        return self.request("GET", "/api/v1/inboxes")["items"]

    def conversations(self, filter: str = "all", status: str | None = None, inbox_id: str | None = None,
                      limit: int = 50, cursor: str | None = None) -> dict:
        params = {"filter": filter, "limit": limit}
        if status:
            params["status"] = status
        if inbox_id:
            params["inboxId"] = inbox_id
        if cursor:
            params["cursor"] = cursor
        return self.request("GET", "/api/v1/conversations", params=params)

    def conversation(self, conversation_id: str) -> dict:
        return self.request("GET", f"/api/v1/conversations/{conversation_id}")

    def messages(self, conversation_id: str, before_seq: int | None = None, limit: int = 50) -> dict:
        params: dict[str, Any] = {"limit": limit}
        if before_seq:
            params["beforeSeq"] = before_seq
        return self.request("GET", f"/api/v1/conversations/{conversation_id}/messages", params=params)

    def all_messages(self, conversation_id: str, page: int = 100) -> list[dict]:
        """Every message of the conversation (private notes included), oldest first."""
        items: list[dict] = []
        before = None
        while True:
            answer = self.messages(conversation_id, before_seq=before, limit=page)
            items[:0] = answer["items"]
            if not answer["hasMore"] or not answer["items"]:
                return items
            before = answer["items"][0]["seq"]

    def post_message(self, conversation_id: str, text: str, client_message_id: str | None = None,
                     private: bool = False) -> dict:
        body: dict[str, Any] = {"text": text}
        if client_message_id:
            body["clientMessageId"] = client_message_id
        if private:
            body["private"] = True
        return self.request("POST", f"/api/v1/conversations/{conversation_id}/messages", json=body)

    def update_conversation(self, conversation_id: str, **fields) -> dict:
        return self.request("PATCH", f"/api/v1/conversations/{conversation_id}", json=fields)

    def upload(self, data: bytes, name: str = "image.png", content_type: str = "application/octet-stream") -> dict:
        """``POST /api/v1/uploads?name=…`` with the raw image; send the answer's ``id`` in ``attachments``."""
        return self.request("POST", "/api/v1/uploads", params={"name": name}, data=data,
                            headers={"Content-Type": content_type})
