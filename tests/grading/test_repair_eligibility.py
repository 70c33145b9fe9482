"""Credit repair conditions (docs/domain.md): excluded measures, waiting periods, new penalties."""

from datetime import date

from credit_engine.grading.repair import repair_refusal
from grading_builders import penalty


def ruleset(registry):
    return registry.for_date(date(2026, 1, 1))


def test_minor_penalty_can_be_repaired_after_3_months(registry):
    p = penalty(date(2026, 1, 31), "warning")
    assert "3 months" in repair_refusal(p, [p], date(2026, 4, 29), ruleset(registry))
    assert repair_refusal(p, [p], date(2026, 4, 30), ruleset(registry)) is None


def test_other_penalty_needs_a_year(registry):
    p = penalty(date(2025, 6, 1), "confiscation")
    assert repair_refusal(p, [p], date(2026, 5, 31), ruleset(registry)) is not None
    assert repair_refusal(p, [p], date(2026, 6, 1), ruleset(registry)) is None


def test_suspension_can_never_be_repaired(registry):
    p = penalty(date(2020, 6, 1), "suspension")
    assert "suspension" in repair_refusal(p, [p], date(2026, 6, 1), ruleset(registry))


def test_a_new_non_minor_penalty_since_blocks_the_repair(registry):
    p = penalty(date(2025, 1, 1), "warning")
    later = penalty(date(2025, 3, 1), "confiscation")
    assert str(later.id) in repair_refusal(p, [p, later], date(2026, 1, 1), ruleset(registry))
    minor_later = penalty(date(2025, 3, 1), "warning")
    assert repair_refusal(p, [p, minor_later], date(2026, 1, 1), ruleset(registry)) is None
