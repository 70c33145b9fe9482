"""Validation tests run with a fixed business date, so "future" is deterministic."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from credit_engine.validation import validation_today

TODAY = date(2025, 6, 1)


@pytest.fixture(autouse=True)
def fixed_today() -> Iterator[date]:
    with validation_today(TODAY):
        yield TODAY
