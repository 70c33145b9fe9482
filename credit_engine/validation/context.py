"""The "today" that date validators compare against, settable per request or test."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date

from credit_engine.config import Settings

# marshmallow 4 dropped Schema.context, so request-scoped facts travel in a ContextVar.
today_var: ContextVar[date | None] = ContextVar("credit_engine_validation_today", default=None)


def current_today() -> date:
    """The business date validators use: the ContextVar if set, else today in the configured zone."""
    fixed = today_var.get()
    if fixed is not None:
        return fixed
    return Settings.from_env().today()


@contextmanager
def validation_today(day: date) -> Iterator[date]:
    """Validate as if today were `day` inside the block."""
    token = today_var.set(day)
    try:
        yield day
    finally:
        today_var.reset(token)
