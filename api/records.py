"""Records: batches in (all or nothing, idempotent), a subject's records out, revocation."""

from __future__ import annotations

from typing import Any

from credit_engine.api.blueprint import Blueprint
from sqlalchemy.orm import Session

from credit_engine.api.auth import actor, require_scope
from credit_engine.api.runtime import business_today, run_use_case
from credit_engine.api.representations import (
    IngestResultSchema, RecordOutSchema, RecordsPageSchema,
)
from credit_engine.domain.model import SubjectRef
from credit_engine.domain.scopes import Scope
from credit_engine.services import records
from credit_engine.validation import RecordBatchSchema, RecordsQueryArgs, RevokeInSchema

blp = Blueprint("records", __name__, url_prefix="/api/v1",
                description="The credit file: records in, records out, revocations.")


@blp.route("/records", methods=["POST"])
@blp.operation("createRecord", "批量提交信用记录（全部成功或全部不存）")
@require_scope(Scope.RECORDS_WRITE)
@blp.arguments(RecordBatchSchema)
@blp.response(201, IngestResultSchema)
@blp.alt_response(409, response="DEFAULT_ERROR")
def post_records(batch: dict[str, Any]) -> dict[str, Any]:
    """Ingest 1..1000 records, all or nothing; a known external_id is `unchanged`, or 409."""
    results = run_use_case(
        lambda session: records.ingest_records(session, batch["records"], actor()))
    return {"records": results}


@blp.route("/records", methods=["GET"])
@blp.operation("listRecords", "查询主体的信用记录")
@require_scope(Scope.RECORDS_READ)
@blp.arguments(RecordsQueryArgs, location="query")
@blp.response(200, RecordsPageSchema)
@blp.alt_response(404, response="DEFAULT_ERROR")
def get_records(args: dict[str, Any]) -> dict[str, Any]:
    """A subject's records by id, paginated with `limit` (default 50, max 500) and `cursor`."""
    subject = SubjectRef(args["subject_type"], args["subject_id"])
    items, next_cursor = run_use_case(lambda session: records.list_records(
        session, subject, args["limit"], args.get("cursor")))
    return {"items": items, "next_cursor": next_cursor}


@blp.route("/records/<id:record_id>/revoke", methods=["POST"])
@blp.operation("revokeRecord", "撤销信用记录")
@require_scope(Scope.RECORDS_WRITE)
@blp.arguments(RevokeInSchema)
@blp.response(200, RecordOutSchema)
@blp.alt_response(404, response="DEFAULT_ERROR")
@blp.alt_response(409, response="DEFAULT_ERROR")
def revoke(data: dict[str, Any], record_id: int) -> dict[str, Any]:
    """Stop a record counting from `revoked_on` (default today); earlier dates still see it."""
    revoked_on = data.get("revoked_on") or business_today()

    def use_case(session: Session) -> dict[str, Any]:
        return records.revoke_record(session, record_id, data["reason"], revoked_on, actor(),
                                     business_today())
    return run_use_case(use_case)
