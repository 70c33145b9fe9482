"""Schemas for command bodies: revoke, repair, regrade, objections."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from credit_engine.validation.base import StrictSchema, unique_items
from credit_engine.validation.context import current_today
from credit_engine.validation.fields import BoundedList, IsoDate, StrictBoolean, StrictInteger, Text
from credit_engine.validation.subjects import SubjectInSchema

MAX_REGRADE_SUBJECTS = 1000
_NOTE = 2000  # longest reason or note accepted
_ID = validate.Range(min=1, error="Must be a positive id.")


class RevokeInSchema(StrictSchema):
    """Body of POST /api/v1/records/{id}/revoke; `revoked_on` defaults to today."""

    reason = Text(required=True, max_length=_NOTE)
    revoked_on = IsoDate(not_future=True, load_default=current_today)


class RepairInSchema(StrictSchema):
    """Body of POST /api/v1/repairs."""

    record_id = StrictInteger(required=True, validate=_ID)
    approved_on = IsoDate(required=True, not_future=True)
    note = Text(max_length=_NOTE, allow_blank=True, strip=False, load_default="")


def distinct_subjects(subjects: list[dict[str, Any]]) -> None:
    """Validator: no subject twice (compared after loading, so case does not hide a repeat)."""
    seen: set[tuple[str, str]] = set()
    repeated: list[str] = []
    for subject in subjects:
        key = (subject["type"], subject["id"])
        if key in seen and f"{key[0]}:{key[1]}" not in repeated:
            repeated.append(f"{key[0]}:{key[1]}")
        seen.add(key)
    if repeated:
        raise ValidationError(f"Must not repeat subjects: {', '.join(repeated)}.")


class RegradeInSchema(StrictSchema):
    """Body of POST /api/v1/regrade: either `subjects` or `all: true`, optional `as_of`
    (not after today)."""

    subjects = BoundedList(
        fields.Nested(SubjectInSchema), min_items=1, max_items=MAX_REGRADE_SUBJECTS,
        validate=distinct_subjects,
    )
    all = StrictBoolean()
    as_of = IsoDate(not_future=True, allow_none=True,  # nothing is stored for the future
                    metadata={"description": "The business date to grade for; default today"})

    @validates_schema(skip_on_field_errors=False, pass_original=True)
    def subjects_or_all(self, data: dict[str, Any], original: Any, **kwargs: Any) -> None:
        """Exactly one of `subjects` and `all: true`; judged on what was sent, valid or not."""
        sent = original if isinstance(original, dict) else {}
        if data.get("all") is False:
            raise ValidationError("Must be true when given; use subjects to regrade some.", "all")
        if "all" in sent and "subjects" in sent:
            raise ValidationError("Not allowed together with subjects.", "all")
        if "all" not in sent and "subjects" not in sent:
            raise ValidationError("Required unless all is true.", "subjects")


class ObjectionInSchema(StrictSchema):
    """Body of POST /api/v1/announcements/{id}/objections; `filed_on` defaults to today."""

    reason = Text(required=True, max_length=_NOTE)
    record_ids = fields.List(
        StrictInteger(validate=_ID),
        load_default=list,
        validate=[validate.Length(max=MAX_REGRADE_SUBJECTS), unique_items],
    )
    filed_on = IsoDate(not_future=True, load_default=current_today)


class ResolveObjectionInSchema(StrictSchema):
    """Body of POST /api/v1/objections/{id}/resolve."""

    upheld = StrictBoolean(required=True)
    note = Text(max_length=_NOTE, allow_blank=True, strip=False, load_default="")
    resolved_on = IsoDate(not_future=True, allow_none=True)  # default: today
