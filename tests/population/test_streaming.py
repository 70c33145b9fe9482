"""The streaming form: chunks, equality with the whole population, bounded memory."""

from __future__ import annotations

import tracemalloc
from datetime import date

import pytest

from credit_engine.population import Population, generate_population, iter_population, period_for

END = date(2026, 11, 29)


def test_persons_come_first_then_enterprises_in_chunks_of_the_given_size():
    chunks = list(iter_population(5, 250, 120, end=END, chunk=100))
    assert [len(c.persons) for c in chunks] == [100, 20, 0, 0, 0]
    assert [len(c.enterprises) for c in chunks] == [0, 0, 100, 100, 50]
    assert all(not c.records and not c.roles for c in chunks[:2])


def test_chunks_together_equal_the_whole_population():
    start = date(2023, 1, 1)
    whole = generate_population(5, 250, 120, start=start, end=END, chunk=100)
    joined = Population()
    for chunk in iter_population(5, 250, 120, start=start, end=END, chunk=100):
        joined.extend(chunk)
    assert joined == whole


def test_streamed_roles_and_records_refer_to_persons_already_yielded():
    numbers: set[str] = set()
    for chunk in iter_population(9, 300, 80, end=END, chunk=50):
        numbers.update(p["id_number"] for p in chunk.persons)
        assert all(r["id_number"] in numbers for r in chunk.roles)
        assert all(r["subject"]["id"] in numbers for r in chunk.records
                   if r["subject"]["type"] == "person")


def test_records_per_enterprise_sets_the_mean_roughly():
    records = sum(len(c.records) for c in iter_population(13, 2000, 600, end=END,
                                                            records_per_enterprise=10))
    assert 8.5 <= records / 2000 <= 11.5


def test_period_for_sizes_the_history_from_the_target():
    assert period_for(10, END) < END
    assert period_for(20, END) < period_for(10, END)


def test_no_record_in_the_stream_is_dated_after_end():
    for chunk in iter_population(21, 500, 100, end=date(2025, 3, 15), chunk=200):
        assert all(r["occurred_on"] <= "2025-03-15" for r in chunk.records)


@pytest.mark.parametrize("arguments, message", [
    ((1, 0, 10), "enterprises"), ((1, 10, 0), "persons"), ((-1, 10, 10), "seed"),
])
def test_bad_sizes_are_refused_naming_the_argument(arguments, message):
    with pytest.raises(ValueError, match=message):
        next(iter_population(*arguments, end=END))


def test_start_after_end_is_refused():
    with pytest.raises(ValueError, match="start"):
        next(iter_population(1, 10, 10, start=END, end=date(2026, 1, 1)))


def _peak_bytes(enterprises: int) -> int:
    tracemalloc.start()
    try:
        for _chunk in iter_population(17, enterprises, 300, end=END, chunk=100,
                                      records_per_enterprise=5):
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_number_of_enterprises():
    # four times the enterprises, the same chunk size: the peak stays about the same
    assert _peak_bytes(2000) < 1.5 * _peak_bytes(500)
