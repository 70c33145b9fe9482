"""Credit, history, regrade, decisions, inspection plan and repairs over HTTP.

Expectations are worked by hand from docs/domain.md's default ruleset."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from api_helpers import USCC_B, audit_entries, problem_of, valid_uscc

Headers = dict[str, str]


@pytest.fixture
def officer(make_key: Callable[..., Headers]) -> Headers:
    return make_key("credit-officer", "credit:read", "decisions:read")


def _post_records(client: FlaskClient, writer: Headers, uscc: str,
                  records: list[tuple[str, str, str, dict[str, Any]]]) -> list[int]:
    body = {"records": [
        {"external_id": ext, "subject": {"type": "enterprise", "id": uscc}, "kind": kind,
         "occurred_on": day, "details": details}
        for ext, kind, day, details in records]}
    response = client.post("/api/v1/records", headers=writer, json=body)
    assert response.status_code == 201, response.get_json()
    return [r["id"] for r in response.get_json()["records"]]


@pytest.fixture
def good_caterer(client: FlaskClient, writer: Headers, enterprise: str) -> dict[str, Any]:
    """100 - 5 (warning) - 2 (complaint) + 3 (HACCP) = 96 -> A as of 2026-11-01."""
    ids = _post_records(client, writer, enterprise, [
        ("insp-1", "inspection", "2026-03-01", {"result": "compliant", "key_items_failed": 0,
                                                "general_items_failed": 0, "refused": False,
                                                "items_checked": 10, "points_total": 92}),
        ("pen-1", "penalty", "2026-05-10", {"decision_no": "酒市监罚〔2026〕1号",
                                            "measures": ["warning"]}),
        ("cmp-1", "complaint", "2026-06-01", {"substantiated": True}),
        ("cert-1", "certification", "2025-01-01", {"scheme": "HACCP", "valid_until": "2027-12-31"}),
    ])
    return {"uscc": enterprise, "ids": dict(zip(("insp", "pen", "cmp", "cert"), ids))}


def test_credit_as_of_a_date_is_computed_with_reasons_and_hygiene_rating(
        client: FlaskClient, officer: Headers, good_caterer: dict[str, Any]) -> None:
    response = client.get(f"/api/v1/enterprises/{good_caterer['uscc']}/credit?as_of=2026-11-01",
                          headers=officer)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert (body["score"], body["grade"], body["as_of"]) == (96, "A", "2026-11-01")
    assert body["ruleset"] == "jiuquan-food-credit@2026.1"
    points = {r["rule"]: (r["points"], r["record_ids"]) for r in body["reasons"] if r["points"]}
    ids = good_caterer["ids"]
    assert points == {"DED-PENALTY": (-5, [ids["pen"]]), "DED-COMPLAINT": (-2, [ids["cmp"]]),
                      "BON-CERTIFICATION": (3, [ids["cert"]])}
    assert all(r["basis"] for r in body["reasons"])
    assert body["hygiene_rating"]["rating"] == "excellent"
    assert body["hygiene_rating"]["score"] == "9.2"
    codes = {m["code"] for m in body["measures"]}
    assert {"LIC-GREEN-CHANNEL", "FIN-PRIORITY", "PROC-PREFERRED", "INS-REDUCED"} <= codes
    # A one year earlier? As of 2025-11-01 it had no inspection in 24 months: capped at B.
    assert "HON-PRIORITY" not in codes


def test_credit_without_as_of_is_todays_even_after_a_regrade_for_an_earlier_date(
        client: FlaskClient, officer: Headers, admin: Headers, container: Any,
        good_caterer: dict[str, Any]) -> None:
    url = f"/api/v1/enterprises/{good_caterer['uscc']}/credit"
    today = container.settings.today().isoformat()
    computed = client.get(url, headers=officer).get_json()
    assert computed["as_of"] == today
    assert computed == client.get(f"{url}?as_of={today}", headers=officer).get_json()

    response = client.post("/api/v1/regrade", headers=admin, json={
        "subjects": [{"type": "enterprise", "id": good_caterer["uscc"]}], "as_of": "2026-11-01"})
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["regraded"] == 1

    stored = client.get(f"{url}?as_of=2026-11-01", headers=officer).get_json()
    assert (stored["grade"], stored["as_of"], stored["score"]) == ("A", "2026-11-01", 96)
    assert client.get(url, headers=officer).get_json()["as_of"] == today
    history = client.get(url + "/history", headers=officer).get_json()["items"]
    assert [(h["as_of"], h["grade"]) for h in history] == [("2026-11-01", "A")]


def test_regrade_counts_a_changed_grade(client: FlaskClient, admin: Headers, writer: Headers,
                                        good_caterer: dict[str, Any]) -> None:
    subjects = [{"type": "enterprise", "id": good_caterer["uscc"]}]
    client.post("/api/v1/regrade", headers=admin, json={"subjects": subjects, "as_of": "2026-11-01"})
    _post_records(client, writer, good_caterer["uscc"], [
        ("pen-2", "penalty", "2026-11-02", {"measures": ["suspension"]}),
    ])
    body = client.post("/api/v1/regrade", headers=admin,
                       json={"subjects": subjects, "as_of": "2026-11-03"}).get_json()
    assert (body["regraded"], body["changed"]) == (1, 1)


def test_regrade_of_an_unknown_subject_is_422_naming_it(client: FlaskClient, admin: Headers) -> None:
    response = client.post("/api/v1/regrade", headers=admin, json={
        "subjects": [{"type": "enterprise", "id": valid_uscc(USCC_B)}]})
    assert "subjects[0].id" in problem_of(response)["errors"]


def test_regrade_needs_admin(client: FlaskClient, officer: Headers) -> None:
    response = client.post("/api/v1/regrade", headers=officer, json={"all": True})
    assert problem_of(response)["status"] == 403


def test_two_suspensions_in_twelve_months_restrict_licensing_and_financing(
        client: FlaskClient, writer: Headers, officer: Headers, container: Any,
        enterprise: str) -> None:
    _post_records(client, writer, enterprise, [
        ("s1", "penalty", "2026-01-15", {"measures": ["suspension"], "violation_id": "v1"}),
        ("s2", "penalty", "2026-06-15", {"measures": ["suspension"], "violation_id": "v2"}),
    ])
    base = f"/api/v1/decisions?subject_type=enterprise&subject_id={enterprise}&as_of=2026-07-01"
    licensing = client.get(base + "&context=licensing", headers=officer).get_json()
    assert (licensing["grade"], licensing["outcome"]) == ("D", "restricted")
    assert "LIC-STRICT-REVIEW" in {m["code"] for m in licensing["measures"]}
    assert all(m["because"] for m in licensing["measures"])
    financing = client.get(base + "&context=financing", headers=officer).get_json()
    assert [m["code"] for m in financing["measures"]] == ["FIN-RESTRICT"]
    inspection = client.get(base + "&context=inspection", headers=officer).get_json()
    assert inspection["inspections_per_year"] == 4
    assert "inspections_per_year" not in licensing
    entries = audit_entries(container, "decision.query")
    assert [e.actor for e in entries] == ["credit-officer"] * 3


def test_a_never_graded_subject_gets_a_decision_computed_on_the_spot(
        client: FlaskClient, officer: Headers, enterprise: str) -> None:
    response = client.get("/api/v1/decisions?subject_type=enterprise&context=licensing"
                          f"&subject_id={enterprise}", headers=officer)
    assert response.status_code == 200, response.get_json()
    # No records at all: 100 points, but no inspection in 24 months caps it at B.
    assert (response.get_json()["grade"], response.get_json()["outcome"]) == ("B", "normal")


def test_decision_for_an_unknown_subject_is_404(client: FlaskClient, officer: Headers) -> None:
    response = client.get("/api/v1/decisions?subject_type=enterprise&context=licensing"
                          f"&subject_id={valid_uscc(USCC_B)}", headers=officer)
    assert problem_of(response)["status"] == 404


def test_decision_with_an_unknown_context_is_422_naming_it(
        client: FlaskClient, officer: Headers, enterprise: str) -> None:
    response = client.get("/api/v1/decisions?subject_type=enterprise&context=parking"
                          f"&subject_id={enterprise}", headers=officer)
    assert "context" in problem_of(response)["errors"]


def test_revoking_a_penalty_restores_points_from_the_revocation_date(
        client: FlaskClient, writer: Headers, officer: Headers, good_caterer: dict[str, Any]) -> None:
    pen = good_caterer["ids"]["pen"]
    response = client.post(f"/api/v1/records/{pen}/revoke", headers=writer,
                           json={"reason": "overturned on appeal", "revoked_on": "2026-07-01"})
    assert response.status_code == 200, response.get_json()
    url = f"/api/v1/enterprises/{good_caterer['uscc']}/credit?as_of="
    assert client.get(url + "2026-06-30", headers=officer).get_json()["score"] == 96
    # without the warning: 100 - 2 + 3 = 101, clamped to 100
    assert client.get(url + "2026-07-01", headers=officer).get_json()["score"] == 100


def test_repair_of_a_minor_penalty_waits_three_months(
        client: FlaskClient, admin: Headers, officer: Headers, good_caterer: dict[str, Any]) -> None:
    pen = good_caterer["ids"]["pen"]  # a warning decided on 2026-05-10
    early = client.post("/api/v1/repairs", headers=admin,
                        json={"record_id": pen, "approved_on": "2026-08-09", "note": "n"})
    assert "2026-08-10" in problem_of(early)["detail"] and early.status_code == 409
    ok = client.post("/api/v1/repairs", headers=admin,
                     json={"record_id": pen, "approved_on": "2026-08-10", "note": "rectified"})
    assert ok.status_code == 201, ok.get_json()
    url = f"/api/v1/enterprises/{good_caterer['uscc']}/credit?as_of="
    assert client.get(url + "2026-08-09", headers=officer).get_json()["score"] == 96
    assert client.get(url + "2026-08-10", headers=officer).get_json()["score"] == 100  # clamped
    again = client.post("/api/v1/repairs", headers=admin,
                        json={"record_id": pen, "approved_on": "2026-09-01", "note": "n"})
    assert again.status_code == 409


def test_repair_of_a_suspension_is_refused(client: FlaskClient, writer: Headers, admin: Headers,
                                           enterprise: str) -> None:
    [pen] = _post_records(client, writer, enterprise, [
        ("s1", "penalty", "2024-01-15", {"measures": ["suspension"]})])
    response = client.post("/api/v1/repairs", headers=admin,
                           json={"record_id": pen, "approved_on": "2026-01-20", "note": "n"})
    assert "suspension" in problem_of(response)["detail"] and response.status_code == 409


def test_repair_is_refused_after_a_newer_non_minor_penalty(
        client: FlaskClient, writer: Headers, admin: Headers, enterprise: str) -> None:
    first, _ = _post_records(client, writer, enterprise, [
        ("f1", "penalty", "2025-01-15", {"measures": ["fine"], "fine_amount": 50000}),
        ("f2", "penalty", "2025-06-15", {"measures": ["confiscation"]})])
    response = client.post("/api/v1/repairs", headers=admin,
                           json={"record_id": first, "approved_on": "2026-02-01", "note": "n"})
    assert "non-minor penalty" in problem_of(response)["detail"]
    assert response.status_code == 409


def test_inspection_plan_lists_graded_enterprises_with_frequency_and_canteen_flag(
        client: FlaskClient, writer: Headers, admin: Headers, officer: Headers,
        enterprise: str) -> None:
    canteen = valid_uscc(USCC_B)
    client.put(f"/api/v1/enterprises/{canteen}", headers=writer,
               json={"name": "第一中学食堂", "category": "canteen", "district": "肃州区",
                     "licensed_on": "2020-01-01"})
    _post_records(client, writer, canteen, [
        ("c-insp", "inspection", "2026-09-01", {"result": "basically_compliant",
                                                "items_checked": 10, "points_total": 70})])
    client.post("/api/v1/regrade", headers=admin, json={"all": True, "as_of": "2026-10-01"})
    page = client.get("/api/v1/inspection-plan?as_of=2026-10-01&district=肃州区",
                      headers=officer).get_json()
    [item] = page["items"]
    # 100 - 3 = 97, inspected within 24 months: A (1 a year), but a canteen gets at least 2;
    # its hygiene score 7.0 is below good: flagged.
    assert (item["subject"]["id"], item["grade"], item["inspections_per_year"]) == (canteen, "A", 2)
    assert item["flags"] == ["canteen_below_target"]
    everyone = client.get("/api/v1/inspection-plan?as_of=2026-10-01&limit=1", headers=officer)
    assert len(everyone.get_json()["items"]) == 1 and everyone.get_json()["next_cursor"]
    following = client.get("/api/v1/inspection-plan?as_of=2026-10-01&limit=1&cursor="
                           + everyone.get_json()["next_cursor"], headers=officer).get_json()
    assert following["items"][0]["subject"]["id"] > everyone.get_json()["items"][0]["subject"]["id"]


def test_an_inspection_plan_cursor_it_did_not_hand_out_is_422_naming_cursor(
        client: FlaskClient, officer: Headers) -> None:
    response = client.get("/api/v1/inspection-plan?cursor=not-a-position", headers=officer)
    assert response.status_code == 422
    assert "cursor" in problem_of(response)["errors"]


def test_a_misspelt_query_parameter_is_422_naming_it(
        client: FlaskClient, officer: Headers, enterprise: str) -> None:
    response = client.get(f"/api/v1/enterprises/{enterprise}/credit?as_off=2026-01-01",
                          headers=officer)
    assert "as_off" in problem_of(response)["errors"]
