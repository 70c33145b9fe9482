"""The public statistics page (/statistics) with its charts, and the page of enterprises
whose licensing is restricted (/restricted): zh-CN, no login, no JavaScript.

Charts are SVG documents drawn on the server (api/charts.py) and served beside the page
(/statistics/charts/<name>.svg) for `<img>`, which the Content-Security-Policy allows; each
has a title, a description and a table with the same numbers on the page. The figures come
from one process-wide StatisticsCache (services/statistics_cache.py, docs/statistics.md):
closed months of the 24-month trend are computed once per business date, today's figures
at most every ten minutes, so a page view costs no query over every enterprise.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from credit_engine.api import charts
from credit_engine.api import public_format as fmt
from credit_engine.api.paging import paged
from credit_engine.api.public_access import CACHE_SECONDS, limit_public
from credit_engine.api.public_pages import PAGE_SIZE, engine_error, too_many
from credit_engine.api.public_restricted import restricted
from credit_engine.api.runtime import business_today, run_use_case
from flask import Blueprint, Response, abort, render_template, request

from credit_engine.errors import CreditEngineError
from credit_engine.services import statistics
from credit_engine.services.records import decode_cursor
from credit_engine.services.statistics_cache import StatisticsCache

TREND_MONTHS = 24
CACHE = StatisticsCache(ttl_seconds=600)

pages = Blueprint("public_statistics_pages", __name__, template_folder="templates")
pages.record_once(lambda state: limit_public(state.app, pages))
pages.errorhandler(CreditEngineError)(engine_error)
pages.errorhandler(429)(too_many)


def _cacheable(body: str, mimetype: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Cache-Control"] = f"public, max-age={CACHE_SECONDS}"
    response.add_etag()
    return response.make_conditional(request)  # type: ignore[return-value]


def _offset() -> int:
    cursor = request.args.get("cursor", "")
    return decode_cursor(cursor) if cursor else 0


def page_data(today: date) -> dict[str, Any]:
    """Everything the page and its charts show, as of `today`, from the cache."""
    groups, listed = CACHE.get(today, "page_figures", lambda: run_use_case(
        lambda session: statistics.page_figures(session, today)), for_the_day=False)
    figures = statistics.figures(groups, today, None, listed)
    categories = {fmt.CATEGORIES.get(c, c): mix
                  for c, mix in statistics.mix_by(groups, "category").items()}
    trend = CACHE.grade_trend(run_use_case, today, today, None, TREND_MONTHS)
    targets = [(t.title, figures[t.key]["share"], t.target, figures[t.key])
               for t in statistics.PLAN_TARGETS]
    return {"today": today, "figures": figures,
            "districts": statistics.mix_by(groups, "district"), "categories": categories,
            "trend": [(day.strftime("%Y-%m"), day, mix) for day, mix in trend],
            "targets": targets}


def _chart(name: str, data: dict[str, Any]) -> str:
    """The SVG of chart `name` from the page's numbers (title and description as shown)."""
    if name == "districts":
        return charts.grade_mix_chart("各区县企业信用等级分布", "按区县统计的当前有效信用等级企业数",
                                      list(data["districts"].items()))
    if name == "categories":
        return charts.grade_mix_chart("各业态企业信用等级分布", "按业态统计的当前有效信用等级企业数",
                                      list(data["categories"].items()))
    if name == "trend":
        return charts.trend_chart("近24个月信用等级分布变化", "每月末有效信用等级的企业数",
                                  [(label, mix) for label, _, mix in data["trend"]])
    if name == "targets":
        return charts.target_chart(
            "规划目标完成情况", "各项目标的当前值与目标值（百分比）",
            [(title, float(current), None if target is None else float(target))
             for title, current, target, _ in data["targets"]])
    abort(404)


@pages.route("/statistics")
def statistics_page() -> Response:
    """Grade mix by district and category, the 24-month trend, the plan's targets."""
    return _cacheable(render_template("public_statistics.html", **page_data(business_today())),
                      "text/html")


@pages.route("/statistics/charts/<string:name>.svg")
def statistics_chart(name: str) -> Response:
    """One chart of the statistics page as an SVG image."""
    if name not in ("districts", "categories", "trend", "targets"):
        abort(404)
    return _cacheable(_chart(name, page_data(business_today())), "image/svg+xml")


# Opened on its own (not as an <img>), a chart is a document under its own policy: pygal
# styles it with an inline <style>, so this one answer allows inline styles and nothing
# else — no script, no other resource, never framed (docs/statistics.md, Charts).
statistics_chart.talisman_view_options = {  # type: ignore[attr-defined]
    "content_security_policy": {"default-src": "'none'", "style-src": "'unsafe-inline'",
                                "frame-ancestors": "'none'", "base-uri": "'none'"}}


@pages.route("/restricted")
def restricted_page() -> Response:
    """Enterprises whose licensing is restricted today, with their measures."""
    today = business_today()
    page = paged(lambda o, n: restricted(today, o, n), _offset(), PAGE_SIZE)
    return _cacheable(render_template("public_restricted.html", items=page["items"],
                                      next_cursor=page["next_cursor"], today=today), "text/html")
