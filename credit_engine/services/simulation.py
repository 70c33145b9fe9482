"""Impact simulation: grade the stored population under a candidate ruleset, storing nothing.

Offices run it before publishing a policy change: how many subjects move from each current
grade to each candidate grade, and whose restrictions (joint punishment) would change.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from credit_engine.grading.pipeline import grade
from credit_engine.domain.model import GRADES, CreditFile, CreditResult, SubjectRef
from credit_engine.rules import CompiledRuleset, RulesetRegistry, load_ruleset_file
from credit_engine.storage.credit_files import iter_subject_keys, load_credit_files

DEFAULT_CHUNK_SIZE = 500
Matrix = dict[str, dict[str, int]]


@dataclass(frozen=True)
class RestrictionChange:
    """A subject whose set of restriction codes differs between current and candidate."""

    subject: SubjectRef
    current_grade: str
    candidate_grade: str
    before: tuple[str, ...]
    after: tuple[str, ...]

    @property
    def added(self) -> tuple[str, ...]:
        return tuple(c for c in self.after if c not in self.before)

    @property
    def removed(self) -> tuple[str, ...]:
        return tuple(c for c in self.before if c not in self.after)


@dataclass
class SimulationReport:
    """Grade migration matrix (current grade -> candidate grade) and restriction changes."""

    as_of: date
    current_ruleset: str
    candidate_ruleset: str
    candidate_path: str
    matrix: Matrix = field(default_factory=lambda: {g: dict.fromkeys(GRADES, 0) for g in GRADES})
    restriction_changes: list[RestrictionChange] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def subjects(self) -> int:
        return sum(sum(row.values()) for row in self.matrix.values())

    def current_totals(self) -> dict[str, int]:
        """Subjects per current grade (the matrix's row sums)."""
        return {g: sum(self.matrix[g].values()) for g in GRADES}

    def candidate_totals(self) -> dict[str, int]:
        """Subjects per candidate grade (the matrix's column sums)."""
        return {g: sum(self.matrix[row][g] for row in GRADES) for g in GRADES}

    def moved(self) -> dict[str, int]:
        """Subjects unchanged, moved to a better grade (up) and to a worse one (down)."""
        counts = {"unchanged": 0, "up": 0, "down": 0}
        for row in GRADES:
            for col in GRADES:
                step = GRADES.index(col) - GRADES.index(row)
                counts["unchanged" if step == 0 else "up" if step < 0 else "down"] += self.matrix[row][col]
        return counts

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form (`credit-engine rules simulate --format json`)."""
        return {
            "as_of": self.as_of.isoformat(), "current_ruleset": self.current_ruleset,
            "candidate_ruleset": self.candidate_ruleset, "candidate_path": self.candidate_path,
            "subjects": self.subjects, "matrix": self.matrix,
            "totals": {"current": self.current_totals(), "candidate": self.candidate_totals(),
                       **self.moved()},
            "restriction_changes": [
                {"subject": {"type": c.subject.type, "id": c.subject.id},
                 "current_grade": c.current_grade, "candidate_grade": c.candidate_grade,
                 "before": list(c.before), "after": list(c.after),
                 "added": list(c.added), "removed": list(c.removed)}
                for c in self.restriction_changes],
            "warnings": self.warnings,
        }


def load_candidate(path: str | Path) -> CompiledRuleset:
    """Validate and compile a candidate file (RulesetError naming file, rule and reason).

    Its engine registration cannot clash with the stored versions: the rules package names
    it `credit@<id>@<version>`, suffixed with a digest when that name is taken by other
    content, and reuses the registration when the same content is loaded again.
    """
    return load_ruleset_file(path)


def candidate_registry(candidate: CompiledRuleset) -> RulesetRegistry:
    """A registry holding only the candidate, in force on every date (also a year back,
    for the measures that compare with the grade a year earlier)."""
    return RulesetRegistry.of([dataclasses.replace(candidate, effective_from=date.min)])


def _warnings(stored: RulesetRegistry, candidate: CompiledRuleset, as_of: date) -> list[str]:
    notes = []
    if any(r.name == candidate.name for r in stored.rulesets):
        notes.append(f"{candidate.name} is already a stored version; a released version never "
                     "changes, so publish the candidate under a new version")
    if candidate.effective_from > as_of:
        notes.append(f"the candidate takes effect on {candidate.effective_from.isoformat()}, "
                     f"after {as_of.isoformat()}; it was evaluated as if in force")
    return notes


def restriction_codes(result: CreditResult) -> tuple[str, ...]:
    """The sorted codes of the result's measures of kind restriction."""
    return tuple(sorted({m.code for m in result.measures if m.kind == "restriction"}))


def _chunks(sessions: sessionmaker[Session], size: int) -> Iterator[dict[SubjectRef, CreditFile]]:
    """Credit files of every stored subject, `size` at a time, each chunk in its own
    read-only session (closed without commit), so memory stays bounded."""
    after: SubjectRef | None = None
    while True:
        with sessions() as session:
            keys = iter_subject_keys(session, after, size)
            if not keys:
                return
            files = load_credit_files(session, keys)
            session.rollback()
        yield files
        after = keys[-1]


def simulate(sessions: sessionmaker[Session], stored: RulesetRegistry, candidate: CompiledRuleset,
             as_of: date, *, chunk_size: int = DEFAULT_CHUNK_SIZE,
             progress: Callable[[int], None] | None = None) -> SimulationReport:
    """Grade every stored subject as of `as_of` under the stored rulesets and under the
    candidate alone; count grade migrations and collect restriction changes."""
    if chunk_size < 1:
        raise ValueError("chunk_size must be >= 1")
    current_ruleset = stored.for_date(as_of)   # NoRulesetInForce before any stored version
    alone = candidate_registry(candidate)
    report = SimulationReport(as_of, current_ruleset.name, candidate.name, candidate.path,
                              warnings=_warnings(stored, candidate, as_of))
    for files in _chunks(sessions, chunk_size):
        for subject, file in files.items():
            _compare(report, subject, grade(file, as_of, stored), grade(file, as_of, alone))
        if progress is not None:
            progress(len(files))
    return report


def _compare(report: SimulationReport, subject: SubjectRef, current: CreditResult,
             proposed: CreditResult) -> None:
    report.matrix[current.grade][proposed.grade] += 1
    before, after = restriction_codes(current), restriction_codes(proposed)
    if before != after:
        report.restriction_changes.append(
            RestrictionChange(subject, current.grade, proposed.grade, before, after))


def format_report(report: SimulationReport) -> str:
    """The report as plain text: the 4x4 matrix with totals, then the restriction changes."""
    width = max(7, *(len(f"{n:,}") + 2 for row in report.matrix.values() for n in row.values()))
    head = "current \\ candidate".ljust(20) + "".join(g.rjust(width) for g in GRADES) + "total".rjust(width)
    lines = [f"Candidate {report.candidate_ruleset} ({report.candidate_path}) against "
             f"{report.current_ruleset}, as of {report.as_of.isoformat()}: {report.subjects:,} subjects",
             *(f"warning: {w}" for w in report.warnings), "", head]
    for row in GRADES:
        counts = report.matrix[row]
        lines.append(row.ljust(20) + "".join(f"{counts[g]:,}".rjust(width) for g in GRADES)
                     + f"{sum(counts.values()):,}".rjust(width))
    columns = report.candidate_totals()
    lines.append("total".ljust(20) + "".join(f"{columns[g]:,}".rjust(width) for g in GRADES)
                 + f"{report.subjects:,}".rjust(width))
    moved = report.moved()
    lines += ["", f"unchanged {moved['unchanged']:,}, up {moved['up']:,}, down {moved['down']:,}", "",
              f"restrictions would change for {len(report.restriction_changes):,} subject(s)"]
    lines += [_change_line(c) for c in report.restriction_changes]
    return "\n".join(lines)


def _change_line(change: RestrictionChange) -> str:
    def codes(values: Sequence[str]) -> str:
        return ",".join(values) or "-"
    return (f"  {change.subject} {change.current_grade}->{change.candidate_grade}  "
            f"before: {codes(change.before)}  after: {codes(change.after)}")
