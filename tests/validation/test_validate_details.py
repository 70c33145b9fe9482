"""Details schemas, one per kind, exactly per docs/domain.md's records table."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from credit_engine.domain.record_kinds import RECORD_KINDS
from credit_engine.validation import DETAILS_SCHEMAS, RecordInSchema, load_or_raise
from validation_helpers import DETAILS_BY_KIND, errors_of, record


def details_of(kind: str, details: dict[str, Any]) -> dict[str, Any]:
    return load_or_raise(RecordInSchema, record(kind, details=details))["details"]


def detail_errors(kind: str, details: Any) -> dict[str, list[str]]:
    return errors_of(RecordInSchema, record(kind, details=details))


def test_there_is_one_details_schema_per_record_kind() -> None:
    assert set(DETAILS_SCHEMAS) == set(RECORD_KINDS)


@pytest.mark.parametrize("kind", RECORD_KINDS)
def test_unknown_details_field_is_named_for_every_kind(kind: str) -> None:
    errors = detail_errors(kind, {**DETAILS_BY_KIND[kind], "colour": "red"})
    assert errors == {"details.colour": ["Unknown field."]}


# penalty

def test_penalty_booleans_default_to_false() -> None:
    assert details_of("penalty", {"measures": ["warning"]}) == {
        "measures": ["warning"], "aggravated": False, "serious": False,
    }


def test_penalty_fine_with_amount_loads_the_amount_as_an_exact_decimal() -> None:
    details = details_of("penalty", {"measures": ["fine"], "fine_amount": 50000})
    assert details["fine_amount"] == Decimal("50000.00") and isinstance(details["fine_amount"], Decimal)


def test_penalty_fine_amount_given_as_decimal_keeps_its_fen() -> None:
    assert details_of("penalty", {"measures": ["fine"], "fine_amount": Decimal("1234.50")})["fine_amount"] == Decimal("1234.50")


def test_fine_without_fine_amount_names_fine_amount() -> None:
    errors = detail_errors("penalty", {"measures": ["warning", "fine"]})
    assert errors == {"details.fine_amount": ["Required when measures include fine."]}


def test_fine_amount_without_fine_names_fine_amount() -> None:
    assert list(detail_errors("penalty", {"measures": ["warning"], "fine_amount": 500})) == ["details.fine_amount"]


@pytest.mark.parametrize("amount", [0, -100, "5000", True, float("nan"), float("inf")])
def test_fine_amount_that_is_not_a_positive_finite_number_names_fine_amount(amount: object) -> None:
    errors = detail_errors("penalty", {"measures": ["fine"], "fine_amount": amount})
    assert list(errors) == ["details.fine_amount"]


def test_empty_measures_names_measures() -> None:
    assert list(detail_errors("penalty", {"measures": []})) == ["details.measures"]


def test_repeated_measure_names_measures() -> None:
    assert list(detail_errors("penalty", {"measures": ["warning", "warning"]})) == ["details.measures"]


def test_unknown_measure_names_its_index() -> None:
    errors = detail_errors("penalty", {"measures": ["warning", "flogging"]})
    assert list(errors) == ["details.measures[1]"]


def test_measures_given_as_a_string_names_measures() -> None:
    assert list(detail_errors("penalty", {"measures": "warning"})) == ["details.measures"]


@pytest.mark.parametrize("field", ["aggravated", "serious"])
@pytest.mark.parametrize("value", ["true", 1, None])
def test_penalty_boolean_of_wrong_type_is_named(field: str, value: object) -> None:
    assert list(detail_errors("penalty", {"measures": ["warning"], field: value})) == [f"details.{field}"]


def test_penalty_violation_id_is_kept() -> None:
    assert details_of("penalty", {"measures": ["warning"], "violation_id": "V-7"})["violation_id"] == "V-7"


# inspection

def test_inspection_counts_default_to_zero_and_refused_to_false() -> None:
    assert details_of("inspection", {"result": "non_compliant"}) == {
        "result": "non_compliant", "key_items_failed": 0, "general_items_failed": 0, "refused": False,
    }


def test_inspection_with_quantified_grading_loads() -> None:
    details = details_of("inspection", {"result": "compliant", "items_checked": 20, "points_total": 182.5})
    assert (details["items_checked"], details["points_total"]) == (20, 182.5)


@pytest.mark.parametrize("field", ["key_items_failed", "general_items_failed"])
@pytest.mark.parametrize("value", [-1, 1.5, "2", True])
def test_inspection_failed_counts_must_be_ints_not_below_zero(field: str, value: object) -> None:
    assert list(detail_errors("inspection", {"result": "compliant", field: value})) == [f"details.{field}"]


@pytest.mark.parametrize("items", [0, -3, 2.5])
def test_items_checked_must_be_an_int_above_zero(items: object) -> None:
    errors = detail_errors("inspection", {"result": "compliant", "items_checked": items, "points_total": 10})
    assert list(errors) == ["details.items_checked"]


def test_points_total_below_zero_names_points_total() -> None:
    errors = detail_errors("inspection", {"result": "compliant", "items_checked": 5, "points_total": -1})
    assert list(errors) == ["details.points_total"]


def test_points_total_without_items_checked_names_items_checked() -> None:
    assert list(detail_errors("inspection", {"result": "compliant", "points_total": 40})) == ["details.items_checked"]


def test_unknown_inspection_result_names_result() -> None:
    assert list(detail_errors("inspection", {"result": "passed"})) == ["details.result"]


# sampling

def test_failed_sampling_with_hazard_loads() -> None:
    details = details_of("sampling", {"result": "fail", "level": "national", "hazard": "illegal_substance"})
    assert details == {"result": "fail", "level": "national", "hazard": "illegal_substance"}


def test_failed_sampling_without_hazard_names_hazard() -> None:
    assert list(detail_errors("sampling", {"result": "fail", "level": "city"})) == ["details.hazard"]


def test_passed_sampling_with_hazard_names_hazard() -> None:
    errors = detail_errors("sampling", {"result": "pass", "level": "city", "hazard": "microbial"})
    assert list(errors) == ["details.hazard"]


@pytest.mark.parametrize("field,value", [("level", "district"), ("hazard", "radiation"), ("result", "ok")])
def test_sampling_enum_violation_is_named(field: str, value: str) -> None:
    details = {"result": "fail", "level": "city", "hazard": "label", field: value}
    assert f"details.{field}" in detail_errors("sampling", details)


# self_check

@pytest.mark.parametrize("period", ["2025-Q0", "2025-Q5", "2025Q1", "25-Q1", "2025-q1", "2025-Q1 "])
def test_self_check_period_not_yyyy_qn_names_period(period: str) -> None:
    assert list(detail_errors("self_check", {"period": period, "status": "late"})) == ["details.period"]


def test_self_check_unknown_status_names_status() -> None:
    assert list(detail_errors("self_check", {"period": "2025-Q4", "status": "early"})) == ["details.status"]


# complaint, incident, conviction, commendation

def test_complaint_substantiated_defaults_to_false() -> None:
    assert details_of("complaint", {}) == {"substantiated": False}


def test_complaint_substantiated_must_be_a_boolean() -> None:
    assert list(detail_errors("complaint", {"substantiated": "yes"})) == ["details.substantiated"]


def test_incident_unknown_level_names_level() -> None:
    assert list(detail_errors("incident", {"level": "minor"})) == ["details.level"]


def test_incident_without_level_names_level() -> None:
    assert list(detail_errors("incident", {})) == ["details.level"]


def test_conviction_imprisonment_defaults_to_false() -> None:
    assert details_of("conviction", {"case_no": "X1"}) == {"case_no": "X1", "imprisonment": False}


def test_commendation_unknown_level_names_level() -> None:
    assert list(detail_errors("commendation", {"level": "street"})) == ["details.level"]


# certification, insurance, practice

def test_valid_until_may_be_in_the_future_and_loads_as_an_iso_string() -> None:
    assert details_of("certification", {"scheme": "ISO22000", "valid_until": "2030-01-31"})["valid_until"] == "2030-01-31"


def test_certification_unknown_scheme_names_scheme() -> None:
    errors = detail_errors("certification", {"scheme": "haccp", "valid_until": "2026-01-01"})
    assert list(errors) == ["details.scheme"]


@pytest.mark.parametrize("kind", ["certification", "insurance", "practice"])
def test_valid_until_that_is_not_a_date_is_named(kind: str) -> None:
    details = {**DETAILS_BY_KIND[kind], "valid_until": "next year"}
    assert list(detail_errors(kind, details)) == ["details.valid_until"]


@pytest.mark.parametrize("kind", ["certification", "insurance", "practice"])
def test_missing_valid_until_is_named(kind: str) -> None:
    details = {k: v for k, v in DETAILS_BY_KIND[kind].items() if k != "valid_until"}
    assert list(detail_errors(kind, details)) == ["details.valid_until"]


def test_practice_unknown_value_names_practice() -> None:
    errors = detail_errors("practice", {"practice": "hand_washing", "valid_until": "2026-01-01"})
    assert list(errors) == ["details.practice"]
