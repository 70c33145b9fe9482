"""Services refuse dates after the settings' today, so a direct call cannot compute or
store anything for the future; validators get today only from their caller."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from credit_engine.bootstrap import Container
from credit_engine.domain.model import SubjectRef
from credit_engine.errors import ValidationFailed
from credit_engine.regrade.driver import run_regrade
from credit_engine.regrade.executors import SerialExecutor
from credit_engine.regrade.planning import FULL
from credit_engine.services import grading, records, repairs, subjects
from credit_engine.storage.models import GradeRow, JobRunRow, RecordRow, RepairRow, RevocationRow
from credit_engine.validation import RevokeInSchema, load_or_raise
from credit_engine.validation.context import TodayNotSet

TODAY = date(2026, 11, 29)
TOMORROW = TODAY + timedelta(days=1)
USCC = "91310000631234567X"


@pytest.fixture
def shop(container_on: Callable[[date], Container]) -> Container:
    """A container whose clock stands on TODAY, with one enterprise and one penalty."""
    container = container_on(TODAY)
    with container.transaction() as session:
        subjects.upsert_enterprise(session, USCC, {"name": "Golden Wok", "category": "catering"},
                                   "test")
        records.ingest_records(session, [{
            "external_id": "pen-1", "subject": {"type": "enterprise", "id": USCC},
            "kind": "penalty", "occurred_on": date(2026, 6, 1),
            "details": {"measures": ["warning"]}}], "test")
    return container


def _count(container: Container, model: type) -> int:
    with container.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_a_regrade_run_for_tomorrow_is_refused_before_anything_is_claimed(shop: Container) -> None:
    with pytest.raises(ValidationFailed) as refused:
        run_regrade(shop, "full_regrade", FULL, TOMORROW, SerialExecutor(shop))
    assert list(refused.value.errors) == ["as_of"]
    assert (_count(shop, JobRunRow), _count(shop, GradeRow)) == (0, 0)


def test_a_regrade_run_for_today_stores_todays_grades(shop: Container) -> None:
    report = run_regrade(shop, "full_regrade", FULL, TODAY, SerialExecutor(shop))
    assert report.regraded == 1
    with shop.session_factory() as session:
        assert list(session.scalars(select(GradeRow.as_of))) == [TODAY]


def test_credit_for_a_date_after_today_is_refused(shop: Container) -> None:
    with shop.transaction() as session, pytest.raises(ValidationFailed) as refused:
        grading.credit_for(session, shop.rulesets, SubjectRef("enterprise", USCC), TOMORROW, TODAY,
                           margin=shop.settings.dirty_margin)
    assert list(refused.value.errors) == ["as_of"]


def test_revocation_and_repair_after_today_are_refused_and_store_nothing(shop: Container) -> None:
    with shop.session_factory() as session:
        record_id = session.scalar(select(RecordRow.id))
    with shop.transaction() as session, pytest.raises(ValidationFailed) as revoke:
        records.revoke_record(session, record_id, "overturned", TOMORROW, "test", TODAY)
    with shop.transaction() as session, pytest.raises(ValidationFailed) as repair:
        repairs.approve_repair(session, shop.rulesets, record_id, TOMORROW, "", "test", TODAY)
    assert (list(revoke.value.errors), list(repair.value.errors)) == (["revoked_on"], ["approved_on"])
    assert (_count(shop, RevocationRow), _count(shop, RepairRow)) == (0, 0)


def test_a_validator_outside_a_request_needs_today_from_its_caller() -> None:
    with pytest.raises(TodayNotSet):
        load_or_raise(RevokeInSchema, {"reason": "overturned"})
    loaded = load_or_raise(RevokeInSchema, {"reason": "overturned"}, today=TODAY)
    assert loaded["revoked_on"] == TODAY
    with pytest.raises(ValidationFailed) as refused:
        load_or_raise(RevokeInSchema, {"reason": "x", "revoked_on": TOMORROW.isoformat()},
                      today=TODAY)
    assert list(refused.value.errors) == ["revoked_on"]
