"""remove grades stored for dates after today

Earlier versions accepted a regrade `as_of` in the future and stored its grades; the latest
stored grade was then served as today's. Nothing may be stored for the future, so this
deletes what was: grades whose date is after today in the configured time zone, the
announcements published for such a date (with their objections), and the job runs (with
their chunks) of such a business date, which would otherwise make that day's scheduled
run look done. The audit log is left alone: it is a hash chain and records what happened.

Today is `Settings.from_env().today()` (the configured zone, CREDIT_ENGINE_TIMEZONE,
default Asia/Shanghai); a caller may fix it with `config.attributes["today"]` (a date).
Downgrading restores nothing: the rows are gone.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06 02:30:00
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import context, op


revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("credit_engine.migrations")

# Only the columns this migration reads, as they are at revision 0002.
_grades = sa.table("grades", sa.column("id", sa.Integer), sa.column("as_of", sa.Date))
_announcements = sa.table("announcements", sa.column("id", sa.Integer),
                          sa.column("published_on", sa.Date))
_objections = sa.table("objections", sa.column("id", sa.Integer),
                       sa.column("announcement_id", sa.Integer))
_runs = sa.table("job_runs", sa.column("id", sa.Integer), sa.column("business_date", sa.Date))
_chunks = sa.table("job_run_chunks", sa.column("id", sa.Integer), sa.column("run_id", sa.Integer))


def _today() -> date:
    fixed = context.config.attributes.get("today")
    if fixed is not None:
        return fixed  # type: ignore[no-any-return]
    from credit_engine.config import Settings

    return Settings.from_env().today()


def _delete(statement: sa.Delete) -> int:
    return op.get_bind().execute(statement).rowcount or 0


def upgrade() -> None:
    today = _today()
    future_announcements = sa.select(_announcements.c.id).where(
        _announcements.c.published_on > today)
    future_runs = sa.select(_runs.c.id).where(_runs.c.business_date > today)
    removed = {
        "objections": _delete(_objections.delete().where(
            _objections.c.announcement_id.in_(future_announcements))),
        "announcements": _delete(_announcements.delete().where(
            _announcements.c.published_on > today)),
        "job run chunks": _delete(_chunks.delete().where(_chunks.c.run_id.in_(future_runs))),
        "job runs": _delete(_runs.delete().where(_runs.c.business_date > today)),
        "grades": _delete(_grades.delete().where(_grades.c.as_of > today)),
    }
    if any(removed.values()):
        log.warning("0003: removed what was stored for dates after %s: %s", today.isoformat(),
                    ", ".join(f"{count} {name}" for name, count in removed.items()))
    else:
        log.info("0003: nothing was stored for a date after %s", today.isoformat())


def downgrade() -> None:
    """Nothing to undo: the deleted rows described the future and are not restored."""
