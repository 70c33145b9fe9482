"""One objection with its announcement and subject, for the office's resolve page (the
queue, services/objection_queue.py, lists many; this reads one)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from credit_engine.errors import NotFound
from credit_engine.storage.repositories import announcements as stored


def objection_detail(session: Session, objection_id: int) -> dict[str, Any]:
    """The objection, its announcement's deadline and grades, and its subject; NotFound."""
    objection = stored.get_objection(session, objection_id)
    announcement = (None if objection is None
                    else stored.get_announcement(session, objection.announcement_id))
    if objection is None or announcement is None:
        raise NotFound(f"No objection with id {objection_id}.")
    return {"id": objection.id, "announcement_id": announcement.id, "status": objection.status,
            "reason": objection.reason, "record_ids": objection.record_ids,
            "filed_on": objection.filed_on, "resolved_on": objection.resolved_on,
            "resolution_note": objection.resolution_note,
            "objection_deadline": announcement.objection_deadline,
            "published_on": announcement.published_on,
            "subject": {"type": announcement.subject_type, "id": announcement.subject_id},
            "old_grade": announcement.old_grade, "new_grade": announcement.new_grade}
