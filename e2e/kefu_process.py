"""Running the real ``kefu`` binary for the protocol tests, the CLI tests and the benchmark.

- :func:`find_binary` — ``KEFU_BIN`` or ``<repo>/.build/debug/kefu``.
- :func:`kefu_env` — the environment with every inherited ``KEFU_*`` variable removed (Kefu
  refuses unknown ones) and the given settings added.
- :class:`KefuProcess` — one ``kefu serve`` on 127.0.0.1 (a free port kept across restarts) with
  its log in a file: ``start`` / ``terminate`` / ``kill`` / ``rss_kib`` / ``log_text``; ``run``
  for one-off commands (``demo``, ``setup``) with the same settings.
- :func:`demo_database` — ``kefu demo`` once into a template SQLite file, copied per server
  (bcrypt makes ``kefu demo`` take seconds on a debug build).
- :func:`postgres_server` — a PostgreSQL URL: ``KEFU_E2E_POSTGRES_URL`` or a throwaway server
  from ``scripts/postgres.sh``; :func:`reset_postgres` empties its ``public`` schema.
- :func:`server_tcp_state` — the kernel's state of the server's end of one TCP connection.

``free_port`` and ``wait_healthy`` are the helpers of ``e2e/conftest.py`` (reused; the copies
below only serve the benchmark when Selenium, which conftest imports, is not installed).
"""

from __future__ import annotations

import contextlib
import os
import pathlib
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request

REPO = pathlib.Path(__file__).resolve().parent.parent

try:
    from conftest import _free_port as free_port, _wait_healthy as wait_healthy  # noqa: F401
except ImportError:  # the benchmark without Selenium: the same two helpers
    import socket

    def free_port() -> int:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            return s.getsockname()[1]

    def wait_healthy(url: str, proc, log_path, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc is not None and proc.poll() is not None:
                log = pathlib.Path(log_path).read_text(errors="replace") if log_path else ""
                raise RuntimeError(f"kefu serve exited with {proc.returncode} before becoming healthy:\n{log[-4000:]}")
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.1)
        raise RuntimeError(f"kefu serve did not answer /health within {timeout}s")


DEMO_PASSWORD = "kefu-demo-2026"
DEMO_OWNER = "owner@demo.kefu.local"
DEMO_AGENT = "mei@demo.kefu.local"   # 8号 小美, inbox 售前 only
DEMO_INBOX = "售前"


def find_binary() -> pathlib.Path:
    return pathlib.Path(os.environ.get("KEFU_BIN") or REPO / ".build" / "debug" / "kefu")


