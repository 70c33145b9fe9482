"""The workbench's security: CSRF on every form, no page without login, roles, districts,
cookie flags, and the JSON API left to its keys."""

from __future__ import annotations

import re

import pytest
from api_helpers import USCC_A, USCC_B, audit_entries, valid_uscc
from flask import Flask
from flask.testing import FlaskClient
from office_helpers import create_staff, login, post_form

from credit_engine.bootstrap import Container

SAMPLE_VALUES = {"subject_type": "enterprise", "subject_id": valid_uscc(USCC_A),
                 "record_id": "1", "username": "someone", "id": "1"}


def _office_routes(app: Flask) -> list[tuple[str, str]]:
    """Every (method, concrete path) the app serves under /office/, login aside."""
    found = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/office/") or rule.endpoint.startswith("office_login."):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>",
                      lambda m: SAMPLE_VALUES.get(m.group(1), "1"), rule.rule)
        found += [(method, path) for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return found


def test_no_office_page_is_reachable_without_login(app: Flask, client: FlaskClient) -> None:
    routes = _office_routes(app)
    assert {("GET", "/office/today"), ("GET", "/office/search"),
            ("GET", "/office/users")} <= set(routes)
    for method, path in routes:
        if method == "GET":
            response = client.get(path)
            assert response.status_code == 302, (method, path)
            assert "/office/login" in response.headers["Location"], path
        else:  # a form without a session has no valid token either: refused before the view
            assert client.open(path, method=method).status_code in (302, 400), (method, path)


def test_every_office_form_without_its_csrf_token_is_400(app: Flask, client: FlaskClient,
                                                         container: Container) -> None:
    create_staff(container, "wang.admin", "admin")
    assert login(client, "wang.admin").status_code == 303
    posts = [path for method, path in _office_routes(app) if method == "POST"]
    assert "/office/users" in posts
    for path in posts + ["/office/login", "/office/logout"]:
        response = client.post(path, data={"username": "x", "role": "clerk"})
        assert response.status_code == 400, path
        assert "安全令牌" in response.get_data(as_text=True)
        assert response.mimetype == "text/html"


def test_the_json_api_needs_no_csrf_token(client: FlaskClient, writer: dict[str, str]) -> None:
    response = client.put(f"/api/v1/enterprises/{valid_uscc(USCC_A)}", headers=writer,
                          json={"name": "Golden Wok", "category": "catering"})
    assert response.status_code == 201


def test_the_session_cookie_is_httponly_samesite_lax_and_scoped_to_the_office(
        client: FlaskClient, container: Container) -> None:
    create_staff(container, "li.clerk", "clerk")
    response = login(client, "li.clerk")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/office" in cookie
    assert "Secure" not in cookie  # plain http in the test


def test_the_session_cookie_is_secure_on_https(client: FlaskClient,
                                              container: Container) -> None:
    create_staff(container, "li.clerk", "clerk")
    client.get("/office/login", base_url="https://localhost")
    page = client.get("/office/login", base_url="https://localhost")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
    assert token
    response = client.post("/office/login", base_url="https://localhost", data={
        "csrf_token": token.group(1), "username": "li.clerk",
        "password": "correct horse battery staple"}, headers={"Referer": "https://localhost/"})
    assert response.status_code == 303
    assert "Secure" in response.headers["Set-Cookie"]


def test_public_pages_and_the_api_set_no_session_cookie(client: FlaskClient) -> None:
    assert "Set-Cookie" not in client.get("/").headers
    assert "Set-Cookie" not in client.get("/api/v1/health").headers


def test_a_clerk_gets_the_403_page_for_user_administration(client: FlaskClient,
                                                          container: Container) -> None:
    create_staff(container, "li.clerk", "clerk")
    login(client, "li.clerk")
    response = client.get("/office/users")
    assert response.status_code == 403
    assert "无权访问" in response.get_data(as_text=True)
    assert post_form(client, "/office/users", {"username": "x2", "role": "admin",
                                               "password": "p" * 12}).status_code == 403


def test_a_district_bound_clerk_cannot_open_another_districts_enterprise(
        client: FlaskClient, container: Container, writer: dict[str, str]) -> None:
    mine, theirs = valid_uscc(USCC_A), valid_uscc(USCC_B)
    for uscc, district in ((mine, "黄浦区"), (theirs, "徐汇区")):
        client.put(f"/api/v1/enterprises/{uscc}", headers=writer,
                   json={"name": f"店 {district}", "category": "catering", "district": district})
    create_staff(container, "li.clerk", "clerk", district="黄浦区")
    login(client, "li.clerk")
    assert client.get(f"/office/subjects/enterprise/{mine}").status_code == 200
    refused = client.get(f"/office/subjects/enterprise/{theirs}")
    assert refused.status_code == 403
    assert "黄浦区" in refused.get_data(as_text=True)
    assert theirs not in client.get("/office/search?q=店").get_data(as_text=True)


@pytest.mark.parametrize("action", ["office.subject_view"])
def test_audit_rows_of_page_actions_name_the_user(client: FlaskClient, container: Container,
                                                  enterprise: str, action: str) -> None:
    create_staff(container, "li.clerk", "clerk")
    login(client, "li.clerk")
    assert client.get(f"/office/subjects/enterprise/{enterprise}").status_code == 200
    assert [e.actor for e in audit_entries(container, action)] == ["user:li.clerk"]
