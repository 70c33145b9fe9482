"""The objections queue of the office: what is pending (or was decided), oldest deadline
first, for the API (GET /api/v1/objections) and the reviewer's page alike."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from credit_engine.storage.repositories.objection_queue import objections_page


def objection_queue(session: Session, status: str | None, offset: int, limit: int,
                    district: str | None = None) -> list[dict[str, Any]]:
    """One page of objections as dicts: the objection, its announcement's deadline and
    subject (of `district`'s enterprises only when given)."""
    return [{"id": q.objection.id, "announcement_id": q.objection.announcement_id,
             "status": q.objection.status, "reason": q.objection.reason,
             "record_ids": q.objection.record_ids, "filed_on": q.objection.filed_on,
             "resolved_on": q.objection.resolved_on,
             "resolution_note": q.objection.resolution_note,
             "objection_deadline": q.objection_deadline,
             "subject": {"type": q.subject_type, "id": q.subject_id},
             "old_grade": q.old_grade, "new_grade": q.new_grade, "district": q.district}
            for q in objections_page(session, status, offset, limit, district)]
