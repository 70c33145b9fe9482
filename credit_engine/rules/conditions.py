"""The condition language of ruleset files: validation, compilation to durable-rules
JSON, and a plain-Python interpreter of that same JSON.

A condition is a mapping of fact field to either a literal (equality) or one operator
mapping (`{lt: 12}`, `{in: [city, county]}`); `any: [cond, ...]` is an alternative.
Every field must exist in the fact catalogue of the condition's `kind`.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from credit_engine.domain.model import CATEGORIES
from credit_engine.domain.record_kinds import KINDS, SUBJECT_TYPES

_COMMON: dict[str, Any] = {"age_months": int, "in_window": bool, "subject_type": SUBJECT_TYPES}

# Field catalogue per fact kind: a type, or a tuple of the allowed string values. Record
# kinds and their fields come from the record-kind registry.
FACT_FIELDS: dict[str, dict[str, Any]] = {
    **{kind.name: {**_COMMON, **{f.name: f.type for f in kind.facts},
                   **({"years_ago": int} if kind.year_field else {})} for kind in KINDS.values()},
    # One fact per evaluation about the subject itself; counters are added per ruleset.
    "subject": {"subject_type": SUBJECT_TYPES, "category": (*CATEGORIES, "none"),
                "banned": bool, "banned_for_life": bool, "listed": bool, "employs_banned": bool},
}

OPERATORS: dict[str, str] = {"eq": "", "neq": "$neq", "lt": "$lt", "lte": "$lte", "gt": "$gt", "gte": "$gte",
             "in": "", "not_in": ""}


class ConditionError(ValueError):
    """A condition does not compile; the message names the field."""


def _check_value(field: str, expected: Any, value: Any) -> None:
    if isinstance(expected, tuple):
        if value not in expected:
            raise ConditionError(f"{field}: {value!r} is not one of {', '.join(expected)}")
    elif expected is bool:
        if not isinstance(value, bool):
            raise ConditionError(f"{field}: expected true or false, got {value!r}")
    elif expected in (int, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ConditionError(f"{field}: expected a number, got {value!r}")
    elif not isinstance(value, expected):
        raise ConditionError(f"{field}: expected {expected.__name__}, got {value!r}")


def _compile_test(field: str, spec: Any, catalogue: Mapping[str, Any]) -> dict[str, Any]:
    if field not in catalogue:
        raise ConditionError(f"unknown field {field!r}")
    expected = catalogue[field]
    if not isinstance(spec, dict):
        _check_value(field, expected, spec)
        return {field: spec}
    if len(spec) != 1:
        raise ConditionError(f"{field}: exactly one operator expected, got {sorted(spec)}")
    (op, value), = spec.items()
    if op not in OPERATORS:
        raise ConditionError(f"{field}: unknown operator {op!r}")
    if op in ("in", "not_in"):
        if not isinstance(value, list) or not value:
            raise ConditionError(f"{field}: {op} needs a non-empty list")
        for item in value:
            _check_value(field, expected, item)
        if op == "in":
            return {"$or": [{field: item} for item in value]} if len(value) > 1 else {field: value[0]}
        return {"$and": [{"$neq": {field: item}} for item in value]}
    if op in ("lt", "lte", "gt", "gte") and expected not in (int, float):
        raise ConditionError(f"{field}: {op} needs a numeric field")
    _check_value(field, expected, value)
    return {field: value} if op == "eq" else {OPERATORS[op]: {field: value}}


def compile_condition(when: Any, extra: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Compile a `when` mapping (which must name its `kind`) into durable-rules JSON."""
    if not isinstance(when, dict):
        raise ConditionError("`when` must be a mapping")
    kind = when.get("kind")
    if kind not in FACT_FIELDS:
        raise ConditionError(f"kind: {kind!r} is not one of {', '.join(FACT_FIELDS)}")
    catalogue = dict(FACT_FIELDS[kind], **(extra or {}) if kind == "subject" else {})
    tests: list[dict[str, Any]] = [{"kind": str(kind)}] + _compile_body(when, catalogue, top=True)
    return {"$and": tests}


