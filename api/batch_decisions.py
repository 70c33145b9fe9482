"""Batch decisions: a consuming system asks about up to 1,000 subjects in one request."""

from __future__ import annotations

from typing import Any

from credit_engine.api.auth import actor, require_scope
from credit_engine.api.blueprint import Blueprint
from credit_engine.api.credit_representations import DecisionSchema
from credit_engine.api.decisions import decision_view
from credit_engine.api.representations import SubjectSchema
from credit_engine.api.runtime import business_today, get_container, run_use_case
from marshmallow import Schema, fields

from credit_engine.domain.model import SubjectRef
from credit_engine.domain.scopes import Scope
from credit_engine.domain.serialization import subject_to_dict
from credit_engine.services.batch_decisions import batch_decisions
from credit_engine.validation.exchange import BatchDecisionInSchema

blp = Blueprint("batch_decisions", __name__, url_prefix="/api/v1",
                description="Decisions for many subjects in one request.")


class BatchDecisionsSchema(Schema):
    items = fields.List(fields.Nested(DecisionSchema), metadata={
        "description": "one per known subject, in the order asked; each equal to "
                       "GET /api/v1/decisions for it"})
    not_found = fields.List(fields.Nested(SubjectSchema))


@blp.route("/decisions/batch", methods=["POST"])
@blp.operation("getDecisionsBatch", "批量查询联合奖惩决定")
@require_scope(Scope.DECISIONS_READ)
@blp.arguments(BatchDecisionInSchema)
@blp.response(200, BatchDecisionsSchema)
def decisions_batch(body: dict[str, Any]) -> dict[str, Any]:
    """Up to 1,000 subjects in one context as of one date; each decision audited, unknown
    subjects listed in `not_found`."""
    subjects = [SubjectRef(s["type"], s["id"]) for s in body["subjects"]]
    container, today = get_container(), business_today()
    registry, margin = container.rulesets, container.settings.dirty_margin
    answer = run_use_case(lambda session: batch_decisions(
        session, registry, subjects, body["context"], body.get("as_of"), actor(), today,
        margin=margin))
    return {"items": [decision_view(d) for d in answer.items],
            "not_found": [subject_to_dict(s) for s in answer.not_found]}
