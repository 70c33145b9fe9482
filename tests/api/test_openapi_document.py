"""The served OpenAPI document tells the truth: named operations for generated clients, and
a Problem schema that every problem body really sent matches, with resolvable `type` URIs."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
from flask import Flask
from flask.testing import FlaskClient

from credit_engine.api.app import create_app
from credit_engine.bootstrap import Container, bootstrap
from credit_engine.config import Settings
from credit_engine.storage.models import RecordRow

from api_helpers import USCC_B, problem_of, valid_uscc

METHODS = ("get", "put", "post", "delete", "patch")
LOWER_CAMEL_CASE = re.compile(r"[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)*")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def served_document(client: FlaskClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    document: dict[str, Any] = response.get_json()
    return document


def operations(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """'METHOD /path' -> operation object, for every operation of the document."""
    return {f"{method.upper()} {path}": operation
            for path, item in document["paths"].items()
            for method, operation in item.items() if method in METHODS}


def test_every_operation_has_a_unique_lower_camel_case_operation_id(client: FlaskClient) -> None:
    ids = {label: op.get("operationId") for label, op in operations(served_document(client)).items()}
    assert len(ids) >= 20
    misnamed = {label: op_id for label, op_id in ids.items()
                if not isinstance(op_id, str) or not LOWER_CAMEL_CASE.fullmatch(op_id)}
    assert misnamed == {}
    assert len(set(ids.values())) == len(ids), sorted(ids.values())


def test_every_operation_has_a_chinese_summary_and_an_english_description(
        client: FlaskClient) -> None:
    ops = operations(served_document(client))
    assert {label for label, op in ops.items() if not CHINESE.search(op.get("summary", ""))} \
        == set()
    assert {label for label, op in ops.items()
            if not re.search(r"[A-Za-z]{3}", op.get("description", ""))} == set()


def test_probes_public_endpoints_and_problem_types_are_documented(client: FlaskClient) -> None:
    ids = {op["operationId"]: label for label, op in operations(served_document(client)).items()}
    assert ids["checkHealth"] == "GET /healthz"
    assert ids["checkReadiness"] == "GET /readyz"
    assert ids["searchPublicEnterprises"] == "GET /public/v1/enterprises"
    assert ids["getPublicEnterprise"] == "GET /public/v1/enterprises/{uscc}"
    assert ids["getEnterpriseCredit"] == "GET /api/v1/enterprises/{uscc}/credit"
    assert ids["getProblemType"] == "GET /problems/{kind}"


def test_every_documented_problem_type_resolves_to_its_meaning(client: FlaskClient) -> None:
    uris = served_document(client)["components"]["schemas"]["Problem"]["properties"]["type"]["enum"]
    assert "/problems/validation" in uris
    for uri in uris:
        response = client.get(uri)
        assert response.status_code == 200, uri
        page = response.get_json()
        assert page["type"] == uri
        assert page["meaning"] and page["action"]
    listed = [item["type"] for item in client.get("/problems").get_json()["items"]]
    assert listed == uris


def test_an_unknown_problem_type_is_a_404_problem(client: FlaskClient) -> None:
    response = client.get("/problems/no-such-kind")
    assert response.status_code == 404
    assert problem_of(response)["type"] == "/problems/not-found"


@dataclass
class Caller:
    """What a failing request needs: the app, its client, keys and a known enterprise."""

    app: Flask
    client: FlaskClient
    writer: dict[str, str]
    reader: dict[str, str]
    reader_of_credit: dict[str, str]
    enterprise: str
    container: Container


def penalty(uscc: str, fine: int) -> dict[str, Any]:
    return {"external_id": "PEN-1", "subject": {"type": "enterprise", "id": uscc},
            "kind": "penalty", "occurred_on": "2024-05-10",
            "details": {"decision_no": "SJ-2024-17", "measures": ["fine"], "fine_amount": fine}}


def _duplicate_external_id(c: Caller) -> Any:
    c.client.post("/api/v1/records", headers=c.writer,
                  json={"records": [penalty(c.enterprise, 5000)]})
    return c.client.post("/api/v1/records", headers=c.writer,
                         json={"records": [penalty(c.enterprise, 9000)]})


def _stored_record_out_of_bounds(c: Caller) -> Any:
    with c.container.transaction() as session:  # legacy data, past the API's validation
        session.add(RecordRow(external_id="LEGACY-1", enterprise_uscc=c.enterprise,
                              kind="penalty", occurred_on=date(2025, 5, 10),
                              details={"decision_no": "SJ-1", "measures": ["fine"],
                                       "fine_amount": 1e20},
                              content_hash="0" * 64, received_by="legacy-import"))
    return c.client.get(f"/api/v1/enterprises/{c.enterprise}/credit?as_of=2025-06-01",
                        headers=c.reader_of_credit)


def _too_large(c: Caller) -> Any:
    c.app.config["MAX_CONTENT_LENGTH"] = 1000
    return c.client.post("/api/v1/records", headers=c.writer, content_type="application/json",
                         data='{"records": [' + ",".join(['{"external_id": "x"}'] * 100) + "]}")


def _rate_limited(c: Caller) -> Any:
    c.app.config["PUBLIC_RATE_LIMIT"] = "1 per minute"
    c.client.get("/public/v1/announcements")
    return c.client.get("/public/v1/announcements")


FAILING_REQUESTS: dict[str, tuple[Callable[[Caller], Any], int, str]] = {
    "malformed JSON": (lambda c: c.client.post(
        "/api/v1/records", data='{"records": [', headers=c.writer,
        content_type="application/json"), 400, "malformed-request"),
    "no key": (lambda c: c.client.get("/api/v1/records"), 401, "unauthorized"),
    "unknown key": (lambda c: c.client.get(
        "/api/v1/records", headers={"Authorization": "Bearer ce_00000000_" + "x" * 43}),
        401, "unauthorized"),
    "missing scope": (lambda c: c.client.post("/api/v1/records", headers=c.reader,
                                              json={"records": []}), 403, "forbidden"),
    "unknown path": (lambda c: c.client.get("/api/v1/nothing-here"), 404, "not-found"),
    "unknown enterprise": (lambda c: c.client.get(
        f"/api/v1/enterprises/{valid_uscc(USCC_B)}", headers=c.reader), 404, "not-found"),
    "wrong method": (lambda c: c.client.delete("/api/v1/records", headers=c.writer),
                     405, "method-not-allowed"),
    "duplicate external_id": (_duplicate_external_id, 409, "conflict"),
    "stored record out of bounds": (_stored_record_out_of_bounds, 409, "conflict"),
    "body too large": (_too_large, 413, "payload-too-large"),
    "form body": (lambda c: c.client.post(
        "/api/v1/records", data="records=1", headers=c.writer,
        content_type="application/x-www-form-urlencoded"), 415, "unsupported-media-type"),
    "invalid body": (lambda c: c.client.post("/api/v1/records", headers=c.writer,
                                             json={"records": "nonsense"}), 422, "validation"),
    "record of an unknown enterprise": (lambda c: c.client.post(
        "/api/v1/records", headers=c.writer,
        json={"records": [penalty(valid_uscc(USCC_B), 5000)]}), 422, "validation"),
    "invalid query": (lambda c: c.client.get(
        "/api/v1/records?subject_type=enterprise&limit=9999", headers=c.reader),
        422, "validation"),
    "public rate limit": (_rate_limited, 429, "rate-limited"),
}


def assert_matches_the_documented_problem(client: FlaskClient, response: Any,
                                          kind: str) -> dict[str, Any]:
    """The body validates against the served Problem schema, names only documented members,
    carries its kind's type, and that type resolves to a description of the same status."""
    body = problem_of(response)
    schema = served_document(client)["components"]["schemas"]["Problem"]
    errors = [error.message for error in jsonschema_rs.Draft4Validator(schema).iter_errors(body)]
    assert errors == [], body
    assert set(body) <= set(schema["properties"]), body
    assert body["type"] == f"/problems/{kind}"
    described = client.get(body["type"]).get_json()
    assert described["status"] == response.status_code
    assert described["title"] == body["title"]
    return body


