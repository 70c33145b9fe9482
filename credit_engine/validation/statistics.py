"""Query arguments of the plan's statistics (`GET /api/v1/statistics`)."""

from __future__ import annotations

from credit_engine.validation.base import StrictSchema
from credit_engine.validation.fields import Text
from credit_engine.validation.queries import as_of_field


class StatisticsArgs(StrictSchema):
    """`?as_of=` (default today, never later) and `?district=` (all districts when absent)."""

    as_of = as_of_field()
    district = Text(max_length=100, allow_none=True, metadata={
        "description": "Only the enterprises of this district (exact name); all when absent"})
