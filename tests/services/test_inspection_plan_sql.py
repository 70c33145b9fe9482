"""The plan's SQL calendar (what it sorts and filters by) equals the domain's (what it
shows), on both databases, over month ends, leap days, failed, refused, revoked and
repaired inspections and every inspections-per-year count."""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from credit_engine.domain.inspection_calendar import (
    inspection_calendar,
    latest_inspection,
)
from credit_engine.storage.models import (
    EnterpriseRow,
    GradeRow,
    RecordRow,
    RepairRow,
    RevocationRow,
)
from credit_engine.storage.repositories.inspection_plan import PlanFilter, plan_rows

AS_OF = date(2026, 3, 31)
EDGES = [date(2025, m, d) for m in (1, 3, 5, 8, 10, 12) for d in (28, 29, 30, 31)] + [
    date(2024, 2, 29), date(2025, 2, 28), date(2026, 1, 31), date(2025, 11, 30)]


def _town(session: Session, size: int) -> None:
    rng = random.Random(20261130)
    for n in range(size):
        uscc = f"91620900{n:010d}"
        licensed = rng.choice([None, *EDGES])
        session.add(EnterpriseRow(uscc=uscc, name=f"企业{n}", category="catering",
                                  licensed_on=licensed))
        per_year = rng.choice([1, 2, 3, 4])
        session.add(GradeRow(subject_type="enterprise", subject_id=uscc, as_of=AS_OF,
                             ruleset="t@1", score=90, grade="A",
                             result={"inspections_per_year": per_year, "flags": []}))
        for k in range(rng.choice([0, 1, 2, 3])):
            details = {"result": rng.choice(["compliant", "basically_compliant",
                                             "non_compliant"])}
            if rng.random() < 0.2:
                details["refused"] = True
            record = RecordRow(external_id=f"{uscc}-{k}", enterprise_uscc=uscc,
                               kind="inspection", occurred_on=rng.choice(EDGES),
                               details=details, content_hash="x", received_by="test")
            session.add(record)
            session.flush()
            if rng.random() < 0.15:
                session.add(RevocationRow(record_id=record.id, reason="r", created_by="t",
                                          revoked_on=AS_OF - timedelta(days=rng.choice([-5, 5]))))
            elif rng.random() < 0.1:
                session.add(RepairRow(record_id=record.id, note="n", created_by="t",
                                      approved_on=AS_OF - timedelta(days=rng.choice([-5, 5]))))
    session.flush()


def _calendar(session: Session, ent: EnterpriseRow, grade: GradeRow) -> Any:
    """The enterprise's calendar as of AS_OF worked in Python from its rows, one by one."""
    counting = []
    for rec in session.query(RecordRow).filter_by(enterprise_uscc=ent.uscc):
        rev = session.query(RevocationRow).filter_by(record_id=rec.id).one_or_none()
        rep = session.query(RepairRow).filter_by(record_id=rec.id).one_or_none()
        if rec.occurred_on <= AS_OF and not (rev and rev.revoked_on <= AS_OF) \
                and not (rep and rep.approved_on <= AS_OF):
            failed = rec.details["result"] == "non_compliant" or bool(rec.details.get("refused"))
            counting.append((rec.occurred_on, failed))
    return inspection_calendar(AS_OF, grade.result["inspections_per_year"], ent.licensed_on,
                               latest_inspection(counting))


def _expected(session: Session) -> dict[str, tuple[date, tuple[str, ...]]]:
    """Each enterprise's calendar worked in Python from its rows."""
    out = {}
    for ent in session.query(EnterpriseRow):
        grade = session.query(GradeRow).filter_by(subject_id=ent.uscc).one()
        plan = _calendar(session, ent, grade)
        out[ent.uscc] = (plan.next_due_on, plan.flags)
    return out


def test_sql_due_dates_and_flag_filters_equal_the_domain_calendar(session: Session) -> None:
    _town(session, 120)
    expected = _expected(session)
    by_due = plan_rows(session, PlanFilter(AS_OF), 1000, by_due_date=True, after=None)
    assert {r.enterprise.uscc: r.next_due_on for r in by_due} == {
        u: due for u, (due, _) in expected.items()}
    assert [(r.next_due_on, r.enterprise.uscc) for r in by_due] == sorted(
        (due, u) for u, (due, _) in expected.items())
    for flag in ("overdue", "reinspection_due"):
        rows = plan_rows(session, PlanFilter(AS_OF, flag=flag), 1000, by_due_date=False, after=None)
        assert {r.enterprise.uscc for r in rows} == {
            u for u, (_, flags) in expected.items() if flag in flags}, flag
    shown = {r.enterprise.uscc: inspection_calendar(
        AS_OF, r.grade.result["inspections_per_year"], r.enterprise.licensed_on, r.last).flags
        for r in by_due}
    assert shown == {u: flags for u, (_, flags) in expected.items()}


