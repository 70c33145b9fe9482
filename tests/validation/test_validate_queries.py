"""Query-string argument schemas: values arrive as strings."""

from __future__ import annotations

from datetime import date

import pytest

from credit_engine.validation import (
    AsOfArgs, DecisionArgs, InspectionPlanArgs, PaginationArgs, RecordsQueryArgs, load_or_raise,
)
from validation_helpers import BAD_USCC, PERSON_ID, USCC, errors_of


def test_pagination_defaults_to_50_and_no_cursor() -> None:
    assert load_or_raise(PaginationArgs, {}) == {"limit": 50}


def test_limit_and_cursor_load_from_strings() -> None:
    assert load_or_raise(PaginationArgs, {"limit": "500", "cursor": "abc"}) == {"limit": 500, "cursor": "abc"}


def test_an_empty_cursor_means_the_first_page() -> None:
    assert load_or_raise(PaginationArgs, {"cursor": ""}) == {"limit": 50}


@pytest.mark.parametrize("limit", ["0", "501", "ten", "2.5"])
def test_limit_outside_1_to_500_names_limit(limit: str) -> None:
    assert list(errors_of(PaginationArgs, {"limit": limit})) == ["limit"]


def test_as_of_today_loads() -> None:
    assert load_or_raise(AsOfArgs, {"as_of": "2025-06-01"}) == {"as_of": date(2025, 6, 1)}


@pytest.mark.parametrize("as_of", ["2025-06-02", "2030-01-01", "9999-12-31"])
def test_as_of_after_today_names_as_of(as_of: str) -> None:
    assert errors_of(AsOfArgs, {"as_of": as_of}) == {"as_of": ["Must not be after today (2025-06-01)."]}


@pytest.mark.parametrize("as_of", ["1899-12-31", "0001-01-01"])
def test_as_of_before_1900_names_as_of(as_of: str) -> None:
    assert errors_of(AsOfArgs, {"as_of": as_of}) == {"as_of": ["Must not be before 1900-01-01."]}


def test_as_of_that_is_not_a_date_names_as_of() -> None:
    assert list(errors_of(AsOfArgs, {"as_of": "01/06/2025"})) == ["as_of"]


def test_records_query_loads_subject_and_pagination() -> None:
    loaded = load_or_raise(RecordsQueryArgs, {"subject_type": "person", "subject_id": PERSON_ID, "limit": "10"})
    assert loaded == {"subject_type": "person", "subject_id": PERSON_ID, "limit": 10}


def test_records_query_without_subject_names_both_fields() -> None:
    assert set(errors_of(RecordsQueryArgs, {})) == {"subject_type", "subject_id"}


def test_records_query_with_bad_uscc_names_subject_id() -> None:
    errors = errors_of(RecordsQueryArgs, {"subject_type": "enterprise", "subject_id": BAD_USCC})
    assert list(errors) == ["subject_id"]


def test_decision_args_load() -> None:
    loaded = load_or_raise(DecisionArgs, {"subject_type": "enterprise", "subject_id": USCC,
                                          "context": "honours", "as_of": "2025-01-01"})
    assert loaded == {"subject_type": "enterprise", "subject_id": USCC, "context": "honours",
                      "as_of": date(2025, 1, 1)}


def test_unknown_decision_context_names_context() -> None:
    errors = errors_of(DecisionArgs, {"subject_type": "enterprise", "subject_id": USCC, "context": "tax"})
    assert list(errors) == ["context"]


def test_inspection_plan_args_load_district_and_pagination() -> None:
    assert load_or_raise(InspectionPlanArgs, {"district": "鼓楼区"}) == {
        "district": "鼓楼区", "limit": 50, "sort": "uscc"}


def test_unknown_query_argument_is_named() -> None:
    assert errors_of(AsOfArgs, {"asof": "2025-01-01"}) == {"asof": ["Unknown field."]}