@pytest.mark.parametrize("name", list(FAILING_REQUESTS))
def test_problem_bodies_of_real_failures_match_the_documented_problem_schema(
        name: str, app: Flask, client: FlaskClient, writer: dict[str, str],
        reader: dict[str, str], enterprise: str, container: Container,
        make_key: Callable[..., dict[str, str]]) -> None:
    send, status, kind = FAILING_REQUESTS[name]
    caller = Caller(app, client, writer, reader, make_key("credit-officer", "credit:read"),
                    enterprise, container)
    response = send(caller)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    body = assert_matches_the_documented_problem(client, response, kind)
    if name == "duplicate external_id":
        assert body["external_ids"] == ["PEN-1"]
    if name == "stored record out of bounds":
        assert body["field"] == "details.fine_amount" and isinstance(body["record_id"], int)
    if kind == "validation":
        assert body["errors"]


def test_an_unreachable_database_is_a_503_problem_of_the_documented_schema(
        tmp_path: Path) -> None:
    unreachable = Settings(database_url=f"sqlite:///{tmp_path}/missing/dir/db.sqlite")
    client = create_app(container=bootstrap(unreachable)).test_client()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert_matches_the_documented_problem(client, response, "unavailable")


def test_an_unexpected_error_is_a_500_problem_of_the_documented_schema(app: Flask) -> None:
    @app.route("/boom")
    def boom() -> str:
        raise RuntimeError("secret internals")

    client = app.test_client()
    response = client.get("/boom")
    assert response.status_code == 500
    assert_matches_the_documented_problem(client, response, "internal")
