"""Hardening against an outside attacker and careless clients, on the real ``kefu`` binary.

- A fragmented WebSocket message is bounded as a whole (64 KiB), not per frame: one visitor
  sending a huge message in 60 KiB fragments is closed with 1009 and the server's memory does
  not grow with what was sent. Unmasked client frames are closed with 1002, text that is not
  UTF-8 with 1007; a fragmented message within the limit still works.
- Long paths answer 404 (or the API's 401) without reaching the file system, and the log stays
  small and free of errors.
- Wrong passwords from one address slow that address down; the owner signs in from another.
- Behind a trusted proxy (``KEFU_TRUSTED_PROXIES``) limits count the client the proxy names;
  without one, ``X-Forwarded-For`` is ignored. ``KEFU_METRICS_TOKEN`` guards ``/metrics``.
- ``kefu --help`` and unknown commands touch nothing.
- At ``trace`` the log holds none of the credentials the run used.
- The demo's pictures are paths on Kefu, so they load on any address and port.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import struct
import subprocess
import time
import uuid
from urllib.parse import quote

import pytest
import requests

from kefu_client import VisitorClient
from kefu_process import DEMO_INBOX, KefuProcess, copy_database, demo_database, find_binary
from test_protocol import inbox_key, manual_routing
from kefu_client import AgentClient
from kefu_process import DEMO_PASSWORD


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    binary = find_binary()
    folder = tmp_path_factory.mktemp("kefu-hardening")
    db = copy_database(demo_database(binary, folder), folder / "kefu.sqlite")
    process = KefuProcess(binary, folder, f"sqlite://{db}", name="kefu").start()
    manual_routing(process.url)
    yield process
    process.kill()


def frame(opcode: int, payload: bytes, fin: bool = True, mask: bool = True) -> bytes:
    head = bytes([(0x80 if fin else 0) | opcode])
    n = len(payload)
    bit = 0x80 if mask else 0
    if n < 126:
        head += bytes([bit | n])
    elif n < 1 << 16:
        head += bytes([bit | 126]) + struct.pack(">H", n)
    else:
        head += bytes([bit | 127]) + struct.pack(">Q", n)
    if not mask:
        return head + payload
    key = os.urandom(4)
    masked = bytes(b ^ key[i % 4] for i, b in enumerate(payload)) if n < 4096 else _mask_fast(payload, key)
    return head + key + masked


def _mask_fast(payload: bytes, key: bytes) -> bytes:
    n = len(payload)
    k = int.from_bytes((key * (n // 4 + 1))[:n], "big")
    return (int.from_bytes(payload, "big") ^ k).to_bytes(n, "big")


def visitor_socket(server: KefuProcess) -> socket.socket:
    owner = AgentClient.login(server.url, "owner@demo.kefu.local", DEMO_PASSWORD, name="owner")
    visitor = VisitorClient.start(server.url, inbox_key(owner))
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    key = base64.b64encode(os.urandom(16)).decode()
    sock.sendall((f"GET /api/v1/widget/ws?token={quote(visitor.visitor_token, safe='')} HTTP/1.1\r\n"
                  f"Host: 127.0.0.1:{server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = sock.recv(1)
        assert chunk, "connection closed during the handshake"
        head += chunk
    assert head.startswith(b"HTTP/1.1 101"), head.decode(errors="replace")
    return sock


def read_until_close(sock: socket.socket, timeout: float = 15) -> tuple[list[dict], int | None]:
    """Reads frames until the server's close frame or the end of TCP: (JSON text frames, close code)."""
    sock.settimeout(timeout)
    data, texts, i = bytearray(), [], 0
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            chunk = sock.recv(1 << 16)
        except (socket.timeout, ConnectionResetError):
            break
        if not chunk:
            break
        data += chunk
        while i + 2 <= len(data):
            opcode, length, j = data[i] & 0x0F, data[i + 1] & 0x7F, i + 2
            if length == 126:
                length, j = struct.unpack(">H", data[j:j + 2])[0], j + 2
            elif length == 127:
                length, j = struct.unpack(">Q", data[j:j + 8])[0], j + 8
            if j + length > len(data):
                break
            payload, i = bytes(data[j:j + length]), j + length
            if opcode == 0x1:
                texts.append(json.loads(payload))
            elif opcode == 0x8:
                return texts, struct.unpack(">H", payload[:2])[0] if len(payload) >= 2 else None
    return texts, None


def send_message_frames(sock: socket.socket, text: str, pieces: int) -> str:
    cmid = str(uuid.uuid4())
    body = json.dumps({"type": "message.send", "clientMessageId": cmid, "text": text}).encode()
    size = len(body) // pieces + 1
    parts = [body[k:k + size] for k in range(0, len(body), size)]
    for n, part in enumerate(parts):
        sock.sendall(frame(0x1 if n == 0 else 0x0, part, fin=n == len(parts) - 1))
    return cmid


