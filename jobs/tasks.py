"""The scheduled jobs: stable module-level functions, each a thin call into services.

APScheduler stores a job by the import path of its function and silently drops a stored
job whose function no longer imports: never rename or move these without a migration of
the job store (the registry re-adds them at start-up with `replace_existing`).
"""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from credit_engine.bootstrap import Container, bootstrap
from credit_engine.errors import AuditChainBroken
from credit_engine.services import announcements
from credit_engine.services.audit import publish_head, verify_chain
from credit_engine.services.statistics_snapshots import store_month_ends
from credit_engine.regrade.claims import RunAlreadyDone, RunInProgress, run_task
from credit_engine.regrade.driver import run_regrade
from credit_engine.regrade.executors import make_executor
from credit_engine.regrade.outcomes import RunReport
from credit_engine.regrade.planning import DIRTY, FULL

log = logging.getLogger(__name__)

_container: Container | None = None


def use_container(container: Container | None) -> None:
    """Share the scheduler's composition root with the jobs (None: build one on demand)."""
    global _container
    _container = container


def _current() -> Container:
    global _container
    if _container is None:
        _container = bootstrap()
    return _container


def _regrade(job: str, mode: str) -> RunReport | None:
    container = _current()
    today = container.settings.today()
    try:
        # CREDIT_ENGINE_EXECUTOR: local processes, or Celery tasks on `credit-engine worker`s
        executor = make_executor(container, container.settings.regrade_workers,
                                 container.settings.executor)
        report = run_regrade(container, job, mode, today, executor)
    except (RunAlreadyDone, RunInProgress) as skipped:
        log.info("%s: %s", job, skipped.detail)
        return None
    log.info("%s %s: run %s, %s regraded, %s changed, %s announcements, %.1f s", job, today,
             report.run_id, report.regraded, report.changed, report.announcements,
             report.duration_seconds)
    if report.failed:  # the run completed; the next nightly run tries these subjects again
        log.error("%s %s: run %s completed with %s failed subjects (credit-engine jobs "
                  "failures %s)", job, today, report.run_id, report.failed, report.run_id)
    return report


def nightly_regrade() -> RunReport | None:
    """Regrade what changed or fell due since the last run (full on a new ruleset's day)."""
    return _regrade("nightly_regrade", DIRTY)


def full_regrade_on_new_ruleset() -> RunReport | None:
    """Regrade everyone on the day a new ruleset version takes effect; otherwise nothing."""
    container = _current()
    today = container.settings.today()
    if today not in set(getattr(container.rulesets, "effective_dates", ()) or ()):
        log.info("full_regrade_on_new_ruleset: no ruleset takes effect on %s", today)
        return None
    return _regrade("full_regrade", FULL)


def _lifecycle(session: Session, today: date) -> dict[str, Any]:
    closed = announcements.close_expired_objection_windows(session, today)
    return {"closed": len(closed)}


def announcement_lifecycle() -> dict[str, Any] | None:
    """Close the objection windows whose deadline passed, once per business date."""
    return _task("announcement_lifecycle", _lifecycle)


def _verify(session: Session, today: date) -> dict[str, Any]:
    result = verify_chain(session)
    if not result.ok:
        raise AuditChainBroken(f"audit chain broken at entry {result.first_bad_id} after "
                               f"{result.checked} good entries: {result.reason}")
    published = publish_head(session, today, result)
    return {"checked": result.checked, "head_hash": result.head_hash,
            "published": f"{published.entries}:{published.hash}"}


def audit_chain_verification() -> dict[str, Any] | None:
    """Walk the audit chain and publish its head (GET /public/v1/audit-head); a broken
    chain logs an error and raises (the run fails, nothing is published)."""
    try:
        return _task("audit_chain_verification", _verify)
    except AuditChainBroken as broken:
        log.error("audit_chain_verification: %s", broken.detail)
        raise


def _task(job: str, work: Any) -> dict[str, Any] | None:
    container = _current()
    today = container.settings.today()  # one business date for the claim and the work
    try:
        detail = run_task(container.session_factory, job, today,
                          lambda session: work(session, today),
                          lease=container.settings.run_lease)
    except (RunAlreadyDone, RunInProgress) as skipped:
        log.info("%s: %s", job, skipped.detail)
        return None
    log.info("%s: %s", job, detail)
    return detail


def _recompute_deadlines(session: Session, _today: date) -> dict[str, Any]:
    done = announcements.recompute_provisional_deadlines(session, _current().calendar)
    return {"checked": done.checked, "moved": len(done.moved), "settled": len(done.settled)}


def provisional_deadlines() -> dict[str, Any] | None:
    """Recount provisional objection deadlines with the current calendar (never earlier)."""
    return _task("provisional_deadlines", _recompute_deadlines)


def _month_ends(session: Session, today: date) -> dict[str, Any]:
    return {"stored": store_month_ends(session, today)}


def statistics_snapshots() -> dict[str, Any] | None:
    """Store the statistics of the closed month ends the public trend shows, once each
    (cheap the night after a month closes: only the subjects regraded since are looked up)."""
    return _task("statistics_snapshots", _month_ends)


def webhook_deliveries() -> dict[str, Any] | None:
    """Post the change feed to the webhook endpoints, here or, with CREDIT_ENGINE_EXECUTOR=
    celery, as a task on the `credit-engine worker`s (never in a web worker)."""
    from credit_engine.services.webhook_delivery import run_deliveries

    container = _current()
    if container.settings.executor == "celery":
        from credit_engine.regrade.celery_app import send_webhook_deliveries

        send_webhook_deliveries(container.settings)
        return None
    report = run_deliveries(container)
    if report.fanned_out or report.delivered or report.failed:
        log.info("webhook_deliveries: %s", report)
    return {"fanned_out": report.fanned_out, "delivered": report.delivered,
            "failed": report.failed}
