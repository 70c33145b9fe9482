"""Objection deadlines: the 15th working day after publication (docs/domain.md).

Expected dates are counted by hand from the State Council's official arrangements:
2026 Spring Festival off 15-23 February, make-up working days Saturday 14 and Saturday
28 February; 2026 National Day off 1-7 October, make-up working day Saturday 10 October.
"""

from datetime import date, timedelta

import pytest

from credit_engine.calendars.schedules import (
    load_holidays_file, official_calendar, shipped_schedules,
)
from credit_engine.domain.working_days import (
    HolidaysFileError, LocalAdditions, ObjectionDeadline, WorkingDayCalendar,
    parse_holidays_file, statutory_holidays,
)


@pytest.fixture
def calendar() -> WorkingDayCalendar:
    return official_calendar()


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


def test_year_without_a_schedule_counts_weekends_and_statutory_holidays_provisionally(calendar):
    # Monday 1 March 2027, no holiday in March: 2-5 Mar=1..4, 8-12=5..9, 15-19=10..14, 22 Mar=15
    assert calendar.deadline(date(2027, 3, 1)) == ObjectionDeadline(
        date(2027, 3, 22), True, (2027,))


def test_extra_local_holiday_moves_the_deadline():
    calendar = WorkingDayCalendar({date(2026, 3, 10)}, schedules=shipped_schedules())
    assert calendar.objection_deadline(date(2026, 3, 2)) == date(2026, 3, 24)


def test_extra_holidays_file_reads_dates_and_skips_comments(tmp_path):
    path = tmp_path / "holidays.txt"
    path.write_text("# local closures\n2026-03-10  # flood\n\n2026-03-11\n", encoding="utf-8")
    assert load_holidays_file(path).closures == {date(2026, 3, 10), date(2026, 3, 11)}


def test_extra_holidays_file_with_a_bad_line_names_the_file_and_line():
    with pytest.raises(HolidaysFileError, match="local.txt, line 2: '10/03/2026'"):
        parse_holidays_file(["2026-03-10", "10/03/2026"], "local.txt")


def test_missing_extra_holidays_file_is_a_clear_error(tmp_path):
    with pytest.raises(HolidaysFileError, match="cannot be read"):
        load_holidays_file(tmp_path / "absent.txt")


# The worked examples of the rule (docs/working-days.md).

def test_worked_example_spring_festival_2026_under_the_official_schedule(calendar):
    assert calendar.deadline(date(2026, 2, 13)) == ObjectionDeadline(date(2026, 3, 12), False)


def test_worked_example_new_year_2027_is_statutory_and_the_deadline_provisional(calendar):
    # 22-25, 28-31 Dec = 1..8; 1 Jan 2027 (Fri) statutory; 4-8 Jan = 9..13; 11-12 Jan = 14, 15
    assert calendar.deadline(date(2026, 12, 21)) == ObjectionDeadline(
        date(2027, 1, 12), True, (2027,))


def test_worked_example_spring_festival_2027_statutory_days_only(calendar):
    # 26-29 Jan = 1..4; 1-4 Feb = 5..8; 5 Feb (Eve) and 8 Feb (third day) statutory;
    # 9-12 Feb = 9..12; 15-17 Feb = 13..15
    assert calendar.deadline(date(2027, 1, 25)) == ObjectionDeadline(
        date(2027, 2, 17), True, (2027,))


def test_a_deadline_inside_a_scheduled_year_is_not_provisional(calendar):
    assert not calendar.deadline(date(2026, 11, 2)).provisional


# Statutory holidays: computed for any year.

@pytest.mark.parametrize("year, festival, day", [
    (2027, "春节", date(2027, 2, 6)), (2028, "春节", date(2028, 1, 26)),
    (2029, "春节", date(2029, 2, 13)), (2030, "春节", date(2030, 2, 3)),
    (2027, "农历除夕", date(2027, 2, 5)), (2030, "农历除夕", date(2030, 2, 2)),
    (2027, "清明节", date(2027, 4, 5)), (2028, "清明节", date(2028, 4, 4)),
    (2030, "清明节", date(2030, 4, 5)),
    (2027, "端午节", date(2027, 6, 9)), (2028, "端午节", date(2028, 5, 28)),
    (2029, "端午节", date(2029, 6, 16)),
    (2027, "中秋节", date(2027, 9, 15)), (2028, "中秋节", date(2028, 10, 3)),
    (2029, "中秋节", date(2029, 9, 22)),
])
def test_lunar_and_solar_term_holidays_fall_on_their_known_dates(year, festival, day):
    assert day in statutory_holidays(year)
    assert not WorkingDayCalendar(schedules={}).is_working_day(day) or day.weekday() >= 5


