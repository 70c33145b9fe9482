"""A ruleset file turned into checked, ready-to-evaluate data (parsed once, on load)."""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from datetime import date
from typing import Any, Mapping

from credit_engine.domain.model import GRADES
from credit_engine.domain.record_kinds import (
    INCIDENT, INSPECTION, PENALTY_MEASURES, REQUIRED_WINDOWS, WINDOW_KINDS,
)
from credit_engine.errors import RulesetError
from credit_engine.rules.conditions import (
    FACT_FIELDS, ConditionError, FactScreen, compile_condition, month_thresholds)
from credit_engine.rules.plan_flags import PlanFlag
from credit_engine.rules.role_sums import RoleSum
from credit_engine.rules.vocabulary import Introduced

TEXT_PLACEHOLDERS = {"points", "date", "count"}


@dataclass(frozen=True)
class CompiledRule:
    id: str
    type: str                    # deduction | bonus | override | cap
    kind: str                    # fact kind it matches ("subject" for subject-level rules)
    condition: Mapping[str, Any]
    points: int | None
    points_field: str | None
    per: str | None
    total_cap: int | None
    grade: str | None
    max_grade: str | None
    basis: str
    text: str


@dataclass(frozen=True)
class Counter:
    name: str
    condition: Mapping[str, Any]
    distinct: str | None


@dataclass(frozen=True)
class Trigger:
    id: str
    condition: Mapping[str, Any]


@dataclass(frozen=True)
class Ban:
    id: str
    condition: Mapping[str, Any]
    years: int | None
    for_life: bool
    subject: bool
    role_holders: tuple[str, ...]


@dataclass(frozen=True)
class CompiledRuleset:
    """One version of the policy: rules plus the numbers the Python aggregation uses."""

    id: str
    version: str
    effective_from: date
    path: str
    title: str
    config: Mapping[str, Any]            # the validated file, for numbers read by aggregation
    rules: tuple[CompiledRule, ...]
    counters: tuple[Counter, ...]
    listing_triggers: tuple[Trigger, ...]
    bans: tuple[Ban, ...]
    month_thresholds: frozenset[int]
    month_thresholds_by_kind: Mapping[str, frozenset[int]] = field(default_factory=dict)
    engine_name: str = ""
    role_sums: tuple[RoleSum, ...] = ()
    plan_flags: tuple[PlanFlag, ...] = ()
    introduced: Introduced = field(default_factory=Introduced)

    @property
    def name(self) -> str:
        return f"{self.id}@{self.version}"

    def thresholds_for(self, kind: str) -> frozenset[int]:
        """Month counts at which a record of `kind` can change a result (all, if unknown)."""
        return self.month_thresholds_by_kind.get(kind, self.month_thresholds)

    def conditions(self) -> dict[str, Mapping[str, Any]]:
        """`{rule_id: compiled condition}` of the rules the backends evaluate."""
        return {rule.id: rule.condition for rule in self.rules}

    @cached_property
    def screen(self) -> FactScreen:
        """Decides which facts some rule of this version could match (see FactScreen)."""
        return FactScreen(rule.condition for rule in self.rules)

    @cached_property
    def ban_kinds(self) -> frozenset[str]:
        """Record kinds some ban can match: no other record needs a ban check."""
        return frozenset(condition_kind(b.condition) for b in self.bans)

    @cached_property
    def listing_kinds(self) -> frozenset[str]:
        """Record kinds some listing trigger can match."""
        return frozenset(condition_kind(t.condition) for t in self.listing_triggers)

    def rule(self, rule_id: str) -> CompiledRule:
        return next(r for r in self.rules if r.id == rule_id)


def _fail(path: str, reason: str, rule: str | None = None) -> RulesetError:
    return RulesetError(path, reason, rule=rule)


def _compile(path: str, rule_id: str, when: Any, extra: Mapping[str, Any] | None = None,
             add: Mapping[str, Any] | None = None) -> dict[str, Any]:
    try:
        condition = compile_condition(dict(when, **(add or {})), extra)
    except ConditionError as exc:
        raise _fail(path, f"condition does not compile: {exc}", rule_id) from exc
    return condition


def _check_text(path: str, rule_id: str, text: str) -> None:
    try:
        names = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
    except ValueError as exc:
        raise _fail(path, f"text template is malformed: {exc}", rule_id) from exc
    unknown = names - TEXT_PLACEHOLDERS
    if unknown:
        raise _fail(path, f"text template uses unknown placeholder(s) {sorted(unknown)}; "
                          f"allowed: {sorted(TEXT_PLACEHOLDERS)}", rule_id)


