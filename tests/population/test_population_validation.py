"""Generated items pass the API's own schemas, so the demo never holds refused data."""

from __future__ import annotations

from datetime import date

import pytest

from credit_engine.population import generate_population
from credit_engine.services.demo import validate_population


def test_every_demo_item_passes_the_api_schemas(demo_population):
    items = validate_population(demo_population, date(2026, 11, 29))
    assert len(items.records) == len(demo_population.records)
    assert len(items.roles) == len(demo_population.roles)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_items_of_other_seeds_pass_the_api_schemas(seed):
    population = generate_population(seed, 150, 100, start=date(2021, 6, 1), end=date(2026, 11, 29))
    validate_population(population, date(2026, 11, 29))


def test_validation_keeps_the_generated_details(demo_population):
    items = validate_population(demo_population, date(2026, 11, 29))
    assert [r["details"] for r in items.records] == [r["details"] for r in demo_population.records]
