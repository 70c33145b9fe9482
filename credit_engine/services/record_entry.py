"""Entering one record from the office's form: the API's validation and ingest, plus the
district rule of district-bound staff."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from credit_engine.errors import ValidationFailed
from credit_engine.services.records import ingest_records
from credit_engine.services.spreadsheet_import import district_problems
from credit_engine.validation.errors import load_or_raise
from credit_engine.validation.records import RecordInSchema


def validated_record(session: Session, raw: dict[str, Any], today: date,
                     district: str | None) -> dict[str, Any]:
    """`raw` (a record as the API receives it) validated as the API does; for a
    district-bound user its enterprise must be of `district`. ValidationFailed otherwise."""
    record = load_or_raise(RecordInSchema, raw, today=today)
    if district is not None:
        problems = district_problems(session, [record], district)
        if problems:
            raise ValidationFailed({k.removeprefix("records[0]."): v for k, v in problems.items()})
    return record


def enter_record(session: Session, raw: dict[str, Any], actor: str, today: date,
                 district: str | None = None) -> dict[str, Any]:
    """Validate and store one record (idempotent by external_id, 409 on other content)."""
    [result] = ingest_records(session, [validated_record(session, raw, today, district)], actor)
    return result
