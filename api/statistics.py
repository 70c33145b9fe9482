"""The plan's statistics for the office: `GET /api/v1/statistics` (credit:read, audited)."""

from __future__ import annotations

from typing import Any

from credit_engine.api.auth import actor, require_scope
from credit_engine.api.blueprint import Blueprint
from credit_engine.api.runtime import business_today, run_use_case
from marshmallow import Schema, fields

from credit_engine.domain.scopes import Scope
from credit_engine.services import statistics
from credit_engine.validation.statistics import StatisticsArgs

blp = Blueprint("statistics", __name__, url_prefix="/api/v1",
                description="The plan's figures as of a date, from the grades in force.")


class GradeMixSchema(Schema):
    A = fields.Integer()
    B = fields.Integer()
    C = fields.Integer()
    D = fields.Integer()
    ungraded = fields.Integer()


class CanteensSchema(Schema):
    total = fields.Integer()
    b_or_above = fields.Integer(metadata={"description": "catering rating excellent or good"})
    share = fields.Float(metadata={"description": "b_or_above / total, 4 decimals, 0 when 0"})


class CoverageSchema(Schema):
    eligible = fields.Integer()
    with_ = fields.Integer(data_key="with", attribute="with")
    share = fields.Float(metadata={"description": "with / eligible, 4 decimals, 0 when 0"})


class StatisticsSchema(Schema):
    as_of = fields.String()
    district = fields.String(allow_none=True)
    enterprises = fields.Integer()
    grades = fields.Nested(GradeMixSchema)
    by_category = fields.Dict(keys=fields.String(), values=fields.Nested(GradeMixSchema))
    canteens = fields.Nested(CanteensSchema)
    open_kitchen = fields.Nested(CoverageSchema)
    traceability = fields.Nested(CoverageSchema)
    insurance = fields.Nested(CoverageSchema)
    listed_persons = fields.Integer()
    restricted_enterprises = fields.Integer()


@blp.route("/statistics")
@blp.operation("getStatistics", "查询信用监管统计数据")
@require_scope(Scope.CREDIT_READ)
@blp.arguments(StatisticsArgs, location="query")
@blp.response(200, StatisticsSchema)
def plan_statistics(args: dict[str, Any]) -> dict[str, Any]:
    """The plan's figures as of `as_of` (default today, never later) over `district` (all
    when absent): grades in force, canteens at B or above, practice and insurance coverage,
    listed persons, restricted enterprises (docs/statistics.md). Audited."""
    as_of, district, who = args.get("as_of") or business_today(), args.get("district"), actor()
    return run_use_case(lambda session: statistics.plan_statistics(session, as_of, district, who))
