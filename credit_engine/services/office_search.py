"""The workbench search: enterprises by name or USCC, district, category and grade in
force; persons by their resident ID number (names are encrypted at rest: a person is found
by ID number or through an enterprise's roles, never by a name pattern)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from credit_engine.domain.identifiers import mask_id_number
from credit_engine.domain.model import SubjectRef
from credit_engine.storage.repositories import office_search
from credit_engine.storage.repositories import subjects as stored_subjects
from credit_engine.storage.repositories.public_reads import StoredGrade, grade_in_force
from credit_engine.storage.repositories.subjects import StoredEnterprise
from credit_engine.validation.errors import load_or_raise
from credit_engine.validation.staff import OfficeSearchIn, PersonSearchIn


@dataclass(frozen=True)
class FoundPerson:
    """A person found by ID number: opaque id, the number as the user may see it, grade."""

    id: str
    id_number: str
    name: str
    grade: StoredGrade | None


@dataclass(frozen=True)
class SearchResult:
    """What the search page lists; `filters` are the validated inputs."""

    filters: dict[str, Any]
    enterprises: list[tuple[StoredEnterprise, StoredGrade | None]]
    persons: list[FoundPerson]
    searched: bool


def parse_search(args: dict[str, Any]) -> dict[str, Any]:
    """The search form's fields validated (422 naming the field), blanks dropped."""
    data = load_or_raise(OfficeSearchIn, args)
    return {k: v for k, v in data.items() if v not in ("", None)}


def parse_person_search(form: dict[str, Any]) -> dict[str, Any]:
    """The person look-up form validated (422 naming `id_number`)."""
    return load_or_raise(PersonSearchIn, form)


def search_subjects(session: Session, filters: dict[str, Any], as_of: date, offset: int,
                    limit: int, *, district: str | None, unmasked: bool) -> SearchResult:
    """Enterprises and persons matching `filters` (of `district` only when bound to one);
    ID numbers masked unless `unmasked` (admins)."""
    wanted = {k: filters.get(k) for k in ("q", "district", "category", "grade")}
    by_enterprise = any(wanted.values())
    if district is not None:
        wanted["district"] = district  # a district-bound user searches their district only
    enterprises = office_search.enterprises_found(
        session, text=wanted["q"], district=wanted["district"], category=wanted["category"],
        grade=wanted["grade"], as_of=as_of, offset=offset, limit=limit) if by_enterprise else []
    persons: list[FoundPerson] = []
    if filters.get("id_number"):
        person = stored_subjects.person_by_id_number(session, filters["id_number"])
        if person is not None:
            shown = person.id_number if unmasked else mask_id_number(person.id_number)
            persons.append(FoundPerson(person.id, shown, person.name,
                                       grade_in_force(session, SubjectRef("person", person.id),
                                                      as_of)))
    return SearchResult(filters, enterprises, persons,
                        by_enterprise or bool(filters.get("id_number")))
