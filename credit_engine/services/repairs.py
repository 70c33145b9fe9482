"""Credit repair of one penalty (docs/domain.md, Credit repair), conditions from the ruleset."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from credit_engine.domain.repair import repair_refusal
from credit_engine.domain.model import CreditFile, SubjectRef
from credit_engine.errors import Conflict, NotFound
from credit_engine.rules import RulesetRegistry
from credit_engine.services.audit import append_audit
from credit_engine.storage.credit_files import load_credit_files
from credit_engine.storage.models import RecordRow, RepairRow
from credit_engine.validation.context import require_business_date


def _subject_file(session: Session, row: RecordRow) -> CreditFile:
    subject = (SubjectRef("enterprise", row.enterprise_uscc) if row.enterprise_uscc
               else SubjectRef("person", row.person_id or ""))
    return load_credit_files(session, [subject])[subject]


def approve_repair(session: Session, registry: RulesetRegistry, record_id: int,
                   approved_on: date, note: str, actor: str, today: date) -> dict[str, Any]:
    """Record an approved repair (201) or raise Conflict with the reason (409); a repair
    approved after `today` is refused (422 naming approved_on)."""
    require_business_date(approved_on, today, "approved_on")
    row = session.get(RecordRow, record_id)
    if row is None:
        raise NotFound(f"No record with id {record_id}.")
    if row.kind != "penalty":
        raise Conflict(f"Record {record_id} is a {row.kind}; only penalties can be repaired.")
    if session.scalar(select(RepairRow.id).where(RepairRow.record_id == record_id)):
        raise Conflict(f"Record {record_id} has already been repaired.")
    file = _subject_file(session, row)
    penalty = next(r for r in file.records if r.id == record_id)
    refusal = repair_refusal(penalty, file.records, approved_on, registry.for_date(approved_on))
    if refusal:
        raise Conflict(refusal)
    repair = RepairRow(record_id=record_id, approved_on=approved_on, note=note, created_by=actor)
    session.add(repair)
    session.flush()
    append_audit(session, actor, "record.repair", f"record:{record_id}",
                 {"approved_on": approved_on.isoformat(), "note": note})
    return {"id": repair.id, "record_id": record_id, "approved_on": approved_on.isoformat(),
            "note": note}
