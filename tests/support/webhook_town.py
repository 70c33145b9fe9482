"""Four changes for the webhook process tests (the scheduler killed and restarted, the
Celery worker): three enterprises' first grades on 1 March 2026, then enterprise 2
suspended twice and regraded on 5 March (B -> D), with one webhook endpoint at `url`."""

from __future__ import annotations

from datetime import date
from typing import Any

from job_population import add_enterprise, add_record, uscc

from credit_engine.domain.model import SubjectRef
from credit_engine.services.grading import regrade_subjects
from credit_engine.services.webhooks import add_webhook


def four_changes(container: Any, url: str, secret: str) -> None:
    """Store the four changes (each a change-feed item) after adding the endpoint."""
    subjects = [SubjectRef("enterprise", uscc(n)) for n in (1, 2, 3)]
    with container.transaction() as session:
        for n in (1, 2, 3):
            add_enterprise(session, n)
        add_webhook(session, "licensing", url, secret, "test")
    for day, suspend in ((date(2026, 3, 1), False), (date(2026, 3, 5), True)):
        if suspend:
            with container.transaction() as session:
                for k in (1, 2):
                    add_record(session, ("enterprise", uscc(2)), "penalty", date(2026, 2, k),
                               {"decision_no": f"停{k}", "measures": ["suspension"]})
        with container.transaction() as session:
            regrade_subjects(session, container.rulesets, subjects, day, "test",
                             calendar=container.calendar)
