"""Walks through the office workbench in Chromium, on both databases: a clerk imports a
spreadsheet with errors, fixes it and commits it; a reviewer resolves an objection; a
supervisor approves a repair application. Screenshots at 1280 and 390 px (SQLite run)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from api_helpers import USCC_A, valid_uscc
from office_helpers import browser_login, create_staff
from openpyxl import Workbook
from public_population import Population
from sqlalchemy import select

from credit_engine.bootstrap import Container
from credit_engine.services.objections import file_objection
from credit_engine.services.record_entry import enter_record
from credit_engine.services.repair_applications import file_application
from credit_engine.storage.models import (
    AnnouncementRow,
    EnterpriseRow,
    ObjectionRow,
    RecordRow,
    RepairApplicationRow,
    RepairRow,
)

pytestmark = pytest.mark.browser

WIDTHS = {"1280": {"width": 1280, "height": 900}, "390": {"width": 390, "height": 844}}
SHOP = valid_uscc(USCC_A)
HEADER = ["external_id", "subject.type", "subject.id", "occurred_on", "details.measures",
          "details.fine_amount"]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def office_work(container: Container, e2e_population: Population) -> dict[str, int]:
    """A pending objection (to the wok's announcement) and a pending, eligible application."""
    today = container.settings.today()
    with container.transaction() as session:
        announcement = session.scalar(select(AnnouncementRow.id).where(
            AnnouncementRow.subject_id == e2e_population.wok))
        objection = file_objection(session, announcement, "处罚决定已被复议撤销", [], today,
                                   "test", today)
        session.add(EnterpriseRow(uscc=SHOP, name="金碗餐馆", category="catering",
                                  district="黄浦区"))
        session.flush()
        record = enter_record(session, {
            "external_id": "P-OLD", "kind": "penalty", "occurred_on": "2026-01-10",
            "subject": {"type": "enterprise", "id": SHOP},
            "details": {"measures": ["warning"]}}, "test", today)
        application = file_application(session, container.rulesets, {
            "record_id": record["id"], "applied_on": today,
            "statement": "已按期完成整改，特申请信用修复。",
            "materials": [{"kind": "rectification_report", "title": "整改报告"}]}, "test", today)
    return {"objection": objection.id, "application": int(application["id"]),
            "record": int(record["id"])}


def _shots(page: Any, artifacts: Path, name: str, backend: str) -> None:
    if backend != "sqlite":
        return
    for width, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        page.screenshot(path=str(artifacts / f"office-{name}-{width}.png"), full_page=True)
    page.set_viewport_size(WIDTHS["1280"])


def _xlsx(path: Path, rows: list[list[Any]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.title = "penalty"
    for row in [HEADER, *rows]:
        sheet.append(row)
    book.save(path)
    return path


def _page(browser: Any, base: str, username: str) -> tuple[Any, Any]:
    context = browser.new_context(locale="zh-CN", viewport=WIDTHS["1280"])
    page = context.new_page()
    browser_login(page, base, username)
    return context, page


def test_clerk_imports_reviewer_resolves_supervisor_approves(
        browser: Any, live_server: str, container: Container, office_work: dict[str, int],
        artifacts: Path, tmp_path: Path, database_backend: str) -> None:
    for name, role in (("li.clerk", "clerk"), ("zhao.review", "reviewer"),
                       ("qian.super", "supervisor")):
        create_staff(container, name, role)

    context, page = _page(browser, live_server, "li.clerk")
    page.get_by_role("link", name="录入记录").click()
    page.goto(f"{live_server}/office/records/new/penalty")
    _shots(page, artifacts, "record-entry", database_backend)
    page.get_by_role("link", name="表格导入").click()
    wrong = _xlsx(tmp_path / "wrong.xlsx", [
        ["W-1", "enterprise", SHOP, "2026-05-20", "warning", None],
        ["W-2", "enterprise", SHOP, "2999-01-01", "fine", "abc"]])
    page.set_input_files("#file", str(wrong))
    page.get_by_role("button", name="上传并预览").click()
    preview = page.content()
    assert "不能晚于今天" in preview and "必须是数字" in preview and "Must" not in preview
    _shots(page, artifacts, "import-preview", database_backend)
    page.goto(f"{live_server}/office/import")
    fixed = _xlsx(tmp_path / "fixed.xlsx", [
        ["W-1", "enterprise", SHOP, "2026-05-20", "warning", None],
        ["W-2", "enterprise", SHOP, "2026-05-21", "fine", 800]])
    page.set_input_files("#file", str(fixed))
    page.get_by_role("button", name="上传并预览").click()
    page.get_by_role("button", name="确认导入 2 行").click()
    assert "导入完成" in page.get_by_role("heading", level=1).inner_text()
    context.close()
    with container.session_factory() as session:
        stored = set(session.scalars(select(RecordRow.external_id).where(
            RecordRow.received_by == "user:li.clerk")))
    assert stored == {"W-1", "W-2"}

    context, page = _page(browser, live_server, "zhao.review")
    page.get_by_role("link", name="异议处理").click()
    assert page.locator("td.due-soon").count() >= 1
    _shots(page, artifacts, "objections", database_backend)
    page.get_by_role("link", name=f"处理异议 {office_work['objection']}").click()
    page.get_by_label("不成立").check()
    page.get_by_label("处理意见").fill("复议决定维持原处罚，异议不成立。")
    page.get_by_role("button", name="提交处理结果").click()
    assert f"异议 {office_work['objection']} 已处理：不成立" in page.content()
    context.close()
    with container.session_factory() as session:
        objection = session.get(ObjectionRow, office_work["objection"])
        assert (objection.status, objection.resolved_by) == ("rejected", "user:zhao.review")

    context, page = _page(browser, live_server, "qian.super")
    page.get_by_role("link", name="信用修复").click()
    page.get_by_role("link", name=f"申请 {office_work['application']}").click()
    assert "符合修复条件" in page.content()
    _shots(page, artifacts, "repair", database_backend)
    page.get_by_label("批准修复").check()
    page.get_by_label("审批意见（拒绝时必填）").fill("整改到位，材料齐全。")
    page.get_by_role("button", name="提交审批").click()
    assert "已批准" in page.content()
    page.goto(f"{live_server}/office/records/{office_work['record']}/correct")
    _shots(page, artifacts, "correction", database_backend)
    context.close()
    with container.session_factory() as session:
        application = session.get(RepairApplicationRow, office_work["application"])
        assert (application.status, application.decided_by) == ("approved", "user:qian.super")
        assert [r.record_id for r in session.scalars(select(RepairRow))] == [office_work["record"]]
