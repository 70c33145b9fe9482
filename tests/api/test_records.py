"""Records over HTTP: all-or-nothing batches, idempotency, listing, revocation."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select

from credit_engine.api.app import create_app
from credit_engine.bootstrap import Container
from credit_engine.config import Settings
from credit_engine.storage.models import RecordRow, RevocationRow

from api_helpers import USCC_B, audit_entries, problem_of, valid_uscc


def penalty(uscc: str, external_id: str = "PEN-1", **details: Any) -> dict[str, Any]:
    return {"external_id": external_id, "subject": {"type": "enterprise", "id": uscc},
            "kind": "penalty", "occurred_on": "2024-05-10",
            "details": {"decision_no": "SJ-2024-17", "measures": ["fine"], "fine_amount": 5000,
                        **details}}


def inspection(uscc: str, external_id: str, occurred_on: str = "2024-06-01") -> dict[str, Any]:
    return {"external_id": external_id, "subject": {"type": "enterprise", "id": uscc},
            "kind": "inspection", "occurred_on": occurred_on,
            "details": {"result": "compliant", "key_items_failed": 0, "general_items_failed": 0,
                        "refused": False}}


def stored_count(container: Container) -> int:
    with container.session_factory() as session:
        return int(session.scalar(select(func.count()).select_from(RecordRow)) or 0)


def post(client: FlaskClient, headers: dict[str, str], *records: dict[str, Any]) -> Any:
    return client.post("/api/v1/records", headers=headers, json={"records": list(records)})


def test_a_batch_is_stored_and_answered_201_with_ids(
        client: FlaskClient, writer: dict[str, str], enterprise: str, container: Container) -> None:
    response = post(client, writer, penalty(enterprise), inspection(enterprise, "INS-1"))
    assert response.status_code == 201
    results = response.get_json()["records"]
    assert [(r["external_id"], r["status"]) for r in results] == [
        ("PEN-1", "created"), ("INS-1", "created")]
    with container.session_factory() as session:
        row = session.get(RecordRow, results[0]["id"])
        assert row is not None and row.details["fine_amount"] == 5000
        assert row.received_by == "desk-writer"


def test_the_same_record_again_is_unchanged_without_a_duplicate(
        client: FlaskClient, writer: dict[str, str], enterprise: str, container: Container) -> None:
    first = post(client, writer, penalty(enterprise)).get_json()["records"][0]
    again = post(client, writer, penalty(enterprise))
    assert again.status_code == 201
    assert again.get_json()["records"] == [{"external_id": "PEN-1", "id": first["id"],
                                            "status": "unchanged"}]
    assert stored_count(container) == 1


def test_the_same_record_written_differently_is_unchanged(
        client: FlaskClient, writer: dict[str, str], enterprise: str) -> None:
    post(client, writer, penalty(enterprise))
    rewritten = penalty(enterprise, fine_amount=5000.0)
    rewritten["details"] = dict(reversed(list(rewritten["details"].items())))
    rewritten["subject"]["id"] = enterprise.lower()
    response = post(client, writer, rewritten)
    assert response.get_json()["records"][0]["status"] == "unchanged"


def test_the_same_external_id_with_other_content_is_409_naming_it(
        client: FlaskClient, writer: dict[str, str], enterprise: str, container: Container) -> None:
    post(client, writer, penalty(enterprise))
    response = post(client, writer, inspection(enterprise, "INS-9"),
                    penalty(enterprise, fine_amount=9000))
    assert response.status_code == 409
    assert "PEN-1" in problem_of(response)["detail"]
    assert stored_count(container) == 1  # INS-9 was not stored either


@pytest.mark.parametrize(("change", "field"), [
    (lambda r: r.update(kind="rumour"), "records[1].kind"),
    (lambda r: r["details"].update(colour="red"), "records[1].details.colour"),
    (lambda r: r.update(occurred_on=(date.today() + timedelta(days=3)).isoformat()),
     "records[1].occurred_on"),
    (lambda r: r["details"].pop("fine_amount"), "records[1].details.fine_amount"),
    (lambda r: r["subject"].update(id=r["subject"]["id"][:17] + "!"), "records[1].subject.id"),
], ids=["unknown kind", "unknown details field", "future date", "fine without amount",
        "bad subject code"])
def test_one_invalid_record_is_422_naming_index_and_field_and_nothing_is_stored(
        client: FlaskClient, writer: dict[str, str], enterprise: str, container: Container,
        change: Any, field: str) -> None:
    bad = penalty(enterprise, "PEN-2")
    change(bad)
    response = post(client, writer, inspection(enterprise, "INS-1"), bad)
    assert response.status_code == 422
    assert field in problem_of(response)["errors"]
    assert stored_count(container) == 0


def test_an_inspection_of_a_person_is_422_naming_the_subject(
        client: FlaskClient, writer: dict[str, str], person: str, container: Container) -> None:
    record = inspection("unused", "INS-P")
    record["subject"] = {"type": "person", "id": person}
    response = post(client, writer, record)
    assert response.status_code == 422
    assert any(path.startswith("records[0].subject") for path in problem_of(response)["errors"])
    assert stored_count(container) == 0


def test_a_record_of_an_unknown_enterprise_is_422_naming_its_subject_id(
        client: FlaskClient, writer: dict[str, str], enterprise: str, container: Container) -> None:
    response = post(client, writer, inspection(enterprise, "INS-1"),
                    inspection(valid_uscc(USCC_B), "INS-2"))
    assert response.status_code == 422
    assert list(problem_of(response)["errors"]) == ["records[1].subject.id"]
    assert stored_count(container) == 0


def test_a_batch_of_1001_records_is_422_naming_records(
        client: FlaskClient, writer: dict[str, str], enterprise: str) -> None:
    records = [inspection(enterprise, f"INS-{i}") for i in range(1001)]
    response = post(client, writer, *records)
    assert response.status_code == 422
    assert "records" in problem_of(response)["errors"]


def test_an_empty_batch_is_422(client: FlaskClient, writer: dict[str, str]) -> None:
    assert post(client, writer).status_code == 422


def test_an_accepted_batch_is_audited_with_the_key_name(
        client: FlaskClient, writer: dict[str, str], enterprise: str, container: Container) -> None:
    ids = [r["id"] for r in post(client, writer, penalty(enterprise)).get_json()["records"]]
    entries = audit_entries(container, "records.ingested")
    assert [(e.actor, e.payload["created"]) for e in entries] == [("desk-writer", ids)]


def test_records_are_listed_in_pages_with_a_cursor(
        client: FlaskClient, writer: dict[str, str], reader: dict[str, str],
        enterprise: str) -> None:
    post(client, writer, *[inspection(enterprise, f"INS-{i}") for i in range(5)])
    query = f"/api/v1/records?subject_type=enterprise&subject_id={enterprise}&limit=2"
    seen, cursor = [], None
    for _ in range(3):
        url = query + (f"&cursor={cursor}" if cursor else "")
        page = client.get(url, headers=reader).get_json()
        seen += [item["external_id"] for item in page["items"]]
        cursor = page["next_cursor"]
    assert seen == [f"INS-{i}" for i in range(5)]
    assert cursor is None


def test_a_listed_record_shows_every_field(
        client: FlaskClient, writer: dict[str, str], reader: dict[str, str],
        enterprise: str) -> None:
    post(client, writer, inspection(enterprise, "INS-1"))
    page = client.get(f"/api/v1/records?subject_type=enterprise&subject_id={enterprise}",
                      headers=reader).get_json()
    item = page["items"][0]
    assert set(item) == {"id", "external_id", "subject", "kind", "occurred_on", "details",
                         "revoked_on", "repaired_on", "received_at"}
    assert item["subject"] == {"type": "enterprise", "id": enterprise}
    assert item["revoked_on"] is None
    assert item["received_at"].endswith("+00:00")


def test_a_limit_over_500_is_422_naming_limit(
        client: FlaskClient, reader: dict[str, str], enterprise: str) -> None:
    response = client.get(f"/api/v1/records?subject_type=enterprise&subject_id={enterprise}"
                          "&limit=501", headers=reader)
    assert response.status_code == 422
    assert "limit" in problem_of(response)["errors"]


def test_a_garbled_cursor_is_422_naming_cursor(
        client: FlaskClient, reader: dict[str, str], enterprise: str) -> None:
    response = client.get(f"/api/v1/records?subject_type=enterprise&subject_id={enterprise}"
                          "&cursor=%%%", headers=reader)
    assert response.status_code == 422
    assert "cursor" in problem_of(response)["errors"]


def test_revoking_a_record_stores_a_revocation_and_shows_the_date(
        client: FlaskClient, writer: dict[str, str], enterprise: str, container: Container) -> None:
    record_id = post(client, writer, penalty(enterprise)).get_json()["records"][0]["id"]
    response = client.post(f"/api/v1/records/{record_id}/revoke", headers=writer,
                           json={"reason": "Overturned on appeal", "revoked_on": "2024-09-01"})
    assert response.status_code == 200
    assert response.get_json()["revoked_on"] == "2024-09-01"
    with container.session_factory() as session:
        rows = session.scalars(select(RevocationRow)).all()
        assert [(r.record_id, r.revoked_on, r.created_by) for r in rows] == [
            (record_id, date(2024, 9, 1), "desk-writer")]


def test_revoking_twice_is_409(
        client: FlaskClient, writer: dict[str, str], enterprise: str) -> None:
    record_id = post(client, writer, penalty(enterprise)).get_json()["records"][0]["id"]
    path = f"/api/v1/records/{record_id}/revoke"
    client.post(path, headers=writer, json={"reason": "Appeal", "revoked_on": "2024-09-01"})
    response = client.post(path, headers=writer,
                           json={"reason": "Again", "revoked_on": "2024-09-02"})
    assert response.status_code == 409
    problem_of(response)


def test_revoking_before_the_record_date_is_422_naming_revoked_on(
        client: FlaskClient, writer: dict[str, str], enterprise: str) -> None:
    record_id = post(client, writer, penalty(enterprise)).get_json()["records"][0]["id"]
    response = client.post(f"/api/v1/records/{record_id}/revoke", headers=writer,
                           json={"reason": "Appeal", "revoked_on": "2024-05-09"})
    assert response.status_code == 422
    assert "revoked_on" in problem_of(response)["errors"]


def test_revoking_an_unknown_record_is_404(client: FlaskClient, writer: dict[str, str]) -> None:
    response = client.post("/api/v1/records/999999/revoke", headers=writer,
                           json={"reason": "Appeal"})
    assert response.status_code == 404
    problem_of(response)


def test_listing_records_of_an_unknown_subject_is_404(
        client: FlaskClient, reader: dict[str, str]) -> None:
    unknown = valid_uscc(USCC_B)
    response = client.get(f"/api/v1/records?subject_type=enterprise&subject_id={unknown}",
                          headers=reader)
    assert response.status_code == 404
    problem_of(response)


class FixedDaySettings(Settings):
    """Settings whose business today is 2024-06-01, whatever the clock says."""

    def today(self) -> date:
        return date(2024, 6, 1)


def test_future_dates_are_judged_against_the_configured_business_today(
        container: Container, make_key: Any) -> None:
    fixed = Container(FixedDaySettings(database_url=container.settings.database_url,
                                       data_key_file=container.settings.data_key_file))
    client = create_app(container=fixed).test_client()
    headers = make_key("fixed-day-writer", "records:write")
    uscc = valid_uscc(USCC_B)
    client.put(f"/api/v1/enterprises/{uscc}", headers=headers,
               json={"name": "Dawn Bakery", "category": "small_workshop"})
    response = post(client, headers, inspection(uscc, "INS-1", occurred_on="2024-06-01"),
                    inspection(uscc, "INS-2", occurred_on="2024-06-02"))
    fixed.engine.dispose()
    assert response.status_code == 422
    assert list(problem_of(response)["errors"]) == ["records[1].occurred_on"]
