"""End to end through the real grading: a wrong penalty, its announcement, an upheld objection.

Expected grades by hand from docs/domain.md: a compliant inspection within 24 months and nothing
else scores 100, grade A; a `licence_revocation` penalty within 24 months overrides to D.
"""

from datetime import date

import pytest
from sqlalchemy import select

from credit_engine.services.objections import file_objection, resolve_objection
from credit_engine.storage.models import AnnouncementRow, EnterpriseRow, GradeRow, RecordRow

from announcement_builders import SHOP

TODAY = date(2026, 6, 1)


@pytest.fixture
def regrade(container):
    from credit_engine.services.grading import regrade_subjects

    def run(session, as_of):
        return regrade_subjects(session, container.rulesets, [SHOP], as_of, "test",
                                calendar=container.calendar)
    return run


@pytest.fixture
def penalised(session, regrade) -> int:
    """Graded A on 2 March 2026, then D on 5 March after a licence revocation of 3 March."""
    session.add(EnterpriseRow(uscc=SHOP.id, name="示例餐饮有限公司", category="catering",
                              licensed_on=date(2020, 1, 1)))
    session.add(RecordRow(external_id="insp-1", enterprise_uscc=SHOP.id, kind="inspection",
                          occurred_on=date(2026, 1, 15), details={
                              "result": "compliant", "key_items_failed": 0,
                              "general_items_failed": 0, "refused": False},
                          content_hash="i1", received_by="t"))
    penalty = RecordRow(external_id="pen-1", enterprise_uscc=SHOP.id, kind="penalty",
                        occurred_on=date(2026, 3, 3), details={
                            "decision_no": "沪市监罚〔2026〕1号", "measures": ["licence_revocation"],
                            "aggravated": False, "serious": False},
                        content_hash="p1", received_by="t")
    session.add(penalty)
    session.flush()
    regrade(session, date(2026, 3, 2))
    regrade(session, date(2026, 3, 5))
    return penalty.id


def grade_on(session, day):
    return session.scalars(select(GradeRow.grade).where(
        GradeRow.subject_id == SHOP.id, GradeRow.as_of == day)).one()


def announcements(session):
    return session.scalars(select(AnnouncementRow).order_by(AnnouncementRow.id)).all()


def test_the_grade_change_is_announced_once_even_when_regraded_twice(session, penalised, regrade):
    regrade(session, date(2026, 3, 5))
    [row] = announcements(session)
    assert (row.old_grade, row.new_grade, row.published_on) == ("A", "D", date(2026, 3, 5))
    assert row.objection_deadline == date(2026, 3, 26)  # Thu 5 March + 15 working days


def test_upheld_objection_restores_the_earlier_grade_and_publishes_the_withdrawal(session, penalised,
                                                                                   container):
    [announced] = announcements(session)
    objection = file_objection(session, announced.id, "处罚决定已被行政复议撤销", [penalised],
                               date(2026, 3, 10), "objector", TODAY)
    resolve_objection(session, container.rulesets, objection.id, True, "复议撤销",
                      date(2026, 3, 12), "office", TODAY, calendar=container.calendar)
    assert announced.withdrawn_on == date(2026, 3, 12)
    assert grade_on(session, date(2026, 3, 12)) == "A"
    assert grade_on(session, date(2026, 3, 5)) == "D"  # the past stays reproducible
    restored = announcements(session)[-1]
    assert (restored.old_grade, restored.new_grade, restored.published_on) == \
        ("D", "A", date(2026, 3, 12))
