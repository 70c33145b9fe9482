"""Schemas for query-string arguments; values arrive as strings."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from marshmallow import ValidationError, fields, post_load, validate, validates_schema

from credit_engine.domain.model import CATEGORIES, CONTEXTS, GRADES
from credit_engine.validation.base import StrictSchema
from credit_engine.validation.fields import Choice, IsoDate, ScreenedString, Text
from credit_engine.validation.identifier_fields import subject_problem
from credit_engine.validation.subjects import SUBJECT_TYPES

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


MAX_CURSOR = 512


class Cursor(ScreenedString):
    """An opaque page cursor; an empty `?cursor=` means the first page."""

    def __init__(self, **kwargs: Any) -> None:
        # checked below, since an empty cursor loads as None; declared for OpenAPI
        metadata = {"maxLength": MAX_CURSOR, **(kwargs.pop("metadata", None) or {})}
        super().__init__(max_length=None, metadata=metadata, **kwargs)

    def _deserialize(  # type: ignore[override]
        self, value: Any, attr: str | None, data: Any, **kwargs: Any
    ) -> str | None:
        text = super()._deserialize(value, attr, data, **kwargs)
        if len(text) > MAX_CURSOR:
            raise ValidationError("Not a valid cursor.")
        return text or None


class PaginationArgs(StrictSchema):
    """`?limit=` (1..500, default 50) and `?cursor=`."""

    limit = fields.Integer(
        load_default=DEFAULT_LIMIT,
        validate=validate.Range(min=1, max=MAX_LIMIT),
        metadata={"description": f"Page size, 1 to {MAX_LIMIT}."},
    )
    cursor = Cursor(allow_none=True, metadata={"description": "next_cursor of the previous page."})


def as_of_field() -> IsoDate:
    """`as_of`: the date a time-dependent read answers for; default today, never later."""
    return IsoDate(not_future=True, allow_none=True,
                   metadata={"description": "The date to answer for; default today"})


class AsOfArgs(StrictSchema):
    """`?as_of=YYYY-MM-DD`: a computation date, not after today (default today)."""

    as_of = as_of_field()


class PagedAsOfArgs(PaginationArgs):
    """A paginated time-dependent list, e.g. the public announcements."""

    as_of = as_of_field()


class SubjectArgs(StrictSchema):
    """`?subject_type=&subject_id=`, the id checked against the type."""

    subject_type = Choice(SUBJECT_TYPES, required=True)
    subject_id = ScreenedString(required=True, max_length=32, min_length=1)

    @validates_schema
    def id_fits_type(self, data: dict[str, Any], **kwargs: Any) -> None:
        """The id must be a valid key of the subject's type."""
        if "subject_type" in data and "subject_id" in data:
            problem = subject_problem(data["subject_type"], data["subject_id"])
            if problem:
                raise ValidationError(problem, "subject_id")

    @post_load
    def normalise_uscc(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """Enterprise keys are upper-case in storage."""
        if data.get("subject_type") == "enterprise":
            data["subject_id"] = data["subject_id"].upper()
        return data


class RecordsQueryArgs(SubjectArgs, PaginationArgs):
    """GET /api/v1/records: a subject's records, paginated."""


class DecisionArgs(SubjectArgs):
    """GET /api/v1/decisions."""

    context = Choice(CONTEXTS, required=True)
    as_of = as_of_field()


PLAN_SORTS = ("uscc", "next_due_on")
PLAN_FORMATS = ("csv", "xlsx")
_DUE_CURSOR = re.compile(r"^(\d{4}-\d{2}-\d{2}):(.{18})$")


class InspectionPlanFilterArgs(StrictSchema):
    """The inspection plan's filters and order (the page and its export). A `flag` is
    checked against the loaded rulesets' flags by the service (422 naming `flag`)."""

    as_of = as_of_field()
    district = Text(max_length=100, allow_none=True)
    category = Choice(CATEGORIES, allow_none=True)
    grade = Choice(GRADES, allow_none=True)
    flag = ScreenedString(max_length=64, allow_none=True,
                          validate=validate.Regexp(r"^[a-z][a-z0-9_]*$",
                                                   error="Not a known flag."))
    sort = Choice(PLAN_SORTS, load_default="uscc", metadata={
        "description": "uscc (default) or next_due_on (ties by USCC)."})


def _plan_cursor_problem(cursor: str, sort: str) -> str | None:
    if sort == "uscc":
        return subject_problem("enterprise", cursor)
    match = _DUE_CURSOR.match(cursor)
    if match is None or subject_problem("enterprise", match.group(2)):
        return "not a cursor of this sort"
    try:
        date.fromisoformat(match.group(1))
    except ValueError:
        return "not a date"
    return None


class InspectionPlanArgs(InspectionPlanFilterArgs, PaginationArgs):
    """GET /api/v1/inspection-plan."""

    @validates_schema
    def cursor_is_a_plan_position(self, data: dict[str, Any], **kwargs: Any) -> None:
        """By USCC the cursor is the last USCC of the previous page; by next_due_on it is
        `YYYY-MM-DD:USCC` of that page's last item."""
        cursor = data.get("cursor")
        if cursor and _plan_cursor_problem(cursor, data.get("sort", "uscc")):
            raise ValidationError("Not a valid cursor.", "cursor")


class InspectionPlanExportArgs(InspectionPlanFilterArgs):
    """GET /api/v1/inspection-plan/export."""

    format = Choice(PLAN_FORMATS, required=True)


class EnterpriseSearchArgs(PaginationArgs):
    """GET /public/v1/enterprises?q=: name or USCC search."""

    q = Text(required=True, max_length=200)
