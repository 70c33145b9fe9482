"""Decisions for many subjects at once (POST /api/v1/decisions/batch).

Each item is exactly what `grading.decision_for` answers for the subject alone — the grade
stored for that date while its credit file is unchanged since (looking `margin` further
back), else one computed on the spot — but read in a few set-based queries: which subjects
exist, their stored grades for the date, whose files changed since, the files of those to
compute. Every decision is audited as a single query would be, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from credit_engine.domain.model import CreditResult, Decision, SubjectRef, decide
from credit_engine.domain.serialization import result_from_dict
from credit_engine.grading.pipeline import grade
from credit_engine.rules import RulesetRegistry
from credit_engine.services.audit import append_audits
from credit_engine.services.inspection_plan import with_inspection_calendars
from credit_engine.storage.credit_files import load_credit_files
from credit_engine.storage.grades import grades_on
from credit_engine.storage.repositories import subjects as stored_subjects
from credit_engine.storage.repositories.batch_file_changes import files_changed_since
from credit_engine.validation.context import require_business_date


@dataclass(frozen=True)
class BatchDecisions:
    """The decisions, in the order asked, and the subjects that are not known."""

    items: list[Decision]
    not_found: list[SubjectRef]


def _known(session: Session, subjects: Sequence[SubjectRef]) -> set[SubjectRef]:
    usccs = stored_subjects.known_usccs(
        session, [s.id for s in subjects if s.type == "enterprise"], chunk=500)
    persons = stored_subjects.known_person_ids(
        session, [s.id for s in subjects if s.type == "person"], chunk=500)
    return {s for s in subjects
            if s.id in (usccs if s.type == "enterprise" else persons)}


def _results(session: Session, registry: RulesetRegistry, subjects: list[SubjectRef],
             as_of: date, margin: timedelta) -> dict[SubjectRef, CreditResult]:
    stored = grades_on(session, subjects, as_of)
    stale = files_changed_since(
        session, {s: row.created_at - margin for s, row in stored.items()})
    results = {s: result_from_dict(row.result) for s, row in stored.items() if s not in stale}
    to_compute = [s for s in subjects if s not in results]
    files = load_credit_files(session, to_compute)
    results.update((s, grade(files[s], as_of, registry)) for s in to_compute)
    return results


def batch_decisions(session: Session, registry: RulesetRegistry, subjects: Sequence[SubjectRef],
                    context: str, as_of: date | None, actor: str, today: date, *,
                    margin: timedelta) -> BatchDecisions:
    """One decision per known subject in `context` as of `as_of` (default `today`, never
    later), each audited; unknown subjects are listed, not an error."""
    day = as_of or today
    require_business_date(day, today)
    known = _known(session, subjects)
    found = [s for s in subjects if s in known]
    results = _results(session, registry, found, day, margin) if found else {}
    decisions = with_inspection_calendars(session, [decide(results[s], context) for s in found])
    append_audits(session, actor, "decision.query", [
        (str(d.subject), {"context": context, "as_of": d.as_of.isoformat(),
                          "asked_as_of": as_of.isoformat() if as_of else None,
                          "grade": d.grade, "outcome": d.outcome, "ruleset": d.ruleset,
                          "batch": True})
        for d in decisions])
    return BatchDecisions(decisions, [s for s in subjects if s not in known])
