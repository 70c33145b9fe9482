"""Import templates: per record kind an XLSX workbook (one sheet named after the kind) or a
CSV file whose first row holds the kind's column names (services/record_columns.py)."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook

from credit_engine.services.record_columns import columns_of


def template_xlsx(kind: str) -> bytes:
    """An empty XLSX template of `kind`: its sheet with the header row."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(kind)
    sheet.append(list(columns_of(kind)))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_csv(kind: str) -> bytes:
    """An empty CSV template of `kind` (UTF-8 with a byte-order mark, so spreadsheet
    programs read the Chinese they will hold)."""
    text = io.StringIO()
    csv.writer(text).writerow(columns_of(kind))
    return ("\ufeff" + text.getvalue()).encode("utf-8")
