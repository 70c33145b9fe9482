"""Use cases around grades: regrade, credit as of a date, history, decisions, inspection plan."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from credit_engine.domain.grading import grade
from credit_engine.domain.model import CreditResult, Decision, SubjectRef, decide
from credit_engine.domain.serialization import result_from_dict, result_to_dict
from credit_engine.errors import NotFound, ValidationFailed
from credit_engine.rules import RulesetRegistry
from credit_engine.services.audit import append_audit
from credit_engine.storage.credit_files import load_credit_files
from credit_engine.storage.grades import grades_on, latest_letters_before
from credit_engine.storage.models import EnterpriseRow, GradeRow, PersonRow


@dataclass(frozen=True)
class RegradeCounts:
    regraded: int
    changed: int
    announcements: int = 0

    def __add__(self, other: "RegradeCounts") -> "RegradeCounts":
        return RegradeCounts(self.regraded + other.regraded, self.changed + other.changed,
                             self.announcements + other.announcements)


def _store(session: Session, existing: GradeRow | None, result: CreditResult) -> None:
    data = result_to_dict(result)
    row = existing or GradeRow(subject_type=result.subject.type, subject_id=result.subject.id,
                               as_of=result.as_of)
    row.ruleset, row.score, row.grade = result.ruleset, result.score, result.grade
    row.result, row.next_change_on = data, result.next_change_on
    if existing is None:
        session.add(row)


def regrade_subjects(session: Session, registry: RulesetRegistry, subjects: Sequence[SubjectRef],
                     as_of: date, actor: str) -> RegradeCounts:
    """Grade `subjects` as of `as_of`, store one grade per subject and date, publish changes."""
    from credit_engine.services.announcements import publish_announcements

    subjects = list(dict.fromkeys(subjects))
    files = load_credit_files(session, subjects)
    previous = latest_letters_before(session, subjects, as_of)
    same_day = grades_on(session, subjects, as_of)
    changed = published = 0
    # Grade everything before the first write: on SQLite a writer holds the database lock
    # until commit, so parallel chunks only queue for their (short) writing part.
    results = [grade(files[subject], as_of, registry) for subject in subjects]
    for subject, result in zip(subjects, results):
        before = previous.get(subject)
        if before is not None and before != result.grade:
            changed += 1
        _store(session, same_day.get(subject), result)
        published += len(publish_announcements(session, subject, before, result, as_of, actor))
    session.flush()
    return RegradeCounts(len(subjects), changed, published)


def subject_exists(session: Session, subject: SubjectRef) -> bool:
    model = EnterpriseRow if subject.type == "enterprise" else PersonRow
    return session.get(model, subject.id) is not None


def _require_subject(session: Session, subject: SubjectRef) -> None:
    if not subject_exists(session, subject):
        raise NotFound(f"No {subject.type} with id {subject.id}.")


def require_subjects(session: Session, subjects: Sequence[SubjectRef]) -> None:
    """ValidationFailed naming `subjects[i].id` for each subject that is not known."""
    known_e = set(session.scalars(select(EnterpriseRow.uscc).where(
        EnterpriseRow.uscc.in_([s.id for s in subjects if s.type == "enterprise"]))))
    known_p = set(session.scalars(select(PersonRow.id).where(
        PersonRow.id.in_([s.id for s in subjects if s.type == "person"]))))
    missing = {f"subjects[{i}].id": [f"No {s.type} with this id."]
               for i, s in enumerate(subjects)
               if s.id not in (known_e if s.type == "enterprise" else known_p)}
    if missing:
        raise ValidationFailed(missing)


def compute_credit(session: Session, registry: RulesetRegistry, subject: SubjectRef,
                   as_of: date) -> CreditResult:
    """Grade a subject on the spot, storing nothing."""
    files = load_credit_files(session, [subject])
    return grade(files[subject], as_of, registry)


def credit_for(session: Session, registry: RulesetRegistry, subject: SubjectRef,
               as_of: date | None = None) -> CreditResult:
    """Without `as_of` the latest stored grade; with it, the stored one or one computed now."""
    _require_subject(session, subject)
    if as_of is None:
        row = session.scalars(
            select(GradeRow).where(GradeRow.subject_type == subject.type,
                                   GradeRow.subject_id == subject.id)
            .order_by(GradeRow.as_of.desc()).limit(1)).first()
        if row is None:
            raise NotFound(f"The {subject.type} {subject.id} has no grade yet; "
                           "ask with as_of to compute one.")
        return result_from_dict(row.result)
    stored = grades_on(session, [subject], as_of).get(subject)
    return result_from_dict(stored.result) if stored else compute_credit(session, registry, subject, as_of)


def credit_history(session: Session, subject: SubjectRef) -> list[CreditResult]:
    """Every stored grade of a subject, oldest first."""
    _require_subject(session, subject)
    rows = session.scalars(
        select(GradeRow).where(GradeRow.subject_type == subject.type,
                               GradeRow.subject_id == subject.id).order_by(GradeRow.as_of))
    return [result_from_dict(r.result) for r in rows]


def decision_for(session: Session, registry: RulesetRegistry, subject: SubjectRef, context: str,
                 as_of: date | None, actor: str, today: date) -> Decision:
    """Restrict, favour or neither in one context; every query is audited."""
    _require_subject(session, subject)
    try:
        result = credit_for(session, registry, subject, as_of)
    except NotFound:  # known but never graded: compute on the spot, never answer from nothing
        result = compute_credit(session, registry, subject, as_of or today)
    decision = decide(result, context)
    append_audit(session, actor, "decision.query", str(subject), {
        "context": context, "as_of": decision.as_of.isoformat(), "asked_as_of":
        as_of.isoformat() if as_of else None, "grade": decision.grade,
        "outcome": decision.outcome, "ruleset": decision.ruleset})
    return decision

