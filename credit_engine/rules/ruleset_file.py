"""The shape of a ruleset file, checked with marshmallow before anything is compiled."""

from __future__ import annotations

from datetime import date
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from credit_engine.domain.model import CATEGORIES, CONTEXTS, GRADES, ROLE_KINDS
from credit_engine.domain.record_kinds import PENALTY_MEASURES, RECORD_KINDS, WINDOW_NAMES

RULE_TYPES = ("deduction", "bonus", "override", "cap")
ROLE_DAYS = ("as_of", "end_of_previous_year")
MEASURE_TRIGGERS = ("ban_5y", "ban_life", "employs_banned", "listed", "rule", "grade", "grade_kept")
HYGIENE_RATINGS = ("excellent", "good", "fair")
_ID = validate.Regexp(r"^[A-Z][A-Z0-9-]*[A-Z0-9]$", error="must be upper-case letters, digits and '-'")
_NAME = validate.Regexp(r"^[a-z][a-z0-9_]*$", error="must be lower-case letters, digits and '_'")
_MONTHS = validate.Range(min=1, max=1200)


class DateField(fields.Field):
    """A date written in YAML as 2026-01-01 (parsed by YAML) or as a quoted ISO string."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError as exc:
            raise ValidationError("Not a valid date (YYYY-MM-DD).") from exc


class _Strict(Schema):
    class Meta:
        unknown = RAISE


class BandSchema(_Strict):
    grade = fields.Str(required=True, validate=validate.OneOf(GRADES))
    min = fields.Int(required=True, validate=validate.Range(min=0))


class ScoreSchema(_Strict):
    start = fields.Int(required=True)
    min = fields.Int(required=True)
    max = fields.Int(required=True)
    bonus_cap = fields.Int(required=True, validate=validate.Range(min=0))
    bands = fields.List(fields.Nested(BandSchema), required=True, validate=validate.Length(min=1))


class FineBandSchema(_Strict):
    max = fields.Decimal(load_default=None)
    points = fields.Int(required=True, validate=validate.Range(min=0))


class MinorSchema(_Strict):
    measures = fields.List(fields.Str(validate=validate.OneOf(PENALTY_MEASURES)), required=True)
    fine_max = fields.Decimal(required=True)


class PenaltySchema(_Strict):
    measure_points = fields.Dict(keys=fields.Str(validate=validate.OneOf(
        [m for m in PENALTY_MEASURES if m != "fine"])), values=fields.Int(validate=validate.Range(min=0)),
        required=True)
    fine_bands = fields.List(fields.Nested(FineBandSchema), required=True, validate=validate.Length(min=1))
    aggravated_extra = fields.Int(required=True, validate=validate.Range(min=0))
    minor = fields.Nested(MinorSchema, required=True)


class CounterSchema(_Strict):
    of = fields.Dict(required=True)
    distinct = fields.Str(load_default=None)


class PointsField(fields.Field):
    """Either a whole number or `{field: <numeric fact field>}`."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        if isinstance(value, dict) and set(value) == {"field"} and isinstance(value["field"], str):
            return value
        raise ValidationError("must be a whole number >= 0 or {field: <fact field>}")


class RuleSchema(_Strict):
    id = fields.Str(required=True, validate=_ID)
    type = fields.Str(required=True, validate=validate.OneOf(RULE_TYPES))
    when = fields.Dict(required=True)
    points = PointsField(load_default=None)
    per = fields.Str(load_default=None)
    total_cap = fields.Int(load_default=None, validate=validate.Range(min=0))
    grade = fields.Str(load_default=None, validate=validate.OneOf(GRADES))
    max_grade = fields.Str(load_default=None, validate=validate.OneOf(GRADES))
    basis = fields.Str(required=True, validate=validate.Length(min=1))
    text = fields.Str(required=True, validate=validate.Length(min=1))


class TriggerSchema(_Strict):
    id = fields.Str(required=True, validate=_ID)
    when = fields.Dict(required=True)


class ListingSchema(_Strict):
    months = fields.Int(required=True, validate=_MONTHS)
    repair_after_months = fields.Int(required=True, validate=_MONTHS)
    basis = fields.Str(required=True)
    triggers = fields.List(fields.Nested(TriggerSchema), required=True)


class BanSchema(_Strict):
    id = fields.Str(required=True, validate=_ID)
    when = fields.Dict(required=True)
    years = fields.Int(load_default=None, validate=validate.Range(min=1, max=100))
    for_life = fields.Bool(load_default=False)
    subject = fields.Bool(load_default=True)
    role_holders = fields.List(fields.Str(validate=validate.OneOf(ROLE_KINDS)), load_default=list)


class RepairSchema(_Strict):
    excluded_measures = fields.List(fields.Str(validate=validate.OneOf(PENALTY_MEASURES)), required=True)
    minor_wait_months = fields.Int(required=True, validate=validate.Range(min=0, max=1200))
    other_wait_months = fields.Int(required=True, validate=validate.Range(min=0, max=1200))


class FrequencySchema(_Strict):
    by_grade = fields.Dict(keys=fields.Str(validate=validate.OneOf(GRADES)),
                           values=fields.Int(validate=validate.Range(min=0)), required=True)
    category_minimum = fields.Dict(keys=fields.Str(validate=validate.OneOf(CATEGORIES)),
                                   values=fields.Int(validate=validate.Range(min=0)), load_default=dict)
    listed_minimum = fields.Int(required=True, validate=validate.Range(min=0))


