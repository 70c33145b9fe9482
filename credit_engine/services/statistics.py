"""The plan's statistics as of a date (docs/statistics.md): grades in force, canteens at B or
above, practice and insurance coverage, listed persons, restricted enterprises; the grade
mix month by month; the public list of enterprises whose licensing is restricted.

Everything is answered from stored grades and their derived columns
(domain/grade_summary.py) with grouped, indexed queries (storage/repositories/
statistics_reads.py), never by grading on the request. The API, the public page and the
office's reports page all call these functions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy.orm import Session

from credit_engine.domain.dates import add_months
from credit_engine.domain.model import CATEGORIES
from credit_engine.domain.record_kinds import INSURANCE
from credit_engine.services.audit import append_audit
from credit_engine.storage.repositories import statistics_reads
from credit_engine.storage.repositories.statistics_reads import SummaryGroup

GRADES = ("A", "B", "C", "D")
UNGRADED = "ungraded"
CANTEENS = ("canteen", "school_canteen")
B_OR_ABOVE = ("excellent", "good")           # the catering rating's A and B
OPEN_KITCHEN_ELIGIBLE = ("catering", "canteen", "school_canteen")
TRACEABILITY_ELIGIBLE = ("production", "retail", "market_operator")


@dataclass(frozen=True)
class PlanTarget:
    """One of the plan's targets: the figure it is about and the share it asks for."""

    key: str          # canteens | open_kitchen | traceability | insurance
    title: str        # zh-CN, as the public page shows it
    target: Decimal | None  # None: no number set by the plan, the figure is shown alone


PLAN_TARGETS = (
    PlanTarget("canteens", "食堂量化分级B级及以上", Decimal(1)),
    PlanTarget("open_kitchen", "餐饮单位和食堂明厨亮灶", Decimal(1)),
    PlanTarget("traceability", "生产经营单位追溯体系", None),
    PlanTarget(INSURANCE, "食品安全责任保险", None),
)


def share(part: int, whole: int) -> float:
    """part / whole to 4 decimals (half up), 0 when `whole` is 0."""
    if whole == 0:
        return 0.0
    return float((Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), ROUND_HALF_UP))


def empty_mix() -> dict[str, int]:
    return {letter: 0 for letter in (*GRADES, UNGRADED)}


def _coverage(groups: Iterable[SummaryGroup], eligible: tuple[str, ...] | None,
              flag: str) -> dict[str, Any]:
    pool = [g for g in groups if eligible is None or g.category in eligible]
    total = sum(g.count for g in pool)
    with_ = sum(g.count for g in pool if getattr(g, flag))
    return {"eligible": total, "with": with_, "share": share(with_, total)}


def figures(groups: list[SummaryGroup], as_of: date, district: str | None,
            listed_persons: int) -> dict[str, Any]:
    """The statistics document (docs/api.md) from the grouped summaries."""
    grades, by_category = empty_mix(), {c: empty_mix() for c in CATEGORIES}
    for g in groups:
        letter = g.grade or UNGRADED
        grades[letter] = grades.get(letter, 0) + g.count
        row = by_category.setdefault(g.category, empty_mix())
        row[letter] = row.get(letter, 0) + g.count
    canteens = [g for g in groups if g.category in CANTEENS]
    total = sum(g.count for g in canteens)
    good = sum(g.count for g in canteens if g.catering_rating in B_OR_ABOVE)
    return {
        "as_of": as_of.isoformat(), "district": district,
        "enterprises": sum(g.count for g in groups),
        "grades": grades, "by_category": dict(sorted(by_category.items())),
        "canteens": {"total": total, "b_or_above": good, "share": share(good, total)},
        "open_kitchen": _coverage(groups, OPEN_KITCHEN_ELIGIBLE, "open_kitchen"),
        "traceability": _coverage(groups, TRACEABILITY_ELIGIBLE, "traceability"),
        INSURANCE: _coverage(groups, None, "insured"),
        "listed_persons": listed_persons,
        "restricted_enterprises": sum(g.count for g in groups if g.licensing_restricted),
    }


def compute_statistics(session: Session, as_of: date, district: str | None) -> dict[str, Any]:
    """The plan's figures as of `as_of` over `district` (all when None), not audited: what
    the public page shows (it names no subject)."""
    groups = statistics_reads.summary_groups(session, as_of, district)
    listed = statistics_reads.listed_person_count(session, as_of, district)
    return figures(groups, as_of, district, listed)


def plan_statistics(session: Session, as_of: date, district: str | None,
                    actor: str) -> dict[str, Any]:
    """`GET /api/v1/statistics`: the figures, with the query audited."""
    result = compute_statistics(session, as_of, district)
    append_audit(session, actor, "statistics.query", "statistics", {
        "as_of": as_of.isoformat(), "district": district, "enterprises": result["enterprises"]})
    return result


def mix_by(groups: Iterable[SummaryGroup], key: str) -> dict[str, dict[str, int]]:
    """Grade mix per value of `key` (`district` or `category`) from the grouped summaries;
    enterprises without a district under "未填写"."""
    mix: dict[str, dict[str, int]] = {}
    for g in groups:
        row = mix.setdefault(getattr(g, key) or "未填写", empty_mix())
        row[g.grade or UNGRADED] += g.count
    return dict(sorted(mix.items()))


def page_figures(session: Session, as_of: date) -> tuple[list[SummaryGroup], int]:
    """What a statistics page needs for all districts in two queries: the grouped
    summaries and the listed persons (turn them into figures with `figures`, `mix_by`)."""
    return (statistics_reads.summary_groups(session, as_of, None),
            statistics_reads.listed_person_count(session, as_of, None))


def trend_dates(as_of: date, months: int) -> list[date]:
    """The last day of each of the `months` months up to `as_of`'s, oldest first; the
    current month's point is `as_of` itself."""
    first = as_of.replace(day=1)
    ends = [add_months(first, 1 - k) - timedelta(days=1) for k in range(months)]
    return sorted(min(end, as_of) for end in ends)


def mix_of(counts: dict[str | None, int]) -> dict[str, int]:
    """Counts by grade letter (None: ungraded) as a full grade mix."""
    mix = empty_mix()
    for letter, count in counts.items():
        mix[letter or UNGRADED] += count
    return mix


def grade_trend(session: Session, as_of: date, district: str | None,
                months: int = 24) -> list[tuple[date, dict[str, int]]]:
    """The grade mix in force at each month's end over the last `months` months, uncached
    (24 grouped queries; services/statistics_cache.py keeps them)."""
    return [(day, mix_of(statistics_reads.grade_mix(session, day, district)))
            for day in trend_dates(as_of, months)]


def restricted_enterprises(session: Session, as_of: date, offset: int,
                           limit: int) -> list[dict[str, Any]]:
    """Enterprises whose licensing decision on `as_of` is `restricted` (public information),
    by USCC, each with the codes of its licensing measures."""
    page = statistics_reads.restricted_enterprises(session, as_of, offset, limit)
    return [{
        "uscc": e.uscc, "name": e.name, "category": e.category, "district": e.district,
        "grade": result.get("grade"), "graded_on": graded_on.isoformat(),
        "measures": sorted(_restrictions(result)),
        "measure_titles": _restrictions(result),
    } for e, graded_on, result in page]


def _restrictions(result: dict[str, Any]) -> dict[str, str]:
    """Code -> title of the licensing restrictions of a stored result."""
    return {m["code"]: m.get("title", "") for m in result.get("measures") or ()
            if m.get("context") == "licensing" and m.get("kind") == "restriction"}
