"""Schemas for records and record batches (POST /api/v1/records)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from marshmallow import ValidationError, fields, pre_load, validates_schema

from credit_engine.domain.record_kinds import KINDS, RECORD_KINDS, SUBJECT_TYPES
from credit_engine.validation.base import StrictSchema
from credit_engine.validation.details import DETAILS_SCHEMAS, load_details
from credit_engine.validation.fields import BoundedList, Choice, IsoDate, Text
from credit_engine.validation.subjects import SubjectInSchema

MAX_BATCH = 1000


def details_schema_name(kind: str) -> str:
    """The OpenAPI component that documents the details of `kind` (PenaltyDetails, ...)."""
    return DETAILS_SCHEMAS[kind].__name__


class DetailsField(fields.Dict):
    """The `details` object, validated by the schema of the record's `kind`."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> dict[str, Any]:
        if not isinstance(value, Mapping):
            raise self.make_error("invalid")
        kind = data.get("kind") if isinstance(data, Mapping) else None
        if not isinstance(kind, str) or kind not in DETAILS_SCHEMAS:
            return dict(value)  # `kind` carries the error; details cannot be judged without it
        return load_details(kind, value)


class RecordInSchema(StrictSchema):
    """One record of a batch; details are normalised (defaults filled, dates as ISO strings)."""

    external_id = Text(required=True, max_length=128, strip=False)
    subject = fields.Nested(SubjectInSchema, required=True)
    kind = Choice(RECORD_KINDS, required=True)
    occurred_on = IsoDate(required=True, not_future=True)
    details = DetailsField(
        required=True,
        metadata={"description": "Per kind, as in docs/domain.md; unknown fields are rejected.",
                  "oneOf": [{"$ref": f"#/components/schemas/{details_schema_name(kind)}"}
                            for kind in DETAILS_SCHEMAS]},
    )

    @pre_load
    def details_default_to_empty(self, data: Any, **kwargs: Any) -> Any:
        """Missing details are validated as {}, so required detail fields are still named."""
        if isinstance(data, Mapping) and "details" not in data:
            return {**data, "details": {}}
        return data

    @validates_schema(skip_on_field_errors=False)
    def fits_kind(self, data: dict[str, Any], **kwargs: Any) -> None:
        """A kind's subjects only (registry `subject_types`); validity cannot end before the record."""
        errors: dict[str, Any] = {}
        kind, subject = data.get("kind"), data.get("subject")
        allowed = KINDS[str(kind)].subject_types if kind in KINDS else SUBJECT_TYPES
        if subject and subject.get("type") in SUBJECT_TYPES and subject["type"] not in allowed:
            who = "enterprises" if allowed == ("enterprise",) else "persons"
            errors["subject"] = {"type": [f"Must be {allowed[0]}: {kind} records apply to {who} only."]}
        occurred_on, details = data.get("occurred_on"), data.get("details")
        # only details the kind's schema loaded hold a checked ISO `valid_until`
        valid_until = details.get("valid_until") if kind and isinstance(details, dict) else None
        if isinstance(occurred_on, date) and isinstance(valid_until, str):
            if date.fromisoformat(valid_until) < occurred_on:
                errors["details"] = {"valid_until": ["Must not be before occurred_on."]}
        if errors:
            raise ValidationError(errors)


class RecordBatchSchema(StrictSchema):
    """Body of POST /api/v1/records: 1 to 1000 records, all-or-nothing."""

    records = BoundedList(
        fields.Nested(RecordInSchema), required=True, min_items=1, max_items=MAX_BATCH
    )
