"""Per-record facts derived in Python before any rule runs: window membership, age in
calendar months, heaviest penalty measure, minor flag (DURABLE_RULES.md: windows and
counts are computed before the facts go in)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, Mapping

from credit_engine.domain.dates import add_months
from credit_engine.domain.model import Record
from credit_engine.rules.conditions import PENALTY_MEASURES

VALIDITY_KINDS = ("certification", "insurance", "practice")


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


def penalty_fields(record: Record, config: Mapping[str, Any]) -> dict[str, Any]:
    """Heaviest measure (with its points), minor flag, violation key and measure flags."""
    details = record.details
    measures = list(details.get("measures") or ())
    amount = Decimal(str(details.get("fine_amount") or 0))
    points = {m: fine_points(amount, config) if m == "fine" else int(config["measure_points"][m])
              for m in measures}
    # ties go to the measure listed later in the law's order: deterministic either way
    heaviest = max(measures, key=lambda m: (points[m], PENALTY_MEASURES.index(m)), default="warning")
    aggravated = bool(details.get("aggravated", False))
    minor_cfg = config["minor"]
    minor = bool(measures) and set(measures) <= set(minor_cfg["measures"]) and (
        "fine" not in measures or amount <= minor_cfg["fine_max"])
    fields: dict[str, Any] = {
        "measure_points": points.get(heaviest, 0) + (config["aggravated_extra"] if aggravated else 0),
        "heaviest_measure": heaviest, "minor": minor, "aggravated": aggravated,
        "serious": bool(details.get("serious", False)),
        "violation": str(details.get("violation_id") or f"record:{record.id}"),
        **{f"has_{m}": m in measures for m in PENALTY_MEASURES},
    }
    if "fine" in measures:
        fields["fine_amount"] = float(amount)
    return fields


_DETAIL_FIELDS: dict[str, dict[str, Any]] = {
    "inspection": {"result": "compliant", "refused": False, "key_items_failed": 0, "general_items_failed": 0},
    "sampling": {"result": "pass", "level": "county", "hazard": "other"},
    "self_check": {"status": "on_time"},
    "complaint": {"substantiated": False},
    "incident": {"level": "general"},
    "conviction": {"imprisonment": False},
    "commendation": {"level": "county"},
    "certification": {"scheme": "HACCP"},
    "insurance": {},
    "practice": {"practice": "traceability"},
}


def window_months(record: Record, fields: Mapping[str, Any], windows: Mapping[str, int]) -> int | None:
    """The record's counting window in months (None: no window, or validity-based)."""
    if record.kind == "penalty":
        return windows["penalty_minor"] if fields["minor"] else windows["penalty"]
    return windows.get(record.kind)


def record_fact(record: Record, as_of: date, config: Mapping[str, Any]) -> dict[str, Any]:
    """The fact asserted for one counting record (JSON-serialisable, no None values)."""
    fact: dict[str, Any] = {"rid": record.id, "kind": record.kind, "subject_type": record.subject.type,
                            "age_months": age_months(record.occurred_on, as_of)}
    if record.kind == "penalty":
        fact.update(penalty_fields(record, config["penalty"]))
    else:
        for name, default in _DETAIL_FIELDS.get(record.kind, {}).items():
            value = record.details.get(name)
            fact[name] = default if value is None else value
    if record.kind in VALIDITY_KINDS:
        valid_until = as_date(record.details.get("valid_until"))
        fact["in_window"] = valid_until is not None and valid_until >= as_of
    else:
        months = window_months(record, fact, config["windows"])
        fact["in_window"] = months is not None and fact["age_months"] < months
    return fact
