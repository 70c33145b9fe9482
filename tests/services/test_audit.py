"""The hash-chained audit log: appends, verification and tamper detection."""

from __future__ import annotations

import hashlib
import threading
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from credit_engine.errors import ValidationFailed
from credit_engine.domain.audit_chain import canonical_json, normalise_timestamp
from credit_engine.services.audit import append_audit, verify_chain
from credit_engine.storage.models import AuditRow
from credit_engine.storage.unit_of_work import run_in_transaction

ZEROS = "0" * 64


def _append_three(container) -> list[int]:
    with container.transaction() as session:
        ids = [append_audit(session, "tester", "test.act", f"thing:{n}", {"n": n}).id
               for n in (1, 2, 3)]
    return ids


def _verify(container):
    with container.session_factory() as session:
        return verify_chain(session)


def _execute(container, sql: str, **params) -> None:
    with container.engine.begin() as connection:
        connection.execute(text(sql), params)


def test_an_empty_log_verifies(container):
    result = _verify(container)
    assert (result.ok, result.checked, result.head_hash) == (True, 0, ZEROS)


def test_an_intact_chain_verifies_every_entry(container):
    _append_three(container)
    result = _verify(container)
    assert (result.ok, result.checked, result.first_bad_id, result.reason) == (True, 3, None, None)


def test_the_first_entry_follows_64_zeros(container):
    first = _append_three(container)[0]
    with container.session_factory() as session:
        assert session.get(AuditRow, first).prev_hash == ZEROS


def test_each_entry_links_to_the_hash_of_the_one_before(container):
    ids = _append_three(container)
    with container.session_factory() as session:
        rows = [session.get(AuditRow, i) for i in ids]
    assert [r.prev_hash for r in rows[1:]] == [r.hash for r in rows[:-1]]


def test_the_hash_is_sha256_of_prev_hash_and_the_canonical_entry(container):
    with container.transaction() as session:
        row_id = append_audit(session, "alice", "key.create", "api_key:x", {"b": 2, "a": "食"}).id
    with container.session_factory() as session:  # read back: naive on SQLite, aware on PG
        row = session.get(AuditRow, row_id)
    at = row.at if row.at.tzinfo else row.at.replace(tzinfo=timezone.utc)
    stamp = at.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")
    body = ('{"action":"key.create","actor":"alice","at":"' + stamp + '",'
            '"payload":{"a":"食","b":2},"target":"api_key:x"}')
    assert row.hash == hashlib.sha256((ZEROS + body).encode("utf-8")).hexdigest()


def test_a_payload_edited_with_raw_sql_is_detected(container):
    ids = _append_three(container)
    _execute(container, "UPDATE audit_log SET payload = :p WHERE id = :i", p='{"n": 99}', i=ids[1])
    result = _verify(container)
    assert (result.ok, result.checked, result.first_bad_id) == (False, 1, ids[1])
    assert "modified" in result.reason


def test_a_deleted_entry_is_detected_at_the_entry_after_it(container):
    ids = _append_three(container)
    _execute(container, "DELETE FROM audit_log WHERE id = :i", i=ids[1])
    result = _verify(container)
    assert (result.ok, result.first_bad_id) == (False, ids[2])
    assert "deleted, inserted or reordered" in result.reason


def test_reordered_entries_are_detected(container):
    ids = _append_three(container)
    # Swap entries 2 and 3 through a spare id.
    _execute(container, "UPDATE audit_log SET id = 1000 WHERE id = :i", i=ids[1])
    _execute(container, "UPDATE audit_log SET id = :a WHERE id = :b", a=ids[1], b=ids[2])
    _execute(container, "UPDATE audit_log SET id = :a WHERE id = 1000", a=ids[2])
    result = _verify(container)
    assert (result.ok, result.first_bad_id) == (False, ids[1])


def test_an_inserted_entry_is_detected(container):
    ids = _append_three(container)
    _execute(container, "UPDATE audit_log SET id = 1000 WHERE id = :i", i=ids[2])
    _execute(container,
             "INSERT INTO audit_log (id, at, actor, action, target, payload, prev_hash, hash) "
             "VALUES (500, :at, 'mallory', 'forged', 'x', '{}', :prev, :hash)",
             at=datetime(2026, 1, 1, tzinfo=timezone.utc), prev="f" * 64, hash="e" * 64)
    result = _verify(container)
    assert (result.ok, result.checked, result.first_bad_id) == (False, 2, 500)