def _compile_body(body: Mapping[str, Any], catalogue: Mapping[str, Any], top: bool) -> list[dict]:
    tests: list[dict[str, Any]] = []
    for field, spec in body.items():
        if field == "kind" and top:
            continue
        if field == "any":
            if not isinstance(spec, list) or not spec or not all(isinstance(s, dict) and s for s in spec):
                raise ConditionError("any: needs a non-empty list of non-empty mappings")
            alternatives = [_and(_compile_body(s, catalogue, top=False)) for s in spec]
            tests.append({"$or": alternatives})
        else:
            tests.append(_compile_test(str(field), spec, catalogue))
    return tests


def _and(tests: list[dict[str, Any]]) -> dict[str, Any]:
    return tests[0] if len(tests) == 1 else {"$and": tests}


_COMPARE = {
    "$neq": lambda a, b: a != b, "$lt": lambda a, b: a < b, "$lte": lambda a, b: a <= b,
    "$gt": lambda a, b: a > b, "$gte": lambda a, b: a >= b,
}


def evaluate(condition: Mapping[str, Any], fact: Mapping[str, Any]) -> bool:
    """Interpret compiled condition JSON against a fact, with durable-rules semantics
    (a test on a missing field is false, whatever the operator)."""
    (key, value), = condition.items()
    if key == "$and":
        return all(evaluate(part, fact) for part in value)
    if key == "$or":
        return any(evaluate(part, fact) for part in value)
    if key in _COMPARE:
        (field, operand), = value.items()
        return field in fact and _COMPARE[key](fact[field], operand)
    return key in fact and fact[key] == value


def month_thresholds(condition: Mapping[str, Any]) -> set[int]:
    """The `age_months` values at which a condition can change its answer."""
    found: set[int] = set()
    (key, value), = condition.items()
    if key in ("$and", "$or"):
        for part in value:
            found |= month_thresholds(part)
    elif key in _COMPARE and "age_months" in value:
        n = int(value["age_months"])
        found |= {n, n + 1}
    elif key == "age_months":
        found |= {int(value), int(value) + 1}
    return found


def referenced_fields(condition: Mapping[str, Any]) -> set[str]:
    """Every fact field a compiled condition tests."""
    (key, value), = condition.items()
    if key in ("$and", "$or"):
        return set().union(*(referenced_fields(p) for p in value))
    if key in _COMPARE:
        return set(value)
    return {key}


def required_equalities(condition: Mapping[str, Any]) -> dict[str, Any]:
    """The `field == value` tests a fact must pass for the condition to hold: the plain
    equalities among its top-level conjuncts (`kind` always among them)."""
    (key, value), = condition.items()
    parts = value if key == "$and" else [condition]
    required: dict[str, Any] = {}
    for part in parts:
        (field, operand), = part.items()
        if not field.startswith("$"):
            required[field] = operand
    return required


class FactScreen:
    """Which facts some rule could match, decided on the rules' required equalities only.

    A fact that fails a required equality of every rule can match none of them, so the
    rule engine need not see it: the engine still decides every fact that passes. The
    screen never rejects a fact any rule matches (tests compare it with `evaluate`).
    """

    def __init__(self, conditions: Iterable[Mapping[str, Any]]) -> None:
        by_kind: dict[Any, list[tuple[tuple[str, Any], ...]]] = {}
        for condition in conditions:
            required = required_equalities(condition)
            kind = required.pop("kind")
            by_kind.setdefault(kind, []).append(tuple(required.items()))
        self._by_kind = by_kind

    def admits(self, fact: Mapping[str, Any]) -> bool:
        """False only when no rule can match `fact`."""
        missing = _MISSING
        return any(all(fact.get(field, missing) == value for field, value in tests)
                   for tests in self._by_kind.get(fact.get("kind"), ()))


_MISSING = object()
