"""Reading an import file row by row: XLSX (one sheet per record kind, named after it) or
CSV (one kind, chosen by the uploader). The first row holds the column names of the kind
(services/record_columns.py); every later non-empty row is one record.

XLSX is opened with openpyxl's read-only mode and CSV read line by line, so a 10,000-row
file is never held as a whole workbook in memory; the rows themselves are yielded.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from credit_engine.domain.record_kinds import KINDS
from credit_engine.errors import ValidationFailed
from credit_engine.services.record_columns import columns_of

FORMATS = ("xlsx", "csv")


@dataclass(frozen=True)
class SheetRow:
    """One data row of the file: its kind, sheet (the kind for CSV), 1-based row number
    as the spreadsheet shows it, and its cells by column name."""

    kind: str
    sheet: str
    row_number: int
    values: dict[str, Any]


def file_format(filename: str) -> str:
    """`xlsx` or `csv` by the file's name; ValidationFailed naming `file` otherwise."""
    suffix = Path(filename).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise ValidationFailed({"file": ["Must be an .xlsx or .csv file."]})
    return suffix


def _headers(kind: str, sheet: str, cells: Iterable[Any]) -> list[str | None]:
    headers = [str(c).strip() if c is not None and str(c).strip() else None for c in cells]
    unknown = sorted({h for h in headers if h is not None} - set(columns_of(kind)))
    if unknown:
        raise ValidationFailed({f"{sheet}.headers": [
            f"Unknown columns for {kind}: {', '.join(unknown)}."]})
    if not any(headers):
        raise ValidationFailed({f"{sheet}.headers": ["The first row must name the columns."]})
    return headers


def _rows(kind: str, sheet: str, lines: Iterator[tuple[Any, ...]]) -> Iterator[SheetRow]:
    first = next(lines, None)
    if first is None:
        return
    headers = _headers(kind, sheet, first)
    for number, cells in enumerate(lines, start=2):
        values = {h: c for h, c in zip(headers, cells) if h is not None}
        if any(v is not None and str(v).strip() for v in values.values()):
            yield SheetRow(kind, sheet, number, values)


def _xlsx_rows(path: Path) -> Iterator[SheetRow]:
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as error:
        raise ValidationFailed({"file": [f"Not a readable .xlsx file ({type(error).__name__})."]})
    try:
        unknown = [name for name in book.sheetnames if name not in KINDS]
        if unknown:
            raise ValidationFailed({"file": [
                f"Sheets must be named after record kinds; unknown: {', '.join(unknown)}."]})
        for name in book.sheetnames:
            yield from _rows(name, name, book[name].iter_rows(values_only=True))
    finally:
        book.close()


def _csv_rows(path: Path, kind: str) -> Iterator[SheetRow]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            yield from _rows(kind, kind, (tuple(line) for line in csv.reader(handle)))
    except UnicodeDecodeError:
        raise ValidationFailed({"file": ["A .csv file must be UTF-8 text."]}) from None


def read_rows(path: Path, filename: str, csv_kind: str | None) -> Iterator[SheetRow]:
    """The data rows of the file at `path` (uploaded as `filename`); a CSV file's rows are
    of `csv_kind`. File-level problems are ValidationFailed naming `file` or `kind`."""
    if file_format(filename) == "xlsx":
        return _xlsx_rows(path)
    if csv_kind is None or csv_kind not in KINDS:
        raise ValidationFailed({"kind": ["Choose the record kind of the .csv file."]})
    return _csv_rows(path, csv_kind)
