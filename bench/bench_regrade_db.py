"""(d) of bench_regrade.py: a DB-backed regrade on SQLite, timed and profiled.

The population is bulk-loaded once (bench/scale_load.py) and the file copied: the timed
run and the profiled run (cProfile slows it) each start from the same ungraded database.
"""

from __future__ import annotations

import cProfile
import pstats
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from scale_load import load as bulk_load

from credit_engine.bootstrap import bootstrap
from credit_engine.config import Settings
from credit_engine.rules import RulesetRegistry
from credit_engine.services.grading import regrade_subjects
from credit_engine.storage.credit_files import iter_subject_keys

ACTOR = "bench"
# Where the time goes: (label, path suffix, function names); cumulative time of the
# outermost entry of each name (Session.commit calls SessionTransaction.commit: not twice).
PHASES = (
    ("subject keys", "storage/credit_files.py", ("iter_subject_keys",)),
    ("load credit files", "storage/credit_files.py", ("load_credit_files",)),
    ("previous grades", "storage/grades.py", ("latest_grades_before", "grades_on")),
    ("grade (all)", "grading/pipeline.py", ("grade",)),
    ("  of which rule engine", "rules/engine.py", ("evaluate",)),
    ("store grades", "services/grading.py", ("_store",)),
    ("announcements", "services/announcements.py", ("publish_announcements",)),
    ("session flush", "orm/session.py", ("flush",)),
    ("session commit", "orm/session.py", ("commit",)),
)


def regrade_all(url: str, registry: RulesetRegistry, as_of: date, chunk: int) -> int:
    """Regrade every subject of `url` as of `as_of`, one transaction per chunk."""
    container = bootstrap(Settings(database_url=url))
    graded, after = 0, None
    try:
        while True:
            with container.transaction() as session:
                subjects = iter_subject_keys(session, after, chunk)
                if not subjects:
                    return graded
                regrade_subjects(session, registry, subjects, as_of, ACTOR,
                                 calendar=container.calendar)
            graded += len(subjects)
            after = subjects[-1]
    finally:
        container.engine.dispose()


def _phases(stats: pstats.Stats) -> dict[str, float]:
    found: dict[str, float] = {}
    table = stats.stats  # type: ignore[attr-defined]
    for label, suffix, names in PHASES:
        found[label] = sum(max((ct for (path, _, fn), (_, _, _, ct, _) in table.items()
                                if path.endswith(suffix) and fn == name), default=0.0)
                           for name in names)
    return found


def _top(stats: pstats.Stats, count: int) -> list[dict[str, Any]]:
    table = stats.stats  # type: ignore[attr-defined]
    rows = sorted(table.items(), key=lambda item: item[1][2], reverse=True)[:count]
    return [{"function": f"{Path(path).name}:{line}({name})", "calls": nc,
             "tottime": tt, "cumtime": ct} for (path, line, name), (_, nc, tt, ct, _) in rows]


def db_regrade(registry: RulesetRegistry, enterprises: int, persons: int, as_of: date, seed: int,
               *, chunk: int = 500, top: int = 12) -> dict[str, Any]:
    """Bulk-load, regrade timed, regrade a copy profiled; rates and the time breakdown.
    The rulesets are loaded beforehand, so neither run pays for parsing YAML."""
    with tempfile.TemporaryDirectory(prefix="bench-regrade-") as tmp:
        timed, profiled = Path(tmp) / "timed.db", Path(tmp) / "profiled.db"
        began = time.perf_counter()
        counts = bulk_load(f"sqlite:///{timed}", seed, enterprises, persons, 10, as_of)
        load_seconds = time.perf_counter() - began
        shutil.copyfile(timed, profiled)
        began = time.perf_counter()
        graded = regrade_all(f"sqlite:///{timed}", registry, as_of, chunk)
        seconds = time.perf_counter() - began
        profiler = cProfile.Profile()
        began = time.perf_counter()
        profiler.runcall(regrade_all, f"sqlite:///{profiled}", registry, as_of, chunk)
        profiled_seconds = time.perf_counter() - began
    stats = pstats.Stats(profiler)
    return {"rows": counts, "load_seconds": load_seconds, "subjects": graded, "chunk": chunk,
            "seconds": seconds, "per_s": graded / seconds, "profiled_seconds": profiled_seconds,
            "phases": _phases(stats), "top": _top(stats, top)}
