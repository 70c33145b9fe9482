"""flatten_errors, load_or_raise, the validation today and the path-key checks."""

from __future__ import annotations

from datetime import date

import pytest

from credit_engine.errors import ValidationFailed
from credit_engine.validation.context import TodayNotSet
from credit_engine.validation import (
    RecordInSchema, check_uscc, current_today, flatten_errors, flatten_request_errors, load_or_raise,
    today_var,
    validation_today,
)
from validation_helpers import BAD_USCC, USCC, record


def test_nested_messages_become_dotted_paths_with_bracketed_indexes() -> None:
    messages = {"records": {0: {"details": {"fine_amount": ["Required."]}}, 3: {"subject": {"id": ["Bad."]}}}}
    assert flatten_errors(messages) == {
        "records[0].details.fine_amount": ["Required."], "records[3].subject.id": ["Bad."],
    }


def test_schema_level_errors_attach_to_the_object_that_holds_them() -> None:
    assert flatten_errors({"subject": {"_schema": ["Invalid input type."]}}) == {"subject": ["Invalid input type."]}


def test_top_level_schema_errors_keep_the_schema_key() -> None:
    assert flatten_errors({"_schema": ["Invalid input type."]}) == {"_schema": ["Invalid input type."]}


def test_messages_for_one_path_are_kept_together() -> None:
    assert flatten_errors({"name": ["a", "b"]}) == {"name": ["a", "b"]}


def test_load_or_raise_raises_validation_failed_with_flat_errors() -> None:
    with pytest.raises(ValidationFailed) as caught:
        load_or_raise(RecordInSchema, record(subject={"type": "enterprise", "id": BAD_USCC}))
    assert list(caught.value.errors) == ["subject.id"]
    assert caught.value.status == 422


def test_load_or_raise_accepts_a_schema_instance() -> None:
    assert load_or_raise(RecordInSchema(), record())["external_id"] == "src-penalty-1"


def test_load_or_raise_today_argument_moves_the_future_boundary() -> None:
    loaded = load_or_raise(RecordInSchema, record(occurred_on="2025-09-01"), today=date(2025, 9, 1))
    assert loaded["occurred_on"] == date(2025, 9, 1)


def test_validation_today_sets_and_restores_the_context_variable() -> None:
    outer = current_today()
    with validation_today(date(2020, 2, 29)):
        assert current_today() == date(2020, 2, 29)
    assert current_today() == outer


def test_without_a_given_today_a_future_check_refuses_to_guess() -> None:
    token = today_var.set(None)
    try:
        with pytest.raises(TodayNotSet):  # never the machine's clock or the environment
            current_today()
    finally:
        today_var.reset(token)


def test_check_uscc_returns_the_upper_cased_code() -> None:
    assert check_uscc(USCC.lower()) == USCC


def test_check_uscc_names_the_path_field() -> None:
    with pytest.raises(ValidationFailed) as caught:
        check_uscc(BAD_USCC)
    assert list(caught.value.errors) == ["uscc"]


def test_digit_string_keys_are_list_indexes() -> None:
    assert flatten_errors({"records": {"2": {"kind": ["Bad."]}}}) == {"records[2].kind": ["Bad."]}


def test_request_errors_drop_the_webargs_location_level() -> None:
    messages = {"json": {"records": {0: {"kind": ["Bad."]}}}, "query": {"limit": ["Too big."]}}
    assert flatten_request_errors(messages) == {"records[0].kind": ["Bad."], "limit": ["Too big."]}
