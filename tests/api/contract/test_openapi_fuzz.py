"""Contract tests against the served OpenAPI document, on SQLite and on PostgreSQL.

schemathesis generates requests for every operation, valid ones (positive mode) and ones
that break the schema (negative mode), and checks every answer against the document: no
5xx, documented status codes and content types, response schemas, problem bodies, and
for negative data a 4xx refusal. The edge cases of "trustworthy answers at the edges" are
sent by hand as well, because random generation rarely hits them: NUL, control
characters and lone surrogates in strings, invalid UTF-8, a body nested 1,000 levels
deep, huge numbers, the extreme dates and the same subject twice in one regrade. Each
must be refused with a 4xx problem that matches the document, never a 5xx.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import jsonschema_rs
import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance
from schemathesis.generation import GenerationMode

from credit_engine.api.app import create_app
from credit_engine.bootstrap import Container
from credit_engine.config import Settings
from credit_engine.domain.identifiers import id_check_digit, uscc_check_char
from credit_engine.services.keys import create_key

pytestmark = pytest.mark.slow
EXAMPLES = {GenerationMode.POSITIVE: 10, GenerationMode.NEGATIVE: 10}
USCC = "91620900" + "631234567"
USCC = USCC + uscc_check_char(USCC)
ID_NUMBER = "62090219800101001"
ID_NUMBER = ID_NUMBER + id_check_digit(ID_NUMBER)


@dataclass
class World:
    """The app under test, an admin key, and one known enterprise, person and record."""

    app: Flask
    headers: dict[str, str]
    uscc: str = USCC
    person: str = ""
    record: int = 0
    ids: dict[str, Any] = field(default_factory=dict)


def _send(client: FlaskClient, world: World, method: str, path: str, body: Any) -> Any:
    response = client.open(path, method=method, headers=world.headers,
                           data=json.dumps(body), content_type="application/json")
    assert response.status_code < 300, (path, response.get_data(as_text=True)[:500])
    return response.get_json()


@pytest.fixture
def world(settings: Settings) -> Iterator[World]:
    container = Container(settings.replace(public_rate_limit="100000 per minute"))
    with container.transaction() as session:
        key = create_key(session, "fuzzer", ["admin"])
    w = World(create_app(container=container), {"Authorization": f"Bearer {key}"})
    client = w.app.test_client()
    _send(client, w, "PUT", f"/api/v1/enterprises/{USCC}",
          {"name": "酒泉金锅餐厅", "category": "catering"})
    w.person = _send(client, w, "POST", "/api/v1/persons",
                     {"id_number": ID_NUMBER, "name": "张三"})["id"]
    w.record = _send(client, w, "POST", "/api/v1/records", {"records": [{
        "external_id": "PEN-1", "subject": {"type": "enterprise", "id": USCC},
        "kind": "penalty", "occurred_on": "2024-05-10",
        "details": {"decision_no": "SJ-2024-17", "measures": ["fine"], "fine_amount": 5000}}]},
    )["records"][0]["id"]
    yield w
    container.engine.dispose()


def _has_input(operation: Any) -> bool:
    return any(len(part) for part in (operation.path_parameters, operation.query, operation.body,
                                      operation.headers))


@pytest.mark.parametrize("mode", list(EXAMPLES), ids=lambda m: m.value)
def test_every_operation_answers_within_its_contract(world: World, mode: GenerationMode) -> None:
    schema = schemathesis.openapi.from_wsgi("/openapi.json", world.app)
    failures: dict[str, str] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20  # every section of docs/api.md is documented
    for operation in operations:
        if mode is GenerationMode.NEGATIVE and not _has_input(operation):
            continue  # nothing a client sends can break its schema
        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES[mode], deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def exercise(case: schemathesis.Case) -> None:
            # Keys in paths carry check characters the schema cannot express, so generated
            # "valid" keys are mostly refused (422): positive-data acceptance is not checked.
            case.call_and_validate(headers=world.headers,
                                   excluded_checks=[positive_data_acceptance])
        try:
            exercise()
        except (Exception, BaseExceptionGroup) as error:  # report every operation's failures
            failures[operation.label] = str(error)[:2000]
    assert failures == {}, "\n\n".join(f"{label}: {text}" for label, text in failures.items())


@dataclass(frozen=True)
class Edge:
    """One hand-made request: method, path (with {uscc}, {person}, {record}), JSON `body`
    or `raw` bytes, and the field a 422 must name (None: any refusal will do)."""

    method: str
    path: str
    body: Any = None
    raw: bytes | None = None
    field: str | None = None


def _record(**changes: Any) -> dict[str, Any]:
    record = {"external_id": "EDGE-1", "subject": {"type": "enterprise", "id": USCC},
              "kind": "penalty", "occurred_on": "2024-05-10",
              "details": {"decision_no": "SJ-2024-18", "measures": ["fine"],
                          "fine_amount": 5000}}
    details = changes.pop("details", {})
    return {**record, **changes, "details": {**record["details"], **details}}


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


ENTERPRISE = "/api/v1/enterprises/{uscc}"
RECORDS = "/api/v1/records"
EDGES: dict[str, Edge] = {
    "NUL in a name": Edge("PUT", ENTERPRISE, {"name": "金锅\u0000餐厅", "category": "catering"},
                          field="name"),
    "bell character in a name": Edge("PUT", ENTERPRISE, {"name": "金锅\u0007餐厅",
                                                         "category": "catering"}, field="name"),
    "DEL in a district": Edge("PUT", ENTERPRISE, {"name": "金锅餐厅", "category": "catering",
                                                  "district": "肃州\u007f区"}, field="district"),
    "lone surrogate in a name": Edge("PUT", ENTERPRISE, {"name": "金锅\ud800餐厅",
                                                         "category": "catering"}, field="name"),
    "NUL in a person's name": Edge("POST", "/api/v1/persons",
                                   {"id_number": ID_NUMBER, "name": "张\u0000三"}, field="name"),
    "NUL in an external_id": Edge("POST", RECORDS, {"records": [_record(external_id="E\u00001")]},
                                  field="records[0].external_id"),
    "lone low surrogate in a decision number": Edge(
        "POST", RECORDS, {"records": [_record(details={"decision_no": "SJ\udc80"})]},
        field="records[0].details.decision_no"),
    "escape character in a revocation reason": Edge(
        "POST", "/api/v1/records/{record}/revoke", {"reason": "overturned\u001b[2J"},
        field="reason"),
    "NUL in an objection reason": Edge("POST", "/api/v1/announcements/1/objections",
                                       {"reason": "wrong\u0000", "record_ids": []},
                                       field="reason"),
    "NUL in a public search": Edge("GET", "/public/v1/enterprises?q=%E9%87%91%00", field="q"),
    "NUL in a subject id query": Edge(
        "GET", "/api/v1/records?subject_type=enterprise&subject_id=%00", field="subject_id"),
    "NUL in a path": Edge("GET", "/api/v1/enterprises/%00/credit"),
    "invalid UTF-8 body": Edge("POST", RECORDS,
                               raw=b'{"records": [{"external_id": "\xff\xfe\xed\xa0\x80"}]}'),
    "a body nested 1,000 levels deep": Edge(
        "POST", RECORDS, raw=('{"records": ' + _nested(1000) + "}").encode()),
    "details nested 1,000 levels deep": Edge(
        "POST", RECORDS, raw=json.dumps({"records": [_record()]}).replace(
            '"fine_amount": 5000', '"fine_amount": 5000, "x": ' + _nested(1000)).encode()),
    "a regrade body nested 1,000 levels deep": Edge(
        "POST", "/api/v1/regrade", raw=('{"subjects": ' + _nested(1000) + "}").encode()),
    "a fine of 1e20 yuan": Edge("POST", RECORDS,
                                {"records": [_record(details={"fine_amount": 1e20})]},
                                field="records[0].details.fine_amount"),
    "a fine of 10**20 yuan as an integer": Edge(
        "POST", RECORDS, raw=json.dumps({"records": [_record()]}).replace(
            '"fine_amount": 5000', '"fine_amount": 100000000000000000000').encode(),
        field="records[0].details.fine_amount"),
    "a repair of record 1e20": Edge("POST", "/api/v1/repairs",
                                    {"record_id": 1e20, "approved_on": "2025-01-01",
                                     "note": "n"}, field="record_id"),
    "an objection naming record 10**20": Edge(
        "POST", "/api/v1/announcements/1/objections",
        raw=b'{"reason": "r", "record_ids": [100000000000000000000]}', field="record_ids"),
    "a page of 10**20 items": Edge(
        "GET", "/api/v1/records?subject_type=enterprise&subject_id={uscc}"
               "&limit=100000000000000000000", field="limit"),
    "a public page of 1e20 items": Edge("GET", "/public/v1/announcements?limit=1e20",
                                        field="limit"),
    "a cursor given twice": Edge("GET", "/api/v1/inspection-plan?cursor=&cursor=%01",
                                 field="cursor"),
    "a public page size given twice": Edge("GET", "/public/v1/announcements?limit=1&limit=900",
                                           field="limit"),
    "record id 10**20 in a path": Edge("POST", "/api/v1/records/100000000000000000000/revoke",
                                       {"reason": "r"}),
    "credit as of 9999-12-31": Edge("GET", ENTERPRISE + "/credit?as_of=9999-12-31",
                                    field="as_of"),
    "a person's credit as of 9999-12-31": Edge(
        "GET", "/api/v1/persons/{person}/credit?as_of=9999-12-31", field="as_of"),
    "a decision as of 9999-12-31": Edge(
        "GET", "/api/v1/decisions?subject_type=enterprise&subject_id={uscc}&context=licensing"
               "&as_of=9999-12-31", field="as_of"),
    "the inspection plan as of 9999-12-31": Edge(
        "GET", "/api/v1/inspection-plan?as_of=9999-12-31", field="as_of"),
    "a public lookup as of 9999-12-31": Edge("GET", "/public/v1/enterprises/{uscc}"
                                                    "?as_of=9999-12-31", field="as_of"),
    "a regrade as of 9999-12-31": Edge(
        "POST", "/api/v1/regrade",
        {"subjects": [{"type": "enterprise", "id": USCC}], "as_of": "9999-12-31"},
        field="as_of"),
    "a revocation on 9999-12-31": Edge("POST", "/api/v1/records/{record}/revoke",
                                       {"reason": "r", "revoked_on": "9999-12-31"},
                                       field="revoked_on"),
    "credit as of 0001-01-01": Edge("GET", ENTERPRISE + "/credit?as_of=0001-01-01",
                                    field="as_of"),
    "a decision as of 0001-01-01": Edge(
        "GET", "/api/v1/decisions?subject_type=enterprise&subject_id={uscc}&context=inspection"
               "&as_of=0001-01-01", field="as_of"),
    "a public lookup as of 0001-01-01": Edge("GET", "/public/v1/enterprises/{uscc}"
                                                    "?as_of=0001-01-01", field="as_of"),
    "a regrade as of 0001-01-01": Edge(
        "POST", "/api/v1/regrade",
        {"subjects": [{"type": "enterprise", "id": USCC}], "as_of": "0001-01-01"},
        field="as_of"),
    "the same subject twice in one regrade": Edge(
        "POST", "/api/v1/regrade",
        {"subjects": [{"type": "enterprise", "id": USCC}, {"type": "enterprise", "id": USCC}]},
        field="subjects"),
}


def _problem_schema(client: FlaskClient) -> dict[str, Any]:
    schema: dict[str, Any] = client.get("/openapi.json").get_json()["components"]["schemas"][
        "Problem"]
    return schema


@pytest.mark.parametrize("name", list(EDGES))
def test_an_edge_case_is_refused_with_a_documented_4xx_problem(world: World, name: str) -> None:
    edge = EDGES[name]
    client = world.app.test_client()
    path = edge.path.format(uscc=world.uscc, person=world.person, record=world.record)
    data = edge.raw if edge.raw is not None else (
        json.dumps(edge.body).encode() if edge.body is not None else None)
    response = client.open(path, method=edge.method, headers=world.headers, data=data,
                           content_type="application/json" if data is not None else None)
    text = response.get_data(as_text=True)[:500]
    assert 400 <= response.status_code < 500, text
    assert response.mimetype == "application/problem+json", text
    body = response.get_json(force=True)
    errors = [e.message for e in jsonschema_rs.Draft4Validator(
        _problem_schema(client)).iter_errors(body)]
    assert errors == [], body
    if edge.field is not None:
        assert response.status_code == 422, text
        assert any(key == edge.field or key.startswith(edge.field + ".")
                   or key.startswith(edge.field + "[") for key in body.get("errors", {})), body
