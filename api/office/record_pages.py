"""Record entry: one form per record kind, generated from the registry (record_form.py),
validated and stored by the same services as POST /api/v1/records."""

from __future__ import annotations

from typing import Any

from credit_engine.api.office.record_form import (
    form_errors,
    form_fields,
    values_from_form,
)
from credit_engine.api.office.record_labels import kind_label
from credit_engine.api.office.session import (
    OFFICE_NAV,
    actor,
    current_staff,
    office_blueprint,
    staff_required,
)
from credit_engine.api.runtime import business_today, run_use_case
from flask import Response, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from credit_engine.domain.record_kinds import KINDS
from credit_engine.domain.staff_roles import StaffRole
from credit_engine.errors import Conflict, NotFound, ValidationFailed
from credit_engine.services.record_columns import record_from_values
from credit_engine.services.record_entry import enter_record

record_pages = office_blueprint("office_records", __name__)
OFFICE_NAV.append(("office_records.entry", "录入记录", StaffRole.CLERK))


def _kind(kind: str | None) -> str | None:
    if kind is not None and kind not in KINDS:
        raise NotFound(f"No record kind {kind}.")
    return kind


def render_entry(kind: str | None, values: dict[str, Any] | None = None,
                 errors: dict[str, list[str]] | None = None, status: int = 200) -> Response:
    """The entry page of `kind` (or the list of kinds) with the values and errors given."""
    page = render_template(
        "office/record_entry.html", kind=kind, kinds=[(k, kind_label(k)) for k in KINDS],
        kind_label=kind_label(kind) if kind else "", fields=form_fields(kind) if kind else [],
        values=values or {}, errors=errors or {})
    return Response(page, status=status, mimetype="text/html")


@record_pages.route("/records/new")
@record_pages.route("/records/new/<kind>")
@staff_required(StaffRole.CLERK)
def entry(kind: str | None = None) -> Response:
    """The empty form of `kind`; the kinds to choose from."""
    return render_entry(_kind(kind), {"subject.type": KINDS[kind].subject_types[0]} if kind else {})


@record_pages.route("/records/new/<kind>", methods=["POST"])
@staff_required(StaffRole.CLERK)
def submit(kind: str) -> Response | BaseResponse:
    """Store the record, or show the form again with every error in Chinese (422)."""
    values = values_from_form(kind, request.form) if _kind(kind) else {}
    raw = record_from_values(kind, values)
    today, district, who = business_today(), current_staff().district, actor()
    try:
        result = run_use_case(lambda s: enter_record(s, raw, who, today, district))
    except ValidationFailed as error:
        return render_entry(kind, values, form_errors(error.errors), 422)
    except Conflict:
        return render_entry(kind, values, form_errors({"external_id": [
            "Already received with different content."]}), 409)
    word = "已保存" if result["status"] == "created" else "此前已收到，未重复保存"
    flash(f"记录 {result['external_id']}（编号 {result['id']}）{word}。", "info")
    return redirect(url_for("office_records.entry", kind=kind), 303)