def check_numbers(path: str, data: Mapping[str, Any]) -> None:
    """Bands, fine bands, windows and tables: complete and well ordered."""
    bands = data["score"]["bands"]
    grades = [b["grade"] for b in bands]
    if grades != sorted(set(grades), key=GRADES.index):
        raise _fail(path, f"score.bands: grades must be distinct and best first, got {grades}")
    mins = [b["min"] for b in bands]
    if any(a <= b for a, b in zip(mins, mins[1:])):
        raise _fail(path, f"score.bands: lower bounds overlap or are ill-ordered: {mins}")
    if mins[-1] != data["score"]["min"]:
        raise _fail(path, "score.bands: the last band must start at score.min, "
                          f"got {mins[-1]} != {data['score']['min']}")
    if not data["score"]["min"] <= data["score"]["start"] <= data["score"]["max"]:
        raise _fail(path, "score: start must lie between min and max")
    missing = [w for w in REQUIRED_WINDOWS if w not in data["windows"]]
    if missing:
        raise _fail(path, f"windows: missing {missing}")
    penalty = data["penalty"]
    missing = [m for m in PENALTY_MEASURES if m != "fine" and m not in penalty["measure_points"]]
    if missing:
        raise _fail(path, f"penalty.measure_points: missing {missing}")
    maxes = [b["max"] for b in penalty["fine_bands"]]
    if maxes[-1] is not None or None in maxes[:-1]:
        raise _fail(path, "penalty.fine_bands: only the last band may (and must) have no max")
    if any(a >= b for a, b in zip(maxes[:-1], maxes[1:-1])):
        raise _fail(path, f"penalty.fine_bands: max values must increase: {maxes[:-1]}")
    if set(data["inspection_frequency"]["by_grade"]) != set(GRADES):
        raise _fail(path, f"inspection_frequency.by_grade: needs every grade {list(GRADES)}")
    hygiene_mins = [b["min"] for b in data["hygiene"]["bands"]]
    if any(a <= b for a, b in zip(hygiene_mins, hygiene_mins[1:])):
        raise _fail(path, f"hygiene.bands: lower bounds overlap or are ill-ordered: {hygiene_mins}")


def compile_rules(path: str, data: Mapping[str, Any], more_fields: Mapping[str, Any] | None = None
                  ) -> tuple[tuple[CompiledRule, ...], tuple[Counter, ...]]:
    """Counters first (their names become subject fields, as do `more_fields`: the role
    sums), then every rule."""
    counters = []
    for name, spec in data["counters"].items():
        if name in FACT_FIELDS["subject"]:
            raise _fail(path, f"counter name {name!r} hides a built-in subject field", name)
        condition = _compile(path, name, spec["of"])
        kind = spec["of"]["kind"]
        if spec["distinct"] is not None and spec["distinct"] not in FACT_FIELDS[kind]:
            raise _fail(path, f"distinct: unknown field {spec['distinct']!r} of {kind}", name)
        counters.append(Counter(name, condition, spec["distinct"]))
    extra = {c.name: int for c in counters}
    for name in set(extra) & set(more_fields or {}):
        raise _fail(path, f"{name!r} is both a counter and a role sum", name)
    extra.update(more_fields or {})
    seen: set[str] = set()
    rules = [_compile_rule(path, spec, extra, seen) for spec in data["rules"]]
    return tuple(rules), tuple(counters)


def _compile_rule(path: str, spec: Mapping[str, Any], extra: Mapping[str, Any], seen: set[str]) -> CompiledRule:
    rid, rtype = spec["id"], spec["type"]
    if rid in seen:
        raise _fail(path, "duplicate rule id", rid)
    seen.add(rid)
    scored = rtype in ("deduction", "bonus")
    kind = spec["when"].get("kind")
    if scored and spec["points"] is None:
        raise _fail(path, f"a {rtype} needs points", rid)
    if not scored and (spec["points"] is not None or spec["per"] or spec["total_cap"] is not None):
        raise _fail(path, f"a {rtype} takes no points, per or total_cap", rid)
    if (rtype == "override") != (spec["grade"] is not None):
        raise _fail(path, "grade is required for an override and only for one", rid)
    if (rtype == "cap") != (spec["max_grade"] is not None):
        raise _fail(path, "max_grade is required for a cap and only for one", rid)
    if scored and kind == "subject" and (spec["per"] or not isinstance(spec["points"], int)):
        raise _fail(path, f"a {rtype} on the subject takes whole points and no per (it scores once)", rid)
    # deductions and bonuses only ever count records inside their window
    windowed = scored and kind != "subject"
    condition = _compile(path, rid, spec["when"], extra, {"in_window": True} if windowed else None)
    points, points_field = spec["points"], None
    if isinstance(points, dict):
        points_field, points = points["field"], None
        if FACT_FIELDS[kind].get(points_field) not in (int, float):
            raise _fail(path, f"points: {points_field!r} is not a numeric field of {kind}", rid)
    if spec["per"] is not None and spec["per"] not in FACT_FIELDS[kind]:
        raise _fail(path, f"per: unknown field {spec['per']!r} of {kind}", rid)
    _check_text(path, rid, spec["text"])
    return CompiledRule(rid, rtype, kind, condition, points, points_field, spec["per"],
                        spec["total_cap"], spec["grade"], spec["max_grade"], spec["basis"], spec["text"])


