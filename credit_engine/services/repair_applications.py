"""Repair applications (docs/office-workflows.md): an applicant asks for credit repair of
one penalty with a statement and a list of materials; the office approves or refuses.

Eligibility is the repair rules' own judgement (services/repairs.py `repair_refusal_for`),
shown when the application is filed; approving creates the repair exactly as
POST /api/v1/repairs does, judged again on the decision date (409 with the reason)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from credit_engine.errors import Conflict, NotFound, ValidationFailed
from credit_engine.rules import RulesetRegistry
from credit_engine.services.audit import append_audit
from credit_engine.services.repairs import approve_repair, repair_refusal_for
from credit_engine.storage.repositories import repair_applications as stored
from credit_engine.storage.repositories.repair_applications import StoredApplication
from credit_engine.validation.context import require_business_date


def application_view(row: StoredApplication) -> dict[str, Any]:
    """An application as the API and the pages show it."""
    view = asdict(row)
    view["subject"] = {"type": view.pop("subject_type"), "id": view.pop("subject_id")}
    view["reason"] = view.pop("eligibility_reason")
    return view


def file_application(session: Session, registry: RulesetRegistry, data: dict[str, Any],
                     actor: str, today: date) -> dict[str, Any]:
    """Store an application (validated `data`) with its eligibility as of `applied_on`;
    an unknown record is NotFound. Audited."""
    applied_on: date = data["applied_on"]
    require_business_date(applied_on, today, "applied_on")
    refusal = repair_refusal_for(session, registry, data["record_id"], applied_on)
    row = stored.add_application(
        session, record_id=data["record_id"], applied_on=applied_on,
        statement=data["statement"], materials=[dict(m) for m in data["materials"]],
        eligible=refusal is None, reason=refusal, actor=actor)
    append_audit(session, actor, "repair_application.file", f"repair_application:{row.id}", {
        "record_id": row.record_id, "applied_on": applied_on.isoformat(),
        "eligible": row.eligible, "reason": refusal, "materials": len(row.materials)})
    return application_view(row)


def list_applications(session: Session, status: str | None, offset: int,
                      limit: int) -> list[dict[str, Any]]:
    """Applications of one status (or all), oldest first."""
    return [application_view(r) for r in stored.applications_page(session, status, offset, limit)]


def get_application(session: Session, application_id: int) -> dict[str, Any]:
    """One application, or NotFound."""
    row = stored.get_application(session, application_id)
    if row is None:
        raise NotFound(f"No repair application with id {application_id}.")
    return application_view(row)


def decide_application(session: Session, registry: RulesetRegistry, application_id: int,
                       approved: bool, note: str, decided_on: date, actor: str,
                       today: date) -> dict[str, Any]:
    """Approve (the repair is created as of `decided_on`, or Conflict with the reason and
    nothing stored) or refuse a pending application. Audited."""
    require_business_date(decided_on, today, "decided_on")
    application = get_application(session, application_id)
    if application["status"] != "pending":
        raise Conflict(f"Repair application {application_id} was already decided "
                       f"({application['status']}).")
    if decided_on < application["applied_on"]:
        raise ValidationFailed({"decided_on": [
            f"Must not be before the application ({application['applied_on'].isoformat()})."]})
    repair_id = None
    if approved:
        repair = approve_repair(session, registry, application["record_id"], decided_on,
                                note, actor, today)
        repair_id = repair["id"]
    status = "approved" if approved else "refused"
    stored.decide_application(session, application_id, status, decided_on, note, actor,
                              repair_id)
    append_audit(session, actor, "repair_application.decide",
                 f"repair_application:{application_id}", {
                     "record_id": application["record_id"], "status": status,
                     "decided_on": decided_on.isoformat(), "note": note,
                     "repair_id": repair_id})
    return get_application(session, application_id)
