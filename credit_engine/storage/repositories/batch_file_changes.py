"""`file_changed_since` for many subjects at once: a few queries instead of several per
subject, for batch decisions.

Same spreading as repositories/file_changes.py (read its docstring): an enterprise's file
holds its own row, records and roles, the records and roles of its persons, and the
penalties of those persons' enterprises; a person's file holds the person's row, records
and roles and the penalties of the person's enterprises. Here every change time at or
after the earliest moment asked about is read once for all subjects, then each subject's
latest change is compared with its own moment.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from credit_engine.domain.model import SubjectRef
from credit_engine.domain.record_kinds import PENALTY
from credit_engine.storage.models import (
    EnterpriseRow,
    PersonRow,
    RecordRow,
    RepairRow,
    RevocationRow,
    RoleRow,
)

_IN_BATCH = 500  # keys per IN (...) list


def _chunks(values: Iterable[str]) -> Iterable[list[str]]:
    ordered = sorted(set(values))
    for start in range(0, len(ordered), _IN_BATCH):
        yield ordered[start:start + _IN_BATCH]


def _later(times: dict[str, datetime], key: str | None, at: datetime) -> None:
    if key is not None and (key not in times or times[key] < at):
        times[key] = at


def _pairs(session: Session, known: Any, wanted: Any, values: Iterable[str]) -> dict[str, set[str]]:
    """{known value: {wanted values}} over every role (all periods, as files hold them)."""
    found: dict[str, set[str]] = {}
    for chunk in _chunks(values):
        for key, value in session.execute(select(known, wanted).where(known.in_(chunk)).distinct()):
            found.setdefault(key, set()).add(value)
    return found


class _Times:
    """Latest change at or after `floor` of each row kind a file is made of."""

    def __init__(self) -> None:
        self.enterprise_row: dict[str, datetime] = {}
        self.person_row: dict[str, datetime] = {}
        self.enterprise_records: dict[str, datetime] = {}
        self.enterprise_penalties: dict[str, datetime] = {}
        self.person_records: dict[str, datetime] = {}
        self.roles_of_person: dict[str, datetime] = {}
        self.roles_of_enterprise: dict[str, datetime] = {}


def _read_times(session: Session, usccs: set[str], persons: set[str], penalised: set[str],
                floor: datetime) -> _Times:
    times = _Times()
    for chunk in _chunks(usccs):
        for uscc, at in session.execute(select(EnterpriseRow.uscc, EnterpriseRow.updated_at)
                                        .where(EnterpriseRow.uscc.in_(chunk),
                                               EnterpriseRow.updated_at >= floor)):
            _later(times.enterprise_row, uscc, at)
    for chunk in _chunks(persons):
        for pid, at in session.execute(select(PersonRow.id, PersonRow.updated_at)
                                       .where(PersonRow.id.in_(chunk),
                                              PersonRow.updated_at >= floor)):
            _later(times.person_row, pid, at)
        for uscc, pid, at in session.execute(select(RoleRow.uscc, RoleRow.person_id,
                                                    RoleRow.updated_at)
                                             .where(RoleRow.person_id.in_(chunk),
                                                    RoleRow.updated_at >= floor)):
            _later(times.roles_of_person, pid, at)
            _later(times.roles_of_enterprise, uscc, at)
    for chunk in _chunks(usccs):
        for uscc, at in session.execute(select(RoleRow.uscc, RoleRow.updated_at)
                                        .where(RoleRow.uscc.in_(chunk),
                                               RoleRow.updated_at >= floor)):
            _later(times.roles_of_enterprise, uscc, at)
    _read_record_times(session, times, usccs, persons, penalised, floor)
    return times


def _read_record_times(session: Session, times: _Times, usccs: set[str], persons: set[str],
                       penalised: set[str], floor: datetime) -> None:
    columns = (RecordRow.enterprise_uscc, RecordRow.person_id, RecordRow.kind)
    keys = [("e", c) for c in _chunks(usccs | penalised)] + [("p", c) for c in _chunks(persons)]
    for kind, chunk in keys:
        in_file = (RecordRow.enterprise_uscc.in_(chunk) if kind == "e"
                   else RecordRow.person_id.in_(chunk))
        queries = (
            select(*columns, RecordRow.received_at).where(in_file, RecordRow.received_at >= floor),
            select(*columns, RevocationRow.created_at)
            .join(RevocationRow, RevocationRow.record_id == RecordRow.id)
            .where(in_file, RevocationRow.created_at >= floor),
            select(*columns, RepairRow.created_at).join(RepairRow, RepairRow.record_id == RecordRow.id)
            .where(in_file, RepairRow.created_at >= floor),
        )
        for query in queries:
            for uscc, pid, record_kind, at in session.execute(query):
                _later(times.enterprise_records, uscc, at)
                _later(times.person_records, pid, at)
                if record_kind == PENALTY:
                    _later(times.enterprise_penalties, uscc, at)


def files_changed_since(session: Session,
                        since: Mapping[SubjectRef, datetime]) -> set[SubjectRef]:
    """Those subjects of `since` whose credit file changed at or after their own moment;
    equal, subject by subject, to `file_changes.file_changed_since`."""
    if not since:
        return set()
    floor = min(since.values())
    usccs = {s.id for s in since if s.type == "enterprise"}
    persons_of = _pairs(session, RoleRow.uscc, RoleRow.person_id, usccs)
    persons = {s.id for s in since if s.type == "person"}
    persons |= {p for ps in persons_of.values() for p in ps}
    enterprises_of = _pairs(session, RoleRow.person_id, RoleRow.uscc, persons)
    penalised = {u for us in enterprises_of.values() for u in us}
    times = _read_times(session, usccs, persons, penalised, floor)
    changed: set[SubjectRef] = set()
    for subject, moment in since.items():
        if subject.type == "enterprise":
            file_persons = persons_of.get(subject.id, set())
            own = [times.enterprise_row.get(subject.id), times.enterprise_records.get(subject.id),
                   times.roles_of_enterprise.get(subject.id)]
        else:
            file_persons = {subject.id}
            own = [times.person_row.get(subject.id)]
        spread = [times.person_records.get(p) for p in file_persons]
        spread += [times.roles_of_person.get(p) for p in file_persons]
        spread += [times.enterprise_penalties.get(u) for p in file_persons
                   for u in enterprises_of.get(p, set())]
        if any(at is not None and at >= moment for at in own + spread):
            changed.add(subject)
    return changed


__all__ = ["files_changed_since"]
