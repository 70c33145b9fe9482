"""Grade exports at scale: peak memory and time of a streamed export of N enterprises.

    python bench/scale_exports.py --url sqlite:////tmp/exports.db --enterprises 1000000
    python bench/scale_exports.py --url postgresql+psycopg://… --data-key-file keys.json

Loads N enterprises and, for most of them, two stored grades (bulk-inserted rows with a
small stored result holding measures: a real regrade of a million subjects takes over ten
minutes, see SCALE.md, and the export only reads what a regrade stores), unless the
database already holds them. Then, for each format asked, a fresh child process runs the
export exactly as the endpoint does (services/exports.grade_export on the container's
unit of work), reads the body to the end and reports rows, bytes, seconds and its own
peak RSS (ru_maxrss), so the figure is the export's alone, not the loader's.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select

from credit_engine.bootstrap import bootstrap
from credit_engine.config import Settings
from credit_engine.domain.identifiers import uscc_check_char
from credit_engine.services.exports import grade_export
from credit_engine.storage.database import make_engine
from credit_engine.storage.migrate import upgrade_database
from credit_engine.storage.models import EnterpriseRow, GradeRow, utcnow

BATCH = 10_000
AS_OF = date(2026, 12, 1)
DISTRICTS = ("黄浦区", "徐汇区", "长宁区", "静安区", "普陀区", "虹口区", "杨浦区", "闵行区")
CATEGORIES = ("production", "catering", "retail", "canteen", "small_workshop")


def _uscc(n: int) -> str:
    first17 = f"91310000MA{n:07d}"
    return first17 + uscc_check_char(first17)


def _result(n: int, letter: str, on: date) -> dict[str, Any]:
    measures = [] if letter in "AB" else [
        {"code": "FIN-RESTRICT", "kind": "restriction", "context": "financing",
         "title": "限制融资授信", "basis": "备忘录", "from": on.isoformat(), "until": None,
         "because": ["GRADE-" + letter]}]
    return {"subject": {"type": "enterprise", "id": _uscc(n)}, "as_of": on.isoformat(),
            "grade": letter, "score": 90, "measures": measures, "reasons": []}


def load(url: str, count: int) -> None:
    """Enterprises 1..count (after those already there, numbered the same way); every
    enterprise but each tenth has grades on two dates."""
    engine = make_engine(url)
    upgrade_database(engine)
    with engine.begin() as connection:  # a smaller database is extended, not loaded again
        loaded = connection.scalar(select(func.count()).select_from(EnterpriseRow)) or 0
    started = time.perf_counter()
    for start in range(loaded + 1, count + 1, BATCH):
        numbers = range(start, min(start + BATCH, count + 1))
        enterprises, grades = [], []
        for n in numbers:
            enterprises.append({"uscc": _uscc(n), "name": f"食品企业{n}号", "category":
                                CATEGORIES[n % 5], "district": DISTRICTS[n % 8],
                                "created_at": utcnow(), "updated_at": utcnow()})
            if n % 10:
                for on, letter in ((AS_OF - timedelta(days=90), "B"),
                                   (AS_OF - timedelta(days=10), "ABCD"[n % 4])):
                    grades.append({"subject_type": "enterprise", "subject_id": _uscc(n),
                                   "as_of": on, "ruleset": "default@2026.1", "score": 90,
                                   "grade": letter, "result": _result(n, letter, on),
                                   "next_change_on": None, "created_at": utcnow()})
        with engine.begin() as connection:
            connection.execute(insert(EnterpriseRow), enterprises)
            connection.execute(insert(GradeRow), grades)
    print(f"loaded {count - loaded} enterprises in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    engine.dispose()


def export(url: str, fmt: str, data_key_file: str | None) -> dict[str, Any]:
    """One export read to the end, as the endpoint streams it (run in a child process)."""
    container = bootstrap(Settings(database_url=url,
                                   data_key_file=Path(data_key_file) if data_key_file else None))
    started = time.perf_counter()
    size = lines = 0
    peaks: dict[int, float] = {}  # CSV: peak RSS so far after each 100,000 rows (flat?)
    for block in grade_export(container.transaction, AS_OF, None, fmt):
        size += len(block)
        if fmt == "csv":
            before, lines = lines, lines + block.count(b"\n")
            if lines // 100_000 > before // 100_000:
                peaks[lines // 100_000 * 100_000] = _peak_mib()
    seconds = time.perf_counter() - started
    return {"format": fmt, "rows": lines - 1 if fmt == "csv" else None, "bytes": size,
            "seconds": round(seconds, 1), "peak_rss_mib": _peak_mib(),
            "peak_rss_mib_by_rows": peaks}


def _peak_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--enterprises", type=int, default=1_000_000)
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--data-key-file", help="required by the service on PostgreSQL")
    parser.add_argument("--export-only", metavar="FORMAT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.export_only:
        print(json.dumps(export(args.url, args.export_only, args.data_key_file)))
        return
    load(args.url, args.enterprises)
    key = ["--data-key-file", args.data_key_file] if args.data_key_file else []
    for fmt in args.formats.split(","):
        child = subprocess.run([sys.executable, __file__, "--url", args.url, *key,
                                "--export-only", fmt], check=True, capture_output=True,
                               text=True, timeout=3600)
        print(child.stdout.strip())


if __name__ == "__main__":
    main()
