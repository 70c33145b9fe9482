"""The objections queue: objections with their announcement's deadline and subject, oldest
deadline first (what a reviewer must answer soonest on top)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from credit_engine.storage.models import AnnouncementRow, EnterpriseRow, ObjectionRow
from credit_engine.storage.repositories.announcements import StoredObjection


@dataclass(frozen=True)
class QueuedObjection:
    """An objection and what the queue shows of its announcement."""

    objection: StoredObjection
    objection_deadline: date
    subject_type: str
    subject_id: str
    new_grade: str
    old_grade: str | None
    district: str | None


def _stored(row: ObjectionRow) -> StoredObjection:
    return StoredObjection(row.id, row.announcement_id, row.reason, row.record_ids, row.filed_on,
                           row.status, row.resolved_on, row.resolution_note)


def objections_page(session: Session, status: str | None, offset: int, limit: int,
                    district: str | None = None) -> list[QueuedObjection]:
    """Objections (of one status, or all; of one district's enterprises when given),
    ordered by their announcement's objection deadline, then by id."""
    query = (select(ObjectionRow, AnnouncementRow, EnterpriseRow.district)
             .join(AnnouncementRow, AnnouncementRow.id == ObjectionRow.announcement_id)
             .outerjoin(EnterpriseRow, (AnnouncementRow.subject_type == "enterprise")
                        & (EnterpriseRow.uscc == AnnouncementRow.subject_id))
             .order_by(AnnouncementRow.objection_deadline, ObjectionRow.id))
    if status is not None:
        query = query.where(ObjectionRow.status == status)
    if district is not None:
        query = query.where(EnterpriseRow.district == district)
    rows = session.execute(query.offset(offset).limit(limit))
    return [QueuedObjection(_stored(o), a.objection_deadline, a.subject_type, a.subject_id,
                            a.new_grade, a.old_grade, d) for o, a, d in rows]
