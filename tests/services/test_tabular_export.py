"""The streaming CSV/XLSX helper: what a spreadsheet user opens, and that it streams."""

from __future__ import annotations

import csv
import glob
import io
import os
import tempfile
from collections.abc import Iterator

import pytest
from openpyxl import load_workbook

from credit_engine.services.tabular_export import csv_stream, xlsx_stream

HEADERS = ["uscc", "name", "score"]


def _rows(count: int) -> Iterator[list[object]]:
    for index in range(count):
        yield [f"91310000{index:010d}", f"餐馆{index}", index]


def test_csv_starts_with_bom_and_reads_back_in_utf8():
    body = b"".join(csv_stream(HEADERS, [["1", "张三餐馆, \"老店\"", None], ["2", "面馆", 7]]))
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows == [HEADERS, ["1", "张三餐馆, \"老店\"", ""], ["2", "面馆", "7"]]


def test_csv_is_yielded_in_several_chunks_and_consumes_rows_lazily():
    consumed = []

    def rows() -> Iterator[list[object]]:
        for row in _rows(2000):
            consumed.append(row)
            yield row

    stream = csv_stream(HEADERS, rows())
    next(stream)  # header only: no row read yet
    assert consumed == []
    next(stream)
    assert 0 < len(consumed) < 2000
    rest = list(stream)
    assert len(consumed) == 2000 and len(rest) >= 3


def test_csv_text_that_would_be_a_formula_is_quoted():
    body = b"".join(csv_stream(["name"], [["=HYPERLINK(\"x\")"], ["@SUM(A1)"], ["正常"]]))
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[1:] == [["'=HYPERLINK(\"x\")"], ["'@SUM(A1)"], ["正常"]]


def test_csv_header_only_when_no_rows():
    body = b"".join(csv_stream(HEADERS, []))
    assert body.decode("utf-8-sig") == "uscc,name,score\r\n"


def test_xlsx_opens_with_header_rows_and_sheet_title(tmp_path):
    path = tmp_path / "out.xlsx"
    path.write_bytes(b"".join(xlsx_stream(HEADERS, _rows(3), "评级 grades")))
    sheet = load_workbook(path)["评级 grades"]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values == [HEADERS, ["913100000000000000", "餐馆0", 0],
                      ["913100000000000001", "餐馆1", 1], ["913100000000000002", "餐馆2", 2]]


def test_xlsx_keeps_formula_like_text_as_text(tmp_path):
    path = tmp_path / "out.xlsx"
    path.write_bytes(b"".join(xlsx_stream(["name"], [["=1+1"]], "x")))
    cell = load_workbook(path)["x"]["A2"]
    assert (cell.value, cell.data_type) == ("=1+1", "s")


def _leftover_files() -> set[str]:
    return set(glob.glob(os.path.join(tempfile.gettempdir(), "credit-engine-export-*")))


def test_xlsx_temporary_file_is_deleted_when_done_and_when_abandoned():
    before = _leftover_files()
    blocks = list(xlsx_stream(HEADERS, _rows(20000), "big"))
    assert len(blocks) > 1  # streamed in blocks, not one body
    assert _leftover_files() == before
    stream = xlsx_stream(HEADERS, _rows(20000), "big")
    next(stream)
    assert len(_leftover_files() - before) == 1
    stream.close()  # the client went away
    assert _leftover_files() == before


def test_xlsx_failing_rows_leave_no_file_behind():
    before = _leftover_files()

    def broken() -> Iterator[list[object]]:
        yield ["1", "a", 1]
        raise RuntimeError("query failed")

    with pytest.raises(RuntimeError):
        list(xlsx_stream(HEADERS, broken(), "x"))
    assert _leftover_files() == before
