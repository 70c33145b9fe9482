"""The office workbench under /office/: server-rendered zh-CN pages for the office's staff.

How an office page is built (every page works without JavaScript):

- Each page module defines its own blueprint with `office_blueprint(name, __name__)` from
  `session.py` (url prefix /office, the office error page for service errors) and is listed
  in `api/app.py` `PAGE_BLUEPRINTS`, like the public page.
- Every view is decorated with `@staff_required()` (any logged-in staff member) or
  `@staff_required(StaffRole.REVIEWER, ...)`: no login redirects to /office/login, a role
  that ranks below every one named gets the 403 page. `current_staff()` is the user;
  `check_district(enterprise.district)` gives the 403 page when a district-bound user
  reaches another district's enterprise.
- A view calls the SAME services as the API through `run_use_case` (api/runtime.py), with
  `actor()` ("user:<username>") as the audit actor: never a second implementation.
- Every form posts with `<input type="hidden" name="csrf_token" value="{{ csrf_token() }}">`
  (Flask-WTF's CSRFProtect checks every unsafe request under /office/; a missing or wrong
  token is the 400 page). The JSON API keeps its key authentication and needs no token.
- Templates extend `office/base.html` (navigation, flashed messages, the logged-in user)
  and live in api/templates/office/; the look is the public pages' stylesheet plus
  api/static/office.css.
- Sessions are Flask-Login's over Flask's signed cookie (path /office, HttpOnly,
  SameSite=Lax, Secure on https), end after `office_idle_hours` idle hours by the service's
  clock, and end at once when the account is disabled or its password reset.
"""
