"""Runs one worked example of docs/domain.md over HTTP: subjects, roles and records are posted,
then credit and decisions are asked as of dates and compared with hand-computed values.

Records are named by short keys in the table; the harness maps keys to the ids the service
gave them, so expectations name records, never ids read back from the service.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask.testing import FlaskClient

from api_helpers import valid_id_number, valid_uscc

Headers = dict[str, str]
CONTEXTS = ("licensing", "financing", "procurement", "inspection", "honours")
USCCS = {"E": valid_uscc("91620900MA74XQ2P1"), "E2": valid_uscc("91620900MA74XQ2P2")}
ID_NUMBERS = {"P": valid_id_number("62090219800101123")}
ROUTINE_INSPECTION = ("insp", "inspection", "2026-01-10", {"result": "compliant"})


def R(key: str, kind: str, on: str, subject: str = "E", **details: Any) -> tuple[str, str, str, dict[str, Any], str]:
    """A record of the table: key, kind, occurred_on, details, subject key."""
    return key, kind, on, details, subject


@dataclass(frozen=True)
class Expect:
    """What one query as of a date must show. None: not checked."""

    as_of: str
    score: int | None = None
    grade: str | None = None
    # every reason shown, as (rule, points, record keys); 0-point DED-/BON- leftovers of a cap are ignored
    reasons: list[tuple[str, int, list[str]]] | None = None
    sums: dict[str, int] | None = None             # total points per rule (when which record gets them is free)
    measures: set[str] | None = None               # exact set of measure codes
    until: dict[str, str | None] | None = None     # measure code -> its `until`
    outcomes: dict[str, str] | None = None         # context -> outcome (GET /decisions)
    inspections_per_year: int | None = None        # GET /decisions?context=inspection
    hygiene: tuple[str, str | None] | None = None  # (rating, score)
    flags: list[str] | None = None
    subject: str = "E"


@dataclass(frozen=True)
class Case:
    name: str
    records: list[tuple[str, str, str, dict[str, Any], str]]
    expect: list[Expect]
    category: str = "retail"
    licensed_on: str | None = "2015-01-01"
    inspected: bool = True                           # add ROUTINE_INSPECTION to E
    roles: list[tuple[str, str, str, str, str | None]] = field(default_factory=list)  # person, ent, role, from, to
    enterprises: tuple[str, ...] = ("E",)
    persons: tuple[str, ...] = ()
    actions: list[tuple[str, str, str]] = field(default_factory=list)   # ("revoke" | "repair", key, date)


class Runner:
    """Posts a case through the API and checks its expectations."""

    def __init__(self, client: FlaskClient, writer: Headers, officer: Headers, admin: Headers) -> None:
        self.client, self.writer, self.officer, self.admin = client, writer, officer, admin
        self.subject_ids: dict[str, str] = dict(USCCS)
        self.ids: dict[str, int] = {}

    def _ok(self, response: Any, *codes: int) -> dict[str, Any]:
        assert response.status_code in codes, (response.status_code, response.get_json())
        return response.get_json()

    def setup(self, case: Case) -> None:
        for key in case.enterprises:
            body = {"name": f"测试企业{key}", "category": case.category if key == "E" else "retail"}
            if case.licensed_on:
                body["licensed_on"] = case.licensed_on
            self._ok(self.client.put(f"/api/v1/enterprises/{USCCS[key]}", headers=self.writer, json=body), 201)
        for key in case.persons:
            body = self._ok(self.client.post("/api/v1/persons", headers=self.writer,
                                             json={"id_number": ID_NUMBERS[key], "name": "张三"}), 201)
            self.subject_ids[key] = str(body["id"])
        for person, ent, role, start, end in case.roles:
            self._ok(self.client.put(f"/api/v1/enterprises/{USCCS[ent]}/roles/{self.subject_ids[person]}",
                                     headers=self.writer, json={"role": role, "from": start, "to": end}), 200, 201)
        records = list(case.records)
        if case.inspected:
            records.insert(0, (*ROUTINE_INSPECTION, "E"))
        self._post(records)
        for action, key, day in case.actions:
            self._act(action, key, day)

    def _post(self, records: list[tuple[str, str, str, dict[str, Any], str]]) -> None:
        body = {"records": [
            {"external_id": key, "subject": {"type": "person" if subject.startswith("P") else "enterprise",
                                             "id": self.subject_ids[subject]},
             "kind": kind, "occurred_on": on, "details": _complete(kind, on, details)}
            for key, kind, on, details, subject in records]}
        answer = self._ok(self.client.post("/api/v1/records", headers=self.writer, json=body), 201)
        self.ids.update({r["external_id"]: r["id"] for r in answer["records"]})

    def _act(self, action: str, key: str, day: str) -> None:
        if action == "revoke":
            self._ok(self.client.post(f"/api/v1/records/{self.ids[key]}/revoke", headers=self.writer,
                                      json={"reason": "overturned on appeal", "revoked_on": day}), 200, 201)
        else:
            self._ok(self.client.post("/api/v1/repairs", headers=self.admin,
                                      json={"record_id": self.ids[key], "approved_on": day, "note": "n"}), 201)

    def check(self, expect: Expect) -> None:
        subject_type = "person" if expect.subject.startswith("P") else "enterprise"
        subject_id = self.subject_ids[expect.subject]
        path = f"/api/v1/persons/{subject_id}/credit" if subject_type == "person" \
            else f"/api/v1/enterprises/{subject_id}/credit"
        body = self._ok(self.client.get(f"{path}?as_of={expect.as_of}", headers=self.officer), 200)
        where = f"{expect.subject} as of {expect.as_of}"
        if expect.score is not None:
            assert body["score"] == expect.score, (where, body["score"], body["reasons"])
        if expect.grade is not None:
            assert body["grade"] == expect.grade, (where, body["grade"], body["reasons"])
        self._check_reasons(body["reasons"], expect, where)
        codes = {m["code"]: m for m in body["measures"]}
        if expect.measures is not None:
            assert set(codes) == expect.measures, where
        for code, until in (expect.until or {}).items():
            assert codes[code]["until"] == until, (where, code, codes[code])
        if expect.hygiene is not None:
            rating = body["hygiene_rating"]
            assert (rating["rating"], rating["score"]) == expect.hygiene, (where, rating)
        if expect.flags is not None:
            assert body["flags"] == expect.flags, where
        self._check_decisions(subject_type, subject_id, body, expect, where)

    def _check_reasons(self, reasons: list[dict[str, Any]], expect: Expect, where: str) -> None:
        if expect.reasons is not None:
            shown = sorted((r["rule"], r["points"], sorted(r["record_ids"])) for r in reasons
                           if r["points"] or not r["rule"].startswith(("DED-", "BON-")))
            wanted = sorted((rule, points, sorted(self.ids[k] for k in keys)) for rule, points, keys in expect.reasons)
            assert shown == wanted, (where, shown, wanted)
        for rule, total in (expect.sums or {}).items():
            assert sum(r["points"] for r in reasons if r["rule"] == rule) == total, (where, rule, reasons)

    def _check_decisions(self, subject_type: str, subject_id: str, credit: dict[str, Any], expect: Expect,
                         where: str) -> None:
        contexts = dict(expect.outcomes or {})
        if expect.inspections_per_year is not None:
            contexts.setdefault("inspection", "")
        for context, outcome in contexts.items():
            url = (f"/api/v1/decisions?subject_type={subject_type}&subject_id={subject_id}"
                   f"&context={context}&as_of={expect.as_of}")
            decision = self._ok(self.client.get(url, headers=self.officer), 200)
            assert decision["grade"] == credit["grade"], where
            # the decision's measures are the credit's measures of that context
            assert [m["code"] for m in decision["measures"]] == \
                [m["code"] for m in credit["measures"] if m["context"] == context], (where, context)
            if outcome:
                assert decision["outcome"] == outcome, (where, context, decision)
            if context == "inspection" and expect.inspections_per_year is not None:
                assert decision["inspections_per_year"] == expect.inspections_per_year, (where, decision)


def _complete(kind: str, on: str, details: dict[str, Any]) -> dict[str, Any]:
    """Fill in the details every record of a kind needs, so the table shows only what matters."""
    defaults: dict[str, dict[str, Any]] = {
        "penalty": {"decision_no": f"酒市监罚〔{on}〕号"},
        "inspection": {"key_items_failed": 0, "general_items_failed": 0, "refused": False},
        "sampling": {"product": "面粉"},
        "conviction": {"case_no": "(2025)甘09刑初1号"},
        "commendation": {"title": "食品安全示范单位"},
        "insurance": {"policy_no": "PICC-1"},
    }
    return {**defaults.get(kind, {}), **details}
