"""Ruleset 2027.1 worked by hand on in-memory files: the training shortfall (year boundary,
40 hours, no manager), the new practices and the bonus cap, the inspection measures, the
new minimums, the school-canteen flag and catering grading, the new categories under
2026.1 through their mapping. Both backends."""

from __future__ import annotations

from datetime import date

import pytest
from grading_builders import (
    USCC,
    enterprise_file,
    inspection,
    measure_codes,
    penalty,
    rec,
    rule_ids,
)

from credit_engine.domain.model import PersonFile, Role, SubjectRef
from credit_engine.grading.pipeline import grade

D = date(2027, 3, 1)
MANAGER = SubjectRef("person", "p-manager")


def training(year: int, hours: float, on: date) -> object:
    return rec("training", on, MANAGER, year=year, hours=hours)


def managed(*records, category="catering", role_from=date(2020, 1, 1), role_to=None, trainings=(), others=()):
    role = Role(MANAGER.id, USCC, "food_safety_manager", role_from, role_to)
    person = PersonFile(MANAGER.id, tuple(trainings) + tuple(others), (role,))
    return enterprise_file(inspection(date(2026, 10, 1)), *records, category=category, roles=(role,),
                           persons=(person,))


def test_training_shortfall_deducts_3_once(registry, backend):
    file = managed(trainings=[training(2026, 20, date(2026, 5, 1)), training(2026, 19.5, date(2026, 11, 1))])
    result = grade(file, D, registry, backend=backend)
    assert result.ruleset.endswith("2027.1")
    [reason] = [r for r in result.reasons if r.rule == "DED-TRAINING-SHORTFALL"]
    assert reason.points == -3 and reason.basis == "《食品安全法》第四十四条"
    assert len(reason.record_ids) == 2 and result.score == 97


def test_forty_hours_is_no_shortfall(registry, backend):
    file = managed(trainings=[training(2026, 20, date(2026, 5, 1)), training(2026, 20, date(2026, 11, 1))])
    assert "DED-TRAINING-SHORTFALL" not in rule_ids(grade(file, D, registry, backend=backend))


def test_no_training_records_is_zero_hours(registry, backend):
    assert "DED-TRAINING-SHORTFALL" in rule_ids(grade(managed(), D, registry, backend=backend))


def test_no_manager_on_31_december_means_no_deduction(registry, backend):
    ended = managed(role_to=date(2026, 12, 30))
    started = managed(role_from=date(2027, 1, 2))
    for file in (ended, started):
        assert "DED-TRAINING-SHORTFALL" not in rule_ids(grade(file, D, registry, backend=backend))


def test_only_training_of_the_previous_year_recorded_by_the_date_counts(registry, backend):
    # 2025 hours and 2027 hours do not count for 2026; a 2026 record entered after D does not either
    file = managed(trainings=[training(2025, 100, date(2025, 6, 1)), training(2027, 100, date(2027, 2, 1)),
                              training(2026, 30, date(2026, 6, 1)), training(2026, 30, date(2027, 3, 2))])
    assert "DED-TRAINING-SHORTFALL" in rule_ids(grade(file, D, registry, backend=backend))
    assert "DED-TRAINING-SHORTFALL" not in rule_ids(grade(file, date(2027, 3, 2), registry, backend=backend))


def test_the_year_boundary_31_december_is_2026_1_and_1_january_is_2027_1(registry):
    file = managed(trainings=[training(2026, 10, date(2026, 6, 1))])
    assert "DED-TRAINING-SHORTFALL" not in rule_ids(grade(file, date(2026, 12, 31), registry))
    on_new_year = grade(file, date(2027, 1, 1), registry)
    assert on_new_year.ruleset.endswith("2027.1") and "DED-TRAINING-SHORTFALL" in rule_ids(on_new_year)


def test_the_shortfall_concerns_only_production_catering_and_canteens(registry):
    for category, expected in (("production", True), ("school_canteen", True), ("canteen", True),
                               ("retail", False), ("small_shop", False), ("online_platform", False)):
        assert ("DED-TRAINING-SHORTFALL" in rule_ids(grade(managed(category=category), D, registry))) is expected


def test_one_short_manager_among_several_is_enough_and_it_deducts_once(registry):
    other = SubjectRef("person", "p-2")
    roles = (Role(MANAGER.id, USCC, "food_safety_manager", date(2020, 1, 1)),
             Role(other.id, USCC, "food_safety_manager", date(2020, 1, 1)))
    persons = (PersonFile(MANAGER.id, (training(2026, 50, date(2026, 5, 1)),), roles[:1]),
               PersonFile(other.id, (), roles[1:]))
    file = enterprise_file(inspection(date(2026, 10, 1)), category="production", roles=roles, persons=persons)
    assert rule_ids(grade(file, D, registry)).count("DED-TRAINING-SHORTFALL") == 1


