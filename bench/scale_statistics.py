"""Time the plan's statistics on a population with stored grades (docs/statistics.md).

    python bench/scale_statistics.py --url sqlite:////tmp/stats.db --enterprises 1000000 \
        --persons 300000 --runs 5 --as-of 2026-11-30

A real regrade of a million subjects takes 11-14 minutes (bench/SCALE.md); this script
instead bulk-inserts (executemany, bounded memory) enterprises, persons, roles and stored
grades (one a month before `--as-of` for every subject, one on it for `--regraded-share`
of them) with realistic derived columns and a result JSON of realistic size, and each
subject's row of `grades_in_force` (what `store_grade` keeps), into an empty database at the
head revision. An already loaded database is reused. It then times, `--runs` times each
(median): the statistics of all districts, of one district, of all a month back, one
month's grade mix (a trend point), a stored month-end snapshot, the public page's grouped
figures, and the first page of restricted enterprises.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics as stats
import sys
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, insert, select, text

from credit_engine.storage.database import make_engine
from credit_engine.storage.migrate import upgrade_database
from credit_engine.storage.models import (
    EnterpriseRow,
    GradeInForceRow,
    GradeRow,
    PersonRow,
    RoleRow,
    utcnow,
)

BATCH = 5000
CATEGORIES = (("catering", .38), ("retail", .30), ("production", .06), ("canteen", .05),
              ("school_canteen", .03), ("small_workshop", .04), ("small_shop", .08),
              ("stall", .04), ("market_operator", .01), ("online_platform", .01))
DISTRICTS = ("肃州区", "玉门市", "敦煌市", "金塔县", "瓜州县", "肃北蒙古族自治县", "阿克塞哈萨克族自治县")
GRADES = (("A", .62), ("B", .24), ("C", .09), ("D", .05))
RATINGS = (("excellent", .25), ("good", .45), ("fair", .2), ("not_rated", .1))


def _pick(rng: random.Random, weighted: tuple[tuple[str, float], ...]) -> str:
    return rng.choices([k for k, _ in weighted], [w for _, w in weighted])[0]


def _uscc(n: int) -> str:
    return f"9162{n:014d}"  # 18 characters; the bench needs no check character


def _result(grade: str, restricted: bool) -> dict[str, Any]:
    """A stored result of realistic size (about 1 KB), never parsed by the statistics."""
    measures = [{"code": "LIC-STRICT-REVIEW", "kind": "restriction", "context": "licensing",
                 "title": "许可从严审查 / strict licensing review", "basis": "《食品安全法》",
                 "from": None, "until": None, "because": ["grade D"]}] if restricted else []
    return {"grade": grade, "reasons": [{"rule": "DED-INSPECTION", "points": -5,
            "record_ids": [1, 2], "basis": "《食品安全法》第八十七条",
            "text": "2026年检查发现一般问题，扣5分"}] * 3, "measures": measures,
            "flags": [], "input_record_ids": list(range(12)), "padding": "x" * 300}


def _enterprise_rows(rng: random.Random, count: int) -> Iterator[list[dict[str, Any]]]:
    now = utcnow()
    for start in range(0, count, BATCH):
        yield [{"uscc": _uscc(n), "name": f"企业{n}", "category": _pick(rng, CATEGORIES),
                "district": rng.choice(DISTRICTS), "created_at": now, "updated_at": now}
               for n in range(start, min(count, start + BATCH))]


def _grade_rows(rng: random.Random, subject_type: str, ids: list[str], days: tuple[date, ...],
                share: float) -> list[dict[str, Any]]:
    """Every subject's grade on days[0]; on days[1] for `share` of them."""
    rows, now = [], utcnow()
    for sid in ids:
        for day in days[:1] + (days[1:] if rng.random() < share else ()):
            grade = _pick(rng, GRADES) if subject_type == "enterprise" else "A"
            restricted = grade == "D" or rng.random() < .01
            listed = subject_type == "person" and rng.random() < .01
            rows.append({
                "subject_type": subject_type, "subject_id": sid, "as_of": day,
                "ruleset": "default@2026.1", "score": 90, "grade": grade,
                "result": _result(grade, restricted), "next_change_on": None, "created_at": now,
                "catering_rating": _pick(rng, RATINGS), "licensing_restricted": restricted,
                "listed_until": day + timedelta(days=700) if listed else None,
                "open_kitchen": rng.random() < .4, "traceability": rng.random() < .3,
                "insured": rng.random() < .35})
    return rows


IN_FORCE = ("subject_type", "subject_id", "as_of", "grade", "catering_rating",
            "licensing_restricted", "listed_until", "open_kitchen", "traceability", "insured")


def _in_force_rows(grades: list[dict[str, Any]],
                   places: dict[str, tuple[str, str]]) -> list[dict[str, Any]]:
    """Each subject's latest grade as its `grades_in_force` row (what store_grade keeps)."""
    latest: dict[str, dict[str, Any]] = {}
    for g in grades:
        if g["subject_id"] not in latest or latest[g["subject_id"]]["as_of"] < g["as_of"]:
            latest[g["subject_id"]] = g
    district_category = (None, None)
    return [{**{k: g[k] for k in IN_FORCE},
             **dict(zip(("district", "category"), places.get(sid, district_category)))}
            for sid, g in latest.items()]


