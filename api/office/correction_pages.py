"""Correcting a record (supervisors and above): revoke it with a reason and enter its
replacement — the kind's record-entry form, generated from the registry and prefilled
with the record — in one step and one transaction (services/record_correction.py).
Every error is shown in Chinese on the form and nothing is stored."""

from __future__ import annotations

from datetime import date
from typing import Any

from credit_engine.api.office.messages_zh import translate
from credit_engine.api.office.record_form import (
    form_errors,
    form_fields,
    values_from_form,
)
from credit_engine.api.office.record_labels import kind_label
from credit_engine.api.office.session import (
    actor,
    current_staff,
    office_blueprint,
    staff_required,
)
from credit_engine.api.office.subject_access import check_subject
from credit_engine.api.runtime import business_today, run_use_case
from flask import Response, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from credit_engine.domain.staff_roles import StaffRole
from credit_engine.errors import Conflict, ValidationFailed
from credit_engine.services import records
from credit_engine.services.record_columns import DETAILS_PREFIX, record_from_values
from credit_engine.services.record_correction import correct_record
from credit_engine.services.record_entry import validated_record
from credit_engine.validation.actions import RevokeInSchema
from credit_engine.validation.errors import load_or_raise

CORRECTOR = StaffRole.SUPERVISOR  # a correction includes a revocation (docs/office.md, Roles)
REVOKE_FIELDS = ("reason", "revoked_on")
correction_pages = office_blueprint("office_correction", __name__)


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else None
    if isinstance(value, list):
        return ",".join(map(str, value))
    if isinstance(value, date):
        return value.isoformat()
    return None if value is None else str(value)


def prefilled(record: dict[str, Any]) -> dict[str, Any]:
    """The form's values for `record`: every column but the external id, which must be new."""
    values: dict[str, Any] = {"subject.type": record["subject"]["type"],
                              "subject.id": record["subject"]["id"],
                              "occurred_on": _cell(record["occurred_on"]),
                              "revoked_on": _cell(record["occurred_on"])}
    for name, value in record["details"].items():
        values[DETAILS_PREFIX + name] = _cell(value)
    return values


def _record(record_id: int) -> dict[str, Any]:
    record = run_use_case(lambda s: records.get_record(s, record_id))
    check_subject(record["subject"])
    return record


def _render(record: dict[str, Any], values: dict[str, Any],
            errors: dict[str, list[str]] | None = None, status: int = 200) -> Response:
    kind = record["kind"]
    page = render_template("office/correction.html", r=record, kind_label=kind_label(kind),
                           fields=form_fields(kind), values=values, errors=errors or {},
                           today=business_today())
    return Response(page, status=status, mimetype="text/html")


@correction_pages.route("/records/<int:record_id>/correct")
@staff_required(CORRECTOR)
def correction(record_id: int) -> Response:
    """The revocation fields and the replacement's form, prefilled with the record."""
    return _render(_record(record_id), prefilled(_record(record_id)))


def _revocation(today: date) -> tuple[dict[str, Any], dict[str, list[str]]]:
    form = {k: request.form[k] for k in REVOKE_FIELDS if request.form.get(k)}
    try:
        return load_or_raise(RevokeInSchema, form, today=today), {}
    except ValidationFailed as error:
        return {}, form_errors(error.errors)


@correction_pages.route("/records/<int:record_id>/correct", methods=["POST"])
@staff_required(CORRECTOR)
def correct(record_id: int) -> Response | BaseResponse:
    """Revoke and replace in one transaction, or show every error and store nothing."""
    record = _record(record_id)
    if record["revoked_on"] is not None:
        return _render(record, prefilled(record), {"_schema": [
            f"记录 {record_id} 已于 {record['revoked_on']} 撤销，不能再更正。"]}, 409)
    values = values_from_form(record["kind"], request.form)
    values.update({k: request.form.get(k) for k in REVOKE_FIELDS})
    raw = record_from_values(record["kind"], values)
    today, district, who = business_today(), current_staff().district, actor()
    revocation, errors = _revocation(today)

    def use_case(session: Any) -> dict[str, Any]:
        replacement = validated_record(session, raw, today, district)
        if errors:  # the replacement was judged too: every error at once, nothing stored
            raise ValidationFailed({})
        return correct_record(session, record_id, revocation["reason"],
                              revocation["revoked_on"], replacement, who, today)
    try:
        result = run_use_case(use_case)
    except ValidationFailed as error:
        return _render(record, values, {**form_errors(error.errors), **errors} if error.errors
                       else errors, 422)
    except Conflict as error:
        problem = ({"_schema": [translate(error.detail)]} if "revoked" in error.detail else
                   form_errors({"external_id": ["Already received with different content."]}))
        return _render(record, values, problem, 409)
    new = result["replacement"]
    flash(f"记录 {record_id} 已撤销，更正后的记录 {new['external_id']}（编号 {new['id']}）已保存。",
          "info")
    subject = record["subject"]
    return redirect(url_for("office_subject.subject", subject_type=subject["type"],
                            subject_id=subject["id"]) + f"#record-{new['id']}", 303)
