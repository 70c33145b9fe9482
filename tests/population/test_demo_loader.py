"""load_demo: writes through the services, idempotently."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from credit_engine.errors import ValidationFailed

from credit_engine.services.demo import load_demo
from credit_engine.storage.models import EnterpriseRow, PersonRow, RecordRow, RoleRow

TODAY = date(2026, 11, 29)


def _counts(container):
    with container.transaction() as session:
        return {model.__tablename__: session.scalar(select(func.count()).select_from(model))
                for model in (EnterpriseRow, PersonRow, RoleRow, RecordRow)}


def test_first_load_stores_the_whole_population(container):
    summary = load_demo(container, enterprises=40, persons=50, today=TODAY)
    assert not summary.already_loaded
    assert _counts(container) == {
        "enterprises": 40, "persons": 50, "roles": summary.population["roles"],
        "records": summary.population["records"]}
    assert summary.records_created == summary.population["records"]


def test_second_load_adds_nothing(container):
    load_demo(container, enterprises=40, persons=50, today=TODAY)
    before = _counts(container)
    summary = load_demo(container, enterprises=40, persons=50, today=TODAY)
    assert summary.already_loaded
    assert (summary.enterprises_created, summary.records_created) == (0, 0)
    assert _counts(container) == before


def test_a_load_on_a_later_day_adds_only_the_newer_records(container_on):
    container = container_on(date(2027, 5, 31))
    first = load_demo(container, enterprises=40, persons=50, today=TODAY)
    later = load_demo(container, enterprises=40, persons=50)
    assert not later.already_loaded and later.enterprises_created == 0
    assert later.records_created == later.population["records"] - first.population["records"]
    assert _counts(container)["records"] == later.population["records"]


def test_person_records_are_stored_under_opaque_ids(container):
    load_demo(container, enterprises=300, persons=400, today=TODAY)
    with container.transaction() as session:
        person_ids = set(session.scalars(select(RecordRow.person_id).where(
            RecordRow.person_id.is_not(None))))
        known = set(session.scalars(select(PersonRow.id)))
    assert person_ids and person_ids <= known
    assert all(len(pid) != 18 for pid in person_ids)


def test_demo_writes_are_attributed_to_the_demo_actor(container):
    load_demo(container, enterprises=10, persons=10, today=TODAY)
    with container.transaction() as session:
        actors = set(session.scalars(select(RecordRow.received_by)))
    assert actors == {"demo"}


def test_a_load_for_a_day_after_today_is_refused_and_stores_nothing(container_on):
    container = container_on(TODAY)
    with pytest.raises(ValidationFailed) as refused:
        load_demo(container, enterprises=10, persons=10, today=date(2026, 11, 30))
    assert list(refused.value.errors) == ["today"]
    assert set(_counts(container).values()) == {0}
