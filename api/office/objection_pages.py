"""The objections queue and the resolve form (reviewers and above), through the same
services as GET /api/v1/objections and POST /api/v1/objections/{id}/resolve."""

from __future__ import annotations

from credit_engine.api.office.messages_zh import translate_errors
from credit_engine.api.office.session import (
    OFFICE_NAV,
    actor,
    current_staff,
    office_blueprint,
    staff_required,
)
from credit_engine.api.office.subject_access import check_subject
from credit_engine.api.runtime import business_today, get_container, run_use_case
from flask import Response, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from credit_engine.domain.staff_roles import StaffRole
from credit_engine.errors import ValidationFailed
from credit_engine.services import objections
from credit_engine.services.objection_detail import objection_detail
from credit_engine.services.objection_queue import objection_queue
from credit_engine.services.workbench import (
    AT_MOST,
    DUE_SOON_WORKING_DAYS,
    working_days_left,
)
from credit_engine.validation.actions import ResolveObjectionInSchema
from credit_engine.validation.errors import load_or_raise

RESOLVER = StaffRole.REVIEWER  # who sees and resolves objections (docs/office-workflows.md)
objection_pages = office_blueprint("office_objections", __name__)
OFFICE_NAV.append(("office_objections.queue", "异议处理", RESOLVER))


@objection_pages.route("/objections")
@staff_required(RESOLVER)
def queue() -> Response:
    """Pending objections by deadline (red when ≤ 3 working days are left), then decided."""
    calendar, today, district = get_container().calendar, business_today(), current_staff().district
    pending = run_use_case(lambda s: objection_queue(s, "pending", 0, AT_MOST, district))
    decided = [o for o in run_use_case(lambda s: objection_queue(s, None, 0, AT_MOST, district))
               if o["status"] != "pending"]
    for item in pending:
        item["working_days_left"] = working_days_left(calendar, today, item["objection_deadline"])
        item["due_soon"] = item["working_days_left"] <= DUE_SOON_WORKING_DAYS
    pending.sort(key=lambda i: (i["objection_deadline"], i["id"]))
    return Response(render_template("office/objections.html", pending=pending, decided=decided,
                                    due_soon_days=DUE_SOON_WORKING_DAYS, today=today),
                    mimetype="text/html")


def _render(objection_id: int, errors: dict[str, list[str]] | None = None,
            form: dict[str, str] | None = None, status: int = 200) -> Response:
    item = run_use_case(lambda s: objection_detail(s, objection_id))
    check_subject(item["subject"])
    page = render_template("office/objection.html", o=item, errors=errors or {},
                           form=form or {})
    return Response(page, status=status, mimetype="text/html")


@objection_pages.route("/objections/<int:objection_id>")
@staff_required(RESOLVER)
def detail(objection_id: int) -> Response:
    """One objection with its resolve form while it is pending."""
    return _render(objection_id)


@objection_pages.route("/objections/<int:objection_id>/resolve", methods=["POST"])
@staff_required(RESOLVER)
def resolve(objection_id: int) -> Response | BaseResponse:
    """Uphold (withdraw, revoke the named records, regrade) or reject, as the API does."""
    item = run_use_case(lambda s: objection_detail(s, objection_id))
    check_subject(item["subject"])
    form = {k: request.form.get(k, "") for k in ("upheld", "note")}
    body: dict[str, object] = {"note": form["note"]}
    if form["upheld"] in ("yes", "no"):
        body["upheld"] = form["upheld"] == "yes"
    today, who, container = business_today(), actor(), get_container()
    try:
        data = load_or_raise(ResolveObjectionInSchema, body, today=today)
        run_use_case(lambda s: objections.resolve_objection(
            s, container.rulesets, objection_id, data["upheld"], data["note"], today, who,
            today, calendar=container.calendar))
    except ValidationFailed as error:
        return _render(objection_id, translate_errors(error.errors), form, 422)
    word = "成立" if body["upheld"] else "不成立"
    flash(f"异议 {objection_id} 已处理：{word}。", "info")
    return redirect(url_for("office_objections.queue"), 303)
