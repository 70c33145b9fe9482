"""SQLAlchemy 2 typed models. Facts are append-only: revocation, repair and grades are
new rows, never edits or deletes of a record.

Importing this package registers every table on `Base.metadata` (what migrations compare
with), whichever module of it defines the table.
"""

from credit_engine.storage.models.base import NAMING, Base, Id, utcnow
from credit_engine.storage.models.credit_file_rows import (
    EnterpriseRow, PersonRow, RoleRow, RecordRow, RevocationRow, RepairRow, GradeRow,
)
from credit_engine.storage.models.run_rows import JobRunRow, JobRunChunkRow, RegradeFailureRow
from credit_engine.storage.models.office_rows import (
    ApiKeyRow, AuditHeadRow, AuditRow, AnnouncementRow, ObjectionRow,
)

__all__ = [
    "Base",
    "Id",
    "NAMING",
    "utcnow",
    "EnterpriseRow",
    "PersonRow",
    "RoleRow",
    "RecordRow",
    "RevocationRow",
    "RepairRow",
    "GradeRow",
    "ApiKeyRow",
    "AuditRow",
    "AuditHeadRow",
    "AnnouncementRow",
    "ObjectionRow",
    "JobRunRow",
    "JobRunChunkRow",
    "RegradeFailureRow",
]
