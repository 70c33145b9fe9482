"""Spreadsheet import: templates, an upload that is previewed (every row's errors in
Chinese, nothing stored), then an all-or-nothing commit of the same file.

Between preview and commit the uploaded file waits in a private temporary directory under
an unguessable token kept in the user's session (not in the database: a preview stores
nothing); the commit reads and judges it again, so nothing rests on the preview's answer.
"""

from __future__ import annotations

import re
import secrets
import tempfile
from pathlib import Path

from credit_engine.api.office.messages_zh import translate, translate_errors
from credit_engine.api.office.record_labels import field_label, kind_label
from credit_engine.api.office.session import (
    OFFICE_NAV,
    actor,
    current_staff,
    office_blueprint,
    staff_required,
)
from credit_engine.api.runtime import business_today, run_use_case
from flask import Response, abort, render_template, request, session

from credit_engine.domain.record_kinds import KINDS
from credit_engine.domain.staff_roles import StaffRole
from credit_engine.errors import Conflict, ValidationFailed
from credit_engine.services.import_templates import template_csv, template_xlsx
from credit_engine.services.spreadsheet_import import check_import, commit_import
from credit_engine.services.spreadsheet_rows import file_format, read_rows

import_pages = office_blueprint("office_import", __name__)
OFFICE_NAV.append(("office_import.upload", "表格导入", StaffRole.CLERK))
UPLOADS_KEY = "office_imports"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def _upload_dir() -> Path:
    path = Path(tempfile.gettempdir()) / "credit-engine-imports"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


def _page(template: str, status: int = 200, **context: object) -> Response:
    return Response(render_template(template, kinds=[(k, kind_label(k)) for k in KINDS],
                                    field_label=field_label, kind_label=kind_label, **context),
                    status=status, mimetype="text/html")


@import_pages.route("/import")
@staff_required(StaffRole.CLERK)
def upload() -> Response:
    """The upload form and the templates."""
    return _page("office/import_upload.html")


@import_pages.route("/import/template/<kind>.<fmt>")
@staff_required(StaffRole.CLERK)
def template(kind: str, fmt: str) -> Response:
    """An empty template of `kind` as .xlsx or .csv."""
    if kind not in KINDS or fmt not in ("xlsx", "csv"):
        abort(404)
    body, mime = ((template_xlsx(kind), XLSX_MIME) if fmt == "xlsx"
                  else (template_csv(kind), "text/csv"))
    return Response(body, mimetype=mime, headers={
        "Content-Disposition": f'attachment; filename="{kind}.{fmt}"'})


def _file_errors(error: ValidationFailed) -> Response:
    messages = [f"{translate(m)}" for ms in error.errors.values() for m in ms]
    return _page("office/import_upload.html", 422, file_errors=messages)


@import_pages.route("/import/preview", methods=["POST"])
@staff_required(StaffRole.CLERK)
def preview() -> Response:
    """Judge every row of the uploaded file; store nothing; offer the commit if all pass."""
    upload_file = request.files.get("file")
    if upload_file is None or not upload_file.filename:
        return _page("office/import_upload.html", 422, file_errors=["请选择要上传的文件。"])
    filename, csv_kind = upload_file.filename, request.form.get("kind") or None
    try:
        token = secrets.token_urlsafe(24)
        path = _upload_dir() / f"{token}.{file_format(filename)}"  # openpyxl wants .xlsx
        upload_file.save(path)
        today, district = business_today(), current_staff().district
        check = run_use_case(lambda s: check_import(
            s, read_rows(path, filename, csv_kind), today, district))
    except ValidationFailed as error:
        return _file_errors(error)
    if check.ok:
        session.setdefault(UPLOADS_KEY, {})[token] = [filename, csv_kind]
        session.modified = True
    else:
        path.unlink(missing_ok=True)
    problems = [(p, translate_errors(p.errors)) for p in check.problems]
    return _page("office/import_preview.html", 200 if check.ok else 422, check=check,
                 problems=problems, token=token if check.ok else None, filename=filename)


@import_pages.route("/import/commit", methods=["POST"])
@staff_required(StaffRole.CLERK)
def commit() -> Response:
    """Store every record of the previewed file in one transaction, or none."""
    token = request.form.get("token", "")
    uploads = session.get(UPLOADS_KEY, {})
    if not _TOKEN.fullmatch(token) or token not in uploads:
        return _page("office/import_upload.html", 409,
                     file_errors=["这份文件的预览已失效，请重新上传。"])
    filename, csv_kind = uploads[token]
    path = _upload_dir() / f"{token}.{file_format(filename)}"
    today, district, who = business_today(), current_staff().district, actor()
    try:
        counts = run_use_case(lambda s: commit_import(
            s, read_rows(path, filename, csv_kind), filename, who, today, district))
    except (ValidationFailed, Conflict) as error:
        detail = translate_errors(error.errors) if isinstance(error, ValidationFailed) else {}
        return _page("office/import_upload.html", 409, file_errors=[
            "文件未能导入，未保存任何记录。"] + [f"{k}：{'；'.join(v)}" for k, v in detail.items()])
    finally:
        uploads.pop(token, None)
        session.modified = True
    path.unlink(missing_ok=True)
    return _page("office/import_done.html", counts=counts, filename=filename)
