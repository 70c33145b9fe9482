"""What views need at run time: the container and one transaction per use case."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from flask import current_app, g, has_request_context
from sqlalchemy.orm import Session

from credit_engine.bootstrap import Container

EXTENSION = "credit_engine.container"
T = TypeVar("T")


def get_container() -> Container:
    """The composition root the app was created with."""
    return current_app.extensions[EXTENSION]  # type: ignore[no-any-return]


def run_use_case(use_case: Callable[[Session], T]) -> T:
    """Run one use case in one transaction (again if a concurrent writer forked the audit chain)."""
    return get_container().run(use_case)


def business_today() -> date:
    """Today in the configured time zone by the settings' clock, fixed once per request: the
    default `as_of` and the latest date a request may compute or store anything for."""
    fixed = g.get("business_today") if has_request_context() else None
    return fixed if isinstance(fixed, date) else get_container().settings.today()
