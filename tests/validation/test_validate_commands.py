"""Revoke, repair, regrade, objection and resolve bodies."""

from __future__ import annotations

from datetime import date

import pytest

from credit_engine.validation import (
    ObjectionInSchema, RegradeInSchema, RepairInSchema, ResolveObjectionInSchema, RevokeInSchema,
    load_or_raise,
)
from validation_helpers import BAD_USCC, PERSON_ID, USCC, errors_of


def test_revoked_on_defaults_to_today() -> None:
    assert load_or_raise(RevokeInSchema, {"reason": "overturned on appeal"})["revoked_on"] == date(2025, 6, 1)


def test_revoke_without_reason_names_reason() -> None:
    assert list(errors_of(RevokeInSchema, {"revoked_on": "2025-05-01"})) == ["reason"]


def test_revoke_with_blank_reason_names_reason() -> None:
    assert list(errors_of(RevokeInSchema, {"reason": "  "})) == ["reason"]


def test_revoked_on_in_the_future_names_revoked_on() -> None:
    assert list(errors_of(RevokeInSchema, {"reason": "x", "revoked_on": "2025-07-01"})) == ["revoked_on"]


def test_a_repair_loads() -> None:
    loaded = load_or_raise(RepairInSchema, {"record_id": 7, "approved_on": "2025-05-20", "note": "rectified"})
    assert loaded == {"record_id": 7, "approved_on": date(2025, 5, 20), "note": "rectified"}


@pytest.mark.parametrize("record_id", ["7", 0, 7.5, True])
def test_repair_record_id_must_be_a_positive_integer(record_id: object) -> None:
    errors = errors_of(RepairInSchema, {"record_id": record_id, "approved_on": "2025-05-20"})
    assert list(errors) == ["record_id"]


def test_repair_without_approved_on_names_approved_on() -> None:
    assert list(errors_of(RepairInSchema, {"record_id": 7})) == ["approved_on"]


def test_regrade_of_listed_subjects_loads() -> None:
    body = {"subjects": [{"type": "enterprise", "id": USCC}, {"type": "person", "id": PERSON_ID}]}
    assert len(load_or_raise(RegradeInSchema, body)["subjects"]) == 2


def test_regrade_all_as_of_a_past_date_loads() -> None:
    assert load_or_raise(RegradeInSchema, {"all": True, "as_of": "2025-01-01"}) == {"all": True, "as_of": date(2025, 1, 1)}


def test_regrade_as_of_a_future_date_names_as_of() -> None:
    assert list(errors_of(RegradeInSchema, {"all": True, "as_of": "2025-06-02"})) == ["as_of"]


def test_regrade_with_neither_subjects_nor_all_names_subjects() -> None:
    assert list(errors_of(RegradeInSchema, {})) == ["subjects"]


def test_regrade_with_both_subjects_and_all_names_all() -> None:
    errors = errors_of(RegradeInSchema, {"all": True, "subjects": [{"type": "enterprise", "id": USCC}]})
    assert list(errors) == ["all"]


def test_regrade_all_false_names_all() -> None:
    assert list(errors_of(RegradeInSchema, {"all": False})) == ["all"]


def test_regrade_bad_subject_names_its_index() -> None:
    body = {"subjects": [{"type": "enterprise", "id": USCC}, {"type": "enterprise", "id": BAD_USCC}]}
    assert list(errors_of(RegradeInSchema, body)) == ["subjects[1].id"]


def test_regrade_of_1001_subjects_names_subjects() -> None:
    body = {"subjects": [{"type": "enterprise", "id": USCC}] * 1001}
    assert list(errors_of(RegradeInSchema, body)) == ["subjects"]


def test_objection_defaults_filed_on_to_today_and_record_ids_to_empty() -> None:
    assert load_or_raise(ObjectionInSchema, {"reason": "wrong record"}) == {
        "reason": "wrong record", "record_ids": [], "filed_on": date(2025, 6, 1),
    }


def test_objection_record_id_of_wrong_type_names_its_index() -> None:
    assert list(errors_of(ObjectionInSchema, {"reason": "r", "record_ids": [1, "2"]})) == ["record_ids[1]"]


def test_objection_filed_in_the_future_names_filed_on() -> None:
    assert list(errors_of(ObjectionInSchema, {"reason": "r", "filed_on": "2025-06-02"})) == ["filed_on"]


def test_resolve_loads_upheld_and_note() -> None:
    assert load_or_raise(ResolveObjectionInSchema, {"upheld": True, "note": "ok"}) == {"upheld": True, "note": "ok"}


@pytest.mark.parametrize("upheld", ["true", 1, None])
def test_resolve_upheld_must_be_a_boolean(upheld: object) -> None:
    assert list(errors_of(ResolveObjectionInSchema, {"upheld": upheld, "note": "n"})) == ["upheld"]
