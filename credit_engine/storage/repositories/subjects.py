"""Enterprises, persons and the roles that link them: look-ups and writes."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from credit_engine.domain.model import SubjectRef
from credit_engine.storage.models import EnterpriseRow, PersonRow, RoleRow
from credit_engine.storage.personal_data import (
    SESSION_INFO_KEY, DataKeyError, Keyring, normalise_id_number,
)

LOOKUP_CHUNK = 500  # keys per IN (...) query, well below every backend's parameter limit


@dataclass(frozen=True)
class StoredEnterprise:
    """An enterprise as stored, with its timestamps."""

    uscc: str
    name: str
    category: str
    district: str | None
    licence_no: str | None
    licensed_on: date | None
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True)
class StoredPerson:
    """A person as stored: opaque id, resident ID number (mask it on output), name."""

    id: str
    id_number: str
    name: str


@dataclass(frozen=True)
class StoredRole:
    """One role period of a person in an enterprise."""

    uscc: str
    person_id: str
    role: str
    from_on: date
    to_on: date | None


def stored_enterprise(row: EnterpriseRow) -> StoredEnterprise:
    return StoredEnterprise(row.uscc, row.name, row.category, row.district, row.licence_no,
                            row.licensed_on, row.created_at, row.updated_at)


def data_keys(session: Session) -> Keyring:
    """The data keys the session carries (bootstrap.Container.session_factory)."""
    keys = session.info.get(SESSION_INFO_KEY)
    if keys is None:
        raise DataKeyError("this session carries no data keys: open it from the container")
    return keys.ring  # type: ignore[no-any-return]


def seal_person(ring: Keyring, row: PersonRow, id_number: str, name: str) -> None:
    """Encrypt the ID number and name into `row` under the current key, with the index."""
    row.id_number_index = ring.blind_index(id_number)
    row.id_number_encrypted = ring.encrypt(normalise_id_number(id_number),
                                           f"persons.id_number:{row.id}")
    row.name_encrypted = ring.encrypt(name, f"persons.name:{row.id}")
    row.data_key_id = ring.current


def _name(ring: Keyring, row: PersonRow) -> str:
    return ring.decrypt(row.name_encrypted, f"persons.name:{row.id}")


def stored_person(session: Session, row: PersonRow) -> StoredPerson:
    """The person of a stored row, decrypted."""
    ring = data_keys(session)
    number = ring.decrypt(row.id_number_encrypted, f"persons.id_number:{row.id}")
    return StoredPerson(row.id, number, _name(ring, row))


def _role(row: RoleRow) -> StoredRole:
    return StoredRole(row.uscc, row.person_id, row.role, row.from_on, row.to_on)


def chunks(values: list[Any], size: int = LOOKUP_CHUNK) -> Iterator[list[Any]]:
    """`values` in consecutive slices of at most `size`."""
    for first in range(0, len(values), size):
        yield values[first:first + size]


def get_enterprise(session: Session, uscc: str) -> StoredEnterprise | None:
    """The enterprise with this USCC, or None."""
    row = session.get(EnterpriseRow, uscc)
    return None if row is None else stored_enterprise(row)


def save_enterprise(session: Session, uscc: str,
                    fields: dict[str, Any]) -> tuple[StoredEnterprise, bool]:
    """Create or replace the enterprise `uscc` with `fields`; returns it and whether created."""
    row = session.get(EnterpriseRow, uscc)
    created = row is None
    if row is None:
        row = EnterpriseRow(uscc=uscc)
        session.add(row)
    for name, value in fields.items():
        setattr(row, name, value)
    session.flush()
    return stored_enterprise(row), created


def get_person(session: Session, person_id: str) -> StoredPerson | None:
    """The person with this opaque id, or None."""
    row = session.get(PersonRow, person_id)
    return None if row is None else stored_person(session, row)


def person_by_id_number(session: Session, id_number: str) -> StoredPerson | None:
    """The person registered with this resident ID number (exact match), or None."""
    # Under every key of the ring: a row a rotation has not reached yet is still found.
    indexes = data_keys(session).blind_indexes(id_number)
    row = session.scalars(select(PersonRow).where(PersonRow.id_number_index.in_(indexes))
                          ).first()
    return None if row is None else stored_person(session, row)


def sealed_person_row(session: Session, person_id: str, id_number: str,
                      name: str) -> PersonRow:
    """A new person row with its values encrypted, not yet added: for bulk loaders and
    test fixtures that add rows themselves."""
    row = PersonRow(id=person_id)
    seal_person(data_keys(session), row, id_number, name)
    return row


def add_person(session: Session, person_id: str, id_number: str, name: str) -> None:
    """Store a new person, ID number and name encrypted."""
    session.add(sealed_person_row(session, person_id, id_number, name))
    session.flush()


def rename_person(session: Session, person_id: str, name: str) -> None:
    """Change the stored name of a person (both values sealed again under the current key)."""
    row = session.get(PersonRow, person_id)
    if row is not None:
        seal_person(data_keys(session), row, stored_person(session, row).id_number, name)
        session.flush()


def save_role(session: Session, uscc: str, person_id: str, role: str, start: date,
              end: date | None) -> tuple[StoredRole, bool]:
    """Set the end of the role period (enterprise, person, role, from), creating it if new."""
    row = session.scalars(select(RoleRow).where(
        RoleRow.uscc == uscc, RoleRow.person_id == person_id,
        RoleRow.role == role, RoleRow.from_on == start)).one_or_none()
    created = row is None
    if row is None:
        row = RoleRow(uscc=uscc, person_id=person_id, role=role, from_on=start)
        session.add(row)
    row.to_on = end
    session.flush()
    return _role(row), created


def roles_of_enterprise(session: Session, uscc: str) -> list[StoredRole]:
    """Every role period in the enterprise, oldest first."""
    return [_role(r) for r in session.scalars(
        select(RoleRow).where(RoleRow.uscc == uscc).order_by(RoleRow.from_on, RoleRow.id))]


def roles_of_person(session: Session, person_id: str) -> list[StoredRole]:
    """Every role period the person held, oldest first."""
    query = select(RoleRow).where(RoleRow.person_id == person_id)
    return [_role(r) for r in session.scalars(query.order_by(RoleRow.from_on, RoleRow.id))]


def role_ends(session: Session,
              usccs: Iterable[str]) -> dict[tuple[str, str, str, date], date | None]:
    """The end of every role period in the enterprises, by (uscc, person, role, from)."""
    stored: dict[tuple[str, str, str, date], date | None] = {}
    for part in chunks(sorted(set(usccs))):
        for row in session.scalars(select(RoleRow).where(RoleRow.uscc.in_(part))):
            stored[(row.uscc, row.person_id, row.role, row.from_on)] = row.to_on
    return stored


def _known(session: Session, column: Any, values: Iterable[Any], size: int | None) -> set[Any]:
    wanted = sorted(set(values))
    found: set[Any] = set()
    for part in (chunks(wanted, size) if size else [wanted] if wanted else []):
        found.update(session.scalars(select(column).where(column.in_(part))))
    return found


def known_usccs(session: Session, usccs: Iterable[str], chunk: int | None = None) -> set[str]:
    """Those of `usccs` that name a stored enterprise: one query, or one per `chunk` keys."""
    return _known(session, EnterpriseRow.uscc, usccs, chunk)


def known_person_ids(session: Session, person_ids: Iterable[str],
                     chunk: int | None = None) -> set[str]:
    """Those of `person_ids` that name a stored person: one query, or one per `chunk` keys."""
    return _known(session, PersonRow.id, person_ids, chunk)


def person_ids_by_id_number(session: Session, id_numbers: Iterable[str]) -> dict[str, str]:
    """Opaque ids of the registered persons among `id_numbers`, by ID number."""
    ring = data_keys(session)
    by_index = {index: number for number in id_numbers for index in ring.blind_indexes(number)}
    found: dict[str, str] = {}
    for part in chunks(list(by_index)):
        found.update((by_index[index], person_id) for index, person_id in session.execute(
            select(PersonRow.id_number_index, PersonRow.id)
            .where(PersonRow.id_number_index.in_(part))))
    return found


def subject_exists(session: Session, subject: SubjectRef) -> bool:
    """True when the enterprise or person is stored."""
    model = EnterpriseRow if subject.type == "enterprise" else PersonRow
    return session.get(model, subject.id) is not None


def all_subjects(session: Session) -> list[SubjectRef]:
    """Every stored subject: enterprises by USCC, then persons by id."""
    enterprises = session.scalars(select(EnterpriseRow.uscc).order_by(EnterpriseRow.uscc))
    persons = session.scalars(select(PersonRow.id).order_by(PersonRow.id))
    subjects = [SubjectRef("enterprise", u) for u in enterprises]
    return subjects + [SubjectRef("person", p) for p in persons]


def enterprise_names(session: Session, usccs: Iterable[str]) -> dict[str, str]:
    """Names of the enterprises by USCC."""
    return {uscc: name for uscc, name in session.execute(
        select(EnterpriseRow.uscc, EnterpriseRow.name).where(EnterpriseRow.uscc.in_(set(usccs))))}


def person_names(session: Session, person_ids: Iterable[str]) -> dict[str, str]:
    """Full names of the persons by opaque id (mask them before they leave the service)."""
    ring = data_keys(session)
    return {row.id: _name(ring, row) for part in chunks(sorted(set(person_ids)))
            for row in session.scalars(select(PersonRow).where(PersonRow.id.in_(part)))}


def names_of_role_holders(session: Session, usccs: Iterable[str]) -> list[str]:
    """Names of everyone who ever held a role in the enterprises."""
    values = list(usccs)
    if not values:
        return []
    ring = data_keys(session)
    holders = session.scalars(select(PersonRow).where(PersonRow.id.in_(
        select(RoleRow.person_id).where(RoleRow.uscc.in_(values)))))
    return list(dict.fromkeys(_name(ring, row) for row in holders))
