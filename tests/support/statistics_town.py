"""A small realistic town for statistics tests: the demo population, graded by the real
regrade (so the stored grades carry their derived columns as production stores them)."""

from __future__ import annotations

from datetime import date

from credit_engine.bootstrap import Container
from credit_engine.services.demo import load_demo
from credit_engine.services.grading import regrade_subjects
from credit_engine.storage.credit_files import iter_subject_keys


def regrade_all(container: Container, as_of: date, chunk: int = 200) -> None:
    """Grade every subject as of `as_of`, `chunk` subjects per transaction."""
    after = None
    while True:
        with container.transaction() as session:
            subjects = iter_subject_keys(session, after, chunk)
            if not subjects:
                return
            regrade_subjects(session, container.rulesets, subjects, as_of, "test",
                             calendar=container.calendar)
        after = subjects[-1]


def graded_town(container: Container, enterprises: int, persons: int,
                *grade_days: date) -> None:
    """The demo population of this size, loaded as of the container's today and graded
    on each of `grade_days` (today when none is given)."""
    today = container.settings.today()
    load_demo(container, enterprises=enterprises, persons=persons, today=today)
    for day in grade_days or (today,):
        regrade_all(container, day)
