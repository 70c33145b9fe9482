"""Every page blueprint of the office workbench, in one tuple for api/app.py
(PAGE_BLUEPRINTS): login, today, search, subject, users, reports, and the record, import,
objection, repair and correction pages."""

from __future__ import annotations

from credit_engine.api.office.correction_pages import correction_pages
from credit_engine.api.office.import_pages import import_pages
from credit_engine.api.office.login import login_pages
from credit_engine.api.office.objection_pages import objection_pages
from credit_engine.api.office.record_pages import record_pages
from credit_engine.api.office.repair_pages import repair_pages
from credit_engine.api.office.reports import reports_pages
from credit_engine.api.office.search import search_pages
from credit_engine.api.office.subject import subject_pages
from credit_engine.api.office.today import today_pages
from credit_engine.api.office.users import users_pages
from flask import Blueprint

PAGES: tuple[Blueprint, ...] = (
    login_pages, today_pages, search_pages, subject_pages, users_pages, reports_pages,
    record_pages, import_pages, objection_pages, repair_pages, correction_pages,
)
