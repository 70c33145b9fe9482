"""The reports page (/office/reports): the statistics service's figures for the user's
district with the charts, and the grade and inspection-plan downloads of that district."""

from __future__ import annotations

import base64
import csv
import io
import re
from datetime import date
from typing import Any

import pytest
from api_helpers import audit_entries
from flask.testing import FlaskClient
from office_helpers import create_staff, login
from openpyxl import load_workbook
from statistics_town import graded_town

from credit_engine.bootstrap import Container
from credit_engine.services import statistics

HOME = "肃州区"
OTHER = "玉门市"
EARLIER = date(2026, 3, 31)


@pytest.fixture
def town(container: Container) -> Container:
    """The demo town graded at the end of March and today (2026-06-02, the office clock)."""
    graded_town(container, 60, 40, EARLIER, container.settings.today())
    return container


def _service(town: Container, as_of: date, district: str | None) -> dict[str, Any]:
    with town.transaction() as session:
        return statistics.compute_statistics(session, as_of, district)


def _page(client: FlaskClient, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)[:400]
    return response.get_data(as_text=True)


def _fact(html: str, name: str) -> int:
    found = re.search(rf'id="fig-{name}">(\d+)<', html)
    assert found, name
    return int(found.group(1))


def _grade_row(html: str, caption: str, label: str) -> list[int]:
    """The numbers of the row `label` of the table captioned `caption`."""
    table = html[html.index(f"<caption>{caption}</caption>"):]
    row = re.search(rf'<th scope="row">{re.escape(label)}</th>((?:<td>\d+</td>)+)', table)
    assert row, (caption, label)
    return [int(n) for n in re.findall(r"<td>(\d+)</td>", row.group(1))]


def _assert_figures_shown(html: str, figures: dict[str, Any], scope: str) -> None:
    assert _fact(html, "enterprises") == figures["enterprises"]
    assert _fact(html, "listed-persons") == figures["listed_persons"]
    assert _fact(html, "restricted") == figures["restricted_enterprises"]
    mix = figures["grades"]
    assert _grade_row(html, "按信用等级的企业数", scope) == [
        mix["A"], mix["B"], mix["C"], mix["D"], mix["ungraded"], figures["enterprises"]]
    canteens = figures["canteens"]
    assert f"{canteens['share'] * 100:.2f}%" in html


