"""What the Credit and Decisions sections show (docs/api.md): marshmallow response schemas."""

from __future__ import annotations

from marshmallow import Schema, fields

from credit_engine.api.representations import SubjectSchema


class ReasonSchema(Schema):
    rule = fields.String()
    points = fields.Integer(metadata={"description": "Negative for deductions, positive for bonuses"})
    record_ids = fields.List(fields.Integer())
    basis = fields.String(metadata={"description": "Legal basis"})
    text = fields.String(metadata={"description": "The reason in plain Chinese"})


class MeasureSchema(Schema):
    code = fields.String()
    kind = fields.String(metadata={"enum": ["restriction", "incentive"]})
    context = fields.String()
    title = fields.String()
    basis = fields.String()
    from_ = fields.String(data_key="from", attribute="from", allow_none=True)
    until = fields.String(allow_none=True)
    because = fields.List(fields.String(), metadata={"description": "Rule ids or record ids"})


class HygieneRatingSchema(Schema):
    rating = fields.String(metadata={"enum": ["excellent", "good", "fair", "not_rated"]})
    score = fields.String(allow_none=True, metadata={"description": "One decimal, truncated"})
    reason = fields.String()


class CreditSchema(Schema):
    subject = fields.Nested(SubjectSchema)
    grade = fields.String(metadata={"enum": ["A", "B", "C", "D"]})
    score = fields.Integer()
    as_of = fields.String()
    ruleset = fields.String(metadata={"description": "<id>@<version> used"})
    reasons = fields.List(fields.Nested(ReasonSchema))
    measures = fields.List(fields.Nested(MeasureSchema))
    inspections_per_year = fields.Integer(allow_none=True)
    flags = fields.List(fields.String())
    listed_until = fields.String(allow_none=True)
    banned_until = fields.String(allow_none=True)
    banned_for_life = fields.Boolean()
    next_change_on = fields.String(allow_none=True)
    hygiene_rating = fields.Nested(HygieneRatingSchema)


class CreditHistorySchema(Schema):
    subject = fields.Nested(SubjectSchema)
    items = fields.List(fields.Nested(CreditSchema))


class DecisionSchema(Schema):
    subject = fields.Nested(SubjectSchema)
    context = fields.String()
    as_of = fields.String()
    grade = fields.String()
    outcome = fields.String(metadata={"enum": ["restricted", "normal", "incentivised"]})
    ruleset = fields.String()
    measures = fields.List(fields.Nested(MeasureSchema))
    inspections_per_year = fields.Integer(metadata={"description": "context inspection only"})
    last_inspected_on = fields.String(allow_none=True, metadata={
        "description": "context inspection, enterprises: latest counting inspection"})
    next_due_on = fields.String(metadata={"description": "context inspection, enterprises"})
    reinspection_due_on = fields.String(allow_none=True, metadata={
        "description": "context inspection, enterprises: 30 days after a failed inspection"})
    flags = fields.List(fields.String(), metadata={
        "description": "context inspection, enterprises: reinspection_due, overdue"})


class PlanItemSchema(Schema):
    subject = fields.Nested(SubjectSchema)
    name = fields.String()
    category = fields.String()
    district = fields.String(allow_none=True)
    grade = fields.String()
    graded_on = fields.String()
    inspections_per_year = fields.Integer()
    last_inspected_on = fields.String(allow_none=True, metadata={
        "description": "latest inspection on or before as_of (refused ones included)"})
    next_due_on = fields.String(metadata={
        "description": "last inspection + 12 / inspections_per_year months; never "
                       "inspected: licensed_on + 3 months (as_of when unknown)"})
    reinspection_due_on = fields.String(allow_none=True, metadata={
        "description": "30 days after a non_compliant or refused latest inspection"})
    flags = fields.List(fields.String(), metadata={
        "description": "the grade's flags (canteen_below_target, ...), then reinspection_due, "
                       "overdue"})


class PlanPageSchema(Schema):
    items = fields.List(fields.Nested(PlanItemSchema))
    next_cursor = fields.String(allow_none=True)


class RegradeResultSchema(Schema):
    regraded = fields.Integer()
    changed = fields.Integer()
    as_of = fields.String()


class RepairResultSchema(Schema):
    id = fields.Integer()
    record_id = fields.Integer()
    approved_on = fields.String()
    note = fields.String()
