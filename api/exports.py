"""Grade exports for the office: every enterprise's grade as CSV or XLSX, streamed."""

from __future__ import annotations

from typing import Any

from credit_engine.api.auth import actor, require_scope
from credit_engine.api.blueprint import Blueprint
from credit_engine.api.runtime import business_today, get_container, run_use_case
from flask import Response

from credit_engine.domain.scopes import Scope
from credit_engine.services import exports
from credit_engine.services.tabular_export import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE
from credit_engine.validation.exchange import GradeExportArgs

blp = Blueprint("exports", __name__, url_prefix="/api/v1",
                description="Reports: grade exports as CSV (UTF-8 with BOM) or XLSX.")

MEDIA_TYPES = {"csv": CSV_MEDIA_TYPE, "xlsx": XLSX_MEDIA_TYPE}
_FILE_BODY = {"schema": {"type": "string", "format": "binary"}}


def download(body: Any, fmt: str, filename: str) -> Response:
    """A streamed file response: the generator runs as the client reads."""
    response = Response(body, mimetype=MEDIA_TYPES[fmt].split(";")[0],
                        content_type=MEDIA_TYPES[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


@blp.route("/exports/grades")
@blp.operation("exportGrades", "导出企业信用等级")
@require_scope(Scope.CREDIT_READ)
@blp.arguments(GradeExportArgs, location="query")
@blp.doc(responses={"200": {"description": "one row per enterprise, header first", "content": {
    "text/csv": _FILE_BODY, XLSX_MEDIA_TYPE: _FILE_BODY}}})
def export_grades(args: dict[str, Any]) -> Response:
    """One row per enterprise (in `district` when given): uscc, name, category, district,
    grade in force on `as_of` (empty when ungraded), score, graded_on, measure codes
    (';'-separated). Streamed; audited before the first byte."""
    as_of, district, fmt = args.get("as_of") or business_today(), args.get("district"), args["format"]
    run_use_case(lambda session: exports.audit_grade_export(session, actor(), as_of, district, fmt))
    body = exports.grade_export(get_container().transaction, as_of, district, fmt)
    return download(body, fmt, f"grades-{as_of.isoformat()}")
