"""Repair applications: filed by a records desk, listed, decided by an admin."""

from __future__ import annotations

from typing import Any

from credit_engine.api.auth import actor, require_scope
from credit_engine.api.blueprint import Blueprint
from credit_engine.api.paging import page_bounds, paged
from credit_engine.api.representations import SubjectSchema
from credit_engine.api.runtime import business_today, get_container, run_use_case
from marshmallow import Schema, fields
from sqlalchemy.orm import Session

from credit_engine.domain.scopes import Scope
from credit_engine.services import repair_applications
from credit_engine.validation.office_actions import (
    DecideRepairApplicationInSchema,
    RepairApplicationInSchema,
    RepairApplicationsArgs,
)

blp = Blueprint("repair_applications", __name__, url_prefix="/api/v1",
                description="Applications for credit repair of one penalty, and their decision.")


class MaterialOut(Schema):
    kind = fields.String()
    title = fields.String()


class RepairApplicationOut(Schema):
    id = fields.Integer()
    record_id = fields.Integer()
    subject = fields.Nested(SubjectSchema)
    applied_on = fields.Date()
    statement = fields.String()
    materials = fields.List(fields.Nested(MaterialOut))
    eligible = fields.Boolean(metadata={"description": "Whether the repair rules allowed it "
                                                       "on applied_on"})
    reason = fields.String(allow_none=True, metadata={"description": "Why not, when not"})
    status = fields.String(metadata={"description": "pending | approved | refused"})
    decided_on = fields.Date(allow_none=True)
    decision_note = fields.String(allow_none=True)
    decided_by = fields.String(allow_none=True)
    repair_id = fields.Integer(allow_none=True)


class RepairApplicationPage(Schema):
    items = fields.List(fields.Nested(RepairApplicationOut))
    next_cursor = fields.String(allow_none=True)


@blp.route("/repair-applications", methods=["POST"])
@blp.operation("createRepairApplication", "提交信用修复申请")
@require_scope(Scope.RECORDS_WRITE)
@blp.arguments(RepairApplicationInSchema)
@blp.response(201, RepairApplicationOut)
@blp.alt_response(404, response="DEFAULT_ERROR")
def create_application(data: dict[str, Any]) -> dict[str, Any]:
    """File an application for repair of one penalty; the answer says whether the repair
    rules allow it as of `applied_on` (default today) and, if not, why."""
    registry, today = get_container().rulesets, business_today()
    return run_use_case(lambda session: repair_applications.file_application(
        session, registry, data, actor(), today))


@blp.route("/repair-applications", methods=["GET"])
@blp.operation("listRepairApplications", "查询信用修复申请")
@require_scope(Scope.RECORDS_READ)
@blp.arguments(RepairApplicationsArgs, location="query")
@blp.response(200, RepairApplicationPage)
def list_applications(args: dict[str, Any]) -> dict[str, Any]:
    """Applications of `status` (all when absent), oldest first, paginated."""
    status = args.get("status")
    return paged(lambda offset, limit: run_use_case(
        lambda session: repair_applications.list_applications(session, status, offset, limit)),
        *page_bounds(args))


@blp.route("/repair-applications/<id:application_id>/decide", methods=["POST"])
@blp.operation("decideRepairApplication", "审批信用修复申请")
@require_scope(Scope.ADMIN)
@blp.arguments(DecideRepairApplicationInSchema)
@blp.response(200, RepairApplicationOut)
@blp.alt_response(404, response="DEFAULT_ERROR")
@blp.alt_response(409, response="DEFAULT_ERROR")
def decide(data: dict[str, Any], application_id: int) -> dict[str, Any]:
    """Approve (creates the repair as POST /api/v1/repairs does, or 409 with the reason and
    nothing stored) or refuse (a note is required) a pending application."""
    registry, today = get_container().rulesets, business_today()

    def use_case(session: Session) -> dict[str, Any]:
        return repair_applications.decide_application(
            session, registry, application_id, data["approved"], data["note"],
            data.get("decided_on") or today, actor(), today)
    return run_use_case(use_case)
