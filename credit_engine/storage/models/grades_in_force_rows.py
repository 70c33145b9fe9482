"""The grade in force of each subject, one narrow row per subject (docs/statistics.md).

The plan's statistics count a million enterprises by their grade in force; finding each
one's latest row among the stored grades (wide rows with their result JSON) costs a seek and
a random read per enterprise. This table keeps, per subject, the date and summary of its
latest stored grade (domain/grade_summary.py) and, for an enterprise, its district and
category, so today's figures are one scan of narrow rows. `store_grade` keeps it in the same
transaction as the grade (storage/grades_in_force.py), the enterprise writer keeps the
district and category; migration 0014 fills it from the stored grades.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, Index, String
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.sql.expression import false

from credit_engine.storage.models.base import Base
from credit_engine.storage.models.credit_file_rows import EnterpriseRow


class GradeInForceRow(Base):
    """A subject's latest stored grade: its date, letter and the summary statistics count."""

    __tablename__ = "grades_in_force"

    subject_type: Mapped[str] = mapped_column(String(10), primary_key=True)
    subject_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    as_of: Mapped[date] = mapped_column(Date)     # of the latest stored grade
    grade: Mapped[str] = mapped_column(String(1))
    catering_rating: Mapped[str | None] = mapped_column(String(12))
    licensing_restricted: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false())
    listed_until: Mapped[date | None] = mapped_column(Date)
    open_kitchen: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    traceability: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    insured: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    # An enterprise's, copied from `enterprises` (None for a person).
    district: Mapped[str | None] = mapped_column(String(100))
    category: Mapped[str | None] = mapped_column(String(20))


# Statistics group by the summary: a covering index in group order is read alone, in order,
# with no sort and no table row (SQLite has no hash aggregate); it also serves the district
# filter. Then listed persons (few ever are) and the subjects regraded after a past date.
Index("ix_grades_in_force_summary", GradeInForceRow.subject_type, GradeInForceRow.district,
      GradeInForceRow.category, GradeInForceRow.grade, GradeInForceRow.catering_rating,
      GradeInForceRow.licensing_restricted, GradeInForceRow.open_kitchen,
      GradeInForceRow.traceability, GradeInForceRow.insured, GradeInForceRow.as_of)
Index("ix_grades_in_force_listed_until", GradeInForceRow.subject_type,
      GradeInForceRow.listed_until)
Index("ix_grades_in_force_as_of", GradeInForceRow.subject_type, GradeInForceRow.as_of)
# The enterprises of each district and category, counted from the index alone (those
# without a row in grades_in_force are the ungraded ones).
Index("ix_enterprises_district_category", EnterpriseRow.district, EnterpriseRow.category)
