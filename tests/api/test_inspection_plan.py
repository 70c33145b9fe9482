"""The inspection calendar over HTTP: plan fields and flags, filters, the sort by
next_due_on across pages, decisions of context inspection and the plan's export.

The service's clock stands on TODAY; every date below is worked by hand from
docs/domain.md (Inspection calendar)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from api_helpers import audit_entries, problem_of, valid_uscc
from flask.testing import FlaskClient
from openpyxl import load_workbook

from credit_engine.config import Settings, fixed_clock

Headers = dict[str, str]
TODAY = date(2026, 11, 30)
AS_OF = TODAY.isoformat()


@pytest.fixture
def settings(database_url: str, data_key_file: Path) -> Settings:
    moment = datetime.combine(TODAY, time(10, 0), ZoneInfo("Asia/Shanghai"))
    return Settings(database_url=database_url, data_key_file=data_key_file).replace(
        clock=fixed_clock(moment))


@pytest.fixture
def planner(make_key: Callable[..., Headers]) -> Headers:
    return make_key("inspection-planner", "decisions:read")


# name, category, district, licensed_on, inspections (external id, date, details)
TOWN: dict[str, tuple[str, str, str, str | None, list[tuple[str, str, dict[str, Any]]]]] = {
    "9162090000000001A": ("准时饭店", "catering", "肃州区", "2020-01-01",
                          [("t1", "2026-05-31", {"result": "compliant"})]),
    "9162090000000002A": ("不合格超市", "retail", "肃州区", "2020-01-01",
                          [("t2", "2026-10-15", {"result": "non_compliant"})]),
    "9162090000000003A": ("新开工厂", "production", "金塔县", "2026-06-15", []),
    "9162090000000004A": ("无证作坊", "small_workshop", "金塔县", None, []),
    "9162090000000005A": ("拒检饭店", "catering", "肃州区", "2020-01-01",
                          [("t5", "2026-09-01", {"result": "compliant", "refused": True})]),
    "9162090000000006A": ("整改饭店", "catering", "肃州区", "2020-01-01",
                          [("t6a", "2026-08-01", {"result": "non_compliant"}),
                           ("t6b", "2026-09-01", {"result": "compliant"})]),
}
USCC = {key: valid_uscc(key) for key in TOWN}
PUNCTUAL, FAILED, NEW, UNLICENSED, REFUSED, REPAIRED = (USCC[k] for k in TOWN)


@pytest.fixture
def town(client: FlaskClient, writer: Headers, make_key: Callable[..., Headers]) -> None:
    """Six enterprises, their inspections, graded by a regrade as of TODAY."""
    records = []
    for key, (name, category, district, licensed_on, inspections) in TOWN.items():
        body: dict[str, Any] = {"name": name, "category": category, "district": district}
        if licensed_on:
            body["licensed_on"] = licensed_on
        assert client.put(f"/api/v1/enterprises/{USCC[key]}", headers=writer,
                          json=body).status_code == 201
        records += [{"external_id": ext, "subject": {"type": "enterprise", "id": USCC[key]},
                     "kind": "inspection", "occurred_on": day, "details": details}
                    for ext, day, details in inspections]
    assert client.post("/api/v1/records", headers=writer,
                       json={"records": records}).status_code == 201
    admin = make_key("plan-admin", "admin")
    assert client.post("/api/v1/regrade", headers=admin,
                       json={"all": True, "as_of": AS_OF}).status_code == 200


def _plan(client: FlaskClient, headers: Headers, query: str = "") -> dict[str, Any]:
    response = client.get(f"/api/v1/inspection-plan?as_of={AS_OF}&limit=500{query}",
                          headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()  # type: ignore[no-any-return]


def _by_uscc(page: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["subject"]["id"]: item for item in page["items"]}


CALENDAR = ("inspections_per_year", "last_inspected_on", "next_due_on", "reinspection_due_on",
            "flags")


def _calendar(item: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(item[field] for field in CALENDAR)


def test_each_plan_item_carries_its_inspection_calendar_and_flags(
        client: FlaskClient, planner: Headers, town: None) -> None:
    items = _by_uscc(_plan(client, planner))
    # A (1 a year): inspected 31 May, due twelve months later.
    assert _calendar(items[PUNCTUAL]) == (1, "2026-05-31", "2027-05-31", None, [])
    # 90 after a non_compliant inspection: still A, due twelve months later; the failed
    # inspection calls for another within 30 days: 14 November, passed on TODAY.
    assert _calendar(items[FAILED]) == (1, "2026-10-15", "2027-10-15", "2026-11-14",
                                        ["reinspection_due", "overdue"])
    # Never inspected (no inspection in 24 months caps it at B: 2 a year): due three
    # months after the licence (15 September), overdue.
    assert _calendar(items[NEW]) == (2, None, "2026-09-15", None, ["overdue"])
    # Never inspected and no licence date: due today, not yet overdue.
    assert _calendar(items[UNLICENSED])[1:] == (None, AS_OF, None, [])
    # Refused (30 points: 70, C, 3 a year): re-inspection by 1 October, overdue.
    assert _calendar(items[REFUSED]) == (3, "2026-09-01", "2027-01-01", "2026-10-01",
                                         ["reinspection_due", "overdue"])
    # A later compliant inspection ends the re-inspection.
    assert _calendar(items[REPAIRED]) == (1, "2026-09-01", "2027-09-01", None, [])


def test_a_revoked_inspection_no_longer_counts_from_its_revocation_date(
        client: FlaskClient, planner: Headers, writer: Headers, make_key: Callable[..., Headers],
        town: None) -> None:
    ours = client.get(f"/api/v1/records?subject_type=enterprise&subject_id={REPAIRED}",
                      headers=writer).get_json()["items"]
    [later] = [r for r in ours if r["external_id"] == "t6b"]
    admin = make_key("revoking-admin", "admin")
    response = client.post(f"/api/v1/records/{later['id']}/revoke", headers=admin,
                           json={"reason": "复议撤销", "revoked_on": "2026-11-20"})
    assert response.status_code in (200, 201), response.get_json()
    now = _by_uscc(_plan(client, planner))[REPAIRED]
    assert (now["last_inspected_on"], now["reinspection_due_on"]) == ("2026-08-01", "2026-08-31")
    assert "reinspection_due" in now["flags"] and "overdue" in now["flags"]
    before = client.get("/api/v1/decisions?subject_type=enterprise&context=inspection"
                        f"&subject_id={REPAIRED}&as_of=2026-11-19", headers=planner).get_json()
    assert (before["last_inspected_on"], before["flags"]) == ("2026-09-01", [])


def test_the_plan_filters_by_district_category_grade_and_flag(
        client: FlaskClient, planner: Headers, town: None) -> None:
    def ids(query: str) -> set[str]:
        return set(_by_uscc(_plan(client, planner, query)))

    assert ids("&district=金塔县") == {NEW, UNLICENSED}
    assert ids("&category=catering") == {PUNCTUAL, REFUSED, REPAIRED}
    assert ids("&grade=C") == {REFUSED}
    assert ids("&flag=overdue") == {FAILED, NEW, REFUSED}
    assert ids("&flag=reinspection_due&district=肃州区") == {FAILED, REFUSED}
    assert ids("&flag=canteen_below_target") == set()


@pytest.mark.parametrize("query, field", [("category=bakery", "category"), ("grade=E", "grade"),
                                          ("flag=sleepy", "flag"), ("flag=Bad-Flag", "flag"),
                                          ("sort=name", "sort"),
                                          ("sort=next_due_on&cursor=9162090000000001A", "cursor")])
def test_an_unknown_filter_value_is_422_naming_the_field(
        client: FlaskClient, planner: Headers, query: str, field: str) -> None:
    response = client.get(f"/api/v1/inspection-plan?{query}", headers=planner)
    assert response.status_code == 422
    assert field in problem_of(response)["errors"]


def test_sorted_by_next_due_on_pages_keep_the_order_and_tie_break_by_uscc(
        client: FlaskClient, planner: Headers, town: None) -> None:
    seen: list[dict[str, Any]] = []
    cursor = ""
    for _ in range(10):
        response = client.get(f"/api/v1/inspection-plan?as_of={AS_OF}&sort=next_due_on&limit=2"
                              f"&cursor={cursor}", headers=planner)
        page = response.get_json()
        assert response.status_code == 200 and len(page["items"]) <= 2
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert [i["subject"]["id"] for i in seen] == [
        NEW, UNLICENSED, REFUSED, PUNCTUAL, REPAIRED, FAILED]
    keys = [(i["next_due_on"], i["subject"]["id"]) for i in seen]
    assert keys == sorted(keys)


@pytest.mark.parametrize("query", ["", "&district=肃州区", "&flag=reinspection_due"])
def test_uscc_pages_of_one_walk_the_filtered_plan_in_order_and_end_with_no_cursor(
        client: FlaskClient, planner: Headers, town: None, query: str) -> None:
    whole = [i["subject"]["id"] for i in _plan(client, planner, query)["items"]]
    seen: list[str] = []
    cursor = ""
    for _ in range(len(whole) + 1):
        response = client.get(f"/api/v1/inspection-plan?as_of={AS_OF}&limit=1{query}"
                              f"&cursor={cursor}", headers=planner)
        page = response.get_json()
        assert response.status_code == 200 and len(page["items"]) <= 1
        seen += [i["subject"]["id"] for i in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == whole == sorted(whole) and whole
    assert cursor is None


def test_inspection_decisions_carry_the_calendar_stored_or_computed(
        client: FlaskClient, planner: Headers, town: None) -> None:
    base = f"/api/v1/decisions?subject_type=enterprise&subject_id={REFUSED}&context=inspection"
    stored = client.get(f"{base}&as_of={AS_OF}", headers=planner).get_json()
    assert (stored["inspections_per_year"], stored["last_inspected_on"], stored["next_due_on"],
            stored["reinspection_due_on"], stored["flags"]) == (
        3, "2026-09-01", "2027-01-01", "2026-10-01", ["reinspection_due", "overdue"])
    # 15 September: no grade stored for it, computed on the spot; not overdue yet.
    computed = client.get(f"{base}&as_of=2026-09-15", headers=planner).get_json()
    assert (computed["as_of"], computed["reinspection_due_on"], computed["flags"]) == (
        "2026-09-15", "2026-10-01", ["reinspection_due"])
    assert client.get(f"{base}&as_of=2026-09-15", headers=planner).get_json() == computed
    licensing = client.get(base.replace("inspection", "licensing"), headers=planner).get_json()
    assert "next_due_on" not in licensing


def test_the_plan_exports_as_csv_with_bom_and_chinese_headers(
        client: FlaskClient, planner: Headers, container: Any, town: None) -> None:
    response = client.get(f"/api/v1/inspection-plan/export?format=csv&as_of={AS_OF}"
                          "&sort=next_due_on&flag=overdue", headers=planner)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0][0] == "统一社会信用代码" and rows[0][8] == "下次应检日期"
    assert [(r[0], r[8], r[10]) for r in rows[1:]] == [
        (NEW, "2026-09-15", "overdue"), (REFUSED, "2027-01-01", "reinspection_due;overdue"),
        (FAILED, "2027-10-15", "reinspection_due;overdue")]
    [entry] = audit_entries(container, "export.inspection_plan")
    assert entry.actor == "inspection-planner"


def test_the_plan_exports_as_xlsx_with_the_same_rows(
        client: FlaskClient, planner: Headers, town: None) -> None:
    response = client.get(f"/api/v1/inspection-plan/export?format=xlsx&as_of={AS_OF}"
                          "&district=肃州区", headers=planner)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data), read_only=True).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][:3] == ["统一社会信用代码", "名称", "类别"]
    assert [(r[0], r[7], r[9]) for r in rows[1:]] == [
        (PUNCTUAL, "2026-05-31", None), (FAILED, "2026-10-15", "2026-11-14"),
        (REFUSED, "2026-09-01", "2026-10-01"), (REPAIRED, "2026-09-01", None)]


def test_an_export_with_an_unknown_flag_or_format_is_422_naming_it(
        client: FlaskClient, planner: Headers) -> None:
    for query, field in (("format=pdf", "format"), ("format=csv&flag=sleepy", "flag")):
        response = client.get(f"/api/v1/inspection-plan/export?{query}", headers=planner)
        assert response.status_code == 422 and field in problem_of(response)["errors"]
