"""The public page at /: zh-CN, no JavaScript needed, accessible, grade never by colour alone."""

import re
from datetime import timedelta


def html(client, path):
    response = client.get(path)
    assert response.status_code == 200, path
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def test_home_page_is_chinese_with_a_labelled_search_box(public_client, population):
    page = html(public_client, "/")
    assert '<html lang="zh-CN">' in page
    assert '<label for="q">' in page and 'id="q"' in page
    assert '<form class="search" action="/" method="get"' in page  # works without JavaScript


def test_pages_need_no_javascript(public_client, population):
    for path in ("/", "/?q=金锅", f"/enterprises/{population.wok}", "/dishonest-persons", "/announcements"):
        assert "<script" not in html(public_client, path)


def test_search_results_show_grade_badges_with_letter_and_words(public_client, population):
    page = html(public_client, "/?q=金锅")
    assert "金锅餐饮有限公司" in page
    assert re.search(r'class="badge grade-D"><span class="badge-letter">D级</span> <span class="badge-text">严重失信', page)


def test_enterprise_page_shows_grade_meaning_date_reasons_measures(public_client, population):
    page = html(public_client, f"/enterprises/{population.wok}")
    assert "含义：严重失信" in page
    assert f"评定日期：{(population.today - timedelta(days=20)).isoformat()}" in page
    assert "王**担任负责人" in page
    assert "聘用被禁止人员，不予办理食品经营许可" in page
    assert "employs a banned person" not in page  # the Chinese half of the title only
    assert "已经到期的措施" not in page


def test_catering_page_shows_the_flat_face_for_fair(public_client, population):
    page = html(public_client, f"/enterprises/{population.wok}")
    assert "一般（C级） · 平脸" in page


def test_canteen_page_shows_the_smile_for_good(public_client, population):
    page = html(public_client, f"/enterprises/{population.canteen}")
    assert "良好（B级） · 微笑脸" in page


def test_retail_page_has_no_hygiene_face(public_client, population):
    assert "量化等级" not in html(public_client, f"/enterprises/{population.bakery}")


def test_enterprise_page_shows_announcements_with_deadlines(public_client, population):
    page = html(public_client, f"/enterprises/{population.wok}")
    assert "异议截止日期" in page and "B级 → D级" in page


def test_headings_are_in_order_with_one_h1(public_client, population):
    for path in ("/", f"/enterprises/{population.wok}", "/dishonest-persons", "/announcements"):
        levels = [int(h) for h in re.findall(r"<h([1-6])", html(public_client, path))]
        assert levels.count(1) == 1 and levels[0] == 1, path
        assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), path


def test_persons_table_has_a_caption_and_column_headers(public_client, population):
    page = html(public_client, "/dishonest-persons")
    assert "<caption>" in page and page.count('<th scope="col">') == 4


def test_unknown_enterprise_page_is_a_chinese_404(public_client, population):
    response = public_client.get("/enterprises/91310000MA1K4A8Q99")
    assert response.status_code == 404 and "没有找到该企业" in response.get_data(as_text=True)
