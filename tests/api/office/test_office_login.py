"""Logging in and out of the workbench, the lockout and the idle expiry."""

from __future__ import annotations

from api_helpers import audit_entries
from flask.testing import FlaskClient
from office_helpers import DEFAULT_PASSWORD, create_staff, csrf_token, login, post_form

from credit_engine.bootstrap import Container


def test_a_clerk_logs_in_and_lands_on_the_today_page(client: FlaskClient,
                                                     container: Container) -> None:
    create_staff(container, "li.clerk", "clerk", district="黄浦区")
    response = login(client, "li.clerk")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/office/today")
    page = client.get("/office/today")
    assert page.status_code == 200
    assert "li.clerk" in page.get_data(as_text=True)
    [entry] = audit_entries(container, "staff.login")
    assert entry.actor == "user:li.clerk"


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(
        client: FlaskClient, container: Container) -> None:
    create_staff(container, "li.clerk", "clerk")
    for username in ("li.clerk", "nobody"):
        response = login(client, username, "not the password at all")
        assert response.status_code == 401
        assert "用户名或密码不正确" in response.get_data(as_text=True)
    assert client.get("/office/today").status_code == 302


def test_five_failures_in_fifteen_minutes_lock_the_account_even_for_the_right_password(
        client: FlaskClient, container: Container, clock: object) -> None:
    create_staff(container, "li.clerk", "clerk")
    for _ in range(5):
        assert login(client, "li.clerk", "wrong password!!").status_code == 401
        clock.advance(minutes=2)  # type: ignore[attr-defined]
    locked = login(client, "li.clerk", DEFAULT_PASSWORD)
    assert locked.status_code == 429
    assert "锁定" in locked.get_data(as_text=True)
    assert [e.actor for e in audit_entries(container, "staff.lockout")] == ["user:li.clerk"]
    clock.advance(minutes=8)  # type: ignore[attr-defined]  # the first failure is 16 min old
    assert login(client, "li.clerk", DEFAULT_PASSWORD).status_code == 303


def test_failures_spread_over_more_than_fifteen_minutes_do_not_lock(
        client: FlaskClient, container: Container, clock: object) -> None:
    create_staff(container, "li.clerk", "clerk")
    for _ in range(5):
        login(client, "li.clerk", "wrong password!!")
        clock.advance(minutes=4)  # type: ignore[attr-defined]
    assert login(client, "li.clerk", DEFAULT_PASSWORD).status_code == 303


def test_a_session_ends_after_eight_idle_hours_but_not_while_in_use(
        client: FlaskClient, container: Container, clock: object) -> None:
    create_staff(container, "li.clerk", "clerk")
    login(client, "li.clerk")
    for _ in range(3):  # 3 x 7 h, each time with a request: never idle for 8 hours
        clock.advance(hours=7)  # type: ignore[attr-defined]
        assert client.get("/office/today").status_code == 200
    clock.advance(hours=8, seconds=1)  # type: ignore[attr-defined]
    expired = client.get("/office/today")
    assert expired.status_code == 302
    assert "/office/login" in expired.headers["Location"]


def test_logging_out_ends_the_session_and_is_audited(client: FlaskClient,
                                                     container: Container) -> None:
    create_staff(container, "li.clerk", "clerk")
    login(client, "li.clerk")
    assert post_form(client, "/office/logout", {}).status_code == 303
    assert client.get("/office/today").status_code == 302
    assert [e.actor for e in audit_entries(container, "staff.logout")] == ["user:li.clerk"]


def test_a_disabled_account_loses_its_open_session_at_once(client: FlaskClient,
                                                            container: Container,
                                                            app: object) -> None:
    create_staff(container, "li.clerk", "clerk")
    create_staff(container, "wang.admin", "admin")
    login(client, "li.clerk")
    admin = app.test_client()  # type: ignore[attr-defined]
    login(admin, "wang.admin")
    assert post_form(admin, "/office/users/li.clerk/disable", {}).status_code == 303
    assert client.get("/office/today").status_code == 302
    assert login(client, "li.clerk").status_code == 401


def test_the_login_page_never_redirects_to_another_site(client: FlaskClient,
                                                       container: Container) -> None:
    create_staff(container, "li.clerk", "clerk")
    token = csrf_token(client)
    response = client.post("/office/login", data={
        "csrf_token": token, "username": "li.clerk", "password": DEFAULT_PASSWORD,
        "next": "//evil.example/office/"})
    assert response.headers["Location"].endswith("/office/today")
