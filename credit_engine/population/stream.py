"""The population as a whole (`generate_population`) or in bounded chunks (`iter_population`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from credit_engine.population.subjects import SubjectFactory, role_as_api
from credit_engine.population.timeline import enterprise_records

# Mean records per enterprise and year of history (all kinds, people's records included),
# measured on generated populations; used to size the period for `records_per_enterprise`.
RECORDS_PER_ENTERPRISE_YEAR = 7.5  # 6.4 before training records (2027.1)
DEFAULT_CHUNK = 10_000


@dataclass
class Population:
    """API-shaped dicts: persons by ID number, roles and person records naming ID numbers."""

    enterprises: list[dict] = field(default_factory=list)
    persons: list[dict] = field(default_factory=list)
    roles: list[dict] = field(default_factory=list)
    records: list[dict] = field(default_factory=list)

    def extend(self, other: "Population") -> None:
        """Append the items of `other` (a chunk) to this population."""
        self.enterprises.extend(other.enterprises)
        self.persons.extend(other.persons)
        self.roles.extend(other.roles)
        self.records.extend(other.records)

    def counts(self) -> dict[str, int]:
        """How many items of each sort it holds."""
        return {"enterprises": len(self.enterprises), "persons": len(self.persons),
                "roles": len(self.roles), "records": len(self.records)}


def _check_sizes(seed: int, enterprises: int, persons: int, chunk: int) -> None:
    for name, value in (("seed", seed), ("enterprises", enterprises), ("persons", persons),
                        ("chunk", chunk)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    if seed < 0:
        raise ValueError("seed must be >= 0")
    if enterprises < 1 or persons < 1 or chunk < 1:
        raise ValueError("enterprises, persons and chunk must each be >= 1")


def period_for(records_per_enterprise: float, end: date) -> date:
    """The `start` that gives about `records_per_enterprise` records per enterprise."""
    if records_per_enterprise <= 0:
        raise ValueError("records_per_enterprise must be > 0")
    days = round(365.25 * records_per_enterprise / RECORDS_PER_ENTERPRISE_YEAR)
    return end - timedelta(days=max(days, 1))


def iter_population(seed: int, enterprises: int, persons: int, *,
                    end: date, records_per_enterprise: float = 10, start: date | None = None,
                    chunk: int = DEFAULT_CHUNK) -> Iterator[Population]:
    """Yield the population in chunks: all persons first, then enterprises with their
    roles and records, `chunk` at a time, so memory stays bounded whatever the size.

    `end` is the last day of the history (the caller's today: this module reads no clock);
    `start` defaults to a period sized for about
    `records_per_enterprise` records per enterprise (ignored when `start` is given).
    Deterministic for (seed, enterprises, persons, start, end, chunk); a later `end`
    (both more than four years after `start`) keeps every item and adds newer records.
    """
    _check_sizes(seed, enterprises, persons, chunk)
    start = start or period_for(records_per_enterprise, end)
    if start >= end:
        raise ValueError(f"start ({start}) must be before end ({end})")
    factory = SubjectFactory(seed, enterprises, persons, start, end)
    for first in range(0, persons, chunk):
        people = [factory.person(i) for i in range(first, min(first + chunk, persons))]
        yield Population(persons=people)
    for first in range(0, enterprises, chunk):
        yield _enterprise_chunk(factory, range(first, min(first + chunk, enterprises)))


def _enterprise_chunk(factory: SubjectFactory, indexes: range) -> Population:
    part = Population()
    names: dict[str, int] = {}
    for index in indexes:
        draft = factory.enterprise(index)
        # Same name twice in a chunk: number the later one as a branch (二店, 三店).
        seen = names.get(draft.name, 0)
        names[draft.name] = seen + 1
        if seen:
            draft.name = f"{draft.name}（{_ordinal(seen + 1)}店）"
        part.enterprises.append(draft.as_api())
        part.roles.extend(role_as_api(draft.uscc, span) for span in draft.roles)
        part.records.extend(enterprise_records(factory.seed, draft, factory.start, factory.end))
    return part


def _ordinal(n: int) -> str:
    digits = "〇一二三四五六七八九十"
    return digits[n] if n <= 10 else str(n)


def generate_population(seed: int, enterprises: int, persons: int, *, start: date,
                        end: date, chunk: int = DEFAULT_CHUNK) -> Population:
    """The whole population in memory (the demo's size); the items of `iter_population`."""
    whole = Population()
    for part in iter_population(seed, enterprises, persons, start=start, end=end, chunk=chunk):
        whole.extend(part)
    return whole
