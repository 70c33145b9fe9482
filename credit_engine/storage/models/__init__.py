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
from credit_engine.storage.models.staff_rows import LoginAttemptRow, StaffUserRow
from credit_engine.storage.models.repair_application_rows import RepairApplicationRow
from credit_engine.storage.models.reply_rows import ReplyRow
from credit_engine.storage.models.grades_in_force_rows import GradeInForceRow
from credit_engine.storage.models.statistics_snapshot_rows import StatisticsSnapshotRow
from credit_engine.storage.models.exchange_rows import (
    ChangeFeedRow, WebhookAttemptRow, WebhookDeliveryRow, WebhookEndpointRow,
)

__all__ = [
    "ChangeFeedRow",
    "WebhookAttemptRow",
    "WebhookDeliveryRow",
    "WebhookEndpointRow",
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
    "GradeInForceRow",
    "StatisticsSnapshotRow",
    "ApiKeyRow",
    "AuditRow",
    "AuditHeadRow",
    "AnnouncementRow",
    "ObjectionRow",
    "JobRunRow",
    "JobRunChunkRow",
    "RegradeFailureRow",
    "StaffUserRow",
    "LoginAttemptRow",
    "RepairApplicationRow",
    "ReplyRow",
]
