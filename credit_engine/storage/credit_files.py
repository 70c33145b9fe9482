"""Credit files from the database: everything a grade depends on, in set-based queries.

For a chunk of subjects the cost is a fixed number of queries (roles twice, records once,
enterprises once), whatever the chunk's size, so regrading scales with chunks.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from credit_engine.domain.model import CreditFile, Enterprise, PersonFile, Record, Role, SubjectRef
from credit_engine.domain.record_kinds import PENALTY
from credit_engine.storage.models import (
    EnterpriseRow, PersonRow, RecordRow, RepairRow, RevocationRow, RoleRow,
)

ENTERPRISE: Literal["enterprise"] = "enterprise"
PERSON: Literal["person"] = "person"


# Plain column selects, not ORM entities: a chunk reads tens of thousands of rows that are
# never written back, and skipping the identity map halves the cost of reading them.
_ROLE_COLUMNS = (RoleRow.person_id, RoleRow.uscc, RoleRow.role, RoleRow.from_on, RoleRow.to_on)
_RECORD_COLUMNS = (RecordRow.id, RecordRow.external_id, RecordRow.enterprise_uscc,
                   RecordRow.person_id, RecordRow.kind, RecordRow.occurred_on, RecordRow.details,
                   RevocationRow.revoked_on, RepairRow.approved_on)


def _role(person_id: str, uscc: str, role: str, from_on: Any, to_on: Any) -> Role:
    return Role(person_id=person_id, uscc=uscc, role=role, from_=from_on, to=to_on)


def _record(id_: int, external_id: str, enterprise_uscc: str | None, person_id: str | None,
            kind: str, occurred_on: Any, details: Any, revoked_on: Any,
            repaired_on: Any) -> Record:
    if enterprise_uscc is not None:
        subject = SubjectRef(ENTERPRISE, enterprise_uscc)
    else:
        subject = SubjectRef(PERSON, person_id or "")
    return Record(id=id_, external_id=external_id, subject=subject, kind=kind,
                  occurred_on=occurred_on, details=details, revoked_on=revoked_on,
                  repaired_on=repaired_on)


def _enterprise(row: EnterpriseRow) -> Enterprise:
    return Enterprise(uscc=row.uscc, name=row.name, category=row.category, district=row.district,
                      licence_no=row.licence_no, licensed_on=row.licensed_on)


def _roles_where(session: Session, condition: Any) -> list[Role]:
    rows = session.execute(select(*_ROLE_COLUMNS).where(condition)
                           .order_by(RoleRow.from_on, RoleRow.id))
    return [_role(*row) for row in rows]


def _records_where(session: Session, condition: Any) -> list[Record]:
    query = (select(*_RECORD_COLUMNS)
             .outerjoin(RevocationRow, RevocationRow.record_id == RecordRow.id)
             .outerjoin(RepairRow, RepairRow.record_id == RecordRow.id)
             .where(condition).order_by(RecordRow.occurred_on, RecordRow.id))
    return [_record(*row) for row in session.execute(query)]


def _group(items: Iterable[Any], key: Any) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = defaultdict(list)
    for item in items:
        grouped[key(item)].append(item)
    return grouped


class _Chunk:
    """The rows one chunk of subjects needs, grouped for assembly."""

    def __init__(self, session: Session, subjects: Sequence[SubjectRef]) -> None:
        usccs = sorted({s.id for s in subjects if s.type == ENTERPRISE})
        direct_persons = {s.id for s in subjects if s.type == PERSON}
        # Who is involved: persons with a role in a subject enterprise, plus subject persons.
        roles_in = _roles_where(session, RoleRow.uscc.in_(usccs)) if usccs else []
        self.person_ids = sorted(direct_persons | {r.person_id for r in roles_in})
        # ALL roles of every involved person: bans follow a person across enterprises.
        person_roles = (_roles_where(session, RoleRow.person_id.in_(self.person_ids))
                        if self.person_ids else [])
        self.roles_by_enterprise = _group(roles_in, lambda r: r.uscc)
        self.roles_by_person = _group(person_roles, lambda r: r.person_id)
        penalty_usccs = sorted({r.uscc for r in person_roles} - set(usccs))
        records = self._load_records(session, usccs, penalty_usccs)
        self.records_by_subject = _group(records, lambda r: str(r.subject))
        self.penalties_by_uscc = _group(
            (r for r in records if r.kind == PENALTY and r.subject.type == ENTERPRISE),
            lambda r: r.subject.id)
        self.enterprises = {row.uscc: _enterprise(row) for row in session.scalars(
            select(EnterpriseRow).where(EnterpriseRow.uscc.in_(usccs)))} if usccs else {}

    def _load_records(self, session: Session, usccs: list[str],
                      penalty_usccs: list[str]) -> list[Record]:
        conditions: list[Any] = []
        if usccs:
            conditions.append(RecordRow.enterprise_uscc.in_(usccs))
        if penalty_usccs:  # other enterprises of involved persons: their penalties only
            conditions.append(and_(RecordRow.enterprise_uscc.in_(penalty_usccs),
                                   RecordRow.kind == PENALTY))
        if self.person_ids:
            conditions.append(RecordRow.person_id.in_(self.person_ids))
        return _records_where(session, or_(*conditions)) if conditions else []

    def build(self, subject: SubjectRef) -> CreditFile:
        own = self.records_of(subject)
        if subject.type == ENTERPRISE:
            roles = tuple(self.roles_by_enterprise.get(subject.id, ()))
            person_ids = sorted({r.person_id for r in roles})
            return CreditFile(subject=subject, records=own, roles=roles,
                              persons=tuple(self.person_file(p) for p in person_ids),
                              enterprise=self.enterprises.get(subject.id))
        roles = tuple(self.roles_by_person.get(subject.id, ()))
        return CreditFile(subject=subject, records=own, roles=roles,
                          persons=(self.person_file(subject.id),))

    def records_of(self, subject: SubjectRef) -> tuple[Record, ...]:
        return tuple(self.records_by_subject.get(str(subject), ()))

    def person_file(self, person_id: str) -> PersonFile:
        roles = tuple(self.roles_by_person.get(person_id, ()))
        usccs = sorted({r.uscc for r in roles})
        penalties = tuple(sorted(
            (p for uscc in usccs for p in self.penalties_by_uscc.get(uscc, ())),
            key=lambda r: (r.occurred_on, r.id)))
        own = self.records_of(SubjectRef(PERSON, person_id))
        return PersonFile(person_id=person_id, records=own, roles=roles,
                          enterprise_records=penalties)


def load_credit_files(session: Session,
                      subjects: Sequence[SubjectRef]) -> dict[SubjectRef, CreditFile]:
    """The credit file of each subject, in a fixed number of queries for the whole chunk."""
    if not subjects:
        return {}
    chunk = _Chunk(session, subjects)
    return {subject: chunk.build(subject) for subject in subjects}


def load_credit_file(session: Session, subject: SubjectRef) -> CreditFile:
    """The credit file of one subject."""
    return load_credit_files(session, [subject])[subject]


def iter_subject_keys(session: Session, after: SubjectRef | None, limit: int) -> list[SubjectRef]:
    """Up to `limit` subject keys after `after`, ordered by (type, id): enterprises first."""
    keys: list[SubjectRef] = []
    if after is None or after.type == ENTERPRISE:
        query = select(EnterpriseRow.uscc).order_by(EnterpriseRow.uscc).limit(limit)
        if after is not None:
            query = query.where(EnterpriseRow.uscc > after.id)
        keys.extend(SubjectRef(ENTERPRISE, uscc) for uscc in session.scalars(query))
    if len(keys) < limit:
        query = select(PersonRow.id).order_by(PersonRow.id).limit(limit - len(keys))
        if after is not None and after.type == PERSON:
            query = query.where(PersonRow.id > after.id)
        keys.extend(SubjectRef(PERSON, person_id) for person_id in session.scalars(query))
    return keys
