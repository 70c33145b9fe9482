"""Helpers for the office workbench tests: staff accounts, and logging in with the Flask
test client or a Playwright page."""

from __future__ import annotations

import re
from typing import Any

from credit_engine.bootstrap import Container
from credit_engine.services.staff import create_account

DEFAULT_PASSWORD = "correct horse battery staple"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def create_staff(container: Container | Any, username: str, role: str,
                 district: str | None = None, password: str = DEFAULT_PASSWORD) -> str:
    """Create a staff account (on a Container or a session factory); return its password."""
    if isinstance(container, Container):
        with container.transaction() as session:
            create_account(session, username, role, district, password, actor="test")
    else:
        with container() as session, session.begin():
            create_account(session, username, role, district, password, actor="test")
    return password


def csrf_token(client: Any, path: str = "/office/login") -> str:
    """The CSRF token of the form at `path` (the session's token: any form has the same)."""
    page = client.get(path)
    found = _CSRF.search(page.get_data(as_text=True))
    assert found, f"no csrf_token in the form at {path} ({page.status_code})"
    return found.group(1)


def login(client: Any, username: str, password: str = DEFAULT_PASSWORD) -> Any:
    """Log in through the form with its CSRF token; the response (303 on success)."""
    token = csrf_token(client)
    return client.post("/office/login", data={"csrf_token": token, "username": username,
                                              "password": password})


def post_form(client: Any, path: str, data: dict[str, str], *,
              form_page: str = "/office/login") -> Any:
    """POST `data` to `path` with the session's CSRF token (read from `form_page`)."""
    token = csrf_token(client, form_page)
    return client.post(path, data={"csrf_token": token, **data})


def browser_login(page: Any, base_url: str, username: str,
                  password: str = DEFAULT_PASSWORD) -> None:
    """Log in with a Playwright page; waits until the today page (or `next`) has loaded."""
    page.goto(f"{base_url}/office/login")
    page.fill("#username", username)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("button[type=submit]")
    assert "/office/login" not in page.url, f"login failed for {username}: {page.url}"
