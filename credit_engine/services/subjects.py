"""Use cases for subjects: enterprises, persons and the roles that link them."""

from __future__ import annotations

import secrets
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from credit_engine.domain.identifiers import (
    id_number_problem, mask_id_number, mask_name, uscc_problem,
)
from credit_engine.errors import Conflict, NotFound, ValidationFailed
from credit_engine.services.audit import append_audit
from credit_engine.storage.grades_in_force import follow_enterprise
from credit_engine.storage.repositories import subjects as stored
from credit_engine.storage.repositories.subjects import StoredEnterprise, StoredPerson, StoredRole

__all__ = ["StoredEnterprise", "StoredPerson", "StoredRole"]  # what the use cases answer

ENTERPRISE_FIELDS = ("name", "category", "district", "licence_no", "licensed_on")


def _json_safe(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in data.items()}


def new_person_id() -> str:
    """A random opaque person id: 24 hex characters, unrelated to the ID number."""
    return secrets.token_hex(12)


def upsert_enterprise(
    session: Session, uscc: str, data: dict[str, Any], actor: str
) -> tuple[StoredEnterprise, bool]:
    """Create or replace an enterprise by USCC; returns it and whether it was created."""
    problem = uscc_problem(uscc)
    if problem:
        raise ValidationFailed({"uscc": [f"Not a valid unified social credit code: {problem}."]})
    # PUT replaces: an optional field left out is cleared, not kept.
    row, created = stored.save_enterprise(
        session, uscc, {name: data.get(name) for name in ENTERPRISE_FIELDS})
    follow_enterprise(session, uscc, row.district, row.category)  # statistics' copy
    action = "enterprise.created" if created else "enterprise.updated"
    payload = _json_safe({name: data.get(name) for name in ENTERPRISE_FIELDS})
    append_audit(session, actor, action, f"enterprise:{uscc}", payload)
    return row, created


def get_enterprise(session: Session, uscc: str) -> StoredEnterprise:
    """The enterprise with this USCC, or NotFound."""
    row = stored.get_enterprise(session, uscc.upper())
    if row is None:
        raise NotFound(f"No enterprise with the code {uscc} is known.")
    return row


def register_person(session: Session, data: dict[str, Any], actor: str,
                    *, may_rename: bool = False) -> tuple[str, bool]:
    """Register a person by resident ID number (exact match); returns (opaque id, created?).

    A known ID number under another name is a rename: refused (Conflict) unless
    `may_rename` (the caller's key has `admin`), and audited with both names masked.
    """
    id_number = str(data["id_number"]).upper()
    problem = id_number_problem(id_number)
    if problem:
        raise ValidationFailed({"id_number": [f"Not a valid resident ID number: {problem}."]})
    row = stored.person_by_id_number(session, id_number)
    # The audit log is read by operators without the admin scope and stored in clear:
    # ID numbers and names only masked.
    payload = {"id_number": mask_id_number(id_number), "name": mask_name(data["name"])}
    if row is None:
        person_id = new_person_id()
        stored.add_person(session, person_id, id_number, data["name"])
        append_audit(session, actor, "person.created", f"person:{person_id}", payload)
        return person_id, True
    if row.name == data["name"]:
        return row.id, False  # nothing changed, nothing to audit
    if not may_rename:
        raise Conflict("This ID number is registered under another name; only a key with "
                       "the admin scope may rename a person.")
    stored.rename_person(session, row.id, data["name"])
    payload = {**payload, "old_name": mask_name(row.name)}
    append_audit(session, actor, "person.renamed", f"person:{row.id}", payload)
    return row.id, False


def get_person(session: Session, person_id: str) -> StoredPerson:
    """The person with this opaque id, or NotFound."""
    row = stored.get_person(session, person_id)
    if row is None:
        raise NotFound(f"No person with the id {person_id} is known.")
    return row


def _role_period(data: dict[str, Any]) -> tuple[date, date | None]:
    start: date = data["from_"] if "from_" in data else data["from"]  # schema key or plain
    end: date | None = data.get("to")
    if end is not None and end < start:
        raise ValidationFailed({"to": ["Must not be before 'from'."]})
    return start, end


def put_role(
    session: Session, uscc: str, person_id: str, data: dict[str, Any], actor: str
) -> tuple[StoredRole, bool]:
    """Record that a person holds a role in an enterprise from a date (created?).

    A role assignment is identified by (enterprise, person, role, from): sending it again
    updates its `to` date; another `from` starts another period.
    """
    get_enterprise(session, uscc)
    get_person(session, person_id)
    start, end = _role_period(data)
    row, created = stored.save_role(session, uscc.upper(), person_id, data["role"], start, end)
    payload = {"person_id": person_id, "role": data["role"], "from": start.isoformat(),
               "to": end.isoformat() if end else None}
    action = "role.created" if created else "role.updated"
    append_audit(session, actor, action, f"enterprise:{row.uscc}", payload)
    return row, created


def roles_of_enterprise(session: Session, uscc: str) -> list[StoredRole]:
    """Every role period in the enterprise, oldest first."""
    return stored.roles_of_enterprise(session, uscc)


def roles_of_person(session: Session, person_id: str) -> list[StoredRole]:
    """Every role period the person held, oldest first."""
    return stored.roles_of_person(session, person_id)
