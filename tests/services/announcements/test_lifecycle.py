"""The lifecycle job: an announcement becomes final once its objection deadline has passed
with no objection pending (docs/domain.md, Announcements and objections)."""

from datetime import date

from sqlalchemy import select

from credit_engine.calendars.schedules import official_calendar
from credit_engine.services.announcements import (
    close_expired_objection_windows, publish_announcements,
)
from credit_engine.services.objections import file_objection
from credit_engine.storage.models import AuditRow

from announcement_builders import SHOP, SUSPENSION, result

MONDAY = date(2026, 3, 2)
DEADLINE = date(2026, 3, 23)  # 15 working days after Monday 2 March 2026


def _announce(session):
    [row] = publish_announcements(session, SHOP, "B",
                                  result("D", MONDAY, reasons=(SUSPENSION,)), MONDAY, "tester",
                                  calendar=official_calendar())
    assert row.objection_deadline == DEADLINE
    return row


def test_an_announcement_stays_open_up_to_and_including_its_deadline(session):
    row = _announce(session)
    assert close_expired_objection_windows(session, DEADLINE) == []
    assert row.final_on is None


def test_the_day_after_the_deadline_it_becomes_final_once_and_is_audited(session):
    row = _announce(session)
    assert close_expired_objection_windows(session, date(2026, 3, 24)) == [row.id]
    assert row.final_on == date(2026, 3, 24)
    assert close_expired_objection_windows(session, date(2026, 3, 25)) == []
    [entry] = session.scalars(select(AuditRow).where(AuditRow.action == "announcements.final"))
    assert entry.payload["count"] == 1 and entry.actor == "scheduler"


def test_a_pending_objection_filed_in_time_keeps_it_open_past_the_deadline(session):
    row = _announce(session)
    file_objection(session, row.id, "the penalty was overturned", [7], DEADLINE, "desk", DEADLINE)
    assert close_expired_objection_windows(session, date(2026, 4, 1)) == []
    assert row.final_on is None
