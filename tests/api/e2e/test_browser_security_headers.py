"""The Content-Security-Policy in a real browser (headless system Chromium with Playwright):
every public page and /docs load with no CSP violation and no request to another host, and
/docs still shows the operations of the API from the service's own Swagger UI files."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

# Runs before any script of the page and outside its CSP: records each violation event.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__cspViolations.push(
  e.violatedDirective + ' ' + (e.blockedURI || 'inline') + ' ' + (e.sourceFile || '')));
"""


class Watched:
    """A browser page whose console, page errors and other-host requests are collected."""

    def __init__(self, browser, base_url: str) -> None:
        self.context = browser.new_context(locale="zh-CN", base_url=base_url)
        self.origin = urlsplit(base_url).netloc
        self.console: list[str] = []
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.context.route("**/*", self._only_the_test_server)
        self.context.add_init_script(RECORD_VIOLATIONS)
        self.page = self.context.new_page()
        self.page.on("console", lambda message: self.console.append(
            f"{message.type}: {message.text}"))
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _only_the_test_server(self, route) -> None:
        url = urlsplit(route.request.url)
        if url.scheme in ("http", "https", "ws", "wss") and url.netloc != self.origin:
            self.foreign.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    def visit(self, path: str) -> None:
        response = self.page.goto(path, wait_until="load")
        assert response is not None and response.status < 500, path
        assert "Content-Security-Policy" in {k.title(): v for k, v in
                                             response.headers.items()}, path

    def violations(self) -> list[str]:
        recorded = self.page.evaluate("window.__cspViolations || []")
        logged = [line for line in self.console if "Content Security Policy" in line]
        return list(recorded) + logged

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watched(browser, live_server):
    opened = Watched(browser, live_server)
    yield opened
    opened.close()


def test_public_pages_load_without_csp_violation_or_foreign_request(watched, e2e_population):
    paths = ["/", "/?q=食", f"/enterprises/{e2e_population.wok}",
             f"/enterprises/{e2e_population.canteen}", "/dishonest-persons", "/announcements",
             "/enterprises/91110000000000000X"]  # the 404 page
    for path in paths:
        watched.visit(path)
        assert watched.page.locator("h1").count() == 1, path
        assert watched.violations() == [], path
    assert watched.errors == []
    assert watched.foreign == []
    # the stylesheet, a file of the service, applied under the policy
    link = watched.page.locator("a.skip")
    assert link.evaluate("el => getComputedStyle(el).position") != "static"


def test_docs_render_the_operations_from_the_services_own_files(watched, e2e_population):
    watched.visit("/docs")
    operations = watched.page.locator(".opblock")
    operations.first.wait_for(timeout=20_000)
    assert operations.count() >= 20
    assert watched.page.locator(".opblock-summary-path", has_text="/api/v1/records").count() >= 1
    assert watched.violations() == []
    assert watched.errors == []
    assert watched.foreign == []
    assert not [line for line in watched.console if line.startswith("error")]
