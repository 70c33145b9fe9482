"""The correction page: revoke a record and enter its replacement in one transaction
(supervisors), the form prefilled from the registry, errors in Chinese, nothing half-stored."""

from __future__ import annotations

import pytest
from api_helpers import USCC_A, audit_entries, valid_uscc
from office_helpers import create_staff, csrf_token, login
from sqlalchemy import select

from credit_engine.services.record_entry import enter_record
from credit_engine.storage.models import EnterpriseRow, RecordRow, RevocationRow

SHOP = valid_uscc(USCC_A)


@pytest.fixture
def record_id(container) -> int:
    with container.transaction() as session:
        session.add(EnterpriseRow(uscc=SHOP, name="金碗餐馆", category="catering",
                                  district="肃州区"))
        session.flush()
        stored = enter_record(session, {
            "external_id": "P-1", "kind": "penalty", "occurred_on": "2026-05-10",
            "subject": {"type": "enterprise", "id": SHOP},
            "details": {"measures": ["warning", "fine"], "fine_amount": 5000}},
            "test", container.settings.today())
    return int(stored["id"])


def _as(client, container, username, role, district=None):
    create_staff(container, username, role, district)
    assert login(client, username).status_code in (302, 303)
    return client


def _correct(client, record_id, **data):
    token = csrf_token(client, f"/office/records/{record_id}/correct")
    form = {"csrf_token": token, "reason": "罚款金额录入错误", "revoked_on": "2026-05-10",
            "external_id": "P-1-c", "subject.type": "enterprise", "subject.id": SHOP,
            "occurred_on": "2026-05-10", "details.measures": ["warning", "fine"],
            "details.fine_amount": "500"}
    return client.post(f"/office/records/{record_id}/correct", data={**form, **data})


def _stored(container):
    with container.session_factory() as session:
        return (sorted(session.scalars(select(RecordRow.external_id))),
                session.scalars(select(RevocationRow)).all())


def test_the_form_is_prefilled_with_the_record_and_carries_the_csrf_token(
        client, container, record_id) -> None:
    _as(client, container, "qian.super", "supervisor")
    html = client.get(f"/office/records/{record_id}/correct").get_data(as_text=True)
    assert 'name="csrf_token"' in html
    assert 'name="details.fine_amount" value="5000"' in html
    assert 'value="fine" checked' in html and f'value="{SHOP}"' in html


def test_a_correction_revokes_and_enters_the_replacement_audited_as_the_user(
        client, container, record_id) -> None:
    _as(client, container, "qian.super", "supervisor")
    response = _correct(client, record_id)
    assert response.status_code == 303, response.get_data(as_text=True)[:400]
    externals, revocations = _stored(container)
    assert externals == ["P-1", "P-1-c"] and [r.record_id for r in revocations] == [record_id]
    [entry] = audit_entries(container, "record.corrected")
    assert entry.actor == "user:qian.super" and entry.payload["reason"] == "罚款金额录入错误"
    with container.session_factory() as session:
        new = session.scalars(select(RecordRow).where(RecordRow.external_id == "P-1-c")).one()
    assert new.details["fine_amount"] == 500 and new.received_by == "user:qian.super"


@pytest.mark.parametrize("bad, shown", [
    ({"details.fine_amount": "abc"}, "必须是数字"),
    ({"external_id": "P-1"}, "必须与被更正记录的业务编号不同"),
    ({"reason": ""}, "必填"),
    ({"revoked_on": "2999-01-01", "occurred_on": "2999-01-01"}, "不能晚于今天"),
])
def test_a_bad_correction_is_422_in_chinese_and_stores_neither_half(
        client, container, record_id, bad, shown) -> None:
    _as(client, container, "qian.super", "supervisor")
    response = _correct(client, record_id, **bad)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert shown in html and "原记录未撤销" in html and "Must" not in html
    assert _stored(container) == (["P-1"], [])
    assert audit_entries(container, "record.corrected") == []


def test_a_reviewer_may_not_correct(client, container, record_id) -> None:
    _as(client, container, "zhao.review", "reviewer")
    assert client.get(f"/office/records/{record_id}/correct").status_code == 403
    token = csrf_token(client, "/office/today")
    response = client.post(f"/office/records/{record_id}/correct",
                           data={"csrf_token": token, "reason": "x"})
    assert response.status_code == 403 and _stored(container) == (["P-1"], [])


def test_a_supervisor_of_another_district_gets_the_403_page(client, container,
                                                            record_id) -> None:
    _as(client, container, "xu.super", "supervisor", district="徐汇区")
    assert client.get(f"/office/records/{record_id}/correct").status_code == 403
    token = csrf_token(client, "/office/today")
    response = client.post(f"/office/records/{record_id}/correct",
                           data={"csrf_token": token, "reason": "x"})
    assert response.status_code == 403 and _stored(container) == (["P-1"], [])


def test_a_correction_without_the_csrf_token_is_400(client, container, record_id) -> None:
    _as(client, container, "qian.super", "supervisor")
    response = client.post(f"/office/records/{record_id}/correct", data={"reason": "x"})
    assert response.status_code == 400 and _stored(container) == (["P-1"], [])