def test_a_huge_fragmented_message_is_closed_with_1009_and_memory_stays_bounded(server):
    sock = visitor_socket(server)
    # a fragmented message within the limit is assembled and answered
    cmid = send_message_frames(sock, "分片消息" * 500, pieces=3)
    sock.settimeout(15)
    acked = b""
    while cmid.upper().encode() not in acked.upper():
        chunk = sock.recv(1 << 16)
        assert chunk, "closed before the ack"
        acked += chunk
    rss_before = server.rss_kib()
    # 256 MiB announced in 60 KiB fragments: the server closes after the limit and keeps nothing
    fragment = b"A" * (60 * 1024)
    sent = 0
    try:
        sock.sendall(frame(0x1, fragment, fin=False))
        for _ in range(256 * 1024 // 60):
            sock.sendall(frame(0x0, fragment, fin=False))
            sent += len(fragment)
    except (BrokenPipeError, ConnectionResetError):
        pass
    _, code = read_until_close(sock)
    assert code == 1009, f"closed with {code} after {sent} bytes"
    assert sent < 64 * 1024 * 1024, f"the server kept reading: {sent} bytes"
    growth = server.rss_kib() - rss_before
    assert growth < 16 * 1024, f"RSS grew by {growth} KiB"
    sock.close()


@pytest.mark.parametrize("frames,code", [
    ([frame(0x1, b'{"type":"ping"}', mask=False)], 1002),
    ([frame(0x1, b'{"type":"message.send","text":"\xff\xfe"}')], 1007),
    ([frame(0x1, "{\"text\":\"你".encode()[:-1], fin=False), frame(0x0, b"\"}")], 1007),
], ids=["unmasked", "invalid-utf8", "invalid-utf8-fragmented"])
def test_frames_the_standard_rejects_are_closed_with_its_codes(server, frames, code):
    sock = visitor_socket(server)
    for f in frames:
        sock.sendall(f)
    _, got = read_until_close(sock)
    assert got == code
    sock.close()


def test_long_paths_answer_404_without_errors_and_the_log_stays_small(server):
    before = server.log_path.stat().st_size
    for n in range(50):
        assert requests.get(server.url + "/" + "A" * (300 + n)).status_code == 404
        r = requests.get(server.url + "/api/v1/inboxes/" + "B" * 5000)
        assert r.status_code in (401, 404), r.text
        assert requests.get(server.url + "/forms/" + "y" * 300).status_code == 404
    grown = server.log_path.stat().st_size - before
    log = server.log_text()[before:]
    assert "ERROR" not in log and "error" not in log.lower(), log[-2000:]
    assert grown < 20_000, f"the log grew by {grown} bytes"


def test_wrong_passwords_from_elsewhere_never_lock_the_owner_out(server):
    attacker = _bound_session("127.0.0.2")
    statuses = [attacker.post(server.url + "/api/v1/auth/login",
                              json={"email": "owner@demo.kefu.local", "password": f"guess {n}"}).status_code for n in range(7)]
    assert statuses[:5] == [401] * 5 and 429 in statuses[5:], statuses
    limited = attacker.post(server.url + "/api/v1/auth/login", json={"email": "owner@demo.kefu.local", "password": "guess x"})
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    owner = requests.post(server.url + "/api/v1/auth/login", json={"email": "owner@demo.kefu.local", "password": DEMO_PASSWORD})
    assert owner.status_code == 200, owner.text


def _bound_session(source: str) -> requests.Session:
    from kefu_client import _session
    return _session(source)


def _sessions_until_limited(url: str, key: str, forwarded_for: str, source: str | None = None) -> int:
    http = _bound_session(source) if source else requests.Session()
    for n in range(40):
        r = http.post(url + "/api/v1/widget/sessions", json={"inboxKey": key}, headers={"X-Forwarded-For": forwarded_for})
        if r.status_code == 429:
            return n
        assert r.status_code == 200, r.text
    return 40


def test_limits_count_the_client_a_trusted_proxy_names_and_ignore_the_header_otherwise(server, tmp_path):
    owner = AgentClient.login(server.url, "owner@demo.kefu.local", DEMO_PASSWORD, name="owner")
    key = inbox_key(owner)
    # no trusted proxy: the header is ignored, everyone behind 127.0.0.1 shares one limit
    _sessions_until_limited(server.url, key, "203.0.113.1")
    r = requests.post(server.url + "/api/v1/widget/sessions", json={"inboxKey": key}, headers={"X-Forwarded-For": "203.0.113.2"})
    assert r.status_code == 429
    # behind a trusted proxy at 127.0.0.1: each client the proxy names has its own limit
    binary = find_binary()
    db = copy_database(demo_database(binary, tmp_path), tmp_path / "proxied.sqlite")
    proxied = KefuProcess(binary, tmp_path, f"sqlite://{db}", name="proxied",
                          extra={"KEFU_TRUSTED_PROXIES": "127.0.0.1", "KEFU_METRICS_TOKEN": "metrics-token-for-tests-42"}).start()
    try:
        key = inbox_key(AgentClient.login(proxied.url, "owner@demo.kefu.local", DEMO_PASSWORD, name="owner"))
        assert _sessions_until_limited(proxied.url, key, "203.0.113.1") == 30
        r = requests.post(proxied.url + "/api/v1/widget/sessions", json={"inboxKey": key}, headers={"X-Forwarded-For": "203.0.113.2"})
        assert r.status_code == 200, r.text
        # a peer that is not the proxy cannot borrow the header
        assert _sessions_until_limited(proxied.url, key, "203.0.113.3", source="127.0.0.2") == 30
        # the metrics need the token here, and are open on the server without one
        assert requests.get(proxied.url + "/metrics").status_code == 401
        m = requests.get(proxied.url + "/metrics", headers={"Authorization": "Bearer metrics-token-for-tests-42"})
        assert m.status_code == 200 and "kefu_" in m.text
        assert requests.get(server.url + "/metrics").status_code == 200
    finally:
        proxied.kill()


def test_help_and_unknown_commands_touch_nothing(tmp_path):
    binary = find_binary()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEFU_")}
    for args, code in ((["--help"], 0), (["serve", "-h"], 0), (["frobnicate"], 2)):
        result = subprocess.run([str(binary), *args], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
        assert result.returncode == code, result
        assert "usage: kefu" in (result.stdout + result.stderr)
    assert list(tmp_path.iterdir()) == []


def test_trace_and_debug_logs_carry_no_credentials(tmp_path):
    binary = find_binary()
    db = copy_database(demo_database(binary, tmp_path), tmp_path / "traced.sqlite")
    traced = KefuProcess(binary, tmp_path, f"sqlite://{db}", name="traced", log_level="trace").start()
    try:
        http = requests.Session()
        login = http.post(traced.url + "/api/v1/auth/login", json={"email": "owner@demo.kefu.local", "password": DEMO_PASSWORD})
        csrf = login.json()["csrfToken"]
        cookie = http.cookies.get("kefu_session")
        headers = {"X-CSRF-Token": csrf}
        token = http.post(traced.url + "/api/v1/api-tokens", json={"name": "trace"}, headers=headers).json()["token"]
        assert requests.get(traced.url + "/api/v1/forms", headers={"Authorization": f"Bearer {token}"}).status_code == 200
        identity = http.get(traced.url + "/api/v1/order-settings").json()["identitySecret"]
        hook = http.post(traced.url + "/api/v1/webhooks", json={"url": "https://example.com/hook", "events": ["order.reminded"]},
                         headers=headers).json()
        key = inbox_key(AgentClient.login(traced.url, "owner@demo.kefu.local", DEMO_PASSWORD, name="owner"))
        visitor = requests.post(traced.url + "/api/v1/widget/sessions", json={"inboxKey": key}).json()["visitorToken"]
        requests.get(traced.url + f"/api/v1/widget/messages?token={visitor}")
        time.sleep(0.5)
        log = traced.log_text()
        assert "TRACE" in log and "Running query" in log, "the log level did not take effect"
        secrets = {"csrf": csrf, "cookie": cookie, "api token": token, "identity secret": identity, "visitor token": visitor,
                   "password": DEMO_PASSWORD}
        if hook.get("secret"):
            secrets["webhook secret"] = hook["secret"]
        leaked = [name for name, value in secrets.items() if value and value in log]
        assert not leaked, f"leaked into the log: {leaked}"
    finally:
        traced.kill()


def test_demo_pictures_load_on_whatever_address_kefu_runs(server):
    """The demo is made once (the template) and served here on a random port: its pictures are
    paths on Kefu, shown as they are in the workbench and made absolute in cards."""
    owner = AgentClient.login(server.url, "owner@demo.kefu.local", DEMO_PASSWORD, name="owner")
    products = owner.request("GET", "/api/v1/products?q=T恤")
    items = products["products"]
    assert items, products
    image = items[0]["imageUrl"]
    assert image.startswith("/demo/products/"), image
    assert requests.get(server.url + image).status_code == 200
