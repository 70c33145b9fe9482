"""What the API shows: marshmallow response schemas (inputs live in credit_engine.validation)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from marshmallow import INCLUDE, Schema, fields, validate

from credit_engine.api.problem_types import KINDS


class UtcDateTime(fields.DateTime):
    """ISO 8601 with an offset; naive values (SQLite) are UTC as written."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return super()._serialize(value, attr, obj, **kwargs)


class ProblemSchema(Schema):
    """RFC 9457 problem details, as every error is answered.

    The members below are every one the service sends; RFC 9457 lets a problem type add
    extension members, so clients must ignore members they do not know."""

    class Meta:
        unknown = INCLUDE  # documented as additionalProperties: true (extension members)

    type = fields.String(required=True, validate=validate.OneOf([k.uri for k in KINDS.values()]),
                         metadata={"description": "The kind of error: a URI relative to the "
                                   "service, where GET answers what it means (see /problems).",
                                   "example": "/problems/validation",
                                   # names of the enum members in generated clients
                                   "x-enum-varnames": [k.name.replace("-", "_").upper()
                                                       for k in KINDS.values()]})
    title = fields.String(required=True, metadata={
        "description": "Short summary of the kind; the same for every problem of one type.",
        "example": "Validation failed"})
    status = fields.Integer(required=True, validate=validate.Range(400, 599),
                            metadata={"example": 422})
    detail = fields.String(required=True, metadata={
        "description": "What went wrong with this request, in plain words.",
        "example": "The input is not valid."})
    errors = fields.Dict(
        keys=fields.String(), values=fields.List(fields.String()),
        metadata={"description": "Field path -> messages (type /problems/validation only)",
                  "example": {"records[0].details.fine_amount": ["Required with fine."]}})
    external_ids = fields.List(fields.String(), metadata={
        "description": "The external_ids already received with other content (409 from "
                       "POST /api/v1/records only)", "example": ["PEN-2026-0042"]})
    record_id = fields.Integer(metadata={
        "description": "The stored record that cannot be graded (409 from credit and decision "
                       "reads: its details are out of bounds)", "example": 42})
    field = fields.String(metadata={
        "description": "The one field the problem is about, when it is not a validation "
                       "failure (e.g. details.fine_amount of that record)"})


class SubjectSchema(Schema):
    type = fields.String(metadata={"enum": ["enterprise", "person"]})
    id = fields.String()


class RoleOutSchema(Schema):
    uscc = fields.String()
    person_id = fields.String()
    role = fields.String()
    from_ = fields.Date(data_key="from", attribute="from_on")
    to = fields.Date(attribute="to_on", allow_none=True)


class EnterpriseOutSchema(Schema):
    uscc = fields.String()
    name = fields.String()
    category = fields.String()
    district = fields.String(allow_none=True)
    licence_no = fields.String(allow_none=True)
    licensed_on = fields.Date(allow_none=True)
    created_at = UtcDateTime()
    updated_at = UtcDateTime()


class EnterpriseWithRolesSchema(EnterpriseOutSchema):
    roles = fields.List(fields.Nested(RoleOutSchema))


class PersonOutSchema(Schema):
    id = fields.String(metadata={"description": "Opaque person id"})
    name = fields.String()
    id_number = fields.String(metadata={"description": "In clear for admin keys only, else masked"})


class PersonWithRolesSchema(PersonOutSchema):
    roles = fields.List(fields.Nested(RoleOutSchema))


class RecordOutSchema(Schema):
    id = fields.Integer()
    external_id = fields.String()
    subject = fields.Nested(SubjectSchema)
    kind = fields.String()
    occurred_on = fields.Date()
    details = fields.Dict()
    revoked_on = fields.Date(allow_none=True)
    repaired_on = fields.Date(allow_none=True)
    received_at = UtcDateTime()


class RecordsPageSchema(Schema):
    items = fields.List(fields.Nested(RecordOutSchema))
    next_cursor = fields.String(allow_none=True)


class IngestedRecordSchema(Schema):
    external_id = fields.String()
    id = fields.Integer()
    status = fields.String(metadata={"enum": ["created", "unchanged"]})


class IngestResultSchema(Schema):
    records = fields.List(fields.Nested(IngestedRecordSchema))


class HealthSchema(Schema):
    status = fields.String(metadata={"example": "ok"})
