"""Per-record facts derived in Python before any rule runs: window membership, age in
calendar months, heaviest penalty measure, minor flag (docs/rule-engine.md: windows and
counts are computed before the facts go in).

Nothing a client sent reaches the rule engine raw: every value taken from a record's
details is checked here against the bounds input is held to (the same constants the
input validation uses) and handed on as a plain bool, small int, bounded number or one
of a fixed set of strings. A stored record outside those bounds (legacy data, a manual
edit) is never clamped or dropped: it raises RecordOutOfBounds naming the record, before
the engine sees anything, and its subject's grading fails.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping

from credit_engine.domain.dates import add_months
from credit_engine.domain.model import Record
from credit_engine.domain.record_kinds import (
    KINDS, MAX_FINE_AMOUNT, MAX_ITEMS, MAX_REFERENCE, PENALTY, PENALTY_MEASURES, FactField,
)
from credit_engine.errors import Conflict


class RecordOutOfBounds(Conflict):
    """A stored record's details fall outside the input bounds: its subject cannot be graded."""

    title = "Record out of bounds"

    def __init__(self, record: Record, field: str, reason: str) -> None:
        super().__init__(
            f"Record {record.id} (external id {record.external_id!r}, {record.kind}): "
            f"details.{field} {reason}; correct or revoke the record to grade its subject.",
            record_id=record.id, field=f"details.{field}")


def age_months(occurred_on: date, as_of: date) -> int:
    """Whole calendar months elapsed: `age < N` exactly when O <= D < O + N months."""
    months = (as_of.year - occurred_on.year) * 12 + as_of.month - occurred_on.month
    if add_months(occurred_on, months) > as_of:
        months -= 1
    return months


def as_date(value: Any) -> date | None:
    """A details date given as a date or an ISO string."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def fine_points(amount: Decimal, config: Mapping[str, Any]) -> int:
    """Points of a fine by amount band (inclusive upper bounds)."""
    for band in config["fine_bands"]:
        if band["max"] is None or amount <= band["max"]:
            return int(band["points"])
    raise ValueError("fine bands do not cover the amount")


def fine_amount(record: Record) -> Decimal | None:
    """The fine of a penalty in yuan, exactly (None without a fine); RecordOutOfBounds when
    the stored amount is missing, not a number, not in (0, MAX_FINE_AMOUNT] or finer than fen."""
    if "fine" not in _measures(record):
        return None
    value = record.details.get("fine_amount")
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise RecordOutOfBounds(record, "fine_amount", f"must be a number, not {value!r}")
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:  # pragma: no cover - str() of a number always parses
        raise RecordOutOfBounds(record, "fine_amount", f"must be a number, not {value!r}") from None
    if not (amount.is_finite() and 0 < amount <= MAX_FINE_AMOUNT):
        raise RecordOutOfBounds(record, "fine_amount",
                                f"is {value!r}, outside (0, {MAX_FINE_AMOUNT}]")
    if 100 % amount.as_integer_ratio()[1]:
        raise RecordOutOfBounds(record, "fine_amount", f"is {value!r}, finer than whole fen")
    return amount


def _measures(record: Record) -> list[str]:
    measures = record.details.get("measures")
    if (not isinstance(measures, (list, tuple)) or not measures
            or any(not isinstance(m, str) or m not in PENALTY_MEASURES for m in measures)):
        raise RecordOutOfBounds(record, "measures",
                                f"must be a non-empty list of {', '.join(PENALTY_MEASURES)}")
    return list(measures)


def _flag(record: Record, name: str) -> bool:
    """A boolean detail (absent or null: false); anything else than true/false is refused."""
    value = record.details.get(name)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise RecordOutOfBounds(record, name, f"must be true or false, not {value!r}")
    return value


def _violation(record: Record) -> str:
    value = record.details.get("violation_id")
    if value is None or value == "":
        return f"record:{record.id}"
    if not isinstance(value, str) or len(value) > MAX_REFERENCE or not value.isprintable():
        raise RecordOutOfBounds(record, "violation_id",
                                f"must be printable text of at most {MAX_REFERENCE} characters")
    return value


def penalty_fields(record: Record, config: Mapping[str, Any]) -> dict[str, Any]:
    """Heaviest measure (with its points), minor flag, violation key and measure flags."""
    measures = _measures(record)
    amount = fine_amount(record)
    points = {m: fine_points(amount, config) if amount is not None and m == "fine"
              else int(config["measure_points"][m]) for m in measures}
    # ties go to the measure listed later in the law's order: deterministic either way
    heaviest = max(measures, key=lambda m: (points[m], PENALTY_MEASURES.index(m)))
    aggravated = _flag(record, "aggravated")
    minor_cfg = config["minor"]
    minor = set(measures) <= set(minor_cfg["measures"]) and (
        amount is None or amount <= minor_cfg["fine_max"])
    fields: dict[str, Any] = {
        "measure_points": points[heaviest] + (config["aggravated_extra"] if aggravated else 0),
        "heaviest_measure": heaviest, "minor": minor, "aggravated": aggravated,
        "serious": _flag(record, "serious"), "violation": _violation(record),
        **{f"has_{m}": m in measures for m in PENALTY_MEASURES},
    }
    if amount is not None:
        # whole fen as an int: exact, and far inside what the engine's numbers hold
        fields["fine_amount"] = int(amount) if amount == amount.to_integral_value() else float(amount)
    return fields


def window_months(record: Record, fields: Mapping[str, Any], windows: Mapping[str, int]) -> int | None:
    """The record's counting window in months (None: no window, or validity-based)."""
    if record.kind == PENALTY:
        return windows["penalty_minor"] if fields["minor"] else windows["penalty"]
    kind = KINDS.get(record.kind)
    names = kind.windows if kind else (record.kind,)  # (a kind no table knows: by its name)
    return windows.get(names[0]) if names else None


