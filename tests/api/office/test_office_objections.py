"""The objections pages: the queue by deadline (red when due soon), the resolve form, roles,
districts, CSRF and audit."""

from __future__ import annotations

import pytest
from api_helpers import audit_entries
from office_helpers import create_staff, csrf_token, login
from public_population import Population, populate
from sqlalchemy import select

from credit_engine.services.objections import file_objection
from credit_engine.storage.models import AnnouncementRow, ObjectionRow


@pytest.fixture
def town(container) -> tuple[Population, int]:
    today = container.settings.today()
    with container.transaction() as session:
        population = populate(session, today)
        announcement = session.scalar(select(AnnouncementRow.id).where(
            AnnouncementRow.subject_id == population.wok))
        objection = file_objection(session, announcement, "处罚决定已被复议撤销", [], today,
                                   "test", today)
    return population, objection.id


def _as(client, container, username, role, district=None):
    create_staff(container, username, role, district)
    assert login(client, username).status_code in (302, 303)
    return client


def test_a_clerk_gets_the_403_page_and_sees_no_navigation_entry(client, container,
                                                                 town) -> None:
    _as(client, container, "li.clerk", "clerk")
    assert client.get("/office/objections").status_code == 403
    assert client.get(f"/office/objections/{town[1]}").status_code == 403
    assert "异议处理" not in client.get("/office/today").get_data(as_text=True)


def test_the_queue_lists_a_pending_objection_red_near_its_deadline(client, container,
                                                                   town) -> None:
    _as(client, container, "zhao.review", "reviewer")
    html = client.get("/office/objections").get_data(as_text=True)
    assert town[0].wok in html and 'class="due-soon"' in html and "即将到期" in html
    assert f'href="/office/objections/{town[1]}"' in html


def test_a_reviewer_rejects_an_objection_with_a_note_audited_as_the_user(client, container,
                                                                         town) -> None:
    _as(client, container, "zhao.review", "reviewer")
    page = client.get(f"/office/objections/{town[1]}").get_data(as_text=True)
    assert 'name="csrf_token"' in page and "处罚决定已被复议撤销" in page
    token = csrf_token(client, f"/office/objections/{town[1]}")
    response = client.post(f"/office/objections/{town[1]}/resolve", data={
        "csrf_token": token, "upheld": "no", "note": "复议决定维持原处罚"})
    assert response.status_code == 303
    with container.session_factory() as session:
        row = session.get(ObjectionRow, town[1])
        assert (row.status, row.resolution_note) == ("rejected", "复议决定维持原处罚")
    [entry] = audit_entries(container, "objection.resolve")
    assert entry.actor == "user:zhao.review" and entry.payload["upheld"] is False


def test_a_resolve_without_a_choice_is_422_in_chinese_and_changes_nothing(client, container,
                                                                          town) -> None:
    _as(client, container, "zhao.review", "reviewer")
    token = csrf_token(client, f"/office/objections/{town[1]}")
    response = client.post(f"/office/objections/{town[1]}/resolve",
                           data={"csrf_token": token, "note": "x"})
    assert response.status_code == 422 and "必填" in response.get_data(as_text=True)
    with container.session_factory() as session:
        assert session.get(ObjectionRow, town[1]).status == "pending"
    assert audit_entries(container, "objection.resolve") == []


def test_a_resolve_without_the_csrf_token_is_400(client, container, town) -> None:
    _as(client, container, "zhao.review", "reviewer")
    response = client.post(f"/office/objections/{town[1]}/resolve", data={"upheld": "no"})
    assert response.status_code == 400


def test_a_reviewer_of_another_district_neither_sees_nor_resolves_it(client, container,
                                                                     town) -> None:
    _as(client, container, "xu.review", "reviewer", district="徐汇区")
    assert town[0].wok not in client.get("/office/objections").get_data(as_text=True)
    assert client.get(f"/office/objections/{town[1]}").status_code == 403
    token = csrf_token(client, "/office/objections")
    response = client.post(f"/office/objections/{town[1]}/resolve",
                           data={"csrf_token": token, "upheld": "no"})
    assert response.status_code == 403
    with container.session_factory() as session:
        assert session.get(ObjectionRow, town[1]).status == "pending"
