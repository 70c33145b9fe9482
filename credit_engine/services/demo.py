"""Load a realistic demo population (`credit-engine serve --demo`), idempotently."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from marshmallow import ValidationError
from sqlalchemy.orm import Session

from credit_engine.bootstrap import Container
from credit_engine.errors import ValidationFailed
from credit_engine.population import Population, generate_population
from credit_engine.services.records import ingest_records
from credit_engine.services.subjects import put_role, register_person, upsert_enterprise
from credit_engine.storage.repositories.records import known_external_ids
from credit_engine.storage.repositories.subjects import (
    LOOKUP_CHUNK, chunks, known_usccs, person_ids_by_id_number, role_ends,
)
from credit_engine.validation.context import require_business_date, validation_today
from credit_engine.validation.records import MAX_BATCH, RecordBatchSchema
from credit_engine.validation.subjects import EnterpriseInSchema, PersonInSchema, RoleInSchema

ACTOR = "demo"
DEMO_SEED = 20261129
# Fixed, so the demo loaded on a later day is the same population with newer records.
DEMO_START = date(2022, 1, 1)


@dataclass(frozen=True)
class DemoSummary:
    """What a load added (zeros when the demo was already there) and what the demo holds."""

    enterprises_created: int
    persons_created: int
    roles_created: int
    records_created: int
    already_loaded: bool
    population: dict[str, int]


@dataclass
class _ValidItems:
    enterprises: list[tuple[str, dict[str, Any]]]
    persons: list[dict[str, Any]]
    roles: list[tuple[str, str, dict[str, Any]]]  # uscc, id_number, loaded body
    records: list[dict[str, Any]]


def load_demo(container: Container, *, seed: int = DEMO_SEED, enterprises: int = 300,
              persons: int = 400, today: date | None = None) -> DemoSummary:
    """Load the demo population through the ingestion services; a second run adds nothing.
    `today` (default the settings' today) may be earlier than today, never later."""
    now = container.settings.today()
    today = require_business_date(today or now, now, "today")
    population = generate_population(seed, enterprises, persons, start=DEMO_START, end=today)
    with container.transaction() as session:
        if _already_loaded(session, population):
            return DemoSummary(0, 0, 0, 0, True, population.counts())
    items = validate_population(population, today)
    with container.transaction() as session:
        return _store(session, items, population)


def _already_loaded(session: Session, population: Population) -> bool:
    usccs = [e["uscc"] for e in population.enterprises]
    if len(known_usccs(session, usccs, LOOKUP_CHUNK)) < len(usccs):
        return False
    external_ids = [r["external_id"] for r in population.records]
    return len(known_external_ids(session, external_ids, LOOKUP_CHUNK)) == len(external_ids)


def _load(schema: Any, body: dict[str, Any], where: str) -> dict[str, Any]:
    try:
        return schema.load(body)  # type: ignore[no-any-return]
    except ValidationError as error:
        raise ValidationFailed({where: [str(error.messages)]},
                               "The demo population holds data the API would refuse.") from error


def validate_population(population: Population, today: date) -> _ValidItems:
    """Every item through the API's own schemas, as of `today`; ValidationFailed if any fails."""
    enterprise_schema, person_schema, role_schema = (
        EnterpriseInSchema(), PersonInSchema(), RoleInSchema())
    batch_schema = RecordBatchSchema()
    with validation_today(today):
        enterprises = [(e["uscc"], _load(enterprise_schema, _without(e, "uscc"), e["uscc"]))
                       for e in population.enterprises]
        people = [_load(person_schema, p, "persons") for p in population.persons]
        roles = [(r["uscc"], r["id_number"],
                  _load(role_schema, _without(r, "uscc", "id_number"), r["uscc"]))
                 for r in population.roles]
        records: list[dict[str, Any]] = []
        for part in chunks(population.records, MAX_BATCH):
            records.extend(_load(batch_schema, {"records": part}, "records")["records"])
    return _ValidItems(enterprises, people, roles, records)


def _without(item: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in item.items() if k not in keys}


def _store(session: Session, items: _ValidItems, population: Population) -> DemoSummary:
    known = known_usccs(session, [uscc for uscc, _ in items.enterprises], LOOKUP_CHUNK)
    enterprises_created = 0
    for uscc, body in items.enterprises:
        if uscc not in known:  # an existing enterprise is left as its users changed it
            enterprises_created += upsert_enterprise(session, uscc, body, ACTOR)[1]
    person_ids, persons_created = _register_persons(session, items.persons)
    roles_created = _put_roles(session, items.roles, person_ids)
    records_created = _ingest(session, items.records, person_ids)
    return DemoSummary(enterprises_created, persons_created, roles_created, records_created,
                       False, population.counts())


def _register_persons(session: Session, persons: list[dict[str, Any]]) -> tuple[dict[str, str], int]:
    rows = person_ids_by_id_number(session, [p["id_number"] for p in persons])
    created = 0
    for person in persons:
        if person["id_number"] not in rows:
            rows[person["id_number"]], new = register_person(session, person, ACTOR)
            created += new
    return rows, created


def _put_roles(session: Session, roles: list[tuple[str, str, dict[str, Any]]],
               person_ids: dict[str, str]) -> int:
    stored = role_ends(session, {uscc for uscc, _, _ in roles})
    created = 0
    for uscc, id_number, body in roles:
        person_id = person_ids[id_number]
        key = (uscc, person_id, body["role"], body["from_"])
        if key not in stored or stored[key] != body.get("to"):  # new, or it has ended since
            created += put_role(session, uscc, person_id, body, ACTOR)[1]
    return created


def _ingest(session: Session, records: list[dict[str, Any]], person_ids: dict[str, str]) -> int:
    known = known_external_ids(session, [r["external_id"] for r in records], LOOKUP_CHUNK)
    fresh = [_with_person_id(r, person_ids) for r in records if r["external_id"] not in known]
    created = 0
    for part in chunks(fresh, MAX_BATCH):
        created += sum(r["status"] == "created" for r in ingest_records(session, part, ACTOR))
    return created


def _with_person_id(record: dict[str, Any], person_ids: dict[str, str]) -> dict[str, Any]:
    """Person subjects are generated by ID number; the API knows them by opaque id."""
    subject = record["subject"]
    if subject["type"] != "person":
        return record
    return {**record, "subject": {"type": "person", "id": person_ids[subject["id"]]}}


def regrade_demo(container: Container, *, today: date | None = None, months: int = 12,
                 chunk: int = 500) -> int:
    """Grade everyone on the first of each of the last `months` months and today, so the demo
    has a grade history and announcements of the changes; idempotent. Returns subjects graded."""
    from credit_engine.domain.dates import add_months
    from credit_engine.services.grading import regrade_subjects
    from credit_engine.storage.credit_files import iter_subject_keys

    now = container.settings.today()
    today = require_business_date(today or now, now, "today")  # no grade for the future
    first = today.replace(day=1)
    dates = [add_months(first, -n) for n in range(months, 0, -1)] + [today]
    graded = 0
    for as_of in dates:
        after = None
        while True:
            with container.transaction() as session:
                subjects = iter_subject_keys(session, after, chunk)
                if not subjects:
                    break
                regrade_subjects(session, container.rulesets, subjects, as_of, ACTOR,
                                 calendar=container.calendar)
            graded += len(subjects)
            after = subjects[-1]
    return graded