def load(url: str, enterprises: int, persons: int, as_of: date, seed: int,
         share: float = 1.0) -> None:
    """Insert the population into an empty database at head (nothing when already there)."""
    upgrade_database(url)
    engine, rng = make_engine(url), random.Random(seed)
    with engine.begin() as connection:
        if connection.scalar(select(func.count()).select_from(EnterpriseRow)):
            return
    days = (as_of - timedelta(days=30), as_of)
    for batch in _enterprise_rows(rng, enterprises):
        places = {r["uscc"]: (r["district"], r["category"]) for r in batch}
        grades = _grade_rows(rng, "enterprise", list(places), days, share)
        with engine.begin() as connection:
            connection.execute(insert(EnterpriseRow), batch)
            connection.execute(insert(GradeRow), grades)
            connection.execute(insert(GradeInForceRow), _in_force_rows(grades, places))
    for start in range(0, persons, BATCH):
        ids = [f"p{n:023d}" for n in range(start, min(persons, start + BATCH))]
        now = utcnow()
        grades = _grade_rows(rng, "person", ids, days, share)
        with engine.begin() as connection:
            connection.execute(insert(PersonRow), [
                {"id": pid, "id_number_index": pid, "id_number_encrypted": "bench",
                 "name_encrypted": "bench", "data_key_id": "bench", "created_at": now,
                 "updated_at": now} for pid in ids])
            connection.execute(insert(RoleRow), [
                {"uscc": _uscc(rng.randrange(enterprises)), "person_id": pid,
                 "role": "legal_representative", "from_on": date(2020, 1, 1), "to_on": None,
                 "created_at": now, "updated_at": now} for pid in ids])
            connection.execute(insert(GradeRow), grades)
            connection.execute(insert(GradeInForceRow), _in_force_rows(grades, {}))
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))  # both databases: plan with fresh statistics
    engine.dispose()


def _time(runs: int, call: Callable[[], Any]) -> tuple[float, list[float], Any]:
    times, value = [], None
    for _ in range(runs):
        started = time.perf_counter()
        value = call()
        times.append(time.perf_counter() - started)
    return stats.median(times), times, value


def measure(url: str, as_of: date, runs: int) -> dict[str, Any]:
    from credit_engine.services import statistics, statistics_snapshots
    from credit_engine.storage.repositories import statistics_reads

    engine = make_engine(url)
    from sqlalchemy.orm import Session

    def read(use: Callable[[Session], Any]) -> Callable[[], Any]:
        def call() -> Any:
            with Session(engine) as session:
                return use(session)
        return call

    month_back = as_of - timedelta(days=30)
    month_end = as_of.replace(day=1) - timedelta(days=1)
    with Session(engine) as session, session.begin():  # the snapshot the page reads
        statistics_snapshots.month_end_figures(session, month_end, None)
    cases = {
        "statistics, all districts": read(lambda s: statistics.compute_statistics(s, as_of, None)),
        f"statistics, district {DISTRICTS[0]}": read(
            lambda s: statistics.compute_statistics(s, as_of, DISTRICTS[0])),
        "statistics, all districts, a month back": read(
            lambda s: statistics.compute_statistics(s, month_back, None)),
        "one trend point (grade mix at a month's end)": read(
            lambda s: statistics_reads.grade_mix(s, as_of - timedelta(days=15), None)),
        "one trend point from its stored snapshot": read(
            lambda s: statistics_snapshots.month_end_figures(s, month_end, None)),
        "public page figures (grouped summaries + listed)": read(
            lambda s: statistics.page_figures(s, as_of)),
        "restricted enterprises, first page of 20": read(
            lambda s: statistics.restricted_enterprises(s, as_of, 0, 21)),
    }
    report: dict[str, Any] = {}
    for name, call in cases.items():
        median, times, value = _time(runs, call)
        report[name] = {"median_s": round(median, 3), "runs_s": [round(t, 3) for t in times]}
        if name == "statistics, all districts":
            report["enterprises"] = value["enterprises"]
            report["grades"] = value["grades"]
            report["listed_persons"] = value["listed_persons"]
    engine.dispose()
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--enterprises", type=int, default=1_000_000)
    parser.add_argument("--persons", type=int, default=300_000)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 30))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--regraded-share", type=float, default=1.0,
                        help="share of subjects with a grade on --as-of too (the nightly "
                             "regrade is incremental: a past date looks these up)")
    parser.add_argument("--seed", type=int, default=20261206)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    load(args.url, args.enterprises, args.persons, args.as_of, args.seed, args.regraded_share)
    print(f"load: {time.perf_counter() - started:.1f} s", file=sys.stderr)
    print(json.dumps(measure(args.url, args.as_of, args.runs), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
