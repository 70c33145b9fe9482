"""The objections queue (authenticated, scope `announcements:write`): oldest deadline first."""

from __future__ import annotations

from typing import Any

from credit_engine.api.announcements import ObjectionFields
from credit_engine.api.auth import require_scope
from credit_engine.api.blueprint import Blueprint
from credit_engine.api.paging import page_bounds, paged
from credit_engine.api.representations import SubjectSchema
from credit_engine.api.runtime import run_use_case
from marshmallow import Schema, fields

from credit_engine.domain.scopes import Scope
from credit_engine.services.objection_queue import objection_queue
from credit_engine.validation.office_actions import ObjectionQueueArgs

blp = Blueprint("objections_queue", __name__, url_prefix="/api/v1",
                description="The objections queue: what reviewers must answer, soonest first.")


class QueuedObjectionOut(ObjectionFields):
    objection_deadline = fields.Date(metadata={"description": "The announcement's deadline"})
    subject = fields.Nested(SubjectSchema)
    old_grade = fields.String(allow_none=True)
    new_grade = fields.String()
    district = fields.String(allow_none=True)


class ObjectionQueuePage(Schema):
    items = fields.List(fields.Nested(QueuedObjectionOut))
    next_cursor = fields.String(allow_none=True)


@blp.route("/objections", methods=["GET"])
@blp.operation("listObjections", "查询异议处理队列（截止日期最早者在前）")
@require_scope(Scope.ANNOUNCEMENTS_WRITE)
@blp.arguments(ObjectionQueueArgs, location="query")
@blp.response(200, ObjectionQueuePage)
def list_objections(args: dict[str, Any]) -> dict[str, Any]:
    """Objections of `status` (all when absent), by their announcement's objection deadline,
    oldest first; paginated with `limit` and `cursor`."""
    status = args.get("status")
    return paged(lambda offset, limit: run_use_case(
        lambda session: objection_queue(session, status, offset, limit)), *page_bounds(args))
