"""public replies (right to reply)

enterprise_replies holds an enterprise's public replies to its grade: the text, the day it
was submitted and who entered it. The public page shows the latest one until the grade
next changes. Nothing existing changes.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 05:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('enterprise_replies',
    sa.Column('id', _ID, autoincrement=True, nullable=False),
    sa.Column('uscc', sa.String(length=18), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=100), nullable=False),
    sa.ForeignKeyConstraint(['uscc'], ['enterprises.uscc'],
                            name=op.f('fk_enterprise_replies_uscc_enterprises')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_enterprise_replies'))
    )
    with op.batch_alter_table('enterprise_replies', schema=None) as batch_op:
        batch_op.create_index('ix_enterprise_replies_latest', ['uscc', 'submitted_on', 'id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('enterprise_replies', schema=None) as batch_op:
        batch_op.drop_index('ix_enterprise_replies_latest')
    op.drop_table('enterprise_replies')
