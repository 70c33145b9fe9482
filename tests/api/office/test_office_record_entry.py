"""The record entry page: one generated form per kind, the API's validation in Chinese."""

from __future__ import annotations

import pytest
from api_helpers import USCC_A, audit_entries, valid_uscc
from office_helpers import create_staff, csrf_token, login
from sqlalchemy import select

from credit_engine.domain.record_kinds import KINDS
from credit_engine.storage.models import EnterpriseRow, RecordRow

SHOP = valid_uscc(USCC_A)


@pytest.fixture
def shop(container) -> str:
    with container.transaction() as session:
        session.add(EnterpriseRow(uscc=SHOP, name="金碗餐馆", category="catering",
                                  district="肃州区"))
    return SHOP


@pytest.fixture
def clerk(client, container):
    create_staff(container, "clerk1", "clerk")
    assert login(client, "clerk1").status_code in (302, 303)
    return client


def _post(client, kind, data):
    token = csrf_token(client, f"/office/records/new/{kind}")
    return client.post(f"/office/records/new/{kind}", data={"csrf_token": token, **data})


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_of_the_registry_has_a_form_with_each_of_its_fields(clerk, kind) -> None:
    page = clerk.get(f"/office/records/new/{kind}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for spec in KINDS[kind].fields:
        assert f'name="details.{spec.name}"' in html, spec.name


def test_a_valid_penalty_is_stored_as_the_api_would_and_audited(clerk, shop, container) -> None:
    response = _post(clerk, "penalty", {
        "external_id": "P-1", "subject.type": "enterprise", "subject.id": shop,
        "occurred_on": "2026-05-10", "details.measures": ["warning", "fine"],
        "details.fine_amount": "5000", "details.decision_no": "酒市监罚〔2026〕1号"})
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    with container.session_factory() as session:
        row = session.scalars(select(RecordRow)).one()
    assert (row.external_id, row.kind, row.enterprise_uscc) == ("P-1", "penalty", shop)
    assert row.details["measures"] == ["warning", "fine"] and row.details["fine_amount"] == 5000
    assert row.received_by == "user:clerk1"
    assert audit_entries(container, "records.ingested")[0].actor == "user:clerk1"


def test_errors_are_shown_in_chinese_per_field_and_nothing_is_stored(clerk, shop,
                                                                     container) -> None:
    response = _post(clerk, "penalty", {
        "external_id": "P-2", "subject.type": "enterprise", "subject.id": shop,
        "occurred_on": "2999-01-01", "details.measures": ["fine"],
        "details.fine_amount": "abc"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "不能晚于今天" in html and "必须是数字" in html
    assert "Must not" not in html and "Not a valid" not in html
    with container.session_factory() as session:
        assert session.scalars(select(RecordRow)).all() == []


def test_an_unknown_enterprise_is_named_in_chinese(clerk) -> None:
    response = _post(clerk, "complaint", {
        "external_id": "C-1", "subject.type": "enterprise", "subject.id": valid_uscc(
            "91310000631234599"), "occurred_on": "2026-05-10"})
    assert response.status_code == 422
    assert "没有登记此统一社会信用代码的企业" in response.get_data(as_text=True)


def test_a_district_bound_clerk_cannot_enter_another_districts_enterprise(
        client, container, shop) -> None:
    create_staff(container, "clerk2", "clerk", district="金塔县")
    login(client, "clerk2")
    response = _post(client, "complaint", {
        "external_id": "C-2", "subject.type": "enterprise", "subject.id": shop,
        "occurred_on": "2026-05-10"})
    assert response.status_code == 422
    assert "不是金塔县的企业" in response.get_data(as_text=True)


def test_the_page_needs_a_login(client) -> None:
    assert client.get("/office/records/new/penalty").status_code in (302, 303)
