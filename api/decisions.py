"""Decisions for consuming systems (licensing, financing, ...) and the inspection plan."""

from __future__ import annotations

from typing import Any

from credit_engine.api.blueprint import Blueprint

from credit_engine.api.auth import actor, require_scope
from credit_engine.api.credit_representations import DecisionSchema, PlanPageSchema
from credit_engine.api.runtime import business_today, get_container, run_use_case
from credit_engine.domain.inspection_calendar import InspectionCalendar
from credit_engine.domain.model import Decision, SubjectRef
from credit_engine.domain.scopes import Scope
from credit_engine.domain.serialization import measure_to_dict, subject_to_dict
from credit_engine.services import grading
from credit_engine.services.inspection_plan import PlanFilter, inspection_plan
from credit_engine.validation import DecisionArgs, InspectionPlanArgs

blp = Blueprint("decisions", __name__, url_prefix="/api/v1",
                description="Restrict or favour: joint punishment and incentive decisions.")


def decision_view(decision: Decision) -> dict[str, Any]:
    """A decision as docs/api.md shows it."""
    view: dict[str, Any] = {
        "subject": subject_to_dict(decision.subject), "context": decision.context,
        "as_of": decision.as_of.isoformat(), "grade": decision.grade,
        "outcome": decision.outcome, "ruleset": decision.ruleset,
        "measures": [measure_to_dict(m) for m in decision.measures],
    }
    if decision.context == "inspection":
        view["inspections_per_year"] = decision.inspections_per_year
        view.update(calendar_view(decision.inspection_calendar))
    return view


def calendar_view(calendar: InspectionCalendar | None) -> dict[str, Any]:
    """The inspection calendar's fields and flags (docs/api.md); none for a person."""
    if calendar is None:
        return {}
    again = calendar.reinspection_due_on
    return {"last_inspected_on": None if calendar.last_inspected_on is None
            else calendar.last_inspected_on.isoformat(),
            "next_due_on": calendar.next_due_on.isoformat(),
            "reinspection_due_on": None if again is None else again.isoformat(),
            "flags": list(calendar.flags)}


@blp.route("/decisions")
@blp.operation("getDecision", "查询联合奖惩决定")
@require_scope(Scope.DECISIONS_READ)
@blp.arguments(DecisionArgs, location="query")
@blp.response(200, DecisionSchema)
@blp.alt_response(404, response="DEFAULT_ERROR")
def decisions(args: dict[str, Any]) -> dict[str, Any]:
    """Whether to restrict or favour a subject in one context; every query is audited."""
    subject = SubjectRef(args["subject_type"], args["subject_id"])
    container, today = get_container(), business_today()
    registry, margin = container.rulesets, container.settings.dirty_margin
    decision = run_use_case(lambda session: grading.decision_for(
        session, registry, subject, args["context"], args.get("as_of"), actor(), today,
        margin=margin))
    return decision_view(decision)


@blp.route("/inspection-plan")
@blp.operation("listInspectionPlan", "查询监督检查计划")
@require_scope(Scope.DECISIONS_READ)
@blp.arguments(InspectionPlanArgs, location="query")
@blp.response(200, PlanPageSchema)
def plan(args: dict[str, Any]) -> dict[str, Any]:
    """Each graded enterprise's inspections per year, inspection calendar and flags,
    filtered by district, category, grade and flag, paginated by USCC or by next_due_on."""
    registry = get_container().rulesets
    items, next_key = run_use_case(lambda session: inspection_plan(
        session, registry, plan_filter(args), sort=args["sort"], limit=args["limit"],
        cursor=args.get("cursor")))
    return {"items": items, "next_cursor": next_key}


def plan_filter(args: dict[str, Any]) -> PlanFilter:
    """The plan's filter from validated query arguments (as_of defaults to today)."""
    return PlanFilter(args.get("as_of") or business_today(), args.get("district"),
                      args.get("category"), args.get("grade"), args.get("flag"))
