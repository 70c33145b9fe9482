"""Spreadsheet import over HTTP: preview with every row's errors in Chinese and nothing
stored, then an all-or-nothing commit, idempotent by external_id."""

from __future__ import annotations

import io
import re

import pytest
from api_helpers import USCC_A, audit_entries, valid_uscc
from office_helpers import create_staff, csrf_token, login
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from credit_engine.services.record_columns import columns_of
from credit_engine.storage.models import EnterpriseRow, RecordRow

SHOP = valid_uscc(USCC_A)
_TOKEN = re.compile(r'name="token" value="([^"]+)"')


@pytest.fixture
def clerk(client, container):
    with container.transaction() as session:
        session.add(EnterpriseRow(uscc=SHOP, name="金碗餐馆", category="catering"))
    create_staff(container, "clerk1", "clerk")
    login(client, "clerk1")
    return client


def workbook(sheets: dict[str, list[list[object]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for kind, rows in sheets.items():
        sheet = book.create_sheet(kind)
        sheet.append(list(columns_of(kind)))
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(client, body: bytes, name: str = "records.xlsx", kind: str = ""):
    token = csrf_token(client, "/office/import")
    return client.post("/office/import/preview", content_type="multipart/form-data", data={
        "csrf_token": token, "kind": kind, "file": (io.BytesIO(body), name)})


def _commit(client, preview_html: str):
    token = csrf_token(client, "/office/import")
    return client.post("/office/import/commit",
                       data={"csrf_token": token, "token": _TOKEN.search(preview_html)[1]})


def _count(container) -> int:
    with container.session_factory() as session:
        return session.scalar(select(func.count()).select_from(RecordRow)) or 0


BAD = {"complaint": [["C-1", "enterprise", SHOP, "2026-05-01", "是"],
                     ["C-2", "enterprise", SHOP, "2999-01-01", "maybe"]],
       "penalty": [["P-1", "enterprise", SHOP, "2026-05-10", None, "fine", None]]}
GOOD = {"complaint": [["C-1", "enterprise", SHOP, "2026-05-01", "是"],
                      ["C-2", "enterprise", SHOP, "2026-06-01", "否"]],
        "penalty": [["P-1", "enterprise", SHOP, "2026-05-10", None, "fine", 5000]]}


def test_the_preview_lists_every_rows_errors_in_chinese_and_stores_nothing(
        clerk, container) -> None:
    response = _upload(clerk, workbook(BAD))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "有 2 行需要修改" in html
    assert "不能晚于今天" in html and "请填写“是”或“否”" in html and "当 measures include fine 时必填" in html
    assert 'name="token"' not in html  # no commit offered
    assert _count(container) == 0


def test_a_fixed_file_is_committed_all_at_once_and_again_is_unchanged(clerk, container) -> None:
    preview = _upload(clerk, workbook(GOOD))
    assert preview.status_code == 200
    done = _commit(clerk, preview.get_data(as_text=True))
    assert done.status_code == 200 and "新保存 3 条" in done.get_data(as_text=True)
    assert _count(container) == 3
    again = _commit(clerk, _upload(clerk, workbook(GOOD)).get_data(as_text=True))
    assert "此前已收到 3 条" in again.get_data(as_text=True) and _count(container) == 3
    assert [e.actor for e in audit_entries(container, "records.imported")] == ["user:clerk1"] * 2


def test_a_changed_record_under_a_known_external_id_is_a_row_error(clerk, container) -> None:
    _commit(clerk, _upload(clerk, workbook(GOOD)).get_data(as_text=True))
    changed = {"complaint": [["C-1", "enterprise", SHOP, "2026-05-02", "是"]]}
    response = _upload(clerk, workbook(changed))
    assert response.status_code == 422
    assert "已收到过，且内容不同" in response.get_data(as_text=True)


def test_a_csv_file_of_one_kind_imports(clerk, container) -> None:
    text = ",".join(columns_of("complaint")) + f"\nC-9,enterprise,{SHOP},2026-05-01,true\n"
    preview = _upload(clerk, text.encode("utf-8-sig"), "complaints.csv", "complaint")
    assert preview.status_code == 200, preview.get_data(as_text=True)[-800:]
    _commit(clerk, preview.get_data(as_text=True))
    assert _count(container) == 1


def test_a_file_of_another_format_or_unknown_sheet_is_refused_in_chinese(clerk) -> None:
    assert "只能上传 .xlsx 或 .csv" in _upload(clerk, b"x", "a.txt").get_data(as_text=True)
    bad_sheet = workbook({"complaint": []})
    book = load_workbook(io.BytesIO(bad_sheet))
    book.create_sheet("notes")
    out = io.BytesIO()
    book.save(out)
    assert "无法识别：notes" in _upload(clerk, out.getvalue()).get_data(as_text=True)


@pytest.mark.parametrize("kind", ["penalty", "training"])
def test_each_kinds_template_has_its_columns(clerk, kind) -> None:
    response = clerk.get(f"/office/import/template/{kind}.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data))[kind]
    assert [c.value for c in next(sheet.iter_rows())] == list(columns_of(kind))
    csv_text = clerk.get(f"/office/import/template/{kind}.csv").data.decode("utf-8-sig")
    assert csv_text.strip() == ",".join(columns_of(kind))
