"""Credit: grades as of a date, their history, regrades and credit repair."""

from __future__ import annotations

from datetime import date
from typing import Any

from credit_engine.api.blueprint import Blueprint
from sqlalchemy.orm import Session

from credit_engine.api.auth import actor, require_scope
from credit_engine.api.credit_representations import (
    CreditHistorySchema, CreditSchema, RegradeResultSchema, RepairResultSchema,
)
from credit_engine.api.runtime import business_today, get_container, run_use_case
from credit_engine.domain.model import CreditResult, SubjectRef
from credit_engine.domain.scopes import Scope
from credit_engine.domain.serialization import result_to_dict, subject_to_dict
from credit_engine.services import grading, repairs
from credit_engine.validation import AsOfArgs, RegradeInSchema, RepairInSchema
from credit_engine.validation.actions import MAX_REGRADE_SUBJECTS
from credit_engine.validation.context import require_business_date
from credit_engine.validation.paths import check_person_id, check_uscc

blp = Blueprint("credit", __name__, url_prefix="/api/v1",
                description="Grades with their reasons, history, regrades and repairs.")


def credit_view(result: CreditResult) -> dict[str, Any]:
    """A result as docs/api.md shows it; `hygiene_rating` only where one applies."""
    view = result_to_dict(result)
    if view["hygiene_rating"] is None:
        del view["hygiene_rating"]
    return view


def _credit(subject: SubjectRef, as_of: date | None) -> dict[str, Any]:
    container, today = get_container(), business_today()
    registry, margin = container.rulesets, container.settings.dirty_margin
    return credit_view(run_use_case(lambda session: grading.credit_for(
        session, registry, subject, as_of or today, today, margin=margin)))


@blp.route("/enterprises/<string:uscc>/credit")
@blp.operation("getEnterpriseCredit", "查询企业信用等级")
@require_scope(Scope.CREDIT_READ)
@blp.arguments(AsOfArgs, location="query")
@blp.response(200, CreditSchema)
@blp.alt_response(404, response="DEFAULT_ERROR")
def enterprise_credit(args: dict[str, Any], uscc: str) -> dict[str, Any]:
    """The grade as of `as_of` (default today, never later): stored for that date, else computed."""
    return _credit(SubjectRef("enterprise", check_uscc(uscc)), args.get("as_of"))


@blp.route("/persons/<string:person_id>/credit")
@blp.operation("getPersonCredit", "查询人员信用等级")
@require_scope(Scope.CREDIT_READ)
@blp.arguments(AsOfArgs, location="query")
@blp.response(200, CreditSchema)
@blp.alt_response(404, response="DEFAULT_ERROR")
def person_credit(args: dict[str, Any], person_id: str) -> dict[str, Any]:
    """A person's grade as of `as_of` (default today, never later)."""
    return _credit(SubjectRef("person", check_person_id(person_id)), args.get("as_of"))


@blp.route("/enterprises/<string:uscc>/credit/history")
@blp.operation("getEnterpriseCreditHistory", "查询企业信用等级历史")
@require_scope(Scope.CREDIT_READ)
@blp.response(200, CreditHistorySchema)
@blp.alt_response(404, response="DEFAULT_ERROR")
def enterprise_credit_history(uscc: str) -> dict[str, Any]:
    """Every grade the enterprise has had up to today, oldest first."""
    return _history(SubjectRef("enterprise", check_uscc(uscc)))


def _history(subject: SubjectRef) -> dict[str, Any]:
    today = business_today()
    history = run_use_case(lambda session: grading.credit_history(session, subject, today))
    return {"subject": subject_to_dict(subject), "items": [credit_view(r) for r in history]}


@blp.route("/persons/<string:person_id>/credit/history")
@blp.operation("getPersonCreditHistory", "查询人员信用等级历史")
@require_scope(Scope.CREDIT_READ)
@blp.response(200, CreditHistorySchema)
@blp.alt_response(404, response="DEFAULT_ERROR")
def person_credit_history(person_id: str) -> dict[str, Any]:
    """Every grade the person has had up to today, oldest first."""
    return _history(SubjectRef("person", check_person_id(person_id)))


@blp.route("/regrade", methods=["POST"])
@blp.operation("regradeSubjects", "同步重新评定信用等级")
@require_scope(Scope.ADMIN)
@blp.arguments(RegradeInSchema)
@blp.response(200, RegradeResultSchema)
def regrade(body: dict[str, Any]) -> dict[str, Any]:
    """Regrade up to 1000 subjects synchronously and store their grades as of `as_of`
    (default today; a later date is refused: nothing is stored for the future)."""
    today = business_today()
    as_of = require_business_date(body.get("as_of") or today, today)
    registry, calendar = get_container().rulesets, get_container().calendar

    def use_case(session: Session) -> grading.RegradeCounts:
        if body.get("all"):
            subjects = grading.all_subjects(session, MAX_REGRADE_SUBJECTS)
        else:
            subjects = [SubjectRef(s["type"], s["id"]) for s in body["subjects"]]
            grading.require_subjects(session, subjects)
        return grading.regrade_subjects(session, registry, subjects, as_of, actor(),
                                        calendar=calendar)
    counts = run_use_case(use_case)
    return {"regraded": counts.regraded, "changed": counts.changed, "as_of": as_of.isoformat()}


@blp.route("/repairs", methods=["POST"])
@blp.operation("createRepair", "批准信用修复")
@require_scope(Scope.ADMIN)
@blp.arguments(RepairInSchema)
@blp.response(201, RepairResultSchema)
@blp.alt_response(404, response="DEFAULT_ERROR")
@blp.alt_response(409, response="DEFAULT_ERROR")
def repair(body: dict[str, Any]) -> dict[str, Any]:
    """Approve credit repair of one penalty, or 409 naming the condition it fails."""
    registry, today = get_container().rulesets, business_today()
    return run_use_case(lambda session: repairs.approve_repair(
        session, registry, body["record_id"], body["approved_on"], body["note"], actor(), today))
