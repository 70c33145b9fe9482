"""Grade a credit file as of a date with the ruleset version in force on that date."""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Iterable, Mapping

from credit_engine.domain.dates import add_months, add_years
from credit_engine.domain.facts import age_months, as_date, record_fact
from credit_engine.domain.hygiene import below_target, hygiene_rating
from credit_engine.domain.measures import Situation, build_measures
from credit_engine.domain.model import CreditFile, CreditResult, Record
from credit_engine.domain.sanctions import BannedRole, Period
from credit_engine.grading.bans import banned_roles, listings, subject_bans
from credit_engine.grading.role_sums import plan_flags, role_sum_values
from credit_engine.grading.vocabulary import as_seen_by
from credit_engine.grading.scoring import Entry, Scored, score_and_grade, scored_entries
from credit_engine.rules.compiled import CompiledRule, CompiledRuleset, condition_kind
from credit_engine.rules.conditions import evaluate, referenced_fields
from credit_engine.rules.evaluation import evaluate_facts
from credit_engine.rules.loader import RulesetRegistry

SUBJECT_RID = 0
_DAY = timedelta(days=1)


def _counters(ruleset: CompiledRuleset, facts: list[dict[str, Any]]) -> tuple[dict[str, int], dict[str, tuple[int, ...]]]:
    values, evidence = {}, {}
    for counter in ruleset.counters:
        kind = condition_kind(counter.condition)
        matched = [f for f in facts if f["kind"] == kind and evaluate(counter.condition, f)]
        keys = {f[counter.distinct] if counter.distinct else f["rid"] for f in matched}
        values[counter.name] = len(keys)
        evidence[counter.name] = tuple(sorted(f["rid"] for f in matched))
    return values, evidence


def _verdicts(ruleset: CompiledRuleset, hits: dict[str, list[int]], dates: Mapping[int, date], subject: Mapping[str, Any], evidence: Mapping[str, tuple[int, ...]]) -> list[Entry]:
    entries = []
    for rule in ruleset.rules:
        if rule.type not in ("override", "cap") or rule.id not in hits:
            continue
        if rule.kind == "subject":
            fields = sorted(referenced_fields(rule.condition) & set(evidence))
            ids = tuple(sorted({i for f in fields for i in evidence[f]}))
            counts = [subject[f] for f in fields if isinstance(subject[f], int) and not isinstance(subject[f], bool)]
            on = min((dates[i] for i in ids if i in dates), default=None)
            entries.append(Entry(rule, 0, ids, on, counts[0] if counts else 0))
        else:
            ids = tuple(sorted(hits[rule.id]))
            entries.append(Entry(rule, 0, ids, min(dates[i] for i in ids)))
    return entries


@dataclass(frozen=True)
class _Situation:
    """Everything derived in Python before the rules run."""

    counting: list[Record]
    facts: list[dict[str, Any]]
    subject: dict[str, Any]
    evidence: dict[str, tuple[int, ...]]
    bans: list[Period]
    listed: list[Period]
    roles: list[BannedRole]


def _situation(file: CreditFile, as_of: date, ruleset: CompiledRuleset) -> _Situation:
    counting = [r for r in file.records if r.counts_on(as_of)]
    facts = [record_fact(r, as_of, ruleset.config) for r in counting]
    bans = subject_bans(file, as_of, ruleset)
    listed = listings(file.records, as_of, ruleset)
    roles = banned_roles(file, as_of, ruleset)
    counters, evidence = _counters(ruleset, facts)
    sums, sum_evidence = role_sum_values(file, as_of, ruleset)
    counters.update(sums)
    evidence.update(sum_evidence)
    subject = {"rid": SUBJECT_RID, "kind": "subject", "subject_type": file.subject.type,
               "category": file.enterprise.category if file.enterprise else "none",
               "banned": bool(bans), "banned_for_life": any(b.end is None for b in bans),
               "listed": bool(listed), "employs_banned": bool(roles), **counters}
    evidence = dict(evidence, banned=tuple(b.record_id for b in bans), banned_for_life=(),
                    listed=tuple(p.record_id for p in listed),
                    employs_banned=tuple(sorted({b.record_id for r in roles for b in r.bans})))
    return _Situation(counting, facts, subject, evidence, bans, listed, roles)


