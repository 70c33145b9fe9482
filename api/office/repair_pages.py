"""Credit-repair applications: the list and an application's page (reviewers and above),
the decision (supervisors: approve, or refuse with a reason) and the filing form (clerks
and above), through the same services as /api/v1/repair-applications."""

from __future__ import annotations

from typing import Any

from credit_engine.api.office.messages_zh import translate, translate_errors
from credit_engine.api.office.session import (
    OFFICE_NAV,
    actor,
    current_staff,
    office_blueprint,
    staff_required,
)
from credit_engine.api.office.subject_access import check_subject, visible
from credit_engine.api.runtime import business_today, get_container, run_use_case
from flask import Response, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from credit_engine.domain.staff_roles import StaffRole
from credit_engine.errors import Conflict, ValidationFailed
from credit_engine.services import records, repair_applications
from credit_engine.services.repairs import repair_refusal_for
from credit_engine.services.workbench import AT_MOST
from credit_engine.validation.errors import load_or_raise
from credit_engine.validation.office_actions import (
    MATERIAL_KINDS,
    DecideRepairApplicationInSchema,
    RepairApplicationInSchema,
)

READER, DECIDER, FILER = StaffRole.REVIEWER, StaffRole.SUPERVISOR, StaffRole.CLERK
MATERIAL_ROWS = 5  # material lines on the filing form
MATERIAL_LABELS = {"rectification_report": "整改报告", "penalty_fulfilment": "行政处罚履行完毕证明",
                   "commitment_letter": "信用承诺书", "training_certificate": "培训合格证明",
                   "other": "其他材料"}
STATUS_LABELS = {"pending": "待审批", "approved": "已批准", "refused": "已拒绝"}
REFUSAL_NEEDS_NOTE = "拒绝申请时必须填写理由（将告知申请人）。"

repair_pages = office_blueprint("office_repairs", __name__)
OFFICE_NAV.append(("office_repairs.applications", "信用修复", READER))


def _page(template: str, status: int = 200, **context: Any) -> Response:
    return Response(render_template(template, MATERIAL_LABELS=MATERIAL_LABELS,
                                    STATUS_LABELS=STATUS_LABELS, **context),
                    status=status, mimetype="text/html")


@repair_pages.route("/repairs")
@staff_required(READER)
def applications() -> Response:
    """Pending applications first (oldest first), then the decided ones."""
    every = visible(run_use_case(lambda s: repair_applications.list_applications(
        s, None, 0, AT_MOST)))
    pending = [a for a in every if a["status"] == "pending"]
    decided = [a for a in every if a["status"] != "pending"]
    return _page("office/repairs.html", pending=pending, decided=decided,
                 may_file=current_staff().may(FILER))


def _application(application_id: int) -> dict[str, Any]:
    application = run_use_case(lambda s: repair_applications.get_application(s, application_id))
    check_subject(application["subject"])
    return application


def _render_application(application: dict[str, Any], status: int = 200,
                        errors: dict[str, list[str]] | None = None,
                        form: dict[str, str] | None = None) -> Response:
    """The application with the repair rules' judgement as of today while it is pending."""
    registry, today = get_container().rulesets, business_today()
    refusal_now = None
    if application["status"] == "pending":
        refusal_now = run_use_case(lambda s: repair_refusal_for(
            s, registry, application["record_id"], today))
    record = run_use_case(lambda s: records.get_record(s, application["record_id"]))
    return _page("office/repair.html", status, a=application, record=record, today=today,
                 refusal_now=refusal_now, translate=translate, errors=errors or {},
                 form=form or {}, may_decide=current_staff().may(DECIDER))


@repair_pages.route("/repairs/<int:application_id>")
@staff_required(READER)
def application_page(application_id: int) -> Response:
    """Statement, materials, eligibility, and the decision form for supervisors."""
    return _render_application(_application(application_id))


@repair_pages.route("/repairs/<int:application_id>/decide", methods=["POST"])
@staff_required(DECIDER)
def decide(application_id: int) -> Response | BaseResponse:
    """Approve (the repair is created, or 409 with the rules' reason and nothing stored) or
    refuse with a reason."""
    application = _application(application_id)
    form = {k: request.form.get(k, "") for k in ("approved", "note")}
    body: dict[str, Any] = {"note": form["note"]}
    if form["approved"] in ("yes", "no"):
        body["approved"] = form["approved"] == "yes"
    registry, today, who = get_container().rulesets, business_today(), actor()
    try:
        data = load_or_raise(DecideRepairApplicationInSchema, body, today=today)
        run_use_case(lambda s: repair_applications.decide_application(
            s, registry, application_id, data["approved"], data["note"], today, who, today))
    except ValidationFailed as error:
        errors = translate_errors(error.errors)
        if "note" in errors and body.get("approved") is False:
            errors["note"] = [REFUSAL_NEEDS_NOTE]
        return _render_application(application, 422, errors, form)
    except Conflict as error:
        return _render_application(application, 409, {"_schema": [
            f"未能批准：{translate(error.detail)}"]}, form)
    flash(f"修复申请 {application_id} {'已批准' if body['approved'] else '已拒绝'}。", "info")
    return redirect(url_for("office_repairs.application_page", application_id=application_id),
                    303)


def _filing_body(form: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"statement": form.get("statement", "")}
    record_id = form.get("record_id", "").strip()
    body["record_id"] = int(record_id) if record_id.isdigit() else record_id
    materials = []
    for row in range(MATERIAL_ROWS):
        kind, title = form.get(f"material_kind_{row}", ""), form.get(f"material_title_{row}", "")
        if kind or title.strip():
            materials.append({"kind": kind, "title": title})
    body["materials"] = materials
    return body


@repair_pages.route("/repairs/new", methods=["GET", "POST"])
@staff_required(FILER)
def file_application() -> Response | BaseResponse:
    """The filing form; the application is judged by the repair rules as it is stored."""
    form = request.form if request.method == "POST" else request.args
    if request.method == "GET":
        return _page("office/repair_new.html", form=form, errors={}, rows=MATERIAL_ROWS,
                     kinds=MATERIAL_KINDS)
    registry, today, who = get_container().rulesets, business_today(), actor()
    body = _filing_body(form)
    try:
        data = load_or_raise(RepairApplicationInSchema, body, today=today)
        record = run_use_case(lambda s: records.get_record(s, data["record_id"]))
        check_subject(record["subject"])
        filed = run_use_case(lambda s: repair_applications.file_application(
            s, registry, data, who, today))
    except ValidationFailed as error:
        return _page("office/repair_new.html", 422, form=form, rows=MATERIAL_ROWS,
                     kinds=MATERIAL_KINDS, errors=translate_errors(error.errors))
    flash(f"修复申请 {filed['id']} 已提交。", "info")
    return redirect(url_for("office_repairs.application_page", application_id=filed["id"]), 303)
