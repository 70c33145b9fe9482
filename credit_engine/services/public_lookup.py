"""What the public lookup shows: enterprises by name or code, the serious-dishonesty list.

Everything comes from stored grades: the one in force on the date asked about (the latest
stored on or before it; never one stored for a later date). The date is never after
today: the API refuses it before it gets here.
Privacy (docs/domain.md): persons appear only on the serious-dishonesty list, with the name
masked after the first character and the ID number masked to its first 6 and last 4
characters; nothing here returns a person's opaque id, full name or ID number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from credit_engine.domain.identifiers import mask_id_number, mask_name
from credit_engine.domain.model import SubjectRef
from credit_engine.errors import NotFound, ValidationFailed
from credit_engine.services.announcements import AnnouncementView, list_announcements
from credit_engine.services.replies import reply_to_dict, shown_reply
from credit_engine.storage.repositories import public_reads
from credit_engine.storage.repositories import subjects as stored_subjects
from credit_engine.storage.repositories.public_reads import StoredGrade
from credit_engine.storage.repositories.records import earliest_occurrence
from credit_engine.storage.repositories.subjects import StoredEnterprise, StoredPerson
from credit_engine.validation.fields import text_problem

MAX_QUERY = 100


@dataclass(frozen=True)
class EnterpriseSummary:
    enterprise: StoredEnterprise
    grade: StoredGrade | None


@dataclass(frozen=True)
class EnterpriseDetail:
    enterprise: StoredEnterprise
    grade: StoredGrade | None
    reasons: list[dict[str, Any]]
    measures: list[dict[str, Any]]
    hygiene_rating: dict[str, Any] | None
    announcements: list[dict[str, Any]]
    reply: dict[str, Any] | None = None  # the right to reply (services/replies.py)


@dataclass(frozen=True)
class ListedPerson:
    name: str            # masked
    id_number: str       # masked
    listed_from: date | None
    listed_until: date


def search_enterprises(session: Session, q: Any, as_of: date, offset: int,
                       limit: int) -> list[EnterpriseSummary]:
    """Enterprises whose name contains `q` or whose USCC starts with it; persons never."""
    if not isinstance(q, str) or not q.strip():
        raise ValidationFailed({"q": ["give part of an enterprise name or a USCC"]})
    text = q.strip()
    if len(text) > MAX_QUERY:
        raise ValidationFailed({"q": [f"must be at most {MAX_QUERY} characters"]})
    return [EnterpriseSummary(enterprise, grade) for enterprise, grade in
            public_reads.enterprises_matching(session, text, as_of, offset, limit)]


def _person_names(session: Session, *usccs: str) -> list[str]:
    """Names of everyone who ever held a role in the enterprises, to keep them out of texts."""
    return stored_subjects.names_of_role_holders(session, usccs)


def scrub_names(text: str, names: list[str]) -> str:
    """Mask any full personal name that a reason text might carry."""
    for name in sorted(names, key=len, reverse=True):
        if len(name) > 1 and name in text:
            text = text.replace(name, mask_name(name))
    return text


def _public_reasons(result: dict[str, Any], names: list[str]) -> list[dict[str, Any]]:
    return [{"rule": r["rule"], "points": r["points"], "text": scrub_names(r.get("text", ""), names)}
            for r in result.get("reasons", [])]


def _active_measures(result: dict[str, Any], as_of: date) -> list[dict[str, Any]]:
    keep = ("code", "kind", "context", "title", "from", "until")
    return [{k: m.get(k) for k in keep} for m in result.get("measures", [])
            if m.get("until") is None or date.fromisoformat(m["until"]) > as_of]


def enterprise_detail(session: Session, uscc: str, as_of: date) -> EnterpriseDetail:
    """An enterprise's public credit page as of `as_of` (its latest stored grade)."""
    problem = text_problem(uscc)  # a path segment: NUL would reach PostgreSQL unchecked
    if problem:
        raise ValidationFailed({"uscc": [problem]})
    enterprise = stored_subjects.get_enterprise(session, uscc.strip().upper())
    if enterprise is None:
        raise NotFound("No enterprise with this USCC is known.")
    subject = SubjectRef("enterprise", enterprise.uscc)
    grade = public_reads.grade_in_force(session, subject, as_of)
    result = grade.result if grade else {}
    names = _person_names(session, enterprise.uscc)
    hygiene = result.get("hygiene_rating")  # the ruleset says which categories are rated
    announcements = public_announcements(session, as_of, 0, 100, subject=subject)
    reply = reply_to_dict(shown_reply(session, enterprise.uscc, grade.grade if grade else None,
                                      as_of))
    if reply is not None:  # the enterprise's own words may name its people: masked as reasons are
        reply["text"] = scrub_names(reply["text"], names)
    return EnterpriseDetail(enterprise, grade, _public_reasons(result, names),
                            _active_measures(result, as_of), hygiene, announcements, reply)


