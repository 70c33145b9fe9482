"""The subject-level checks a ruleset declares beyond counters, for one enterprise as of a
date: role sums and plan flags.

Role sums (credit_engine/rules/role_sums.py): per sum, the least total over the holders of
the role on its day, and the records behind that total as evidence. Plan flags
(credit_engine/rules/plan_flags.py): which of the ruleset's flags the enterprise gets."""

from __future__ import annotations

from datetime import date
from typing import Any

from credit_engine.domain.facts import record_fact
from credit_engine.domain.model import CreditFile
from credit_engine.rules.compiled import CompiledRuleset
from credit_engine.rules.conditions import evaluate


def role_sum_values(file: CreditFile, as_of: date, ruleset: CompiledRuleset
                    ) -> tuple[dict[str, Any], dict[str, tuple[int, ...]]]:
    """`{name: least total}` (absent: no holder that day) and `{name: record ids}`."""
    values: dict[str, Any] = {}
    evidence: dict[str, tuple[int, ...]] = {}
    if file.subject.type != "enterprise" or not ruleset.role_sums:
        return values, evidence
    persons = {p.person_id: p for p in file.persons}
    for spec in ruleset.role_sums:
        day = spec.holders_day(as_of)
        holders = sorted({r.person_id for r in file.roles if r.role == spec.role and r.active_on(day)})
        totals = []
        for person_id in holders:
            person = persons.get(person_id)
            records = [r for r in person.records if r.counts_on(as_of)] if person else []
            facts = [record_fact(r, as_of, ruleset.config) for r in records]
            matched = [f for f in facts if evaluate(spec.condition, f)]
            totals.append((float(sum(f[spec.field] for f in matched)), person_id,
                           tuple(sorted(f["rid"] for f in matched))))
        if totals:
            least = min(totals)
            values[spec.name], evidence[spec.name] = least[0], least[2]
    return values, evidence


def plan_flags(file: CreditFile, facts: list[dict[str, Any]], ruleset: CompiledRuleset) -> tuple[str, ...]:
    """The ruleset's plan flags that apply: the enterprise's category is listed and none
    of its counting record facts matches `unless` (credit_engine/rules/plan_flags.py)."""
    if file.enterprise is None:
        return ()
    return tuple(spec.flag for spec in ruleset.plan_flags
                 if file.enterprise.category in spec.categories
                 and not any(evaluate(spec.unless, f) for f in facts))
