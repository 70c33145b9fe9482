"""A demo-sized population, generated once for the module that asks for it."""

from __future__ import annotations

from datetime import date

import pytest

from credit_engine.population import Population, generate_population

DEMO_SEED = 20261129
START, END = date(2022, 1, 1), date(2026, 11, 29)


@pytest.fixture(scope="session")
def demo_population() -> Population:
    """The demo's population as loaded on 2026-11-29: 300 enterprises, 400 persons."""
    return generate_population(DEMO_SEED, 300, 400, start=START, end=END)
