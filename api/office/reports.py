"""The reports page: the plan's statistics of the user's district with the public page's
charts, and the grade and inspection-plan exports of that district.

The figures are `services/statistics.plan_statistics` (audited as the user), the charts
`api/charts.py` (the same as /statistics), the files `services/exports.py` and
`services/inspection_plan_export.py` (audited before their first byte, streamed). Nothing is
counted or exported here a second way.

Charts are embedded as `data:` images (the Content-Security-Policy allows `img-src data:`):
an SVG shown as an image runs no script and needs no request of its own, so the charts are
drawn from the very numbers of the page, in the same transaction, and no second endpoint
has to recompute (or re-check the district of) anything. A district-bound user sees and
exports their district only: asking for another is the 403 page.
"""

from __future__ import annotations

import base64
from datetime import date
from typing import Any

from credit_engine.api import charts
from credit_engine.api import public_format as fmt
from credit_engine.api.exports import download
from credit_engine.api.office.session import (
    OfficePageError,
    actor,
    current_staff,
    forbidden,
    office_blueprint,
    staff_required,
)
from credit_engine.api.runtime import business_today, get_container, run_use_case
from flask import Response, current_app, render_template, request

from credit_engine.services import statistics
from credit_engine.services.exports import audit_grade_export, grade_export
from credit_engine.services.inspection_plan import PlanFilter
from credit_engine.services.inspection_plan_export import audit_plan_export, plan_export
from credit_engine.services.statistics_cache import StatisticsCache
from credit_engine.validation.errors import load_or_raise
from credit_engine.validation.statistics import StatisticsArgs

TREND_MONTHS = 24
FILE_FORMATS = ("csv", "xlsx")
PLAN_SORT = "next_due_on"  # the teams work through the plan by due date
_CACHE_KEY = "credit_engine.office_reports_cache"

reports_pages = office_blueprint("office_reports", __name__)


def _cache() -> StatisticsCache:
    """This app's cache of the trend's month-end points and of the district list (one per
    app, so two apps on two databases never share figures)."""
    found = current_app.extensions.get(_CACHE_KEY)
    if found is None:
        found = current_app.extensions[_CACHE_KEY] = StatisticsCache(ttl_seconds=600)
    return found  # type: ignore[no-any-return]


def _asked() -> tuple[date, str | None]:
    """`as_of` (default today, never later) and the district the user may see: their own
    when bound to one (another is the 403 page), else the one asked for or all (None)."""
    fields = {k: v.strip() for k, v in request.args.items() if k in ("as_of", "district")}
    args = load_or_raise(StatisticsArgs, {k: v for k, v in fields.items() if v})
    asked, mine = args.get("district"), current_staff().district
    if mine is not None and asked not in (None, mine):
        raise forbidden(f"您只能查看和导出{mine}的统计数据。")
    return args.get("as_of") or business_today(), mine if mine is not None else asked


def _svg_src(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


def _targets(figures: dict[str, Any]) -> list[tuple[str, float, Any, dict[str, Any]]]:
    """Per plan target: title, current share, target share (None: no number set), counts."""
    return [(t.title, figures[t.key]["share"], t.target, figures[t.key])
            for t in statistics.PLAN_TARGETS]


def _district_mix(today: date, as_of: date) -> dict[str, dict[str, int]]:
    """Grade mix per district as of `as_of` (for an unbound user: the chart of all districts
    and the names to pick from), kept for the day or ten minutes like the public page's."""
    groups, _ = _cache().get(today, ("page_figures", as_of), lambda: run_use_case(
        lambda s: statistics.page_figures(s, as_of)), for_the_day=as_of < today)
    return statistics.mix_by(groups, "district")


def report_data(as_of: date, district: str | None, bound: bool) -> dict[str, Any]:
    """Everything the page shows: the audited figures, the tables and charts drawn from
    them, the 24-month trend and (unbound users) the districts."""
    who, today = actor(), business_today()
    figures = run_use_case(lambda s: statistics.plan_statistics(s, as_of, district, who))
    categories = [(fmt.CATEGORIES.get(c, c), mix) for c, mix in figures["by_category"].items()]
    trend = [(day, mix) for day, mix in _cache().grade_trend(
        run_use_case, today, as_of, district, TREND_MONTHS)]
    targets = _targets(figures)
    districts = {} if bound else _district_mix(today, as_of)
    scope = district or "全部辖区"
    shown = {
        "targets": charts.target_chart(f"{scope}规划目标完成情况", "各项目标的当前值与目标值（百分比）",
                                       [(t, float(c), None if g is None else float(g))
                                        for t, c, g, _ in targets]),
        "categories": charts.grade_mix_chart(f"{scope}各业态企业信用等级分布",
                                             "按业态统计的当前有效信用等级企业数", categories),
        "trend": charts.trend_chart(f"{scope}近24个月信用等级分布变化", "每月末有效信用等级的企业数",
                                    [(day.strftime("%Y-%m"), mix) for day, mix in trend]),
    }
    if district is None and districts:
        shown["districts"] = charts.grade_mix_chart(
            "各区县企业信用等级分布", "按区县统计的当前有效信用等级企业数", list(districts.items()))
    return {"figures": figures, "categories": categories, "trend": trend, "targets": targets,
            "districts": districts if district is None else {},
            "district_names": sorted(districts), "charts": {k: _svg_src(v) for k, v in shown.items()}}


@reports_pages.route("/reports")
@staff_required()
def reports() -> Response:
    """The statistics as of a date for the user's district (unbound: any or all), with the
    charts, their tables and the downloads."""
    as_of, district = _asked()
    bound = current_staff().district
    data = report_data(as_of, district, bound is not None)
    return Response(render_template(
        "office/reports.html", as_of=as_of, district=district, bound_district=bound,
        today=business_today(), export_args=_export_args(as_of, district), **data),
        mimetype="text/html")


def _export_args(as_of: date, district: str | None) -> dict[str, str]:
    return {"as_of": as_of.isoformat(), **({"district": district} if district else {})}


def _check_format(file_format: str) -> None:
    if file_format not in FILE_FORMATS:
        raise OfficePageError(404, "未找到", "只能导出 CSV 或 XLSX 文件。")


@reports_pages.route("/reports/grades.<file_format>")
@staff_required()
def grades_file(file_format: str) -> Response:
    """Every enterprise of the district with its grade in force (services/exports.py);
    audited as the user before the first byte, streamed."""
    as_of, district = _asked()
    who = actor()
    _check_format(file_format)
    run_use_case(lambda s: audit_grade_export(s, who, as_of, district, file_format))
    body = grade_export(get_container().transaction, as_of, district, file_format)
    return download(body, file_format, f"grades-{as_of.isoformat()}")


@reports_pages.route("/reports/inspection-plan.<file_format>")
@staff_required()
def plan_file(file_format: str) -> Response:
    """The district's inspection plan by due date (services/inspection_plan_export.py);
    audited as the user before the first byte, streamed."""
    as_of, district = _asked()
    _check_format(file_format)
    who, container, plan = actor(), get_container(), PlanFilter(as_of, district)
    registry = container.rulesets
    run_use_case(lambda s: audit_plan_export(s, registry, who, plan, PLAN_SORT, file_format))
    body = plan_export(container.transaction, registry, plan, PLAN_SORT, file_format)
    return download(body, file_format, f"inspection-plan-{as_of.isoformat()}")