def _detail(record: Record, spec: FactField) -> Any:
    """A non-penalty detail as the kind's fact field types it; RecordOutOfBounds when it is not."""
    name, expected = spec.name, spec.type
    value = record.details.get(name)
    if value is None:
        return spec.default
    if isinstance(expected, tuple):
        if isinstance(value, str) and value in expected:
            return value
        raise RecordOutOfBounds(record, name, f"must be one of {', '.join(expected)}, not {value!r}")
    if expected is bool:
        if isinstance(value, bool):
            return value
        raise RecordOutOfBounds(record, name, f"must be true or false, not {value!r}")
    if expected is float:
        if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= MAX_ITEMS:
            return float(value)
        raise RecordOutOfBounds(record, name, f"must be a number from 0 to {MAX_ITEMS}, not {value!r}")
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_ITEMS:
        return value
    raise RecordOutOfBounds(record, name, f"must be a whole number from 0 to {MAX_ITEMS}, not {value!r}")


def record_fact(record: Record, as_of: date, config: Mapping[str, Any]) -> dict[str, Any]:
    """The fact asserted for one counting record (JSON-serialisable, no None values)."""
    fact: dict[str, Any] = {"rid": record.id, "kind": record.kind, "subject_type": record.subject.type,
                            "age_months": age_months(record.occurred_on, as_of)}
    kind = KINDS.get(record.kind)
    if kind and kind.derived_facts:
        fact.update(penalty_fields(record, config["penalty"]))
    else:
        for spec in kind.facts if kind else ():
            fact[spec.name] = _detail(record, spec)
    if kind and kind.year_field:
        fact["years_ago"] = as_of.year - fact[kind.year_field]
    if kind and kind.validity:
        valid_until = _valid_until(record)
        fact["in_window"] = valid_until is not None and valid_until >= as_of
    else:
        months = window_months(record, fact, config["windows"])
        fact["in_window"] = months is not None and fact["age_months"] < months
    return fact


def _valid_until(record: Record) -> date | None:
    try:
        return as_date(record.details.get("valid_until"))
    except ValueError:
        raise RecordOutOfBounds(record, "valid_until", "must be a date written YYYY-MM-DD") from None
