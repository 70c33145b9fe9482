"""The plan's statistics equal figures computed independently, in this test, from the stored
records and the stored result JSONs (not from the derived columns the service reads)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from itertools import product
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from credit_engine.bootstrap import Container
from credit_engine.domain.model import CATEGORIES
from credit_engine.services import statistics
from credit_engine.storage.models import (
    AuditRow, EnterpriseRow, GradeRow, RecordRow, RepairRow, RevocationRow, RoleRow,
)

from statistics_town import graded_town, regrade_all

TODAY = date(2026, 11, 30)
EARLIER = date(2026, 9, 1)


@pytest.fixture
def town(container_on: Callable[[date], Container]) -> Container:
    """The demo population (120 enterprises) graded on EARLIER and TODAY, and two
    enterprises registered after the last regrade (ungraded)."""
    container = container_on(TODAY)
    graded_town(container, 120, 160, EARLIER, TODAY)
    with container.transaction() as session:
        for n, category in enumerate(("canteen", "catering")):
            session.add(EnterpriseRow(uscc=f"91620900MA7LATE0{n}X", name=f"新开{n}",
                                      category=category, district="肃州区"))
    return container


def _in_force(session: Any, on: date) -> dict[tuple[str, str], dict[str, Any]]:
    """Each subject's latest stored result on or before `on`, by reading every grade."""
    latest: dict[tuple[str, str], tuple[date, dict[str, Any]]] = {}
    for row in session.execute(select(GradeRow.subject_type, GradeRow.subject_id,
                                      GradeRow.as_of, GradeRow.result)):
        key = (row.subject_type, row.subject_id)
        if row.as_of <= on and (key not in latest or latest[key][0] < row.as_of):
            latest[key] = (row.as_of, row.result)
    return {key: result for key, (_, result) in latest.items()}


def _valid_on(session: Any, on: date) -> dict[str, set[str]]:
    """Per USCC: the practices and 'insurance' valid on `on`, from the records themselves."""
    ended = {r: d for r, d in session.execute(select(RevocationRow.record_id, RevocationRow.revoked_on))}
    ended.update({r: min(d, ended.get(r, d)) for r, d in
                  session.execute(select(RepairRow.record_id, RepairRow.approved_on))})
    found: dict[str, set[str]] = {}
    for r in session.scalars(select(RecordRow).where(RecordRow.kind.in_(("practice", "insurance")))):
        until = date.fromisoformat(r.details["valid_until"])
        if r.occurred_on <= on <= until and (r.id not in ended or on < ended[r.id]):
            name = "insurance" if r.kind == "insurance" else r.details.get("practice", "traceability")
            found.setdefault(r.enterprise_uscc, set()).add(name)
    return found


def _expected(session: Any, on: date, district: str | None) -> dict[str, Any]:
    grades = _in_force(session, on)
    valid = _valid_on(session, on)
    enterprises = [e for e in session.scalars(select(EnterpriseRow))
                   if district is None or e.district == district]
    letters: Counter[str] = Counter()
    by_category: dict[str, Counter[str]] = {c: Counter() for c in CATEGORIES}
    canteens = good = restricted = 0
    cover = {name: [0, 0] for name in ("open_kitchen", "traceability", "insurance")}
    eligible = {"open_kitchen": {"catering", "canteen", "school_canteen"},
                "traceability": {"production", "retail", "market_operator"}}
    for e in enterprises:
        result = grades.get(("enterprise", e.uscc))
        letter = result["grade"] if result else "ungraded"
        letters[letter] += 1
        by_category.setdefault(e.category, Counter())[letter] += 1
        if e.category in ("canteen", "school_canteen"):
            canteens += 1
            rating = (result or {}).get("hygiene_rating") or {}
            good += rating.get("rating") in ("excellent", "good")
        restricted += any(m["context"] == "licensing" and m["kind"] == "restriction"
                          for m in (result or {}).get("measures", []))
        for name, counts in cover.items():
            if name not in eligible or e.category in eligible[name]:
                counts[0] += 1
                counts[1] += name in valid.get(e.uscc, set())
    usccs = {e.uscc for e in enterprises}
    active = {r.person_id for r in session.scalars(select(RoleRow))
              if r.uscc in usccs and r.from_on <= on and (r.to_on is None or on <= r.to_on)}
    listed = sum(1 for (kind, pid), result in grades.items() if kind == "person"
                 and result.get("listed_until") and date.fromisoformat(result["listed_until"]) > on
                 and (district is None or pid in active))
    def mix(counts: Counter[str]) -> dict[str, int]:
        return {k: counts.get(k, 0) for k in ("A", "B", "C", "D", "ungraded")}

    def share(part: int, total: int) -> float:
        return round(part / total, 4) if total else 0
    return {
        "as_of": on.isoformat(), "district": district, "enterprises": len(enterprises),
        "grades": mix(letters), "by_category": {c: mix(n) for c, n in sorted(by_category.items())},
        "canteens": {"total": canteens, "b_or_above": good, "share": share(good, canteens)},
        **{name: {"eligible": t, "with": w, "share": share(w, t)} for name, (t, w) in cover.items()},
        "listed_persons": listed, "restricted_enterprises": restricted,
    }


