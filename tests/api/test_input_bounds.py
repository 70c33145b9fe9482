"""Bad input over HTTP is a 4xx problem naming the field, and nothing is stored: bounded
numbers and strings, screened text, malformed bodies, ID checks, duplicate subjects."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any, Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from credit_engine.bootstrap import Container
from credit_engine.storage.models import EnterpriseRow, PersonRow, RecordRow

from api_helpers import USCC_B, problem_of, valid_id_number, valid_uscc

Headers = dict[str, str]
JSON = {"Content-Type": "application/json"}


def count(container: Container, model: Any) -> int:
    with container.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def penalty(uscc: str, amount: Any, external_id: str = "PEN-1") -> dict[str, Any]:
    return {"external_id": external_id, "subject": {"type": "enterprise", "id": uscc},
            "kind": "penalty", "occurred_on": "2025-05-10",
            "details": {"decision_no": "SJ-2025-17", "measures": ["fine"], "fine_amount": amount}}


def post_raw(client: FlaskClient, path: str, headers: Headers, body: str | bytes) -> Any:
    return client.post(path, headers={**headers, **JSON}, data=body)


def field_errors(response: Any, status: int = 422) -> dict[str, list[str]]:
    assert response.status_code == status, response.get_json()
    return dict(problem_of(response)["errors"])


# ---- fine_amount: > 0, at most 10,000,000,000 yuan, whole fen, exact ----

@pytest.mark.parametrize("literal", ["1e20", "10000000000.01", "0", "-5", "0.001", "12.345"])
def test_a_fine_amount_out_of_bounds_is_422_naming_it_and_nothing_is_stored(
        client: FlaskClient, writer: Headers, enterprise: str, container: Container,
        literal: str) -> None:
    body = json.dumps({"records": [penalty(enterprise, 0)]}).replace(
        '"fine_amount": 0', f'"fine_amount": {literal}')
    errors = field_errors(post_raw(client, "/api/v1/records", writer, body))
    assert list(errors) == ["records[0].details.fine_amount"]
    assert count(container, RecordRow) == 0


@pytest.mark.parametrize("literal,exact", [
    ("10000000000.00", Decimal("10000000000")), ("9999999999.99", Decimal("9999999999.99")),
    ("0.01", Decimal("0.01")), ("5000.5", Decimal("5000.50")),
])
def test_a_fine_amount_in_bounds_is_stored_and_read_back_exactly(
        client: FlaskClient, writer: Headers, enterprise: str, container: Container,
        literal: str, exact: Decimal) -> None:
    body = json.dumps({"records": [penalty(enterprise, 0)]}).replace(
        '"fine_amount": 0', f'"fine_amount": {literal}')
    response = post_raw(client, "/api/v1/records", writer, body)
    assert response.status_code == 201, response.get_json()
    with container.session_factory() as session:
        stored = session.scalars(select(RecordRow)).one().details["fine_amount"]
    assert Decimal(str(stored)) == exact
    listed = client.get(f"/api/v1/records?subject_type=enterprise&subject_id={enterprise}",
                        headers=writer).get_json()["items"][0]["details"]["fine_amount"]
    assert Decimal(str(listed)) == exact


def test_the_largest_fine_is_graded_in_the_top_band(
        client: FlaskClient, writer: Headers, enterprise: str,
        make_key: Callable[..., Headers]) -> None:
    response = client.post("/api/v1/records", headers=writer,
                           json={"records": [penalty(enterprise, 10_000_000_000.00)]})
    assert response.status_code == 201, response.get_json()
    officer = make_key("credit-officer", "credit:read")
    credit = client.get(f"/api/v1/enterprises/{enterprise}/credit?as_of=2025-06-01",
                        headers=officer)
    assert credit.status_code == 200, credit.get_json()
    body = credit.get_json()
    deductions = [(r["rule"], r["points"]) for r in body["reasons"] if r["points"]]
    assert deductions == [("DED-PENALTY", -20)]  # the open band above 100,000 yuan
    assert body["score"] == 80 and body["grade"] in ("B", "C")


# ---- malformed bodies: 400 ----

def nested(levels: int) -> str:
    """A body with `levels` nested arrays inside the records list's object."""
    return '{"records": ' + "[" * (levels - 1) + "]" * (levels - 1) + "}"


