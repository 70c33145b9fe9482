"""Regrade benchmark: rule engine vs plain Python, memory, a soak run and a DB-backed regrade.

    python bench/bench_regrade.py --subjects 2000 [--runs 3] [--soak 100000] \
        [--db-enterprises 2000] [--as-of 2026-11-29]

(a) subjects/s of `grade(..., backend="engine")` and `backend="python"` on the same
    in-memory credit files (no database), median of `--runs`, and their ratio; both
    backends must give identical results;
(b) peak memory of one engine pass (tracemalloc) and the process's peak RSS;
(c) `--soak N`: N evaluations through the engine, RSS sampled every 10,000;
(d) a seeded population bulk-loaded into a temporary SQLite file, regraded with
    `regrade_subjects` in chunks of 500, with a cProfile breakdown of where the time goes.
Prints Markdown tables and the machine. Population: `credit_engine.population` (seeded).
"""

from __future__ import annotations

import argparse
import platform
import resource
import statistics
import sys
import time
import tracemalloc
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # sibling scale_load.py

from scale_load import person_id  # noqa: E402

from credit_engine.grading.pipeline import grade, rule_facts  # noqa: E402
from credit_engine.domain.model import (  # noqa: E402
    CreditFile, Enterprise, PersonFile, Record, Role, SubjectRef)
from credit_engine.population import Population, iter_population  # noqa: E402
from credit_engine.rules import RulesetRegistry  # noqa: E402
from credit_engine.rules.evaluation import evaluate_facts  # noqa: E402

SEED = 20261129
AS_OF = date(2026, 11, 29)
PERSONS_PER_ENTERPRISE = 0.3        # the ratio of bench/scale_load.py's examples
SOAK_EVERY = 10_000
RULESETS = Path(__file__).resolve().parents[1] / "rulesets"


def machine() -> dict[str, Any]:
    """Cores, CPU model and Python version of this machine."""
    import os

    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor() or "unknown")
    return {"nproc": os.cpu_count(), "cpu": model, "python": platform.python_version()}


def rss_mib() -> float:
    """The process's resident memory now (VmRSS)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def max_rss_mib() -> float:
    """The process's peak resident memory so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def split(subjects: int) -> tuple[int, int]:
    """Enterprises and persons for a total of `subjects` (at least one of each)."""
    persons = max(1, round(subjects * PERSONS_PER_ENTERPRISE / (1 + PERSONS_PER_ENTERPRISE)))
    return max(1, subjects - persons), persons


def population(subjects: int, seed: int, as_of: date) -> Population:
    """The seeded synthetic population (about 10 records per enterprise)."""
    enterprises, persons = split(subjects)
    whole = Population()
    for part in iter_population(seed, enterprises, persons, records_per_enterprise=10, end=as_of):
        whole.extend(part)
    return whole


def _day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def credit_files(pop: Population) -> list[CreditFile]:
    """Map the population's dicts to domain credit files, as storage/credit_files.py assembles them."""
    records: dict[str, list[Record]] = defaultdict(list)
    for rid, item in enumerate(pop.records, start=1):
        s = item["subject"]
        subject = SubjectRef(s["type"], s["id"] if s["type"] == "enterprise" else person_id(s["id"]))
        records[str(subject)].append(Record(rid, item["external_id"], subject, item["kind"],
                                            date.fromisoformat(item["occurred_on"]), item["details"]))
    roles = [Role(person_id(r["id_number"]), r["uscc"], r["role"], date.fromisoformat(r["from"]),
                  _day(r.get("to"))) for r in pop.roles]
    by_enterprise, by_person = defaultdict(list), defaultdict(list)
    for role in roles:
        by_enterprise[role.uscc].append(role)
        by_person[role.person_id].append(role)

    def person_file(pid: str) -> PersonFile:
        own = by_person.get(pid, [])
        penalties = sorted((r for uscc in {x.uscc for x in own}
                            for r in records.get(f"enterprise:{uscc}", ()) if r.kind == "penalty"),
                           key=lambda r: (r.occurred_on, r.id))
        return PersonFile(pid, tuple(records.get(f"person:{pid}", ())), tuple(own), tuple(penalties))

    files = []
    for e in pop.enterprises:
        ref = SubjectRef("enterprise", e["uscc"])
        mine = by_enterprise.get(e["uscc"], [])
        files.append(CreditFile(ref, tuple(records.get(str(ref), ())), tuple(mine),
                                tuple(person_file(p) for p in sorted({r.person_id for r in mine})),
                                Enterprise(e["uscc"], e["name"], e["category"], e.get("district"),
                                           e.get("licence_no"), _day(e.get("licensed_on")))))
    for p in pop.persons:
        ref = SubjectRef("person", person_id(p["id_number"]))
        files.append(CreditFile(ref, tuple(records.get(str(ref), ())), tuple(by_person.get(ref.id, ())),
                                (person_file(ref.id),)))
    return files


