"""Objections: within 15 working days (201), late 409; upheld withdraws, revokes, regrades."""

from datetime import date

import pytest
from sqlalchemy import select

from credit_engine.errors import Conflict, ValidationFailed
from credit_engine.services.announcements import with_status
from credit_engine.services.objections import file_objection, resolve_objection
from credit_engine.storage.models import (
    AnnouncementRow, AuditRow, RevocationRow,
)

from announcement_builders import SHOP, publish_suspension_announcement

PUBLISHED = date(2026, 3, 2)      # Monday; deadline 23 March 2026 (15 working days)
DEADLINE = date(2026, 3, 23)
TODAY = date(2026, 6, 1)


class RegradeRecorder:
    """A fake regrade_subjects that remembers what it was asked to do."""

    def __init__(self):
        self.calls = []

    def __call__(self, session, registry, subjects, as_of, actor):
        self.calls.append((list(subjects), as_of))


@pytest.fixture
def announcement(session) -> AnnouncementRow:
    return publish_suspension_announcement(session, PUBLISHED)


def file(session, row, filed_on, record_ids=(7,)):
    return file_objection(session, row.id, "处罚已被复议撤销", list(record_ids), filed_on,
                          "objector", TODAY)


def status(session, row, day):
    return with_status(session, [row], day)[0].status


def test_objection_on_the_deadline_day_is_accepted_and_puts_it_under_objection(session, announcement):
    objection = file(session, announcement, DEADLINE)
    assert objection.status == "pending"
    assert status(session, announcement, DEADLINE) == "under_objection"


def test_objection_the_day_after_the_deadline_is_a_conflict(session, announcement):
    with pytest.raises(Conflict, match="2026-03-23"):
        file(session, announcement, date(2026, 3, 24))


def test_objection_naming_a_record_the_announcement_does_not_rest_on_is_refused(session, announcement):
    with pytest.raises(ValidationFailed) as caught:
        file(session, announcement, date(2026, 3, 3), record_ids=(99,))
    assert "record_ids" in caught.value.errors


def test_objection_filed_in_the_future_is_refused(session, announcement):
    with pytest.raises(ValidationFailed) as caught:
        file_objection(session, announcement.id, "x", [], date(2026, 6, 2), "o", TODAY)
    assert "filed_on" in caught.value.errors


def test_rejected_objection_leaves_the_announcement_published(session, announcement):
    objection = file(session, announcement, date(2026, 3, 3))
    regrade = RegradeRecorder()
    resolve_objection(session, None, objection.id, False, "依据充分", date(2026, 3, 10),
                      "office", TODAY, regrade=regrade)
    assert status(session, announcement, date(2026, 3, 10)) == "published"
    assert regrade.calls == []
    assert session.scalar(select(RevocationRow)) is None


def test_upheld_objection_withdraws_revokes_as_of_the_record_date_and_regrades(session, announcement):
    objection = file(session, announcement, date(2026, 3, 3))
    regrade = RegradeRecorder()
    resolve_objection(session, None, objection.id, True, "复议撤销", date(2026, 3, 10),
                      "office", TODAY, regrade=regrade)
    assert status(session, announcement, date(2026, 3, 10)) == "withdrawn"
    assert announcement.withdrawn_on == date(2026, 3, 10)
    revocation = session.scalars(select(RevocationRow)).one()
    assert (revocation.record_id, revocation.revoked_on) == (7, date(2026, 2, 20))
    assert regrade.calls == [([SHOP, SHOP], date(2026, 3, 10))]


def test_resolving_twice_is_a_conflict(session, announcement):
    objection = file(session, announcement, date(2026, 3, 3))
    resolve_objection(session, None, objection.id, False, None, date(2026, 3, 10), "office",
                      TODAY, regrade=RegradeRecorder())
    with pytest.raises(Conflict):
        resolve_objection(session, None, objection.id, True, None, date(2026, 3, 11), "office",
                          TODAY, regrade=RegradeRecorder())


def test_objection_to_a_withdrawn_announcement_is_a_conflict(session, announcement):
    objection = file(session, announcement, date(2026, 3, 3))
    resolve_objection(session, None, objection.id, True, None, date(2026, 3, 10), "office",
                      TODAY, regrade=RegradeRecorder())
    with pytest.raises(Conflict, match="withdrawn"):
        file(session, announcement, date(2026, 3, 11), record_ids=())


def test_filing_and_resolving_are_audited(session, announcement):
    objection = file(session, announcement, date(2026, 3, 3))
    resolve_objection(session, None, objection.id, True, "ok", date(2026, 3, 10), "office",
                      TODAY, regrade=RegradeRecorder())
    actions = session.scalars(select(AuditRow.action).order_by(AuditRow.id)).all()
    assert actions == ["announcement.publish", "objection.file", "objection.resolve",
                       "announcement.withdraw", "record.revoked"]
