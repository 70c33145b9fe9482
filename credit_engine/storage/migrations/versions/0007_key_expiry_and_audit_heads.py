"""key expiry, rotation and published audit heads

api_keys gains expires_on (valid through the end of that day in the configured time
zone), last_used_at, and the previous secret of a rotation with the end of its grace
period; audit_heads keeps the audit chain's head as published once a day. Existing keys
keep working: no expiry, never used since this revision, nothing rotated.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 03:30:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('expires_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('previous_key_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('previous_valid_until', sa.DateTime(timezone=True),
                                      nullable=True))
    op.create_table('audit_heads',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('published_on', sa.Date(), nullable=False),
    sa.Column('entries', sa.BigInteger(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_heads')),
    sa.UniqueConstraint('published_on', name=op.f('uq_audit_heads_published_on'))
    )


def downgrade() -> None:
    op.drop_table('audit_heads')
    with op.batch_alter_table('api_keys', schema=None) as batch_op:
        batch_op.drop_column('previous_valid_until')
        batch_op.drop_column('previous_key_hash')
        batch_op.drop_column('last_used_at')
        batch_op.drop_column('expires_on')
