"""User administration (admins only): create, disable, reset a password. A password made
here is shown once, on the answer to the form, and never stored or sent again."""

from __future__ import annotations

from credit_engine.api.office.session import actor, office_blueprint, staff_required
from credit_engine.api.runtime import get_container, run_use_case
from flask import Response, flash, redirect, render_template, request, url_for
from werkzeug.wrappers.response import Response as BaseResponse

from credit_engine.domain.staff_roles import STAFF_ROLE_NAMES, StaffRole
from credit_engine.errors import Conflict, ValidationFailed
from credit_engine.services import staff

users_pages = office_blueprint("office_users", __name__)


def _page(status: int = 200, **context: object) -> Response:
    accounts = run_use_case(staff.list_accounts)
    context.setdefault("errors", {})
    context.setdefault("form", {})
    return Response(render_template("office/users.html", accounts=accounts,
                                    roles=STAFF_ROLE_NAMES, **context),
                    status=status, mimetype="text/html")


@users_pages.route("/users")
@staff_required(StaffRole.ADMIN)
def users() -> Response:
    """Every account, and the form to create one."""
    return _page()


@users_pages.route("/users", methods=["POST"])
@staff_required(StaffRole.ADMIN)
def create_user() -> Response:
    """Create an account; without a password one is generated and shown once."""
    form = {k: request.form.get(k, "") for k in ("username", "role", "district", "password")}
    password = form["password"] or staff.generate_password()
    who = actor()
    try:
        run_use_case(lambda s: staff.create_account(
            s, form["username"].strip(), form["role"], form["district"].strip() or None,
            password, who))
    except ValidationFailed as error:
        return _page(422, errors=error.errors, form=form)
    except Conflict as error:
        return _page(409, errors={"username": [error.detail]}, form=form)
    shown = None if form["password"] else password
    return _page(201, created=form["username"].strip(), password=shown)


@users_pages.route("/users/<username>/disable", methods=["POST"])
@staff_required(StaffRole.ADMIN)
def disable_user(username: str) -> BaseResponse:
    """Disable an account; its open sessions end at once."""
    now, who = get_container().settings.clock(), actor()
    run_use_case(lambda s: staff.disable_account(s, username, now, who))
    flash(f"已停用账户 {username}。", "info")
    return redirect(url_for("office_users.users"), 303)


@users_pages.route("/users/<username>/reset-password", methods=["POST"])
@staff_required(StaffRole.ADMIN)
def reset_user_password(username: str) -> Response:
    """Give the account a generated password, shown once; its open sessions end."""
    password, who = staff.generate_password(), actor()
    run_use_case(lambda s: staff.reset_password(s, username, password, who))
    return _page(200, reset=username, password=password)
