"""Credit repair of one penalty (DOMAIN.md, Credit repair), conditions from the ruleset."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from credit_engine.domain.dates import add_months
from credit_engine.domain.facts import penalty_fields
from credit_engine.domain.grading import grade
from credit_engine.domain.model import CreditFile, Record, SubjectRef
from credit_engine.errors import Conflict, NotFound
from credit_engine.rules import RulesetRegistry
from credit_engine.services.audit import append_audit
from credit_engine.storage.credit_files import load_credit_files
from credit_engine.storage.models import RecordRow, RepairRow


def _subject_file(session: Session, row: RecordRow) -> CreditFile:
    subject = (SubjectRef("enterprise", row.enterprise_uscc) if row.enterprise_uscc
               else SubjectRef("person", row.person_id or ""))
    return load_credit_files(session, [subject])[subject]


def repair_refusal(penalty: Record, penalties: list[Record], approved_on: date,
                   config: dict[str, Any], listed_by: tuple[int, ...] = ()) -> str | None:
    """Why the repair may not be approved on `approved_on`, or None when it may."""
    rules = config["repair"]
    heavy = sorted(set(penalty.details.get("measures", ())) & set(rules["excluded_measures"]))
    if heavy:
        return f"The penalty includes {', '.join(heavy)}, which cannot be repaired."
    if not penalty.counts_on(approved_on):
        return "The penalty no longer counts on that date (revoked, repaired or not yet decided)."
    minor = penalty_fields(penalty, config["penalty"])["minor"]
    months = rules["minor_wait_months"] if minor else rules["other_wait_months"]
    if approved_on < add_months(penalty.occurred_on, months):
        return (f"A {'minor' if minor else 'non-minor'} penalty may be repaired {months} months "
                f"after its decision, on {add_months(penalty.occurred_on, months)} at the earliest.")
    listing = config["listing"]
    if penalty.id in listed_by and approved_on < add_months(penalty.occurred_on,
                                                            listing["repair_after_months"]):
        return ("The penalty put the subject on the serious-dishonesty list, which may be "
                f"repaired once it is {listing['repair_after_months']} months old.")
    newer = [p for p in penalties if p.id != penalty.id and p.counts_on(approved_on)
             and p.occurred_on > penalty.occurred_on
             and not penalty_fields(p, config["penalty"])["minor"]]
    if newer:
        return f"The subject has a newer non-minor penalty (record {newer[0].id}) since this one."
    return None


def approve_repair(session: Session, registry: RulesetRegistry, record_id: int,
                   approved_on: date, note: str, actor: str) -> dict[str, Any]:
    """Record an approved repair (201) or raise Conflict with the reason (409)."""
    row = session.get(RecordRow, record_id)
    if row is None:
        raise NotFound(f"No record with id {record_id}.")
    if row.kind != "penalty":
        raise Conflict(f"Record {record_id} is a {row.kind}; only penalties can be repaired.")
    if session.scalar(select(RepairRow.id).where(RepairRow.record_id == record_id)):
        raise Conflict(f"Record {record_id} has already been repaired.")
    file = _subject_file(session, row)
    penalties = [r for r in file.records if r.kind == "penalty"]
    penalty = next(r for r in penalties if r.id == record_id)
    config = dict(registry.for_date(approved_on).config)
    listed_by = grade(file, approved_on, registry).listing_record_ids
    refusal = repair_refusal(penalty, penalties, approved_on, config, listed_by)
    if refusal:
        raise Conflict(refusal)
    repair = RepairRow(record_id=record_id, approved_on=approved_on, note=note, created_by=actor)
    session.add(repair)
    session.flush()
    append_audit(session, actor, "record.repair", f"record:{record_id}",
                 {"approved_on": approved_on.isoformat(), "note": note})
    return {"id": repair.id, "record_id": record_id, "approved_on": approved_on.isoformat(),
            "note": note}
