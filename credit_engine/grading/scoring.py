"""Turn rule hits into reasons, a score and a grade: per-violation heaviest deduction,
per-rule caps, the bonus cap, clamping, bands, overrides and caps (numbers from the ruleset)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Mapping, Sequence

from credit_engine.domain.model import GRADES, Reason
from credit_engine.rules.compiled import CompiledRule, CompiledRuleset


@dataclass(frozen=True)
class Entry:
    """One scored item before capping: a rule, its points and the records behind it."""

    rule: CompiledRule
    points: int
    record_ids: tuple[int, ...]
    on: date | None
    count: int = 0


def _points(rule: CompiledRule, fact: Mapping[str, Any]) -> int:
    return int(rule.points if rule.points is not None else fact[rule.points_field or ""])


def scored_entries(rule: CompiledRule, facts: Sequence[Mapping[str, Any]],
                   dates: Mapping[int, date]) -> list[Entry]:
    """One entry per fact, or per distinct `per` value keeping the heaviest."""
    groups: dict[Any, list[Mapping[str, Any]]] = {}
    for fact in facts:
        groups.setdefault(fact[rule.per] if rule.per else fact["rid"], []).append(fact)
    entries = []
    for group in groups.values():
        heaviest = min(group, key=lambda f: (-_points(rule, f), dates[f["rid"]], f["rid"]))
        ids = tuple(sorted(f["rid"] for f in group))
        entries.append(Entry(rule, _points(rule, heaviest), ids, dates[heaviest["rid"]]))
    return _trim(entries, rule.total_cap)


def _trim(entries: list[Entry], cap: int | None) -> list[Entry]:
    """Keep the heaviest entries whole up to `cap` points; the rest count only what is left."""
    ordered = sorted(entries, key=lambda e: (-e.points, e.on or date.min, e.record_ids))
    if cap is None:
        return ordered
    left, trimmed = cap, []
    for entry in ordered:
        points = min(entry.points, left)
        left -= points
        trimmed.append(Entry(entry.rule, points, entry.record_ids, entry.on, entry.count))
    return trimmed


def reason(entry: Entry, sign: int) -> Reason:
    """A reason with its plain-Chinese text filled in."""
    values = {"points": entry.points, "date": entry.on.isoformat() if entry.on else "",
              "count": entry.count or len(entry.record_ids)}
    return Reason(entry.rule.id, sign * entry.points, entry.record_ids, entry.rule.basis,
                  entry.rule.text.format(**values))


def band(score: int, ruleset: CompiledRuleset) -> str:
    """The grade band of a score (inclusive lower bounds)."""
    for item in ruleset.config["score"]["bands"]:
        if score >= item["min"]:
            return str(item["grade"])
    return GRADES[-1]


def worse(a: str, b: str) -> str:
    return a if GRADES.index(a) >= GRADES.index(b) else b


@dataclass(frozen=True)
class Scored:
    score: int
    grade: str
    reasons: tuple[Reason, ...]
    fired: frozenset[str]


def score_and_grade(ruleset: CompiledRuleset, deductions: list[Entry], bonuses: list[Entry],
                    verdicts: list[Entry]) -> Scored:
    """Apply the bonus cap, clamp, band, then overrides and caps (as 0-point reasons)."""
    cfg = ruleset.config["score"]
    overridden = any(e.rule.type == "override" for e in verdicts)
    bonuses = [] if overridden else _trim(bonuses, cfg["bonus_cap"])
    bonuses = [b for b in bonuses if b.points > 0]
    raw = cfg["start"] - sum(e.points for e in deductions) + sum(e.points for e in bonuses)
    score = max(cfg["min"], min(cfg["max"], raw))
    grade = band(score, ruleset)
    for entry in verdicts:
        # an override sets its grade, a cap limits to its grade: both mean "at best this"
        grade = worse(grade, entry.rule.grade or entry.rule.max_grade or grade)
    reasons = ([reason(e, -1) for e in sorted(deductions, key=_order)]
               + [reason(e, 1) for e in sorted(bonuses, key=_order)]
               + [reason(e, 0) for e in sorted(verdicts, key=lambda e: (e.rule.type != "override", e.rule.id))])
    fired = frozenset(e.rule.id for e in (*deductions, *bonuses, *verdicts))
    return Scored(score, grade, tuple(reasons), fired)


def _order(entry: Entry) -> tuple[Any, ...]:
    return (entry.on or date.min, entry.rule.id, entry.record_ids)
