"""The inspection plan as a spreadsheet for the inspection teams (CSV or XLSX, streamed).

The same items as the paginated plan (services/inspection_plan.py), in the same order and
filter, read through one server-side cursor inside a session the stream opens and closes
itself, and written by services/tabular_export.py: memory stays flat however large the
plan. Headers are Chinese, for the teams; flags are joined by ';'. Audited before the first
byte is sent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy.orm import Session

from credit_engine.rules import RulesetRegistry
from credit_engine.services.audit import append_audit
from credit_engine.services.inspection_plan import check_plan_filter, plan_items
from credit_engine.services.tabular_export import csv_stream, xlsx_stream
from credit_engine.storage.repositories.inspection_plan import PlanFilter

SessionScope = Callable[[], AbstractContextManager[Session]]

PLAN_HEADERS = ("统一社会信用代码", "名称", "类别", "所在区", "信用等级", "评级日期",
                "每年检查次数", "最近检查日期", "下次应检日期", "复查期限", "标记")
FLAG_SEPARATOR = ";"


def _row(item: dict[str, Any]) -> list[Any]:
    return [item["subject"]["id"], item["name"], item["category"], item["district"],
            item["grade"], item["graded_on"], item["inspections_per_year"],
            item["last_inspected_on"], item["next_due_on"], item["reinspection_due_on"],
            FLAG_SEPARATOR.join(item["flags"])]


def plan_export_rows(open_session: SessionScope, registry: RulesetRegistry, plan: PlanFilter,
                     sort: str) -> Iterator[list[Any]]:
    """One row per plan item (PLAN_HEADERS), read inside a session of its own that ends
    when the rows do, or when the stream is closed early."""
    with open_session() as session:
        for item in plan_items(session, registry, plan, sort=sort):
            yield _row(item)


def audit_plan_export(session: Session, registry: RulesetRegistry, actor: str,
                      plan: PlanFilter, sort: str, fmt: str) -> None:
    """Check the filter (422 naming `flag`) and record who exported which plan, before
    the export starts."""
    check_plan_filter(registry, plan)
    append_audit(session, actor, "export.inspection_plan", "enterprises", {
        "as_of": plan.as_of.isoformat(), "district": plan.district,
        "category": plan.category, "grade": plan.grade, "flag": plan.flag, "sort": sort,
        "format": fmt})


def plan_export(open_session: SessionScope, registry: RulesetRegistry, plan: PlanFilter,
                sort: str, fmt: str) -> Iterator[bytes]:
    """The plan as a CSV (UTF-8 with BOM) or XLSX body."""
    rows = plan_export_rows(open_session, registry, plan, sort)
    if fmt == "xlsx":
        return xlsx_stream(PLAN_HEADERS, rows, f"检查计划 {plan.as_of.isoformat()}")
    return csv_stream(PLAN_HEADERS, rows)
