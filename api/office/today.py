"""The today page: objections by deadline, repair applications waiting, last night's run."""

from __future__ import annotations

from credit_engine.api.office.session import (
    current_staff,
    office_blueprint,
    staff_required,
)
from credit_engine.api.runtime import business_today, get_container, run_use_case
from flask import Response, render_template

from credit_engine.services.workbench import DUE_SOON_WORKING_DAYS, today_overview

today_pages = office_blueprint("office_today", __name__)


@today_pages.route("/today")
@staff_required()
def today() -> Response:
    """What needs the staff today (of the user's district when bound to one)."""
    calendar, day, district = get_container().calendar, business_today(), current_staff().district
    overview = run_use_case(lambda s: today_overview(s, calendar, day, district))
    return Response(render_template("office/today.html", o=overview,
                                    due_soon_days=DUE_SOON_WORKING_DAYS), mimetype="text/html")
