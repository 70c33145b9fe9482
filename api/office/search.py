"""The search page: enterprises by name, USCC, district, category and grade; persons by ID
number (masked except for admins)."""

from __future__ import annotations

from credit_engine.api.office.session import (
    current_staff,
    office_blueprint,
    staff_required,
)
from credit_engine.api.runtime import business_today, run_use_case
from flask import Response, render_template, request

from credit_engine.domain.model import CATEGORIES, GRADES
from credit_engine.services.office_search import (
    parse_person_search,
    parse_search,
    search_subjects,
)
from credit_engine.services.records import decode_cursor, encode_cursor

PAGE_SIZE = 25

search_pages = office_blueprint("office_search", __name__)


@search_pages.route("/search")
@staff_required()
def search() -> Response:
    """The search form and, once a field is filled, the matches."""
    filters = parse_search({k: v for k, v in request.args.items()})
    offset = decode_cursor(filters["cursor"]) if filters.get("cursor") else 0
    user, today = current_staff(), business_today()
    result = run_use_case(lambda s: search_subjects(
        s, filters, today, offset, PAGE_SIZE + 1, district=user.district,
        unmasked=user.is_admin))
    more = len(result.enterprises) > PAGE_SIZE
    next_args = {**{k: v for k, v in filters.items() if k != "cursor"},
                 "cursor": encode_cursor(offset + PAGE_SIZE)} if more else None
    return Response(render_template(
        "office/search.html", r=result, enterprises=result.enterprises[:PAGE_SIZE],
        f=filters, next_args=next_args, categories=CATEGORIES, grades=GRADES,
        bound_district=user.district), mimetype="text/html")


@search_pages.route("/search/person", methods=["POST"])
@staff_required()
def search_person() -> Response:
    """A person by resident ID number, posted so the number never appears in a URL (or a
    log of URLs); masked on the answer except for admins."""
    filters = parse_person_search({k: v for k, v in request.form.items() if k != "csrf_token"})
    user, today = current_staff(), business_today()
    result = run_use_case(lambda s: search_subjects(
        s, filters, today, 0, 1, district=user.district, unmasked=user.is_admin))
    return Response(render_template(
        "office/search.html", r=result, enterprises=[], f={}, person_searched=True,
        next_args=None, categories=CATEGORIES, grades=GRADES, bound_district=user.district),
        mimetype="text/html")