def practice(name: str, on: date = date(2026, 6, 1), until: str = "2028-01-01"):
    return rec("practice", on, practice=name, valid_until=until)


def test_each_new_practice_gives_2_and_the_bonus_cap_is_10(registry, backend):
    for name in ("transparent_workshop", "sunshine_warehouse"):
        result = grade(enterprise_file(inspection(date(2026, 10, 1)), practice(name)), D, registry, backend=backend)
        assert [(r.rule, r.points) for r in result.reasons] == [("BON-PRACTICE", 2)] and result.score == 100
    four = [practice(p) for p in ("open_kitchen", "traceability", "transparent_workshop", "sunshine_warehouse")]
    many = enterprise_file(penalty(date(2026, 9, 1), "confiscation"), inspection(date(2026, 10, 1)), *four,
                           practice("sunshine_warehouse", until="2029-01-01"),
                           rec("insurance", date(2026, 1, 1), policy_no="P", valid_until="2028-01-01"))
    result = grade(many, D, registry, backend=backend)
    bonus = sum(r.points for r in result.reasons if r.points > 0)
    assert bonus == 10 and result.score == 90  # 4 practices x 2 + insurance 3 = 11, capped at 10


def test_new_practices_earn_nothing_under_2026_1(registry):
    file = enterprise_file(inspection(date(2026, 10, 1)), practice("transparent_workshop"))
    result = grade(file, date(2026, 12, 1), registry)
    assert result.ruleset.endswith("2026.1") and rule_ids(result) == [] and result.input_record_ids == (
        file.records[0].id,)


@pytest.mark.parametrize("grade_letter", ["C", "D"])
def test_interview_and_increased_sampling_for_c_and_d(registry, grade_letter):
    recs = [inspection(date(2026, 10, 1))]
    if grade_letter == "C":
        recs += [penalty(date(2026, 9, 1), "fine", fine_amount=200000, aggravated=True),
                 penalty(date(2026, 9, 2), "warning")]
    else:
        recs.append(rec("incident", date(2026, 9, 1), level="major"))
    result = grade(enterprise_file(*recs), D, registry)
    assert result.grade == grade_letter
    assert {"INS-INTERVIEW", "INS-SAMPLING-INCREASED"} <= set(measure_codes(result))
    before = grade(enterprise_file(*recs), date(2026, 12, 1), registry)
    assert before.grade == grade_letter and not {"INS-INTERVIEW", "INS-SAMPLING-INCREASED"} & set(measure_codes(before))


def test_new_minimums_of_inspections(registry):
    for category in ("school_canteen", "market_operator", "online_platform", "small_shop", "stall"):
        result = grade(enterprise_file(inspection(date(2026, 10, 1)), category=category), D, registry)
        assert result.grade == "A"
        assert result.inspections_per_year == (2 if category in ("school_canteen", "market_operator",
                                                                 "online_platform") else 1), category


def test_school_canteen_flag_and_catering_grading(registry):
    scored = inspection(date(2026, 10, 1), items_checked=10, points_total=70)
    bare = grade(enterprise_file(scored, category="school_canteen"), D, registry)
    assert bare.hygiene_rating is not None and bare.hygiene_rating.rating == "fair"
    assert bare.flags == ("canteen_below_target", "school_canteen_without_open_kitchen")
    kitchen = grade(enterprise_file(scored, practice("open_kitchen"), category="school_canteen"), D, registry)
    assert kitchen.flags == ("canteen_below_target",)
    expired = grade(enterprise_file(scored, practice("open_kitchen", until="2027-02-28"),
                                    category="school_canteen"), D, registry)
    assert "school_canteen_without_open_kitchen" in expired.flags


@pytest.mark.parametrize("category,as_graded", [("school_canteen", "canteen"), ("small_shop", "small_workshop"),
                                                ("stall", "small_workshop"), ("market_operator", "retail"),
                                                ("online_platform", "retail")])
def test_new_categories_are_graded_under_2026_1_as_their_mapping(registry, category, as_graded):
    scored = inspection(date(2026, 10, 1), items_checked=10, points_total=70)
    new = grade(enterprise_file(scored, category=category), date(2026, 12, 1), registry)
    old = grade(enterprise_file(scored, category=as_graded), date(2026, 12, 1), registry)
    assert new == old and new.ruleset.endswith("2026.1")


def test_a_new_year_is_a_change_date_under_2027_1(registry):
    """The shortfall of 2027 looks at 31 Dec 2027 and the training of 2027: on 1 January 2028
    the result can change with no record or role changing, so incremental regrades wake."""
    file = managed(trainings=[training(2026, 50, date(2026, 5, 1))])
    result = grade(file, date(2027, 6, 1), registry)
    assert "DED-TRAINING-SHORTFALL" not in rule_ids(result)
    assert result.next_change_on is not None and result.next_change_on <= date(2028, 1, 1)
    assert "DED-TRAINING-SHORTFALL" in rule_ids(grade(file, date(2028, 1, 1), registry))
