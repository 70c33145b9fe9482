"""What changed in credit files since a moment: which subjects an incremental (nightly)
regrade must grade again, and whether one subject's stored grade still stands.

A stored grade stays right until either its credit file changes (a new, revoked or
repaired record, an edited subject or role) or a date arrives on which its result
changes by itself (`grades.next_change_on`, computed over the subject's whole file: a
record leaving its window, a validity, ban or listing ending, a role starting or ending).

Files reach across roles (storage/credit_files.py): an enterprise's file holds the file
of every person with a role in it; a person's file holds the person's records and roles
and the *penalties* of the enterprises the person had a role in (bans). So a change of
content spreads, and only along what files contain:
- a person's records or roles -> the person and every enterprise of the person;
- an enterprise's penalties -> the enterprise, its persons, and their enterprises;
- any other enterprise record, or an edited subject -> that subject alone.
A subject falling due needs no spreading: its next-change date already covers its file.
Nor does a subject a regrade run could not grade (`regrade_failures`): it is graded again
by every nightly run until it grades, and its file changed nothing in anyone else's.

Callers look back a little before their watermark (`Settings.dirty_margin`): rows may
commit a little after the time stamped on them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, exists, false, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from credit_engine.domain.model import SubjectRef
from credit_engine.domain.record_kinds import PENALTY
from credit_engine.storage.models import (
    EnterpriseRow, GradeRow, PersonRow, RecordRow, RegradeFailureRow, RepairRow, RevocationRow,
    RoleRow,
)

_IN_BATCH = 500  # keys per IN (...) list: far below every backend's parameter limit


@dataclass(frozen=True)
class DirtySet:
    """Subjects to regrade, split by why (counts are for the run's log)."""

    subjects: frozenset[SubjectRef]
    changed: int
    due: int
    linked: int
    failed: int = 0  # failed in a run since the last one: tried again


def _ref(subject_type: str, subject_id: str) -> SubjectRef:
    return SubjectRef(subject_type, subject_id)  # type: ignore[arg-type]


@dataclass
class ChangeSet:
    """What changed: subjects whose own file changed, and where the change spreads from."""

    own: set[SubjectRef]
    person_files: set[str]          # persons whose records or roles changed
    penalised: set[str]             # enterprises whose penalties changed


def _record_changes(session: Session, since: datetime) -> list[tuple[str | None, str | None, str]]:
    columns = (RecordRow.enterprise_uscc, RecordRow.person_id, RecordRow.kind)
    queries = (
        select(*columns).where(RecordRow.received_at >= since),
        select(*columns).join(RevocationRow, RevocationRow.record_id == RecordRow.id)
        .where(RevocationRow.created_at >= since),
        select(*columns).join(RepairRow, RepairRow.record_id == RecordRow.id)
        .where(RepairRow.created_at >= since),
    )
    return [tuple(row) for query in queries for row in session.execute(query.distinct())]  # type: ignore[misc]


def changed_since(session: Session, since: datetime) -> ChangeSet:
    """Changes of content at or after `since` (new subjects included)."""
    changes = ChangeSet(set(), set(), set())
    for uscc, person_id, kind in _record_changes(session, since):
        if uscc:
            changes.own.add(_ref("enterprise", uscc))
            if kind == PENALTY:
                changes.penalised.add(uscc)
        else:
            changes.own.add(_ref("person", person_id))  # type: ignore[arg-type]
            changes.person_files.add(person_id)  # type: ignore[arg-type]
    changes.own.update(_ref("enterprise", u) for u in session.scalars(
        select(EnterpriseRow.uscc).where(EnterpriseRow.updated_at >= since)))
    changes.own.update(_ref("person", p) for p in session.scalars(
        select(PersonRow.id).where(PersonRow.updated_at >= since)))
    for uscc, person_id in session.execute(
            select(RoleRow.uscc, RoleRow.person_id).where(RoleRow.updated_at >= since)):
        changes.own.update((_ref("enterprise", uscc), _ref("person", person_id)))
        changes.person_files.add(person_id)
    return changes


def due_by(session: Session, as_of: date) -> set[SubjectRef]:
    """Subjects whose latest grade on or before `as_of` may have changed by `as_of`."""
    newer = aliased(GradeRow)
    is_latest = ~exists().where(
        newer.subject_type == GradeRow.subject_type, newer.subject_id == GradeRow.subject_id,
        newer.as_of > GradeRow.as_of, newer.as_of <= as_of)
    rows = session.execute(
        select(GradeRow.subject_type, GradeRow.subject_id)
        .where(GradeRow.next_change_on <= as_of, GradeRow.as_of <= as_of, is_latest))
    return {_ref(t, i) for t, i in rows}


def failed_since(session: Session, since: datetime) -> set[SubjectRef]:
    """Subjects a regrade run recorded as failed at or after `since`.

    Failures are recorded while a run grades, after it took its watermark: the failures
    of the last finished run, and of any run after it, are at or after its watermark.
    """
    rows = session.execute(select(RegradeFailureRow.subject_type, RegradeFailureRow.subject_id)
                           .where(RegradeFailureRow.at >= since).distinct())
    return {_ref(t, i) for t, i in rows}


def _batches(values: Iterable[str]) -> Iterable[list[str]]:
    batch: list[str] = []
    for value in values:
        batch.append(value)
        if len(batch) == _IN_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _role_partners(session: Session, known: InstrumentedAttribute[str],
                   wanted: InstrumentedAttribute[str], values: Iterable[str]) -> set[str]:
    """`wanted` of every role whose `known` column is one of `values` (persons of
    enterprises, or enterprises of persons), in batches of IN values."""
    found: set[str] = set()
    for batch in _batches(sorted(values)):
        found.update(session.scalars(select(wanted).where(known.in_(batch)).distinct()))
    return found


def spread(session: Session, changes: ChangeSet) -> set[SubjectRef]:
    """Every subject whose credit file contains one of the changes (the changed included)."""
    persons = changes.person_files | _role_partners(session, RoleRow.uscc, RoleRow.person_id,
                                                    changes.penalised)
    usccs = _role_partners(session, RoleRow.person_id, RoleRow.uscc, persons)
    return (changes.own | {_ref("person", p) for p in persons}
            | {_ref("enterprise", u) for u in usccs})


def dirty_subjects(session: Session, since: datetime, as_of: date) -> DirtySet:
    """What a nightly regrade as of `as_of` must grade, given changes from `since` on."""
    changes = changed_since(session, since)
    due = due_by(session, as_of)
    failed = failed_since(session, since)
    spread_to = spread(session, changes)
    everything = spread_to | due | failed
    return DirtySet(frozenset(everything), len(changes.own), len(due),
                    len(spread_to - changes.own - due), len(failed))


def _any(session: Session, query: Any) -> bool:
    return session.scalar(query.limit(1)) is not None


def file_changed_since(session: Session, subject: SubjectRef, since: datetime) -> bool:
    """Whether anything in `subject`'s credit file changed at or after `since`: the same
    spreading as `spread`, seen from one subject (its own records, roles and row; the
    records and roles of its persons; the penalties of those persons' enterprises)."""
    if subject.type == "enterprise":
        persons = set(session.scalars(select(RoleRow.person_id).where(RoleRow.uscc == subject.id)))
        own_records = RecordRow.enterprise_uscc == subject.id
        own_row = select(EnterpriseRow.uscc).where(EnterpriseRow.uscc == subject.id,
                                                  EnterpriseRow.updated_at >= since)
    else:
        persons = {subject.id}
        own_records = RecordRow.person_id == subject.id
        own_row = select(PersonRow.id).where(PersonRow.id == subject.id,
                                             PersonRow.updated_at >= since)
    if _any(session, own_row):
        return True
    penalised = _role_partners(session, RoleRow.person_id, RoleRow.uscc, persons)
    in_file = or_(own_records, RecordRow.person_id.in_(sorted(persons)),
                  and_(RecordRow.kind == PENALTY, RecordRow.enterprise_uscc.in_(sorted(penalised))))
    record_changes = (
        select(RecordRow.id).where(in_file, RecordRow.received_at >= since),
        select(RecordRow.id).join(RevocationRow, RevocationRow.record_id == RecordRow.id)
        .where(in_file, RevocationRow.created_at >= since),
        select(RecordRow.id).join(RepairRow, RepairRow.record_id == RecordRow.id)
        .where(in_file, RepairRow.created_at >= since),
    )
    if any(_any(session, query) for query in record_changes):
        return True
    roles = or_(RoleRow.person_id.in_(sorted(persons)),
                RoleRow.uscc == subject.id if subject.type == "enterprise" else false())
    return _any(session, select(RoleRow.id).where(roles, RoleRow.updated_at >= since))