def compile_sanctions(path: str, data: Mapping[str, Any]) -> tuple[tuple[Trigger, ...], tuple[Ban, ...]]:
    """Listing triggers and bans (conditions on record facts)."""
    triggers = tuple(Trigger(t["id"], _compile(path, t["id"], t["when"])) for t in data["listing"]["triggers"])
    bans = []
    for spec in data["bans"]:
        if spec["for_life"] == (spec["years"] is not None):
            raise _fail(path, "a ban needs exactly one of years or for_life", spec["id"])
        bans.append(Ban(spec["id"], _compile(path, spec["id"], spec["when"]), spec["years"],
                        spec["for_life"], spec["subject"], tuple(spec["role_holders"])))
    return triggers, tuple(bans)


def check_measures(path: str, data: Mapping[str, Any], rule_ids: set[str]) -> None:
    """Measure codes unique; grade triggers name grades; rule triggers name a rule."""
    codes: set[str] = set()
    for m in data["measures"]:
        if m["code"] in codes:
            raise _fail(path, "duplicate measure code", m["code"])
        codes.add(m["code"])
        needs_grades = m["applies_when"] in ("grade", "grade_kept")
        if needs_grades != bool(m["grades"]):
            raise _fail(path, "grades is required for grade triggers and only for them", m["code"])
        if (m["applies_when"] == "rule") != (m["rule"] is not None):
            raise _fail(path, "rule is required for the rule trigger and only for it", m["code"])
        if m["rule"] is not None and m["rule"] not in rule_ids:
            raise _fail(path, f"rule {m['rule']!r} is not a rule of this ruleset", m["code"])


def condition_kind(condition: Mapping[str, Any]) -> str:
    """The fact kind a compiled condition matches (compile_condition puts it first)."""
    return str(condition["$and"][0]["kind"])


def month_thresholds_by_kind(data: Mapping[str, Any], conditions: list[Mapping[str, Any]],
                             listing: list[Mapping[str, Any]],
                             bans: list[Mapping[str, Any]]) -> Mapping[str, frozenset[int]]:
    """Per record kind, the month counts at which a record of that kind can start or stop
    mattering: its window, the ages its rules and counters test, listing and ban periods.
    Incremental regrades wake a subject only on these dates, so fewer is faster."""
    by_kind: dict[str, set[int]] = {}
    for name, months in data["windows"].items():
        by_kind.setdefault(WINDOW_KINDS[name], set()).add(months)
    for condition in conditions:
        by_kind.setdefault(condition_kind(condition), set()).update(month_thresholds(condition))
    for condition in listing:
        by_kind.setdefault(condition_kind(condition), set()).update(
            {data["listing"]["months"], data["listing"]["repair_after_months"]})
    for ban, condition in zip(data["bans"], bans):
        if ban["years"]:
            by_kind.setdefault(condition_kind(condition), set()).add(12 * ban["years"])
    by_kind.setdefault(INSPECTION, set()).add(data["hygiene"]["window_months"])
    by_kind.setdefault(INCIDENT, set()).add(data["hygiene"]["after_incident_months"])
    return MappingProxyType({kind: frozenset(m for m in months if m > 0)
                             for kind, months in by_kind.items()})


def all_month_thresholds(data: Mapping[str, Any], conditions: list[Mapping[str, Any]]) -> frozenset[int]:
    """Every month count at which some record's effect can start or stop."""
    months = set(data["windows"].values())
    for condition in conditions:
        months |= month_thresholds(condition)
    months |= {data["listing"]["months"], data["listing"]["repair_after_months"],
               data["hygiene"]["window_months"], data["hygiene"]["after_incident_months"]}
    months |= {12 * b["years"] for b in data["bans"] if b["years"]}
    return frozenset(m for m in months if m > 0)
