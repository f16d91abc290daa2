"""The ``kefu`` command line against the real binary: ``setup``, ``demo``, configuration errors,
and a first start with no configuration at all.

- ``kefu setup --shop S --email E --password P`` creates a shop (exit 0); the same e-mail again
  exits non-zero saying the e-mail exists and changes nothing; a password over 72 bytes and a
  missing ``--shop`` exit non-zero with a message naming the problem.
- A wrong ``KEFU_PORT`` or ``KEFU_DATABASE_URL`` stops ``kefu serve`` with exactly one line on
  stderr naming the variable.
- ``kefu demo`` twice: the second run says the demo shop exists and exits 0.
- ``kefu import products|orders FILE``: shows its progress, stores every row; a file with a bad
  row exits non-zero naming the line and stores nothing of it.
- In an empty folder with no ``KEFU_*`` variable, ``kefu serve`` creates
  ``./kefu-data/kefu.sqlite`` and answers ``/health`` and ``/ready`` (the time to ready is
  printed, not asserted).
"""

from __future__ import annotations

import json
import pathlib
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from kefu_process import free_port, find_binary, kefu_env

SHOP = "命令行测试店"
EMAIL = "cli-owner@example.com"
PASSWORD = "cli-password-2026"


@pytest.fixture(scope="module")
def binary():
    path = find_binary()
    if not path.exists():
        pytest.fail(f"kefu binary not found at {path}; build it (swift build) or set KEFU_BIN")
    return path


def kefu(binary, folder: pathlib.Path, *args: str, env: dict | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run([str(binary), *args], cwd=folder, env=env if env is not None else kefu_env(),
                          capture_output=True, text=True, timeout=timeout)


def db_env(folder: pathlib.Path, **extra: str) -> dict:
    return kefu_env(KEFU_DATABASE_URL=f"sqlite://{folder}/cli.sqlite", **extra)


def counts(folder: pathlib.Path) -> tuple:
    with sqlite3.connect(folder / "cli.sqlite") as db:
        return (db.execute("SELECT count(*) FROM accounts").fetchone()[0],
                db.execute("SELECT count(*) FROM users").fetchone()[0],
                db.execute("SELECT group_concat(name) FROM accounts").fetchone()[0],
                db.execute("SELECT group_concat(password_hash) FROM users").fetchone()[0])


def output(result: subprocess.CompletedProcess) -> str:
    return result.stdout + result.stderr


def test_setup_creates_a_shop_and_refuses_the_same_email_again(binary, tmp_path):
    env = db_env(tmp_path)
    first = kefu(binary, tmp_path, "setup", "--shop", SHOP, "--email", EMAIL, "--password", PASSWORD, env=env)
    assert first.returncode == 0, output(first)
    assert SHOP in first.stdout and EMAIL in first.stdout
    before = counts(tmp_path)
    assert before[:3] == (1, 1, SHOP)

    again = kefu(binary, tmp_path, "setup", "--shop", "另一家店", "--email", EMAIL, "--password", "another-password-1",
                 env=env)
    assert again.returncode != 0, output(again)
    message = output(again).lower()
    assert EMAIL in message and ("exist" in message or "in use" in message), output(again)
    assert counts(tmp_path) == before, "a refused setup changed the database"


def test_setup_refuses_a_password_over_72_bytes(binary, tmp_path):
    env = db_env(tmp_path)
    long_password = "密" * 25  # 75 bytes in UTF-8, 25 characters
    result = kefu(binary, tmp_path, "setup", "--shop", SHOP, "--email", EMAIL, "--password", long_password, env=env)
    assert result.returncode != 0, output(result)
    assert "72" in output(result) and "password" in output(result).lower(), output(result)
    with sqlite3.connect(tmp_path / "cli.sqlite") as db:
        assert db.execute("SELECT count(*) FROM users").fetchone()[0] == 0


def test_import_shows_progress_and_is_all_or_nothing(binary, tmp_path):
    env = db_env(tmp_path)
    assert kefu(binary, tmp_path, "setup", "--shop", SHOP, "--email", EMAIL, "--password", PASSWORD, env=env).returncode == 0
    products = tmp_path / "products.csv"
    products.write_text("external_id,title,keywords,currency,market_price,member_price\n"
                        + "".join(f"P-{i},商品 {i},袜子|纯棉,CNY,{i}.90,{i}.50\n" for i in range(1, 251)), encoding="utf-8")
    imported = kefu(binary, tmp_path, "import", "products", str(products), env=env)
    assert imported.returncode == 0, output(imported)
    assert "products: 250/250 (100 %)" in imported.stdout and "products: 100/250" in imported.stdout, imported.stdout
    assert "250 new" in imported.stdout, imported.stdout
    orders = tmp_path / "orders.csv"
    orders.write_text("external_id,status,currency,buyer_id,shipping_fee,sku,title,quantity,unit_price\n"
                      "O-1,unpaid,CNY,C1,10,P-1,商品 1,2,1.90\n"
                      "O-2,unpaid,CNY,C2,0,P-2,商品 2,1,-2.90\n", encoding="utf-8")
    refused = kefu(binary, tmp_path, "import", "orders", str(orders), "--shop", SHOP, env=env)
    assert refused.returncode != 0, output(refused)
    assert "line 3" in output(refused) and "unit_price" in output(refused), output(refused)
    missing = kefu(binary, tmp_path, "import", "orders", str(tmp_path / "nope.csv"), env=env)
    assert missing.returncode != 0 and "nope.csv" in output(missing), output(missing)
    with sqlite3.connect(tmp_path / "cli.sqlite") as db:
        assert db.execute("SELECT count(*), sum(market_price) FROM products").fetchone() == (250, sum(i * 100 + 90 for i in range(1, 251)))
        assert db.execute("SELECT count(*) FROM orders").fetchone()[0] == 0, "a refused file stored orders"


def test_setup_without_shop_says_so(binary, tmp_path):
    result = kefu(binary, tmp_path, "setup", "--email", EMAIL, "--password", PASSWORD, env=db_env(tmp_path))
    assert result.returncode != 0, output(result)
    assert "--shop" in output(result), output(result)


@pytest.mark.parametrize("variable, value", [("KEFU_PORT", "abc"), ("KEFU_DATABASE_URL", "mysql://x")])
def test_a_wrong_setting_stops_serve_with_one_line_naming_it(binary, tmp_path, variable, value):
    env = kefu_env(KEFU_DATABASE_URL=f"sqlite://{tmp_path}/cli.sqlite", KEFU_PORT=str(free_port()))
    env[variable] = value
    result = kefu(binary, tmp_path, "serve", env=env, timeout=60)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}:\n{result.stderr}"
    assert variable in lines[0], lines[0]