def test_a_body_nested_a_thousand_levels_deep_is_400(
        client: FlaskClient, writer: Headers, container: Container) -> None:
    response = post_raw(client, "/api/v1/records", writer, nested(1000))
    assert response.status_code == 400
    assert "deeper than 32" in problem_of(response)["detail"]
    assert count(container, RecordRow) == 0


def test_thirty_two_levels_are_judged_by_the_schema_and_thirty_three_are_400(
        client: FlaskClient, writer: Headers) -> None:
    assert post_raw(client, "/api/v1/records", writer, nested(32)).status_code == 422
    assert post_raw(client, "/api/v1/records", writer, nested(33)).status_code == 400


def test_brackets_inside_strings_do_not_count_as_nesting(
        client: FlaskClient, writer: Headers, container: Container) -> None:
    body = json.dumps({"name": "[" * 40 + "{" * 40, "category": "retail"})
    response = client.put(f"/api/v1/enterprises/{valid_uscc(USCC_B)}",
                          headers={**writer, **JSON}, data=body)
    assert response.status_code == 201, response.get_json()


@pytest.mark.parametrize("body", [
    b'{"name": "\xff\xfe", "category": "retail"}',        # not UTF-8
    b'{"name": "\xed\xa0\x80", "category": "retail"}',    # an encoded surrogate is not UTF-8
    b'{"name": "A", "category": "retail"',                # cut short
    b'{"name": "A", "category": "retail"}}',              # one brace too many
    b"[" * 40,                                            # deep and unbalanced
])
def test_a_body_that_is_not_utf8_json_is_400_and_nothing_is_stored(
        client: FlaskClient, writer: Headers, container: Container, body: bytes) -> None:
    response = client.put(f"/api/v1/enterprises/{valid_uscc(USCC_B)}",
                          headers={**writer, **JSON}, data=body)
    assert response.status_code == 400
    problem_of(response)
    assert count(container, EnterpriseRow) == 0


# ---- screened text: control characters, DEL, lone surrogates are 422 ----

@pytest.mark.parametrize("escaped", ["\\u0000", "\\u0007", "\\u001b", "\\u007f", "\\r",
                                     "\\ud800", "\\udfff"])
def test_a_forbidden_character_in_a_name_is_422_naming_name(
        client: FlaskClient, writer: Headers, container: Container, escaped: str) -> None:
    body = '{"name": "Golden' + escaped + 'Wok", "category": "retail"}'
    response = client.put(f"/api/v1/enterprises/{valid_uscc(USCC_B)}",
                          headers={**writer, **JSON}, data=body)
    assert list(field_errors(response)) == ["name"]
    assert count(container, EnterpriseRow) == 0


def test_tab_newline_and_a_surrogate_pair_are_accepted(
        client: FlaskClient, writer: Headers, container: Container) -> None:
    body = '{"name": "Golden\\tWok\\nKitchen \\ud83c\\udf5c", "category": "retail"}'
    response = client.put(f"/api/v1/enterprises/{valid_uscc(USCC_B)}",
                          headers={**writer, **JSON}, data=body)
    assert response.status_code == 201, response.get_json()
    with container.session_factory() as session:
        assert session.scalars(select(EnterpriseRow.name)).one() == "Golden\tWok\nKitchen 🍜"


def test_a_nul_deep_in_a_record_names_its_path(
        client: FlaskClient, writer: Headers, enterprise: str, container: Container) -> None:
    record = penalty(enterprise, 500)
    record["details"]["decision_no"] = "SJ\x002025"
    response = client.post("/api/v1/records", headers=writer, json={"records": [record]})
    assert list(field_errors(response)) == ["records[0].details.decision_no"]
    assert count(container, RecordRow) == 0


