"""Role sums: subject fields that look through an enterprise's role holders to their own
records ("the least-trained food-safety manager of last year-end had N hours").

A role sum names a role, the day its holders are taken on (`as_of`, or
`end_of_previous_year` = 31 December of the year before the as-of date), a condition on
the holders' own record facts (the same condition language as rules) and a numeric fact
field to add up. Its value on the subject fact is the **least** total over the holders,
so `{name: {lt: 40}}` reads "some holder has fewer than 40"; with no holder that day the
field is absent, and a test on an absent field is false (durable-rules and the Python
interpreter alike): no holder, no hit. Computed in Python before the facts go in
(credit_engine/grading/role_sums.py), like counters.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from credit_engine.errors import RulesetError
from credit_engine.rules.conditions import (
    FACT_FIELDS,
    ConditionError,
    compile_condition,
)


@dataclass(frozen=True)
class RoleSum:
    name: str
    role: str
    active_on: str               # as_of | end_of_previous_year
    condition: Mapping[str, Any]
    field: str

    def holders_day(self, as_of: date) -> date:
        """The day on which a role must be active for its holder to count."""
        if self.active_on == "end_of_previous_year":
            return date(as_of.year - 1, 12, 31)
        return as_of


def compile_role_sums(path: str, data: Mapping[str, Any], taken: set[str]) -> tuple[RoleSum, ...]:
    """Each `role_sums` entry checked: a fresh subject field name, a condition on one
    record kind that compiles, a numeric field of that kind to add up."""
    sums = []
    for name, spec in data["role_sums"].items():
        if name in FACT_FIELDS["subject"] or name in taken:
            raise RulesetError(path, f"role sum name {name!r} hides another subject field", rule=name)
        try:
            condition = compile_condition(spec["of"])
        except ConditionError as exc:
            raise RulesetError(path, f"of: condition does not compile: {exc}", rule=name) from exc
        kind = spec["of"]["kind"]
        if kind == "subject":
            raise RulesetError(path, "of: must match the holders' records, not a subject", rule=name)
        if FACT_FIELDS[kind].get(spec["sum"]) not in (int, float):
            raise RulesetError(path, f"sum: {spec['sum']!r} is not a numeric field of {kind}", rule=name)
        sums.append(RoleSum(name, spec["role"], spec["active_on"], condition, spec["sum"]))
    return tuple(sums)
