"""The right to reply: POST /api/v1/enterprises/{uscc}/replies and the public page showing
the latest reply until the grade next changes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from exchange_town import GRADED_ON, TODAY, UNKNOWN_USCC
from sqlalchemy import func, select

from credit_engine.storage.models import GradeRow, ReplyRow


def _graded_enterprise(container, changed: bool) -> tuple[str, str]:
    """(USCC, letter) of an enterprise whose grade on GRADED_ON[1] differs (or not) from
    its grade on GRADED_ON[0]."""
    with container.transaction() as session:
        rows = session.execute(select(GradeRow.subject_id, GradeRow.as_of, GradeRow.grade)
                               .where(GradeRow.subject_type == "enterprise")).all()
    by = {}
    for uscc, as_of, letter in rows:
        by.setdefault(uscc, {})[as_of] = letter
    for uscc, grades in sorted(by.items()):
        first, second = grades.get(GRADED_ON[0]), grades.get(GRADED_ON[1])
        if first and second and (first != second) == changed:
            return uscc, second
    pytest.skip("the town has no such enterprise")


def _reply(client, key, uscc, text, on):
    return client.post(f"/api/v1/enterprises/{uscc}/replies", headers=key,
                       json={"text": text, "submitted_on": on.isoformat()})


def _shown(client, uscc, as_of):
    response = client.get(f"/public/v1/enterprises/{uscc}", query_string={"as_of": as_of.isoformat()})
    assert response.status_code == 200
    return response.get_json()["reply"]


def test_a_reply_is_stored_audited_and_shown_publicly(town_container, town_client, town_key):
    uscc, _ = _graded_enterprise(town_container, changed=False)
    key = town_key("records-desk", "records:write")
    response = _reply(town_client, key, uscc.lower(), "我们已完成整改，欢迎监督。", TODAY)
    assert response.status_code == 201, response.get_json()
    reply = response.get_json()
    assert reply["uscc"] == uscc and reply["text"] == "我们已完成整改，欢迎监督。"
    assert reply["submitted_on"] == TODAY.isoformat()
    assert _shown(town_client, uscc, TODAY) == reply
    page = town_client.get(f"/enterprises/{uscc}")
    assert "我们已完成整改，欢迎监督。" in page.get_data(as_text=True)
    with town_container.transaction() as session:
        from credit_engine.storage.models import AuditRow
        audited = session.scalars(select(AuditRow).where(AuditRow.action == "reply.submit")).all()
    assert [(a.actor, a.target) for a in audited] == [("records-desk", f"enterprise:{uscc}")]


def test_the_latest_reply_is_shown_and_not_before_it_was_submitted(town_client, town_container,
                                                                   town_key):
    uscc, _ = _graded_enterprise(town_container, changed=False)
    key = town_key("desk", "records:write")
    _reply(town_client, key, uscc, "第一次回应", GRADED_ON[1] + timedelta(days=1))
    _reply(town_client, key, uscc, "第二次回应", GRADED_ON[1] + timedelta(days=5))
    assert _shown(town_client, uscc, GRADED_ON[1]) is None
    assert _shown(town_client, uscc, GRADED_ON[1] + timedelta(days=2))["text"] == "第一次回应"
    assert _shown(town_client, uscc, TODAY)["text"] == "第二次回应"


def test_a_reply_to_an_earlier_grade_is_no_longer_shown_once_the_grade_changed(
        town_client, town_container, town_key):
    uscc, _ = _graded_enterprise(town_container, changed=True)
    key = town_key("desk", "records:write")
    _reply(town_client, key, uscc, "对旧等级的回应", GRADED_ON[0] + timedelta(days=1))
    assert _shown(town_client, uscc, GRADED_ON[0] + timedelta(days=1))["text"] == "对旧等级的回应"
    assert _shown(town_client, uscc, GRADED_ON[1] - timedelta(days=1))["text"] == "对旧等级的回应"
    assert _shown(town_client, uscc, GRADED_ON[1]) is None  # the grade changed that day
    _reply(town_client, key, uscc, "对新等级的回应", GRADED_ON[1])
    assert _shown(town_client, uscc, TODAY)["text"] == "对新等级的回应"


def test_a_reply_survives_a_regrade_to_the_same_letter(town_client, town_container, town_key):
    uscc, _ = _graded_enterprise(town_container, changed=False)
    key = town_key("desk", "records:write")
    _reply(town_client, key, uscc, "回应", GRADED_ON[0] + timedelta(days=1))
    assert _shown(town_client, uscc, TODAY)["text"] == "回应"


def test_an_unknown_enterprise_is_404(town_client, town_key):
    response = _reply(town_client, town_key("d", "records:write"), UNKNOWN_USCC, "回应", TODAY)
    assert response.status_code == 404
    assert response.content_type.startswith("application/problem+json")


@pytest.mark.parametrize("body, field", [
    ({"submitted_on": TODAY.isoformat()}, "text"),
    ({"text": "", "submitted_on": TODAY.isoformat()}, "text"),
    ({"text": "长" * 501, "submitted_on": TODAY.isoformat()}, "text"),
    ({"text": "bad\u0000text", "submitted_on": TODAY.isoformat()}, "text"),
    ({"text": "回应", "submitted_on": (TODAY + timedelta(days=1)).isoformat()}, "submitted_on"),
    ({"text": "回应", "submitted_on": "2025-13-01"}, "submitted_on"),
    ({"text": "回应", "extra": 1}, "extra"),
])
def test_bad_input_is_422_naming_the_field_and_stores_nothing(town_client, town_container,
                                                              town_key, body, field):
    uscc, _ = _graded_enterprise(town_container, changed=False)
    response = town_client.post(f"/api/v1/enterprises/{uscc}/replies", json=body,
                                headers=town_key("d", "records:write"))
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]
    with town_container.transaction() as session:
        assert session.scalar(select(func.count()).select_from(ReplyRow)) == 0


def test_five_hundred_characters_are_accepted(town_client, town_container, town_key):
    uscc, _ = _graded_enterprise(town_container, changed=False)
    response = _reply(town_client, town_key("d", "records:write"), uscc, "长" * 500, TODAY)
    assert response.status_code == 201


def test_a_malformed_uscc_is_422_and_the_scope_is_needed(town_client, town_key):
    assert _reply(town_client, town_key("d", "records:write"), "NOT-A-CODE", "回应",
                  TODAY).status_code == 422
    assert _reply(town_client, {}, UNKNOWN_USCC, "回应", TODAY).status_code == 401
    assert _reply(town_client, town_key("r", "records:read"), UNKNOWN_USCC, "回应",
                  TODAY).status_code == 403


def test_a_person_named_in_a_reply_is_masked_on_the_public_page(town_client, town_container,
                                                                town_key):
    from sqlalchemy import select as sql_select

    from credit_engine.storage.models import RoleRow
    with town_container.transaction() as session:
        uscc, person = session.execute(sql_select(RoleRow.uscc, RoleRow.person_id)
                                       .order_by(RoleRow.uscc)).first()
    full_name = f"张{int(person[1:])}"  # the town's persons are named 张n
    response = _reply(town_client, town_key("d", "records:write"), uscc,
                      f"负责人{full_name}已整改。", TODAY)
    assert response.status_code == 201
    shown = _shown(town_client, uscc, TODAY)["text"]
    assert full_name not in shown and shown.startswith("负责人张")
    assert full_name not in town_client.get(f"/enterprises/{uscc}").get_data(as_text=True)
