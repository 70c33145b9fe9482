"""Request ids and /metrics on the Flask app (docs/operations.md, Metrics and logs): the id
echoed or made, on every answer and every log line of the request; /metrics only when on,
counting per URL rule and status."""

from __future__ import annotations

import io
import json
import logging
import re

import pytest
from flask import Flask
from prometheus_client import REGISTRY

from credit_engine import metrics
from credit_engine.api.app import create_app
from credit_engine.logging_setup import configure_logging, sane_request_id
from api_helpers import USCC_A, valid_uscc

HEX_ID = re.compile(r"[0-9a-f]{32}")


def _app_with_metrics(container) -> Flask:
    from credit_engine.bootstrap import bootstrap

    return create_app(container=bootstrap(container.settings.replace(metrics=True)))


def _count(endpoint: str, status: str, method: str = "GET") -> float:
    value = REGISTRY.get_sample_value("credit_engine_http_requests_total", {
        "method": method, "endpoint": endpoint, "status": status})
    return value or 0.0


def test_a_sane_request_id_is_echoed(client):
    response = client.get("/healthz", headers={"X-Request-ID": "desk-7.trace:42"})
    assert response.headers["X-Request-ID"] == "desk-7.trace:42"


@pytest.mark.parametrize("sent", [None, "", "x" * 129, "evil\"id", "a b", "id\u00e9", "-lead"])
def test_a_missing_or_insane_request_id_is_replaced(client, sent):
    headers = {} if sent is None else {"X-Request-ID": sent}
    response = client.get("/healthz", headers=headers)
    assert HEX_ID.fullmatch(response.headers["X-Request-ID"])
    assert response.headers["X-Request-ID"] != sent


def test_every_request_gets_its_own_id(client):
    ids = {client.get("/healthz").headers["X-Request-ID"] for _ in range(5)}
    assert len(ids) == 5


def test_problem_answers_carry_the_request_id(client, writer):
    unauthorised = client.get("/api/v1/records", headers={"X-Request-ID": "p-401"})
    assert unauthorised.status_code == 401 and unauthorised.mimetype == "application/problem+json"
    assert unauthorised.headers["X-Request-ID"] == "p-401"
    missing = client.get("/no/such/page")
    assert missing.status_code == 404 and HEX_ID.fullmatch(missing.headers["X-Request-ID"])
    bad = client.put(f"/api/v1/enterprises/{valid_uscc(USCC_A)}", headers=writer,
                     data="{", content_type="application/json")
    assert bad.status_code == 400 and "X-Request-ID" in bad.headers


def test_log_lines_of_a_request_are_json_with_its_id(app):
    stream = io.StringIO()
    handler = configure_logging("json", stream)
    try:
        @app.get("/test-logs")
        def write_a_line() -> str:
            logging.getLogger("credit_engine.test").warning("graded %s", "x")
            return "ok"

        response = app.test_client().get("/test-logs", headers={"X-Request-ID": "log-1"})
        logging.getLogger("credit_engine.test").warning("outside any request")
    finally:
        logging.getLogger().removeHandler(handler)
    assert response.headers["X-Request-ID"] == "log-1"
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert lines[0]["message"] == "graded x" and lines[0]["request_id"] == "log-1"
    assert lines[0]["level"] == "WARNING" and lines[0]["logger"] == "credit_engine.test"
    assert isinstance(lines[0]["pid"], int) and "time" in lines[0]
    assert lines[1]["request_id"] is None


def test_sane_request_id_bounds():
    assert sane_request_id("a" * 128) == "a" * 128
    assert sane_request_id("a" * 129) is None
    assert sane_request_id("abc\r\nX-Evil: 1") is None


def test_no_metrics_endpoint_by_default(client):
    response = client.get("/metrics")
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"


def test_metrics_count_per_url_rule_and_status(container):
    app = _app_with_metrics(container)
    client = app.test_client()
    uscc = valid_uscc(USCC_A)
    rule = next(r.rule for r in app.url_map.iter_rules()
                if r.rule.startswith("/public/v1/enterprises/") and "<" in r.rule
                and "GET" in (r.methods or ()))
    before_rule, before_health = _count(rule, "404"), _count("/healthz", "200")
    before_unmatched = _count(metrics.UNMATCHED, "404")
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    path = re.sub(r"<[^>]+>", uscc, rule)
    assert client.get(path).status_code == 404
    client.get("/no/such/page/1"), client.get("/no/such/page/2")
    assert _count("/healthz", "200") == before_health + 3
    assert _count(rule, "404") == before_rule + 1  # the rule, never the raw path
    assert _count(metrics.UNMATCHED, "404") == before_unmatched + 2
    scraped = client.get("/metrics")
    assert scraped.status_code == 200 and scraped.mimetype == "text/plain"
    text = scraped.get_data(as_text=True)
    assert 'credit_engine_http_requests_total{endpoint="/healthz",method="GET",status="200"}' \
        in text
    assert "credit_engine_http_request_duration_seconds_bucket" in text
    assert uscc not in text and "/no/such/page" not in text
    assert "credit_engine_regrade_runs_total" in text or "credit_engine_regrade_runs" in text
    assert "X-Request-ID" in scraped.headers  # no key needed, an id like every answer


def test_metrics_show_the_webhook_backlog_per_endpoint_and_zero_once_removed(container):
    """What is not yet delivered to each endpoint, counted in the database at the scrape."""
    from datetime import date

    from job_population import add_enterprise, uscc

    from credit_engine.domain.model import SubjectRef
    from credit_engine.services.grading import regrade_subjects
    from credit_engine.services.webhooks import add_webhook, remove_webhook

    with container.transaction() as session:
        add_webhook(session, "bank", "https://bank.example/hook", "s" * 20, "test")
        for n in (1, 2, 3):
            add_enterprise(session, n)
    with container.transaction() as session:
        regrade_subjects(session, container.rulesets,
                         [SubjectRef("enterprise", uscc(n)) for n in (1, 2, 3)],
                         date(2026, 11, 2), "test", calendar=container.calendar)
    client = _app_with_metrics(container).test_client()

    def backlog() -> float | None:
        client.get("/metrics")
        return REGISTRY.get_sample_value("credit_engine_webhook_backlog", {"endpoint": "bank"})

    assert backlog() == 3  # each enterprise's first grade is a change, none delivered
    with container.transaction() as session:
        remove_webhook(session, "bank", "test")
    assert backlog() == 0