def rule_facts(file: CreditFile, as_of: date, ruleset: CompiledRuleset) -> list[dict[str, Any]]:
    """The facts one evaluation asserts: each counting record's fact plus the subject fact."""
    situation = _situation(file, as_of, ruleset)
    return [*situation.facts, situation.subject]


def _score(ruleset: CompiledRuleset, s: _Situation, backend: str) -> tuple[Scored, list[Entry]]:
    """Run the rules with the backend, then aggregate their hits in Python."""
    hits: dict[str, list[int]] = {}
    for rule_id, rid in evaluate_facts(ruleset, [*s.facts, s.subject], backend):
        hits.setdefault(rule_id, []).append(rid)
    facts_by_id = {f["rid"]: f for f in s.facts}
    dates = {r.id: r.occurred_on for r in s.counting}
    deductions: list[Entry] = []
    bonuses: list[Entry] = []
    for rule in ruleset.rules:
        if rule.type in ("deduction", "bonus") and rule.id in hits:
            entries = [_subject_entry(rule, s)] if rule.kind == "subject" else \
                scored_entries(rule, [facts_by_id[i] for i in hits[rule.id]], dates)
            (deductions if rule.type == "deduction" else bonuses).extend(entries)
    verdicts = _verdicts(ruleset, hits, dates, s.subject, s.evidence)
    return score_and_grade(ruleset, deductions, bonuses, verdicts), verdicts


def _subject_entry(rule: CompiledRule, s: _Situation) -> Entry:
    """A deduction or bonus on the subject fact: scored once, with the records behind the
    subject fields it tests as evidence (a role sum's records, a counter's)."""
    fields = referenced_fields(rule.condition) & set(s.evidence)
    ids = tuple(sorted({i for f in fields for i in s.evidence[f]}))
    return Entry(rule, int(rule.points or 0), ids, None)


def grade(file: CreditFile, as_of: date, registry: RulesetRegistry, *,
          backend: str = "engine") -> CreditResult:
    """The credit grade, reasons and measures of `file` as of `as_of`, with the version in
    force then, which sees the file in its own vocabulary (grading/vocabulary.py)."""
    ruleset = registry.for_date(as_of)
    file = as_seen_by(file, registry.unseen_by(ruleset))
    cfg = ruleset.config
    s = _situation(file, as_of, ruleset)
    scored, verdicts = _score(ruleset, s, backend)
    # HON-PRIORITY needs the grade a year earlier; it is asked only of an A, and only the
    # letter is needed (reasons and measures of that date are never shown).
    kept = scored.grade == "A"
    year_before = _grade_year_before(file, as_of, registry, backend) if kept else None
    triggers = Situation(scored.grade, year_before, s.bans, s.listed, s.roles,
                         scored.fired, tuple(e.rule.id for e in verdicts))
    rating = hygiene_rating(file, as_of, cfg["hygiene"])
    for_life = any(b.end is None for b in s.bans)
    return CreditResult(
        subject=file.subject, as_of=as_of, ruleset=ruleset.name, score=scored.score, grade=scored.grade,
        reasons=scored.reasons, measures=build_measures(cfg["measures"], triggers),
        inspections_per_year=_inspections(file, scored.grade, bool(s.listed), cfg["inspection_frequency"]),
        hygiene_rating=rating,
        flags=((cfg["hygiene"]["target"]["flag"],) if below_target(file, rating, cfg["hygiene"]) else ())
        + plan_flags(file, s.facts, ruleset),
        listed_until=max((p.end for p in s.listed if p.end), default=None),
        listing_record_ids=tuple(sorted({p.record_id for p in s.listed})),
        banned_until=None if for_life else max((b.end for b in s.bans if b.end), default=None),
        banned_for_life=for_life,
        next_change_on=_next_change(file, as_of, registry, with_year_before=kept),
        input_record_ids=tuple(sorted(r.id for r in s.counting)),
    )


