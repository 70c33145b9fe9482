"""POST /api/v1/announcements/{id}/objections and /api/v1/objections/{id}/resolve."""

from datetime import date

import pytest
from sqlalchemy import select

from credit_engine.storage.models import AuditRow

from announcement_builders import publish_suspension_announcement

PUBLISHED = date(2026, 3, 2)   # deadline 2026-03-23


@pytest.fixture
def announcement_id(container) -> int:
    with container.transaction() as session:
        return publish_suspension_announcement(session, PUBLISHED).id


def objection(client, headers, announcement_id, filed_on="2026-03-23", record_ids=(7,)):
    return client.post(f"/api/v1/announcements/{announcement_id}/objections", headers=headers,
                       json={"reason": "处罚已被复议撤销", "record_ids": list(record_ids),
                             "filed_on": filed_on})


def test_objection_within_the_deadline_is_201_and_shows_under_objection(objection_client, office, announcement_id):
    response = objection(objection_client, office, announcement_id)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert (body["status"], body["announcement_status"]) == ("pending", "under_objection")
    public = objection_client.get("/public/v1/announcements").get_json()["items"]
    assert [a["status"] for a in public] == ["under_objection"]


def test_late_objection_is_409_problem_naming_the_deadline(objection_client, office, announcement_id):
    response = objection(objection_client, office, announcement_id, filed_on="2026-03-24")
    assert response.status_code == 409
    assert response.mimetype == "application/problem+json"
    assert "2026-03-23" in response.get_json()["detail"]


def test_objection_without_a_key_is_401(objection_client, announcement_id):
    assert objection(objection_client, {}, announcement_id).status_code == 401


def test_objection_with_a_key_lacking_the_scope_is_403(objection_client, outsider, announcement_id):
    assert objection(objection_client, outsider, announcement_id).status_code == 403


def test_objection_to_an_unknown_announcement_is_404(objection_client, office, announcement_id):
    assert objection(objection_client, office, announcement_id + 100).status_code == 404


def test_objection_without_a_reason_is_422_naming_the_field(objection_client, office, announcement_id):
    response = objection_client.post(f"/api/v1/announcements/{announcement_id}/objections",
                                     headers=office, json={"record_ids": [7]})
    assert response.status_code == 422
    assert "reason" in response.get_json()["errors"]


def test_rejected_objection_leaves_the_announcement_published(objection_client, office, announcement_id):
    objection_id = objection(objection_client, office, announcement_id).get_json()["id"]
    response = objection_client.post(f"/api/v1/objections/{objection_id}/resolve", headers=office,
                                     json={"upheld": False, "note": "处罚有效",
                                           "resolved_on": "2026-03-25"})
    assert response.status_code == 200, response.get_json()
    assert (response.get_json()["status"], response.get_json()["announcement_status"]) == \
        ("rejected", "published")


def test_resolving_is_audited_with_the_key_name(objection_client, office, announcement_id, container):
    objection_id = objection(objection_client, office, announcement_id).get_json()["id"]
    objection_client.post(f"/api/v1/objections/{objection_id}/resolve", headers=office,
                          json={"upheld": False, "note": "处罚有效", "resolved_on": "2026-03-25"})
    with container.session_factory() as session:
        entry = session.scalars(select(AuditRow).where(AuditRow.action == "objection.resolve")).one()
    assert entry.actor == "objection-office"


def test_withdrawal_is_visible_in_the_public_announcements(objection_client, office, announcement_id,
                                                           container):
    from credit_engine.services.objections import resolve_objection

    objection_id = objection(objection_client, office, announcement_id).get_json()["id"]
    with container.transaction() as session:  # upheld, with the regrade left out (no engine here)
        resolve_objection(session, None, objection_id, True, "复议撤销", date(2026, 3, 25),
                          "office", date(2026, 6, 1), regrade=lambda *args: None)
    [shown] = objection_client.get("/public/v1/announcements").get_json()["items"]
    assert (shown["status"], shown["withdrawn_on"]) == ("withdrawn", "2026-03-25")
