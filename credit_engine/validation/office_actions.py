"""Schemas of the office's queues: repair applications in and decided, the objections
queue and the repair-applications list (query strings)."""

from __future__ import annotations

from typing import Any

from marshmallow import ValidationError, fields, validate, validates_schema

from credit_engine.validation.base import StrictSchema
from credit_engine.validation.context import current_today
from credit_engine.validation.fields import (
    BoundedList,
    Choice,
    IsoDate,
    StrictBoolean,
    StrictInteger,
    Text,
)
from credit_engine.validation.queries import PaginationArgs

MAX_STATEMENT = 4000  # characters of an applicant's statement
MAX_MATERIALS = 50
MAX_MATERIAL_TITLE = 200
_NOTE = 2000
# What an applicant may attach (docs/office-workflows.md, repair applications).
MATERIAL_KINDS = ("rectification_report", "penalty_fulfilment", "commitment_letter",
                  "training_certificate", "other")
OBJECTION_STATUSES = ("pending", "upheld", "rejected")
APPLICATION_STATUSES = ("pending", "approved", "refused")
_ID = validate.Range(min=1, error="Must be a positive id.")


class MaterialInSchema(StrictSchema):
    """One item of an application's materials list."""

    kind = Choice(MATERIAL_KINDS, required=True)
    title = Text(required=True, max_length=MAX_MATERIAL_TITLE)


class RepairApplicationInSchema(StrictSchema):
    """Body of POST /api/v1/repair-applications; `applied_on` defaults to today."""

    record_id = StrictInteger(required=True, validate=_ID)
    applied_on = IsoDate(not_future=True, load_default=current_today)
    statement = Text(required=True, max_length=MAX_STATEMENT)
    materials = BoundedList(fields.Nested(MaterialInSchema), min_items=0,
                            max_items=MAX_MATERIALS, load_default=list)


class DecideRepairApplicationInSchema(StrictSchema):
    """Body of POST /api/v1/repair-applications/{id}/decide: a refusal needs its reason."""

    approved = StrictBoolean(required=True)
    note = Text(max_length=_NOTE, allow_blank=True, load_default="")
    decided_on = IsoDate(not_future=True, allow_none=True)  # default: today

    @validates_schema
    def refusal_has_a_reason(self, data: dict[str, Any], **kwargs: Any) -> None:
        """The applicant is told why: a refusal without a note is refused."""
        if data.get("approved") is False and not data.get("note", "").strip():
            raise ValidationError("Required when approved is false: the reason for refusing.",
                                  "note")


class ObjectionQueueArgs(PaginationArgs):
    """GET /api/v1/objections: `?status=` (all when absent), paginated."""

    status = Choice(OBJECTION_STATUSES, allow_none=True)


class RepairApplicationsArgs(PaginationArgs):
    """GET /api/v1/repair-applications: `?status=` (all when absent), paginated."""

    status = Choice(APPLICATION_STATUSES, allow_none=True)
