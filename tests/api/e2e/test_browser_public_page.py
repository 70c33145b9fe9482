"""The public page in a real browser (headless system Chromium driven by Playwright)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}

# WCAG 2.x relative luminance and contrast ratio, computed in the page from computed styles.
CONTRAST_JS = """
(selector) => {
  const lum = (rgb) => {
    const [r, g, b] = rgb.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number).map(v => {
      v = v / 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  return [...document.querySelectorAll(selector)].map(el => {
    const s = getComputedStyle(el);
    let bg = s.backgroundColor, node = el;
    while (bg === 'rgba(0, 0, 0, 0)' && node.parentElement) {
      node = node.parentElement; bg = getComputedStyle(node).backgroundColor; }
    if (bg === 'rgba(0, 0, 0, 0)') bg = 'rgb(255, 255, 255)';
    const [a, b] = [lum(s.color), lum(bg)].sort((x, y) => y - x);
    return {text: el.textContent.trim(), ratio: (a + 0.05) / (b + 0.05)};
  });
}
"""

UNLABELLED_JS = """
() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => el.type !== 'hidden' && !(el.labels && el.labels.length) && !el.getAttribute('aria-label'))
  .map(el => el.name)
"""


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN", base_url=live_server)
    opened = context.new_page()
    yield opened
    context.close()


def test_search_then_open_the_enterprise_and_see_grade_and_reasons(page, e2e_population):
    page.goto("/")
    page.get_by_label("企业名称或统一社会信用代码").fill("金锅")
    page.get_by_role("button", name="查询").click()
    result = page.locator("ul.results li", has_text="金锅餐饮有限公司")
    assert "D级" in result.inner_text() and "严重失信" in result.inner_text()
    result.get_by_role("link", name="金锅餐饮有限公司").click()
    assert page.get_by_role("heading", level=1).inner_text() == "金锅餐饮有限公司"
    assert "含义：严重失信" in page.get_by_role("region", name="信用等级").inner_text()
    reasons = page.get_by_role("region", name="评定理由").inner_text()
    assert "王**担任负责人" in reasons and "王大明" not in reasons
    assert "异议截止日期" in page.get_by_role("region", name="信用公告").inner_text()


def test_dishonest_list_shows_persons_masked(page, e2e_population):
    page.goto("/")
    page.get_by_role("link", name="严重违法失信名单").click()
    row = page.locator("table tbody tr").first
    cells = row.locator("td").all_inner_texts()
    listed = e2e_population.listed
    assert cells[:2] == ["王**", listed.id_number[:6] + "********" + listed.id_number[-4:]]
    content = page.content()
    assert listed.name not in content and listed.id_number not in content


def test_search_works_with_javascript_disabled(browser, live_server, e2e_population):
    context = browser.new_context(java_script_enabled=False, base_url=live_server)
    page = context.new_page()
    page.goto("/")
    page.get_by_label("企业名称或统一社会信用代码").fill("食")
    page.get_by_role("button", name="查询").click()
    assert re.search(r"\?q=", page.url)
    assert page.locator("ul.results li").count() == 2
    context.close()


def test_phone_width_enterprise_page_fits_and_is_screenshotted(browser, live_server, e2e_population, artifacts):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True,
                                  has_touch=True, locale="zh-CN", base_url=live_server)
    page = context.new_page()
    page.goto(f"/enterprises/{e2e_population.wok}")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    path = artifacts / "enterprise-phone.png"
    page.screenshot(path=str(path), full_page=True)
    page.goto("/?q=食")
    page.screenshot(path=str(artifacts / "search-phone.png"), full_page=True)
    page.goto("/dishonest-persons")
    page.screenshot(path=str(artifacts / "dishonest-persons-phone.png"), full_page=True)
    context.close()
    assert overflow <= 0
    assert path.stat().st_size > 10_000


def test_grade_badges_and_text_have_sufficient_contrast(page, e2e_population):
    page.goto(f"/enterprises/{e2e_population.wok}")
    checks = page.evaluate(CONTRAST_JS, ".badge, main p, main li, main h1, main h2, .facts dt, .facts dd")
    page.goto("/?q=食")
    checks += page.evaluate(CONTRAST_JS, ".badge, .meta, main a")
    low = [c for c in checks if c["ratio"] < 4.5]
    assert checks and not low, low


def test_grade_is_never_shown_by_colour_alone(page, e2e_population):
    page.goto(f"/enterprises/{e2e_population.wok}")
    badge = page.locator(".grade-line .badge").inner_text()
    assert "D级" in badge and "严重失信" in badge


def test_every_form_field_has_a_label_and_the_page_has_landmarks(page, e2e_population):
    for path in ("/", "/?q=金锅", f"/enterprises/{e2e_population.wok}", "/dishonest-persons", "/announcements"):
        page.goto(path)
        assert page.evaluate(UNLABELLED_JS) == [], path
        assert page.locator("main").count() == 1 and page.locator("nav").count() == 1, path
        assert page.evaluate("document.documentElement.lang") == "zh-CN"
