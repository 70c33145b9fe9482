"""RecordInSchema and RecordBatchSchema: the record envelope, subjects and batches."""

from __future__ import annotations

from datetime import date

import pytest

from credit_engine.domain.record_kinds import ENTERPRISE_ONLY_KINDS, RECORD_KINDS
from credit_engine.validation import RecordBatchSchema, RecordInSchema, load_or_raise
from validation_helpers import (
    BAD_USCC, DETAILS_BY_KIND, PERSON_ID, USCC, errors_of, record,
)


@pytest.mark.parametrize("kind", RECORD_KINDS)
def test_a_valid_record_of_every_kind_loads(kind: str) -> None:
    loaded = load_or_raise(RecordInSchema, record(kind))
    assert loaded["kind"] == kind
    assert loaded["occurred_on"] == date(2025, 3, 10)
    assert loaded["subject"] == record(kind)["subject"]


@pytest.mark.parametrize("kind", ["penalty", "complaint", "incident", "conviction", "commendation"])
def test_kinds_open_to_persons_accept_a_person_subject(kind: str) -> None:
    body = record(kind, subject={"type": "person", "id": PERSON_ID})
    assert load_or_raise(RecordInSchema, body)["subject"] == {"type": "person", "id": PERSON_ID}


@pytest.mark.parametrize("kind", ENTERPRISE_ONLY_KINDS)
def test_person_subject_for_an_enterprise_only_kind_names_subject_type(kind: str) -> None:
    errors = errors_of(RecordInSchema, record(kind, subject={"type": "person", "id": PERSON_ID}))
    assert list(errors) == ["subject.type"]


def test_unknown_kind_names_kind() -> None:
    errors = errors_of(RecordInSchema, {**record(), "kind": "warning_letter"})
    assert list(errors) == ["kind"]


def test_unknown_top_level_field_is_named() -> None:
    errors = errors_of(RecordInSchema, {**record(), "source": "county"})
    assert errors == {"source": ["Unknown field."]}


def test_occurred_on_after_today_names_occurred_on() -> None:
    errors = errors_of(RecordInSchema, record(occurred_on="2025-06-02"))
    assert list(errors) == ["occurred_on"]


def test_occurred_on_today_is_accepted() -> None:
    assert load_or_raise(RecordInSchema, record(occurred_on="2025-06-01"))["occurred_on"] == date(2025, 6, 1)


@pytest.mark.parametrize("value", ["2025/03/10", "20250310", "2025-02-30", 20250310, "2025-03-10T00:00:00"])
def test_occurred_on_that_is_not_a_yyyy_mm_dd_date_names_occurred_on(value: object) -> None:
    assert list(errors_of(RecordInSchema, record(occurred_on=value))) == ["occurred_on"]


def test_enterprise_subject_with_bad_uscc_check_character_names_subject_id() -> None:
    errors = errors_of(RecordInSchema, record(subject={"type": "enterprise", "id": BAD_USCC}))
    assert list(errors) == ["subject.id"]
    assert "check character" in errors["subject.id"][0]


def test_lower_case_uscc_is_normalised_to_upper_case() -> None:
    loaded = load_or_raise(RecordInSchema, record(subject={"type": "enterprise", "id": USCC.lower()}))
    assert loaded["subject"]["id"] == USCC


def test_unknown_subject_type_names_subject_type() -> None:
    errors = errors_of(RecordInSchema, record(subject={"type": "company", "id": USCC}))
    assert list(errors) == ["subject.type"]


@pytest.mark.parametrize("external_id", ["", "   ", "x" * 129, 17])
def test_bad_external_id_names_external_id(external_id: object) -> None:
    assert list(errors_of(RecordInSchema, record(external_id=external_id))) == ["external_id"]


def test_details_that_are_not_an_object_name_details() -> None:
    assert list(errors_of(RecordInSchema, record(details=["warning"]))) == ["details"]


def test_missing_details_are_checked_as_empty_and_name_the_required_detail() -> None:
    body = record("penalty")
    del body["details"]
    assert list(errors_of(RecordInSchema, body)) == ["details.measures"]


def test_missing_details_of_a_kind_without_required_fields_load_with_defaults() -> None:
    body = record("complaint")
    del body["details"]
    assert load_or_raise(RecordInSchema, body)["details"] == {"substantiated": False}


def test_valid_until_before_occurred_on_names_details_valid_until() -> None:
    body = record("insurance", details={"valid_until": "2025-01-01"}, occurred_on="2025-03-10")
    assert list(errors_of(RecordInSchema, body)) == ["details.valid_until"]


def test_a_batch_loads_every_record() -> None:
    batch = {"records": [record(k, external_id=f"e{i}") for i, k in enumerate(DETAILS_BY_KIND)]}
    assert len(load_or_raise(RecordBatchSchema, batch)["records"]) == len(DETAILS_BY_KIND)


def test_empty_batch_names_records() -> None:
    assert list(errors_of(RecordBatchSchema, {"records": []})) == ["records"]


def test_batch_of_1001_names_records() -> None:
    batch = {"records": [record(external_id=f"e{i}") for i in range(1001)]}
    assert list(errors_of(RecordBatchSchema, batch)) == ["records"]


def test_batch_of_1000_loads() -> None:
    batch = {"records": [record(external_id=f"e{i}") for i in range(1000)]}
    assert len(load_or_raise(RecordBatchSchema, batch)["records"]) == 1000


def test_missing_records_names_records() -> None:
    assert list(errors_of(RecordBatchSchema, {})) == ["records"]


def test_batch_error_names_the_index_and_the_detail_field() -> None:
    bad = record("penalty", details={"measures": ["fine"]}, external_id="e2")
    batch = {"records": [record(external_id="e0"), record(external_id="e1"), bad]}
    assert errors_of(RecordBatchSchema, batch) == {
        "records[2].details.fine_amount": ["Required when measures include fine."]
    }


def test_batch_reports_every_invalid_record_by_index() -> None:
    batch = {"records": [{**record(external_id="e0"), "kind": "nope"}, record(external_id="e1"), "x"]}
    assert set(errors_of(RecordBatchSchema, batch)) == {"records[0].kind", "records[2]"}


def test_batch_that_is_not_an_object_is_an_error_about_the_whole_input() -> None:
    assert list(errors_of(RecordBatchSchema, [record()])) == ["_schema"]


def test_training_records_concern_persons_only() -> None:
    body = record("training", subject={"type": "enterprise", "id": USCC})
    assert errors_of(RecordInSchema, body) == {
        "subject.type": ["Must be person: training records apply to persons only."]}


@pytest.mark.parametrize("details,field", [
    ({"year": 2024, "hours": 0}, "details.hours"), ({"year": 2024, "hours": 400.5}, "details.hours"),
    ({"year": 2024, "hours": -1}, "details.hours"), ({"year": 2024.5, "hours": 3}, "details.year"),
    ({"hours": 3}, "details.year"), ({"year": 2024}, "details.hours"), ({"year": 2024, "hours": "3"}, "details.hours"),
])
def test_training_needs_an_integer_year_and_hours_above_0_up_to_400(details, field) -> None:
    assert field in errors_of(RecordInSchema, record("training", details=details))


def test_training_of_400_hours_and_the_new_practices_load() -> None:
    assert load_or_raise(RecordInSchema, record("training", details={"year": 2026, "hours": 400}))["details"] == {
        "year": 2026, "hours": 400}
    for name in ("transparent_workshop", "sunshine_warehouse"):
        details = {"practice": name, "valid_until": "2027-12-31"}
        assert load_or_raise(RecordInSchema, record("practice", details=details))["details"]["practice"] == name
