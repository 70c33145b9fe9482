"""The SQL spelling of calendar months and days agrees with the domain's, on both databases."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Date, literal, select
from sqlalchemy.orm import Session

from credit_engine.domain.dates import add_months
from credit_engine.storage.portable_sql import add_days_sql, add_months_sql


def _edge_days() -> list[date]:
    days: list[date] = []
    for year in (2023, 2024):
        for month in range(1, 13):
            first = date(year, month, 1)
            end = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
            days.append(first)
            days.extend(end - timedelta(days=back) for back in range(4))
    return days


def test_sql_add_months_clamps_to_the_month_end_as_the_domain_does(session: Session) -> None:
    days = _edge_days()
    for months in (1, 3, 4, 6, 12, 13):
        columns = [add_months_sql(literal(day, Date), literal(months)).label(f"d{i}")
                   for i, day in enumerate(days)]
        row = session.execute(select(*columns)).one()
        got = [value if isinstance(value, date) else date.fromisoformat(value) for value in row]
        assert got == [add_months(day, months) for day in days], months


def test_sql_add_days_crosses_month_and_year_ends(session: Session) -> None:
    days = [date(2024, 2, 10), date(2025, 12, 15), date(2024, 1, 31)]
    row = session.execute(select(*[add_days_sql(literal(d, Date), literal(30)).label(f"d{i}")
                                   for i, d in enumerate(days)])).one()
    got = [value if isinstance(value, date) else date.fromisoformat(value) for value in row]
    assert got == [d + timedelta(days=30) for d in days]
