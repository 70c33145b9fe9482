"""EnterpriseInSchema, PersonInSchema, RoleInSchema."""

from __future__ import annotations

from datetime import date

import pytest

from credit_engine.validation import EnterpriseInSchema, PersonInSchema, RoleInSchema, load_or_raise
from validation_helpers import BAD_ID_NUMBER, ID_NUMBER, errors_of

ENTERPRISE = {"name": "福州市鼓楼区好味餐厅", "category": "catering", "district": "鼓楼区",
              "licence_no": "JY23501020012345", "licensed_on": "2021-04-01"}


def test_a_full_enterprise_loads_with_licensed_on_as_a_date() -> None:
    loaded = load_or_raise(EnterpriseInSchema, ENTERPRISE)
    assert loaded == {**ENTERPRISE, "licensed_on": date(2021, 4, 1)}


def test_an_enterprise_needs_only_name_and_category() -> None:
    assert load_or_raise(EnterpriseInSchema, {"name": "A", "category": "canteen"}) == {"name": "A", "category": "canteen"}


def test_enterprise_null_optional_fields_are_dropped() -> None:
    loaded = load_or_raise(EnterpriseInSchema, {"name": "A", "category": "retail", "district": None})
    assert "district" not in loaded


@pytest.mark.parametrize("name", ["", "   ", "x" * 201, None, 5])
def test_bad_enterprise_name_names_name(name: object) -> None:
    assert list(errors_of(EnterpriseInSchema, {**ENTERPRISE, "name": name})) == ["name"]


def test_unknown_category_names_category() -> None:
    assert list(errors_of(EnterpriseInSchema, {**ENTERPRISE, "category": "restaurant"})) == ["category"]


def test_licensed_on_in_the_future_names_licensed_on() -> None:
    assert list(errors_of(EnterpriseInSchema, {**ENTERPRISE, "licensed_on": "2025-06-02"})) == ["licensed_on"]


def test_unknown_enterprise_field_is_named() -> None:
    assert errors_of(EnterpriseInSchema, {**ENTERPRISE, "uscc": "x"}) == {"uscc": ["Unknown field."]}


def test_a_person_loads() -> None:
    assert load_or_raise(PersonInSchema, {"id_number": ID_NUMBER, "name": "张三"}) == {"id_number": ID_NUMBER, "name": "张三"}


def test_lower_case_x_check_digit_is_normalised() -> None:
    assert load_or_raise(PersonInSchema, {"id_number": ID_NUMBER.lower(), "name": "张三"})["id_number"] == ID_NUMBER


def test_bad_id_check_digit_names_id_number() -> None:
    errors = errors_of(PersonInSchema, {"id_number": BAD_ID_NUMBER, "name": "张三"})
    assert list(errors) == ["id_number"]
    assert "check digit" in errors["id_number"][0]


@pytest.mark.parametrize("number", ["11010519491231002", "1101051949123100AX", 110105194912310020])
def test_malformed_id_number_names_id_number(number: object) -> None:
    assert list(errors_of(PersonInSchema, {"id_number": number, "name": "张三"})) == ["id_number"]


def test_person_without_name_names_name() -> None:
    assert list(errors_of(PersonInSchema, {"id_number": ID_NUMBER})) == ["name"]


def test_a_role_loads_from_as_from_underscore() -> None:
    loaded = load_or_raise(RoleInSchema, {"role": "principal", "from": "2020-01-01", "to": "2024-12-31"})
    assert loaded == {"role": "principal", "from_": date(2020, 1, 1), "to": date(2024, 12, 31)}


def test_an_open_ended_role_keeps_to_as_none() -> None:
    loaded = load_or_raise(RoleInSchema, {"role": "legal_representative", "from": "2020-01-01", "to": None})
    assert loaded["to"] is None


def test_a_role_may_end_on_its_first_day() -> None:
    loaded = load_or_raise(RoleInSchema, {"role": "principal", "from": "2020-01-01", "to": "2020-01-01"})
    assert loaded["to"] == date(2020, 1, 1)


def test_role_ending_before_it_starts_names_to() -> None:
    errors = errors_of(RoleInSchema, {"role": "principal", "from": "2020-01-02", "to": "2020-01-01"})
    assert errors == {"to": ["Must not be before from."]}


def test_unknown_role_names_role() -> None:
    assert list(errors_of(RoleInSchema, {"role": "owner", "from": "2020-01-01"})) == ["role"]


def test_role_without_from_names_from() -> None:
    assert list(errors_of(RoleInSchema, {"role": "principal"})) == ["from"]
