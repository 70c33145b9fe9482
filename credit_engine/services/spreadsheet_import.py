"""Spreadsheet import of records (docs/office-workflows.md): a preview that judges every row
and stores nothing, then an all-or-nothing commit, idempotent by external_id.

Each row becomes the record the API would receive (services/record_columns.py), is
validated by the API's own schema (RecordInSchema) and the batch by the API's own checks
(services/records.py `batch_problems`); the commit is `ingest_records`, in one transaction.
Errors are kept per row, keyed by column, in English: the pages translate them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from marshmallow import ValidationError
from sqlalchemy.orm import Session

from credit_engine.errors import ValidationFailed
from credit_engine.services.audit import append_audit
from credit_engine.services.record_columns import record_from_values
from credit_engine.services.records import batch_problems, ingest_records
from credit_engine.services.spreadsheet_rows import SheetRow
from credit_engine.storage.repositories.enterprise_districts import districts_of
from credit_engine.storage.repositories.records import known_external_ids
from credit_engine.validation.context import validation_today
from credit_engine.validation.errors import flatten_errors
from credit_engine.validation.records import RecordInSchema

MAX_ROWS = 10_000  # rows of one file: one transaction, one preview page
_BATCH_PATH = re.compile(r"records\[(\d+)\]\.?(.*)")
_SCHEMA = RecordInSchema()


@dataclass(frozen=True)
class RowProblem:
    """The errors of one row: where it is and, by column, what is wrong."""

    sheet: str
    row_number: int
    external_id: str | None
    errors: dict[str, list[str]]


@dataclass
class ImportCheck:
    """What an import would do: the valid records, the rows with errors, the counts."""

    records: list[dict[str, Any]] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    rows: int = 0
    by_kind: Counter[str] = field(default_factory=Counter)
    already_received: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems and self.rows > 0


def _too_many() -> ValidationFailed:
    return ValidationFailed({"file": [f"Must have at most {MAX_ROWS} rows."]})


def district_problems(session: Session, records: list[dict[str, Any]],
                      district: str) -> dict[str, list[str]]:
    """Errors naming `records[i].subject.id` for enterprises not of `district` (what a
    district-bound member of staff may not enter)."""
    usccs = [r["subject"]["id"] for r in records if r["subject"]["type"] == "enterprise"]
    districts = districts_of(session, usccs)
    return {f"records[{i}].subject.id": [f"Not an enterprise of {district}."]
            for i, r in enumerate(records) if r["subject"]["type"] == "enterprise"
            and r["subject"]["id"] in districts and districts[r["subject"]["id"]] != district}


def check_import(session: Session, rows: Iterable[SheetRow], today: date,
                 district: str | None = None) -> ImportCheck:
    """Judge every row as the API would (and, for a district-bound user, that each
    enterprise is of `district`); stores nothing."""
    check, placed = ImportCheck(), []
    with validation_today(today):
        for row in rows:
            check.rows += 1
            if check.rows > MAX_ROWS:
                raise _too_many()
            record = record_from_values(row.kind, row.values)
            try:
                check.records.append(_SCHEMA.load(record))  # type: ignore[arg-type]
            except ValidationError as error:
                check.problems.append(RowProblem(row.sheet, row.row_number,
                                                 record.get("external_id"),
                                                 flatten_errors(error.messages)))
                continue
            placed.append(row)
            check.by_kind[row.kind] += 1
    if check.records:
        batch = batch_problems(session, check.records)
        if district is not None:
            batch |= district_problems(session, check.records, district)
        _attach_batch_problems(check, placed, batch)
        check.already_received = len(known_external_ids(
            session, (r["external_id"] for r in check.records), chunk=1000))
    check.problems.sort(key=lambda p: (p.sheet, p.row_number))
    return check


def _attach_batch_problems(check: ImportCheck, placed: list[SheetRow],
                           batch: dict[str, list[str]]) -> None:
    by_index: dict[int, dict[str, list[str]]] = {}
    for path, messages in batch.items():
        found = _BATCH_PATH.fullmatch(path)
        index, column = (int(found[1]), found[2]) if found else (0, path)
        by_index.setdefault(index, {}).setdefault(column, []).extend(messages)
    for index, errors in sorted(by_index.items()):
        row = placed[index]
        check.problems.append(RowProblem(row.sheet, row.row_number,
                                         check.records[index]["external_id"], errors))


def commit_import(session: Session, rows: Iterable[SheetRow], filename: str, actor: str,
                  today: date, district: str | None = None) -> dict[str, int]:
    """Judge the file again and store all its records in the caller's one transaction, or
    nothing (ValidationFailed naming the rows). Returns created and unchanged counts."""
    check = check_import(session, rows, today, district)
    if not check.ok:
        errors = {f"{p.sheet}!{p.row_number}.{column}": messages
                  for p in check.problems for column, messages in p.errors.items()}
        raise ValidationFailed(errors or {"file": ["The file has no records."]},
                               "Some rows cannot be imported; nothing was stored.")
    results = ingest_records(session, check.records, actor)
    counts = Counter(r["status"] for r in results)
    append_audit(session, actor, "records.imported", f"file:{filename[:150]}", {
        "rows": check.rows, "created": counts["created"], "unchanged": counts["unchanged"],
        "by_kind": dict(check.by_kind)})
    return {"rows": check.rows, "created": counts["created"], "unchanged": counts["unchanged"]}
