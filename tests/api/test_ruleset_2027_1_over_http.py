"""Ruleset 2027.1 over HTTP, on both databases, with dates on both sides of 2027-01-01:
the training shortfall (40 hours, no manager, the year boundary), the new practices and
the bonus cap, the inspection measures in decisions of context inspection, the new
minimums, the school-canteen flag, and the new categories accepted and graded under 2026.1
through their mapping. Expectations computed by hand from docs/domain.md.

Unless a case says otherwise, enterprise E has one compliant inspection on 2026-01-10.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from api_helpers import valid_uscc
from rules_over_http_harness import USCCS, Case, Expect, R, Runner

from credit_engine.config import Settings, fixed_clock

OLD, NEW = "2026-12-31", "2027-03-01"
VALID = "2028-12-31"
ALL_D = {"LIC-STRICT-REVIEW", "FIN-RESTRICT", "HON-BAN", "INS-KEY-SUPERVISION"}
INS_NEW = {"INS-INTERVIEW", "INS-SAMPLING-INCREASED"}
CONF = R("conf", "penalty", "2026-02-01", measures=["confiscation"])  # 20 points: a base of 80
MANAGER = ("P", "E", "food_safety_manager", "2020-01-01", None)


def train(key: str, year: int, hours: float, on: str) -> tuple:
    return R(key, "training", on, subject="P", year=year, hours=hours)


def prac(key: str, name: str, on: str = "2026-06-01", until: str = VALID) -> tuple:
    return R(key, "practice", on, practice=name, valid_until=until)


def shortfall(points: int, *keys: str) -> list:
    return [("DED-TRAINING-SHORTFALL", points, list(keys))] if points else []


CASES = [
    Case("training: 39.5 hours of 2026 deduct 3 in 2027, nothing under 2026.1",
         [train("t1", 2026, 20, "2026-05-01"), train("t2", 2026, 19.5, "2026-11-01")],
         [Expect(OLD, score=100, reasons=[]), Expect(NEW, score=97, grade="A", reasons=shortfall(-3, "t1", "t2"))],
         category="catering", persons=("P",), roles=[MANAGER]),
    Case("training: 40 hours is no shortfall",
         [train("t1", 2026, 20, "2026-05-01"), train("t2", 2026, 20, "2026-11-01")],
         [Expect(NEW, score=100, reasons=[])], category="production", persons=("P",), roles=[MANAGER]),
    Case("training: no records at all is 0 hours",
         [], [Expect(NEW, score=97, reasons=shortfall(-3))], category="school_canteen", persons=("P",),
         roles=[MANAGER]),
    Case("training: no manager active on 31 December 2026 means no deduction",
         [], [Expect(NEW, score=100, reasons=[])], category="catering", persons=("P",),
         roles=[("P", "E", "food_safety_manager", "2020-01-01", "2026-12-30")]),
    Case("training: retail is not concerned",
         [], [Expect(NEW, score=100, reasons=[])], category="retail", persons=("P",), roles=[MANAGER]),
    Case("training: the year boundary, and a record entered after the date does not count yet",
         [train("t1", 2026, 10, "2026-06-01"), train("t2", 2026, 30, "2027-02-01"),
          train("t3", 2027, 40, "2027-06-01")],
         [Expect(OLD, score=100, reasons=[]), Expect("2027-01-01", score=97, reasons=shortfall(-3, "t1")),
          Expect("2027-02-01", score=100, reasons=[]),
          Expect("2028-01-01", sums={"DED-TRAINING-SHORTFALL": 0})],
         category="canteen", persons=("P",), roles=[MANAGER]),
    Case("practice: transparent_workshop gives 2 from 2027",
         [CONF, prac("tw", "transparent_workshop")],
         [Expect(OLD, score=80, grade="B"), Expect(NEW, score=82, grade="B",
                                                   reasons=[("DED-PENALTY", -20, ["conf"]), ("BON-PRACTICE", 2, ["tw"])])]),
    Case("practice: sunshine_warehouse gives 2 from 2027",
         [CONF, prac("sw", "sunshine_warehouse")],
         [Expect(OLD, score=80), Expect(NEW, score=82, reasons=[("DED-PENALTY", -20, ["conf"]),
                                                                ("BON-PRACTICE", 2, ["sw"])])]),
    Case("practice: four practices and insurance are capped at 10",
         [CONF, prac("ok", "open_kitchen"), prac("tr", "traceability"), prac("tw", "transparent_workshop"),
          prac("sw", "sunshine_warehouse"), R("ins", "insurance", "2026-01-01", valid_until=VALID)],
         [Expect(OLD, score=87, grade="B"), Expect(NEW, score=90, grade="A")]),
    Case("measures: grade D gets the interview and increased sampling from 2027",
         [R("inc", "incident", "2026-09-01", level="major")],
         [Expect(OLD, grade="D", measures=ALL_D, outcomes={"inspection": "restricted"}),
          Expect(NEW, grade="D", measures=ALL_D | INS_NEW, outcomes={"inspection": "restricted"})]),
    Case("measures: grade C gets the interview and increased sampling from 2027",
         [R("p", "penalty", "2026-09-01", measures=["suspension"])],
         [Expect(OLD, grade="C", measures={"HON-BAN"}, outcomes={"inspection": "normal"}),
          Expect(NEW, grade="C", measures={"HON-BAN"} | INS_NEW, outcomes={"inspection": "restricted"})]),
    Case("measures: grade B gets neither",
         [CONF], [Expect(NEW, grade="B", measures=set(), outcomes={"inspection": "normal"})]),
    Case("minimum: market_operator 1 a year as retail under 2026.1, 2 from 2027",
         [], [Expect(OLD, grade="A", inspections_per_year=1), Expect(NEW, grade="A", inspections_per_year=2)],
         category="market_operator"),
    Case("minimum: online_platform 2 from 2027",
         [], [Expect(OLD, inspections_per_year=1), Expect(NEW, inspections_per_year=2)], category="online_platform"),
    Case("minimum: school_canteen 2 a year, as a canteen under 2026.1",
         [], [Expect(OLD, inspections_per_year=2), Expect(NEW, inspections_per_year=2)], category="school_canteen"),
    Case("minimum: small_shop and stall keep the grade's frequency",
         [], [Expect(NEW, inspections_per_year=1)], category="stall"),
    Case("flag: a school canteen without open kitchen is flagged from 2027",
         [R("q", "inspection", "2026-10-01", result="compliant", items_checked=10, points_total=95)],
         [Expect(OLD, hygiene=("excellent", "9.5"), flags=[]),
          Expect(NEW, hygiene=("excellent", "9.5"), flags=["school_canteen_without_open_kitchen"])],
         category="school_canteen"),
    Case("flag: a school canteen with a valid open kitchen is not flagged; below good it is as a canteen",
         [R("q", "inspection", "2026-10-01", result="compliant", items_checked=10, points_total=70),
          prac("ok", "open_kitchen", until="2027-06-30")],
         [Expect(OLD, hygiene=("fair", "7.0"), flags=["canteen_below_target"]),
          Expect(NEW, hygiene=("fair", "7.0"), flags=["canteen_below_target"]),
          Expect("2027-07-01", flags=["canteen_below_target", "school_canteen_without_open_kitchen"])],
         category="school_canteen"),
    Case("category: small_shop is graded as small_workshop under 2026.1",
         [CONF], [Expect(OLD, score=80, grade="B", inspections_per_year=2)], category="small_shop"),
]


@pytest.fixture
def settings(database_url: str, data_key_file: Path) -> Settings:
    """The service's today is after every date the cases ask about."""
    moment = datetime(2028, 6, 1, 12, tzinfo=ZoneInfo("Asia/Shanghai"))
    return Settings(database_url=database_url, data_key_file=data_key_file).replace(clock=fixed_clock(moment))