def test_demo_twice_says_it_exists(binary, tmp_path):
    env = db_env(tmp_path)
    first = kefu(binary, tmp_path, "demo", env=env)
    assert first.returncode == 0, output(first)
    before = counts(tmp_path)
    second = kefu(binary, tmp_path, "demo", env=env)
    assert second.returncode == 0, output(second)
    assert "exists" in output(second) or "already" in output(second), output(second)
    assert counts(tmp_path) == before


def _port_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def _get(url: str) -> tuple[int, dict] | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, {}
    except (urllib.error.URLError, ConnectionError, OSError):
        return None


def test_serve_with_no_configuration_in_an_empty_folder(binary, tmp_path):
    folder = tmp_path / "empty"
    folder.mkdir()
    args = ["serve"]
    port = 8080
    if not _port_free(port):  # something else has the default port here: the one flag that moves it
        port = free_port()
        args += ["--port", str(port)]
    env = kefu_env()  # not a single KEFU_* variable
    started = time.monotonic()
    proc = subprocess.Popen([str(binary), *args], cwd=folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    try:
        health = ready = None
        deadline = started + 60
        while time.monotonic() < deadline and proc.poll() is None:
            if health is None:
                answer = _get(f"http://127.0.0.1:{port}/health")
                if answer and answer[0] == 200:
                    health = time.monotonic()
            answer = _get(f"http://127.0.0.1:{port}/ready")
            if answer and answer[0] == 200:
                ready = time.monotonic()
                break
            time.sleep(0.05)
        assert proc.poll() is None, f"kefu serve exited with {proc.returncode}:\n{proc.stdout.read()}"
        assert ready, "kefu serve did not answer /ready within 60 s"
        print(f"\nno configuration: /ready answered {ready - started:.2f} s after start "
              f"(/health at {(health or ready) - started:.2f} s){' on port ' + str(port) if args[1:] else ''}")
        status, body = _get(f"http://127.0.0.1:{port}/health")
        assert status == 200 and body.get("status") == "ok", body
        status, body = _get(f"http://127.0.0.1:{port}/ready")
        assert status == 200, body
        assert (folder / "kefu-data" / "kefu.sqlite").is_file(), sorted(p.name for p in folder.rglob("*"))
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
