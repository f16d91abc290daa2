"""Fixtures for the shopper widget test: a Kefu server of its own with the demo shop.

- ``demo_server``: a temp dir with an SQLite file, ``kefu demo`` (shop "Kefu 演示店铺",
  agents 2/8/9/12, password kefu-demo-2026), then ``kefu serve`` on a free port.
  The object has ``url``, and ``stop()`` / ``start()`` to take the server away and bring it
  back on the same port and database (to test the widget's reconnection).
  ``KEFU_BIN`` names the binary (default: <repo>/.build/debug/kefu).
  ``KEFU_E2E_WIDGET_URL`` instead points at a running server on which ``kefu demo`` ran;
  then stop/start are unavailable and the reconnection step is skipped.
- ``agent_api``: a signed-in ``requests`` session for 8号 小美 (mei@demo.kefu.local) with
  the CSRF header set; ``agent_api.url(path)`` builds URLs.
- ``make_png(path)``: writes a small valid PNG without PIL.
"""

from __future__ import annotations

import os
import pathlib
import struct
import subprocess
import zlib

import pytest
import requests

from conftest import REPO, _free_port, _wait_healthy

DEMO_PASSWORD = "kefu-demo-2026"
AGENT_EMAIL = "mei@demo.kefu.local"


class DemoServer:
    def __init__(self, binary: pathlib.Path, workdir: pathlib.Path):
        self.binary = binary
        self.workdir = workdir
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.log_path = workdir / "serve.log"
        # Kefu refuses unknown KEFU_* variables, so pass only its own settings.
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("KEFU_")}
        self.env.update({
            "KEFU_DATABASE_URL": f"sqlite://{workdir}/k.sqlite",
            "KEFU_HOST": "127.0.0.1",
            "KEFU_PORT": str(self.port),
            "KEFU_RESOURCES_DIR": str(REPO),
            "KEFU_LOG_LEVEL": "warning",
            "KEFU_LOGIN_LIMIT_IP": "500/300",
        })
        self.can_restart = True

    def demo(self) -> None:
        result = subprocess.run([str(self.binary), "demo"], cwd=self.workdir, env=self.env,
                                capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            pytest.fail(f"kefu demo failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")

    def start(self) -> None:
        assert self.proc is None or self.proc.poll() is not None
        log = open(self.log_path, "a")
        self.proc = subprocess.Popen([str(self.binary), "serve"], cwd=self.workdir, env=self.env,
                                     stdout=log, stderr=subprocess.STDOUT)
        log.close()
        _wait_healthy(self.url, self.proc, self.log_path)

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc = None


class ExternalServer:
    can_restart = False

    def __init__(self, url: str):
        self.url = url.rstrip("/")

    def start(self) -> None:  # pragma: no cover - not available
        raise RuntimeError("cannot restart an external server")

    stop = start


@pytest.fixture(scope="module")
def demo_server(tmp_path_factory):
    external = os.environ.get("KEFU_E2E_WIDGET_URL")
    if external:
        server = ExternalServer(external)
        _wait_healthy(server.url, None, None, timeout=10)
        yield server
        return
    binary = pathlib.Path(os.environ.get("KEFU_BIN") or REPO / ".build" / "debug" / "kefu")
    if not binary.exists():
        pytest.fail(f"kefu binary not found at {binary}; build it (swift build) or set KEFU_BIN")
    server = DemoServer(binary, tmp_path_factory.mktemp("kefu-widget"))
    server.demo()
    server.start()
    try:
        yield server
    finally:
        server.stop()


class AgentAPI(requests.Session):
    def __init__(self, base: str):
        super().__init__()
        self.base = base

    def url(self, path: str) -> str:
        return self.base + path

    def login(self, email: str, password: str) -> dict:
        response = self.post(self.url("/api/v1/auth/login"), json={"email": email, "password": password}, timeout=20)
        assert response.status_code == 200, response.text
        body = response.json()
        self.headers["X-CSRF-Token"] = body["csrfToken"]
        return body


@pytest.fixture(scope="module")
def agent_api(demo_server):
    api = AgentAPI(demo_server.url)
    api.me = api.login(AGENT_EMAIL, DEMO_PASSWORD)
    yield api
    api.close()


def make_png(path: pathlib.Path, width: int = 96, height: int = 64) -> pathlib.Path:
    """A small RGB gradient PNG written with zlib and struct only."""
    rows = b"".join(
        b"\x00" + b"".join(bytes(((x * 255) // width, (y * 255) // height, 200)) for x in range(width))
        for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
    return path


@pytest.fixture(scope="module")
def manual_desk(demo_server):
    """The 售前 inbox with routing set to manual and no automatic replies, for scenarios that
    exercise the manual workflow message by message (test_routing.py covers automatic routing)."""
    api = AgentAPI(demo_server.url)
    api.login("owner@demo.kefu.local", DEMO_PASSWORD)
    inbox = next(i for i in api.get(api.url("/api/v1/inboxes"), timeout=20).json()["items"] if i["name"] == "售前")
    off = {locale: "" for locale in ("zh-CN", "zh-TW", "en", "ko")}
    response = api.put(api.url(f"/api/v1/inboxes/{inbox['id']}/settings"), timeout=20,
                       json={"routing": "manual", "greeting": off, "queuedGreeting": off, "awayReply": off, "closedReply": off})
    assert response.status_code == 200, response.text
    api.close()
    yield inbox
