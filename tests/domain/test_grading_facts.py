"""Calendar-month ages and the condition language (compile + plain-Python interpreter)."""

from datetime import date

import pytest

from credit_engine.domain.facts import age_months
from credit_engine.rules.conditions import ConditionError, compile_condition, evaluate


@pytest.mark.parametrize("occurred,as_of,expected", [
    (date(2025, 3, 31), date(2025, 4, 29), 0), (date(2025, 3, 31), date(2025, 4, 30), 1),
    (date(2024, 2, 29), date(2025, 2, 28), 12), (date(2024, 2, 29), date(2025, 2, 27), 11),
    (date(2025, 1, 15), date(2025, 1, 15), 0),
])
def test_age_in_calendar_months_matches_the_window_reading(occurred, as_of, expected):
    assert age_months(occurred, as_of) == expected


def test_in_operator_compiles_to_alternatives_and_evaluates():
    cond = compile_condition({"kind": "sampling", "level": {"in": ["city", "county"]}})
    assert evaluate(cond, {"kind": "sampling", "level": "county"})
    assert not evaluate(cond, {"kind": "sampling", "level": "national"})


def test_a_test_on_a_missing_field_is_false_like_the_engine():
    cond = compile_condition({"kind": "sampling", "hazard": {"neq": "label"}})
    assert not evaluate(cond, {"kind": "sampling"})


def test_unknown_operator_is_a_condition_error():
    with pytest.raises(ConditionError, match="between"):
        compile_condition({"kind": "penalty", "age_months": {"between": [1, 2]}})


def test_ordering_operator_on_a_text_field_is_a_condition_error():
    with pytest.raises(ConditionError, match="numeric"):
        compile_condition({"kind": "incident", "level": {"gt": "general"}})
