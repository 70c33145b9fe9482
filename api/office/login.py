"""The login and logout of the office workbench: /office/login, /office/logout, /office/."""

from __future__ import annotations

from credit_engine.api.office.session import (
    SEEN_KEY,
    StaffUser,
    current_staff,
    office_blueprint,
    staff_required,
)
from credit_engine.api.runtime import get_container, run_use_case
from flask import Response, flash, redirect, render_template, request, session, url_for
from flask_login import login_user, logout_user
from werkzeug.wrappers.response import Response as BaseResponse

from credit_engine.services import staff

MAX_USERNAME, MAX_PASSWORD = 64, 128

login_pages = office_blueprint("office_login", __name__)

LOCKED = "登录失败次数过多，该账户已暂时锁定。请15分钟后再试，或联系管理员。"
FAILED = "用户名或密码不正确。"


def _safe_next(target: str | None) -> str:
    """Only a path of the workbench itself: never another site (an open redirect)."""
    if target and target.startswith("/office/") and not target.startswith("//") \
            and "\\" not in target:
        return target
    return url_for("office_today.today")


def _form(status: int, message: str | None = None, username: str = "") -> Response:
    return Response(render_template("office/login.html", message=message, username=username,
                                    next=request.values.get("next", "")),
                    status=status, mimetype="text/html")


@login_pages.route("/login", methods=["GET"])
def login() -> Response:
    """The login form."""
    return _form(200)


@login_pages.route("/login", methods=["POST"])
def submit_login() -> Response | BaseResponse:
    """Check the name and password; after five failures in 15 minutes the account is locked."""
    username = request.form.get("username", "").strip()
    password = request.form.get("password", "")
    if not username or not password or len(username) > MAX_USERNAME \
            or len(password) > MAX_PASSWORD:
        return _form(401, FAILED, username[:MAX_USERNAME])
    settings = get_container().settings
    now = settings.clock()
    result = run_use_case(lambda s: staff.log_in(s, username, password, now))
    if result.locked:
        return _form(429, LOCKED, username)
    if result.account is None:
        return _form(401, FAILED, username)
    account = result.account
    session.clear()  # a fresh session (and CSRF token) for the logged-in user
    login_user(StaffUser(account.username, account.role, account.district,
                         account.session_epoch))
    session.permanent = True
    session[SEEN_KEY] = now.timestamp()
    return redirect(_safe_next(request.form.get("next")), 303)


@login_pages.route("/logout", methods=["POST"])
@staff_required()
def logout() -> BaseResponse:
    """End the session."""
    username = current_staff().username
    run_use_case(lambda s: staff.log_out(s, username))
    logout_user()
    session.clear()
    flash("您已退出登录。", "info")
    return redirect(url_for("office_login.login"), 303)


@login_pages.route("/")
@staff_required()
def home() -> BaseResponse:
    """The workbench starts at the today page."""
    return redirect(url_for("office_today.today"))
