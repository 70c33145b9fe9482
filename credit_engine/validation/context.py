"""The "today" that date checks compare against, and the bounds of business dates.

Today always comes from `Settings.today()` (the settings' clock in the configured time
zone), handed down explicitly: a request fixes it once for its validators (api/app.py),
other callers pass it to `load_or_raise(..., today=)` or wrap the load in
`validation_today(day)`. Nothing here reads the environment or the machine's clock.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

from credit_engine.errors import ValidationFailed

# marshmallow 4 dropped Schema.context, so request-scoped facts travel in a ContextVar.
today_var: ContextVar[date | None] = ContextVar("credit_engine_validation_today", default=None)

# No business date (as_of, revoked_on, approved_on, filed_on, resolved_on) lies before this;
# with "not after today" as the upper bound, no date arithmetic on them can overflow.
EARLIEST_DATE = date(1900, 1, 1)


class TodayNotSet(RuntimeError):
    """A "not in the future" check ran with no today given: a programming error."""


def current_today() -> date:
    """The business date validators compare with: the one fixed by the request or caller."""
    fixed = today_var.get()
    if fixed is None:
        raise TodayNotSet("no business date is set for validation: pass today= to "
                          "load_or_raise or wrap the load in validation_today(day)")
    return fixed


@contextmanager
def validation_today(day: date) -> Iterator[date]:
    """Validate as if today were `day` inside the block."""
    token = today_var.set(day)
    try:
        yield day
    finally:
        today_var.reset(token)


def business_date_problem(day: date, today: date) -> str | None:
    """Why `day` cannot be a business date when it is `today`, or None when it can."""
    if day > today:
        return f"Must not be after today ({today.isoformat()})."
    if day < EARLIEST_DATE:
        return f"Must not be before {EARLIEST_DATE.isoformat()}."
    return None


def require_business_date(day: date, today: date, field: str = "as_of") -> date:
    """`day` itself, or ValidationFailed naming `field` when it is after today or too early."""
    problem = business_date_problem(day, today)
    if problem:
        raise ValidationFailed({field: [problem]})
    return day