def kefu_env(**settings: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEFU_")}
    env.update({k: str(v) for k, v in settings.items()})
    return env


class KefuProcess:
    """One ``kefu serve`` (and its one-off commands) with fixed settings."""

    def __init__(self, binary: pathlib.Path, workdir: pathlib.Path, database_url: str, *,
                 port: int | None = None, log_level: str = "info", extra: dict | None = None, name: str = "kefu"):
        self.binary = pathlib.Path(binary)
        self.workdir = pathlib.Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.database_url = database_url
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.name = name
        self.log_path = self.workdir / f"{name}-serve.log"
        self.proc: subprocess.Popen | None = None
        settings = {
            "KEFU_DATABASE_URL": database_url,
            "KEFU_HOST": "127.0.0.1",
            "KEFU_PORT": str(self.port),
            "KEFU_RESOURCES_DIR": str(REPO),
            "KEFU_LOG_LEVEL": log_level,
            # Every test client signs in from 127.0.0.1.
            "KEFU_LOGIN_LIMIT_IP": "1000/60",
        }
        settings.update(extra or {})
        self.env = kefu_env(**settings)

    def run(self, *args: str, timeout: float = 300, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run([str(self.binary), *args], cwd=self.workdir, env=self.env,
                                capture_output=True, text=True, timeout=timeout)
        if check and result.returncode != 0:
            raise RuntimeError(f"kefu {' '.join(args)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result

    def start(self, timeout: float = 90) -> "KefuProcess":
        assert self.proc is None or self.proc.poll() is not None, "already running"
        with open(self.log_path, "a") as log:
            log.write(f"\n==== kefu serve started {time.strftime('%H:%M:%S')} ====\n")
            log.flush()
            self.proc = subprocess.Popen([str(self.binary), "serve"], cwd=self.workdir, env=self.env,
                                         stdout=log, stderr=subprocess.STDOUT)
        wait_healthy(self.url, self.proc, self.log_path, timeout=timeout)
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def terminate(self, timeout: float = 15) -> tuple[int, float]:
        """SIGTERM; returns (exit code, seconds until it exited). Kills after ``timeout``."""
        assert self.proc is not None
        started = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            code = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            code = self.proc.wait(timeout=10)
            return code, float("inf")
        return code, time.monotonic() - started

    def kill(self) -> None:
        """SIGKILL, like a crash or a power cut of the process."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.running:
            self.terminate()

    def rss_kib(self) -> int:
        with open(f"/proc/{self.pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        raise RuntimeError("no VmRSS")

    def log_text(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def log_tail(self, chars: int = 4000) -> str:
        return self.log_text()[-chars:]


def demo_database(binary: pathlib.Path, folder: pathlib.Path) -> pathlib.Path:
    """Runs ``kefu demo`` into ``folder/template.sqlite`` and returns its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "template.sqlite"
    KefuProcess(binary, folder, f"sqlite://{path}", name="template").run("demo")
    return path


def copy_database(template: pathlib.Path, target: pathlib.Path) -> pathlib.Path:
    shutil.copyfile(template, target)
    for suffix in ("-wal", "-shm"):
        extra = pathlib.Path(str(template) + suffix)
        if extra.exists():
            shutil.copyfile(extra, str(target) + suffix)
    return target


@contextlib.contextmanager
def postgres_server():
    """Yields (url, None) for a PostgreSQL server to use, or (None, reason) when there is none."""
    url = os.environ.get("KEFU_E2E_POSTGRES_URL")
    if url:
        yield url, None
        return
    script = REPO / "scripts" / "postgres.sh"
    folder = pathlib.Path(tempfile.mkdtemp(prefix="kefu-e2e-pg-"))
    port = free_port()
    try:
        result = subprocess.run([str(script), "start", str(folder), str(port)], capture_output=True, text=True, timeout=120)
    except (OSError, subprocess.TimeoutExpired) as error:
        shutil.rmtree(folder, ignore_errors=True)
        yield None, f"scripts/postgres.sh could not start PostgreSQL: {error}"
        return
    if result.returncode != 0:
        subprocess.run([str(script), "stop", str(folder)], capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)
        yield None, f"no KEFU_E2E_POSTGRES_URL and scripts/postgres.sh failed: {(result.stderr or result.stdout).strip()[-300:]}"
        return
    try:
        yield result.stdout.strip().splitlines()[-1], None
    finally:
        subprocess.run([str(script), "stop", str(folder)], capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


def reset_postgres(url: str) -> None:
    """Empties the database: ``DROP SCHEMA public CASCADE; CREATE SCHEMA public;``."""
    subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-q", "-c", "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"],
                   check=True, capture_output=True, text=True, timeout=60, env=kefu_env())


TCP_STATES = {"01": "ESTABLISHED", "02": "SYN_SENT", "03": "SYN_RECV", "04": "FIN_WAIT1", "05": "FIN_WAIT2",
              "06": "TIME_WAIT", "07": "CLOSE", "08": "CLOSE_WAIT", "09": "LAST_ACK", "0A": "LISTEN", "0B": "CLOSING"}


def server_tcp_state(server_port: int, client_port: int) -> tuple[str, int]:
    """(state, bytes in the send queue) of the server's end of the connection from
    ``client_port``, read from /proc/net/tcp; ("GONE", 0) when the kernel has no such socket."""
    with open("/proc/net/tcp") as table:
        next(table)
        for line in table:
            parts = line.split()
            local, remote, state, queues = parts[1], parts[2], parts[3], parts[4]
            if int(local.split(":")[1], 16) == server_port and int(remote.split(":")[1], 16) == client_port:
                return TCP_STATES.get(state, state), int(queues.split(":")[0], 16)
    return "GONE", 0
