"""Records of a generated population: kinds, details, dates."""

from __future__ import annotations

from collections import Counter
from datetime import date

from credit_engine.population import generate_population

ALL_KINDS = {"penalty", "inspection", "sampling", "self_check", "complaint", "incident",
             "conviction", "commendation", "certification", "insurance", "practice", "training"}
ENTERPRISE_ONLY = {"inspection", "sampling", "self_check", "certification", "insurance", "practice"}
# docs/domain.md's records table: every field a kind may carry.
ALLOWED_FIELDS = {
    "penalty": {"decision_no", "measures", "fine_amount", "aggravated", "serious", "violation_id"},
    "inspection": {"result", "key_items_failed", "general_items_failed", "refused",
                   "items_checked", "points_total"},
    "sampling": {"result", "level", "hazard", "product"},
    "self_check": {"period", "status"},
    "complaint": {"substantiated"},
    "incident": {"level"},
    "conviction": {"imprisonment", "case_no"},
    "commendation": {"level", "title"},
    "certification": {"scheme", "valid_until"},
    "insurance": {"policy_no", "valid_until"},
    "practice": {"practice", "valid_until"},
    "training": {"year", "hours"},
}


def _of_kind(population, kind):
    return [r for r in population.records if r["kind"] == kind]


def test_every_kind_of_record_is_present_in_the_demo(demo_population):
    assert {r["kind"] for r in demo_population.records} == ALL_KINDS


def test_details_hold_only_the_fields_of_their_kind(demo_population):
    for record in demo_population.records:
        assert set(record["details"]) <= ALLOWED_FIELDS[record["kind"]], record


def test_no_record_is_dated_after_end_or_before_start(demo_population):
    days = [r["occurred_on"] for r in demo_population.records]
    assert min(days) >= "2022-01-01" and max(days) <= "2026-11-29"


def test_no_record_predates_its_enterprise_licence(demo_population):
    licensed = {e["uscc"]: e["licensed_on"] for e in demo_population.enterprises}
    for record in demo_population.records:
        if record["subject"]["type"] == "enterprise":
            assert record["occurred_on"] >= licensed[record["subject"]["id"]]


def test_external_ids_are_unique(demo_population):
    ids = [r["external_id"] for r in demo_population.records]
    assert len(set(ids)) == len(ids)


def test_person_subjects_only_for_kinds_persons_can_have(demo_population):
    numbers = {p["id_number"] for p in demo_population.persons}
    person_records = [r for r in demo_population.records if r["subject"]["type"] == "person"]
    assert person_records
    assert all(r["kind"] not in ENTERPRISE_ONLY for r in person_records)
    assert all(r["subject"]["id"] in numbers for r in person_records)


def test_fine_amount_goes_with_fine_and_only_with_it(demo_population):
    for record in _of_kind(demo_population, "penalty"):
        details = record["details"]
        assert details["measures"]
        assert ("fine" in details["measures"]) == ("fine_amount" in details)


def test_hazard_only_with_a_failed_sample(demo_population):
    for record in _of_kind(demo_population, "sampling"):
        assert ("hazard" in record["details"]) == (record["details"]["result"] == "fail")


def test_quantified_points_only_on_catering_and_canteen_inspections(demo_population):
    category = {e["uscc"]: e["category"] for e in demo_population.enterprises}
    graded = 0
    for record in _of_kind(demo_population, "inspection"):
        has_points = "items_checked" in record["details"]
        if record["details"]["refused"]:
            assert not has_points
            continue
        assert has_points == (category[record["subject"]["id"]] in ("catering", "canteen", "school_canteen"))
        graded += has_points
    assert graded > 100


def test_most_inspections_are_compliant_and_few_non_compliant(demo_population):
    results = Counter(r["details"]["result"] for r in _of_kind(demo_population, "inspection"))
    total = sum(results.values())
    assert results["compliant"] / total > 0.6
    assert 0.01 < results["non_compliant"] / total < 0.15
    assert results["basically_compliant"] > results["non_compliant"]


