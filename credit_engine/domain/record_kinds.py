"""The record kinds, in one table: per kind the subjects it may concern, its detail fields
with their types and bounds, the cross-field checks of its details, the `windows` entries
of a ruleset it is counted by (or validity), and the facts it yields to the rules.

Everything that differs by kind is derived from here: the details schemas of input
validation (credit_engine/validation/details.py), the fact catalogue of the condition
language (credit_engine/rules/conditions.py), the facts of a record
(credit_engine/domain/facts.py), the ruleset file's windows (credit_engine/rules/) and
the population generator. Adding a kind means an entry here, its rules in a ruleset,
and tests (tests/domain/test_record_kinds.py checks that nothing else lists kinds).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal, Mapping

FieldType = Literal["text", "choice", "choices", "bool", "count", "number", "amount", "date",
                    "quarter"]

PENALTY_MEASURES = (
    "warning", "circulated_criticism", "fine", "confiscation", "suspension",
    "permit_withdrawal", "licence_revocation", "employment_restriction",
)
INSPECTION_RESULTS = ("compliant", "basically_compliant", "non_compliant")
SAMPLING_RESULTS = ("pass", "fail")
LEVELS = ("national", "provincial", "city", "county")
HAZARDS = ("illegal_substance", "additive_overuse", "pesticide_residue", "veterinary_residue",
           "microbial", "heavy_metal", "label", "other")
SELF_CHECK_STATUSES = ("on_time", "late", "missing")
INCIDENT_LEVELS = ("especially_major", "major", "relatively_large", "general")
CERTIFICATION_SCHEMES = ("HACCP", "ISO22000", "green_food", "organic")
PRACTICES = ("open_kitchen", "traceability", "transparent_workshop", "sunshine_warehouse")

MAX_FINE_AMOUNT = Decimal("10000000000")  # yuan; a fine is > 0 and at most this, in fen
MAX_ITEMS = 10_000  # items of one inspection: checked, failed
MAX_REFERENCE = 128  # characters of a decision, case, policy or violation number
MAX_TITLE = 200  # characters of a product name or an honour's title
MAX_POINTS_PER_ITEM = 10  # the quantified grading scores each item out of 10
MAX_TRAINING_HOURS = 400  # hours of training one record may report
FIRST_YEAR, LAST_YEAR = 2000, 2100  # calendar years a record may name (training)

# The kinds that have behaviour of their own elsewhere (fines and bans, hygiene ratings):
# code names them through these constants, never by their string.
PENALTY, INSPECTION, INCIDENT = "penalty", "inspection", "incident"
INSURANCE, PRACTICE = "insurance", "practice"

SUBJECT_TYPES = ("enterprise", "person")
ENTERPRISE = ("enterprise",)


@dataclass(frozen=True)
class DetailField:
    """One field of a kind's `details`: its type and bounds as input is held to them.

    Absent, a `required` field is an error, a field with a `default` takes it, any other
    may be absent or null. `minimum`/`maximum` bound counts and numbers, `max_length`
    text; `choices` are the allowed strings of a choice (or of each item of a list).
    """

    name: str
    type: FieldType
    choices: tuple[str, ...] = ()
    minimum: int | None = None
    maximum: int | Decimal | None = None
    max_length: int | None = None
    required: bool = False
    default: Any = None
    description: str | None = None
    minimum_exclusive: bool = False  # a number must be greater than `minimum`, not equal


@dataclass(frozen=True)
class GivenWhen:
    """`field` is given exactly when `on` is (or, for a list, includes) `value`."""

    field: str
    on: str
    value: str
    phrase: str  # how the condition reads in a message: "result is fail"

    def conflict(self, details: Mapping[str, Any]) -> tuple[str, str] | None:
        """The field and message of the broken half of the rule, or None."""
        decided = details.get(self.on, ())
        holds = self.value in decided if isinstance(decided, (list, tuple)) else decided == self.value
        given = details.get(self.field) is not None
        if holds and not given:
            return self.field, f"Required when {self.phrase}."
        if given and not holds:
            return self.field, f"Only allowed when {self.phrase}."
        return None


@dataclass(frozen=True)
class GivenTogether:
    """`first` and `second` are both given or both absent."""

    first: str
    second: str

    def conflict(self, details: Mapping[str, Any]) -> tuple[str, str] | None:
        """The missing field of the pair and its message, or None."""
        has_first, has_second = (details.get(f) is not None for f in (self.first, self.second))
        if has_first and not has_second:
            return self.second, f"Required when {self.first} is given."
        if has_second and not has_first:
            return self.first, f"Required when {self.second} is given."
        return None


@dataclass(frozen=True)
class FactField:
    """A field of the fact a record yields: a type (bool, int, float, str) or a tuple of
    the allowed strings, and the value taken when the detail is absent."""

    name: str
    type: Any
    default: Any = None


@dataclass(frozen=True)
class RecordKind:
    """One kind of record (docs/domain.md, the records table)."""

    name: str
    subject_types: tuple[str, ...]
    fields: tuple[DetailField, ...]
    facts: tuple[FactField, ...] = ()
    checks: tuple[GivenWhen | GivenTogether, ...] = ()
    windows: tuple[str, ...] = ()  # the ruleset's `windows` entries that count this kind
    window_required: bool = True   # whether every ruleset must name its windows
    validity: bool = False         # counts while details.valid_until is on or after the date
    derived_facts: bool = False    # facts computed from several details, not copied one by one
    year_field: str | None = None  # a detail holding a calendar year: the fact `years_ago` is
                                   # the as-of year minus it (2026 as of any day of 2027: 1)

    def detail_conflict(self, details: Mapping[str, Any]) -> tuple[str, str] | None:
        """The first cross-field check `details` break: (field, message), or None."""
        for check in self.checks:
            found = check.conflict(details)
            if found:
                return found
        return None


def _ref(name: str) -> DetailField:
    return DetailField(name, "text", max_length=MAX_REFERENCE)


def _flag(name: str) -> DetailField:
    return DetailField(name, "bool", default=False)


def _valid_until() -> DetailField:
    return DetailField("valid_until", "date", required=True)


_KINDS = (
    RecordKind(
        PENALTY, SUBJECT_TYPES,
        (_ref("decision_no"),
         DetailField("measures", "choices", PENALTY_MEASURES, minimum=1,
                     maximum=len(PENALTY_MEASURES), required=True),
         DetailField("fine_amount", "amount", maximum=MAX_FINE_AMOUNT,
                     description="Yuan, at most two decimals."),
         _flag("aggravated"), _flag("serious"), _ref("violation_id")),
        (FactField("measure_points", int), FactField("heaviest_measure", PENALTY_MEASURES),
         FactField("minor", bool), FactField("aggravated", bool), FactField("serious", bool),
         FactField("fine_amount", float), FactField("violation", str),
         *(FactField(f"has_{m}", bool) for m in PENALTY_MEASURES)),
        checks=(GivenWhen("fine_amount", "measures", "fine", "measures include fine"),),
        windows=("penalty_minor", "penalty"), derived_facts=True),
    RecordKind(
        INSPECTION, ENTERPRISE,
        (DetailField("result", "choice", INSPECTION_RESULTS, required=True),
         DetailField("key_items_failed", "count", minimum=0, maximum=MAX_ITEMS, default=0),
         DetailField("general_items_failed", "count", minimum=0, maximum=MAX_ITEMS, default=0),
         _flag("refused"),
         DetailField("items_checked", "count", minimum=1, maximum=MAX_ITEMS),
         DetailField("points_total", "number", minimum=0,
                     maximum=MAX_POINTS_PER_ITEM * MAX_ITEMS)),
        (FactField("result", INSPECTION_RESULTS, "compliant"), FactField("refused", bool, False),
         FactField("key_items_failed", int, 0), FactField("general_items_failed", int, 0)),
        checks=(GivenTogether("items_checked", "points_total"),),
        windows=("inspection",)),
    RecordKind(
        "sampling", ENTERPRISE,
        (DetailField("result", "choice", SAMPLING_RESULTS, required=True),
         DetailField("level", "choice", LEVELS, required=True),
         DetailField("hazard", "choice", HAZARDS),
         DetailField("product", "text", max_length=MAX_TITLE)),
        (FactField("result", SAMPLING_RESULTS, "pass"), FactField("level", LEVELS, "county"),
         FactField("hazard", HAZARDS, "other")),
        checks=(GivenWhen("hazard", "result", "fail", "result is fail"),),
        windows=("sampling",)),
    RecordKind(
        "self_check", ENTERPRISE,
        (DetailField("period", "quarter", required=True),
         DetailField("status", "choice", SELF_CHECK_STATUSES, required=True)),
        (FactField("status", SELF_CHECK_STATUSES, "on_time"),),
        windows=("self_check",)),
    RecordKind(
        "complaint", SUBJECT_TYPES, (_flag("substantiated"),),
        (FactField("substantiated", bool, False),), windows=("complaint",)),
    RecordKind(
        INCIDENT, SUBJECT_TYPES,
        (DetailField("level", "choice", INCIDENT_LEVELS, required=True),),
        (FactField("level", INCIDENT_LEVELS, "general"),), windows=("incident",)),
    RecordKind(
        "conviction", SUBJECT_TYPES, (_flag("imprisonment"), _ref("case_no")),
        (FactField("imprisonment", bool, False),),
        windows=("conviction",), window_required=False),
    RecordKind(
        "commendation", SUBJECT_TYPES,
        (DetailField("level", "choice", LEVELS, required=True),
         DetailField("title", "text", max_length=MAX_TITLE)),
        (FactField("level", LEVELS, "county"),), windows=("commendation",)),
    RecordKind(
        "certification", ENTERPRISE,
        (DetailField("scheme", "choice", CERTIFICATION_SCHEMES, required=True), _valid_until()),
        (FactField("scheme", CERTIFICATION_SCHEMES, "HACCP"),), validity=True),
    RecordKind(
        "insurance", ENTERPRISE, (_ref("policy_no"), _valid_until()), validity=True),
    RecordKind(
        "practice", ENTERPRISE,
        (DetailField("practice", "choice", PRACTICES, required=True), _valid_until()),
        (FactField("practice", PRACTICES, "traceability"),), validity=True),
    RecordKind(
        "training", ("person",),
        (DetailField("year", "count", minimum=FIRST_YEAR, maximum=LAST_YEAR, required=True,
                     description="The calendar year the training counts for."),
         DetailField("hours", "number", minimum=0, maximum=MAX_TRAINING_HOURS, required=True,
                     minimum_exclusive=True, description="Hours of training, more than 0.")),
        (FactField("year", int, 0), FactField("hours", float, 0.0)),
        windows=("training",), window_required=False, year_field="year"),
)

KINDS: Mapping[str, RecordKind] = {kind.name: kind for kind in _KINDS}
RECORD_KINDS = tuple(KINDS)
ENTERPRISE_ONLY_KINDS = tuple(k.name for k in _KINDS if k.subject_types == ENTERPRISE)
VALIDITY_KINDS = tuple(k.name for k in _KINDS if k.validity)
# Required entries first, then the optional ones (the order error messages list them in).
REQUIRED_WINDOWS = tuple(w for k in _KINDS if k.window_required for w in k.windows)
WINDOW_NAMES = REQUIRED_WINDOWS + tuple(w for k in _KINDS if not k.window_required for w in k.windows)
WINDOW_KINDS: Mapping[str, str] = {w: k.name for k in _KINDS for w in k.windows}

# The code in the external ids of generated records (`JQ-PEN-<uscc>-2026-001`).
EXTERNAL_ID_CODES: Mapping[str, str] = {
    PENALTY: "PEN", INSPECTION: "INS", "sampling": "SMP", "complaint": "CMP", INCIDENT: "INC",
    "conviction": "CNV", "commendation": "COM", "certification": "CER", "insurance": "ISR",
    "practice": "PRC", "self_check": "SCK", "training": "TRN"}
