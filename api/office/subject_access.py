"""The district rule for pages that reach a subject through an objection, an application or
a record, as the subject page applies it: a district-bound user reaches only enterprises of
that district (anything else is the 403 page) and lists show them only those."""

from __future__ import annotations

from typing import Any

from credit_engine.api.office.session import check_district, current_staff
from credit_engine.api.runtime import run_use_case

from credit_engine.domain.model import SubjectRef
from credit_engine.services.subject_file import subject_district


def _ref(subject: dict[str, Any]) -> SubjectRef:
    return SubjectRef("enterprise" if subject["type"] == "enterprise" else "person",
                      subject["id"])


def check_subject(subject: dict[str, Any]) -> None:
    """The 403 page when the user is bound to a district and `subject` ({type, id}) is an
    enterprise of another district. Persons have no district: every user reaches them
    (docs/office.md, Districts); an unknown one is still NotFound."""
    ref = _ref(subject)
    district = run_use_case(lambda s: subject_district(s, ref))
    if ref.type == "enterprise" and current_staff().district is not None:
        check_district(district)


def visible(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The items (each with a "subject") a user's district lets them see."""
    district = current_staff().district
    if district is None:
        return items
    refs = {(i["subject"]["type"], i["subject"]["id"]) for i in items}
    districts = run_use_case(lambda s: {
        ref: subject_district(s, _ref({"type": ref[0], "id": ref[1]})) for ref in refs})
    return [i for i in items if i["subject"]["type"] == "person"
            or districts[(i["subject"]["type"], i["subject"]["id"])] == district]
