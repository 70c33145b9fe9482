"""`grades_in_force` holds each subject's latest stored grade, as the grade writer, the
enterprise writer and migration 0014 keep it, on both databases."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from alembic import command
from sqlalchemy import select
from statistics_town import graded_town, regrade_all

from credit_engine.bootstrap import Container
from credit_engine.services.subjects import get_enterprise, upsert_enterprise
from credit_engine.storage.migrate import alembic_config
from credit_engine.storage.models import EnterpriseRow, GradeInForceRow, GradeRow

TODAY = date(2026, 11, 30)
EARLIER = date(2026, 9, 1)
SUMMARY = ("as_of", "grade", "catering_rating", "licensing_restricted", "listed_until",
           "open_kitchen", "traceability", "insured")


def _rows(container: Container) -> dict[tuple[str, str], tuple]:
    with container.session_factory() as session:
        return {(r.subject_type, r.subject_id): (*(getattr(r, c) for c in SUMMARY),
                                                 r.district, r.category)
                for r in session.scalars(select(GradeInForceRow))}


def _expected(container: Container) -> dict[tuple[str, str], tuple]:
    """Independently: each subject's latest stored grade, its enterprise's district and
    category."""
    with container.session_factory() as session:
        places = {e.uscc: (e.district, e.category) for e in session.scalars(select(EnterpriseRow))}
        latest: dict[tuple[str, str], GradeRow] = {}
        for g in session.scalars(select(GradeRow)):
            key = (g.subject_type, g.subject_id)
            if key not in latest or latest[key].as_of < g.as_of:
                latest[key] = g
        return {key: (*(getattr(g, c) for c in SUMMARY),
                      *(places[key[1]] if key[0] == "enterprise" else (None, None)))
                for key, g in latest.items()}


def test_the_grade_writer_keeps_the_latest_grade_of_each_subject(
        container_on: Callable[[date], Container]) -> None:
    container = container_on(TODAY)
    graded_town(container, 30, 40, EARLIER, TODAY)
    after_today = _rows(container)
    assert after_today == _expected(container)
    assert {row[0] for row in after_today.values()} == {TODAY}
    assert any(row[4] for row in after_today.values())  # a listed person
    regrade_all(container, date(2026, 10, 1))  # a grade stored later for an earlier date
    assert _rows(container) == after_today == _expected(container)


def test_a_changed_district_or_category_follows_to_the_row(
        container_on: Callable[[date], Container]) -> None:
    container = container_on(TODAY)
    graded_town(container, 10, 10, TODAY)
    with container.transaction() as session:
        uscc = session.scalars(select(EnterpriseRow.uscc).order_by(EnterpriseRow.uscc)).first()
        body = {**get_enterprise(session, uscc).__dict__, "district": "新区",
                "category": "stall"}
        upsert_enterprise(session, uscc, body, "key:test")
    row = _rows(container)[("enterprise", uscc)]
    assert row[-2:] == ("新区", "stall")
    assert _rows(container) == _expected(container)


def test_upgrade_fills_the_table_from_the_stored_grades_in_batches(
        database_url: str, container_on: Callable[[date], Container]) -> None:
    container = container_on(TODAY)
    graded_town(container, 30, 40, EARLIER, TODAY)
    written = _rows(container)
    container.engine.dispose()

    config = alembic_config(url=database_url)
    command.downgrade(config, "0013")
    config.attributes["grades_in_force_batch"] = 7  # many batches over ~70 subjects
    command.upgrade(config, "head")
    assert _rows(container) == written == _expected(container)
