"""repair applications

repair_applications holds an application for credit repair of one penalty record: the
date, the statement and the list of materials, the eligibility the repair rules found
when it was filed, and the decision (approved: the `repairs` row it created; refused:
the note). Nothing existing changes.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 05:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('repair_applications',
    sa.Column('id', _ID, autoincrement=True, nullable=False),
    sa.Column('record_id', _ID, nullable=False),
    sa.Column('applied_on', sa.Date(), nullable=False),
    sa.Column('statement', sa.Text(), nullable=False),
    sa.Column('materials', sa.JSON(), nullable=False),
    sa.Column('eligible', sa.Boolean(), nullable=False),
    sa.Column('eligibility_reason', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=True),
    sa.Column('decided_by', sa.String(length=100), nullable=True),
    sa.Column('repair_id', _ID, nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.CheckConstraint("status IN ('pending', 'approved', 'refused')",
                       name=op.f('ck_repair_applications_status_known')),
    sa.ForeignKeyConstraint(['record_id'], ['records.id'],
                            name=op.f('fk_repair_applications_record_id_records')),
    sa.ForeignKeyConstraint(['repair_id'], ['repairs.id'],
                            name=op.f('fk_repair_applications_repair_id_repairs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_repair_applications'))
    )
    with op.batch_alter_table('repair_applications', schema=None) as batch_op:
        batch_op.create_index('ix_repair_applications_record_id', ['record_id'], unique=False)
        batch_op.create_index('ix_repair_applications_status', ['status', 'applied_on'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('repair_applications', schema=None) as batch_op:
        batch_op.drop_index('ix_repair_applications_status')
        batch_op.drop_index('ix_repair_applications_record_id')
    op.drop_table('repair_applications')
