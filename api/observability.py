"""Request ids and metrics of the HTTP app (docs/operations.md, Metrics and logs).

Every request gets an id: the client's `X-Request-ID` when it is sane (at most 128 safe
characters), else a new one. It is returned as `X-Request-ID` on every answer, problem
bodies included, stamped on every log line written while answering
(`logging_setup.request_id_var`) and left in the WSGI environ for gunicorn's access log.

With `CREDIT_ENGINE_METRICS=on` every answer is counted and timed per URL rule and
status, and `GET /metrics` serves the Prometheus text format (no key: it must only be
reachable from the monitoring network). Off (the default), there is no /metrics at all.
"""

from __future__ import annotations

import time
import uuid

from flask import Flask, Response, g, request

from credit_engine import metrics
from credit_engine.config import Settings
from credit_engine.logging_setup import (
    REQUEST_ID_ENVIRON, REQUEST_ID_HEADER, request_id_var, sane_request_id,
)

METRICS_PATH = "/metrics"


def current_request_id() -> str:
    """The id of the request being answered, chosen on first use."""
    request_id: str | None = g.get("request_id")
    if request_id is None:
        request_id = sane_request_id(request.headers.get(REQUEST_ID_HEADER)) \
            or uuid.uuid4().hex
        g.request_id = request_id
        request.environ[REQUEST_ID_ENVIRON] = request_id
    return request_id


def _install_request_id(app: Flask) -> None:
    def start() -> None:
        g.request_started = time.perf_counter()
        g.request_id_token = request_id_var.set(current_request_id())

    # First of all before-request hooks: a limit or a key refused earlier is logged with it.
    app.before_request_funcs.setdefault(None, []).insert(0, start)

    @app.after_request
    def answer_with_id(response: Response) -> Response:
        response.headers[REQUEST_ID_HEADER] = current_request_id()
        return response

    @app.teardown_request
    def forget_id(_error: BaseException | None) -> None:
        token = g.pop("request_id_token", None)
        if token is not None:
            try:
                request_id_var.reset(token)
            except ValueError:  # set in another context (streamed response)
                pass


def _install_metrics(app: Flask) -> None:
    @app.after_request
    def count(response: Response) -> Response:
        started = g.get("request_started")
        rule = request.url_rule
        metrics.observe_request(
            request.method, rule.rule if rule is not None else metrics.UNMATCHED,
            response.status_code, time.perf_counter() - started if started else 0.0)
        return response

    def serve_metrics() -> Response:
        _count_webhook_backlog()
        body, content_type = metrics.exposition()
        return Response(body, content_type=content_type)

    app.add_url_rule(METRICS_PATH, "metrics", serve_metrics, methods=["GET"])


def _count_webhook_backlog() -> None:
    """The backlog is counted in the database at each scrape: whichever process delivers,
    the number served is the current one."""
    from credit_engine.api.runtime import get_container
    from credit_engine.services.webhook_delivery import backlog

    with get_container().transaction() as session:
        metrics.webhook_backlog(backlog(session))


def init_app(app: Flask, settings: Settings) -> None:
    """Request ids always; metrics and /metrics when `settings.metrics`."""
    _install_request_id(app)
    if settings.metrics:
        _install_metrics(app)
