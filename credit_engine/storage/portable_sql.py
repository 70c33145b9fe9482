"""SQL expressions SQLite and PostgreSQL spell differently: calendar months, days, JSON lists.

The inspection plan sorts and filters a million enterprises by a due date computed in the
database, so the month arithmetic of credit_engine/domain/dates.py (`add_months`: the day
clamped to the month's end, 31 March + 1 month = 30 April) is spelt here once per dialect.
PostgreSQL's `date + interval 'n months'` clamps by itself; SQLite's `date(x, '+n months')`
overflows into the next month (31 January + 1 month = 3 March), so it is built from the
first of the month instead. tests/storage/test_portable_sql.py holds both to `add_months`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Boolean, Date
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.functions import FunctionElement


class add_months_sql(FunctionElement[Any]):
    """`add_months(day, months)` in SQL: a date plus whole calendar months, day clamped."""

    type = Date()
    inherit_cache = True
    name = "add_months_sql"


class add_days_sql(FunctionElement[Any]):
    """`day + days` in SQL (a date)."""

    type = Date()
    inherit_cache = True
    name = "add_days_sql"


class json_list_contains(FunctionElement[Any]):
    """True when the JSON document's top-level list under `key` holds the string `value`:
    json_list_contains(column, key literal, value)."""

    type = Boolean()
    inherit_cache = True
    name = "json_list_contains"


def _args(element: FunctionElement[Any], compiler: SQLCompiler, **kw: Any) -> list[str]:
    return [compiler.process(arg, **kw) for arg in element.clauses]


@compiles(add_months_sql, "postgresql")
def _add_months_postgresql(element: add_months_sql, compiler: SQLCompiler, **kw: Any) -> str:
    day, months = _args(element, compiler, **kw)
    return f"CAST(({day}) + make_interval(months => CAST({months} AS INTEGER)) AS DATE)"


@compiles(add_months_sql)
def _add_months_sqlite(element: add_months_sql, compiler: SQLCompiler, **kw: Any) -> str:
    day, months = _args(element, compiler, **kw)
    same_day = (f"date({day}, 'start of month', '+' || ({months}) || ' months', "
                f"'+' || (CAST(strftime('%d', {day}) AS INTEGER) - 1) || ' days')")
    month_end = f"date({day}, 'start of month', '+' || (({months}) + 1) || ' months', '-1 day')"
    return f"min({same_day}, {month_end})"


@compiles(add_days_sql, "postgresql")
def _add_days_postgresql(element: add_days_sql, compiler: SQLCompiler, **kw: Any) -> str:
    day, days = _args(element, compiler, **kw)
    return f"(({day}) + CAST({days} AS INTEGER))"


@compiles(add_days_sql)
def _add_days_sqlite(element: add_days_sql, compiler: SQLCompiler, **kw: Any) -> str:
    day, days = _args(element, compiler, **kw)
    return f"date({day}, '+' || ({days}) || ' days')"


@compiles(json_list_contains, "postgresql")
def _contains_postgresql(element: json_list_contains, compiler: SQLCompiler, **kw: Any) -> str:
    document, key, value = _args(element, compiler, **kw)
    return (f"COALESCE((CAST({document} AS JSONB) -> CAST({key} AS TEXT)) "
            f"@> jsonb_build_array(CAST({value} AS TEXT)), false)")


@compiles(json_list_contains)
def _contains_sqlite(element: json_list_contains, compiler: SQLCompiler, **kw: Any) -> str:
    document, key, value = _args(element, compiler, **kw)
    return (f"EXISTS (SELECT 1 FROM json_each({document}, '$.' || {key}) AS listed "
            f"WHERE listed.value = {value})")
