"""docs/domain.md's rules over HTTP: one worked example per rule, window edge, band boundary,
override, cap, measure and frequency, expectations computed by hand from docs/domain.md.

Unless a case says otherwise, enterprise E (retail, licensed 2015) has one compliant
inspection on 2026-01-10 ("insp"), so 100 points is an A and CAP-NO-RECENT-INSPECTION is off.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from credit_engine.config import Settings, fixed_clock

from rules_over_http_harness import CONTEXTS, Case, Expect, R, Runner

AS = "2026-06-15"
ALL_A = {"LIC-GREEN-CHANNEL", "FIN-PRIORITY", "PROC-PREFERRED", "INS-REDUCED"}
ALL_D = {"LIC-STRICT-REVIEW", "FIN-RESTRICT", "HON-BAN", "INS-KEY-SUPERVISION"}
ALL_D_2027 = ALL_D | {"INS-INTERVIEW", "INS-SAMPLING-INCREASED"}  # from 2027-01-01 (ruleset 2027.1)
CONF = R("conf", "penalty", "2026-02-01", measures=["confiscation"])   # 20 points: a base of 80 for bonuses
VALID = "2027-12-31"


def pen(key: str, on: str, *measures: str, **details) -> tuple:
    return R(key, "penalty", on, measures=list(measures), **details)


def ded(rule: str, points: int, *keys: str) -> tuple[str, int, list[str]]:
    return rule, points, list(keys)


def one(name: str, records: list, as_of: str = AS, **expect) -> Case:
    return Case(name, records, [Expect(as_of, **expect)])


def _penalty_case(name: str, measures: list[str], points: int, grade: str, **details) -> Case:
    return one(name, [pen("p", "2026-03-01", *measures, **details)], score=100 - points, grade=grade,
               reasons=[ded("DED-PENALTY", -points, "p")])


DEDUCTIONS = [
    _penalty_case("DED-PENALTY warning deducts 5", ["warning"], 5, "A"),
    _penalty_case("DED-PENALTY circulated_criticism deducts 5", ["circulated_criticism"], 5, "A"),
    _penalty_case("DED-PENALTY fine 10,000 deducts 10", ["fine"], 10, "A", fine_amount=10000),
    _penalty_case("DED-PENALTY fine 10,001 deducts 15", ["fine"], 15, "B", fine_amount=10001),
    _penalty_case("DED-PENALTY fine 100,000 deducts 15", ["fine"], 15, "B", fine_amount=100000),
    _penalty_case("DED-PENALTY fine 100,001 deducts 20", ["fine"], 20, "B", fine_amount=100001),
    _penalty_case("DED-PENALTY confiscation deducts 20", ["confiscation"], 20, "B"),
    _penalty_case("DED-PENALTY employment_restriction deducts 25", ["employment_restriction"], 25, "B"),
    _penalty_case("DED-PENALTY suspension deducts 30", ["suspension"], 30, "C"),
    _penalty_case("DED-PENALTY permit_withdrawal deducts 40", ["permit_withdrawal"], 40, "C"),
    _penalty_case("DED-PENALTY aggravated fine 5,000 deducts 10 + 10", ["fine"], 20, "B",
                  fine_amount=5000, aggravated=True),
    _penalty_case("DED-PENALTY aggravated confiscation deducts 20 + 10", ["confiscation"], 30, "C", aggravated=True),
    _penalty_case("DED-PENALTY heaviest measure of a decision: warning, fine 5,000, confiscation deduct 20",
                  ["warning", "fine", "confiscation"], 20, "B", fine_amount=5000),
    one("DED-PENALTY licence_revocation deducts 60 and OVR-LICENCE-REVOCATION freezes D",
        [pen("p", "2026-03-01", "licence_revocation")], score=40, grade="D",
        reasons=[ded("DED-PENALTY", -60, "p"), ded("OVR-LICENCE-REVOCATION", 0, "p")],
        measures=ALL_D | {"LIC-BAN-5Y"}, until={"LIC-BAN-5Y": "2031-03-01"},
        outcomes=dict.fromkeys(CONTEXTS[:2], "restricted"), inspections_per_year=4),
    one("DED-PENALTY one deduction per violation_id, the heaviest",
        [pen("a", "2026-03-01", "warning", violation_id="V1"), pen("b", "2026-03-05", "confiscation", violation_id="V1"),
         pen("c", "2026-03-06", "warning", violation_id="V2")], score=75, grade="B",
        reasons=[ded("DED-PENALTY", -20, "a", "b"), ded("DED-PENALTY", -5, "c")]),
    Case("DED-INSPECTION-NON-COMPLIANT deducts 10", [R("i", "inspection", "2026-03-01", result="non_compliant")],
         [Expect(AS, score=90, grade="A", reasons=[ded("DED-INSPECTION-NON-COMPLIANT", -10, "i")])], inspected=False),
    Case("DED-INSPECTION-BASICALLY-COMPLIANT deducts 3",
         [R("i", "inspection", "2026-03-01", result="basically_compliant")],
         [Expect(AS, score=97, grade="A", reasons=[ded("DED-INSPECTION-BASICALLY-COMPLIANT", -3, "i")])],
         inspected=False),
    Case("DED-INSPECTION compliant deducts 0", [R("i", "inspection", "2026-03-01", result="compliant")],
         [Expect(AS, score=100, grade="A", reasons=[])], inspected=False),
    Case("DED-INSPECTION-REFUSED deducts 30 instead",
         [R("i", "inspection", "2026-03-01", result="non_compliant", refused=True)],
         [Expect(AS, score=70, grade="C", reasons=[ded("DED-INSPECTION-REFUSED", -30, "i")])], inspected=False),
    *[one(f"{rule} sampling fail at {level} level ({hazard}) deducts {points}",
          [R("s", "sampling", "2026-03-01", result="fail", level=level, hazard=hazard)],
          score=100 - points, reasons=[ded(rule, -points, "s")])
      for rule, level, hazard, points in [
          ("DED-SAMPLING-LOCAL", "city", "microbial", 10), ("DED-SAMPLING-LOCAL", "county", "label", 10),
          ("DED-SAMPLING-HIGH-LEVEL", "provincial", "pesticide_residue", 15),
          ("DED-SAMPLING-HIGH-LEVEL", "national", "heavy_metal", 15),
          ("DED-SAMPLING-ILLEGAL-SUBSTANCE", "county", "illegal_substance", 40),
          ("DED-SAMPLING-ILLEGAL-SUBSTANCE", "national", "illegal_substance", 40)]],
    one("DED-SAMPLING pass deducts 0", [R("s", "sampling", "2026-03-01", result="pass", level="national")],
        score=100, reasons=[]),
    one("DED-SELF-CHECK-LATE deducts 2", [R("s", "self_check", "2026-03-01", period="2026-Q1", status="late")],
        score=98, reasons=[ded("DED-SELF-CHECK-LATE", -2, "s")]),
    one("DED-SELF-CHECK-MISSING deducts 5", [R("s", "self_check", "2026-03-01", period="2026-Q1", status="missing")],
        score=95, reasons=[ded("DED-SELF-CHECK-MISSING", -5, "s")]),
    one("DED-COMPLAINT 2 each, at most 10 (six substantiated, one not)",
        [R(f"c{d}", "complaint", f"2026-02-0{d}", substantiated=True) for d in range(1, 7)]
        + [R("c9", "complaint", "2026-02-09", substantiated=False)], score=90, grade="A",
        sums={"DED-COMPLAINT": -10}),
    one("DED-INCIDENT-GENERAL deducts 20", [R("x", "incident", "2026-03-01", level="general")], score=80, grade="B",
        reasons=[ded("DED-INCIDENT-GENERAL", -20, "x")]),
]

BONUSES = [
    *[one(f"BON-COMMENDATION-{level.upper()} adds {points}",
          [CONF, R("c", "commendation", "2025-01-01", level=level)], score=80 + points,
          reasons=[ded("DED-PENALTY", -20, "conf"), ded(f"BON-COMMENDATION-{level.upper()}", points, "c")])
      for level, points in [("national", 10), ("provincial", 5), ("city", 3), ("county", 2)]],
    one("BON-CERTIFICATION 3 per scheme (HACCP, ISO22000, green_food)",
        [CONF, *[R(f"c{i}", "certification", "2025-01-01", scheme=s, valid_until=VALID)
                 for i, s in enumerate(["HACCP", "ISO22000", "green_food"])]], score=89, grade="B",
        reasons=[ded("DED-PENALTY", -20, "conf"), ded("BON-CERTIFICATION", 3, "c0"),
                 ded("BON-CERTIFICATION", 3, "c1"), ded("BON-CERTIFICATION", 3, "c2")]),
    one("BON-CERTIFICATION organic adds 3",
        [CONF, R("c", "certification", "2025-01-01", scheme="organic", valid_until=VALID)], score=83),
    one("BON-INSURANCE adds 3", [CONF, R("i", "insurance", "2025-01-01", valid_until=VALID)], score=83,
        reasons=[ded("DED-PENALTY", -20, "conf"), ded("BON-INSURANCE", 3, "i")]),
    one("BON-PRACTICE 2 per practice (open_kitchen, traceability)",
        [CONF, R("o", "practice", "2025-01-01", practice="open_kitchen", valid_until=VALID),
         R("t", "practice", "2025-01-01", practice="traceability", valid_until=VALID)], score=84,
        reasons=[ded("DED-PENALTY", -20, "conf"), ded("BON-PRACTICE", 2, "o"), ded("BON-PRACTICE", 2, "t")]),
    one("BONUS cap 10 in total (national 10 + HACCP 3 adds 10)",
        [CONF, R("c", "commendation", "2025-01-01", level="national"),
         R("h", "certification", "2025-01-01", scheme="HACCP", valid_until=VALID)], score=90, grade="A",
        sums={"BON-COMMENDATION-NATIONAL": 10, "BON-CERTIFICATION": 0}),
    one("BONUS none under a D override (relatively_large incident)",
        [R("x", "incident", "2026-01-01", level="relatively_large"), R("c", "commendation", "2025-01-01", level="city")],
        score=100, grade="D", reasons=[ded("OVR-MAJOR-INCIDENT", 0, "x")], measures=ALL_D),
    one("SCORE clamped at 100", [R("c", "commendation", "2025-01-01", level="national")], score=100, grade="A",
        reasons=[ded("BON-COMMENDATION-NATIONAL", 10, "c")]),
    one("SCORE clamped at 0", [pen("a", "2026-01-01", "licence_revocation"), pen("b", "2026-01-02", "licence_revocation")],
        score=0, grade="D"),
]


def _band(score: int, grade: str, records: list) -> Case:
    return Case(f"BAND score {score} is {grade}", records, [Expect(AS, score=score, grade=grade)])


BANDS = [
    _band(90, "A", [pen("p", "2026-03-01", "fine", fine_amount=10000)]),
    _band(89, "B", [R("i2", "inspection", "2026-02-01", result="basically_compliant"),
                    R("i3", "inspection", "2026-03-01", result="basically_compliant"),
                    R("s", "self_check", "2026-03-01", period="2026-Q1", status="missing")]),
    _band(75, "B", [pen("p", "2026-03-01", "employment_restriction")]),
    _band(74, "C", [pen("p", "2026-03-01", "confiscation"), R("i2", "inspection", "2026-02-01", result="basically_compliant"),
                    R("i3", "inspection", "2026-03-01", result="basically_compliant")]),
    _band(60, "C", [pen("p", "2026-03-01", "permit_withdrawal")]),
    _band(59, "D", [pen("p", "2026-03-01", "employment_restriction"),
                    R("i1", "inspection", "2026-02-01", result="non_compliant"),
                    R("i2", "inspection", "2026-02-02", result="basically_compliant"),
                    R("i3", "inspection", "2026-03-01", result="basically_compliant")]),
]


def _edge(name: str, record: tuple, last_day: str, first_day_out: str, score: int, extra: tuple = ()) -> Case:
    base = 100 - (20 if extra else 0)
    return Case(name, [record, *extra], [Expect(last_day, score=score), Expect(first_day_out, score=base)])


WINDOWS = [
    _edge("WINDOW penalty minor (warning) counts 12 months", pen("p", "2025-03-31", "warning"),
          "2026-03-30", "2026-03-31", 95),
    _edge("WINDOW penalty minor (fine 10,000) counts 12 months", pen("p", "2025-03-31", "fine", fine_amount=10000),
          "2026-03-30", "2026-03-31", 90),
    _edge("WINDOW penalty non-minor (fine 10,001) counts 36 months", pen("p", "2023-06-15", "fine", fine_amount=10001),
          "2026-06-14", "2026-06-15", 85),
    _edge("WINDOW penalty aggravated warning stays minor: 12 months", pen("p", "2025-06-15", "warning", aggravated=True),
          "2026-06-14", "2026-06-15", 85),
    _edge("WINDOW inspection counts 12 months", R("i", "inspection", "2025-03-31", result="non_compliant"),
          "2026-03-30", "2026-03-31", 90),
    _edge("WINDOW sampling counts 12 months",
          R("s", "sampling", "2025-03-31", result="fail", level="city", hazard="other"), "2026-03-30", "2026-03-31", 90),
    _edge("WINDOW self_check counts 12 months", R("s", "self_check", "2025-03-31", period="2025-Q1", status="missing"),
          "2026-03-30", "2026-03-31", 95),
    _edge("WINDOW complaint counts 12 months", R("c", "complaint", "2025-03-31", substantiated=True),
          "2026-03-30", "2026-03-31", 98),
    _edge("WINDOW incident counts 36 months", R("x", "incident", "2023-03-31", level="general"),
          "2026-03-30", "2026-03-31", 80),
    _edge("WINDOW commendation counts 36 months", R("c", "commendation", "2023-03-31", level="provincial"),
          "2026-03-30", "2026-03-31", 85, extra=(CONF,)),
    _edge("WINDOW calendar months clamp: 29 Feb 2024 + 12 months = 28 Feb 2025",
          R("i", "inspection", "2024-02-29", result="non_compliant"), "2025-02-27", "2025-02-28", 90,
          extra=()),
    Case("WINDOW validity counts while valid_until >= as_of",
         [CONF, R("c", "certification", "2025-01-01", scheme="HACCP", valid_until="2026-06-15")],
         [Expect("2026-06-15", score=83), Expect("2026-06-16", score=80)]),
]

OVERRIDES_AND_CAPS = [
    Case("OVR-LICENCE-REVOCATION lasts 24 months (LIC-BAN-5Y goes on)", [pen("p", "2024-06-15", "licence_revocation")],
         [Expect("2026-06-14", score=40, grade="D",
                 reasons=[ded("DED-PENALTY", -60, "p"), ded("OVR-LICENCE-REVOCATION", 0, "p")]),
          Expect("2026-06-15", score=40, grade="D", reasons=[ded("DED-PENALTY", -60, "p")],
                 measures=ALL_D | {"LIC-BAN-5Y"}, until={"LIC-BAN-5Y": "2029-06-15"})]),
    Case("OVR-REPEATED-SUSPENSION two suspension decisions within 12 months (one violation)",
         [pen("a", "2025-12-01", "suspension", violation_id="V"), pen("b", "2026-02-01", "suspension", violation_id="V")],
         [Expect("2026-11-30", score=70, grade="D",
                 reasons=[ded("DED-PENALTY", -30, "a", "b"), ded("OVR-REPEATED-SUSPENSION", 0, "a", "b")],
                 measures=ALL_D, inspections_per_year=4),
          Expect("2026-12-01", score=70, grade="C", reasons=[ded("DED-PENALTY", -30, "a", "b")],
                 measures={"HON-BAN"}, inspections_per_year=3)]),
    one("OVR-REPEATED-SUSPENSION not for a single suspension", [pen("a", "2026-02-01", "suspension")],
        score=70, grade="C", reasons=[ded("DED-PENALTY", -30, "a")]),
    *[Case(f"OVR-MAJOR-INCIDENT {level} within 36 months deducts nothing",
           [R("x", "incident", "2023-06-15", level=level)],
           [Expect("2026-06-14", score=100, grade="D", reasons=[ded("OVR-MAJOR-INCIDENT", 0, "x")], measures=ALL_D),
            Expect("2026-06-15", score=100, grade="A", reasons=[])])
      for level in ("relatively_large", "major", "especially_major")],
    Case("CAP-ART134 three violations within 12 months: at most C, LIC-SUSPENSION-REVIEW",
         [pen("f", "2025-06-15", "fine", fine_amount=10001), pen("w1", "2026-01-01", "warning"),
          pen("w2", "2026-01-02", "warning")],
         [Expect("2026-06-14", score=75, grade="C",
                 reasons=[ded("DED-PENALTY", -15, "f"), ded("DED-PENALTY", -5, "w1"), ded("DED-PENALTY", -5, "w2"),
                          ded("CAP-ART134", 0, "f", "w1", "w2")],
                 measures={"LIC-SUSPENSION-REVIEW", "HON-BAN"},
                 outcomes={"licensing": "restricted", "financing": "normal", "honours": "restricted"}),
          Expect("2026-06-15", score=75, grade="B", measures=set(),
                 reasons=[ded("DED-PENALTY", -15, "f"), ded("DED-PENALTY", -5, "w1"), ded("DED-PENALTY", -5, "w2")])]),
    one("CAP-ART134 decisions sharing a violation_id are one violation",
        [pen("a", "2026-01-01", "warning", violation_id="V"), pen("b", "2026-01-02", "warning", violation_id="V"),
         pen("c", "2026-01-03", "warning")], score=90, grade="A",
        reasons=[ded("DED-PENALTY", -5, "a", "b"), ded("DED-PENALTY", -5, "c")]),
    one("CAP-ART134 suspension decisions do not count",
        [pen("a", "2026-01-01", "warning"), pen("b", "2026-01-02", "warning"), pen("c", "2026-01-03", "suspension")],
        score=60, grade="C",
        reasons=[ded("DED-PENALTY", -5, "a"), ded("DED-PENALTY", -5, "b"), ded("DED-PENALTY", -30, "c")]),
    Case("CAP-NO-RECENT-INSPECTION no inspection within 24 months: at most B",
         [R("i", "inspection", "2024-06-15", result="compliant")],
         [Expect("2026-06-14", score=100, grade="A", reasons=[]),
          Expect("2026-06-15", score=100, grade="B", reasons=[ded("CAP-NO-RECENT-INSPECTION", 0)], measures=set(),
                 inspections_per_year=2)], inspected=False),
]

BAN_ROLES = [("P", "E", "legal_representative", "2020-01-01", "2023-06-01"), ("P", "E2", "principal", "2025-01-01", None)]

SANCTIONS = [
    Case("BAN 5 years follows the person: LIC-BAN-5Y on P, OVR-EMPLOYS-BANNED-PERSON and LIC-EMPLOYS-BANNED on E2",
         [pen("rev", "2023-01-01", "licence_revocation"),
          R("e2-insp", "inspection", "2026-11-01", "E2", result="compliant")],
         [Expect("2026-11-15", subject="P", score=100, grade="D", reasons=[ded("OVR-BANNED-PERSON", 0, "rev")],
                 measures=ALL_D | {"LIC-BAN-5Y"},
                 until={"LIC-BAN-5Y": "2028-01-01"}, outcomes={"licensing": "restricted"}),
          Expect("2026-11-15", subject="E2", score=100, grade="D",
                 reasons=[ded("OVR-EMPLOYS-BANNED-PERSON", 0, "rev")], measures=ALL_D | {"LIC-EMPLOYS-BANNED"},
                 until={"LIC-EMPLOYS-BANNED": "2028-01-01"}, outcomes={"licensing": "restricted"},
                 inspections_per_year=4),
          Expect("2027-12-31", subject="P", grade="D"),
          Expect("2028-01-01", subject="P", score=100, grade="A", reasons=[], measures=ALL_A),
          Expect("2028-01-01", subject="E2", score=100, grade="A", reasons=[])],
         enterprises=("E", "E2"), persons=("P",), roles=BAN_ROLES),
    Case("BAN 5 years covers the principal whose role began on the decision date",
         [pen("rev", "2023-01-01", "licence_revocation")],
         [Expect(AS, subject="P", grade="D", reasons=[ded("OVR-BANNED-PERSON", 0, "rev")])],
         persons=("P",), roles=[("P", "E", "principal", "2023-01-01", None)]),
    Case("BAN none for a role that ended the day before the decision",
         [pen("rev", "2023-01-01", "licence_revocation")],
         [Expect(AS, subject="P", score=100, grade="A", reasons=[], measures=ALL_A | {"HON-PRIORITY"})],
         persons=("P",), roles=[("P", "E", "legal_representative", "2020-01-01", "2022-12-31")]),
    Case("BAN none for a food_safety_manager", [pen("rev", "2023-01-01", "licence_revocation")],
         [Expect(AS, subject="P", score=100, grade="A", reasons=[])],
         persons=("P",), roles=[("P", "E", "food_safety_manager", "2020-01-01", None)]),
    Case("BAN life and LIST-CONVICTION: conviction with imprisonment",
         [R("c", "conviction", "2025-01-01", "P", imprisonment=True)],
         [Expect(AS, subject="P", score=100, grade="D",
                 reasons=[ded("OVR-BANNED-PERSON", 0, "c"), ded("OVR-SERIOUS-DISHONESTY-LIST", 0, "c")],
                 measures=ALL_D | {"LIC-BAN-LIFE", "PROC-BAN"}, until={"LIC-BAN-LIFE": None, "PROC-BAN": "2028-01-01"},
                 outcomes={"procurement": "restricted", "licensing": "restricted"}),
          Expect("2028-01-01", subject="P", grade="D", reasons=[ded("OVR-BANNED-PERSON", 0, "c")],
                 measures=ALL_D_2027 | {"LIC-BAN-LIFE"})],
         persons=("P",)),
    Case("LIST-CONVICTION without imprisonment lists for 3 years, no ban",
         [R("c", "conviction", "2025-01-01", "P", imprisonment=False)],
         [Expect("2027-12-31", subject="P", grade="D", reasons=[ded("OVR-SERIOUS-DISHONESTY-LIST", 0, "c")],
                 measures=ALL_D_2027 | {"PROC-BAN"}),
          Expect("2028-01-01", subject="P", score=100, grade="A", reasons=[])],
         persons=("P",)),
    Case("LIST-SERIOUS-PENALTY serious suspension lists 3 years: PROC-BAN, inspections >= 2",
         [pen("p", "2024-02-01", "suspension", serious=True)],
         [Expect("2027-01-31", score=70, grade="D",
                 reasons=[ded("DED-PENALTY", -30, "p"), ded("OVR-SERIOUS-DISHONESTY-LIST", 0, "p")],
                 measures=ALL_D_2027 | {"PROC-BAN"}, until={"PROC-BAN": "2027-02-01"},
                 outcomes={"procurement": "restricted"}, inspections_per_year=4),
          # the listing and the penalty's 36-month window end together
          Expect("2027-02-01", score=100, grade="A", reasons=[], measures=ALL_A,
                 outcomes={"procurement": "incentivised"}, inspections_per_year=1)]),
    *[one(f"LIST-SERIOUS-PENALTY serious {measure} lists", [pen("p", "2026-01-01", measure, serious=True)],
          grade="D", measures=ALL_D | {"PROC-BAN"} | extra)
      for measure, extra in [("licence_revocation", {"LIC-BAN-5Y"}), ("permit_withdrawal", set()),
                             ("employment_restriction", set())]],
    one("LIST-SERIOUS-PENALTY serious aggravated fine lists",
        [pen("p", "2026-01-01", "fine", fine_amount=5000, aggravated=True, serious=True)], score=80, grade="D",
        until={"PROC-BAN": "2029-01-01"}),
    one("LIST-SERIOUS-PENALTY not for a serious aggravated confiscation (no fine)",
        [pen("p", "2026-01-01", "confiscation", aggravated=True, serious=True)], score=70, grade="C",
        measures={"HON-BAN"}),
    Case("LIST voided from the date its penalty is revoked",
         [pen("p", "2026-01-05", "suspension", serious=True)],
         [Expect("2026-04-30", score=70, grade="D", measures=ALL_D | {"PROC-BAN"}),
          Expect("2026-05-01", score=100, grade="A", reasons=[], measures=ALL_A)],
         actions=[("revoke", "p", "2026-05-01")]),
    Case("LIST ends on a credit repair's approval date",
         [R("i0", "inspection", "2025-06-01", result="compliant"),
          pen("p", "2025-01-05", "fine", fine_amount=5000, aggravated=True, serious=True)],
         [Expect("2026-01-04", score=80, grade="D", measures=ALL_D | {"PROC-BAN"}),
          Expect("2026-01-05", score=100, grade="A", reasons=[])],
         actions=[("repair", "p", "2026-01-05")]),
]

A_KEPT = [R("i0", "inspection", "2025-01-10", result="compliant")]   # an A a year earlier too

MEASURES = [
    one("MEASURES grade A kept a year: incentivised in every context, HON-PRIORITY, 1 inspection a year",
        A_KEPT, score=100, grade="A", measures=ALL_A | {"HON-PRIORITY"},
        outcomes=dict.fromkeys(CONTEXTS, "incentivised"), inspections_per_year=1),
    Case("HON-PRIORITY needs an A on the same date one year earlier",
         [*A_KEPT, *[pen(f"w{i}", "2024-06-16", "warning") for i in range(3)]],
         [Expect("2026-06-15", grade="A", measures=ALL_A, outcomes={"honours": "normal"}),
          Expect("2026-06-16", grade="A", measures=ALL_A | {"HON-PRIORITY"}, outcomes={"honours": "incentivised"})]),
    one("MEASURES grade B: normal in every context, 2 inspections a year", [CONF], score=80, grade="B", measures=set(),
        outcomes=dict.fromkeys(CONTEXTS, "normal"), inspections_per_year=2),
    one("MEASURES grade C: HON-BAN restricts honours only, 3 inspections a year",
        [pen("p", "2026-03-01", "permit_withdrawal")], grade="C", measures={"HON-BAN"},
        outcomes={**dict.fromkeys(CONTEXTS, "normal"), "honours": "restricted"}, inspections_per_year=3),
    one("MEASURES grade D: LIC-STRICT-REVIEW, FIN-RESTRICT, HON-BAN, INS-KEY-SUPERVISION, 4 inspections a year",
        [R("x", "incident", "2026-01-01", level="major")], grade="D", measures=ALL_D,
        outcomes={**dict.fromkeys(CONTEXTS, "restricted"), "procurement": "normal"}, inspections_per_year=4),
    Case("LIC-BAN-5Y of the enterprise itself restricts licensing of an A (restriction beats incentive)",
         [R("i0", "inspection", "2025-01-10", result="compliant"), pen("rev", "2022-03-10", "licence_revocation")],
         [Expect("2025-03-10", score=100, grade="A", reasons=[], measures=ALL_A | {"LIC-BAN-5Y"},
                 until={"LIC-BAN-5Y": "2027-03-10"},
                 outcomes={"licensing": "restricted", "financing": "incentivised"}),
          Expect("2027-03-10", grade="A", measures=ALL_A | {"HON-PRIORITY"},
                 outcomes={"licensing": "incentivised"})]),
    Case("INSPECTIONS canteen at least 2 a year even when A", A_KEPT,
         [Expect(AS, grade="A", inspections_per_year=2)], category="canteen"),
]


def _scored(key: str, on: str, points: str, items: int = 10, **details) -> tuple:
    return R(key, "inspection", on, result="compliant", items_checked=items, points_total=float(points), **details)


def _hygiene(name: str, records: list, rating: str, score: str | None, as_of: str = AS, **kw) -> Case:
    return Case(name, records, [Expect(as_of, hygiene=(rating, score))], category="catering", **kw)


HYGIENE = [
    *[_hygiene(f"HYGIENE band: {points}/10 gives {score}: {rating}", [_scored("h", "2026-03-01", points)], rating, score)
      for points, score, rating in [("90", "9.0", "excellent"), ("89.9", "8.9", "good"), ("75", "7.5", "good"),
                                    ("74.9", "7.4", "fair"), ("60", "6.0", "fair"), ("59.9", "5.9", "not_rated")]],
    _hygiene("HYGIENE truncation: 8.999 -> 8.9, mean of 8.9, 9.0, 9.0 = 8.96 -> 8.9 good",
             [_scored("h1", "2026-02-01", "89.99"), _scored("h2", "2026-03-01", "90"), _scored("h3", "2026-04-01", "90")],
             "good", "8.9"),
    _hygiene("HYGIENE key_items_failed 2 is not_rated", [_scored("h", "2026-03-01", "95", key_items_failed=2)],
             "not_rated", "9.5"),
    _hygiene("HYGIENE key_items_failed 1 is still rated", [_scored("h", "2026-03-01", "95", key_items_failed=1)],
             "excellent", "9.5"),
    _hygiene("HYGIENE no scored inspection is not_rated", [], "not_rated", None),
    Case("HYGIENE not_rated within 3 months of licensed_on (31 March + 3 months = 30 June)",
         [_scored("h", "2026-04-15", "95")],
         [Expect("2026-06-29", hygiene=("not_rated", None)), Expect("2026-06-30", hygiene=("excellent", "9.5"))],
         category="catering", licensed_on="2026-03-31"),
    Case("HYGIENE not_rated within 6 months after an incident",
         [_scored("h", "2026-01-01", "95"), R("x", "incident", "2025-12-15", level="general")],
         [Expect("2026-06-14", hygiene=("not_rated", None)), Expect("2026-06-15", hygiene=("excellent", "9.5"))],
         category="catering"),
    Case("HYGIENE only the last 12 months count",
         [_scored("old", "2025-06-15", "50"), _scored("h", "2026-01-01", "95")],
         [Expect("2026-06-14", hygiene=("fair", "7.2")), Expect("2026-06-15", hygiene=("excellent", "9.5"))],
         category="catering"),
    Case("HYGIENE canteen below good is flagged canteen_below_target",
         [_scored("h", "2026-03-01", "74.9")], [Expect(AS, hygiene=("fair", "7.4"), flags=["canteen_below_target"])],
         category="canteen"),
    Case("HYGIENE canteen at good is not flagged",
         [_scored("h", "2026-03-01", "75")], [Expect(AS, hygiene=("good", "7.5"), flags=[])], category="canteen"),
    Case("HYGIENE canteen not rated after its first 3 months is flagged",
         [], [Expect("2026-03-31", flags=[]), Expect("2026-04-01", hygiene=("not_rated", None),
                                                      flags=["canteen_below_target"])],
         category="canteen", licensed_on="2026-01-01"),
]

CASES = [*DEDUCTIONS, *BONUSES, *BANDS, *WINDOWS, *OVERRIDES_AND_CAPS, *SANCTIONS, *MEASURES, *HYGIENE]
XFAIL: dict[str, str] = {}


def _params() -> list:
    return [pytest.param(c, id=c.name, marks=[pytest.mark.xfail(strict=True, reason=XFAIL[c.name])]
                         if c.name in XFAIL else []) for c in CASES]


@pytest.fixture
def settings(database_url: str, data_key_file: Path) -> Settings:
    """The examples look up to 2028-01-01 ahead, and no date after the service's today may be
    asked about: the service's clock stands on a day after all of them."""
    moment = datetime(2028, 6, 1, 12, tzinfo=ZoneInfo("Asia/Shanghai"))
    return Settings(database_url=database_url, data_key_file=data_key_file).replace(
        clock=fixed_clock(moment))


@pytest.fixture
def runner(client, writer, admin, make_key: Callable[..., dict[str, str]]) -> Runner:
    return Runner(client, writer, make_key("rules-officer", "credit:read", "decisions:read"), admin)


def test_case_names_are_unique() -> None:
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", _params())
def test_worked_example_over_http(runner: Runner, case: Case) -> None:
    runner.setup(case)
    for expect in case.expect:
        runner.check(expect)