def test_a_lone_surrogate_in_a_field_name_is_422_naming_it(
        client: FlaskClient, writer: Headers, container: Container) -> None:
    body = '{"name": "A", "category": "retail", "x\\ud800": 1}'
    response = client.put(f"/api/v1/enterprises/{valid_uscc(USCC_B)}",
                          headers={**writer, **JSON}, data=body)
    assert list(field_errors(response)) == ["x\\ud800"]
    assert count(container, EnterpriseRow) == 0


def test_a_control_character_in_a_query_argument_is_422_naming_it(
        client: FlaskClient, writer: Headers, enterprise: str) -> None:
    response = client.get("/api/v1/records?subject_type=enterprise&subject_id=p_%00x",
                          headers=writer)
    assert list(field_errors(response)) == ["subject_id"]


def test_a_control_character_in_a_path_parameter_is_422_naming_it(
        client: FlaskClient, make_key: Callable[..., Headers]) -> None:
    officer = make_key("credit-officer", "credit:read")
    response = client.get("/api/v1/persons/p_%01x/credit", headers=officer)
    errors = field_errors(response)
    assert list(errors) == ["person_id"] and "control character" in errors["person_id"][0]


# ---- the public search ----

@pytest.mark.parametrize("q", ["%00", "Wok%00", "%1f", "%7f"])
def test_public_search_with_a_control_character_is_422_naming_q(
        client: FlaskClient, enterprise: str, q: str) -> None:
    response = client.get(f"/public/v1/enterprises?q={q}")
    assert list(field_errors(response)) == ["q"]


@pytest.mark.parametrize("q,found", [("%25", 0), ("_", 0), ("Golden", 1), ("golden w", 1)])
def test_public_search_treats_like_wildcards_as_text(
        client: FlaskClient, enterprise: str, q: str, found: int) -> None:
    response = client.get(f"/public/v1/enterprises?q={q}")
    assert response.status_code == 200, response.get_json()
    assert len(response.get_json()["items"]) == found


# ---- IDs and subjects ----

@pytest.mark.parametrize("first17", ["11010519491399002", "11010519490230002",
                                     "11010500000101002"])
def test_a_resident_id_with_an_impossible_birth_date_is_422_and_nothing_is_stored(
        client: FlaskClient, writer: Headers, container: Container, first17: str) -> None:
    response = client.post("/api/v1/persons", headers=writer,
                           json={"id_number": valid_id_number(first17), "name": "张三"})
    errors = field_errors(response)
    assert list(errors) == ["id_number"] and "birth date" in errors["id_number"][0]
    assert count(container, PersonRow) == 0


def test_the_same_subject_twice_in_a_regrade_is_422_naming_subjects(
        client: FlaskClient, admin: Headers, enterprise: str) -> None:
    subjects = [{"type": "enterprise", "id": enterprise},
                {"type": "enterprise", "id": enterprise.lower()}]
    response = client.post("/api/v1/regrade", headers=admin, json={"subjects": subjects})
    errors = field_errors(response)
    assert list(errors) == ["subjects"] and enterprise in errors["subjects"][0]


# ---- stored records outside the bounds (legacy rows, manual edits) ----

LEGACY_DETAILS = [
    ({"measures": ["fine"], "fine_amount": 1e20}, "details.fine_amount"),
    ({"measures": ["fine"], "fine_amount": 1e308}, "details.fine_amount"),
    ({"measures": ["fine"], "fine_amount": "5000"}, "details.fine_amount"),
    ({"measures": ["fine"]}, "details.fine_amount"),
    ({"measures": ["warning"], "aggravated": "false"}, "details.aggravated"),
    ({"measures": ["teleportation"]}, "details.measures"),
]


