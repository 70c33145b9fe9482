"""The credit file a grade is computed from, and the value objects a grade is made of.

Everything here is plain data: grading never touches the database, and storage maps
these objects from outside.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal, Mapping

from credit_engine.domain.inspection_calendar import InspectionCalendar

SubjectType = Literal["enterprise", "person"]

CATEGORIES = ("production", "catering", "retail", "canteen", "small_workshop",
              # from ruleset 2027.1 (earlier versions grade them as the category it maps them to)
              "school_canteen", "small_shop", "stall", "market_operator", "online_platform")
ROLE_KINDS = ("legal_representative", "principal", "food_safety_manager")
INSPECTION_CONTEXT = "inspection"  # also the name of a record kind (record_kinds.INSPECTION)
CONTEXTS = ("licensing", "financing", "procurement", INSPECTION_CONTEXT, "honours")
GRADES = ("A", "B", "C", "D")


@dataclass(frozen=True, order=True)
class SubjectRef:
    """A subject by type and key: the USCC of an enterprise, the opaque id of a person."""

    type: SubjectType
    id: str

    def __str__(self) -> str:
        return f"{self.type}:{self.id}"


@dataclass(frozen=True)
class Enterprise:
    uscc: str
    name: str
    category: str
    district: str | None = None
    licence_no: str | None = None
    licensed_on: date | None = None


@dataclass(frozen=True)
class Person:
    id: str          # opaque id, the only key that leaves the service
    name: str


@dataclass(frozen=True)
class Role:
    person_id: str
    uscc: str
    role: str
    from_: date
    to: date | None = None

    def active_on(self, day: date) -> bool:
        """A role is active on D when from <= D and (to is empty or D <= to)."""
        return self.from_ <= day and (self.to is None or day <= self.to)


@dataclass(frozen=True)
class Record:
    """One entry of a credit file. Revocation and repair are dates, never deletions."""

    id: int
    external_id: str
    subject: SubjectRef
    kind: str
    occurred_on: date
    details: Mapping[str, Any]
    revoked_on: date | None = None
    repaired_on: date | None = None

    @property
    def ends_on(self) -> date | None:
        """The first date on which the record no longer counts (revocation or repair)."""
        ends = [d for d in (self.revoked_on, self.repaired_on) if d is not None]
        return min(ends) if ends else None

    def counts_on(self, as_of: date) -> bool:
        """Known on `as_of` and not yet revoked or repaired."""
        ends = self.ends_on
        return self.occurred_on <= as_of and (ends is None or as_of < ends)


@dataclass(frozen=True)
class PersonFile:
    """What decides whether a person is banned or listed: own records, roles, and the
    penalties of the enterprises in which the person held a role."""

    person_id: str
    records: tuple[Record, ...] = ()
    roles: tuple[Role, ...] = ()
    enterprise_records: tuple[Record, ...] = ()


@dataclass(frozen=True)
class CreditFile:
    """Everything one subject's grade may depend on.

    - `records`: the subject's own records;
    - `roles`: roles in the enterprise (enterprise) or held by the person (person);
    - `persons`: for an enterprise, the file of every person with a role in it; for a
      person, the person's own file (so bans are decided in one place).
    """

    subject: SubjectRef
    records: tuple[Record, ...]
    roles: tuple[Role, ...] = ()
    persons: tuple[PersonFile, ...] = ()
    enterprise: Enterprise | None = None


@dataclass(frozen=True)
class Reason:
    """One rule that fired: its points (negative for deductions), records and legal basis."""

    rule: str
    points: int
    record_ids: tuple[int, ...]
    basis: str
    text: str = ""       # plain words for announcements and the public page


@dataclass(frozen=True)
class Measure:
    code: str
    kind: Literal["restriction", "incentive"]
    context: str
    title: str
    basis: str
    from_: date | None
    until: date | None
    because: tuple[str, ...]


@dataclass(frozen=True)
class HygieneRating:
    rating: Literal["excellent", "good", "fair", "not_rated"]
    score: Decimal | None
    reason: str


@dataclass(frozen=True)
class CreditResult:
    """A grade as of a date, with everything needed to explain and reproduce it."""

    subject: SubjectRef
    as_of: date
    ruleset: str                      # "<id>@<version>"
    score: int
    grade: str
    reasons: tuple[Reason, ...]
    measures: tuple[Measure, ...]
    inspections_per_year: int | None = None
    hygiene_rating: HygieneRating | None = None
    flags: tuple[str, ...] = ()
    listed_until: date | None = None  # on the serious-dishonesty list until (exclusive)
    listing_record_ids: tuple[int, ...] = ()
    banned_until: date | None = None  # None and banned_for_life False: not banned
    banned_for_life: bool = False
    next_change_on: date | None = None  # first later date the result could change by itself
    input_record_ids: tuple[int, ...] = field(default=())


@dataclass(frozen=True)
class Decision:
    """The answer to "restrict or favour this subject in this context?"."""

    subject: SubjectRef
    context: str
    as_of: date
    grade: str
    outcome: Literal["restricted", "normal", "incentivised"]
    measures: tuple[Measure, ...]
    inspections_per_year: int | None = None
    ruleset: str = ""
    # context inspection, enterprises: set by the service, which reads the inspections
    inspection_calendar: InspectionCalendar | None = None


def decide(result: CreditResult, context: str) -> Decision:
    """Derive a context's outcome from a grade: restricted > incentivised > normal."""
    measures = tuple(m for m in result.measures if m.context == context)
    if any(m.kind == "restriction" for m in measures):
        outcome: Literal["restricted", "normal", "incentivised"] = "restricted"
    elif any(m.kind == "incentive" for m in measures):
        outcome = "incentivised"
    else:
        outcome = "normal"
    return Decision(
        subject=result.subject, context=context, as_of=result.as_of, grade=result.grade,
        outcome=outcome, measures=measures,
        inspections_per_year=result.inspections_per_year if context == "inspection" else None,
        ruleset=result.ruleset,
    )
