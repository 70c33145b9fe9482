"""Correcting a record: revoke and replace in one transaction, both or neither."""

from __future__ import annotations

from datetime import date

import pytest
from api_helpers import USCC_A, valid_uscc
from sqlalchemy import select

from credit_engine.errors import Conflict, ValidationFailed
from credit_engine.services.record_correction import correct_record
from credit_engine.services.records import ingest_records
from credit_engine.storage.models import EnterpriseRow, RecordRow, RevocationRow
from credit_engine.validation.errors import load_or_raise
from credit_engine.validation.records import RecordInSchema

SHOP = valid_uscc(USCC_A)
TODAY = date(2026, 12, 6)


def _record(external_id: str, day: str, substantiated: bool) -> dict:
    return load_or_raise(RecordInSchema, {
        "external_id": external_id, "subject": {"type": "enterprise", "id": SHOP},
        "kind": "complaint", "occurred_on": day, "details": {"substantiated": substantiated}},
        today=TODAY)


@pytest.fixture
def wrong_id(container) -> int:
    with container.transaction() as session:
        session.add(EnterpriseRow(uscc=SHOP, name="金碗餐馆", category="catering"))
        session.flush()
        [result] = ingest_records(session, [_record("C-1", "2026-05-01", True)], "clerk")
        return int(result["id"])


def test_a_correction_revokes_and_replaces_together(container, wrong_id) -> None:
    with container.transaction() as session:
        done = correct_record(session, wrong_id, "录入错误", date(2026, 5, 1),
                              _record("C-1a", "2026-05-01", False), "user:clerk", TODAY)
    assert done["replacement"]["status"] == "created"
    with container.session_factory() as session:
        assert session.scalars(select(RevocationRow.record_id)).all() == [wrong_id]
        assert sorted(session.scalars(select(RecordRow.external_id))) == ["C-1", "C-1a"]


def test_a_refused_replacement_leaves_the_record_unrevoked(container, wrong_id) -> None:
    with container.transaction() as session:  # C-2 exists with other content
        ingest_records(session, [_record("C-2", "2026-06-01", True)], "clerk")
    with pytest.raises(Conflict), container.transaction() as session:
        correct_record(session, wrong_id, "录入错误", date(2026, 5, 1),
                       _record("C-2", "2026-06-02", False), "user:clerk", TODAY)
    with container.session_factory() as session:
        assert session.scalars(select(RevocationRow)).all() == []


def test_a_replacement_must_be_of_the_same_subject_and_a_new_external_id(
        container, wrong_id) -> None:
    with pytest.raises(ValidationFailed) as error, container.transaction() as session:
        correct_record(session, wrong_id, "录入错误", date(2026, 5, 1),
                       _record("C-1", "2026-05-01", False), "user:clerk", TODAY)
    assert "external_id" in error.value.errors