def _pass(files: list[CreditFile], registry: RulesetRegistry, as_of: date, backend: str) -> tuple[float, list[Any]]:
    began = time.perf_counter()
    results = [grade(f, as_of, registry, backend=backend) for f in files]
    return time.perf_counter() - began, results


def throughput(files: list[CreditFile], registry: RulesetRegistry, as_of: date, runs: int) -> dict[str, Any]:
    """(a) Median subjects/s of both backends, their ratio, and whether results agree."""
    rates: dict[str, list[float]] = {"engine": [], "python": []}
    results: dict[str, list[Any]] = {}
    for _ in range(runs):
        for backend in rates:           # interleaved, so drift hits both alike
            seconds, results[backend] = _pass(files, registry, as_of, backend)
            rates[backend].append(len(files) / seconds)
    engine, python = statistics.median(rates["engine"]), statistics.median(rates["python"])
    differ = sum(a != b for a, b in zip(results["engine"], results["python"]))
    grades: dict[str, int] = defaultdict(int)
    for r in results["engine"]:
        grades[r.grade] += 1
    return {"subjects": len(files), "runs": runs, "engine_per_s": engine, "python_per_s": python,
            "ratio": python / engine, "identical": differ == 0, "differing": differ,
            "grades": dict(sorted(grades.items()))}


def evaluation_only(files: list[CreditFile], registry: RulesetRegistry, as_of: date,
                    runs: int) -> dict[str, Any]:
    """(a') The rule evaluation alone, facts precomputed: durable-rules against the plain-Python
    interpretation of the same compiled conditions, so the engine's own overhead is a ratio."""
    ruleset = registry.for_date(as_of)
    facts = [rule_facts(f, as_of, ruleset) for f in files]
    rates: dict[str, list[float]] = {"engine": [], "python": []}
    hits: dict[str, list[Any]] = {}
    for _ in range(runs):
        for backend in rates:
            began = time.perf_counter()
            hits[backend] = [evaluate_facts(ruleset, batch, backend) for batch in facts]
            rates[backend].append(len(files) / (time.perf_counter() - began))
    engine, python = statistics.median(rates["engine"]), statistics.median(rates["python"])
    return {"engine_per_s": engine, "python_per_s": python, "ratio": python / engine,
            "identical": hits["engine"] == hits["python"],
            "facts_per_subject": sum(map(len, facts)) / len(facts)}


def memory(files: list[CreditFile], registry: RulesetRegistry, as_of: date) -> dict[str, float]:
    """(b) Python-heap peak of one engine pass over the files (tracemalloc) and peak RSS."""
    tracemalloc.start()
    try:
        for f in files:
            grade(f, as_of, registry, backend="engine")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return {"tracemalloc_peak_mib": peak / 2**20, "max_rss_mib": max_rss_mib()}


def soak(files: list[CreditFile], registry: RulesetRegistry, as_of: date, evaluations: int,
         every: int = SOAK_EVERY) -> dict[str, Any]:
    """(c) `evaluations` engine gradings (cycling over the files), RSS sampled every `every`."""
    samples = [(0, rss_mib())]
    began = time.perf_counter()
    for n in range(1, evaluations + 1):
        grade(files[n % len(files)], as_of, registry, backend="engine")
        if n % every == 0 or n == evaluations:
            samples.append((n, rss_mib()))
    seconds = time.perf_counter() - began
    return {"evaluations": evaluations, "seconds": seconds, "per_s": evaluations / seconds,
            "samples": samples, "first_rss_mib": samples[1][1] if len(samples) > 1 else samples[0][1],
            "last_rss_mib": samples[-1][1]}


