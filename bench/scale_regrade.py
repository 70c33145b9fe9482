"""Full and incremental regrade at scale: wall time and peak memory of the whole process tree.

    python bench/scale_load.py --url sqlite:////tmp/scale.db --enterprises 100000 --persons 30000
    python bench/scale_regrade.py --url sqlite:////tmp/scale.db --as-of 2026-11-29 --workers 2

1. `credit-engine regrade --all --as-of DATE` (a real process, as an operator runs it);
2. new records for `--changed` of the enterprises (default 1 %), received now;
3. `credit-engine regrade --dirty --as-of DATE+1`: the nightly incremental run.

Each step prints one JSON line: seconds, peak RSS summed over the process and its workers,
and the run's counts. Targets (issue 5, 2-core machine): full <= 600 s on SQLite for
1.3 M subjects, peak <= 1 GiB, incremental <= 60 s.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import subprocess
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from credit_engine.storage.database import make_engine
from credit_engine.storage.models import EnterpriseRow, RecordRow, utcnow

CLI = str(Path(sys.executable).with_name("credit-engine"))


def _tree_rss_kib(root: int) -> int:
    """Resident memory of `root` and all its descendants, from /proc."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            status = Path(f"/proc/{entry}/status").read_text()
        except OSError:
            continue
        parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
        rss[int(entry)] = next((int(line.split()[1]) for line in status.splitlines()
                                if line.startswith("VmRSS:")), 0)
    tree, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [p for p, pp in parents.items() if pp == parent and p not in tree]
        tree.update(children)
        frontier.extend(children)
    return sum(rss.get(p, 0) for p in tree)


def measure(args: list[str], env: dict[str, str]) -> dict[str, object]:
    """Run the command; wall seconds, peak tree RSS (MiB) and its last stdout line."""
    began = time.perf_counter()
    process = subprocess.Popen(args, env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, text=True)
    peak = [0]

    def sample() -> None:
        while process.poll() is None:
            peak[0] = max(peak[0], _tree_rss_kib(process.pid))
            time.sleep(0.5)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = process.communicate()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed with {process.returncode}")
    return {"seconds": round(time.perf_counter() - began, 1),
            "peak_rss_mib": round(peak[0] / 1024, 1), "summary": out.strip().splitlines()[-1]}


def change_subjects(url: str, fraction: float, day: date, seed: int) -> int:
    """Give `fraction` of the enterprises a new non-compliant inspection on `day`."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            usccs = connection.scalars(select(EnterpriseRow.uscc).order_by(EnterpriseRow.uscc)).all()
            chosen = random.Random(seed).sample(list(usccs), max(1, int(len(usccs) * fraction)))
            now = utcnow()
            rows = [{"external_id": f"bench-{day}-{u}", "enterprise_uscc": u, "person_id": None,
                     "kind": "inspection", "occurred_on": day,
                     "details": {"result": "non_compliant", "key_items_failed": 1,
                                 "general_items_failed": 2, "refused": False},
                     "content_hash": hashlib.sha256(f"{day}{u}".encode()).hexdigest(),
                     "received_at": now, "received_by": "bench"} for u in chosen]
            for start in range(0, len(rows), 5000):
                connection.execute(insert(RecordRow), rows[start:start + 5000])
        return len(chosen)
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    """Full regrade, 1 % changes, incremental regrade; one JSON line each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2026, 11, 29))
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--chunk-size", type=int, default=1000)
    parser.add_argument("--changed", type=float, default=0.01)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args(argv)
    # The population was bulk-loaded moments before: without this, the nightly run's
    # look-back for late commits (10 minutes) would count every loaded record as new.
    env = dict(os.environ, CREDIT_ENGINE_DATABASE_URL=args.url,
               CREDIT_ENGINE_DIRTY_MARGIN_SECONDS="0")
    common = ["--workers", str(args.workers), "--chunk-size", str(args.chunk_size)]
    full = measure([CLI, "regrade", "--all", "--as-of", str(args.as_of)] + common, env)
    print(json.dumps({"event": "full_regrade", "workers": args.workers, **full}, ensure_ascii=False))
    nightly = args.as_of + timedelta(days=1)
    changed = change_subjects(args.url, args.changed, nightly, args.seed)
    incremental = measure([CLI, "regrade", "--dirty", "--as-of", str(nightly)] + common, env)
    print(json.dumps({"event": "incremental_regrade", "changed_enterprises": changed,
                      **incremental}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
