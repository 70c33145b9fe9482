"""Streaming CSV and XLSX bodies for exports: rows in, bytes out, memory flat.

Every export (grades, open data, the inspection plan) hands an iterator of rows to one
of these two functions and passes the result straight to the HTTP response, so no
export ever holds its whole table. CSV starts with a UTF-8 byte order mark because
the office opens these files in Excel, which otherwise reads UTF-8 Chinese names as
mojibake. XLSX cannot be written as a stream (a zip's central directory comes last), so
openpyxl's write-only workbook (constant memory per row) writes a temporary file that
is then read back in blocks and deleted, also when the client goes away midway.

Text comes from registrations anyone can file, so neither format lets it become a
formula: XLSX cells that start with "=" are stored as text, and CSV text fields that
start with = + - @ or a tab get a leading apostrophe (OWASP's advice for CSV).
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_BOM = "\ufeff".encode("utf-8")
_ROWS_PER_CHUNK = 500
_BLOCK_BYTES = 64 * 1024
_SHEET_TITLE_MAX = 31  # Excel refuses longer sheet names
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_stream(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> Iterator[bytes]:
    """The CSV body in chunks of a few hundred rows: BOM, header line, then the rows.

    `None` becomes an empty field; everything else is written as `str()` would show it.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(headers)
    yield _BOM + buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    pending = 0
    for row in rows:
        writer.writerow([_csv_field(value) for value in row])
        pending += 1
        if pending >= _ROWS_PER_CHUNK:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
            pending = 0
    if pending:
        yield buffer.getvalue().encode("utf-8")


def xlsx_stream(headers: Sequence[str], rows: Iterable[Sequence[Any]],
                sheet_title: str) -> Iterator[bytes]:
    """The XLSX body in 64 KiB blocks: one sheet, a header row, then the rows.

    The workbook is written completely before the first block is yielded, so a failing
    row query fails before any byte reaches the client.
    """
    handle, path = tempfile.mkstemp(prefix="credit-engine-export-", suffix=".xlsx")
    os.close(handle)
    try:
        _write_workbook(path, headers, rows, sheet_title)
        with open(path, "rb") as body:
            while block := body.read(_BLOCK_BYTES):
                yield block
    finally:
        os.unlink(path)


def _write_workbook(path: str, headers: Sequence[str], rows: Iterable[Sequence[Any]],
                    sheet_title: str) -> None:
    """Write-only mode keeps one row in memory at a time instead of the whole sheet."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=sheet_title[:_SHEET_TITLE_MAX] or "Sheet1")
    sheet.append(list(headers))
    try:
        for row in rows:
            sheet.append([_xlsx_cell(sheet, value) for value in row])
    finally:
        # Also on failure: saving closes the sheet's row writer and removes openpyxl's
        # own per-sheet temporary file (the caller deletes `path`).
        workbook.save(path)


def _csv_field(value: Any) -> Any:
    """Empty for None; text that a spreadsheet would run as a formula is quoted."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


def _xlsx_cell(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    """Text starting with "=" stays text (openpyxl would store it as a formula)."""
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value
