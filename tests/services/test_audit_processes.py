"""Audit appends from several real processes at once: every request answered, one chain.

A decision is a read that writes its audit entry. Under load two processes used to read
the same last entry and one of them lost the race (a 409 after five retries). Appends
now take the database's write lock before reading the chain's end, so they queue.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from credit_engine.services.audit import append_audit, verify_chain
from credit_engine.services.keys import create_key
from credit_engine.storage.models import AuditRow
from credit_engine.storage.unit_of_work import run_in_transaction
from credit_engine.domain.identifiers import uscc_check_char

pytestmark = pytest.mark.slow

PROCESSES = 4
REQUESTS_EACH = 60
ENTERPRISE = "91620900631234567" + uscc_check_char("91620900631234567")

# One client process: its own app and connection pool on the shared database, asking for
# decisions as fast as it can, then printing the status codes it got.
_CLIENT = r"""
import collections, json, sys
from credit_engine.api.app import create_app
from credit_engine.config import Settings

url, key, uscc, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
app = create_app(Settings(database_url=url, public_rate_limit="100000 per minute",
                          data_key_file=sys.argv[5] or None))
client = app.test_client()
headers = {"Authorization": f"Bearer {key}"}
client.get("/healthz")
print("ready", flush=True)
sys.stdin.readline()  # start together
statuses = collections.Counter()
for n in range(count):
    context = ("licensing", "financing", "procurement", "inspection")[n % 4]
    response = client.get(f"/api/v1/decisions?subject_type=enterprise&subject_id={uscc}"
                          f"&context={context}", headers=headers)
    statuses[response.status_code] += 1
print(json.dumps(statuses), flush=True)
"""

# One writer process appending straight through the service, without any retry.
_APPENDER = r"""
import sys
from credit_engine.bootstrap import bootstrap
from credit_engine.config import Settings
from credit_engine.services.audit import append_audit

url, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
container = bootstrap(Settings(database_url=url, data_key_file=sys.argv[4] or None))
print("ready", flush=True)
sys.stdin.readline()
for n in range(count):
    with container.transaction() as session:
        append_audit(session, name, "test.processes", f"entry:{n}", {"n": n})
print("done", flush=True)
"""


def _key_file(container) -> str:
    """The data key file the processes need on PostgreSQL ("" for none: SQLite's own)."""
    return str(getattr(container.settings, "data_key_file", None) or "")


def _start_together(commands: list[list[str]]) -> list[str]:
    """Start every process, wait until each is ready, release them at once; their last lines."""
    procs = [subprocess.Popen(c, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for c in commands]
    try:
        for proc in procs:
            assert proc.stdout is not None
            line = proc.stdout.readline()
            assert line.strip() == "ready", proc.stderr.read() if proc.stderr else line
        for proc in procs:
            assert proc.stdin is not None
            proc.stdin.write("go\n")
            proc.stdin.flush()
        outputs = []
        for proc in procs:
            out, err = proc.communicate(timeout=240)
            assert proc.returncode == 0, err[-3000:]
            outputs.append(out.strip().splitlines()[-1])
        return outputs
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()


def test_decisions_from_several_processes_are_all_answered_and_audited(container, database_url):
    with container.transaction() as session:
        key = create_key(session, "desk", ["decisions:read", "records:write"])
    from credit_engine.api.app import create_app

    client = create_app(container=container).test_client()
    assert client.put(f"/api/v1/enterprises/{ENTERPRISE}",
                      headers={"Authorization": f"Bearer {key}"},
                      json={"name": "酒泉市示范餐饮有限公司", "category": "catering"}).status_code in (200, 201)
    with container.session_factory() as session:
        before = session.query(AuditRow).count()

    outputs = _start_together([[sys.executable, "-c", _CLIENT, database_url, key, ENTERPRISE,
                                str(REQUESTS_EACH), _key_file(container)]
                               for _ in range(PROCESSES)])

    statuses: dict[str, int] = {}
    for output in outputs:
        for status, count in json.loads(output).items():
            statuses[status] = statuses.get(status, 0) + count
    assert statuses == {"200": PROCESSES * REQUESTS_EACH}
    with container.session_factory() as session:
        result = verify_chain(session)
        added = session.query(AuditRow).count() - before
    assert result.ok, result.reason
    assert added == PROCESSES * REQUESTS_EACH  # one entry per decision, none lost


def test_appends_without_retry_from_several_processes_never_fork_the_chain(container, database_url):
    count = 150
    outputs = _start_together([[sys.executable, "-c", _APPENDER, database_url, f"p{n}", str(count),
                                _key_file(container)] for n in range(PROCESSES)])
    assert outputs == ["done"] * PROCESSES  # no IntegrityError, no "database is locked"
    with container.session_factory() as session:
        result = verify_chain(session)
    assert (result.ok, result.checked) == (True, PROCESSES * count)


def test_a_transaction_that_already_wrote_appends_under_its_own_lock(container):
    # The write lock is already held by the earlier write: taking it again must not fail.
    def use_case(session):
        append_audit(session, "cli", "test.first", "t:1", {})
        return append_audit(session, "cli", "test.second", "t:2", {})

    second = run_in_transaction(container.session_factory, use_case, attempts=1)
    with container.session_factory() as session:
        result = verify_chain(session)
    assert (result.ok, result.checked, result.head_hash) == (True, 2, second.hash)