@pytest.fixture
def runner(client, writer, admin, make_key: Callable[..., dict[str, str]]) -> Runner:
    return Runner(client, writer, make_key("rules-officer", "credit:read", "decisions:read"), admin)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_ruleset_2027_1_worked_example_over_http(runner: Runner, case: Case) -> None:
    runner.setup(case)
    for expect in case.expect:
        runner.check(expect)


@pytest.mark.parametrize("category", ["school_canteen", "small_shop", "stall", "market_operator", "online_platform"])
def test_new_categories_are_accepted_and_name_the_ruleset_in_force(client, writer, make_key, category) -> None:
    officer = make_key("officer", "credit:read")
    uscc = USCCS["E"]
    put = client.put(f"/api/v1/enterprises/{uscc}", headers=writer, json={"name": "新类别企业", "category": category})
    assert put.status_code == 201 and put.get_json()["category"] == category
    for as_of, version in ((OLD, "2026.1"), (NEW, "2027.1")):
        body = client.get(f"/api/v1/enterprises/{uscc}/credit?as_of={as_of}", headers=officer).get_json()
        assert body["ruleset"] == f"jiuquan-food-credit@{version}"


def test_an_unknown_category_is_refused_naming_the_field(client, writer) -> None:
    uscc = valid_uscc("91620900MA74XQ2P9")
    answer = client.put(f"/api/v1/enterprises/{uscc}", headers=writer, json={"name": "x", "category": "kiosk"})
    assert answer.status_code == 422 and "category" in str(answer.get_json())


def test_a_training_record_of_an_enterprise_is_refused_naming_the_subject(client, writer) -> None:
    client.put(f"/api/v1/enterprises/{USCCS['E']}", headers=writer, json={"name": "x", "category": "catering"})
    body = {"records": [{"external_id": "t", "subject": {"type": "enterprise", "id": USCCS["E"]}, "kind": "training",
                         "occurred_on": "2026-05-01", "details": {"year": 2026, "hours": 8}}]}
    answer = client.post("/api/v1/records", headers=writer, json=body)
    assert answer.status_code == 422 and "subject" in str(answer.get_json())
