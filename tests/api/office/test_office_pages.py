"""The today, search, subject and users pages: what they show, to whom, and what they do."""

from __future__ import annotations

import pytest
from api_helpers import audit_entries
from flask import Flask
from flask.testing import FlaskClient
from office_helpers import create_staff, login, post_form
from public_population import Population, populate
from sqlalchemy import select

from credit_engine.bootstrap import Container
from credit_engine.services.objections import file_objection
from credit_engine.storage.models import AnnouncementRow


@pytest.fixture
def town(container: Container) -> Population:
    today = container.settings.today()
    with container.transaction() as session:
        population = populate(session, today)
        wok_announcement = session.scalar(select(AnnouncementRow.id).where(
            AnnouncementRow.subject_id == population.wok))
        assert wok_announcement is not None
        file_objection(session, wok_announcement, "处罚已被撤销", [], today, "test", today)
    return population


def _page(client: FlaskClient, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, response.get_data(as_text=True)[:300]
    return response.get_data(as_text=True)


def test_today_lists_a_pending_objection_red_when_three_working_days_or_fewer_are_left(
        client: FlaskClient, container: Container, town: Population) -> None:
    # populate() publishes 20 days ago: the 15-working-day deadline is a day or two away
    create_staff(container, "li.clerk", "clerk")
    login(client, "li.clerk")
    html = _page(client, "/office/today")
    assert town.wok in html
    assert 'class="due-soon"' in html and "即将到期" in html


def test_today_of_a_district_bound_user_leaves_out_other_districts(
        client: FlaskClient, container: Container, town: Population) -> None:
    create_staff(container, "xu.clerk", "clerk", district="徐汇区")
    login(client, "xu.clerk")
    assert town.wok not in _page(client, "/office/today")


def test_search_filters_by_grade_and_category_and_finds_a_person_by_id_number(
        client: FlaskClient, container: Container, town: Population) -> None:
    create_staff(container, "li.clerk", "clerk")
    login(client, "li.clerk")
    html = _page(client, "/office/search?grade=D")
    assert "金锅餐饮有限公司" in html and "麦香食品商店" not in html
    html = _page(client, "/office/search?category=canteen")
    assert "第一实验小学食堂" in html and "金锅餐饮有限公司" not in html
    found = post_form(client, "/office/search/person", {"id_number": town.listed.id_number})
    assert found.status_code == 200
    html = found.get_data(as_text=True)
    assert "王大明" in html
    assert town.listed.id_number not in html  # masked for a clerk
    assert town.listed.id_number[:6] + "********" in html


def test_an_admin_sees_the_id_number_unmasked(client: FlaskClient, container: Container,
                                             town: Population) -> None:
    create_staff(container, "wang.admin", "admin")
    login(client, "wang.admin")
    html = _page(client, f"/office/subjects/person/{town.listed.opaque_id}")
    assert town.listed.id_number in html


def test_a_bad_search_field_is_422_naming_it(client: FlaskClient, container: Container) -> None:
    create_staff(container, "li.clerk", "clerk")
    login(client, "li.clerk")
    assert "grade" in _page(client, "/office/search?grade=Z", 422)
    assert "id_number" in _page(client, "/office/search?id_number=1", 422)  # never in a URL


def test_the_subject_page_shows_grade_history_records_roles_and_announcements(
        client: FlaskClient, container: Container, town: Population) -> None:
    create_staff(container, "li.clerk", "clerk")
    login(client, "li.clerk")
    html = _page(client, f"/office/subjects/enterprise/{town.wok}")
    for shown in ("金锅餐饮有限公司", "等级历史", "限制融资授信", "主要负责人", "处罚已被撤销"):
        assert shown in html, shown
    person = _page(client, f"/office/subjects/person/{town.listed.opaque_id}")
    assert "记录 501" in person and town.listed.id_number not in person
    assert "撤销此记录" not in person  # a clerk may not revoke
    _page(client, "/office/subjects/enterprise/913100000000000000", 404)


def test_a_supervisor_revokes_a_record_through_the_records_service(
        client: FlaskClient, container: Container, town: Population) -> None:
    create_staff(container, "zhao", "supervisor")
    login(client, "zhao")
    page = f"/office/subjects/person/{town.listed.opaque_id}"
    assert "撤销此记录" in _page(client, page)
    response = post_form(client, f"{page}/records/501/revoke", {"reason": "判决被撤销"})
    assert response.status_code == 303
    assert "已于" in _page(client, page)
    [entry] = audit_entries(container, "record.revoked")
    assert entry.actor == "user:zhao"
    refused = post_form(client, f"{page}/records/501/revoke", {"reason": ""})
    assert refused.status_code == 303  # back to the page with the field named
    assert "reason" in _page(client, page)


def test_an_admin_creates_disables_and_resets_accounts(client: FlaskClient,
                                                      container: Container, app: Flask) -> None:
    create_staff(container, "wang.admin", "admin")
    login(client, "wang.admin")
    created = post_form(client, "/office/users", {"username": "li.clerk", "role": "clerk",
                                                  "district": "黄浦区", "password": ""})
    assert created.status_code == 201
    html = created.get_data(as_text=True)
    password = html.split('<code class="secret">')[1].split("</code>")[0]
    other = app.test_client()
    assert login(other, "li.clerk", password).status_code == 303
    bad = post_form(client, "/office/users", {"username": "X Y", "role": "clerk",
                                              "password": "short"})
    assert bad.status_code == 422
    assert "用户名" in bad.get_data(as_text=True) and "密码" in bad.get_data(as_text=True)
    reset = post_form(client, "/office/users/li.clerk/reset-password", {})
    assert reset.status_code == 200 and password not in reset.get_data(as_text=True)
    assert other.get("/office/today").status_code == 302  # the reset ended its session
    assert [e.actor for e in audit_entries(container, "staff.create")][-1] == "user:wang.admin"
    assert [e.actor for e in audit_entries(container, "staff.reset_password")] == \
        ["user:wang.admin"]


def test_today_shows_last_nights_run_and_the_subjects_it_could_not_grade(
        client: FlaskClient, container: Container, town: Population) -> None:
    from credit_engine.storage.models import JobRunRow, RegradeFailureRow

    with container.transaction() as session:
        run = JobRunRow(job="nightly_regrade", business_date=town.today, mode="dirty",
                        status="completed_with_failures", owner="test", regraded=7)
        session.add(run)
        session.flush()
        session.add(RegradeFailureRow(run_id=run.id, subject_type="enterprise",
                                      subject_id=town.wok, error="record 9: fine_amount too big"))
    create_staff(container, "li.clerk", "clerk")
    login(client, "li.clerk")
    html = _page(client, "/office/today")
    assert "完成，部分失败" in html and "fine_amount too big" in html


def test_a_district_bound_clerk_opens_a_persons_page_persons_having_no_district(
        client: FlaskClient, container: Container, town: Population) -> None:
    create_staff(container, "li.clerk", "clerk", district="黄浦区")
    login(client, "li.clerk")
    html = _page(client, f"/office/subjects/person/{town.listed.opaque_id}")
    assert "王大明" in html and town.listed.id_number not in html
