"""A record as flat named values: the columns of a kind (spreadsheet headers, form fields)
and the record a row of such values stands for.

Both come from the record-kind registry (credit_engine/domain/record_kinds.py), so a new
kind has its form and its import sheet with no code here. Column names are the API's field
paths (`external_id`, `subject.type`, `subject.id`, `occurred_on`, `details.<field>`), so an
error about `records[i].details.fine_amount` names its column. Values are only converted
from text (a form, a CSV cell) to the JSON types the API receives; judging them is left to
the same validation the API uses (credit_engine/validation/records.py).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from credit_engine.domain.record_kinds import KINDS, DetailField

RECORD_COLUMNS = ("external_id", "subject.type", "subject.id", "occurred_on")
DETAILS_PREFIX = "details."
_LIST_SEPARATORS = re.compile(r"[,，;；、]\s*")
_TRUE = {"true", "1", "yes", "y", "是", "√"}
_FALSE = {"false", "0", "no", "n", "否", "×"}


def columns_of(kind: str) -> tuple[str, ...]:
    """The column names of `kind`, in the order of its template."""
    return RECORD_COLUMNS + tuple(DETAILS_PREFIX + f.name for f in KINDS[kind].fields)


def _text(value: Any) -> str | None:
    """A cell or form value as stripped text; None when empty."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _number(text: str, whole: bool) -> Any:
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text  # validation names it as not a number
    if whole and number == number.to_integral_value():
        return int(number)
    return int(number) if number == number.to_integral_value() else float(number)


def cell_value(spec: DetailField, value: Any) -> Any:
    """The JSON value a cell stands for in a detail of type `spec.type`; absent: None."""
    if isinstance(value, bool) and spec.type == "bool":
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) \
            and spec.type in ("count", "number", "amount"):
        return int(value) if float(value).is_integer() else value
    text = _text(value)
    if text is None:
        return None
    if spec.type == "bool":
        lowered = text.lower()
        return True if lowered in _TRUE else False if lowered in _FALSE else text
    if spec.type == "choices":
        return [item for item in _LIST_SEPARATORS.split(text) if item]
    if spec.type in ("count", "number", "amount"):
        return _number(text, spec.type == "count")
    return text


def record_from_values(kind: str, values: Mapping[str, Any]) -> dict[str, Any]:
    """The record (as the API receives it) that a row of `kind`'s columns stands for;
    empty cells are left out, so required ones are named as missing by validation."""
    record: dict[str, Any] = {"kind": kind, "details": {}}
    subject: dict[str, Any] = {}
    for name in ("external_id", "occurred_on"):
        if (text := _text(values.get(name))) is not None:
            record[name] = text
    for part in ("type", "id"):
        if (text := _text(values.get(f"subject.{part}"))) is not None:
            subject[part] = text
    if subject:
        record["subject"] = subject
    for spec in KINDS[kind].fields:
        value = cell_value(spec, values.get(DETAILS_PREFIX + spec.name))
        if value is not None:
            record["details"][spec.name] = value
    return record
