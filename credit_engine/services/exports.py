"""Grade exports: the office's spreadsheet of every enterprise and the public open-data CSV.

Both are streamed: rows come from one batched query (storage/repositories/grade_exports.py)
inside a session the stream itself opens and closes, and go through
services/tabular_export.py into the response, so memory stays flat however many
enterprises there are. The office export is audited before its first byte is sent; the
open data is public information only (docs/domain.md, privacy): enterprises, never persons.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from credit_engine.services.audit import append_audit
from credit_engine.services.tabular_export import csv_stream, xlsx_stream
from credit_engine.storage.repositories.grade_exports import (
    ExportedEnterprise,
    enterprises_with_grades,
)

SessionScope = Callable[[], AbstractContextManager[Session]]

GRADE_HEADERS = ("uscc", "name", "category", "district", "grade", "score", "graded_on",
                 "measures")
MEASURE_SEPARATOR = ";"


def measure_codes(measures: list[dict[str, Any]], as_of: date) -> str:
    """Codes of the measures still running on `as_of` (as the public page lists them),
    each once, joined by ';'."""
    codes = [m["code"] for m in measures
             if m.get("until") is None or date.fromisoformat(m["until"]) > as_of]
    return MEASURE_SEPARATOR.join(dict.fromkeys(codes))


def _row(item: ExportedEnterprise, as_of: date) -> list[Any]:
    return [item.uscc, item.name, item.category, item.district, item.grade, item.score,
            item.graded_on.isoformat() if item.graded_on else None,
            measure_codes(item.measures, as_of)]


def grade_rows(open_session: SessionScope, as_of: date,
               district: str | None) -> Iterator[list[Any]]:
    """One row per enterprise (GRADE_HEADERS), read inside a session of its own that ends
    when the rows do, or when the stream is closed early."""
    with open_session() as session:
        for item in enterprises_with_grades(session, as_of, district):
            yield _row(item, as_of)


def audit_grade_export(session: Session, actor: str, as_of: date, district: str | None,
                       fmt: str) -> None:
    """Record who exported which grades, before the export starts."""
    append_audit(session, actor, "export.grades", "enterprises",
                 {"as_of": as_of.isoformat(), "district": district, "format": fmt})


def grade_export(open_session: SessionScope, as_of: date, district: str | None,
                 fmt: str) -> Iterator[bytes]:
    """The office's grade export as a CSV or XLSX body."""
    rows = grade_rows(open_session, as_of, district)
    if fmt == "xlsx":
        return xlsx_stream(GRADE_HEADERS, rows, f"grades {as_of.isoformat()}")
    return csv_stream(GRADE_HEADERS, rows)


def open_data_grades(open_session: SessionScope, as_of: date) -> Iterator[bytes]:
    """The public open-data CSV: every enterprise's public grade facts, no person data."""
    return csv_stream(GRADE_HEADERS, grade_rows(open_session, as_of, None))
