"""Migration 0003 deletes what earlier versions stored for dates after today, on both
databases: grades, announcements published for such a date (with their objections) and
job runs of such a business date (with their chunks); everything up to today stays."""

from __future__ import annotations

import logging
from datetime import date, datetime, timezone
from typing import Any

import pytest
from alembic import command
from sqlalchemy import MetaData, Table, select

from credit_engine.storage.database import make_engine
from credit_engine.storage.migrate import alembic_config, upgrade_database

TODAY = date(2026, 11, 29)
DAYS = (date(2026, 11, 1), TODAY, date(2026, 11, 30), date(2030, 6, 1))
NOW = datetime(2026, 11, 29, 4, 0, tzinfo=timezone.utc)


def _grade(day: date) -> dict[str, Any]:
    return {"subject_type": "enterprise", "subject_id": "91310000631234567X", "as_of": day,
            "ruleset": "default@2026.1", "score": 90, "grade": "A", "result": {},
            "next_change_on": None, "created_at": NOW}


def _announcement(day: date) -> dict[str, Any]:
    return {"type": "grade_change", "subject_type": "enterprise",
            "subject_id": "91310000631234567X", "dedupe_key": f"grade_change:{day}",
            "old_grade": "B", "new_grade": "A", "reasons": [], "ruleset": "default@2026.1",
            "published_on": day, "objection_deadline": day, "created_at": NOW,
            "created_by": "test"}


def _objection(announcement_id: int, day: date) -> dict[str, Any]:
    return {"announcement_id": announcement_id, "reason": "x", "record_ids": [], "filed_on": day,
            "filed_by": "test", "status": "pending", "created_at": NOW}


def _run(day: date) -> dict[str, Any]:
    return {"job": "full_regrade", "business_date": day, "mode": "full", "status": "succeeded",
            "owner": "test", "attempts": 1, "started_at": NOW, "heartbeat_at": NOW,
            "subjects_total": 1, "chunks_total": 1, "regraded": 1, "changed": 0,
            "announcements": 0, "duration_seconds": 0.1, "detail": {}}


def _chunk(run_id: int) -> dict[str, Any]:
    return {"run_id": run_id, "seq": 0, "size": 1, "status": "done", "regraded": 1,
            "changed": 0, "announcements": 0}


def test_upgrade_removes_only_what_was_stored_for_dates_after_today(
        empty_database_url: str, caplog: pytest.LogCaptureFixture) -> None:
    upgrade_database(empty_database_url, "0002")
    engine = make_engine(empty_database_url)
    tables = MetaData()
    tables.reflect(engine)
    t: dict[str, Table] = dict(tables.tables)
    with engine.begin() as connection:
        for day in DAYS:
            connection.execute(t["grades"].insert(), _grade(day))
            announcement = connection.execute(
                t["announcements"].insert().returning(t["announcements"].c.id),
                _announcement(day)).scalar_one()
            connection.execute(t["objections"].insert(), _objection(announcement, day))
            run = connection.execute(t["job_runs"].insert().returning(t["job_runs"].c.id),
                                     _run(day)).scalar_one()
            connection.execute(t["job_run_chunks"].insert(), _chunk(run))

    config = alembic_config(url=empty_database_url)
    config.attributes["today"] = TODAY
    with caplog.at_level(logging.INFO, logger="credit_engine.migrations"):
        command.upgrade(config, "0003")

    kept = [date(2026, 11, 1), TODAY]
    with engine.connect() as connection:
        assert list(connection.scalars(select(t["grades"].c.as_of).order_by("as_of"))) == kept
        assert list(connection.scalars(
            select(t["announcements"].c.published_on).order_by("published_on"))) == kept
        assert list(connection.scalars(select(t["objections"].c.filed_on).order_by("filed_on"))) == kept
        assert list(connection.scalars(
            select(t["job_runs"].c.business_date).order_by("business_date"))) == kept
        assert len(connection.execute(select(t["job_run_chunks"])).all()) == 2
    engine.dispose()
    assert ("0003: removed what was stored for dates after 2026-11-29: 2 objections, "
            "2 announcements, 2 job run chunks, 2 job runs, 2 grades") in caplog.text


def test_upgrade_of_a_database_with_nothing_in_the_future_keeps_everything(
        empty_database_url: str) -> None:
    upgrade_database(empty_database_url, "0002")
    engine = make_engine(empty_database_url)
    grades = Table("grades", MetaData(), autoload_with=engine)
    with engine.begin() as connection:
        connection.execute(grades.insert(), [_grade(date(2026, 11, 1)), _grade(TODAY)])
    config = alembic_config(url=empty_database_url)
    config.attributes["today"] = TODAY
    command.upgrade(config, "0003")
    with engine.connect() as connection:
        assert len(connection.execute(select(grades)).all()) == 2
    engine.dispose()
