"""change feed, webhooks and their deliveries

`change_feed`: every change of a subject's stored grade or measures, written unnumbered
in the grade's transaction and numbered (`seq`) by the sequencer. `webhook_endpoints`
(secrets sealed with the data key), `webhook_deliveries` (one per endpoint and feed item)
and `webhook_attempts` (the delivery log). New tables only: nothing existing changes.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 05:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')
_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        'change_feed',
        sa.Column('id', _ID, autoincrement=True, nullable=False),
        sa.Column('seq', sa.BigInteger(), nullable=True),
        sa.Column('subject_type', sa.String(length=10), nullable=False),
        sa.Column('subject_id', sa.String(length=32), nullable=False),
        sa.Column('as_of', sa.Date(), nullable=False),
        sa.Column('old_grade', sa.String(length=1), nullable=True),
        sa.Column('new_grade', sa.String(length=1), nullable=False),
        sa.Column('measures_added', sa.JSON(), nullable=False),
        sa.Column('measures_removed', sa.JSON(), nullable=False),
        sa.Column('recorded_at', _TS, nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_change_feed')),
        sa.UniqueConstraint('seq', name='uq_change_feed_seq'))
    op.create_index('ix_change_feed_unsequenced', 'change_feed', ['id'], unique=False,
                    postgresql_where=sa.text('seq IS NULL'),
                    sqlite_where=sa.text('seq IS NULL'))
    op.create_table(
        'webhook_endpoints',
        sa.Column('id', _ID, autoincrement=True, nullable=False),
        sa.Column('name', sa.String(length=64), nullable=False),
        sa.Column('url', sa.String(length=2000), nullable=False),
        sa.Column('secret_encrypted', sa.Text(), nullable=False),
        sa.Column('fed_until', sa.BigInteger(), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('last_error_at', _TS, nullable=True),
        sa.Column('created_at', _TS, nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_endpoints')),
        sa.UniqueConstraint('name', name=op.f('uq_webhook_endpoints_name')))
    op.create_table(
        'webhook_deliveries',
        sa.Column('id', _ID, autoincrement=True, nullable=False),
        sa.Column('endpoint_id', _ID, nullable=False),
        sa.Column('change_seq', sa.BigInteger(), nullable=False),
        sa.Column('subject_type', sa.String(length=10), nullable=False),
        sa.Column('subject_id', sa.String(length=32), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', _TS, nullable=False),
        sa.Column('last_status', sa.Integer(), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('created_at', _TS, nullable=False),
        sa.Column('delivered_at', _TS, nullable=True),
        sa.CheckConstraint("status IN ('pending', 'delivered')",
                           name=op.f('ck_webhook_deliveries_status_known')),
        sa.ForeignKeyConstraint(['endpoint_id'], ['webhook_endpoints.id'],
                                name=op.f('fk_webhook_deliveries_endpoint_id_webhook_endpoints'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_deliveries')),
        sa.UniqueConstraint('endpoint_id', 'change_seq',
                            name='uq_webhook_deliveries_endpoint_seq'))
    op.create_index('ix_webhook_deliveries_due', 'webhook_deliveries',
                    ['endpoint_id', 'status', 'next_attempt_at'], unique=False)
    op.create_index('ix_webhook_deliveries_subject', 'webhook_deliveries',
                    ['endpoint_id', 'subject_type', 'subject_id', 'status'], unique=False)
    op.create_table(
        'webhook_attempts',
        sa.Column('id', _ID, autoincrement=True, nullable=False),
        sa.Column('delivery_id', _ID, nullable=False),
        sa.Column('started_at', _TS, nullable=False),
        sa.Column('finished_at', _TS, nullable=False),
        sa.Column('status', sa.Integer(), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(['delivery_id'], ['webhook_deliveries.id'],
                                name=op.f('fk_webhook_attempts_delivery_id_webhook_deliveries'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_attempts')))
    op.create_index('ix_webhook_attempts_delivery', 'webhook_attempts', ['delivery_id'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_webhook_attempts_delivery', table_name='webhook_attempts')
    op.drop_table('webhook_attempts')
    op.drop_index('ix_webhook_deliveries_subject', table_name='webhook_deliveries')
    op.drop_index('ix_webhook_deliveries_due', table_name='webhook_deliveries')
    op.drop_table('webhook_deliveries')
    op.drop_table('webhook_endpoints')
    op.drop_index('ix_change_feed_unsequenced', table_name='change_feed')
    op.drop_table('change_feed')
