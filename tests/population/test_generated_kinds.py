"""The generator makes every kind of the record-kind registry, each for subjects it may concern."""

from __future__ import annotations

from credit_engine.domain.record_kinds import KINDS, RECORD_KINDS


def test_the_generator_makes_every_kind_valid_for_its_subjects(demo_population) -> None:
    made = {record["kind"] for record in demo_population.records}
    assert made == set(RECORD_KINDS)
    for record in demo_population.records:
        assert record["subject"]["type"] in KINDS[record["kind"]].subject_types, record
