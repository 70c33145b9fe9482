"""Use cases around grades: regrade, credit as of a date, history, decisions, inspection plan."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from credit_engine.grading.pipeline import grade
from credit_engine.domain.model import CreditResult, Decision, SubjectRef, decide
from credit_engine.domain.serialization import result_from_dict, result_to_dict
from credit_engine.domain.working_days import WorkingDayCalendar
from credit_engine.errors import NotFound, ValidationFailed
from credit_engine.storage.repositories.file_changes import file_changed_since
from credit_engine.rules import RulesetRegistry
from credit_engine.services.audit import append_audit
from credit_engine.services.inspection_plan import with_inspection_calendars
from credit_engine.storage.credit_files import load_credit_files
from credit_engine.storage.grades import (
    grades_on, latest_before, store_grade, stored_results,
)
from credit_engine.storage.repositories import subjects as stored_subjects
from credit_engine.storage.transient_errors import database_trouble
from credit_engine.validation.context import require_business_date


@dataclass(frozen=True)
class RegradeCounts:
    regraded: int
    changed: int
    announcements: int = 0
    failed: int = 0

    def __add__(self, other: "RegradeCounts") -> "RegradeCounts":
        return RegradeCounts(self.regraded + other.regraded, self.changed + other.changed,
                             self.announcements + other.announcements,
                             self.failed + other.failed)


@dataclass(frozen=True)
class SubjectFailure:
    """A subject that could not be graded or stored, and why."""

    subject: SubjectRef
    error: str


def describe_error(error: BaseException) -> str:
    """`Type: message`, bounded, as stored with a failure."""
    return f"{type(error).__name__}: {error}"[:2000]


def _store(session: Session, existing: Any, result: CreditResult,
           data: dict[str, Any], file: Any = None) -> None:
    records = file.records if file is not None else ()  # for the statistics' coverage
    store_grade(session, existing, result, data, records)  # one seam, for tests and the profiler


Graded = tuple[SubjectRef, CreditResult, dict[str, Any]]


def _grade_one(file: Any, as_of: date,
               registry: RulesetRegistry) -> tuple[CreditResult, dict[str, Any]]:
    result = grade(file, as_of, registry)
    return result, result_to_dict(result)


def _grade_each(subjects: Sequence[SubjectRef], files: dict[SubjectRef, Any], as_of: date,
                registry: RulesetRegistry, failures: list[SubjectFailure] | None) -> list[Graded]:
    if failures is None:
        return [(s, *_grade_one(files[s], as_of, registry)) for s in subjects]
    graded: list[Graded] = []
    for subject in subjects:
        try:
            graded.append((subject, *_grade_one(files[subject], as_of, registry)))
        except Exception as error:  # one subject's bad data: recorded, never the chunk's end
            failures.append(SubjectFailure(subject, describe_error(error)))
    return graded


def regrade_subjects(session: Session, registry: RulesetRegistry, subjects: Sequence[SubjectRef],
                     as_of: date, actor: str, *, calendar: WorkingDayCalendar,
                     failures: list[SubjectFailure] | None = None,
                     savepoints: bool = False) -> RegradeCounts:
    """Grade `subjects` as of `as_of`, store one grade per subject and date, publish changes.

    Without `failures` the first error raises. With it, a subject whose grading fails is
    appended there and skipped. With `savepoints` too, each subject is stored under its
    own SAVEPOINT, so one whose storing fails is rolled back alone and appended as well
    (slower: regrade runs use it only to isolate a chunk whose batched store failed).
    """
    from credit_engine.services.announcements import publish_announcements
    from credit_engine.services.change_feed import ChangeRecorder

    subjects = list(dict.fromkeys(subjects))
    files = load_credit_files(session, subjects)
    previous = latest_before(session, subjects, as_of)
    same_day = grades_on(session, subjects, as_of)
    feed = ChangeRecorder(session, as_of, previous, same_day)  # the change feed
    changed = published = stored = 0
    # Grade everything before the first write: on SQLite a writer holds the database lock
    # until commit, so parallel chunks only queue for their (short) writing part.
    for subject, result, data in _grade_each(subjects, files, as_of, registry, failures):
        before = previous[subject].letter if subject in previous else None
        change = feed.change(subject, result)  # before storing replaces a same-day grade
        try:
            with session.begin_nested() if savepoints else nullcontext():
                _store(session, same_day.get(subject), result, data, files[subject])
                published += len(publish_announcements(session, subject, before, result,
                                                       as_of, actor, calendar=calendar))
        except Exception as error:
            if not savepoints or failures is None or database_trouble(error):
                raise
            failures.append(SubjectFailure(subject, describe_error(error)))
            continue
        stored += 1
        feed.stored(change)
        if before is not None and before != result.grade:
            changed += 1
    feed.write()  # one bulk insert, in this transaction
    session.flush()
    return RegradeCounts(stored, changed, published, len(subjects) - stored)


def _require_subject(session: Session, subject: SubjectRef) -> None:
    if not stored_subjects.subject_exists(session, subject):
        raise NotFound(f"No {subject.type} with id {subject.id}.")


def require_subjects(session: Session, subjects: Sequence[SubjectRef]) -> None:
    """ValidationFailed naming `subjects[i].id` for each subject that is not known."""
    known_e = stored_subjects.known_usccs(
        session, [s.id for s in subjects if s.type == "enterprise"])
    known_p = stored_subjects.known_person_ids(
        session, [s.id for s in subjects if s.type == "person"])
    missing = {f"subjects[{i}].id": [f"No {s.type} with this id."]
               for i, s in enumerate(subjects)
               if s.id not in (known_e if s.type == "enterprise" else known_p)}
    if missing:
        raise ValidationFailed(missing)


def all_subjects(session: Session, at_most: int) -> list[SubjectRef]:
    """Every stored subject (enterprises, then persons), for a synchronous regrade of all;
    ValidationFailed naming `all` when there are more than `at_most`."""
    subjects = stored_subjects.all_subjects(session)
    if len(subjects) > at_most:
        raise ValidationFailed({"all": [
            f"{len(subjects)} subjects: more than {at_most} regrade synchronously; "
            "use `credit-engine regrade --all`."]})
    return subjects


def compute_credit(session: Session, registry: RulesetRegistry, subject: SubjectRef,
                   as_of: date) -> CreditResult:
    """Grade a subject on the spot, storing nothing."""
    files = load_credit_files(session, [subject])
    return grade(files[subject], as_of, registry)


def credit_for(session: Session, registry: RulesetRegistry, subject: SubjectRef,
               as_of: date, today: date, *, margin: timedelta) -> CreditResult:
    """The grade as of `as_of` (never after `today`): the one a regrade stored for that date
    when nothing in the subject's credit file changed since it was stored (looking `margin`
    further back: `Settings.dirty_margin`), else one computed on the spot and not stored.
    Asking without a date means asking for today."""
    require_business_date(as_of, today)
    _require_subject(session, subject)
    stored = grades_on(session, [subject], as_of).get(subject)
    if stored is not None and not file_changed_since(
            session, subject, stored.created_at - margin):
        return result_from_dict(stored.result)
    return compute_credit(session, registry, subject, as_of)


def credit_history(session: Session, subject: SubjectRef, today: date) -> list[CreditResult]:
    """Every grade a subject has had up to `today`, oldest first (none stored for later)."""
    _require_subject(session, subject)
    return [result_from_dict(r) for r in stored_results(session, subject, today)]


def decision_for(session: Session, registry: RulesetRegistry, subject: SubjectRef, context: str,
                 as_of: date | None, actor: str, today: date, *, margin: timedelta) -> Decision:
    """Restrict, favour or neither in one context as of `as_of` (default `today`, never
    later); a subject never graded is answered from a grade computed on the spot (see
    `credit_for` for `margin`). Audited."""
    result = credit_for(session, registry, subject, as_of or today, today, margin=margin)
    decision = with_inspection_calendars(session, [decide(result, context)])[0]
    append_audit(session, actor, "decision.query", str(subject), {
        "context": context, "as_of": decision.as_of.isoformat(), "asked_as_of":
        as_of.isoformat() if as_of else None, "grade": decision.grade,
        "outcome": decision.outcome, "ruleset": decision.ruleset})
    return decision
