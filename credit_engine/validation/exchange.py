"""Inputs of reports and data exchange: grade exports, batch decisions, enterprise replies."""

from __future__ import annotations

from marshmallow import fields

from credit_engine.domain.model import CONTEXTS
from credit_engine.validation.actions import distinct_subjects
from credit_engine.validation.base import StrictSchema
from credit_engine.validation.context import current_today
from credit_engine.validation.fields import BoundedList, Choice, IsoDate, Text
from credit_engine.validation.queries import as_of_field
from credit_engine.validation.subjects import SubjectInSchema

MAX_BATCH_DECISIONS = 1000
MAX_REPLY = 500
EXPORT_FORMATS = ("csv", "xlsx")


class GradeExportArgs(StrictSchema):
    """GET /api/v1/exports/grades: `?as_of=&district=&format=csv|xlsx` (default csv)."""

    as_of = as_of_field()
    district = Text(max_length=100, allow_none=True)
    format = Choice(EXPORT_FORMATS, load_default="csv")


class BatchDecisionInSchema(StrictSchema):
    """Body of POST /api/v1/decisions/batch: one context, 1..1000 distinct subjects."""

    context = Choice(CONTEXTS, required=True)
    as_of = as_of_field()
    subjects = BoundedList(fields.Nested(SubjectInSchema), min_items=1,
                           max_items=MAX_BATCH_DECISIONS, required=True,
                           validate=distinct_subjects)


class ReplyInSchema(StrictSchema):
    """Body of POST /api/v1/enterprises/{uscc}/replies; `submitted_on` defaults to today
    and is never after it."""

    text = Text(required=True, max_length=MAX_REPLY,
                metadata={"description": "the enterprise's reply, shown publicly"})
    submitted_on = IsoDate(not_future=True, load_default=current_today)
