"""One details schema per record kind, exactly as docs/domain.md's records table says."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from credit_engine.domain.facts import MAX_FINE_AMOUNT, MAX_ITEMS, MAX_REFERENCE
from credit_engine.validation.base import StrictSchema, unique_items
from credit_engine.validation.fields import (
    Amount, Choice, IsoDate, JsonNumber, QuarterPeriod, StrictBoolean, StrictInteger, Text,
)

PENALTY_MEASURES = (
    "warning", "circulated_criticism", "fine", "confiscation", "suspension",
    "permit_withdrawal", "licence_revocation", "employment_restriction",
)
INSPECTION_RESULTS = ("compliant", "basically_compliant", "non_compliant")
SAMPLING_RESULTS = ("pass", "fail")
LEVELS = ("national", "provincial", "city", "county")
HAZARDS = (
    "illegal_substance", "additive_overuse", "pesticide_residue", "veterinary_residue",
    "microbial", "heavy_metal", "label", "other",
)
SELF_CHECK_STATUSES = ("on_time", "late", "missing")
INCIDENT_LEVELS = ("especially_major", "major", "relatively_large", "general")
CERTIFICATION_SCHEMES = ("HACCP", "ISO22000", "green_food", "organic")
PRACTICES = ("open_kitchen", "traceability")

_REF = MAX_REFERENCE  # longest decision, case, policy or violation number accepted
MAX_POINTS_PER_ITEM = 10  # the quantified grading scores each item out of 10
_COUNT = validate.Range(min=0, max=MAX_ITEMS)


class PenaltyDetails(StrictSchema):
    decision_no = Text(max_length=_REF, allow_none=True)
    measures = fields.List(
        Choice(PENALTY_MEASURES),
        required=True,
        validate=[validate.Length(min=1, max=len(PENALTY_MEASURES),
                                  error="Must name between {min} and {max} measures."),
                  unique_items],
    )
    fine_amount = Amount(maximum=MAX_FINE_AMOUNT, allow_none=True,
                         metadata={"description": "Yuan, at most two decimals."})
    aggravated = StrictBoolean(load_default=False)
    serious = StrictBoolean(load_default=False)
    violation_id = Text(max_length=_REF, allow_none=True)

    @validates_schema
    def fine_and_amount_go_together(self, data: dict[str, Any], **kwargs: Any) -> None:
        """A `fine` needs its amount, and an amount needs a `fine`."""
        has_fine = "fine" in data.get("measures", ())
        has_amount = data.get("fine_amount") is not None
        if has_fine and not has_amount:
            raise ValidationError("Required when measures include fine.", "fine_amount")
        if has_amount and not has_fine:
            raise ValidationError("Only allowed when measures include fine.", "fine_amount")


class InspectionDetails(StrictSchema):
    result = Choice(INSPECTION_RESULTS, required=True)
    key_items_failed = StrictInteger(load_default=0, validate=_COUNT)
    general_items_failed = StrictInteger(load_default=0, validate=_COUNT)
    refused = StrictBoolean(load_default=False)
    items_checked = StrictInteger(allow_none=True, validate=validate.Range(min=1, max=MAX_ITEMS))
    points_total = JsonNumber(minimum=0, maximum=MAX_POINTS_PER_ITEM * MAX_ITEMS, allow_none=True)

    @validates_schema
    def quantified_fields_go_together(self, data: dict[str, Any], **kwargs: Any) -> None:
        """A dynamic score is points_total / items_checked, so one without the other is useless."""
        has_items = data.get("items_checked") is not None
        has_points = data.get("points_total") is not None
        if has_items and not has_points:
            raise ValidationError("Required when items_checked is given.", "points_total")
        if has_points and not has_items:
            raise ValidationError("Required when points_total is given.", "items_checked")


class SamplingDetails(StrictSchema):
    result = Choice(SAMPLING_RESULTS, required=True)
    level = Choice(LEVELS, required=True)
    hazard = Choice(HAZARDS, allow_none=True)
    product = Text(max_length=200, allow_none=True)

    @validates_schema
    def hazard_only_with_fail(self, data: dict[str, Any], **kwargs: Any) -> None:
        """A failed sample names its hazard; a passed one has none."""
        has_hazard = data.get("hazard") is not None
        if data.get("result") == "fail" and not has_hazard:
            raise ValidationError("Required when result is fail.", "hazard")
        if data.get("result") == "pass" and has_hazard:
            raise ValidationError("Only allowed when result is fail.", "hazard")


class SelfCheckDetails(StrictSchema):
    period = QuarterPeriod(required=True)
    status = Choice(SELF_CHECK_STATUSES, required=True)


class ComplaintDetails(StrictSchema):
    substantiated = StrictBoolean(load_default=False)


class IncidentDetails(StrictSchema):
    level = Choice(INCIDENT_LEVELS, required=True)


class ConvictionDetails(StrictSchema):
    imprisonment = StrictBoolean(load_default=False)
    case_no = Text(max_length=_REF, allow_none=True)


class CommendationDetails(StrictSchema):
    level = Choice(LEVELS, required=True)
    title = Text(max_length=200, allow_none=True)


class CertificationDetails(StrictSchema):
    scheme = Choice(CERTIFICATION_SCHEMES, required=True)
    valid_until = IsoDate(required=True, as_string=True)


class InsuranceDetails(StrictSchema):
    policy_no = Text(max_length=_REF, allow_none=True)
    valid_until = IsoDate(required=True, as_string=True)


class PracticeDetails(StrictSchema):
    practice = Choice(PRACTICES, required=True)
    valid_until = IsoDate(required=True, as_string=True)


DETAILS_SCHEMAS: dict[str, type[Schema]] = {
    "penalty": PenaltyDetails,
    "inspection": InspectionDetails,
    "sampling": SamplingDetails,
    "self_check": SelfCheckDetails,
    "complaint": ComplaintDetails,
    "incident": IncidentDetails,
    "conviction": ConvictionDetails,
    "commendation": CommendationDetails,
    "certification": CertificationDetails,
    "insurance": InsuranceDetails,
    "practice": PracticeDetails,
}

# Schemas hold no per-load state, so one instance per kind serves every load.
_INSTANCES: dict[str, Schema] = {kind: cls() for kind, cls in DETAILS_SCHEMAS.items()}


def load_details(kind: str, details: Any) -> dict[str, Any]:
    """Validate and normalise `details` for `kind`; raises ValidationError keyed by field."""
    return _INSTANCES[kind].load(details)  # type: ignore[return-value]
