"""Catering quantified grading, inspection frequency and measures."""

from datetime import date
from decimal import Decimal

import pytest

from credit_engine.grading.pipeline import grade
from grading_builders import AS_OF, enterprise_file, inspection, measure_codes, penalty, rec, recent_inspection


def scored(on, points, items=10, **kw):
    return inspection(on, items_checked=items, points_total=points, **kw)


def test_rating_is_the_truncated_mean_of_truncated_dynamic_scores(registry):
    # 89.9/10 -> 8.9 (truncated), 9.19/1 -> 9.1; mean 9.0 -> excellent
    f = enterprise_file(scored(date(2026, 1, 1), "89.9"), scored(date(2026, 2, 1), "9.19", items=1), category="catering")
    rating = grade(f, AS_OF, registry).hygiene_rating
    assert (rating.rating, rating.score) == ("excellent", Decimal("9.0"))


@pytest.mark.parametrize("points,rating", [("90", "excellent"), ("89.9", "good"), ("75", "good"),
                                           ("74.9", "fair"), ("60", "fair"), ("59.9", "not_rated")])
def test_rating_bands(registry, points, rating):
    f = enterprise_file(scored(date(2026, 1, 1), points), category="catering")
    assert grade(f, AS_OF, registry).hygiene_rating.rating == rating


def test_two_key_items_failed_is_not_rated(registry):
    f = enterprise_file(scored(date(2026, 1, 1), "95", key_items_failed=2), category="catering")
    assert grade(f, AS_OF, registry).hygiene_rating.rating == "not_rated"


def test_not_rated_within_3_months_of_licensing_and_canteen_not_flagged(registry):
    f = enterprise_file(scored(date(2026, 4, 1), "95"), category="canteen", licensed_on=date(2026, 3, 15))
    result = grade(f, date(2026, 6, 14), registry)
    assert result.hygiene_rating.rating == "not_rated" and result.flags == ()
    assert grade(f, date(2026, 6, 15), registry).hygiene_rating.rating == "excellent"


def test_not_rated_within_6_months_after_an_incident(registry):
    f = enterprise_file(scored(date(2026, 1, 1), "95"), rec("incident", date(2025, 12, 15), level="general"),
                        category="catering")
    assert grade(f, date(2026, 6, 14), registry).hygiene_rating.rating == "not_rated"
    assert grade(f, date(2026, 6, 15), registry).hygiene_rating.rating == "excellent"


def test_no_scored_inspection_is_not_rated_and_retail_has_no_rating(registry):
    assert grade(enterprise_file(recent_inspection(), category="catering"), AS_OF, registry).hygiene_rating.rating == "not_rated"
    assert grade(enterprise_file(recent_inspection()), AS_OF, registry).hygiene_rating is None


def test_canteen_below_good_is_flagged(registry):
    f = enterprise_file(scored(date(2026, 1, 1), "70"), category="canteen")
    result = grade(f, AS_OF, registry)
    assert result.flags == ("canteen_below_target",)
    assert result.inspections_per_year == 2


@pytest.mark.parametrize("records,expected", [
    ((), 1), ((penalty(date(2026, 2, 1), "confiscation"),), 2),
    ((penalty(date(2026, 2, 1), "permit_withdrawal"),), 3), ((rec("incident", date(2026, 1, 1), level="major"),), 4),
])
def test_inspections_per_year_by_grade(registry, records, expected):
    assert grade(enterprise_file(recent_inspection(), *records), AS_OF, registry).inspections_per_year == expected


def test_grade_a_measures_and_honours_priority_needs_a_a_year_earlier(registry):
    f = enterprise_file(inspection(date(2025, 1, 10)), recent_inspection())
    result = grade(f, AS_OF, registry)
    assert set(measure_codes(result)) == {"LIC-GREEN-CHANNEL", "FIN-PRIORITY", "PROC-PREFERRED", "INS-REDUCED", "HON-PRIORITY"}
    g = enterprise_file(inspection(date(2025, 1, 10)), recent_inspection(), penalty(date(2025, 5, 1), "warning", violation_id="a"),
                        penalty(date(2025, 5, 2), "warning"), penalty(date(2025, 5, 3), "warning"))
    assert "HON-PRIORITY" not in measure_codes(grade(g, date(2026, 6, 15), registry))   # C on 2025-06-15


def test_grade_d_measures(registry):
    f = enterprise_file(recent_inspection(), rec("incident", date(2026, 1, 1), level="major"))
    assert set(measure_codes(grade(f, AS_OF, registry))) == {
        "LIC-STRICT-REVIEW", "FIN-RESTRICT", "HON-BAN", "INS-KEY-SUPERVISION"}


def test_grade_c_is_barred_from_honours_only(registry):
    f = enterprise_file(recent_inspection(), penalty(date(2026, 2, 1), "permit_withdrawal"))
    assert measure_codes(grade(f, AS_OF, registry)) == ["HON-BAN"]


def test_next_change_is_the_first_window_end(registry):
    f = enterprise_file(inspection(date(2026, 1, 10)), penalty(date(2026, 3, 31), "warning"))
    assert grade(f, date(2027, 3, 30), registry).next_change_on == date(2027, 3, 31)


def test_next_change_covers_the_year_earlier_grade_behind_hon_priority(registry):
    # A now; a year earlier a penalty still counted, so no HON-PRIORITY yet. The penalty
    # leaves its window on 1 July 2025, so HON-PRIORITY starts on 1 July 2026: the nightly
    # run must wake this subject by then although nothing in its current file changes.
    f = enterprise_file(inspection(date(2024, 9, 1)), inspection(date(2026, 1, 10)),
                        penalty(date(2022, 7, 1), "confiscation"))
    now = grade(f, date(2026, 6, 15), registry)
    assert now.grade == "A" and "HON-PRIORITY" not in measure_codes(now)
    assert "HON-PRIORITY" in measure_codes(grade(f, date(2026, 7, 1), registry))
    assert now.next_change_on == date(2026, 7, 1)
