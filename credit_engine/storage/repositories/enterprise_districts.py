"""The district of enterprises, for the office's district-bound staff."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from credit_engine.storage.models import EnterpriseRow, RecordRow
from credit_engine.storage.repositories.subjects import chunks


def districts_of(session: Session, usccs: Iterable[str]) -> dict[str, str | None]:
    """The district of each known enterprise among `usccs` (chunked look-ups)."""
    found: dict[str, str | None] = {}
    for part in chunks(sorted(set(usccs))):
        rows = session.execute(
            select(EnterpriseRow.uscc, EnterpriseRow.district).where(EnterpriseRow.uscc.in_(part)))
        found.update((uscc, district) for uscc, district in rows)
    return found


def record_district(session: Session, record_id: int) -> tuple[bool, str | None]:
    """(whether record `record_id` is an enterprise's, that enterprise's district)."""
    found = session.execute(
        select(RecordRow.enterprise_uscc, EnterpriseRow.district)
        .outerjoin(EnterpriseRow, EnterpriseRow.uscc == RecordRow.enterprise_uscc)
        .where(RecordRow.id == record_id)).first()
    if found is None or found[0] is None:
        return False, None
    return True, found[1]
