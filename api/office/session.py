"""Staff sessions of the office workbench: Flask-Login, CSRF, idle expiry, roles, districts.

`init_office(app)` sets it all up once per app (create_app calls it after the security
headers, which would otherwise reset the cookie settings). See the package docstring for
how a page uses `staff_required`, `current_staff`, `actor` and `check_district`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any, TypeVar, cast

from credit_engine.api.runtime import EXTENSION, get_container, run_use_case
from flask import (
    Blueprint,
    Flask,
    Request,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask_login import LoginManager, UserMixin, current_user, logout_user
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.exceptions import HTTPException

from credit_engine.domain.staff_roles import StaffRole, actor_of, role_allows
from credit_engine.errors import CreditEngineError, NotFound, ValidationFailed
from credit_engine.services import staff

OFFICE_PREFIX = "/office"
COOKIE_NAME = "credit_engine_office"
SEEN_KEY = "office_seen"  # the service-clock moment of the session's last request
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
F = TypeVar("F", bound=Callable[..., Any])

csrf = CSRFProtect()

# The navigation of every office page: (endpoint, label, least role that sees it). A page
# module whose blueprint is not registered is left out, so the list never breaks a page.
OFFICE_NAV: list[tuple[str, str, StaffRole]] = [
    ("office_today.today", "今日待办", StaffRole.CLERK),
    ("office_search.search", "查询主体", StaffRole.CLERK),
    ("office_reports.reports", "统计报表", StaffRole.CLERK),
    ("office_users.users", "用户管理", StaffRole.ADMIN),
]
ROLE_LABELS = {StaffRole.CLERK: "录入员", StaffRole.REVIEWER: "审核员",
               StaffRole.SUPERVISOR: "科室负责人", StaffRole.ADMIN: "管理员"}
ROLE_NAMES = {"legal_representative": "法定代表人", "principal": "主要负责人",
              "food_safety_manager": "食品安全管理人员"}
OBJECTION_STATUS = {"pending": "待处理", "upheld": "成立", "rejected": "不成立"}
FIELD_LABELS = {"username": "用户名", "role": "角色", "district": "辖区", "password": "密码"}
RUN_STATUS = {"running": "进行中", "succeeded": "成功", "completed_with_failures": "完成，部分失败",
              "failed": "失败"}


class StaffUser(UserMixin):  # type: ignore[misc]
    """The logged-in staff member: name, role and district (None: every district)."""

    def __init__(self, username: str, role: str, district: str | None, epoch: int) -> None:
        self.username, self.role, self.district, self.epoch = username, role, district, epoch

    def get_id(self) -> str:
        # The epoch makes a reset password or a disabled account end this session.
        return f"{self.epoch}:{self.username}"

    def may(self, role: StaffRole) -> bool:
        """True when this user's role is `role` or ranks above it."""
        return role_allows(self.role, role)

    @property
    def is_admin(self) -> bool:
        return self.role == StaffRole.ADMIN


class OfficePageError(HTTPException):
    """An office page's error answer: rendered as the office error page, never JSON."""

    def __init__(self, code: int, title: str, message: str) -> None:
        super().__init__(message)
        self.code, self.title, self.message = code, title, message


def forbidden(message: str = "您没有权限访问此页面。") -> OfficePageError:
    return OfficePageError(403, "无权访问", message)


def current_staff() -> StaffUser:
    """The logged-in staff member (only inside a `staff_required` view)."""
    return cast(StaffUser, current_user._get_current_object())


def actor() -> str:
    """The audit actor of the logged-in staff member: user:<username>."""
    return actor_of(current_staff().username)


def check_district(enterprise_district: str | None) -> None:
    """The 403 page when the user is bound to a district and the enterprise is elsewhere."""
    mine = current_staff().district
    if mine is not None and enterprise_district != mine:
        raise forbidden(f"您只能查看和办理{mine}的企业。")


def staff_required(*roles: StaffRole) -> Callable[[F], F]:
    """Only for logged-in staff (else the login page); with `roles`, only for a user whose
    role is one of them or ranks above one (else the 403 page)."""

    def decorate(view: F) -> F:
        @wraps(view)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return redirect(url_for("office_login.login", next=request.full_path))
            if roles and not any(current_staff().may(role) for role in roles):
                raise forbidden()
            return view(*args, **kwargs)
        return cast(F, guarded)
    return decorate


def office_blueprint(name: str, import_name: str) -> Blueprint:
    """A blueprint of office pages under /office whose service errors show the office error
    page (404 for an unknown subject, 422 naming the fields, 409, else 500)."""
    blueprint = Blueprint(name, import_name, url_prefix=OFFICE_PREFIX)
    blueprint.register_error_handler(CreditEngineError, _service_error)
    return blueprint