class HygieneBandSchema(_Strict):
    rating = fields.Str(required=True, validate=validate.OneOf(HYGIENE_RATINGS))
    min = fields.Decimal(required=True)


class HygieneTargetSchema(_Strict):
    flag = fields.Str(required=True, validate=_NAME)
    categories = fields.List(fields.Str(validate=validate.OneOf(CATEGORIES)), required=True)
    min_rating = fields.Str(required=True, validate=validate.OneOf(HYGIENE_RATINGS))


class HygieneSchema(_Strict):
    categories = fields.List(fields.Str(validate=validate.OneOf(CATEGORIES)), required=True)
    window_months = fields.Int(required=True, validate=_MONTHS)
    bands = fields.List(fields.Nested(HygieneBandSchema), required=True, validate=validate.Length(min=1))
    key_items_failed_limit = fields.Int(required=True, validate=validate.Range(min=1))
    new_licence_months = fields.Int(required=True, validate=validate.Range(min=0, max=1200))
    after_incident_months = fields.Int(required=True, validate=validate.Range(min=0, max=1200))
    target = fields.Nested(HygieneTargetSchema, load_default=None)


class MeasureSchema(_Strict):
    code = fields.Str(required=True, validate=_ID)
    kind = fields.Str(required=True, validate=validate.OneOf(("restriction", "incentive")))
    context = fields.Str(required=True, validate=validate.OneOf(CONTEXTS))
    title = fields.Str(required=True, validate=validate.Length(min=1))
    basis = fields.Str(required=True, validate=validate.Length(min=1))
    applies_when = fields.Str(required=True, validate=validate.OneOf(MEASURE_TRIGGERS))
    grades = fields.List(fields.Str(validate=validate.OneOf(GRADES)), load_default=None)
    rule = fields.Str(load_default=None)


class IntroducesSchema(_Strict):
    """What a version adds to the vocabulary, and how every earlier version sees it."""

    categories = fields.Dict(keys=fields.Str(validate=validate.OneOf(CATEGORIES)),
                             values=fields.Str(validate=validate.OneOf(CATEGORIES)), load_default=dict)
    record_kinds = fields.List(fields.Str(validate=validate.OneOf(RECORD_KINDS)), load_default=list)
    values = fields.Dict(keys=fields.Str(validate=validate.OneOf(RECORD_KINDS)),
                         values=fields.Dict(keys=fields.Str(), values=fields.List(fields.Str())),
                         load_default=dict)


class RoleSumSchema(_Strict):
    role = fields.Str(required=True, validate=validate.OneOf(ROLE_KINDS))
    active_on = fields.Str(required=True, validate=validate.OneOf(ROLE_DAYS))
    of = fields.Dict(required=True)
    sum = fields.Str(required=True)


class PlanFlagSchema(_Strict):
    flag = fields.Str(required=True, validate=_NAME)
    categories = fields.List(fields.Str(validate=validate.OneOf(CATEGORIES)), required=True,
                             validate=validate.Length(min=1))
    unless = fields.Dict(required=True)


class RulesetSchema(_Strict):
    id = fields.Str(required=True, validate=validate.Regexp(r"^[a-z0-9][a-z0-9-]*$"))
    version = fields.Str(required=True, validate=validate.Regexp(r"^[0-9A-Za-z][0-9A-Za-z.\-]*$"))
    effective_from = DateField(required=True)
    title = fields.Str(load_default="")
    score = fields.Nested(ScoreSchema, required=True)
    windows = fields.Dict(keys=fields.Str(validate=validate.OneOf(WINDOW_NAMES)),
                          values=fields.Int(validate=_MONTHS), required=True)
    penalty = fields.Nested(PenaltySchema, required=True)
    counters = fields.Dict(keys=fields.Str(validate=_NAME), values=fields.Nested(CounterSchema),
                           load_default=dict)
    rules = fields.List(fields.Nested(RuleSchema), required=True, validate=validate.Length(min=1))
    listing = fields.Nested(ListingSchema, required=True)
    bans = fields.List(fields.Nested(BanSchema), required=True)
    repair = fields.Nested(RepairSchema, required=True)
    inspection_frequency = fields.Nested(FrequencySchema, required=True)
    hygiene = fields.Nested(HygieneSchema, required=True)
    measures = fields.List(fields.Nested(MeasureSchema), required=True)
    introduces = fields.Nested(IntroducesSchema, load_default=None)
    role_sums = fields.Dict(keys=fields.Str(validate=_NAME), values=fields.Nested(RoleSumSchema),
                            load_default=dict)
    plan_flags = fields.List(fields.Nested(PlanFlagSchema), load_default=list)


def first_error(messages: Any, path: str = "") -> str:
    """The first marshmallow message as `field.path: message`, for a one-line reason."""
    if isinstance(messages, dict):
        key = sorted(messages, key=str)[0]
        return first_error(messages[key], f"{path}.{key}" if path else str(key))
    if isinstance(messages, list) and messages:
        return first_error(messages[0], path)
    return f"{path}: {messages}"
