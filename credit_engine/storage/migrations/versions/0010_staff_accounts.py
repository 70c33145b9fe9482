"""staff accounts and login attempts

staff_users holds the office workbench's accounts (argon2id password hashes, a role, an
optional district, a session epoch that ends open sessions on a reset or disable; never
deleted). staff_login_attempts keeps each login attempt for the lockout after five
failures in fifteen minutes.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06 05:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0010'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('staff_users',
    sa.Column('id', _ID, autoincrement=True, nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('district', sa.String(length=100), nullable=True),
    sa.Column('session_epoch', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('disabled_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("role IN ('clerk', 'reviewer', 'supervisor', 'admin')",
                       name=op.f('ck_staff_users_role')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_users')),
    sa.UniqueConstraint('username', name=op.f('uq_staff_users_username'))
    )
    op.create_table('staff_login_attempts',
    sa.Column('id', _ID, autoincrement=True, nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('succeeded', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_login_attempts'))
    )
    op.create_index('ix_staff_login_attempts_username_at', 'staff_login_attempts',
                    ['username', 'at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_staff_login_attempts_username_at', table_name='staff_login_attempts')
    op.drop_table('staff_login_attempts')
    op.drop_table('staff_users')
