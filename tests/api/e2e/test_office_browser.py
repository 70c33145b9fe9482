"""The office workbench in a real browser: an admin creates a district-bound clerk, who
works in that district only; screenshots of each page at desktop and phone width."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from office_helpers import browser_login, create_staff
from public_population import Population

from credit_engine.bootstrap import Container

pytestmark = pytest.mark.browser

WIDTHS = {"1280": {"width": 1280, "height": 900}, "390": {"width": 390, "height": 844}}
CLERK_PASSWORD = "a clerk's own password"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_backend(request: pytest.FixtureRequest) -> str:
    """Both databases: the accounts, sessions and district checks live in them."""
    return str(request.param)


def _shots(page: Any, artifacts: Path, name: str) -> None:
    for width, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        page.screenshot(path=str(artifacts / f"office-{name}-{width}.png"), full_page=True)
    page.set_viewport_size(WIDTHS["1280"])


def test_an_admin_creates_a_district_clerk_who_cannot_open_another_district(
        browser: Any, live_server: str, container: Container, e2e_population: Population,
        artifacts: Path, database_backend: str) -> None:
    create_staff(container, "wang.admin", "admin")
    admin = browser.new_context(locale="zh-CN", viewport=WIDTHS["1280"])
    page = admin.new_page()
    page.goto(f"{live_server}/office/today")
    assert "/office/login" in page.url  # no page without login
    if database_backend == "sqlite":
        _shots(page, artifacts, "login")
    browser_login(page, live_server, "wang.admin")
    page.goto(f"{live_server}/office/users")
    page.get_by_label("用户名").fill("li.clerk")
    page.get_by_label("角色").select_option("clerk")
    page.get_by_label("辖区（留空：全部辖区）").fill("黄浦区")
    page.get_by_label("初始密码（留空则自动生成，至少12位）").fill(CLERK_PASSWORD)
    page.get_by_role("button", name="创建").click()
    assert "已创建账户 li.clerk" in page.content()
    assert page.locator("tr", has_text="li.clerk").inner_text().count("黄浦区") == 1
    if database_backend == "sqlite":
        _shots(page, artifacts, "users")
    admin.close()

    clerk = browser.new_context(locale="zh-CN", viewport=WIDTHS["1280"])
    page = clerk.new_page()
    browser_login(page, live_server, "li.clerk", CLERK_PASSWORD)
    assert page.url.endswith("/office/today")
    assert page.get_by_role("heading", level=1).inner_text().startswith("今日待办")
    assert page.get_by_role("link", name="用户管理").count() == 0  # not an admin
    if database_backend == "sqlite":
        _shots(page, artifacts, "today")
    page.get_by_role("link", name="查询主体").click()
    page.get_by_label("企业名称或统一社会信用代码").fill("公司")
    page.get_by_role("button", name="查询企业").click()
    results = page.locator("ul.results").inner_text()
    assert "金锅餐饮有限公司" in results and "第一实验小学食堂" not in results
    if database_backend == "sqlite":
        _shots(page, artifacts, "search")
    page.get_by_role("link", name="金锅餐饮有限公司").click()
    assert page.get_by_role("heading", level=1).inner_text() == "金锅餐饮有限公司"
    if database_backend == "sqlite":
        _shots(page, artifacts, "subject")
    refused = page.goto(f"{live_server}/office/subjects/enterprise/{e2e_population.canteen}")
    assert refused is not None and refused.status == 403
    assert page.get_by_role("heading", level=1).inner_text() == "无权访问"
    assert "第一实验小学食堂" not in page.content()
    clerk.close()
