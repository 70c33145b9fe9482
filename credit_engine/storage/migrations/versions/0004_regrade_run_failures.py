"""regrade run failures

A subject whose grading fails no longer stops a regrade run: it is recorded in
`regrade_failures` and the run ends `completed_with_failures` (23 characters: the status
column grows from 10 to 30 and its check constraint learns the new value).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06 02:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD_STATUSES = "status IN ('running', 'succeeded', 'failed')"
_NEW_STATUSES = "status IN ('running', 'succeeded', 'completed_with_failures', 'failed')"


def upgrade() -> None:
    op.create_table('regrade_failures',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('run_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('subject_type', sa.String(length=10), nullable=False),
    sa.Column('subject_id', sa.String(length=32), nullable=False),
    sa.Column('error', sa.Text(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['job_runs.id'], name=op.f('fk_regrade_failures_run_id_job_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_regrade_failures')),
    sa.UniqueConstraint('run_id', 'subject_type', 'subject_id', name='uq_regrade_failures_run_subject')
    )
    with op.batch_alter_table('regrade_failures', schema=None) as batch_op:
        batch_op.create_index('ix_regrade_failures_at', ['at'], unique=False)

    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_job_runs_status_known'), type_='check')
        batch_op.alter_column('status', existing_type=sa.String(length=10),
                              type_=sa.String(length=30), existing_nullable=False)
        batch_op.create_check_constraint(op.f('ck_job_runs_status_known'), _NEW_STATUSES)


def downgrade() -> None:
    op.execute("UPDATE job_runs SET status = 'succeeded' "
               "WHERE status = 'completed_with_failures'")
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_job_runs_status_known'), type_='check')
        batch_op.alter_column('status', existing_type=sa.String(length=30),
                              type_=sa.String(length=10), existing_nullable=False)
        batch_op.create_check_constraint(op.f('ck_job_runs_status_known'), _OLD_STATUSES)

    with op.batch_alter_table('regrade_failures', schema=None) as batch_op:
        batch_op.drop_index('ix_regrade_failures_at')

    op.drop_table('regrade_failures')
