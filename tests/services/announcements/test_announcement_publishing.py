"""Announcements: one per grade change and per new listing, never twice (docs/domain.md)."""

from datetime import date

from sqlalchemy import func, select

from credit_engine.calendars.schedules import official_calendar
from credit_engine.services.announcements import publish_announcements, with_status
from credit_engine.storage.models import AnnouncementRow, AuditRow, ObjectionRow

from announcement_builders import SHOP, SUSPENSION, result

CALENDAR = official_calendar()
MONDAY = date(2026, 3, 2)


def publish(session, previous, current, day=MONDAY):
    previous_grade = previous.grade if previous else None
    return publish_announcements(session, SHOP, previous_grade, current, day, "tester",
                                 calendar=CALENDAR)


def count(session, kind=None) -> int:
    query = select(func.count()).select_from(AnnouncementRow)
    if kind:
        query = query.where(AnnouncementRow.type == kind)
    return session.scalar(query)


def test_grade_change_publishes_one_announcement_with_grades_reasons_and_deadline(session):
    [row] = publish(session, result("B", date(2026, 2, 1)),
                    result("D", MONDAY, reasons=(SUSPENSION,)))
    assert (row.type, row.old_grade, row.new_grade) == ("grade_change", "B", "D")
    assert row.reasons == [{"rule": "PEN-SUSPENSION", "points": -30,
                            "text": "停业整顿处罚，扣30分", "record_ids": [7]}]
    assert row.ruleset == "default@1"
    assert row.published_on == MONDAY
    assert row.objection_deadline == date(2026, 3, 23)  # 15 working days after Monday 2 March


def test_unchanged_grade_publishes_nothing(session):
    assert publish(session, result("B", date(2026, 2, 1)), result("B", MONDAY)) == []


def test_first_ever_grade_publishes_nothing(session):
    assert publish(session, None, result("C", MONDAY)) == []


def test_first_ever_grade_that_is_a_listing_publishes_the_listing(session):
    [row] = publish(session, None, result("D", MONDAY, listed_until=date(2029, 3, 2),
                                          listing_ids=(7,)))
    assert (row.type, row.old_grade, row.new_grade) == ("listing", None, "D")
    assert row.listed_until == date(2029, 3, 2)


def test_grade_change_with_new_listing_publishes_both(session):
    rows = publish(session, result("B", date(2026, 2, 1)),
                   result("D", MONDAY, listed_until=date(2029, 3, 2), listing_ids=(7,)))
    assert sorted(r.type for r in rows) == ["grade_change", "listing"]


def test_regrading_the_same_date_twice_publishes_nothing_twice(session):
    previous = result("B", date(2026, 2, 1))
    current = result("D", MONDAY, listed_until=date(2029, 3, 2), listing_ids=(7,))
    publish(session, previous, current)
    assert publish(session, previous, current) == []
    assert count(session) == 2


def test_listing_still_in_force_on_a_later_regrade_is_not_announced_again(session):
    publish(session, result("B", date(2026, 2, 1)),
            result("D", MONDAY, listed_until=date(2029, 3, 2), listing_ids=(7,)))
    later = result("D", date(2026, 4, 1), listed_until=date(2029, 3, 2), listing_ids=(7,))
    assert publish(session, result("D", MONDAY), later, date(2026, 4, 1)) == []
    assert count(session, "listing") == 1


def test_a_listing_on_another_record_is_a_new_announcement(session):
    publish(session, None, result("D", MONDAY, listed_until=date(2029, 3, 2), listing_ids=(7,)))
    later = result("D", date(2026, 4, 1), listed_until=date(2029, 4, 1), listing_ids=(7, 9))
    [row] = publish(session, result("D", MONDAY), later, date(2026, 4, 1))
    assert row.type == "listing"


def test_publishing_is_audited(session):
    [row] = publish(session, result("B", date(2026, 2, 1)), result("C", MONDAY))
    audit = session.scalars(select(AuditRow).where(AuditRow.action == "announcement.publish")).one()
    assert audit.target == f"announcement:{row.id}"
    assert audit.payload["new_grade"] == "C"


def test_status_is_under_objection_while_an_objection_is_pending(session):
    [row] = publish(session, result("B", date(2026, 2, 1)), result("C", MONDAY))
    session.add(ObjectionRow(announcement_id=row.id, reason="wrong", record_ids=[],
                             filed_on=date(2026, 3, 5), filed_by="t", status="pending"))
    session.flush()
    [before] = with_status(session, [row], date(2026, 3, 4))
    [during] = with_status(session, [row], date(2026, 3, 6))
    assert (before.status, during.status) == ("published", "under_objection")


def test_a_duplicate_that_slips_past_the_lookup_is_skipped_by_the_unique_constraint(session, monkeypatch):
    import credit_engine.services.announcements as announcements

    previous, current = result("B", date(2026, 2, 1)), result("C", MONDAY)
    publish(session, previous, current)
    monkeypatch.setattr(announcements, "_exists", lambda *args: False)  # as if a racing regrade
    assert publish(session, previous, current) == []
    assert count(session) == 1
