"""inspection plan: an index for paging a district's enterprises in USCC order

A plan page in USCC order walks the enterprises by key and stops after the page
(storage/repositories/inspection_plan.py); with a district filter it needs the district's
enterprises in USCC order, which (district) alone does not give without sorting the whole
district. An index only: nothing to backfill. The plan by next_due_on is unchanged here
(docs/inspection-calendar.md says what is decided for it).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 05:10:00
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_enterprises_district_uscc', 'enterprises', ['district', 'uscc'],
                    unique=False)


def downgrade() -> None:
    op.drop_index('ix_enterprises_district_uscc', table_name='enterprises')