def _charts(html: str) -> list[str]:
    """The embedded SVG charts, decoded."""
    return [base64.b64decode(src).decode("utf-8")
            for src in re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', html)]


def test_a_district_clerk_sees_the_services_figures_of_their_district_with_charts(
        client: FlaskClient, town: Container) -> None:
    create_staff(town, "su.clerk", "clerk", district=HOME)
    login(client, "su.clerk")
    html = _page(client, "/office/reports")
    today = town.settings.today()
    mine, everyone = _service(town, today, HOME), _service(town, today, None)
    assert 0 < mine["enterprises"] < everyone["enterprises"]
    _assert_figures_shown(html, mine, HOME)
    assert f'value="{today.isoformat()}"' in html  # the date defaults to the service's today
    assert OTHER not in html  # no other district is offered or shown
    svgs = _charts(html)
    assert len(svgs) == 3  # targets, categories, trend: no chart of all districts
    assert all("<svg" in svg and "<script" not in svg and "<title>" in svg for svg in svgs)
    # the trend's last point is the date itself: the same mix as the figures
    assert _grade_row(html, "每月末企业数（按信用等级；最后一行为统计日）", today.isoformat()) == [
        mine["grades"][k] for k in ("A", "B", "C", "D", "ungraded")]
    assert 'aria-current="page"' in html and "统计报表" in html  # in the navigation


def test_an_unbound_user_sees_every_district_or_picks_one_and_a_date(
        client: FlaskClient, town: Container) -> None:
    create_staff(town, "wang.reviewer", "reviewer")
    login(client, "wang.reviewer")
    today = town.settings.today()
    html = _page(client, "/office/reports")
    everyone = _service(town, today, None)
    _assert_figures_shown(html, everyone, "全部辖区")
    assert len(_charts(html)) == 4  # with the chart of all districts
    for district in (HOME, OTHER):
        mix = _service(town, today, district)["grades"]
        assert _grade_row(html, "各区县企业数（按信用等级）", district)[:5] == [
            mix[k] for k in ("A", "B", "C", "D", "ungraded")]
        assert f'<option value="{district}"' in html
    html = _page(client, f"/office/reports?district={OTHER}&as_of={EARLIER.isoformat()}")
    _assert_figures_shown(html, _service(town, EARLIER, OTHER), OTHER)
    assert f'<option value="{OTHER}" selected>' in html
    entries = audit_entries(town, "statistics.query")
    assert [e.actor for e in entries] == ["user:wang.reviewer"] * 2
    assert entries[-1].payload["district"] == OTHER


def test_a_bad_date_is_422_naming_as_of(client: FlaskClient, town: Container) -> None:
    create_staff(town, "su.clerk", "clerk", district=HOME)
    login(client, "su.clerk")
    assert "as_of" in _page(client, "/office/reports?as_of=2026-13-01", 422)
    assert "as_of" in _page(client, "/office/reports?as_of=2099-01-01", 422)  # after today
    assert "as_of" in _page(client, "/office/reports/grades.csv?as_of=yesterday", 422)


def test_a_district_clerk_gets_403_for_another_district_on_the_page_and_the_downloads(
        client: FlaskClient, town: Container) -> None:
    create_staff(town, "su.clerk", "clerk", district=HOME)
    login(client, "su.clerk")
    for path in ("/office/reports", "/office/reports/grades.csv", "/office/reports/grades.xlsx",
                 "/office/reports/inspection-plan.csv", "/office/reports/inspection-plan.xlsx"):
        assert "无权访问" in _page(client, f"{path}?district={OTHER}", 403)
    assert audit_entries(town, "export.grades") == []
    assert audit_entries(town, "export.inspection_plan") == []
    _page(client, f"/office/reports?district={HOME}")  # their own, named, is fine


def _csv_rows(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode("utf-8"))
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _xlsx_rows(body: bytes) -> list[list[str]]:
    sheet = load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


def test_the_grade_export_of_a_district_parses_back_as_csv_and_xlsx(
        client: FlaskClient, town: Container) -> None:
    create_staff(town, "su.clerk", "clerk", district=HOME)
    login(client, "su.clerk")
    html = _page(client, "/office/reports")
    assert "/office/reports/grades.xlsx?as_of=" in html  # the page links the downloads
    response = client.get("/office/reports/grades.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/csv")
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _csv_rows(response.get_data())
    header, body = rows[0], rows[1:]
    assert header[:5] == ["uscc", "name", "category", "district", "grade"]
    assert len(body) == _service(town, town.settings.today(), HOME)["enterprises"]
    assert {row[3] for row in body} == {HOME}
    xlsx = client.get("/office/reports/grades.xlsx")
    assert xlsx.status_code == 200
    sheet = _xlsx_rows(xlsx.get_data())
    assert sheet[0] == header
    assert [r[0] for r in sheet[1:]] == [r[0] for r in body]
    assert [r[4] for r in sheet[1:]] == [r[4] for r in body]  # same grades
    entries = audit_entries(town, "export.grades")
    assert [(e.actor, e.payload["district"], e.payload["format"]) for e in entries] == [
        ("user:su.clerk", HOME, "csv"), ("user:su.clerk", HOME, "xlsx")]


def test_the_inspection_plan_export_of_a_district_parses_back_as_csv_and_xlsx(
        client: FlaskClient, town: Container) -> None:
    create_staff(town, "wang.admin", "admin")
    login(client, "wang.admin")
    csv_rows = _csv_rows(client.get(f"/office/reports/inspection-plan.csv?district={HOME}")
                         .get_data())
    assert csv_rows[0][:4] == ["统一社会信用代码", "名称", "类别", "所在区"]
    assert len(csv_rows) > 1 and {row[3] for row in csv_rows[1:]} == {HOME}
    due = [row[8] for row in csv_rows[1:]]
    assert due == sorted(due)  # by due date, for the teams
    sheet = _xlsx_rows(client.get(f"/office/reports/inspection-plan.xlsx?district={HOME}")
                       .get_data())
    assert [r[0] for r in sheet] == [r[0] for r in csv_rows]
    everywhere = _csv_rows(client.get("/office/reports/inspection-plan.csv").get_data())
    assert len(everywhere) > len(csv_rows)  # an unbound user may export all districts
    entries = audit_entries(town, "export.inspection_plan")
    assert [(e.actor, e.payload["district"]) for e in entries] == [
        ("user:wang.admin", HOME), ("user:wang.admin", HOME), ("user:wang.admin", None)]
    assert client.get("/office/reports/inspection-plan.pdf").status_code == 404
