"""The town the reports and exchange tests run on: the seeded year of tests/support/
year_simulation.py, graded on two days and then left to change, so some stored grades are
stale, and a few subjects never graded."""

from __future__ import annotations

import random
from datetime import timedelta

from job_population import uscc
from year_simulation import START, build_town, events_of_day

from credit_engine.bootstrap import Container
from credit_engine.calendars.schedules import official_calendar
from credit_engine.domain.model import SubjectRef
from credit_engine.services.grading import regrade_subjects
from credit_engine.storage.credit_files import iter_subject_keys

TODAY = START + timedelta(days=150)
GRADED_ON = (START + timedelta(days=60), START + timedelta(days=120))
UNKNOWN_USCC = uscc(999_999)
UNKNOWN_PERSON = "p99999999"


def build_graded_town(container: Container, seed: int = 4711) -> None:
    """150 days of events; every subject but those whose id ends in A or B graded on
    GRADED_ON."""
    rng, record_ids = random.Random(seed), []
    with container.transaction() as session:
        build_town(session, rng)
    for offset in range(150):
        day = START + timedelta(days=offset)
        with container.transaction() as session:
            events_of_day(session, rng, day, record_ids)
            if day in GRADED_ON:
                subjects = [s for s in iter_subject_keys(session, None, 10_000)
                            if s.id[-1] not in "AB"]
                regrade_subjects(session, container.rulesets, subjects, day, "seed",
                                 calendar=official_calendar())


def town_subjects(container: Container) -> list[SubjectRef]:
    with container.transaction() as session:
        return list(iter_subject_keys(session, None, 10_000))


def numbered_uscc(n: int) -> str:
    """A valid USCC no town holds."""
    return uscc(900_000 + n)
