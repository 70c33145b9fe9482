"""GET /api/v1/objections: the queue, oldest objection deadline first."""

from __future__ import annotations

from datetime import date

from announcement_builders import SUSPENSION, publish_suspension_announcement, result
from api_helpers import problem_of, valid_uscc

from credit_engine.calendars.schedules import official_calendar
from credit_engine.domain.model import SubjectRef
from credit_engine.services.announcements import publish_announcements
from credit_engine.services.objections import file_objection
from credit_engine.storage.models import EnterpriseRow

OTHER = SubjectRef("enterprise", valid_uscc("91310000631234599"))


def _two_objections(container) -> tuple[int, int]:
    """An objection to a later announcement (filed first) and one to an earlier one."""
    with container.transaction() as session:
        early = publish_suspension_announcement(session, date(2026, 3, 2))
        session.add(EnterpriseRow(uscc=OTHER.id, name="另一家", category="retail", district="肃州区"))
        session.flush()
        [late] = publish_announcements(session, OTHER, "B", result(
            "C", date(2026, 4, 1), subject=OTHER, reasons=(SUSPENSION,)), date(2026, 4, 1),
            "tester", calendar=official_calendar())
        later = file_objection(session, late.id, "不服", [], date(2026, 4, 2), "t", date(2026, 4, 2))
        sooner = file_objection(session, early.id, "不服", [7], date(2026, 3, 5), "t",
                                date(2026, 3, 5))
        return sooner.id, later.id


def test_the_queue_lists_the_oldest_deadline_first(client, container, make_key) -> None:
    sooner, later = _two_objections(container)
    office = make_key("reviewer", "announcements:write")
    body = client.get("/api/v1/objections?status=pending", headers=office).get_json()
    assert [o["id"] for o in body["items"]] == [sooner, later]
    assert body["items"][0]["objection_deadline"] == "2026-03-23"
    assert body["items"][1]["district"] == "肃州区"


def test_the_queue_filters_by_status_and_pages(client, container, make_key) -> None:
    sooner, later = _two_objections(container)
    office = make_key("reviewer", "announcements:write")
    assert client.get("/api/v1/objections?status=upheld", headers=office).get_json()["items"] == []
    page = client.get("/api/v1/objections?limit=1", headers=office).get_json()
    assert [o["id"] for o in page["items"]] == [sooner]
    rest = client.get(f"/api/v1/objections?limit=1&cursor={page['next_cursor']}",
                      headers=office).get_json()
    assert [o["id"] for o in rest["items"]] == [later] and rest["next_cursor"] is None


def test_the_queue_needs_announcements_write_and_a_known_status(client, make_key) -> None:
    assert client.get("/api/v1/objections",
                      headers=make_key("r", "records:read")).status_code == 403
    bad = client.get("/api/v1/objections?status=open",
                     headers=make_key("o", "announcements:write"))
    assert "status" in problem_of(bad)["errors"]