def _mixed_town(session: Session, size: int) -> None:
    """Enterprises in two districts graded A or B before D (some regraded after D, which
    must not count), some graded only after D or never (not in the plan), with _town's
    inspections, revocations and repairs."""
    _town(session, size)
    rng = random.Random(7)
    for n, ent in enumerate(session.query(EnterpriseRow).order_by(EnterpriseRow.uscc)):
        ent.district = "甲区" if n % 2 else "乙区"
        grade = session.query(GradeRow).filter_by(subject_id=ent.uscc).one()
        fate = rng.random()
        if fate < 0.15:
            session.delete(grade)
        elif fate < 0.25:
            grade.as_of = AS_OF + timedelta(days=1)
        else:
            grade.as_of = AS_OF - timedelta(days=rng.choice([0, 40]))
            grade.grade = rng.choice("AB")
            if rng.random() < 0.3:
                session.add(GradeRow(subject_type="enterprise", subject_id=ent.uscc,
                                     as_of=AS_OF + timedelta(days=2), ruleset="t@1", score=50,
                                     grade="D", result={"inspections_per_year": 12,
                                                        "flags": []}))
    session.flush()


def _expected_plan(session: Session) -> list[tuple[str, str, str, date, tuple[str, ...]]]:
    """(USCC, grade, district, next_due_on, flags) of every enterprise in the plan as of AS_OF,
    in USCC order, worked in Python (grade in force: the latest on or before AS_OF)."""
    out = []
    for ent in session.query(EnterpriseRow).order_by(EnterpriseRow.uscc):
        grade = session.query(GradeRow).filter(
            GradeRow.subject_id == ent.uscc, GradeRow.as_of <= AS_OF).order_by(
            GradeRow.as_of.desc()).first()
        if grade is None:
            continue
        plan = _calendar(session, ent, grade)
        out.append((ent.uscc, grade.grade, ent.district or "", plan.next_due_on, plan.flags))
    return out


def _uscc_pages(session: Session, plan: PlanFilter, limit: int) -> list[Any]:
    """Every row of the plan by USCC, read page by page with the cursor."""
    seen: list[Any] = []
    while True:
        after = (None, seen[-1].enterprise.uscc) if seen else None
        page = plan_rows(session, plan, limit, by_due_date=False, after=after)
        seen += page
        if len(page) < limit:
            return seen


def _shown(row: Any) -> tuple[str, str, str, date, tuple[str, ...]]:
    calendar = inspection_calendar(AS_OF, row.grade.result["inspections_per_year"],
                                   row.enterprise.licensed_on, row.last)
    return (row.enterprise.uscc, row.grade.grade, row.enterprise.district or "",
            calendar.next_due_on, calendar.flags)


FILTERS = [PlanFilter(AS_OF), PlanFilter(AS_OF, flag="overdue"),
           PlanFilter(AS_OF, flag="reinspection_due"), PlanFilter(AS_OF, grade="B"),
           PlanFilter(AS_OF, district="甲区", flag="overdue")]


def _wanted(expected: list[Any], plan: PlanFilter) -> list[Any]:
    return [e for e in expected
            if (plan.grade is None or e[1] == plan.grade)
            and (plan.district is None or e[2] == plan.district)
            and (plan.flag is None or plan.flag in e[4])]


def test_uscc_pages_walk_the_same_plan_as_the_python_calendar(session: Session) -> None:
    _mixed_town(session, 90)
    expected = _expected_plan(session)
    assert 40 < len(expected) < 90  # some ungraded or graded only after D: left out
    for plan in FILTERS:
        wanted = _wanted(expected, plan)
        for limit in (1, 4, 1000):
            assert [_shown(r) for r in _uscc_pages(session, plan, limit)] == wanted, (plan, limit)
        by_due = plan_rows(session, plan, 1000, by_due_date=True, after=None)
        assert sorted(_shown(r) for r in by_due) == wanted, plan
        assert [r.next_due_on for r in by_due] == sorted(e[3] for e in wanted)


def test_late_records_and_revocations_move_enterprises_in_and_out_of_a_flag(
        session: Session) -> None:
    _mixed_town(session, 40)
    late_uscc = _expected_plan(session)[0][0]
    late = RecordRow(external_id="late-1", enterprise_uscc=late_uscc, kind="inspection",
                     occurred_on=AS_OF - timedelta(days=3), details={"result": "non_compliant"},
                     content_hash="x", received_by="test")
    session.add(late)
    session.flush()
    plan = PlanFilter(AS_OF, flag="reinspection_due")
    for step in ("arrived late", "revoked after D", "revoked on D"):
        if step == "revoked after D":
            session.add(RevocationRow(record_id=late.id, reason="r", created_by="t",
                                      revoked_on=AS_OF + timedelta(days=1)))
        elif step == "revoked on D":
            session.query(RevocationRow).filter_by(record_id=late.id).one().revoked_on = AS_OF
        session.flush()
        wanted = _wanted(_expected_plan(session), plan)
        assert (late_uscc in {e[0] for e in wanted}) == (step != "revoked on D"), step
        assert [_shown(r) for r in _uscc_pages(session, plan, 2)] == wanted, step
        assert sorted(_shown(r) for r in plan_rows(
            session, plan, 1000, by_due_date=True, after=None)) == wanted, step