def test_a_second_entry_after_the_same_predecessor_is_rejected(container):
    ids = _append_three(container)
    with container.session_factory() as session:
        predecessor = session.get(AuditRow, ids[0]).hash
    with pytest.raises(IntegrityError):
        with container.transaction() as session:
            session.add(AuditRow(at=datetime.now(timezone.utc), actor="x", action="fork",
                                 target="x", payload={}, prev_hash=predecessor, hash="d" * 64))


def test_a_forked_append_is_retried_in_a_new_transaction(container):
    _append_three(container)
    attempts = []

    def use_case(session):
        attempts.append(1)
        if len(attempts) == 1:  # simulate a writer that lost the race for the last entry
            last = session.scalar(select(AuditRow.prev_hash).order_by(AuditRow.id.desc()))
            session.add(AuditRow(at=datetime.now(timezone.utc), actor="x", action="fork",
                                 target="x", payload={}, prev_hash=last, hash="d" * 64))
            session.flush()
        return append_audit(session, "tester", "test.retry", "thing:4", {}).id

    run_in_transaction(container.session_factory, use_case)
    assert len(attempts) == 2
    assert (_verify(container).ok, _verify(container).checked) == (True, 4)


def test_concurrent_writers_keep_a_single_chain(container):
    errors = []

    def writer(n):
        try:
            for i in range(5):
                run_in_transaction(
                    container.session_factory,
                    lambda s: append_audit(s, f"w{n}", "test.concurrent", f"t:{i}", {"i": i}),
                    attempts=20,
                )
        except Exception as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert (_verify(container).ok, _verify(container).checked) == (True, 15)


def test_a_payload_date_is_stored_as_the_iso_string_it_was_hashed_as(container):
    with container.transaction() as session:
        row_id = append_audit(session, "a", "b", "c", {"on": date(2026, 3, 1)}).id
    with container.session_factory() as session:
        assert session.get(AuditRow, row_id).payload == {"on": "2026-03-01"}
    assert _verify(container).ok


@pytest.mark.parametrize("field", ["actor", "action", "target"])
def test_an_empty_field_is_rejected_by_name(container, field):
    values = {"actor": "a", "action": "b", "target": "c", field: ""}
    with container.transaction() as session, pytest.raises(ValidationFailed) as raised:
        append_audit(session, payload={}, **values)
    assert field in raised.value.errors


def test_a_payload_that_is_not_json_is_rejected(container):
    with container.transaction() as session, pytest.raises(ValidationFailed) as raised:
        append_audit(session, "a", "b", "c", {"x": object()})
    assert "payload" in raised.value.errors


def test_naive_and_aware_timestamps_of_one_instant_normalise_alike():
    naive_utc = datetime(2026, 1, 2, 3, 4, 5, 6)
    shanghai = datetime(2026, 1, 2, 11, 4, 5, 6, tzinfo=timezone(timedelta(hours=8)))
    assert normalise_timestamp(naive_utc) == "2026-01-02T03:04:05.000006+00:00"
    assert normalise_timestamp(shanghai) == "2026-01-02T03:04:05.000006+00:00"


def test_canonical_json_sorts_keys_keeps_unicode_and_has_no_spaces():
    assert canonical_json({"b": [1, 2], "a": "食品"}) == '{"a":"食品","b":[1,2]}'


def test_a_long_chain_is_verified_across_batches(container):
    _append_three(container)
    _append_three(container)
    with container.session_factory() as session:
        result = verify_chain(session, batch_size=2)
    assert (result.ok, result.checked) == (True, 6)


def test_an_entry_forged_before_the_first_is_detected(container):
    _append_three(container)
    _execute(container,
             "INSERT INTO audit_log (id, at, actor, action, target, payload, prev_hash, hash) "
             "VALUES (0, :at, 'mallory', 'forged', 'x', '{}', :prev, :hash)",
             at=datetime(2026, 1, 1, tzinfo=timezone.utc), prev="f" * 64, hash="e" * 64)
    result = _verify(container)
    assert (result.ok, result.checked, result.first_bad_id) == (False, 0, 0)
