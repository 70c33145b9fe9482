"""Objections to announcements (authenticated, scope `announcements:write`)."""

from __future__ import annotations

from datetime import date
from typing import Any

from marshmallow import Schema, fields
from sqlalchemy.orm import Session

from credit_engine.api.auth import actor, require_scope
from credit_engine.api.blueprint import Blueprint
from credit_engine.api.paging import page_bounds, paged
from credit_engine.api.runtime import business_today, get_container, run_use_case
from credit_engine.domain.scopes import Scope
from credit_engine.services import objections
from credit_engine.services.announcements import list_announcements
from credit_engine.validation import ObjectionInSchema, PagedAsOfArgs, ResolveObjectionInSchema

blp = Blueprint("announcements", __name__, url_prefix="/api/v1",
                description="Objections to announcements: filing and resolving.")


class ObjectionFields(Schema):
    """What every answer about an objection says of it."""

    id = fields.Integer()
    announcement_id = fields.Integer()
    status = fields.String(metadata={"description": "pending | upheld | rejected"})
    reason = fields.String()
    record_ids = fields.List(fields.Integer())
    filed_on = fields.Date()
    resolved_on = fields.Date(allow_none=True)
    resolution_note = fields.String(allow_none=True)


class ObjectionOut(ObjectionFields):
    announcement_status = fields.String(
        metadata={"description": "published | under_objection | withdrawn, as of today"})


class AnnouncementOut(Schema):
    id = fields.Integer()
    type = fields.String()
    subject = fields.Dict()
    old_grade = fields.String(allow_none=True)
    new_grade = fields.String()
    reasons = fields.List(fields.Dict())
    ruleset = fields.String()
    published_on = fields.Date()
    objection_deadline = fields.Date()
    objection_deadline_provisional = fields.Boolean(metadata={
        "description": "true while the deadline counts days of a year without an official "
                       "holiday schedule; recomputed (never earlier) when it is added"})
    listed_until = fields.Date(allow_none=True)
    withdrawn_on = fields.Date(allow_none=True)
    final_on = fields.Date(allow_none=True, metadata={
        "description": "set once the objection deadline passed with no objection pending"})
    status = fields.String()


class AnnouncementList(Schema):
    items = fields.List(fields.Nested(AnnouncementOut))
    next_cursor = fields.String(allow_none=True)


def _objection_dict(session: Session, row: objections.StoredObjection,
                    today: date) -> dict[str, Any]:
    return {"id": row.id, "announcement_id": row.announcement_id, "status": row.status,
            "reason": row.reason, "record_ids": row.record_ids, "filed_on": row.filed_on,
            "resolved_on": row.resolved_on, "resolution_note": row.resolution_note,
            "announcement_status": objections.objection_status(session, row, today)}


def _announcement_dict(row: objections.StoredAnnouncement, status: str) -> dict[str, Any]:
    return {"id": row.id, "type": row.type,
            "subject": {"type": row.subject_type, "id": row.subject_id},
            "old_grade": row.old_grade, "new_grade": row.new_grade, "reasons": row.reasons,
            "ruleset": row.ruleset, "published_on": row.published_on,
            "objection_deadline": row.objection_deadline,
            "objection_deadline_provisional": row.objection_deadline_provisional,
            "listed_until": row.listed_until,
            "withdrawn_on": row.withdrawn_on, "final_on": row.final_on, "status": status}


@blp.route("/announcements", methods=["GET"])
@blp.operation("listAnnouncements", "查询全部公告（含人员）")
@require_scope(Scope.ANNOUNCEMENTS_WRITE)
@blp.arguments(PagedAsOfArgs, location="query")
@blp.response(200, AnnouncementList)
def announcements(args: dict[str, Any]) -> dict[str, Any]:
    """Every announcement (persons' too), with the record ids an objection may name."""
    as_of = args.get("as_of") or business_today()

    def fetch(offset: int, limit: int) -> list[dict[str, Any]]:
        views = run_use_case(lambda session: list_announcements(
            session, as_of, public=False, offset=offset, limit=limit))
        return [_announcement_dict(v.row, v.status) for v in views]
    return paged(fetch, *page_bounds(args))


@blp.route("/announcements/<id:announcement_id>/objections", methods=["POST"])
@blp.operation("fileObjection", "对公告提出异议")
@require_scope(Scope.ANNOUNCEMENTS_WRITE)
@blp.arguments(ObjectionInSchema)
@blp.response(201, ObjectionOut)
@blp.alt_response(404, response="DEFAULT_ERROR")
@blp.alt_response(409, response="DEFAULT_ERROR")
def file_objection(data: dict[str, Any], announcement_id: int) -> dict[str, Any]:
    """File an objection up to the deadline (15 working days); 409 when late or withdrawn."""
    today = business_today()

    def use_case(session: Session) -> dict[str, Any]:
        row = objections.file_objection(session, announcement_id, data["reason"],
                                        data["record_ids"], data["filed_on"],
                                        actor(), today)
        return _objection_dict(session, row, today)
    return run_use_case(use_case)


@blp.route("/objections/<id:objection_id>/resolve", methods=["POST"])
@blp.operation("resolveObjection", "处理异议")
@require_scope(Scope.ANNOUNCEMENTS_WRITE)
@blp.arguments(ResolveObjectionInSchema)
@blp.response(200, ObjectionOut)
@blp.alt_response(404, response="DEFAULT_ERROR")
@blp.alt_response(409, response="DEFAULT_ERROR")
def resolve_objection(data: dict[str, Any], objection_id: int) -> dict[str, Any]:
    """Upheld: withdraw, revoke the named records as of their dates, regrade. Rejected: keep."""
    today = business_today()
    registry = get_container().rulesets if data["upheld"] else None  # only upheld regrades

    def use_case(session: Session) -> dict[str, Any]:
        row = objections.resolve_objection(session, registry, objection_id, data["upheld"],
                                           data["note"], data.get("resolved_on") or today,
                                           actor(), today, calendar=get_container().calendar)
        return _objection_dict(session, row, today)
    return run_use_case(use_case)
