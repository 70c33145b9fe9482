"""Response schemas: what the API shows (input schemas live in credit_engine.validation)."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from marshmallow import Schema, fields


class UtcDateTime(fields.DateTime):
    """ISO 8601 with an offset; naive values (SQLite) are UTC as written."""

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        if isinstance(value, datetime) and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return super()._serialize(value, attr, obj, **kwargs)


class ProblemSchema(Schema):
    """RFC 9457 problem details, as every error is answered."""

    type = fields.String(metadata={"example": "about:blank"})
    title = fields.String(metadata={"example": "Validation failed"})
    status = fields.Integer(metadata={"example": 422})
    detail = fields.String(metadata={"example": "The input is not valid."})
    errors = fields.Dict(
        keys=fields.String(), values=fields.List(fields.String()),
        metadata={"description": "Field path -> messages (validation failures only)",
                  "example": {"records[0].details.fine_amount": ["Required with fine."]}})


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
