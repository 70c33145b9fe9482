"""The newest run of a job as the workbench's today page shows it (services/workbench.py)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from credit_engine.storage.models import JobRunRow, RegradeFailureRow


def last_run(session: Session, job: str) -> dict[str, Any] | None:
    """The job's newest run (by business date): id, date, status, counts so far and the
    number of subjects it could not grade; None before the first run."""
    row = session.scalars(select(JobRunRow).where(JobRunRow.job == job)
                          .order_by(JobRunRow.business_date.desc(), JobRunRow.id.desc())
                          .limit(1)).first()
    if row is None:
        return None
    failed = session.scalar(select(func.count()).select_from(RegradeFailureRow)
                            .where(RegradeFailureRow.run_id == row.id)) or 0
    return {"id": row.id, "business_date": row.business_date.isoformat(), "status": row.status,
            "regraded": row.regraded, "changed": row.changed,
            "announcements": row.announcements, "failed": failed}
