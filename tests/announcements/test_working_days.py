"""Objection deadlines: the 15th working day after publication (DOMAIN.md).

Expected dates are counted by hand from the State Council's official arrangements:
2026 Spring Festival off 15-23 February, make-up working days Saturday 14 and Saturday
28 February; 2026 National Day off 1-7 October, make-up working day Saturday 10 October.
"""

import logging
from datetime import date

import pytest

from credit_engine.domain.working_days import (
    HolidaysFileError, WorkingDayCalendar, load_extra_holidays, parse_extra_holidays,
)


@pytest.fixture
def calendar() -> WorkingDayCalendar:
    return WorkingDayCalendar()


def test_deadline_across_spring_festival_2026_counts_make_up_saturdays(calendar):
    # 14 Feb (Sat, make-up)=1, 24-27 Feb=2..5, 28 Feb (Sat, make-up)=6, 2-6 Mar=7..11, 9-12 Mar=12..15
    assert calendar.objection_deadline(date(2026, 2, 13)) == date(2026, 3, 12)


def test_deadline_across_national_day_2026(calendar):
    # 8-9 Oct=1,2, 10 Oct (Sat, make-up)=3, 12-16 Oct=4..8, 19-23 Oct=9..13, 26-27 Oct=14,15
    assert calendar.objection_deadline(date(2026, 9, 30)) == date(2026, 10, 27)


def test_publication_day_itself_does_not_count(calendar):
    # Monday 2 March 2026: 3-6 Mar=1..4, 9-13=5..9, 16-20=10..14, 23 Mar=15
    assert calendar.objection_deadline(date(2026, 3, 2)) == date(2026, 3, 23)


def test_make_up_saturday_is_a_working_day(calendar):
    assert calendar.is_working_day(date(2026, 2, 28))


def test_holiday_on_a_weekday_is_not_a_working_day(calendar):
    assert not calendar.is_working_day(date(2026, 10, 5))


def test_year_without_official_arrangement_falls_back_to_weekends_with_a_warning(calendar, caplog):
    caplog.set_level(logging.WARNING, logger="credit_engine.domain.working_days")
    # Monday 1 March 2027: 2-5 Mar=1..4, 8-12=5..9, 15-19=10..14, 22 Mar=15
    assert calendar.objection_deadline(date(2027, 3, 1)) == date(2027, 3, 22)
    warnings = [r for r in caplog.records if "2027" in r.getMessage()]
    assert len(warnings) == 1


def test_extra_local_holiday_moves_the_deadline():
    calendar = WorkingDayCalendar({date(2026, 3, 10)})
    assert calendar.objection_deadline(date(2026, 3, 2)) == date(2026, 3, 24)


def test_extra_holidays_file_reads_dates_and_skips_comments(tmp_path):
    path = tmp_path / "holidays.txt"
    path.write_text("# local closures\n2026-03-10  # flood\n\n2026-03-11\n", encoding="utf-8")
    assert load_extra_holidays(path) == {date(2026, 3, 10), date(2026, 3, 11)}


def test_extra_holidays_file_with_a_bad_line_names_the_line():
    with pytest.raises(HolidaysFileError, match="line 2"):
        parse_extra_holidays(["2026-03-10", "10/03/2026"])


def test_missing_extra_holidays_file_is_a_clear_error(tmp_path):
    with pytest.raises(HolidaysFileError, match="cannot be read"):
        load_extra_holidays(tmp_path / "absent.txt")
