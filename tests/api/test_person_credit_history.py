"""GET /api/v1/persons/{id}/credit/history, like the enterprise one."""

from __future__ import annotations

from api_helpers import problem_of


def test_a_persons_history_lists_every_stored_grade_oldest_first(
        client, admin, make_key, person) -> None:
    officer = make_key("credit-officer", "credit:read")
    subjects = [{"type": "person", "id": person}]
    for day in ("2026-10-01", "2026-09-01"):
        response = client.post("/api/v1/regrade", headers=admin,
                               json={"subjects": subjects, "as_of": day})
        assert response.status_code == 200, response.get_json()
    body = client.get(f"/api/v1/persons/{person}/credit/history", headers=officer).get_json()
    assert body["subject"] == {"type": "person", "id": person}
    assert [h["as_of"] for h in body["items"]] == ["2026-09-01", "2026-10-01"]
    assert all(h["subject"]["id"] == person for h in body["items"])


def test_an_unknown_persons_history_is_404(client, make_key, person) -> None:
    officer = make_key("credit-officer", "credit:read")
    response = client.get("/api/v1/persons/nobody-known/credit/history", headers=officer)
    assert problem_of(response)["status"] == 404


def test_a_persons_history_needs_credit_read(client, writer, person) -> None:
    assert client.get(f"/api/v1/persons/{person}/credit/history",
                      headers=writer).status_code == 403
