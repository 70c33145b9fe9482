"""Schemas for subjects: enterprises, persons, roles, and subject references."""

from __future__ import annotations

from typing import Any, ClassVar

from marshmallow import ValidationError, post_load, validates_schema

from credit_engine.domain.model import CATEGORIES, ROLE_KINDS
from credit_engine.validation.base import StrictSchema
from credit_engine.validation.fields import Choice, IsoDate, ScreenedString, Text
from credit_engine.validation.identifier_fields import IdNumber, subject_problem

SUBJECT_TYPES = ("enterprise", "person")


class EnterpriseInSchema(StrictSchema):
    """Body of PUT /api/v1/enterprises/{uscc}."""

    name = Text(required=True, max_length=200)
    category = Choice(CATEGORIES, required=True)
    district = Text(max_length=100, allow_none=True)
    licence_no = Text(max_length=64, allow_none=True)
    licensed_on = IsoDate(not_future=True, allow_none=True)


class PersonInSchema(StrictSchema):
    """Body of POST /api/v1/persons."""

    id_number = IdNumber(required=True)
    name = Text(required=True, max_length=100)


class RoleInSchema(StrictSchema):
    """Body of PUT /api/v1/enterprises/{uscc}/roles/{person_id}; loads `from` as `from_`."""

    keep_null: ClassVar[frozenset[str]] = frozenset({"to"})

    role = Choice(ROLE_KINDS, required=True)
    from_ = IsoDate(required=True, data_key="from")
    to = IsoDate(allow_none=True, load_default=None)

    @validates_schema
    def to_not_before_from(self, data: dict[str, Any], **kwargs: Any) -> None:
        """A role cannot end before it starts (it may end on its first day)."""
        if data.get("to") is not None and data["to"] < data["from_"]:
            raise ValidationError("Must not be before from.", "to")


class SubjectInSchema(StrictSchema):
    """A subject reference {type, id}: a USCC for an enterprise, an opaque id for a person."""

    type = Choice(SUBJECT_TYPES, required=True)
    id = ScreenedString(required=True, max_length=32, min_length=1)

    @validates_schema
    def id_fits_type(self, data: dict[str, Any], **kwargs: Any) -> None:
        """The id must be a valid key of the subject's type."""
        problem = subject_problem(data["type"], data["id"])
        if problem:
            raise ValidationError(problem, "id")

    @post_load
    def normalise_uscc(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """Enterprise keys are stored upper-case, so lower-case input finds the same subject."""
        if data.get("type") == "enterprise":
            data["id"] = data["id"].upper()
        return data
