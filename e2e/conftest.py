"""Browser tests of the Kefu workbench against the real server binary.

Fixtures:
- ``kefu_server``: runs ``kefu setup`` (shop 测试店铺, owner owner@example.com, agent number 1)
  then ``kefu serve`` on a free port with an SQLite file in a temp dir; yields the base URL.
  ``KEFU_BIN`` names the binary (default: <repo>/.build/debug/kefu).
  ``KEFU_E2E_URL`` instead points the tests at a server that is already running and set up.
- ``make_driver``: headless Chromium (``--headless=new``) with a given UI language.
- ``driver``: one zh-CN browser for the module.
- ``screenshot(driver, name)``: saves e2e/screenshots/NAME.png.
"""

from __future__ import annotations

import os
import pathlib
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service

REPO = pathlib.Path(__file__).resolve().parent.parent
SCREENSHOTS = REPO / "e2e" / "screenshots"

SHOP = "测试店铺"
OWNER_EMAIL = "owner@example.com"
OWNER_PASSWORD = "owner-pass-123"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_healthy(url: str, proc: subprocess.Popen | None, log_path: pathlib.Path | None, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            log = log_path.read_text(errors="replace") if log_path else ""
            raise RuntimeError(f"kefu serve exited with {proc.returncode} before becoming healthy:\n{log[-4000:]}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, OSError) as error:  # not up yet
            last_error = error
        time.sleep(0.2)  # polling a process, not the page: no browser wait applies here
    log = log_path.read_text(errors="replace") if log_path else ""
    raise RuntimeError(f"kefu serve did not answer /health within {timeout}s ({last_error}):\n{log[-4000:]}")


@pytest.fixture(scope="session")
def kefu_server(tmp_path_factory):
    external = os.environ.get("KEFU_E2E_URL")
    if external:
        url = external.rstrip("/")
        _wait_healthy(url, None, None, timeout=10)
        yield url
        return

    binary = pathlib.Path(os.environ.get("KEFU_BIN") or REPO / ".build" / "debug" / "kefu")
    if not binary.exists():
        pytest.fail(f"kefu binary not found at {binary}; build it (swift build) or set KEFU_BIN")

    workdir = tmp_path_factory.mktemp("kefu")
    port = _free_port()
    # Kefu refuses unknown KEFU_* variables, so pass only its own settings.
    env = {k: v for k, v in os.environ.items() if not k.startswith("KEFU_")}
    env.update({
        "KEFU_DATABASE_URL": f"sqlite://{workdir}/kefu.sqlite",
        "KEFU_HOST": "127.0.0.1",
        "KEFU_PORT": str(port),
        "KEFU_RESOURCES_DIR": str(REPO),
        "KEFU_LOG_LEVEL": "warning",
        # Many browser sign-ins come from one address here; the per-account limit stays as shipped.
        "KEFU_LOGIN_LIMIT_IP": "500/300",
    })

    setup = subprocess.run(
        [str(binary), "setup", "--shop", SHOP, "--email", OWNER_EMAIL, "--password", OWNER_PASSWORD],
        cwd=workdir, env=env, capture_output=True, text=True, timeout=180,
    )
    if setup.returncode != 0:
        pytest.fail(f"kefu setup failed ({setup.returncode}):\n{setup.stdout}\n{setup.stderr}")

    log_path = workdir / "serve.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen([str(binary), "serve"], cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, log_path)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="session")
def make_driver():
    drivers = []

    def _make(lang: str = "zh-CN", width: int = 1280, height: int = 900):
        options = Options()
        chromium = os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium")
        if os.path.exists(chromium):
            options.binary_location = chromium
        for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                    f"--window-size={width},{height}", f"--lang={lang}"):
            options.add_argument(arg)
        options.add_experimental_option("prefs", {"intl.accept_languages": lang})
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        chromedriver = os.environ.get("CHROMEDRIVER_BIN", "/usr/bin/chromedriver")
        service = Service(chromedriver) if os.path.exists(chromedriver) else Service()
        drv = webdriver.Chrome(service=service, options=options)
        drivers.append(drv)
        return drv

    yield _make
    for drv in drivers:
        try:
            drv.quit()
        except Exception:  # the browser may already be gone
            pass


@pytest.fixture(scope="module")
def driver(make_driver):
    return make_driver("zh-CN")


def save_screenshot(drv, name: str) -> pathlib.Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    drv.save_screenshot(str(path))
    return path


@pytest.fixture
def screenshot():
    return save_screenshot
