"""POST/GET /api/v1/repair-applications and POST /api/v1/repair-applications/{id}/decide."""

from __future__ import annotations

from typing import Any

import pytest
from api_helpers import audit_entries, problem_of
from flask.testing import FlaskClient
from sqlalchemy import select

from credit_engine.storage.models import RepairApplicationRow, RepairRow

Headers = dict[str, str]
STATEMENT = "已按期缴纳罚款并完成整改，特申请信用修复。"
MATERIALS = [{"kind": "rectification_report", "title": "整改报告"},
             {"kind": "commitment_letter", "title": "信用承诺书"}]


def _penalty(client: FlaskClient, writer: Headers, uscc: str, ext: str, day: str,
             details: dict[str, Any]) -> int:
    response = client.post("/api/v1/records", headers=writer, json={"records": [
        {"external_id": ext, "subject": {"type": "enterprise", "id": uscc}, "kind": "penalty",
         "occurred_on": day, "details": details}]})
    assert response.status_code == 201, response.get_json()
    return int(response.get_json()["records"][0]["id"])


@pytest.fixture
def warning(client: FlaskClient, writer: Headers, enterprise: str) -> int:
    """A minor penalty (a warning) decided on 2026-05-10: repairable from 2026-08-10."""
    return _penalty(client, writer, enterprise, "pen-w", "2026-05-10", {"measures": ["warning"]})


def _apply(client: FlaskClient, headers: Headers, record_id: int, applied_on: str,
           **extra: Any) -> Any:
    return client.post("/api/v1/repair-applications", headers=headers, json={
        "record_id": record_id, "applied_on": applied_on, "statement": STATEMENT,
        "materials": MATERIALS, **extra})


def test_an_eligible_application_is_201_and_says_so(client, writer, warning, container) -> None:
    response = _apply(client, writer, warning, "2026-08-10")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["eligible"], body["reason"], body["status"]) == (True, None, "pending")
    assert body["materials"] == MATERIALS and body["record_id"] == warning
    [entry] = audit_entries(container, "repair_application.file")
    assert entry.actor == "desk-writer" and entry.payload["eligible"] is True


def test_an_early_application_is_stored_as_not_eligible_with_the_reason(
        client, writer, warning) -> None:
    body = _apply(client, writer, warning, "2026-08-09").get_json()
    assert body["eligible"] is False and "2026-08-10" in body["reason"]


def test_a_suspension_is_not_eligible(client, writer, enterprise) -> None:
    pen = _penalty(client, writer, enterprise, "pen-s", "2024-01-15", {"measures": ["suspension"]})
    body = _apply(client, writer, pen, "2026-01-20").get_json()
    assert body["eligible"] is False and "suspension" in body["reason"]


def test_an_application_for_an_unknown_record_is_404_and_stores_nothing(
        client, writer, container) -> None:
    assert problem_of(_apply(client, writer, 999, "2026-08-10"))["status"] == 404
    with container.session_factory() as session:
        assert session.scalars(select(RepairApplicationRow)).all() == []


@pytest.mark.parametrize("body, field", [
    ({"applied_on": "2026-08-10", "statement": STATEMENT}, "record_id"),
    ({"record_id": 1, "applied_on": "2026-08-10"}, "statement"),
    ({"record_id": 1, "statement": STATEMENT, "applied_on": "2999-01-01"}, "applied_on"),
    ({"record_id": 1, "statement": STATEMENT, "materials": [{"kind": "photo", "title": "x"}]},
     "materials[0].kind"),
    ({"record_id": 1, "statement": STATEMENT, "materials": [{"kind": "other"}]},
     "materials[0].title"),
])
def test_a_bad_application_is_422_naming_the_field(client, writer, body, field) -> None:
    response = client.post("/api/v1/repair-applications", headers=writer, json=body)
    assert field in problem_of(response)["errors"], response.get_json()


