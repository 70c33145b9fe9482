"""The office reports page in a real browser: the charts render as images under the
Content-Security-Policy, the form picks a district and a date, a district clerk's downloads
come with the session; screenshots at desktop and phone width."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from office_helpers import browser_login, create_staff
from statistics_town import graded_town

from credit_engine.bootstrap import Container

pytestmark = pytest.mark.browser

TODAY = date(2026, 6, 2)
WIDTHS = {"1280": {"width": 1280, "height": 900}, "390": {"width": 390, "height": 844}}
HOME, OTHER = "肃州区", "玉门市"


@pytest.fixture
def container(container_on: Callable[[date], Container]) -> Container:
    """The service on a fixed day."""
    return container_on(TODAY)


@pytest.fixture
def e2e_population(container: Container) -> None:
    """Instead of the public pages' few enterprises: a graded demo town, for real charts."""
    graded_town(container, 60, 40, date(2026, 3, 31), TODAY)


def _charts_drawn(page: Any) -> list[int]:
    """The natural width of each chart image (0: the browser could not draw it)."""
    return page.eval_on_selector_all(
        "figure.chart img", "imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")


def test_reports_draw_the_charts_and_a_district_clerk_downloads_their_district(
        browser: Any, live_server: str, container: Container, artifacts: Path) -> None:
    create_staff(container, "wang.admin", "admin")
    create_staff(container, "su.clerk", "clerk", district=HOME)
    context = browser.new_context(locale="zh-CN", viewport=WIDTHS["1280"])
    page = context.new_page()
    browser_login(page, live_server, "wang.admin")
    page.get_by_role("link", name="统计报表").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/office/reports")
    assert _charts_drawn(page) and all(width > 0 for width in _charts_drawn(page))
    assert len(_charts_drawn(page)) == 4
    for width, viewport in WIDTHS.items():
        page.set_viewport_size(viewport)
        page.screenshot(path=str(artifacts / f"office-reports-{width}.png"), full_page=True)
    page.set_viewport_size(WIDTHS["1280"])
    page.get_by_label("辖区", exact=True).select_option(OTHER)
    page.get_by_label("统计日期").fill("2026-03-31")
    with page.expect_navigation():
        page.get_by_role("button", name="查看").click()
    assert f"district={OTHER}" in page.url or "district=%E7%8E%89" in page.url
    assert "截至 2026-03-31" in page.locator("h1").inner_text()
    assert len(_charts_drawn(page)) == 3 and all(w > 0 for w in _charts_drawn(page))
    context.close()

    clerk = browser.new_context(locale="zh-CN", viewport=WIDTHS["1280"])
    page = clerk.new_page()
    browser_login(page, live_server, "su.clerk")
    page.goto(f"{live_server}/office/reports")
    assert HOME in page.locator("h1").inner_text()
    link = page.get_by_role("link", name="下载 CSV").first.get_attribute("href")
    response = page.request.get(f"{live_server}{link}")  # the context's session cookie
    assert response.status == 200
    rows = list(csv.reader(io.StringIO(response.body().decode("utf-8-sig"))))
    assert len(rows) > 1 and {row[3] for row in rows[1:]} == {HOME}
    page.goto(f"{live_server}/office/reports?district={OTHER}")
    assert "无权访问" in page.content()
    clerk.close()
