"""Contract: a real `credit-engine serve` process (gunicorn) answering real HTTP on loopback."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from credit_engine.bootstrap import bootstrap
from credit_engine.config import Settings
from credit_engine.services.keys import create_key
from credit_engine.storage.migrate import upgrade_database

from api_helpers import USCC_A, valid_uscc
from process_helpers import free_port

pytestmark = pytest.mark.slow
COMMAND = Path(sys.executable).parent / "credit-engine"


def _call(method: str, url: str, body: Any = None, key: str | None = None) -> tuple[int, Any]:
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)
    if data is not None:
        request.add_header("Content-Type", "application/json")
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _wait_until_up(base: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"serve exited early:\n{log.read_text()}")
        try:
            if _call("GET", f"{base}/healthz")[0] == 200:
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.2)
    raise AssertionError("serve did not answer /healthz within 60 s")


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """A server on a free loopback port over a temp SQLite file: (base URL, writer key)."""
    tmp_path = tmp_path_factory.mktemp("served")
    url = f"sqlite:///{tmp_path / 'served.db'}"
    upgrade_database(url)
    container = bootstrap(Settings(database_url=url))
    with container.transaction() as session:
        key = create_key(session, "contract-test", ["records:write", "records:read"])
    container.engine.dispose()
    port = free_port()
    env = {**os.environ, "CREDIT_ENGINE_DATABASE_URL": url}
    log_path = tmp_path / "serve.log"
    with log_path.open("wb") as log:  # a file, not a pipe: a full pipe would block the server
        process = subprocess.Popen([str(COMMAND), "serve", "--port", str(port), "--workers", "1"],
                                   env=env, cwd=tmp_path, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process, log_path)
        assert f"http://127.0.0.1:{port}/" in log_path.read_text()
        yield base, key
    finally:
        process.send_signal(signal.SIGTERM)  # gunicorn's graceful stop
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_served_api_takes_an_enterprise_and_records_and_lists_them(served: tuple[str, str]) -> None:
    base, key = served
    uscc = valid_uscc(USCC_A)
    status, _ = _call("PUT", f"{base}/api/v1/enterprises/{uscc}", key=key,
                      body={"name": "Golden Wok Restaurant", "category": "catering"})
    assert status == 201
    record = {"external_id": "INS-1", "subject": {"type": "enterprise", "id": uscc},
              "kind": "inspection", "occurred_on": "2024-06-01",
              "details": {"result": "compliant", "key_items_failed": 0,
                          "general_items_failed": 0, "refused": False}}
    status, body = _call("POST", f"{base}/api/v1/records", key=key, body={"records": [record]})
    assert (status, body["records"][0]["status"]) == (201, "created")
    status, page = _call("GET", f"{base}/api/v1/records?subject_type=enterprise&subject_id={uscc}",
                         key=key)
    assert status == 200
    assert [item["external_id"] for item in page["items"]] == ["INS-1"]
    assert page["next_cursor"] is None


def test_served_api_answers_problems_without_a_key(served: tuple[str, str]) -> None:
    base, _ = served
    status, body = _call("GET", f"{base}/api/v1/records?subject_type=enterprise&subject_id=x")
    assert (status, body["status"]) == (401, 401)
