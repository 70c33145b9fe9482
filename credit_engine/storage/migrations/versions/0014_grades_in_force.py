"""grades in force: one narrow row per subject, and month-end statistics snapshots

`grades_in_force` keeps each subject's latest stored grade (date, letter, the summary
columns of 0011) and an enterprise's district and category, so the plan's statistics for
today are one scan of narrow rows instead of a seek and a random read of a wide grade row
per enterprise (docs/statistics.md). Indexes: the summary in group order (covering, also
the district filter), listed persons, the subjects regraded after a past date, and the
enterprises by district and category (the ungraded are counted from it). The backfill
copies each subject's latest stored grade, 2,000 subjects at a time in key order (keyset),
inside the database (INSERT ... SELECT), so its memory stays flat; the indexes are built
after it. `statistics_snapshots` holds the published statistics of each closed month's end
(per district and for all), filled by the nightly job or on first need. Downgrading drops
both tables and the index (the grades themselves are untouched).

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 05:55:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0014'
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 2000

_NEXT_BATCH = sa.text(
    "SELECT subject_id FROM grades WHERE subject_type = :kind AND subject_id > :after"
    " GROUP BY subject_id ORDER BY subject_id LIMIT :size")

# Each subject of the batch with its latest stored grade; an enterprise's district and category.
_FILL = sa.text(
    "INSERT INTO grades_in_force (subject_type, subject_id, as_of, grade, catering_rating,"
    " licensing_restricted, listed_until, open_kitchen, traceability, insured, district,"
    " category)"
    " SELECT g.subject_type, g.subject_id, g.as_of, g.grade, g.catering_rating,"
    " g.licensing_restricted, g.listed_until, g.open_kitchen, g.traceability, g.insured,"
    " e.district, e.category"
    " FROM grades g LEFT JOIN enterprises e"
    " ON g.subject_type = 'enterprise' AND e.uscc = g.subject_id"
    " WHERE g.subject_type = :kind AND g.subject_id > :after AND g.subject_id <= :last"
    " AND g.as_of = (SELECT max(l.as_of) FROM grades l"
    " WHERE l.subject_type = g.subject_type AND l.subject_id = g.subject_id)")


def upgrade() -> None:
    op.create_table(
        'grades_in_force',
        sa.Column('subject_type', sa.String(length=10), nullable=False),
        sa.Column('subject_id', sa.String(length=32), nullable=False),
        sa.Column('as_of', sa.Date(), nullable=False),
        sa.Column('grade', sa.String(length=1), nullable=False),
        sa.Column('catering_rating', sa.String(length=12), nullable=True),
        sa.Column('licensing_restricted', sa.Boolean(), server_default=sa.false(),
                  nullable=False),
        sa.Column('listed_until', sa.Date(), nullable=True),
        sa.Column('open_kitchen', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('traceability', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('insured', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('district', sa.String(length=100), nullable=True),
        sa.Column('category', sa.String(length=20), nullable=True),
        sa.PrimaryKeyConstraint('subject_type', 'subject_id', name=op.f('pk_grades_in_force')),
    )
    config = op.get_context().config
    batch = int(config.attributes.get("grades_in_force_batch", BATCH)) if config else BATCH
    _backfill(op.get_bind(), batch)  # before the indexes: faster to build them once
    op.create_index('ix_grades_in_force_summary', 'grades_in_force', [
        'subject_type', 'district', 'category', 'grade', 'catering_rating',
        'licensing_restricted', 'open_kitchen', 'traceability', 'insured', 'as_of'],
        unique=False)
    op.create_index('ix_grades_in_force_listed_until', 'grades_in_force',
                    ['subject_type', 'listed_until'], unique=False)
    op.create_index('ix_grades_in_force_as_of', 'grades_in_force',
                    ['subject_type', 'as_of'], unique=False)
    op.create_index('ix_enterprises_district_category', 'enterprises',
                    ['district', 'category'], unique=False)
    op.create_table(
        'statistics_snapshots',
        sa.Column('as_of', sa.Date(), nullable=False),
        sa.Column('district', sa.String(length=100), nullable=False),
        sa.Column('figures', sa.JSON(), nullable=False),
        sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('as_of', 'district', name=op.f('pk_statistics_snapshots')),
    )


def _backfill(connection: sa.Connection, batch: int) -> None:
    """Copy the latest stored grade of every subject, `batch` subjects at a time."""
    for kind in ('enterprise', 'person'):
        after = ''
        while True:
            ids = list(connection.scalars(_NEXT_BATCH, {"kind": kind, "after": after,
                                                        "size": batch}))
            if not ids:
                break
            connection.execute(_FILL, {"kind": kind, "after": after, "last": ids[-1]})
            after = ids[-1]


def downgrade() -> None:
    op.drop_table('statistics_snapshots')
    op.drop_index('ix_enterprises_district_category', table_name='enterprises')
    op.drop_index('ix_grades_in_force_as_of', table_name='grades_in_force')
    op.drop_index('ix_grades_in_force_listed_until', table_name='grades_in_force')
    op.drop_index('ix_grades_in_force_summary', table_name='grades_in_force')
    op.drop_table('grades_in_force')
