"""derived columns of stored grades for statistics

Statistics (docs/statistics.md) count a million enterprises from their grades in force; they
read these plain columns instead of parsing each stored result JSON: `catering_rating`,
`licensing_restricted`, `listed_until` (from the stored result) and `open_kitchen`,
`traceability`, `insured` (a valid practice or insurance record on the grade's date, from
the subject's records). Existing rows are filled here in batches of `BATCH` grades by id, so
memory stays flat however many grades are stored; new grades get them when stored
(storage/grades.py `store_grade`). Downgrading drops the columns.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 05:10:00
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import date
from typing import Any

import sqlalchemy as sa
from alembic import context, op

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

log = logging.getLogger("credit_engine.migrations")

BATCH = 2000
_FLAGS = ("licensing_restricted", "open_kitchen", "traceability", "insured")

# Only the columns this migration reads and writes, as they are at this revision.
_grades = sa.table(
    "grades", sa.column("id", sa.Integer), sa.column("subject_type", sa.String),
    sa.column("subject_id", sa.String), sa.column("as_of", sa.Date),
    sa.column("result", sa.JSON), sa.column("catering_rating", sa.String),
    sa.column("listed_until", sa.Date), *(sa.column(name, sa.Boolean) for name in _FLAGS))
_records = sa.table(
    "records", sa.column("id", sa.Integer), sa.column("external_id", sa.String),
    sa.column("enterprise_uscc", sa.String), sa.column("kind", sa.String),
    sa.column("occurred_on", sa.Date), sa.column("details", sa.JSON))
_revocations = sa.table("revocations", sa.column("record_id", sa.Integer),
                        sa.column("revoked_on", sa.Date))
_repairs = sa.table("repairs", sa.column("record_id", sa.Integer),
                    sa.column("approved_on", sa.Date))


def upgrade() -> None:
    with op.batch_alter_table('grades', schema=None) as batch_op:
        batch_op.add_column(sa.Column('catering_rating', sa.String(length=12), nullable=True))
        for name in _FLAGS:
            batch_op.add_column(sa.Column(name, sa.Boolean(), server_default=sa.false(),
                                          nullable=False))
        batch_op.add_column(sa.Column('listed_until', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_grades_listed_until'), ['listed_until'],
                              unique=False)
    filled = _fill_existing(op.get_bind())
    log.info("0011: filled the statistics columns of %d stored grades", filled)


def downgrade() -> None:
    with op.batch_alter_table('grades', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_grades_listed_until'))
        batch_op.drop_column('listed_until')
        for name in reversed(_FLAGS):
            batch_op.drop_column(name)
        batch_op.drop_column('catering_rating')


def _fill_existing(bind: sa.Connection) -> int:
    """Every stored grade, `BATCH` at a time by id (keyset, never OFFSET)."""
    last, filled = 0, 0
    batch = int(context.config.attributes.get("grade_summary_batch", BATCH))  # tests: small
    while True:
        rows = bind.execute(
            sa.select(_grades.c.id, _grades.c.subject_type, _grades.c.subject_id,
                      _grades.c.as_of, _grades.c.result)
            .where(_grades.c.id > last).order_by(_grades.c.id).limit(batch)).all()
        if not rows:
            return filled
        updates = _summaries(bind, rows)
        bind.execute(_grades.update().where(_grades.c.id == sa.bindparam("_id")).values(
            {name: sa.bindparam(name) for name in ("catering_rating", "listed_until", *_FLAGS)}),
            updates)
        last, filled = rows[-1].id, filled + len(rows)


def _summaries(bind: sa.Connection, rows: Sequence[Any]) -> list[dict[str, Any]]:
    from credit_engine.domain.grade_summary import coverage, summary_of_stored

    records = _validity_records(bind, {r.subject_id for r in rows if r.subject_type == "enterprise"})
    updates = []
    for row in rows:
        result = row.result if isinstance(row.result, dict) else {}
        values = summary_of_stored(result)
        own = records.get(row.subject_id, []) if row.subject_type == "enterprise" else []
        values.update(coverage(own, row.as_of))
        updates.append({"_id": row.id, **values})
    return updates


def _validity_records(bind: sa.Connection, usccs: set[str]) -> dict[str, list[Any]]:
    """The practice and insurance records of `usccs`, as domain records with their ends."""
    from credit_engine.domain.model import Record, SubjectRef

    if not usccs:
        return {}
    query = (
        sa.select(_records, _revocations.c.revoked_on, _repairs.c.approved_on)
        .outerjoin(_revocations, _revocations.c.record_id == _records.c.id)
        .outerjoin(_repairs, _repairs.c.record_id == _records.c.id)
        .where(_records.c.enterprise_uscc.in_(sorted(usccs)),
               _records.c.kind.in_(("practice", "insurance"))))
    found: dict[str, list[Any]] = {}
    for r in bind.execute(query):
        occurred = r.occurred_on if isinstance(r.occurred_on, date) else date.fromisoformat(
            str(r.occurred_on))
        found.setdefault(r.enterprise_uscc, []).append(Record(
            r.id, r.external_id, SubjectRef("enterprise", r.enterprise_uscc), r.kind, occurred,
            r.details or {}, revoked_on=r.revoked_on, repaired_on=r.approved_on))
    return found
