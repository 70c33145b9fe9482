"""The inspection plan as a CSV or XLSX file for the inspection teams (streamed)."""

from __future__ import annotations

from typing import Any

from credit_engine.api.auth import actor, require_scope
from credit_engine.api.blueprint import Blueprint
from credit_engine.api.decisions import plan_filter
from credit_engine.api.runtime import get_container, run_use_case
from flask import Response

from credit_engine.domain.scopes import Scope
from credit_engine.services.inspection_plan_export import audit_plan_export, plan_export
from credit_engine.services.tabular_export import CSV_MEDIA_TYPE, XLSX_MEDIA_TYPE
from credit_engine.validation.queries import InspectionPlanExportArgs

blp = Blueprint("inspection_plan_export", __name__, url_prefix="/api/v1",
                description="The inspection plan as a spreadsheet.")

MEDIA_TYPES = {"csv": CSV_MEDIA_TYPE, "xlsx": XLSX_MEDIA_TYPE}
_FILE_BODY = {"schema": {"type": "string", "format": "binary"}}


@blp.route("/inspection-plan/export")
@blp.operation("exportInspectionPlan", "导出监督检查计划")
@require_scope(Scope.DECISIONS_READ)
@blp.arguments(InspectionPlanExportArgs, location="query")
@blp.doc(responses={"200": {"description": "The plan as a file, streamed.",
                            "content": {t: _FILE_BODY for t in MEDIA_TYPES.values()}}})
def export_plan(args: dict[str, Any]) -> Response:
    """The inspection plan with the same filters and order as GET /api/v1/inspection-plan,
    every item, as CSV (UTF-8 with a byte-order mark) or XLSX with Chinese headers;
    streamed, audited before the first byte."""
    container, plan, fmt, sort = get_container(), plan_filter(args), args["format"], args["sort"]
    registry = container.rulesets
    run_use_case(lambda session: audit_plan_export(session, registry, actor(), plan, sort, fmt))
    body = plan_export(container.transaction, registry, plan, sort, fmt)
    filename = f"inspection-plan-{plan.as_of.isoformat()}.{fmt}"
    return Response(body, mimetype=MEDIA_TYPES[fmt], headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})
