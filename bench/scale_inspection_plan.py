"""Inspection plan at scale: pages by USCC and by next_due_on, flag filters, the export.

Writes a synthetic plan population straight into a migrated database (enterprises, one
stored grade each with a realistic result, 0-3 inspection records each, some failed,
refused or revoked) with executemany, then times the plan's queries through the service
(what GET /api/v1/inspection-plan runs, without HTTP) and streams the CSV export, with
the process's peak RSS before and after it. Grading is not run: the plan reads stored
grades only, so bulk-inserted grade rows are what it sees after a nightly regrade.

    python bench/scale_inspection_plan.py --url sqlite:////tmp/plan.db --enterprises 200000
    python bench/scale_inspection_plan.py --url postgresql://.../plan --enterprises 200000 \
        --data-key-file keys.json
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, func, insert, select

from credit_engine.bootstrap import bootstrap
from credit_engine.config import Settings
from credit_engine.services.inspection_plan import PlanFilter, inspection_plan
from credit_engine.services.inspection_plan_export import plan_export
from credit_engine.storage.migrate import upgrade_database
from credit_engine.storage.models import (
    EnterpriseRow,
    GradeRow,
    RecordRow,
    RevocationRow,
)

AS_OF = date(2026, 11, 30)
DISTRICTS = ("肃州区", "金塔县", "玉门市", "敦煌市", "瓜州县", "阿克塞县", "肃北县")
CATEGORIES = ("production", "catering", "retail", "canteen", "small_workshop")
BATCH = 5000


def _result(rng: random.Random, grade: str) -> dict[str, Any]:
    """A stored result about the size of a real one (reasons, measures, inputs)."""
    return {"inspections_per_year": {"A": 1, "B": 2, "C": 3, "D": 4}[grade],
            "flags": ["canteen_below_target"] if rng.random() < 0.05 else [],
            "reasons": [{"rule": "DED-INSPECTION-NON-COMPLIANT", "points": -10,
                         "record_ids": [rng.randrange(10**7)], "basis": "市场监管总局令第49号"}],
            "measures": [], "input_record_ids": [rng.randrange(10**7) for _ in range(4)]}


def load(url: str, enterprises: int, seed: int) -> None:
    """Migrate and fill the database (skipped when it already holds the enterprises)."""
    upgrade_database(url)
    engine = create_engine(url)
    with engine.begin() as conn:
        if (conn.scalar(select(func.count()).select_from(EnterpriseRow)) or 0) >= enterprises:
            return
    rng = random.Random(seed)
    record_id = 0
    started = time.perf_counter()
    for start in range(0, enterprises, BATCH):
        ents, grades, records, revocations = [], [], [], []
        for n in range(start, min(start + BATCH, enterprises)):
            uscc = f"9162{n:014d}"
            ents.append({"uscc": uscc, "name": f"企业{n}", "category": rng.choice(CATEGORIES),
                         "district": rng.choice(DISTRICTS),
                         "licensed_on": AS_OF - timedelta(days=rng.randrange(30, 4000))})
            grade = rng.choices("ABCD", weights=(60, 30, 8, 2))[0]
            grades.append({"subject_type": "enterprise", "subject_id": uscc, "as_of": AS_OF,
                           "ruleset": "default@2026.1", "score": 90, "grade": grade,
                           "result": _result(rng, grade)})
            for _ in range(rng.choice((0, 1, 1, 2, 3))):
                record_id += 1
                details: dict[str, Any] = {"result": rng.choices(
                    ("compliant", "basically_compliant", "non_compliant"), (70, 20, 10))[0]}
                if rng.random() < 0.03:
                    details["refused"] = True
                records.append({"id": record_id, "external_id": f"ins-{record_id}",
                                "enterprise_uscc": uscc, "kind": "inspection",
                                "occurred_on": AS_OF - timedelta(days=rng.randrange(0, 900)),
                                "details": details, "content_hash": "0" * 64,
                                "received_by": "bench"})
                if rng.random() < 0.02:
                    revocations.append({"record_id": record_id, "reason": "bench",
                                        "created_by": "bench",
                                        "revoked_on": AS_OF - timedelta(days=rng.randrange(0, 60))})
        with engine.begin() as conn:
            conn.execute(insert(EnterpriseRow), ents)
            conn.execute(insert(GradeRow), grades)
            if records:
                conn.execute(insert(RecordRow), records)
            if revocations:
                conn.execute(insert(RevocationRow), revocations)
    print(f"loaded {enterprises} enterprises, {record_id} inspections in "
          f"{time.perf_counter() - started:.1f} s")
    engine.dispose()


def _timed(label: str, runs: int, call: Any) -> Any:
    seconds, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = call()
        seconds.append(time.perf_counter() - started)
    print(f"{label:<48} median {statistics.median(seconds):7.3f} s  "
          f"(runs: {', '.join(f'{s:.3f}' for s in seconds)})")
    return result


def measure(url: str, runs: int, data_key_file: str | None, export: bool = True) -> None:
    container = bootstrap(Settings(
        database_url=url, data_key_file=Path(data_key_file) if data_key_file else None))
    registry = container.rulesets

    def page(plan: PlanFilter, sort: str, cursor: str | None = None) -> Any:
        with container.transaction() as session:
            return inspection_plan(session, registry, plan, sort=sort, limit=50, cursor=cursor)

    everyone = PlanFilter(AS_OF)
    _, cursor = _timed("first page by USCC", runs, lambda: page(everyone, "uscc"))
    _timed("later page by USCC (cursor of the first)", runs,
           lambda: page(everyone, "uscc", cursor))
    _timed("page by USCC from the middle (cursor)", runs,
           lambda: page(everyone, "uscc", "916200000000100000"))
    _timed("first page flag=overdue by USCC", runs,
           lambda: page(PlanFilter(AS_OF, flag="overdue"), "uscc"))
    _timed("first page district+grade C by USCC", runs,
           lambda: page(PlanFilter(AS_OF, district="金塔县", grade="C"), "uscc"))
    _timed("first page grade D by USCC (2 % of them)", runs,
           lambda: page(PlanFilter(AS_OF, grade="D"), "uscc"))
    _, cursor = _timed("first page by next_due_on", runs, lambda: page(everyone, "next_due_on"))
    _timed("second page by next_due_on (cursor)", runs,
           lambda: page(everyone, "next_due_on", cursor))
    _timed("first page flag=overdue by next_due_on", runs,
           lambda: page(PlanFilter(AS_OF, flag="overdue"), "next_due_on"))
    _timed("first page district+grade C by next_due_on", runs,
           lambda: page(PlanFilter(AS_OF, district="金塔县", grade="C"), "next_due_on"))
    if not export:
        container.engine.dispose()
        return
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    size = sum(len(chunk) for chunk in plan_export(
        container.transaction, registry, everyone, "next_due_on", "csv"))
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"CSV export of the whole plan by next_due_on: {size / 2**20:.1f} MiB in "
          f"{time.perf_counter() - started:.1f} s; peak RSS {before / 1024:.0f} MiB before, "
          f"{after / 1024:.0f} MiB after")
    container.engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261130)
    parser.add_argument("--data-key-file", help="required by the service on PostgreSQL")
    parser.add_argument("--no-export", action="store_true", help="time the pages only")
    args = parser.parse_args(argv)
    load(args.url, args.enterprises, args.seed)
    measure(args.url, args.runs, args.data_key_file, export=not args.no_export)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
