"""The right to reply: the office enters an enterprise's public reply to its grade."""

from __future__ import annotations

from typing import Any

from credit_engine.api.auth import actor, require_scope
from credit_engine.api.blueprint import Blueprint
from credit_engine.api.runtime import run_use_case
from marshmallow import Schema, fields

from credit_engine.domain.scopes import Scope
from credit_engine.services import replies
from credit_engine.validation.exchange import ReplyInSchema
from credit_engine.validation.paths import check_uscc

blp = Blueprint("replies", __name__, url_prefix="/api/v1",
                description="Right to reply: an enterprise's public answer to its grade.")


class ReplySchema(Schema):
    id = fields.Integer()
    uscc = fields.String()
    text = fields.String()
    submitted_on = fields.String()


@blp.route("/enterprises/<string:uscc>/replies", methods=["POST"])
@blp.operation("createEnterpriseReply", "提交企业对信用等级的回应")
@require_scope(Scope.RECORDS_WRITE)
@blp.arguments(ReplyInSchema)
@blp.response(201, ReplySchema)
@blp.alt_response(404, response="DEFAULT_ERROR")
def create_reply(body: dict[str, Any], uscc: str) -> dict[str, Any] | None:
    """Store a reply; the public page shows the latest one until the grade next changes.
    A malformed USCC is 422 naming `uscc`, an unknown one 404."""
    code = check_uscc(uscc)
    return replies.reply_to_dict(run_use_case(lambda session: replies.submit_reply(
        session, code, body["text"], body["submitted_on"], actor())))
