"""The kinds of problem the API answers with: one stable `type` URI each, served at /problems/.

Every problem body's `type` is `/problems/<kind>` (a URI relative to the service), so a
client can branch on it instead of on the wording of `title` or `detail`; the same URI
answers with what the kind means and what to do about it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from marshmallow import Schema, fields

from credit_engine.api.blueprint import Blueprint
from credit_engine.errors import NotFound

PREFIX = "/problems/"


@dataclass(frozen=True)
class ProblemKind:
    """One kind of error: its name in the URI, usual status, fixed title, meaning, remedy."""

    name: str
    status: int | None  # None: the status varies (the body's `status` says which)
    title: str
    meaning: str
    action: str

    @property
    def uri(self) -> str:
        return PREFIX + self.name

    def as_dict(self) -> dict[str, Any]:
        return {"type": self.uri, "kind": self.name, "status": self.status, "title": self.title,
                "meaning": self.meaning, "action": self.action}


KINDS: dict[str, ProblemKind] = {kind.name: kind for kind in (
    ProblemKind("malformed-request", 400, "Malformed request",
                "The request cannot be read: the body is not valid UTF-8 JSON, or it is "
                "nested deeper than the service accepts.",
                "Fix the request; sending it again unchanged gives the same answer."),
    ProblemKind("unauthorized", 401, "Unauthorized",
                "No API key was sent, or the key is unknown, expired or revoked.",
                "Send 'Authorization: Bearer <key>' with a valid key; ask the administrator "
                "for a new key when it expired or was revoked."),
    ProblemKind("forbidden", 403, "Forbidden",
                "The API key is valid but lacks the scope this operation needs (the detail "
                "names it).",
                "Use a key with that scope; the administrator grants scopes when creating keys."),
    ProblemKind("not-found", 404, "Not Found",
                "Nothing is at this path, or the subject, record, announcement or objection "
                "named in the request is not known.",
                "Check the identifier; register the subject first when it is new."),
    ProblemKind("method-not-allowed", 405, "Method Not Allowed",
                "The path exists but not with this HTTP method.",
                "Use one of the methods listed in the Allow header."),
    ProblemKind("conflict", 409, "Conflict",
                "The request contradicts what is stored: an external_id already received "
                "with other content (listed in `external_ids`), a record already revoked, an "
                "objection after its deadline, a repair whose conditions are not met, a "
                "stored record that cannot be graded, or a concurrent change.",
                "Read the detail: correct the request, or retry it when it lost a race with "
                "a concurrent change. Do not retry unchanged otherwise."),
    ProblemKind("payload-too-large", 413, "Payload Too Large",
                "The request body is larger than the service accepts.",
                "Send smaller batches (a record batch holds at most 1000 records)."),
    ProblemKind("unsupported-media-type", 415, "Unsupported Media Type",
                "The body was not sent as JSON.",
                "Send the body with 'Content-Type: application/json'."),
    ProblemKind("validation", 422, "Validation failed",
                "The request is well-formed JSON but some values are not acceptable: "
                "`errors` maps each field path (e.g. records[0].details.fine_amount, as_of, "
                "uscc) to its messages.",
                "Correct the named fields; nothing was stored."),
    ProblemKind("rate-limited", 429, "Too Many Requests",
                "Too many requests from this client address (public side) or with this key.",
                "Wait the number of seconds in the Retry-After header, then retry."),
    ProblemKind("client-error", None, "Request refused",
                "Another refusal of the request by the HTTP layer; the status and detail "
                "say which.",
                "Read the status and detail; correct the request."),
    ProblemKind("internal", 500, "Internal Server Error",
                "The service failed to handle the request; the failure is logged with its "
                "details, which are never sent.",
                "Retry later; report it to the operators with the time of the request if "
                "it persists."),
    ProblemKind("unavailable", 503, "Service Unavailable",
                "The service is up but cannot serve: its database is not reachable.",
                "Retry later; load balancers should take the instance out of rotation."),
)}
_BY_STATUS = {kind.status: kind for kind in KINDS.values() if kind.status is not None}


def kind_for(status: int, name: str | None = None) -> ProblemKind:
    """The kind called `name` if it fits `status`, else the kind of `status` (a 5xx without
    one is `internal`, another 4xx `client-error`), so `type` never contradicts `status`."""
    named = KINDS.get(name) if name is not None else None
    if named is not None and named.status in (status, None):
        return named
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    return KINDS["internal" if status >= 500 else "client-error"]


blp = Blueprint("problems", __name__, url_prefix="/problems",
                description="What each kind of error (a problem body's `type`) means.")


class ProblemKindSchema(Schema):
    type = fields.String(metadata={"example": "/problems/validation"})
    kind = fields.String(metadata={"example": "validation"})
    status = fields.Integer(allow_none=True, metadata={
        "description": "the status problems of this kind carry; null when it varies"})
    title = fields.String()
    meaning = fields.String()
    action = fields.String(metadata={"description": "what a client should do"})


class ProblemKindListSchema(Schema):
    items = fields.List(fields.Nested(ProblemKindSchema))


@blp.route("")
@blp.operation("listProblemTypes", "列出全部错误类型")
@blp.response(200, ProblemKindListSchema)
def list_problem_types() -> dict[str, Any]:
    """Every kind of problem the API answers with, with its meaning and remedy."""
    return {"items": [kind.as_dict() for kind in KINDS.values()]}


@blp.route("/<string(maxlength=40):kind>")
@blp.operation("getProblemType", "查询错误类型说明")
@blp.response(200, ProblemKindSchema)
@blp.alt_response(404, response="DEFAULT_ERROR")
def get_problem_type(kind: str) -> dict[str, Any]:
    """What one kind of problem means and what a client should do; its `type` URI resolves here."""
    if kind not in KINDS:
        raise NotFound(f"There is no problem type '{kind}'; GET /problems lists them.")
    return KINDS[kind].as_dict()
