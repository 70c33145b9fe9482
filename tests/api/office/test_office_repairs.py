"""The repair-application pages: list and page (reviewers), decision (supervisors), filing
(clerks), districts, CSRF and audit."""

from __future__ import annotations

import pytest
from api_helpers import USCC_A, audit_entries, valid_uscc
from office_helpers import create_staff, csrf_token, login
from sqlalchemy import select

from credit_engine.services.record_entry import enter_record
from credit_engine.services.repair_applications import file_application
from credit_engine.storage.models import EnterpriseRow, RepairApplicationRow, RepairRow

SHOP = valid_uscc(USCC_A)
STATEMENT = "已按期缴纳罚款并完成整改，特申请信用修复。"


@pytest.fixture
def application(container) -> int:
    """A warning of 2026-02-10 (repairable from 2026-05-10), applied for on 2026-06-01."""
    today = container.settings.today()
    with container.transaction() as session:
        session.add(EnterpriseRow(uscc=SHOP, name="金碗餐馆", category="catering",
                                  district="肃州区"))
        session.flush()
        record = enter_record(session, {
            "external_id": "P-1", "kind": "penalty", "occurred_on": "2026-02-10",
            "subject": {"type": "enterprise", "id": SHOP},
            "details": {"measures": ["warning"]}}, "test", today)
        filed = file_application(session, container.rulesets, {
            "record_id": record["id"], "applied_on": today, "statement": STATEMENT,
            "materials": [{"kind": "rectification_report", "title": "整改报告（2026年3月）"}]},
            "test", today)
    return int(filed["id"])


def _as(client, container, username, role, district=None):
    create_staff(container, username, role, district)
    assert login(client, username).status_code in (302, 303)
    return client


def _decide(client, application_id, **data):
    token = csrf_token(client, f"/office/repairs/{application_id}")
    return client.post(f"/office/repairs/{application_id}/decide",
                       data={"csrf_token": token, **data})


def test_a_reviewer_sees_the_statement_materials_and_eligibility_but_no_decision_form(
        client, container, application) -> None:
    _as(client, container, "zhao.review", "reviewer")
    assert f"申请 {application}" in client.get("/office/repairs").get_data(as_text=True)
    html = client.get(f"/office/repairs/{application}").get_data(as_text=True)
    assert STATEMENT in html and "整改报告（2026年3月）" in html and "符合修复条件" in html
    assert "提交审批" not in html
    assert _decide(client, application, approved="yes").status_code == 403


def test_a_clerk_may_not_open_the_list(client, container, application) -> None:
    _as(client, container, "li.clerk", "clerk")
    assert client.get("/office/repairs").status_code == 403
    assert client.get(f"/office/repairs/{application}").status_code == 403


def test_a_supervisor_approves_and_the_repair_is_stored_audited_as_the_user(
        client, container, application) -> None:
    _as(client, container, "qian.super", "supervisor")
    response = _decide(client, application, approved="yes", note="材料齐全")
    assert response.status_code == 303
    with container.session_factory() as session:
        row = session.get(RepairApplicationRow, application)
        assert (row.status, row.decided_by) == ("approved", "user:qian.super")
        assert len(session.scalars(select(RepairRow)).all()) == 1
    [entry] = audit_entries(container, "repair_application.decide")
    assert entry.actor == "user:qian.super" and entry.payload["status"] == "approved"


def test_a_refusal_without_a_reason_is_422_in_chinese_and_stores_nothing(
        client, container, application) -> None:
    _as(client, container, "qian.super", "supervisor")
    response = _decide(client, application, approved="no", note=" ")
    assert response.status_code == 422
    assert "拒绝申请时必须填写理由" in response.get_data(as_text=True)
    with container.session_factory() as session:
        assert session.get(RepairApplicationRow, application).status == "pending"
    response = _decide(client, application, approved="no", note="材料不全")
    assert response.status_code == 303
    with container.session_factory() as session:
        assert session.get(RepairApplicationRow, application).status == "refused"
        assert session.scalars(select(RepairRow)).all() == []


def test_a_decision_without_the_csrf_token_is_400(client, container, application) -> None:
    _as(client, container, "qian.super", "supervisor")
    response = client.post(f"/office/repairs/{application}/decide", data={"approved": "yes"})
    assert response.status_code == 400


def test_a_supervisor_of_another_district_gets_the_403_page(client, container,
                                                            application) -> None:
    _as(client, container, "xu.super", "supervisor", district="徐汇区")
    assert f"申请 {application}" not in client.get("/office/repairs").get_data(as_text=True)
    assert client.get(f"/office/repairs/{application}").status_code == 403
    token = csrf_token(client, "/office/repairs")
    response = client.post(f"/office/repairs/{application}/decide",
                           data={"csrf_token": token, "approved": "yes"})
    assert response.status_code == 403
    with container.session_factory() as session:
        assert session.scalars(select(RepairRow)).all() == []


def test_a_clerk_files_an_application_judged_by_the_repair_rules(client, container,
                                                                 application) -> None:
    _as(client, container, "li.clerk", "clerk")
    with container.session_factory() as session:
        record_id = session.get(RepairApplicationRow, application).record_id
    token = csrf_token(client, "/office/repairs/new")
    bad = client.post("/office/repairs/new", data={
        "csrf_token": token, "record_id": str(record_id), "statement": "",
        "material_kind_0": "photo", "material_title_0": "照片"})
    assert bad.status_code == 422
    assert "不能为空" in bad.get_data(as_text=True) and "必须是以下之一" in bad.get_data(as_text=True)
    good = client.post("/office/repairs/new", data={
        "csrf_token": token, "record_id": str(record_id), "statement": STATEMENT,
        "material_kind_0": "commitment_letter", "material_title_0": "信用承诺书"})
    assert good.status_code == 303
    [entry] = [e for e in audit_entries(container, "repair_application.file")
               if e.actor == "user:li.clerk"]
    assert entry.payload["eligible"] is True