def error_page(code: int, title: str, message: str) -> Response:
    """The office error page with status `code`."""
    return Response(render_template("office/error.html", title=title, message=message),
                    status=code, mimetype="text/html")


def _service_error(error: CreditEngineError) -> Response:
    if isinstance(error, NotFound):
        return error_page(404, "未找到", error.detail)
    if isinstance(error, ValidationFailed):
        fields = "；".join(f"{k}：{'，'.join(map(str, v))}" for k, v in error.errors.items())
        return error_page(422, "输入有误", fields or error.detail)
    if 400 <= error.status < 500:
        return error_page(error.status, "无法办理", error.detail)
    return error_page(500, "服务暂时不可用", "请稍后再试。")


class OfficeSessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie session, Secure as `office_cookie_secure` says."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if not request.path.startswith(OFFICE_PREFIX + "/"):
            return self.session_class()  # the API and public pages have no session
        if not app.secret_key:  # derived on the first office request, not at app creation
            app.secret_key = staff.session_signing_key(app.extensions[EXTENSION].personal_data)
        return super().open_session(app, request)

    def get_cookie_secure(self, app: Flask) -> bool:
        mode = get_container().settings.office_cookie_secure
        return mode == "always" or (mode == "auto" and _arrived_over_https(request))


def _arrived_over_https(req: Request) -> bool:
    if req.is_secure:
        return True
    if not get_container().settings.trusted_proxies:
        return False  # X-Forwarded-Proto from an untrusted client means nothing
    last_hop = req.headers.get("X-Forwarded-Proto", "").split(",")[-1].strip().lower()
    return last_hop == "https"


def _load_user(user_id: str) -> StaffUser | None:
    epoch, _, username = user_id.partition(":")
    if not epoch.isdigit() or not username:
        return None
    found = run_use_case(lambda s: staff.session_account(s, username, int(epoch)))
    return None if found is None else StaffUser(found.username, found.role, found.district,
                                                found.session_epoch)


def _expire_idle_session() -> Response | None:
    """End the session after `office_idle_hours` without a request (service clock)."""
    if not request.path.startswith(OFFICE_PREFIX + "/") or "_user_id" not in session:
        return None
    settings = get_container().settings
    now = settings.clock().timestamp()
    seen = session.get(SEEN_KEY)
    if not isinstance(seen, (int, float)) or now - seen > settings.office_idle_hours * 3600:
        logout_user()
        session.clear()
        flash("您已长时间未操作，请重新登录。", "info")
        return None  # the view's staff_required sends the user to the login page
    session[SEEN_KEY] = now
    return None


def _check_csrf() -> None:
    if request.method in UNSAFE_METHODS and request.path.startswith(OFFICE_PREFIX + "/"):
        csrf.protect()


def _csrf_failed(error: CSRFError) -> Response:
    return error_page(400, "表单已失效", "表单缺少有效的安全令牌（可能已过期）。请返回上一页，"
                                         "刷新后重新提交。")


def _office_error(error: OfficePageError) -> Response:
    return error_page(error.code or 500, error.title, error.message)


def _template_globals() -> dict[str, Any]:
    def office_nav(user: StaffUser) -> list[tuple[str, str]]:
        return [(endpoint, label) for endpoint, label, role in OFFICE_NAV
                if endpoint in current_app.view_functions and user.may(role)]

    def role_label(role: str) -> str:
        return ROLE_LABELS.get(StaffRole(role), role) if role in ROLE_LABELS else role

    return {"office_nav": office_nav, "role_label": role_label, "ROLE_NAMES": ROLE_NAMES,
            "OBJECTION_STATUS": OBJECTION_STATUS, "FIELD_LABELS": FIELD_LABELS,
            "run_status_label": lambda status: RUN_STATUS.get(status, status)}


def init_office(app: Flask) -> None:
    """Sessions, login, CSRF and idle expiry for the pages under /office/."""
    settings = app.extensions[EXTENSION].settings
    app.config.update(
        SESSION_COOKIE_NAME=COOKIE_NAME, SESSION_COOKIE_PATH=OFFICE_PREFIX,
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=settings.office_idle_hours),
        WTF_CSRF_CHECK_DEFAULT=False,  # checked for /office/ only: the JSON API uses keys
        WTF_CSRF_TIME_LIMIT=None,  # a token lives as long as its session
    )
    app.session_interface = OfficeSessionInterface()
    manager = LoginManager(app)
    manager.login_view = "office_login.login"
    manager.session_protection = "strong"
    manager.user_loader(_load_user)
    csrf.init_app(app)
    app.before_request(_check_csrf)
    app.before_request(_expire_idle_session)
    app.register_error_handler(CSRFError, _csrf_failed)
    app.register_error_handler(OfficePageError, _office_error)
    app.context_processor(_template_globals)
