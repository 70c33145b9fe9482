"""provisional objection deadlines

Adds announcements.objection_deadline_provisional. Deadlines stored before this revision
were counted with the official schedules of 2004-2026 (the chinesecalendar package); a
deadline after 2026 counted the days of 2027 as Monday to Friday, statutory holidays
included. Those rows are marked provisional here, and the recompute of provisional
deadlines (the `provisional_deadlines` job, `credit-engine calendar recompute`) moves them
to the later, correct day.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 02:30:00
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import sqlalchemy as sa
from alembic import op


revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# The last year whose official schedule the old code knew.
LAST_SCHEDULED = date(2026, 12, 31)


def upgrade() -> None:
    with op.batch_alter_table('announcements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('objection_deadline_provisional', sa.Boolean(),
                                      server_default=sa.false(), nullable=False))
    announcements = sa.table('announcements', sa.column('objection_deadline', sa.Date()),
                             sa.column('objection_deadline_provisional', sa.Boolean()))
    op.execute(announcements.update()
               .where(announcements.c.objection_deadline > LAST_SCHEDULED)
               .values(objection_deadline_provisional=True))


def downgrade() -> None:
    with op.batch_alter_table('announcements', schema=None) as batch_op:
        batch_op.drop_column('objection_deadline_provisional')