def insert_legacy_penalty(container: Container, uscc: str, details: dict[str, Any]) -> int:
    """A penalty written straight into the table, past the API's validation."""
    with container.transaction() as session:
        row = RecordRow(external_id="LEGACY-1", enterprise_uscc=uscc, kind="penalty",
                        occurred_on=date(2025, 5, 10), details=details,
                        content_hash="0" * 64, received_by="legacy-import")
        session.add(row)
        session.flush()
        return int(row.id)


@pytest.mark.parametrize("details,field", LEGACY_DETAILS)
def test_a_stored_record_out_of_bounds_makes_a_credit_read_409_naming_the_record(
        client: FlaskClient, enterprise: str, container: Container,
        make_key: Callable[..., Headers], details: dict[str, Any], field: str) -> None:
    record_id = insert_legacy_penalty(container, enterprise, details)
    officer = make_key("credit-officer", "credit:read")
    response = client.get(f"/api/v1/enterprises/{enterprise}/credit?as_of=2025-06-01",
                          headers=officer)
    assert response.status_code == 409
    body = problem_of(response)
    assert (body["record_id"], body["field"]) == (record_id, field)
    assert f"Record {record_id}" in body["detail"]


def test_a_legacy_record_outside_its_window_does_not_stop_grading(
        client: FlaskClient, enterprise: str, container: Container,
        make_key: Callable[..., Headers]) -> None:
    insert_legacy_penalty(container, enterprise, {"measures": ["fine"], "fine_amount": 1e20})
    officer = make_key("credit-officer", "credit:read")
    before = client.get(f"/api/v1/enterprises/{enterprise}/credit?as_of=2025-05-09",
                        headers=officer)  # the record has not happened yet
    assert before.status_code == 200, before.get_json()


# ---- the OpenAPI document declares every bound ----

def _resolve(spec: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[-1]
        node = spec["components"]["schemas"][name]
    return node


def _unbounded(spec: dict[str, Any], node: dict[str, Any], path: str, seen: set[str],
               found: list[str]) -> None:
    if "$ref" in node:
        if node["$ref"] in seen:
            return
        seen.add(node["$ref"])
    node = _resolve(spec, node)
    for alternative in node.get("oneOf", []):
        _unbounded(spec, alternative, path, seen, found)
    kind = node.get("type")
    if kind == "string" and "maxLength" not in node and "enum" not in node \
            and node.get("format") not in ("date", "date-time"):
        found.append(f"{path}: string without maxLength")
    if kind in ("integer", "number") and not {"minimum", "maximum"} <= set(node):
        found.append(f"{path}: number without minimum and maximum")
    if kind == "array":
        if "maxItems" not in node:
            found.append(f"{path}: array without maxItems")
        _unbounded(spec, node.get("items", {}), f"{path}[]", seen, found)
    for name, child in node.get("properties", {}).items():
        _unbounded(spec, child, f"{path}.{name}", seen, found)


def test_every_string_number_and_list_a_client_sends_is_bounded_in_openapi(
        client: FlaskClient) -> None:
    spec = client.get("/openapi.json").get_json()
    found: list[str] = []
    for route, operations in spec["paths"].items():
        for method, operation in operations.items():
            if not isinstance(operation, dict):
                continue
            where = f"{method.upper()} {route}"
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query":
                    _unbounded(spec, parameter["schema"], f"{where} ?{parameter['name']}",
                               set(), found)
            body = operation.get("requestBody", {}).get("content", {})
            for media in body.values():
                _unbounded(spec, media["schema"], f"{where} body", set(), found)
    assert found == []
    fine = spec["components"]["schemas"]["PenaltyDetails"]["properties"]["fine_amount"]
    assert (fine["minimum"], fine["exclusiveMinimum"], fine["maximum"]) == (0, True, 10**10)


@pytest.mark.parametrize("path", ["/public/v1/enterprises/%00abc", "/public/v1/enterprises/abc%01"])
def test_a_control_character_in_a_public_path_is_a_4xx_problem(
        client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert 400 <= response.status_code < 500
    problem_of(response)
