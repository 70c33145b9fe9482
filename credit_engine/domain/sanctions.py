"""What a sanction is: a ban or listing period caused by a record, and a role held by a
banned person. Deciding which are in force takes a ruleset: credit_engine/grading/bans.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from credit_engine.domain.model import Role


@dataclass(frozen=True)
class Period:
    """A sanction caused by a record: from `start` until `end` (exclusive; None = for life)."""

    start: date
    end: date | None
    record_id: int
    rule: str

    def active_on(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


@dataclass(frozen=True)
class BannedRole:
    person_id: str
    role: Role
    bans: tuple[Period, ...]

    @property
    def until(self) -> date | None:
        """Exclusive end: the role's last day + 1, or the ban's end, whichever is first."""
        ends = [self.role.to + timedelta(days=1)] if self.role.to else []
        ban_ends = [b.end for b in self.bans]
        if None not in ban_ends:
            ends.append(max(e for e in ban_ends if e is not None))
        return min(ends) if ends else None
