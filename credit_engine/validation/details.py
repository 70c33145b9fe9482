"""One details schema per record kind, built from the record-kind registry
(credit_engine/domain/record_kinds.py), exactly as docs/domain.md's records table says."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from credit_engine.domain.record_kinds import KINDS, DetailField, RecordKind
from credit_engine.validation.base import StrictSchema, unique_items
from credit_engine.validation.fields import (
    Amount, Choice, IsoDate, JsonNumber, QuarterPeriod, StrictBoolean, StrictInteger, Text,
)


def _presence(spec: DetailField) -> dict[str, Any]:
    """Required, defaulted, or optional (absent or null)."""
    if spec.required:
        return {"required": True}
    if spec.default is not None:
        return {"load_default": spec.default}
    return {"allow_none": True}


def detail_field(spec: DetailField) -> fields.Field:
    """The marshmallow field of one detail field of the registry."""
    kwargs = _presence(spec)
    if spec.description:
        kwargs["metadata"] = {"description": spec.description}
    if spec.type == "text":
        return Text(max_length=spec.max_length or 0, **kwargs)
    if spec.type == "choice":
        return Choice(spec.choices, **kwargs)
    if spec.type == "choices":
        count = validate.Length(min=spec.minimum, max=int(spec.maximum or 0),
                                error=f"Must name between {{min}} and {{max}} {spec.name}.")
        return fields.List(Choice(spec.choices), validate=[count, unique_items], **kwargs)
    if spec.type == "bool":
        return StrictBoolean(**kwargs)
    if spec.type == "count":
        return StrictInteger(validate=validate.Range(min=spec.minimum, max=spec.maximum), **kwargs)
    if spec.type == "number":
        if spec.minimum_exclusive:
            kwargs["validate"] = validate.Range(min=spec.minimum, min_inclusive=False,
                                                error="Must be greater than {min} and at most {max}.")
            kwargs["metadata"] = {**kwargs.get("metadata", {}), "exclusiveMinimum": True}
        return JsonNumber(minimum=int(spec.minimum or 0), maximum=int(spec.maximum or 0), **kwargs)
    if spec.type == "amount":
        return Amount(maximum=Decimal(spec.maximum or 0), **kwargs)
    if spec.type == "date":
        return IsoDate(as_string=True, **kwargs)
    if spec.type == "quarter":
        return QuarterPeriod(**kwargs)
    raise ValueError(f"unknown detail field type {spec.type!r}")  # pragma: no cover


def schema_name(kind: str) -> str:
    """The schema's (and OpenAPI component's) name: self_check -> SelfCheckDetails."""
    return "".join(word.capitalize() for word in kind.split("_")) + "Details"


def details_schema(kind: RecordKind) -> type[Schema]:
    """A strict schema of the kind's fields, with its cross-field checks."""

    @validates_schema
    def cross_field_checks(self: Schema, data: dict[str, Any], **kwargs: Any) -> None:
        """The kind's fields that go together (registry `checks`)."""
        found = kind.detail_conflict(data)
        if found:
            raise ValidationError(found[1], found[0])

    attrs: dict[str, Any] = {spec.name: detail_field(spec) for spec in kind.fields}
    if kind.checks:
        attrs["cross_field_checks"] = cross_field_checks
    return type(schema_name(kind.name), (StrictSchema,), attrs)


DETAILS_SCHEMAS: dict[str, type[Schema]] = {name: details_schema(kind) for name, kind in KINDS.items()}

# Schemas hold no per-load state, so one instance per kind serves every load.
_INSTANCES: dict[str, Schema] = {kind: cls() for kind, cls in DETAILS_SCHEMAS.items()}


def load_details(kind: str, details: Any) -> dict[str, Any]:
    """Validate and normalise `details` for `kind`; raises ValidationError keyed by field."""
    return _INSTANCES[kind].load(details)  # type: ignore[return-value]
