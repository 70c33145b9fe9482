"""Which subjects an incremental regrade picks: changed, due, and linked through roles."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import update

from credit_engine.domain.model import SubjectRef
from credit_engine.storage.repositories.file_changes import dirty_subjects
from credit_engine.storage.models import (
    EnterpriseRow, GradeRow, PersonRow, RecordRow, RoleRow,
)
from job_population import add_enterprise, add_person, add_record, add_role, fine, repair, revoke

DAY = date(2026, 3, 2)
LONG_AGO = datetime(2020, 1, 1, tzinfo=timezone.utc)


def E(n):  # noqa: N802 - reads like the subject it names
    from job_population import uscc
    return SubjectRef("enterprise", uscc(n))


def P(n):  # noqa: N802
    return SubjectRef("person", f"p{n:08d}")


@pytest.fixture
def town(container):
    """E1 employs P1, who is also principal of E2; E3 and P2 stand alone; all known long ago."""
    with container.transaction() as session:
        for n in (1, 2, 3):
            add_enterprise(session, n)
        for n in (1, 2):
            add_person(session, n)
        add_role(session, E(1).id, P(1).id, "legal_representative", date(2020, 1, 1))
        add_role(session, E(2).id, P(1).id, "principal", date(2021, 1, 1))
        add_record(session, ("enterprise", E(3).id), "penalty", date(2025, 6, 1), fine(500))
        session.flush()
        for model in (EnterpriseRow, PersonRow, RoleRow):
            session.execute(update(model).values(updated_at=LONG_AGO))
        session.execute(update(RecordRow).values(received_at=LONG_AGO))
    return container


def _dirty(container, since=datetime(2026, 1, 1, tzinfo=timezone.utc), as_of=DAY):
    with container.session_factory() as session:
        return set(dirty_subjects(session, since, as_of).subjects)


def test_nothing_changed_and_nothing_due_means_nothing_dirty(town):
    assert _dirty(town) == set()


def test_new_record_of_a_standalone_enterprise_dirties_only_it(town):
    with town.transaction() as session:
        add_record(session, ("enterprise", E(3).id), "penalty", date(2026, 2, 1), fine(800))
    assert _dirty(town) == {E(3)}


def test_revocation_dirties_the_record_subject(town):
    with town.transaction() as session:
        record_id = session.query(RecordRow.id).filter_by(enterprise_uscc=E(3).id).scalar()
        revoke(session, record_id, date(2026, 2, 1))
    assert _dirty(town) == {E(3)}


def test_repair_dirties_the_record_subject(town):
    with town.transaction() as session:
        record_id = session.query(RecordRow.id).filter_by(enterprise_uscc=E(3).id).scalar()
        repair(session, record_id, date(2026, 2, 1))
    assert _dirty(town) == {E(3)}


def test_changes_before_the_watermark_are_not_dirty(town):
    with town.transaction() as session:
        add_record(session, ("enterprise", E(3).id), "penalty", date(2026, 2, 1), fine(800))
    later = datetime.now(timezone.utc) + timedelta(minutes=1)
    assert _dirty(town, since=later) == set()


def test_person_record_dirties_the_person_and_every_enterprise_of_the_person(town):
    with town.transaction() as session:
        add_record(session, ("person", P(1).id), "conviction", date(2026, 2, 1),
                   {"imprisonment": True, "case_no": "刑1"})
    assert _dirty(town) == {P(1), E(1), E(2)}


def test_enterprise_penalty_spreads_to_its_persons_and_their_other_enterprises(town):
    with town.transaction() as session:
        add_record(session, ("enterprise", E(1).id), "penalty", date(2026, 2, 1),
                   {"decision_no": "吊1", "measures": ["licence_revocation"]})
    assert _dirty(town) == {E(1), P(1), E(2)}


def test_new_role_dirties_the_enterprise_and_the_person(town):
    with town.transaction() as session:
        add_role(session, E(3).id, P(2).id, "principal", date(2026, 2, 1))
    assert _dirty(town) == {E(3), P(2)}


def test_new_subject_is_dirty(town):
    with town.transaction() as session:
        add_enterprise(session, 9)
    assert _dirty(town) == {E(9)}


def _grade(session, subject, as_of, next_change_on):
    session.add(GradeRow(subject_type=subject.type, subject_id=subject.id, as_of=as_of,
                         ruleset="r@1", score=90, grade="A", result={},
                         next_change_on=next_change_on))


def test_latest_grade_falling_due_dirties_the_subject(town):
    with town.transaction() as session:
        _grade(session, E(3), date(2026, 1, 1), DAY)
    assert _dirty(town) == {E(3)}


def test_grade_due_tomorrow_is_not_dirty_today(town):
    with town.transaction() as session:
        _grade(session, E(3), date(2026, 1, 1), DAY + timedelta(days=1))
    assert _dirty(town) == set()


def test_superseded_grade_falling_due_is_ignored(town):
    with town.transaction() as session:
        _grade(session, E(3), date(2026, 1, 1), date(2026, 2, 1))
        _grade(session, E(3), date(2026, 2, 1), date(2027, 1, 1))
    assert _dirty(town) == set()


def test_grade_falling_due_does_not_spread_because_each_file_has_its_own_date(town):
    # E1's and E2's next-change dates already cover P1's file, which they contain.
    with town.transaction() as session:
        _grade(session, P(1), date(2026, 1, 1), DAY)
    assert _dirty(town) == {P(1)}


def test_inspection_of_an_enterprise_does_not_spread_to_its_persons(town):
    # A person's file holds only the penalties of the person's enterprises.
    with town.transaction() as session:
        add_record(session, ("enterprise", E(1).id), "inspection", date(2026, 2, 1),
                   {"result": "compliant", "key_items_failed": 0, "general_items_failed": 0,
                    "refused": False})
    assert _dirty(town) == {E(1)}


def test_revoked_penalty_spreads_like_a_new_one(town):
    with town.transaction() as session:
        row = add_record(session, ("enterprise", E(1).id), "penalty", date(2025, 6, 1), fine(500))
        session.execute(update(RecordRow).where(RecordRow.id == row.id).values(received_at=LONG_AGO))
        revoke(session, row.id, date(2026, 2, 1))
    assert _dirty(town) == {E(1), P(1), E(2)}