def dishonest_persons(session: Session, as_of: date, offset: int, limit: int) -> list[ListedPerson]:
    """Persons whose latest stored grade lists them beyond `as_of`, masked, by listing end."""
    listed: list[tuple[date, str, dict[str, Any], StoredPerson]] = []
    for person, result in public_reads.latest_person_grades(session, as_of):
        until = result.get("listed_until")
        if until and date.fromisoformat(until) > as_of:
            listed.append((date.fromisoformat(until), person.id, result, person))
    listed.sort(key=lambda item: (item[0], item[1]))
    page = listed[offset:offset + limit]
    return [ListedPerson(mask_name(person.name), mask_id_number(person.id_number),
                         earliest_occurrence(session, result.get("listing_record_ids", [])),
                         until)
            for until, _, result, person in page]


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def _public_subjects(session: Session, views: list[AnnouncementView]) -> dict[tuple[str, str], dict[str, Any]]:
    """Enterprises by code and name; persons by masked name only (never their opaque id)."""
    usccs = {v.row.subject_id for v in views if v.row.subject_type == "enterprise"}
    person_ids = {v.row.subject_id for v in views if v.row.subject_type == "person"}
    subjects: dict[tuple[str, str], dict[str, Any]] = {}
    for uscc, name in stored_subjects.enterprise_names(session, usccs).items():
        subjects[("enterprise", uscc)] = {"type": "enterprise", "id": uscc, "name": name}
    for pid, name in stored_subjects.person_names(session, person_ids).items():
        subjects[("person", pid)] = {"type": "person", "name": mask_name(name), "_full": name}
    return subjects


def public_announcements(session: Session, as_of: date, offset: int, limit: int,
                         subject: SubjectRef | None = None) -> list[dict[str, Any]]:
    """Announcements the public may see as of `as_of`, newest first, JSON-ready."""
    views = list_announcements(session, as_of, public=True, subject=subject,
                               offset=offset, limit=limit)
    subjects = _public_subjects(session, views)
    names = {s.pop("_full") for s in subjects.values() if "_full" in s}
    names |= set(_person_names(session, *{u for t, u in subjects if t == "enterprise"}))
    items = []
    for view in views:
        row = view.row
        items.append({
            "id": row.id, "type": row.type,
            "subject": subjects.get((row.subject_type, row.subject_id),
                                    {"type": row.subject_type}),
            "old_grade": row.old_grade, "new_grade": row.new_grade,
            "reasons": _public_reasons({"reasons": row.reasons}, sorted(names)),
            "ruleset": row.ruleset, "published_on": row.published_on.isoformat(),
            "objection_deadline": row.objection_deadline.isoformat(),
            "objection_deadline_provisional": row.objection_deadline_provisional,
            "status": view.status, "withdrawn_on": _iso(
                row.withdrawn_on if view.status == "withdrawn" else None),
            "listed_until": _iso(row.listed_until),
        })
    return items
