"""The change feed for consuming systems: every change of a stored grade or measures."""

from __future__ import annotations

from typing import Any

from credit_engine.api.auth import actor, require_scope
from credit_engine.api.blueprint import Blueprint
from credit_engine.api.representations import SubjectSchema
from credit_engine.api.runtime import get_container, run_use_case
from marshmallow import Schema, fields

from credit_engine.domain.scopes import Scope
from credit_engine.services import change_feed
from credit_engine.validation import PaginationArgs

blp = Blueprint("changes", __name__, url_prefix="/api/v1",
                description="The change feed: stored grade and measure changes, in order.")


class ChangeSchema(Schema):
    seq = fields.Integer()
    subject = fields.Nested(SubjectSchema)
    as_of = fields.String()
    old_grade = fields.String(allow_none=True, metadata={"description": "null: first grade"})
    new_grade = fields.String()
    measures_added = fields.List(fields.String())
    measures_removed = fields.List(fields.String())


class ChangePageSchema(Schema):
    items = fields.List(fields.Nested(ChangeSchema))
    next_cursor = fields.String(metadata={"description": "always present; resume from it"})


@blp.route("/changes")
@blp.operation("listChanges", "查询信用等级与措施变更流")
@require_scope(Scope.DECISIONS_READ)
@blp.arguments(PaginationArgs, location="query")
@blp.response(200, ChangePageSchema)
def changes(args: dict[str, Any]) -> dict[str, Any]:
    """Changes after `cursor`, oldest first, each exactly once across pages and restarts;
    an empty page means caught up. Committed changes are numbered first, then read."""
    cursor, limit = args.get("cursor"), args["limit"]
    change_feed.parse_cursor(cursor)  # a malformed cursor is 422 before anything else
    change_feed.sequence_committed(get_container().session_factory)
    return run_use_case(lambda session: change_feed.changes_page(session, cursor, limit,
                                                                 actor()))