def markdown(results: dict[str, Any]) -> str:
    """All results as Markdown tables, the machine first."""
    m, out = results["machine"], []
    out += [f"Machine: {m['nproc']} cores ({m['cpu']}), Python {m['python']}; "
            f"as of {results['as_of']}, seed {results['seed']}", ""]
    t = results["throughput"]
    out += ["| backend | subjects/s (median of %d) |" % t["runs"], "|---|---:|",
            f"| engine (durable-rules) | {t['engine_per_s']:,.0f} |",
            f"| python (same compiled conditions) | {t['python_per_s']:,.0f} |",
            f"| ratio python / engine | {t['ratio']:.2f}x |", "",
            f"{t['subjects']:,} subjects, grades {t['grades']}; both backends identical: "
            f"{'yes' if t['identical'] else 'NO (%d differ)' % t['differing']}", ""]
    e = results["evaluation_only"]
    out += ["| rule evaluation only (facts precomputed) | subjects/s |", "|---|---:|",
            f"| durable-rules (`assert_facts`, one state per subject) | {e['engine_per_s']:,.0f} |",
            f"| plain Python, same compiled conditions | {e['python_per_s']:,.0f} |",
            f"| engine overhead: python / engine | {e['ratio']:.1f}x |", "",
            f"{e['facts_per_subject']:.1f} facts per subject; same hits: "
            f"{'yes' if e['identical'] else 'NO'}", ""]
    mem = results["memory"]
    out += ["| memory | MiB |", "|---|---:|",
            f"| tracemalloc peak, one engine pass | {mem['tracemalloc_peak_mib']:.1f} |",
            f"| process peak RSS (ru_maxrss) | {mem['max_rss_mib']:.1f} |", ""]
    if results.get("soak"):
        s = results["soak"]
        out += [f"Soak: {s['evaluations']:,} engine evaluations in {s['seconds']:.1f} s "
                f"({s['per_s']:,.0f}/s); RSS first sample {s['first_rss_mib']:.1f} MiB, "
                f"last {s['last_rss_mib']:.1f} MiB", "", "| evaluations | RSS MiB |", "|---:|---:|"]
        out += [f"| {n:,} | {rss:.1f} |" for n, rss in s["samples"]] + [""]
    if results.get("db"):
        out += _db_markdown(results["db"])
    return "\n".join(out)


def _db_markdown(d: dict[str, Any]) -> list[str]:
    rows = d["rows"]
    out = [f"DB regrade (SQLite file): {rows['enterprises']:,} enterprises, {rows['persons']:,} persons, "
           f"{rows['records']:,} records bulk-loaded in {d['load_seconds']:.1f} s; "
           f"{d['subjects']:,} subjects regraded in chunks of {d['chunk']} in {d['seconds']:.1f} s = "
           f"**{d['per_s']:,.0f} subjects/s** (under cProfile: {d['profiled_seconds']:.1f} s)", "",
           "| phase (cProfile, cumulative) | s | share |", "|---|---:|---:|"]
    total = d["profiled_seconds"]
    out += [f"| {label} | {sec:.2f} | {100 * sec / total:.0f} % |" for label, sec in d["phases"].items()]
    out += ["", "| top functions by own time | calls | tottime s | cumtime s |", "|---|---:|---:|---:|"]
    out += [f"| `{r['function']}` | {r['calls']:,} | {r['tottime']:.2f} | {r['cumtime']:.2f} |"
            for r in d["top"]]
    return out + [""]


def run(subjects: int, *, runs: int = 3, soak_evaluations: int = 0, db_enterprises: int = 0,
        seed: int = SEED, as_of: date = AS_OF) -> dict[str, Any]:
    """Every measurement the options ask for, as one dict (see `markdown`)."""
    from bench_regrade_db import db_regrade

    registry = RulesetRegistry.load_dir(RULESETS)
    files = credit_files(population(subjects, seed, as_of))
    results: dict[str, Any] = {"machine": machine(), "as_of": as_of.isoformat(), "seed": seed}
    results["throughput"] = throughput(files, registry, as_of, runs)
    results["evaluation_only"] = evaluation_only(files, registry, as_of, runs)
    results["memory"] = memory(files, registry, as_of)
    if soak_evaluations:
        results["soak"] = soak(files, registry, as_of, soak_evaluations)
    if db_enterprises:
        persons = max(1, round(db_enterprises * PERSONS_PER_ENTERPRISE))
        results["db"] = db_regrade(registry, db_enterprises, persons, as_of, seed)
    return results


def main(argv: list[str] | None = None) -> int:
    """Parse the options, run, print Markdown."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subjects", type=int, default=2000, help="in-memory subjects (a)-(c)")
    parser.add_argument("--runs", type=int, default=3, help="timed passes per backend; median")
    parser.add_argument("--soak", type=int, default=0, help="engine evaluations for (c); 0 skips")
    parser.add_argument("--db-enterprises", type=int, default=0, help="enterprises for (d); 0 skips")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--as-of", type=date.fromisoformat, default=AS_OF)
    args = parser.parse_args(argv)
    for name in ("subjects", "runs"):
        if getattr(args, name) < 1:
            parser.error(f"--{name} must be >= 1")
    if args.soak < 0 or args.db_enterprises < 0:
        parser.error("--soak and --db-enterprises must be >= 0")
    print(markdown(run(args.subjects, runs=args.runs, soak_evaluations=args.soak,
                       db_enterprises=args.db_enterprises, seed=args.seed, as_of=args.as_of)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
