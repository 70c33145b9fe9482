"""Write a synthetic population to JSONL files for benchmarks, in bounded memory.

    python bench/generate.py --enterprises 100000 --persons 30000 --out /tmp/pop

writes persons.jsonl, enterprises.jsonl, roles.jsonl and records.jsonl (one API-shaped
object per line, persons and person subjects by ID number) and prints a timing line.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from datetime import date
from pathlib import Path

from tqdm import tqdm

from credit_engine.config import Settings
from credit_engine.population import DEFAULT_CHUNK, iter_population

KINDS = ("persons", "enterprises", "roles", "records")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options; sizes and dates are checked here, naming the option."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=20261129)
    parser.add_argument("--enterprises", type=int, required=True)
    parser.add_argument("--persons", type=int, required=True)
    parser.add_argument("--records-per-enterprise", type=float, default=10.0)
    parser.add_argument("--start", type=date.fromisoformat, default=None,
                        help="first day of the history (default: sized from --records-per-enterprise)")
    parser.add_argument("--end", type=date.fromisoformat, default=None,
                        help="last day of the history (default: today)")
    parser.add_argument("--chunk", type=int, default=DEFAULT_CHUNK)
    parser.add_argument("--out", type=Path, required=True, help="directory for the JSONL files")
    args = parser.parse_args(argv)
    for option in ("enterprises", "persons", "chunk"):
        if getattr(args, option) < 1:
            parser.error(f"--{option} must be at least 1")
    return args


def write_population(args: argparse.Namespace) -> dict[str, int]:
    """Stream the population into one JSONL file per sort of item; returns the counts."""
    args.out.mkdir(parents=True, exist_ok=True)
    files = {kind: (args.out / f"{kind}.jsonl").open("w", encoding="utf-8") for kind in KINDS}
    counts = dict.fromkeys(KINDS, 0)
    chunks = iter_population(args.seed, args.enterprises, args.persons,
                             records_per_enterprise=args.records_per_enterprise,
                             start=args.start, end=args.end or Settings.from_env().today(),
                             chunk=args.chunk)
    try:
        with tqdm(total=args.persons + args.enterprises, unit="subject", file=sys.stderr) as bar:
            for chunk in chunks:
                for kind in KINDS:
                    items = getattr(chunk, kind)
                    files[kind].writelines(json.dumps(item, ensure_ascii=False) + "\n"
                                           for item in items)
                    counts[kind] += len(items)
                bar.update(len(chunk.persons) + len(chunk.enterprises))
    finally:
        for handle in files.values():
            handle.close()
    return counts


def _peak_rss_mib() -> float:
    # ru_maxrss is in KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    """Generate, write, and print one timing line."""
    args = parse_args(argv)
    began = time.perf_counter()
    counts = write_population(args)
    seconds = time.perf_counter() - began
    print(f"generated {counts['enterprises']:,} enterprises, {counts['persons']:,} persons, "
          f"{counts['roles']:,} roles, {counts['records']:,} records in {seconds:.1f} s "
          f"({counts['enterprises'] / seconds:,.0f} enterprises/s, "
          f"{counts['records'] / seconds:,.0f} records/s), peak RSS {_peak_rss_mib():.0f} MiB "
          f"-> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
