"""Every error as application/problem+json (RFC 9457), mapped in this one place."""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any

from flask import Flask, Response, json
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from credit_engine.api.problem_types import kind_for
from credit_engine.errors import CreditEngineError, ValidationFailed

PROBLEM_MIME = "application/problem+json"
LOG = logging.getLogger("credit_engine.api")

# What a client is told for framework errors that carry no useful text of their own.
DETAILS = {
    400: "The request is malformed.",
    401: "A valid API key is required: send 'Authorization: Bearer <key>'.",
    404: "There is nothing at this path.",
    405: "This method is not allowed on this path.",
    413: "The request body is too large.",
    415: "Send the body as application/json.",
    500: "The server failed to handle the request; it has been logged.",
}


class HttpProblem(Exception):
    """An HTTP-level refusal raised by the API layer itself (auth, content type, ...)."""

    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None,
                 kind: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.headers = headers or {}
        self.kind = kind  # a name in problem_types.KINDS; None: the kind of the status
        self.extra = extra


def problem(status: int, detail: str | None = None, *, errors: dict[str, list[str]] | None = None,
            headers: dict[str, str] | None = None, title: str | None = None,
            kind: str | None = None, **extra: Any) -> Response:
    """A problem+json response whose `type` is the URI of its kind (of `status` by default)."""
    phrase = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Error"
    problem_kind = kind_for(status, kind)
    # One title per type (RFC 9457); only the catch-all kind takes the status phrase.
    fixed_title = problem_kind.title if problem_kind.status is not None else phrase
    body: dict[str, Any] = {
        "type": problem_kind.uri, "title": title or fixed_title, "status": status,
        "detail": detail or DETAILS.get(status, phrase),
    }
    if errors is not None:
        body["errors"] = errors
    body.update({k: v for k, v in extra.items() if k not in body})
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_MIME)
    response.headers.extend(headers or {})
    return response


def _flatten(messages: Any) -> dict[str, list[str]]:
    from credit_engine.validation import flatten_errors

    return flatten_errors(messages)


def webargs_errors(data: dict[str, Any]) -> dict[str, list[str]]:
    """webargs' {location: messages} as our flat {"records[0].kind": [...]} map."""
    messages = data.get("messages") or data.get("errors") or {}
    errors: dict[str, list[str]] = {}
    for location, located in messages.items():
        if location in ("json", "view_args", "query", "querystring", "form") \
                and isinstance(located, dict):
            errors.update(_flatten(located))
        else:
            errors.update(_flatten({location: located}))
    return errors


def handle_http_exception(error: HTTPException) -> Response:
    """Werkzeug/flask-smorest/webargs errors (404, 405, 413, webargs 400/422, ...)."""
    status = error.code or 500
    if status >= 500:
        return handle_unexpected(getattr(error, "original_exception", None) or error)
    data = getattr(error, "data", None) or {}
    headers = dict(data.get("headers") or {})
    if status == 400 and "json" in (data.get("messages") or {}):
        return problem(400, "The request body is not valid JSON.", headers=headers,
                       kind="malformed-request")
    if status == 422 and data:
        return problem(422, "The input is not valid.", errors=webargs_errors(data),
                       headers=headers, kind="validation")
    if status == 405 and error.valid_methods:  # type: ignore[attr-defined]
        headers["Allow"] = ", ".join(error.valid_methods)  # type: ignore[attr-defined]
    detail = DETAILS.get(status) or error.description
    return problem(status, detail, headers=headers)


def handle_credit_engine_error(error: CreditEngineError) -> Response:
    """Our own hierarchy: ValidationFailed 422 with field errors, NotFound 404, Conflict 409."""
    if error.status >= 500:
        return handle_unexpected(error)
    errors = _flatten(error.errors) if isinstance(error, ValidationFailed) else None
    return problem(error.status, error.detail, errors=errors, kind=error.kind, **error.extra)


def handle_http_problem(error: HttpProblem) -> Response:
    return problem(error.status, error.detail, headers=error.headers, kind=error.kind,
                   **error.extra)


def handle_integrity_error(error: IntegrityError) -> Response:
    """A unique constraint lost to a concurrent request: the client may simply retry."""
    LOG.warning("integrity error answered as 409: %s", error.orig)
    return problem(409, "The request conflicts with a concurrent change; retry it.",
                   kind="conflict")


def handle_unexpected(error: BaseException) -> Response:
    """Anything else: logged with its traceback, answered without one."""
    LOG.error("unhandled error", exc_info=error)
    return problem(500, kind="internal")


def register_error_handlers(app: Flask) -> None:
    """Install the handlers; later, more specific registrations would win, so none exist."""
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(CreditEngineError, handle_credit_engine_error)
    app.register_error_handler(HttpProblem, handle_http_problem)
    app.register_error_handler(IntegrityError, handle_integrity_error)
    app.register_error_handler(Exception, handle_unexpected)