def test_statistics_equal_figures_computed_from_the_records_and_stored_results(town) -> None:
    with town.transaction() as session:
        found = statistics.plan_statistics(session, TODAY, None, "key:test")
        expected = _expected(session, TODAY, None)
    assert found == expected
    assert found["enterprises"] == 122 and found["grades"]["ungraded"] == 2
    assert sum(found["grades"].values()) == found["enterprises"]
    # the population is realistic enough that every figure is exercised
    assert found["canteens"]["total"] > 0 and found["open_kitchen"]["with"] > 0
    assert found["insurance"]["with"] > 0 and found["traceability"]["with"] > 0


def test_statistics_of_one_district_count_only_its_enterprises_and_their_listed_persons(
        town) -> None:
    with town.transaction() as session:
        districts = Counter(session.scalars(select(EnterpriseRow.district)))
        district = districts.most_common(1)[0][0]
        found = statistics.plan_statistics(session, TODAY, district, "key:test")
        expected = _expected(session, TODAY, district)
    assert found == expected
    assert 0 < found["enterprises"] < 122


def test_grades_in_force_are_the_latest_stored_on_or_before_the_date(town) -> None:
    """Between the two regrades the earlier one is in force; before it, nobody is graded."""
    between = EARLIER + timedelta(days=30)
    with town.transaction() as session:
        found = statistics.compute_statistics(session, between, None)
        expected = _expected(session, between, None)
        before = statistics.compute_statistics(session, EARLIER - timedelta(days=1), None)
    assert found["grades"] == expected["grades"]
    assert found["restricted_enterprises"] == expected["restricted_enterprises"]
    assert found["canteens"] == expected["canteens"]
    assert before["grades"] == {"A": 0, "B": 0, "C": 0, "D": 0, "ungraded": 122}


def test_a_statistics_query_is_audited(town) -> None:
    with town.transaction() as session:
        statistics.plan_statistics(session, TODAY, "肃州区", "key:office")
    with town.transaction() as session:
        entry = session.scalars(select(AuditRow).order_by(AuditRow.id.desc())).first()
        assert (entry.actor, entry.action) == ("key:office", "statistics.query")


def test_share_is_four_decimals_and_zero_without_any_eligible() -> None:
    assert statistics.share(0, 0) == 0
    assert statistics.share(2, 3) == 0.6667
    assert statistics.share(1, 8) == 0.125


def test_the_trend_has_one_point_per_month_ending_on_the_date() -> None:
    days = statistics.trend_dates(date(2026, 3, 15), 24)
    assert len(days) == 24
    assert days[0] == date(2024, 4, 30) and days[-2] == date(2026, 2, 28)
    assert days[-1] == date(2026, 3, 15)


def test_past_dates_and_a_moved_enterprise_equal_the_independent_figures(town) -> None:
    """Statistics read each enterprise's latest grade from a narrow copy; a date before the
    last regrade, a district change and the listed persons still give exactly the figures
    computed from the stored results and records."""
    from credit_engine.services.subjects import get_enterprise, upsert_enterprise
    with town.transaction() as session:
        moved = session.scalars(select(GradeRow.subject_id)
                                .where(GradeRow.subject_type == "enterprise")).first()
        before = get_enterprise(session, moved)
        target = next(d for d in session.scalars(select(EnterpriseRow.district))
                      if d != before.district)
        upsert_enterprise(session, moved, {**before.__dict__, "district": target,
                                           "category": "school_canteen"}, "key:test")
        convicted = session.scalars(select(RoleRow.person_id)).first()
        session.add(RecordRow(external_id="conv-c2", person_id=convicted, kind="conviction",
                              occurred_on=EARLIER + timedelta(days=10), content_hash="c2",
                              details={"imprisonment": True, "case_no": "(2026)甘09刑初1号"},
                              received_by="test"))
    regrade_all(town, TODAY)  # the person is listed from TODAY's grade on
    with town.transaction() as session:
        listed = _expected(session, TODAY, None)["listed_persons"]
        for on in (TODAY, EARLIER):
            for district in (None, before.district, target):
                assert (statistics.compute_statistics(session, on, district)
                        == _expected(session, on, district)), (on, district)
        # between two regrades and before the first, coverage is the grade in force's
        # (docs/statistics.md), the rest is the day's
        for on, district in product((EARLIER + timedelta(days=30), EARLIER - timedelta(days=1)),
                                    (None, before.district, target)):
            found = statistics.compute_statistics(session, on, district)
            expected = _expected(session, on, district)
            for key in ("enterprises", "grades", "by_category", "canteens", "listed_persons",
                        "restricted_enterprises"):
                assert found[key] == expected[key], (key, on, district)
    assert listed > 0
