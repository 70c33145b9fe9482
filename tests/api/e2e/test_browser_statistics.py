"""/statistics and /restricted in headless Chromium: they read without JavaScript, their SVG
charts load under the Content-Security-Policy with no violation, and screenshots at phone
(390 px) and desktop (1280 px) width go to test-artifacts/."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import date

import pytest
from werkzeug.serving import make_server

from credit_engine.api import public_statistics_pages
from credit_engine.api.app import create_app
from credit_engine.bootstrap import Container

from statistics_town import graded_town
from test_browser_security_headers import Watched

pytestmark = pytest.mark.browser

TODAY = date(2026, 11, 30)
WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture
def town_server(container_on: Callable[[date], Container]) -> Iterator[str]:
    container = container_on(TODAY)
    graded_town(container, 60, 80, date(2026, 5, 31), TODAY)
    public_statistics_pages.CACHE.__init__(ttl_seconds=600)
    app = create_app(container=container)
    app.config["PUBLIC_RATE_LIMIT"] = "10000 per minute"
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.mark.parametrize("path, name", [("/statistics", "statistics"), ("/restricted", "restricted")])
def test_the_page_reads_without_javascript_at_phone_and_desktop_width(
        browser, town_server, artifacts, path, name) -> None:
    for label, width in WIDTHS.items():
        context = browser.new_context(locale="zh-CN", base_url=town_server,
                                      java_script_enabled=False,
                                      viewport={"width": width, "height": 900})
        page = context.new_page()
        response = page.goto(path, wait_until="load")
        assert response is not None and response.status == 200
        assert page.locator("h1").count() == 1
        assert page.locator("table").count() >= 1
        if name == "statistics":
            images = page.locator("figure.chart img")
            assert images.count() == 4
            for i in range(4):  # each SVG chart loaded and drawn, and fits the screen
                size = images.nth(i).evaluate("el => [el.naturalWidth, el.clientWidth]")
                assert size[0] > 0 and 0 < size[1] <= width, (label, i, size)
        # nothing wider than the screen but the tables, which scroll in their own box
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= width + 1, (label, overflow)
        page.screenshot(path=str(artifacts / f"{name}-{label}.png"), full_page=True)
        context.close()


def test_the_pages_and_charts_load_with_no_csp_violation(browser, town_server) -> None:
    watched = Watched(browser, town_server)
    try:
        for path in ("/statistics", "/restricted", "/statistics/charts/trend.svg"):
            watched.visit(path)
            assert watched.violations() == [], path
        assert watched.errors == [] and watched.foreign == []
    finally:
        watched.close()
