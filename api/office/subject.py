"""The subject page: grade now and its history, records (with a revoke form), roles,
announcements, objections and the reply; ID numbers masked except for admins."""

from __future__ import annotations

from credit_engine.api.office.session import (
    OfficePageError,
    actor,
    current_staff,
    office_blueprint,
    staff_required,
)
from credit_engine.api.office.subject_access import check_subject
from credit_engine.api.runtime import business_today, get_container, run_use_case
from flask import Response, flash, redirect, render_template, request, url_for
from werkzeug.wrappers.response import Response as BaseResponse

from credit_engine.domain.model import SubjectRef
from credit_engine.domain.staff_roles import StaffRole
from credit_engine.errors import ValidationFailed
from credit_engine.services import records
from credit_engine.services.subject_file import subject_file
from credit_engine.validation.actions import RevokeInSchema
from credit_engine.validation.errors import load_or_raise

SUBJECT_TYPES = ("enterprise", "person")
REVOKER = StaffRole.SUPERVISOR  # who may revoke a record (docs/office.md, Roles)

subject_pages = office_blueprint("office_subject", __name__)


def _subject(subject_type: str, subject_id: str) -> SubjectRef:
    if subject_type not in SUBJECT_TYPES or not 0 < len(subject_id) <= 64:
        raise OfficePageError(404, "未找到", "没有这个主体。")
    return SubjectRef("enterprise" if subject_type == "enterprise" else "person", subject_id)


@subject_pages.route("/subjects/<subject_type>/<subject_id>")
@staff_required()
def subject(subject_type: str, subject_id: str) -> Response:
    """One subject's file (403 for another district's enterprise)."""
    ref, user, today = _subject(subject_type, subject_id), current_staff(), business_today()
    container = get_container()
    check_subject({"type": ref.type, "id": ref.id})
    cursor, who = request.args.get("cursor") or None, actor()
    file = run_use_case(lambda s: subject_file(
        s, container.rulesets, ref, today, margin=container.settings.dirty_margin,
        unmasked=user.is_admin, cursor=cursor, actor=who))
    return Response(render_template("office/subject.html", f=file, today=today,
                                    may_revoke=user.may(REVOKER)), mimetype="text/html")


@subject_pages.route("/subjects/<subject_type>/<subject_id>/records/<int:record_id>/revoke",
                     methods=["POST"])
@staff_required(REVOKER)
def revoke(subject_type: str, subject_id: str, record_id: int) -> BaseResponse:
    """Revoke one of the subject's records, as POST /api/v1/records/{id}/revoke does."""
    ref, today = _subject(subject_type, subject_id), business_today()
    check_subject({"type": ref.type, "id": ref.id})
    form = {k: v for k, v in request.form.items() if k in ("reason", "revoked_on") and v}
    page = url_for("office_subject.subject", subject_type=ref.type, subject_id=ref.id)
    try:
        data = load_or_raise(RevokeInSchema, form, today=today)
        record = run_use_case(lambda s: records.get_record(s, record_id))
        if record["subject"] != {"type": ref.type, "id": ref.id}:
            raise OfficePageError(404, "未找到", "该主体没有这条记录。")
        who = actor()
        run_use_case(lambda s: records.revoke_record(
            s, record_id, data["reason"], data["revoked_on"], who, today))
    except ValidationFailed as error:
        for field, messages in error.errors.items():
            flash(f"记录 {record_id} 未撤销：{field}：{'，'.join(map(str, messages))}", "error")
        return redirect(page + f"#record-{record_id}", 303)
    flash(f"记录 {record_id} 已撤销。", "info")
    return redirect(page + f"#record-{record_id}", 303)
