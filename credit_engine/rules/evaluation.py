"""Evaluate a compiled ruleset against facts with either backend; both return the same
sorted (rule id, fact rid) hits."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from credit_engine.errors import EngineError
from credit_engine.rules import engine
from credit_engine.rules.compiled import CompiledRuleset
from credit_engine.rules.conditions import evaluate

BACKENDS = ("engine", "python")


def evaluate_python(ruleset: CompiledRuleset, facts: Sequence[Mapping[str, Any]]) -> list[tuple[str, int]]:
    """Interpret the compiled conditions in plain Python (the benchmark baseline)."""
    return sorted({(rule.id, int(fact["rid"])) for fact in facts for rule in ruleset.rules
                   if evaluate(rule.condition, fact)})


def evaluate_facts(ruleset: CompiledRuleset, facts: Sequence[Mapping[str, Any]],
                   backend: str = "engine") -> list[tuple[str, int]]:
    """Which rule fired on which fact, by the chosen backend.

    Facts no rule could match (most of a file: compliant inspections, records out of
    their windows) are screened out first, for both backends alike; the backend decides
    every other one (tests check the screen against `evaluate_python` on all facts).
    """
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {BACKENDS}, got {backend!r}")
    admitted = [fact for fact in facts if ruleset.screen.admits(fact)]
    if backend == "python":
        return evaluate_python(ruleset, admitted)
    if not ruleset.engine_name:
        raise EngineError(f"ruleset {ruleset.name} was loaded without engine registration")
    return engine.evaluate(ruleset.engine_name, admitted) if admitted else []
