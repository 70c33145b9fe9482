"""Per-subject cost of a regrade in one and in two processes, on the same subjects.

    python bench/scale_workers.py --url sqlite:////tmp/scale.db [--subjects 5000] [--rounds 2] \
        [--tuned-gc]

Each process regrades its own `--subjects` enterprises (two fixed parts of the key range)
in chunks of 1,000 with `regrade_subjects`, rolled back, and reports wall, user and system
milliseconds per subject. Rounds alternate 1 and 2 processes; the first round reads pages
for the first time, later ones show the cached cost. Answers whether two workers each run
at one worker's speed (CPU-bound, nothing shared) or slow each other down. Also prints the
time spent in garbage collection per subject; `--tuned-gc` applies the regrade workers'
collector settings (`tune_collector_for_grading`), without it Python's defaults apply.
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import os
import time
from datetime import date

AS_OF = date(2026, 12, 9)  # any date: nothing is committed


def _work(task: tuple[str, int, int, bool]) -> tuple[float, float, float, float]:
    url, offset, count, tuned_gc = task
    from sqlalchemy import select

    from credit_engine.bootstrap import bootstrap
    from credit_engine.config import Settings
    from credit_engine.domain.model import SubjectRef
    from credit_engine.regrade.worker_pool import tune_collector_for_grading
    from credit_engine.services.grading import regrade_subjects
    from credit_engine.storage.models import EnterpriseRow

    container = bootstrap(Settings(database_url=url))
    _ = container.rulesets
    if tuned_gc:
        tune_collector_for_grading()
    in_gc, started = [0.0], [0.0]

    def clock(phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            started[0] = time.perf_counter()
        else:
            in_gc[0] += time.perf_counter() - started[0]
    gc.callbacks.append(clock)
    with container.session_factory() as session:
        keys = [SubjectRef("enterprise", uscc) for uscc in session.scalars(
            select(EnterpriseRow.uscc).order_by(EnterpriseRow.uscc).offset(offset).limit(count))]
    began, times = time.perf_counter(), os.times()
    for start in range(0, len(keys), 1000):
        with container.session_factory() as session:
            regrade_subjects(session, container.rulesets, keys[start:start + 1000], AS_OF, "bench",
                             calendar=container.calendar)
            session.rollback()
    after = os.times()
    gc.callbacks.remove(clock)
    per = 1000 / max(1, len(keys))
    return ((time.perf_counter() - began) * per, (after.user - times.user) * per,
            (after.system - times.system) * per, in_gc[0] * per)


def main(argv: list[str] | None = None) -> int:
    """Alternate one and two processes; print ms per subject."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--subjects", type=int, default=5000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--tuned-gc", action="store_true")
    args = parser.parse_args(argv)
    context = multiprocessing.get_context("spawn")
    with context.Pool(1) as probe:
        total = probe.apply(_count, (args.url,))
    offsets = [total // 5, total * 7 // 10]
    for _ in range(args.rounds):
        for processes in (1, 2):
            with context.Pool(processes) as pool:
                results = pool.map(_work, [(args.url, o, args.subjects, args.tuned_gc)
                                           for o in offsets[:processes]])
            print(f"{processes} process(es): " + " | ".join(
                f"wall {w:.2f} user {u:.2f} sys {s:.2f} gc {g:.3f} ms/subject"
                for w, u, s, g in results))
    return 0


def _count(url: str) -> int:
    from sqlalchemy import func, select

    from credit_engine.storage.database import make_engine
    from credit_engine.storage.models import EnterpriseRow

    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return int(connection.scalar(select(func.count()).select_from(EnterpriseRow)) or 0)
    finally:
        engine.dispose()


if __name__ == "__main__":
    raise SystemExit(main())
