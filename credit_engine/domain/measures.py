"""Joint incentive and punishment measures that follow from a graded result."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Sequence

from credit_engine.domain.model import Measure
from credit_engine.domain.sanctions import BannedRole, Period


@dataclass(frozen=True)
class Situation:
    """What the measure triggers look at."""

    grade: str
    grade_year_before: str | None
    bans: Sequence[Period]
    listings: Sequence[Period]
    banned_roles: Sequence[BannedRole]
    fired: frozenset[str]
    verdict_rules: tuple[str, ...]


def _measure(spec: Mapping[str, Any], from_: Any, until: Any, because: Sequence[str]) -> Measure:
    return Measure(spec["code"], spec["kind"], spec["context"], spec["title"], spec["basis"],
                   from_, until, tuple(because))


def _periods(spec: Mapping[str, Any], periods: Sequence[Period]) -> Measure | None:
    if not periods:
        return None
    ends = [p.end for p in periods]
    until = None if None in ends else max(e for e in ends if e is not None)
    because = sorted({p.rule for p in periods}) + [str(i) for i in sorted({p.record_id for p in periods})]
    return _measure(spec, min(p.start for p in periods), until, because)


def build_measure(spec: Mapping[str, Any], s: Situation) -> Measure | None:
    """The measure `spec` if its trigger holds in situation `s`, else None."""
    trigger = spec["applies_when"]
    if trigger == "ban_5y":
        return _periods(spec, [p for p in s.bans if p.end is not None])
    if trigger == "ban_life":
        return _periods(spec, [p for p in s.bans if p.end is None])
    if trigger == "listed":
        return _periods(spec, s.listings)
    if trigger == "employs_banned":
        return _employs_banned(spec, s.banned_roles)
    if trigger == "rule":
        return _measure(spec, None, None, [spec["rule"]]) if spec["rule"] in s.fired else None
    if s.grade not in spec["grades"]:
        return None
    if trigger == "grade_kept" and s.grade_year_before not in spec["grades"]:
        return None
    return _measure(spec, None, None, s.verdict_rules or (f"GRADE-{s.grade}",))


def _employs_banned(spec: Mapping[str, Any], roles: Sequence[BannedRole]) -> Measure | None:
    if not roles:
        return None
    ends = [r.until for r in roles]
    until = None if None in ends else max(e for e in ends if e is not None)
    start = min(max(r.role.from_, min(b.start for b in r.bans)) for r in roles)
    because = sorted({b.rule for r in roles for b in r.bans}) + \
        [str(i) for i in sorted({b.record_id for r in roles for b in r.bans})]
    return _measure(spec, start, until, because)


def build_measures(specs: Sequence[Mapping[str, Any]], s: Situation) -> tuple[Measure, ...]:
    """Every measure that applies, in the ruleset's order."""
    return tuple(m for m in (build_measure(spec, s) for spec in specs) if m is not None)
