"""Migration 0011 fills the statistics columns of grades stored before it exactly as the
grade writer fills them, in batches, on both databases."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from alembic import command
from sqlalchemy import select

from credit_engine.bootstrap import Container
from credit_engine.storage.migrate import alembic_config
from credit_engine.storage.models import GradeRow

from statistics_town import graded_town

TODAY = date(2026, 11, 30)
COLUMNS = ("catering_rating", "licensing_restricted", "listed_until", "open_kitchen",
           "traceability", "insured")


def _summaries(container: Container) -> dict[int, tuple]:
    with container.session_factory() as session:
        return {row[0]: tuple(row[1:]) for row in session.execute(
            select(GradeRow.id, *(getattr(GradeRow, c) for c in COLUMNS)))}


def test_upgrade_fills_existing_grades_as_the_writer_does(
        database_url: str, container_on: Callable[[date], Container]) -> None:
    container = container_on(TODAY)
    graded_town(container, 40, 50, date(2025, 12, 31), TODAY)
    written = _summaries(container)
    assert any(s[1] for s in written.values()) and any(s[3] for s in written.values())
    assert any(s[0] for s in written.values()) and any(s[5] for s in written.values())
    container.engine.dispose()

    config = alembic_config(url=database_url)
    command.downgrade(config, "0010")  # the columns are gone with what they held
    config.attributes["grade_summary_batch"] = 7  # many batches over ~180 grades
    command.upgrade(config, "head")
    assert _summaries(container) == written
