"""Whether a credit repair of one penalty may be approved (docs/domain.md, credit repair)."""

from __future__ import annotations

from datetime import date
from typing import Iterable

from credit_engine.domain.dates import add_months
from credit_engine.domain.facts import penalty_fields, record_fact
from credit_engine.domain.model import Record
from credit_engine.domain.record_kinds import PENALTY
from credit_engine.rules.compiled import CompiledRuleset
from credit_engine.rules.conditions import evaluate


def repair_refusal(penalty: Record, subject_records: Iterable[Record], approved_on: date,
                   ruleset: CompiledRuleset) -> str | None:
    """The reason a repair approved on `approved_on` is not allowed, or None if it is."""
    if penalty.kind != PENALTY:
        return "only a penalty can be repaired"
    if not penalty.counts_on(approved_on):
        return "the penalty is revoked or already repaired"
    cfg = ruleset.config
    fields = penalty_fields(penalty, cfg["penalty"])
    excluded = [m for m in cfg["repair"]["excluded_measures"] if fields[f"has_{m}"]]
    if excluded:
        return f"a penalty with {', '.join(excluded)} cannot be repaired"
    wait = cfg["repair"]["minor_wait_months"] if fields["minor"] else cfg["repair"]["other_wait_months"]
    if approved_on < add_months(penalty.occurred_on, wait):
        return f"a repair is possible only {wait} months after the decision ({add_months(penalty.occurred_on, wait)})"
    fact = record_fact(penalty, approved_on, cfg)
    if any(evaluate(t.condition, fact) for t in ruleset.listing_triggers):
        listing_wait = cfg["listing"]["repair_after_months"]
        if approved_on < add_months(penalty.occurred_on, listing_wait):
            return f"the listing can be ended by repair only {listing_wait} months after it began"
    for other in subject_records:
        if (other.kind == PENALTY and other.id != penalty.id and other.counts_on(approved_on)
                and other.occurred_on > penalty.occurred_on
                and not penalty_fields(other, cfg["penalty"])["minor"]):
            return f"a new non-minor penalty (record {other.id}) was decided since"
    return None