def _grade_year_before(file: CreditFile, as_of: date, registry: RulesetRegistry,
                       backend: str) -> str | None:
    """The grade letter on the same calendar date a year earlier (None before any ruleset)."""
    day = add_years(as_of, -1)
    ruleset = registry.in_force_on(day)
    if ruleset is None:
        return None
    file = as_seen_by(file, registry.unseen_by(ruleset))
    scored, _ = _score(ruleset, _situation(file, day, ruleset), backend)
    return scored.grade


def _inspections(file: CreditFile, grade_: str, listed: bool, cfg: Mapping[str, Any]) -> int | None:
    """Inspections per year for an enterprise: by grade, raised by category and listing minimums."""
    if file.subject.type != "enterprise":
        return None
    count = int(cfg["by_grade"][grade_])
    if file.enterprise is not None:
        count = max(count, int(cfg["category_minimum"].get(file.enterprise.category, 0)))
    if listed:
        count = max(count, int(cfg["listed_minimum"]))
    return count


def _all_records(file: CreditFile) -> Iterable[Record]:
    yield from file.records
    for person in file.persons:
        yield from person.records
        yield from person.enterprise_records


def _next_change(file: CreditFile, as_of: date, registry: RulesetRegistry, *,
                 with_year_before: bool) -> date | None:
    """The first date after `as_of` on which the result could change by itself.

    With HON-PRIORITY in play the grade a year earlier is an input too: a change of the
    file a year back shows here a year later.
    """
    first = _first_change_after(file, as_of, registry)
    if not with_year_before:
        return first
    day = add_years(as_of, -1)
    while (earlier := _first_change_after(file, day, registry)) is not None:
        shifted = add_years(earlier, 1)
        if shifted > as_of:  # (29 February a year back can land on as_of itself)
            return shifted if first is None else min(first, shifted)
        day = earlier
    return first


def _first_change_after(file: CreditFile, day: date, registry: RulesetRegistry) -> date | None:
    """The first date after `day` on which some input of the file can change: a record's
    date, revocation, repair or validity end, the next month count its kind is tested at
    (under any ruleset version), a role's start or end, the end of the new-licence period,
    a ruleset taking effect, a new year when role sums are in force. Extra candidates only wake a subject early; none is missing."""
    candidates = [d for d in registry.effective_dates if d > day]
    new_year = date(day.year + 1, 1, 1)
    in_force = registry.in_force_on(new_year)
    if in_force is not None and in_force.role_sums:
        candidates.append(new_year)  # role sums look at last year-end and last year's records
    for record in _all_records(file):
        occurred = record.occurred_on
        if occurred > day:
            candidates.append(occurred)  # every later date of the record comes after it
            continue
        for end in (record.revoked_on, record.repaired_on):
            if end is not None:
                candidates.append(end)
        valid_until = _safe_date(record.details.get("valid_until"))
        if valid_until is not None:
            candidates.append(valid_until + _DAY)
        months = registry.sorted_month_thresholds(record.kind)
        following = bisect.bisect_right(months, age_months(occurred, day))
        if following < len(months):
            candidates.append(add_months(occurred, months[following]))
    for role in (*file.roles, *(r for p in file.persons for r in p.roles)):
        candidates.append(role.from_)
        if role.to:
            candidates.append(role.to + _DAY)
    if file.enterprise and file.enterprise.licensed_on:
        candidates.extend(add_months(file.enterprise.licensed_on, n)
                          for n in registry.new_licence_months)
    return min((d for d in candidates if d > day), default=None)


def _safe_date(value: Any) -> date | None:
    try:
        return as_date(value)
    except ValueError:
        return None