def test_filing_needs_records_write(client, make_key, warning) -> None:
    reader = make_key("only-reader", "records:read")
    assert _apply(client, reader, warning, "2026-08-10").status_code == 403


def test_approval_creates_the_repair_as_repairs_does(client, writer, admin, warning,
                                                     container) -> None:
    application = _apply(client, writer, warning, "2026-08-10").get_json()
    response = client.post(f"/api/v1/repair-applications/{application['id']}/decide",
                           headers=admin, json={"approved": True, "note": "整改到位",
                                                "decided_on": "2026-08-12"})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["status"], body["decided_on"], body["decided_by"]) == \
        ("approved", "2026-08-12", "office-admin")
    with container.session_factory() as session:
        repair = session.scalars(select(RepairRow)).one()
    assert (repair.id, repair.record_id, str(repair.approved_on)) == \
        (body["repair_id"], warning, "2026-08-12")
    assert [e.payload["status"] for e in audit_entries(container, "repair_application.decide")] \
        == ["approved"]
    assert len(audit_entries(container, "record.repair")) == 1


def test_approval_the_rules_refuse_is_409_with_the_reason_and_nothing_stored(
        client, writer, admin, warning, container) -> None:
    application = _apply(client, writer, warning, "2026-08-01").get_json()
    response = client.post(f"/api/v1/repair-applications/{application['id']}/decide",
                           headers=admin, json={"approved": True, "note": "n",
                                                "decided_on": "2026-08-05"})
    assert response.status_code == 409 and "2026-08-10" in problem_of(response)["detail"]
    with container.session_factory() as session:
        assert session.scalars(select(RepairRow)).all() == []
        assert session.scalars(select(RepairApplicationRow.status)).one() == "pending"


def test_refusal_needs_a_note_and_is_final(client, writer, admin, warning) -> None:
    application = _apply(client, writer, warning, "2026-08-10").get_json()
    url = f"/api/v1/repair-applications/{application['id']}/decide"
    assert "note" in problem_of(client.post(url, headers=admin, json={"approved": False}))["errors"]
    refused = client.post(url, headers=admin, json={"approved": False, "note": "材料不全"})
    assert refused.status_code == 200 and refused.get_json()["status"] == "refused"
    again = client.post(url, headers=admin, json={"approved": True, "note": "n"})
    assert again.status_code == 409


def test_deciding_needs_admin_and_an_existing_application(client, writer, admin, warning) -> None:
    application = _apply(client, writer, warning, "2026-08-10").get_json()
    url = f"/api/v1/repair-applications/{application['id']}/decide"
    assert client.post(url, headers=writer, json={"approved": True}).status_code == 403
    missing = client.post("/api/v1/repair-applications/999/decide", headers=admin,
                          json={"approved": True})
    assert missing.status_code == 404


def test_the_list_filters_by_status_and_pages(client, writer, admin, reader, warning,
                                              enterprise) -> None:
    first = _apply(client, writer, warning, "2026-08-10").get_json()
    second = _apply(client, writer, warning, "2026-08-11").get_json()
    client.post(f"/api/v1/repair-applications/{first['id']}/decide", headers=admin,
                json={"approved": False, "note": "材料不全"})
    pending = client.get("/api/v1/repair-applications?status=pending", headers=reader).get_json()
    assert [a["id"] for a in pending["items"]] == [second["id"]]
    page = client.get("/api/v1/repair-applications?limit=1", headers=reader).get_json()
    assert [a["id"] for a in page["items"]] == [first["id"]] and page["next_cursor"]
    rest = client.get(f"/api/v1/repair-applications?limit=1&cursor={page['next_cursor']}",
                      headers=reader).get_json()
    assert [a["id"] for a in rest["items"]] == [second["id"]] and rest["next_cursor"] is None
    bad = client.get("/api/v1/repair-applications?status=done", headers=reader)
    assert "status" in problem_of(bad)["errors"]
