"""A short, seeded schemathesis pass over the OpenAPI document against the real binary (the
demo shop, an admin API token): every operation gets its documented examples and generated
requests, and no answer may be a server error. Skipped where schemathesis is not installed
(`.ci/run` installs it)."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import requests

from kefu_process import DEMO_OWNER, DEMO_PASSWORD, KefuProcess, copy_database, demo_database, find_binary
from test_protocol import manual_routing

pytest.importorskip("schemathesis")

SEED = 42
EXAMPLES = 10


def test_no_operation_of_the_openapi_document_answers_a_server_error(tmp_path):
    binary = find_binary()
    db = copy_database(demo_database(binary, tmp_path), tmp_path / "fuzz.sqlite")
    server = KefuProcess(binary, tmp_path, f"sqlite://{db}", name="fuzz").start()
    try:
        manual_routing(server.url)
        http = requests.Session()
        csrf = http.post(server.url + "/api/v1/auth/login", json={"email": DEMO_OWNER, "password": DEMO_PASSWORD}).json()["csrfToken"]
        token = http.post(server.url + "/api/v1/api-tokens", json={"name": "fuzz"}, headers={"X-CSRF-Token": csrf}).json()["token"]
        st = shutil.which("schemathesis") or shutil.which("st")
        assert st, "schemathesis is importable but its command is not on PATH"
        result = subprocess.run(
            [st, "run", server.url + "/api/openapi.json", "--url", server.url, "-H", f"Authorization: Bearer {token}",
             "-n", str(EXAMPLES), "--seed", str(SEED), "-c", "not_a_server_error", "--phases", "examples,fuzzing",
             "--request-timeout", "20", "--no-color"],
            capture_output=True, text=True, timeout=600, cwd=tmp_path)  # its cache stays out of the work tree
        summary = result.stdout[-3000:]
        assert result.returncode == 0, f"schemathesis found server errors:\n{summary}"
        assert "Tested:" in summary, summary
        assert "ERROR" not in server.log_text(), server.log_tail()
    finally:
        server.kill()
