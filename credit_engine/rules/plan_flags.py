"""Inspection-plan flags declared by a ruleset: an enterprise of one of the listed
categories is flagged unless one of its counting records matches `unless` (a condition
in the rule language; only records inside their window or still valid count, as for a
bonus). `school_canteen_without_open_kitchen` is one: a school canteen without a valid
`open_kitchen` practice. The flags land in the grade result's `flags`, beside the
catering target's flag; the inspection plan shows them from there."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from credit_engine.errors import RulesetError
from credit_engine.rules.conditions import ConditionError, compile_condition


@dataclass(frozen=True)
class PlanFlag:
    flag: str
    categories: tuple[str, ...]
    unless: Mapping[str, Any]


def compile_plan_flags(path: str, data: Mapping[str, Any]) -> tuple[PlanFlag, ...]:
    """Each `plan_flags` entry with its `unless` condition compiled (records in window only)."""
    flags = []
    for spec in data["plan_flags"]:
        if spec["unless"].get("kind") == "subject":
            raise RulesetError(path, "unless: must match records, not the subject", rule=spec["flag"])
        try:
            unless = compile_condition(dict(spec["unless"], in_window=True))
        except ConditionError as exc:
            raise RulesetError(path, f"unless: condition does not compile: {exc}", rule=spec["flag"]) from exc
        flags.append(PlanFlag(spec["flag"], tuple(spec["categories"]), unless))
    return tuple(flags)
