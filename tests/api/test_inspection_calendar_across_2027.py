"""The inspection calendar on both sides of 2027-01-01, over HTTP: ruleset 2027.1 raises a
market operator's inspections per year from 1 to 2, which moves its next due date and makes
it overdue on the first day of 2027; a re-inspection after a failed one is due 30 days on,
across the year end; the school-canteen flag appears only under 2027.1.

The service's clock stands on TODAY (after both dates); every date below is worked by hand
from docs/domain.md (Inspection calendar, Ruleset 2027.1)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from api_helpers import valid_uscc
from flask.testing import FlaskClient

from credit_engine.config import Settings, fixed_clock

Headers = dict[str, str]
TODAY = date(2027, 3, 1)
MARKET, CANTEEN = valid_uscc("9162090000000071A"), valid_uscc("9162090000000072A")


@pytest.fixture
def settings(database_url: str, data_key_file: Path) -> Settings:
    moment = datetime.combine(TODAY, time(10, 0), ZoneInfo("Asia/Shanghai"))
    return Settings(database_url=database_url, data_key_file=data_key_file).replace(
        clock=fixed_clock(moment))


@pytest.fixture
def planner(make_key: Callable[..., Headers]) -> Headers:
    return make_key("inspection-planner", "decisions:read")


@pytest.fixture
def town(client: FlaskClient, writer: Headers) -> None:
    """A market operator inspected (compliant) on 2026-05-20; a school canteen without an
    open kitchen that failed an inspection on 2026-12-15."""
    for uscc, name, category in ((MARKET, "东关农贸市场", "market_operator"),
                                 (CANTEEN, "实验小学食堂", "school_canteen")):
        assert client.put(f"/api/v1/enterprises/{uscc}", headers=writer, json={
            "name": name, "category": category, "district": "肃州区",
            "licensed_on": "2020-01-01"}).status_code == 201
    records = [
        {"external_id": "m1", "subject": {"type": "enterprise", "id": MARKET},
         "kind": "inspection", "occurred_on": "2026-05-20", "details": {"result": "compliant"}},
        {"external_id": "c1", "subject": {"type": "enterprise", "id": CANTEEN},
         "kind": "inspection", "occurred_on": "2026-12-15",
         "details": {"result": "non_compliant", "key_items_failed": 0,
                     "general_items_failed": 3}},
    ]
    assert client.post("/api/v1/records", headers=writer,
                       json={"records": records}).status_code == 201


def _decision(client: FlaskClient, headers: Headers, uscc: str, as_of: str) -> dict[str, Any]:
    response = client.get(f"/api/v1/decisions?subject_type=enterprise&subject_id={uscc}"
                          f"&context=inspection&as_of={as_of}", headers=headers)
    assert response.status_code == 200, response.get_json()
    return response.get_json()  # type: ignore[no-any-return]


def test_a_market_operator_becomes_overdue_when_2027_1_asks_for_two_inspections(
        client: FlaskClient, planner: Headers, town: None) -> None:
    before = _decision(client, planner, MARKET, "2026-12-31")
    assert before["ruleset"].endswith("@2026.1") and before["grade"] == "A"
    assert before["inspections_per_year"] == 1  # graded as retail under 2026.1
    assert before["last_inspected_on"] == "2026-05-20"
    assert before["next_due_on"] == "2027-05-20" and "overdue" not in before["flags"]
    after = _decision(client, planner, MARKET, "2027-01-01")
    assert after["ruleset"].endswith("@2027.1")
    assert after["inspections_per_year"] == 2  # the 2027.1 minimum for market operators
    assert after["next_due_on"] == "2026-11-20" and "overdue" in after["flags"]


def test_a_reinspection_falls_due_30_days_after_a_failed_one_across_the_year_end(
        client: FlaskClient, planner: Headers, town: None) -> None:
    in_2026 = _decision(client, planner, CANTEEN, "2026-12-31")
    assert in_2026["reinspection_due_on"] == "2027-01-14"
    assert "reinspection_due" in in_2026["flags"] and "overdue" not in in_2026["flags"]
    still_due = _decision(client, planner, CANTEEN, "2027-01-14")
    assert "reinspection_due" in still_due["flags"] and "overdue" not in still_due["flags"]
    late = _decision(client, planner, CANTEEN, "2027-01-15")
    assert {"reinspection_due", "overdue"} <= set(late["flags"])


def test_the_school_canteen_flag_is_on_the_plan_only_under_2027_1(
        client: FlaskClient, planner: Headers, make_key: Callable[..., Headers],
        town: None) -> None:
    admin = make_key("plan-admin", "admin")
    flags = {}
    for as_of in ("2026-12-31", "2027-01-15"):
        assert client.post("/api/v1/regrade", headers=admin,
                           json={"all": True, "as_of": as_of}).status_code == 200
        page = client.get(f"/api/v1/inspection-plan?as_of={as_of}", headers=planner)
        assert page.status_code == 200
        flags[as_of] = {i["subject"]["id"]: set(i["flags"]) for i in page.get_json()["items"]}
    assert "school_canteen_without_open_kitchen" not in flags["2026-12-31"][CANTEEN]
    assert "school_canteen_without_open_kitchen" in flags["2027-01-15"][CANTEEN]
    assert "overdue" in flags["2027-01-15"][MARKET]
    overdue = client.get("/api/v1/inspection-plan?as_of=2027-01-15&flag=overdue",
                         headers=planner).get_json()["items"]
    assert {i["subject"]["id"] for i in overdue} == {MARKET, CANTEEN}
