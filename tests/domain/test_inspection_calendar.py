"""The inspection calendar: last inspection, next due date, re-inspection and overdue."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from credit_engine.domain.dates import add_months
from credit_engine.domain.inspection_calendar import (
    LastInspection,
    inspection_calendar,
    inspection_failed,
    latest_inspection,
    months_between_inspections,
)

D = date(2026, 11, 30)


@pytest.mark.parametrize("per_year, months", [(1, 12), (2, 6), (3, 4), (4, 3)])
def test_next_inspection_is_due_twelve_over_inspections_per_year_months_later(
        per_year: int, months: int) -> None:
    plan = inspection_calendar(D, per_year, None, LastInspection(date(2026, 5, 15), False))
    assert plan.next_due_on == add_months(date(2026, 5, 15), months)
    assert plan.last_inspected_on == date(2026, 5, 15) and plan.reinspection_due_on is None


def test_the_due_day_is_clamped_to_the_end_of_a_shorter_month() -> None:
    plan = inspection_calendar(D, 4, None, LastInspection(date(2025, 11, 30), False))
    assert plan.next_due_on == date(2026, 2, 28)
    leap = inspection_calendar(D, 2, None, LastInspection(date(2023, 8, 31), False))
    assert leap.next_due_on == date(2024, 2, 29)


def test_a_business_never_inspected_is_due_three_months_after_its_licence() -> None:
    plan = inspection_calendar(D, 1, date(2026, 8, 31), None)
    assert (plan.last_inspected_on, plan.next_due_on) == (None, date(2026, 11, 30))
    assert plan.flags == ()  # due today, not after it
    later = inspection_calendar(date(2026, 12, 1), 1, date(2026, 8, 31), None)
    assert later.flags == ("overdue",)


def test_never_inspected_without_a_licence_date_is_due_on_the_day_asked() -> None:
    plan = inspection_calendar(D, 2, None, None)
    assert plan.next_due_on == D and plan.flags == ()


def test_a_failed_latest_inspection_calls_for_reinspection_within_30_days() -> None:
    plan = inspection_calendar(D, 1, None, LastInspection(date(2026, 11, 10), True))
    assert plan.reinspection_due_on == date(2026, 12, 10)
    assert plan.flags == ("reinspection_due",)
    late = inspection_calendar(date(2026, 12, 11), 1, None, LastInspection(date(2026, 11, 10), True))
    assert late.flags == ("reinspection_due", "overdue")
    on_the_day = inspection_calendar(date(2026, 12, 10), 1, None,
                                     LastInspection(date(2026, 11, 10), True))
    assert on_the_day.flags == ("reinspection_due",)


def test_non_compliant_and_refused_inspections_fail_the_others_do_not() -> None:
    assert inspection_failed("non_compliant", False)
    assert inspection_failed("compliant", True)
    assert not inspection_failed("basically_compliant", False)
    assert not inspection_failed("compliant", False)


def test_of_two_inspections_on_the_last_day_a_failed_one_counts_none_is_later() -> None:
    last = latest_inspection([(date(2026, 3, 1), True), (date(2026, 6, 1), False),
                              (date(2026, 6, 1), True)])
    assert last == LastInspection(date(2026, 6, 1), True)
    assert latest_inspection([(date(2026, 3, 1), True), (date(2026, 6, 1), False)]) == \
        LastInspection(date(2026, 6, 1), False)
    assert latest_inspection([]) is None


@pytest.mark.parametrize("per_year, months", [(None, 12), (0, 12), (5, 2), (6, 2), (12, 1),
                                              (13, 1)])
def test_counts_that_do_not_divide_twelve_round_the_interval_down(
        per_year: int | None, months: int) -> None:
    assert months_between_inspections(per_year) == months


days = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))


@given(last=days, per_year=st.integers(min_value=1, max_value=4))
def test_next_due_keeps_the_day_or_falls_on_the_last_day_of_the_month(
        last: date, per_year: int) -> None:
    due = inspection_calendar(last, per_year, None, LastInspection(last, False)).next_due_on
    months = 12 // per_year
    assert (due.year * 12 + due.month) - (last.year * 12 + last.month) == months
    month_end = calendar.monthrange(due.year, due.month)[1]
    assert due.day == min(last.day, month_end)


@given(last=days, per_year=st.integers(min_value=1, max_value=4))
def test_next_due_is_never_earlier_for_a_later_inspection(last: date, per_year: int) -> None:
    """Month clamping never makes a later inspection due earlier (a plan sorted by it
    does not reorder enterprises inspected on consecutive days backwards)."""
    a = inspection_calendar(last, per_year, None, LastInspection(last, False)).next_due_on
    b = inspection_calendar(last, per_year, None,
                            LastInspection(last + timedelta(days=1), False)).next_due_on
    assert a <= b


@given(last=days, as_of_offset=st.integers(min_value=0, max_value=800),
       failed=st.booleans(), per_year=st.integers(min_value=1, max_value=4))
def test_overdue_exactly_when_a_due_date_has_passed(
        last: date, as_of_offset: int, failed: bool, per_year: int) -> None:
    as_of = last + timedelta(days=as_of_offset)
    plan = inspection_calendar(as_of, per_year, None, LastInspection(last, failed))
    passed = as_of > plan.next_due_on or (failed and as_of_offset > 30)
    assert ("overdue" in plan.flags) == passed
    assert ("reinspection_due" in plan.flags) == failed
