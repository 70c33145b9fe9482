"""Synthetic, realistic populations of Jiuquan food businesses, people and credit records."""

from credit_engine.population.stream import (
    DEFAULT_CHUNK,
    Population,
    generate_population,
    iter_population,
    period_for,
)

__all__ = ["DEFAULT_CHUNK", "Population", "generate_population", "iter_population", "period_for"]
