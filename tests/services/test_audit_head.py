"""The audit chain's head: printed as N:HASH, published by the daily verification, served
at /public/v1/audit-head, and checked by `audit verify --head` (a deleted tail or a
rewritten entry is seen even when every hash after it was recomputed)."""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner
from sqlalchemy import select, text

from credit_engine.api.app import create_app
from credit_engine.commands import audit as audit_commands
from credit_engine.jobs import tasks
from credit_engine.domain.audit_chain import GENESIS_HASH, entry_hash
from credit_engine.services.audit import AuditHead, append_audit, parse_head, verify_chain
from credit_engine.errors import ValidationFailed
from credit_engine.storage.models import AuditHeadRow, AuditRow
from process_helpers import settings_env

main = click.Group(commands=[audit_commands.audit])


def _cli(settings, *args):
    return CliRunner().invoke(main, ["audit", *args], env=settings_env(settings))


def _append(container, count, start=1):
    with container.transaction() as session:
        for n in range(start, start + count):
            append_audit(session, "tester", "test.act", f"thing:{n}", {"n": n})


def _head(settings) -> str:
    result = _cli(settings, "head")
    assert result.exit_code == 0, result.output
    return result.stdout.strip().splitlines()[-1]


def _execute(container, sql, **params):
    with container.engine.begin() as connection:
        connection.execute(text(sql), params)


def test_audit_head_prints_entries_and_the_newest_hash(settings, container):
    _append(container, 3)
    with container.session_factory() as session:
        newest = session.scalar(select(AuditRow.hash).order_by(AuditRow.id.desc()).limit(1))
    assert _head(settings) == f"3:{newest}"


def test_the_head_of_an_empty_log_is_zero_and_64_zeros(settings):
    assert _head(settings) == f"0:{GENESIS_HASH}"


def test_audit_head_refuses_a_broken_chain(settings, container):
    _append(container, 3)
    _execute(container, "UPDATE audit_log SET actor = 'someone' WHERE id = (SELECT min(id) FROM audit_log)")
    result = _cli(settings, "head")
    assert result.exit_code == 1 and "broken" in result.stderr and result.stdout == ""


def test_verify_head_accepts_the_same_log(settings, container):
    _append(container, 3)
    head = _head(settings)
    result = _cli(settings, "verify", "--head", head)
    assert result.exit_code == 0, result.output
    assert "holds the head" in result.stdout


def test_verify_head_accepts_a_longer_log(settings, container):
    _append(container, 3)
    head = _head(settings)
    _append(container, 2, start=4)
    result = _cli(settings, "verify", "--head", head)
    assert result.exit_code == 0, result.output
    assert "5 entries" in result.stdout


def test_verify_head_detects_a_deleted_tail(settings, container):
    _append(container, 3)
    head = _head(settings)
    _execute(container, "DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)")
    assert _cli(settings, "verify").exit_code == 0  # the chain alone cannot tell
    result = _cli(settings, "verify", "--head", head)
    assert result.exit_code == 1
    assert "deleted at the end" in result.stderr


def _rewrite_from(container, position):
    """Change entry number `position` and recompute every hash after it: a chain that
    verifies on its own."""
    with container.transaction() as session:
        rows = session.scalars(select(AuditRow).order_by(AuditRow.id)).all()
        prev = rows[position - 1].prev_hash
        for row in rows[position - 1:]:
            if row is rows[position - 1]:
                row.actor = "forger"
            # unique hashes: clear the old ones first so the new chain can be written
            row.prev_hash, row.hash = f"{row.id:064d}", f"{row.id + 10**6:064d}"
        session.flush()
        for row in rows[position - 1:]:
            row.prev_hash = prev
            row.hash = prev = entry_hash(prev, row.at, row.actor, row.action, row.target,
                                         row.payload)


def test_verify_head_detects_a_rewritten_entry_with_recomputed_hashes(settings, container):
    _append(container, 3)
    head = _head(settings)
    _rewrite_from(container, 2)
    assert _cli(settings, "verify").exit_code == 0  # rewritten consistently
    result = _cli(settings, "verify", "--head", head)
    assert result.exit_code == 1
    assert "rewritten" in result.stderr


@pytest.mark.parametrize("bad", ["3", "x:" + "a" * 64, "3:" + "a" * 63, "0:" + "a" * 64])
def test_a_malformed_head_is_refused(bad):
    with pytest.raises(ValidationFailed):
        parse_head(bad)


def test_verify_head_with_a_malformed_head_exits_2(settings):
    result = _cli(settings, "verify", "--head", "not-a-head")
    assert result.exit_code == 2 and "N:HASH" in result.output


def test_a_broken_chain_is_reported_before_the_head(container):
    _append(container, 3)
    _execute(container, "UPDATE audit_log SET actor = 'x' WHERE id = (SELECT max(id) FROM audit_log)")
    with container.session_factory() as session:
        result = verify_chain(session, head=AuditHead(1, "0" * 64))
    assert not result.ok and result.first_bad_id is not None and result.head_missing is None


@pytest.fixture
def verification_job(container):
    tasks.use_container(container)
    yield tasks.audit_chain_verification
    tasks.use_container(None)


def test_the_verification_job_publishes_the_head_and_the_public_api_serves_it(
        settings, container, verification_job):
    _append(container, 3)
    head = _head(settings)
    detail = verification_job()
    assert detail["published"] == head
    with container.session_factory() as session:
        (stored,) = session.scalars(select(AuditHeadRow)).all()
    assert (f"{stored.entries}:{stored.hash}", stored.published_on) == (
        head, container.settings.today())
    response = create_app(container=container).test_client().get("/public/v1/audit-head")
    assert response.status_code == 200
    assert response.get_json() == {"entries": 3, "hash": head.split(":")[1],
                                   "published_on": container.settings.today().isoformat()}
    assert "Authorization" not in response.request.headers
    assert response.headers["X-RateLimit-Limit"]  # under the public rate limit


def test_the_served_head_checks_with_verify_head(settings, container, verification_job):
    _append(container, 2)
    verification_job()
    served = create_app(container=container).test_client().get("/public/v1/audit-head").get_json()
    _append(container, 1, start=3)
    result = _cli(settings, "verify", "--head", f"{served['entries']}:{served['hash']}")
    assert result.exit_code == 0, result.output


def test_before_any_publication_the_audit_head_is_404(container):
    response = create_app(container=container).test_client().get("/public/v1/audit-head")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_a_broken_chain_publishes_no_head(container, verification_job):
    _append(container, 2)
    _execute(container, "UPDATE audit_log SET actor = 'x' WHERE id = (SELECT min(id) FROM audit_log)")
    with pytest.raises(Exception):
        verification_job()
    with container.session_factory() as session:
        assert session.scalars(select(AuditHeadRow)).all() == []


def test_the_audit_head_operation_is_documented(container):
    spec = create_app(container=container).test_client().get("/openapi.json").get_json()
    operation = spec["paths"]["/public/v1/audit-head"]["get"]
    assert operation["operationId"] == "getAuditHead"
    assert re.search(r"[\u4e00-\u9fff]", operation["summary"])
    assert "security" not in operation or operation["security"] == []