def test_most_samples_pass_and_self_checks_are_mostly_on_time(demo_population):
    samples = Counter(r["details"]["result"] for r in _of_kind(demo_population, "sampling"))
    checks = Counter(r["details"]["status"] for r in _of_kind(demo_population, "self_check"))
    assert samples["fail"] / sum(samples.values()) < 0.1 and samples["fail"] > 0
    assert checks["on_time"] / sum(checks.values()) > 0.8 and checks["missing"] > 0


def test_penalties_are_rare_and_mostly_light(demo_population):
    penalties = _of_kind(demo_population, "penalty")
    enterprise_years = 300 * 4.9
    assert 0.03 < len(penalties) / enterprise_years < 0.3
    heavy = [p for p in penalties if {"licence_revocation", "suspension"} & set(p["details"]["measures"])]
    assert 0 < len(heavy) < len(penalties) / 5


def test_a_few_violations_have_several_decisions(demo_population):
    groups = Counter(p["details"]["violation_id"] for p in _of_kind(demo_population, "penalty")
                     if "violation_id" in p["details"])
    assert groups and all(n <= 2 for n in groups.values())
    assert any(n == 2 for n in groups.values())


def test_self_check_periods_are_quarters(demo_population):
    for record in _of_kind(demo_population, "self_check"):
        year, quarter = record["details"]["period"].split("-Q")
        assert 2021 <= int(year) <= 2026 and quarter in "1234"


def test_validity_ends_after_it_starts(demo_population):
    for kind in ("certification", "insurance", "practice"):
        for record in _of_kind(demo_population, kind):
            assert record["details"]["valid_until"] > record["occurred_on"]


def test_nothing_of_its_own_happens_after_a_licence_is_revoked(demo_population):
    revoked = {}
    for record in _of_kind(demo_population, "penalty"):
        if (record["subject"]["type"] == "enterprise"
                and "licence_revocation" in record["details"]["measures"]):
            revoked.setdefault(record["subject"]["id"], record["occurred_on"])
    for record in demo_population.records:
        uscc = record["subject"]["id"]
        if uscc in revoked:
            assert record["occurred_on"] <= revoked[uscc]


def test_a_later_end_keeps_every_record_and_adds_newer_ones(demo_population):
    later = generate_population(20261129, 300, 400, start=date(2022, 1, 1), end=date(2027, 6, 30))
    assert later.enterprises == demo_population.enterprises
    assert later.persons == demo_population.persons
    earlier_ids = {r["external_id"]: r for r in demo_population.records}
    kept = [r for r in later.records if r["occurred_on"] <= "2026-11-29"]
    assert sorted(kept, key=lambda r: r["external_id"]) == sorted(
        earlier_ids.values(), key=lambda r: r["external_id"])
    assert len(later.records) > len(demo_population.records)


def test_food_safety_managers_are_trained_mostly_40_hours_a_year(demo_population):
    """Training goes to persons holding a food_safety_manager role; most reach 40 hours."""
    managers = {r["id_number"] for r in demo_population.roles if r["role"] == "food_safety_manager"}
    trainings = _of_kind(demo_population, "training")
    assert trainings and all(r["subject"]["type"] == "person" and r["subject"]["id"] in managers
                             for r in trainings)
    hours: Counter = Counter()
    for r in trainings:
        assert r["details"]["year"] == int(r["occurred_on"][:4]) and 0 < r["details"]["hours"] <= 400
        hours[(r["subject"]["id"], r["details"]["year"])] += r["details"]["hours"]
    short = sum(1 for h in hours.values() if h < 40)
    assert 0.05 < short / len(hours) < 0.4


def test_the_new_practices_and_categories_appear(demo_population):
    practices = Counter(r["details"]["practice"] for r in _of_kind(demo_population, "practice"))
    assert practices["transparent_workshop"] > 0 and practices["sunshine_warehouse"] > 0
    assert {"school_canteen", "small_shop", "stall"} <= {e["category"] for e in demo_population.enterprises}