def test_every_year_has_the_thirteen_statutory_days_of_the_2024_regulation():
    for year in range(2025, 2061):
        days = statutory_holidays(year)
        fixed = {date(year, 1, 1), date(year, 5, 1), date(year, 5, 2),
                 date(year, 10, 1), date(year, 10, 2), date(year, 10, 3)}
        assert fixed <= days, year
        # 13 days; 12 when Mid-Autumn falls on 1-3 October.
        assert len(days) in (12, 13), (year, sorted(days))


def test_the_2027_statutory_days_are_not_the_librarys_rule_based_observed_days():
    days = statutory_holidays(2027)
    assert date(2027, 2, 9) not in days and date(2027, 5, 3) not in days
    assert date(2027, 10, 4) not in days


# Shipped schedules, checked against the chinesecalendar package's copy of the notices.

def _days_of(year: int):
    day = date(year, 1, 1)
    while day.year == year:
        yield day
        day += timedelta(days=1)


def test_shipped_schedules_cover_2025_and_2026_and_name_their_notice():
    schedules = shipped_schedules()
    assert {2025, 2026} <= set(schedules)
    for year, schedule in schedules.items():
        assert f"{year}年部分节假日安排的通知" in schedule.source


@pytest.mark.parametrize("year", sorted(shipped_schedules()))
def test_shipped_schedule_agrees_day_for_day_with_chinesecalendar(calendar, year):
    chinese_calendar = pytest.importorskip("chinese_calendar")
    differing = [d for d in _days_of(year)
                 if calendar.is_working_day(d) != chinese_calendar.is_workday(d)]
    assert differing == []


def test_statutory_holidays_are_days_off_in_every_year_chinesecalendar_knows():
    chinese_calendar = pytest.importorskip("chinese_calendar")
    worked = [(y, d) for y in range(2004, 2027) for d in statutory_holidays(y)
              if chinese_calendar.is_workday(d)]
    assert worked == []


# The local holidays file: closures, make-up working days, complete years.

def test_holidays_file_reads_closures_make_up_days_and_complete_years():
    local = parse_holidays_file([
        "2027-01-04          # a closure, as before", "2027-01-05 off", "2027-02-20 work",
        "2027 complete  # the 2027 notice is transcribed above"])
    assert local == LocalAdditions(frozenset({date(2027, 1, 4), date(2027, 1, 5)}),
                                   frozenset({date(2027, 2, 20)}), frozenset({2027}))


@pytest.mark.parametrize("lines, message", [
    (["2027-02-20 wrok"], "line 1: '2027-02-20 wrok' is not one of"),
    (["2027-02-20", "", "2027-02-20 work"], "line 3: 2027-02-20 is listed both"),
    (["27 complete"], "line 1"),
])
def test_holidays_file_errors_name_the_file_and_line(lines, message):
    with pytest.raises(HolidaysFileError, match=f"local.txt, {message}"):
        parse_holidays_file(lines, "local.txt")


def test_a_complete_year_in_the_holidays_file_makes_its_deadlines_official(tmp_path):
    path = tmp_path / "holidays.txt"
    # Say the 2027 notice bridges Saturday 2 Jan to Monday 4 Jan and moves work to Sat 9 Jan.
    path.write_text("2027-01-04\n2027-01-09 work\n2027 complete\n", encoding="utf-8")
    calendar = official_calendar(path)
    # 22-25, 28-31 Dec = 1..8; 5-8 Jan = 9..12; 9 Jan (Sat, make-up) = 13; 11-12 Jan = 14, 15
    assert calendar.deadline(date(2026, 12, 21)) == ObjectionDeadline(date(2027, 1, 12), False)
    assert calendar.has_schedule(2027) and not calendar.has_schedule(2028)
