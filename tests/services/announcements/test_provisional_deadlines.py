"""Provisional objection deadlines: shown over HTTP, recomputed (never earlier) once the
year's official schedule is known, and counted by `credit-engine calendar status`."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from credit_engine.api.app import create_app
from credit_engine.bootstrap import bootstrap
from credit_engine.cli import main
from credit_engine.config import fixed_clock
from credit_engine.calendars.schedules import official_calendar
from credit_engine.domain.working_days import WorkingDayCalendar
from credit_engine.services.announcements import (
    close_expired_objection_windows, recompute_provisional_deadlines,
)
from credit_engine.services.keys import create_key
from credit_engine.storage.models import AnnouncementRow, AuditRow

from announcement_builders import publish_suspension_announcement

DECEMBER = date(2026, 12, 21)        # Monday; deadline Tue 12 Jan 2027 without a 2027 schedule
PROVISIONAL = date(2027, 1, 12)


@pytest.fixture
def january(settings):
    """The service as of 20 January 2027, with the December announcement published."""
    moved = settings.replace(clock=fixed_clock(
        datetime(2027, 1, 20, 2, 0, tzinfo=timezone.utc)))
    built = bootstrap(moved)
    with built.transaction() as session:
        announcement_id = publish_suspension_announcement(session, DECEMBER).id
    yield built, announcement_id
    built.engine.dispose()


def _calendar_with(tmp_path, text: str) -> WorkingDayCalendar:
    path = tmp_path / "holidays.txt"
    path.write_text(text, encoding="utf-8")
    return official_calendar(path)


def test_api_public_api_and_page_show_the_deadline_as_provisional(january):
    container, announcement_id = january
    client = create_app(container=container).test_client()
    with container.transaction() as session:
        key = create_key(session, "office", ["announcements:write"])
    office = client.get("/api/v1/announcements", headers={"Authorization": f"Bearer {key}"})
    assert office.status_code == 200, office.get_json()
    [item] = office.get_json()["items"]
    assert (item["id"], item["objection_deadline"], item["objection_deadline_provisional"]) == \
        (announcement_id, "2027-01-12", True)
    [public] = client.get("/public/v1/announcements").get_json()["items"]
    assert (public["objection_deadline"], public["objection_deadline_provisional"]) == \
        ("2027-01-12", True)
    page = client.get("/announcements").get_data(as_text=True)
    assert "2027-01-12（暂定）" in page


def test_an_announcement_under_an_official_schedule_is_not_provisional(container):
    with container.transaction() as session:
        row = publish_suspension_announcement(session, date(2026, 3, 2))
    client = create_app(container=container).test_client()
    [public] = client.get("/public/v1/announcements?as_of=2026-03-05").get_json()["items"]
    assert (public["objection_deadline"], public["objection_deadline_provisional"]) == \
        ("2026-03-23", False)
    assert row.objection_deadline_provisional is False


def test_recompute_with_the_new_schedule_moves_the_deadline_later_and_settles_it(
        january, tmp_path):
    container, announcement_id = january
    # The 2027 notice (as an office would transcribe it): 4 January bridged, complete.
    calendar = _calendar_with(tmp_path, "2027-01-04\n2027 complete\n")
    with container.transaction() as session:
        done = recompute_provisional_deadlines(session, calendar, "test")
    assert (done.checked, done.moved, done.settled) == (1, [announcement_id], [announcement_id])
    with container.transaction() as session:
        row = session.get(AnnouncementRow, announcement_id)
        assert (row.objection_deadline, row.objection_deadline_provisional) == \
            (date(2027, 1, 13), False)
        [entry] = session.scalars(select(AuditRow).where(
            AuditRow.action == "announcements.deadlines_recomputed"))
        assert entry.payload["moved"] == [announcement_id]
        again = recompute_provisional_deadlines(session, calendar, "test")
    assert (again.checked, again.moved) == (0, [])


def test_recompute_never_moves_a_published_deadline_earlier(january, tmp_path):
    container, announcement_id = january
    # A schedule that makes Saturday 9 January a working day would end the count a day early.
    calendar = _calendar_with(tmp_path, "2027-01-09 work\n2027 complete\n")
    assert calendar.objection_deadline(DECEMBER) == date(2027, 1, 11)
    with container.transaction() as session:
        done = recompute_provisional_deadlines(session, calendar, "test")
        row = session.get(AnnouncementRow, announcement_id)
        assert (row.objection_deadline, row.objection_deadline_provisional) == \
            (PROVISIONAL, False)
    assert (done.moved, done.settled) == ([], [announcement_id])


def test_recompute_without_the_schedule_keeps_the_deadline_provisional(january):
    container, announcement_id = january
    with container.transaction() as session:
        done = recompute_provisional_deadlines(session, official_calendar(), "test")
        row = session.get(AnnouncementRow, announcement_id)
        assert (row.objection_deadline, row.objection_deadline_provisional) == (PROVISIONAL, True)
        assert session.scalars(select(AuditRow).where(
            AuditRow.action == "announcements.deadlines_recomputed")).all() == []
    assert (done.checked, done.moved, done.settled) == (1, [], [])


def test_a_window_closed_too_early_opens_again_when_the_deadline_moves(january, tmp_path):
    container, announcement_id = january
    with container.transaction() as session:
        assert close_expired_objection_windows(session, date(2027, 1, 13)) == [announcement_id]
    calendar = _calendar_with(tmp_path, "2027-01-04\n2027-01-05\n2027 complete\n")
    with container.transaction() as session:
        recompute_provisional_deadlines(session, calendar, "test")
        row = session.get(AnnouncementRow, announcement_id)
        assert (row.objection_deadline, row.final_on) == (date(2027, 1, 14), None)


def _cli(settings, *args, holidays_file=None):
    env = {"CREDIT_ENGINE_DATABASE_URL": settings.database_url}
    if holidays_file:
        env["CREDIT_ENGINE_HOLIDAYS_FILE"] = str(holidays_file)
    return CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)


def test_calendar_status_lists_scheduled_years_and_counts_provisional_deadlines(
        settings, january, tmp_path):
    result = _cli(settings, "calendar", "status")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert any(line.startswith("2026  official schedule (shipped): 国务院办公厅关于2026年")
               for line in lines), result.output
    assert any(line.startswith("2027  statutory holidays only") for line in lines)
    assert "provisional objection deadlines: 1" in lines


def test_calendar_recompute_command_uses_the_holidays_file(settings, january, tmp_path):
    container, announcement_id = january
    path = tmp_path / "holidays.txt"
    path.write_text("2027-01-04\n2027 complete\n", encoding="utf-8")
    result = _cli(settings, "calendar", "recompute", holidays_file=path)
    assert result.exit_code == 0, result.output
    assert "moved later: 1, no longer provisional: 1" in result.output
    status = _cli(settings, "calendar", "status", holidays_file=path)
    assert f"2027  official schedule (holidays file {path})" in status.output
    assert "provisional objection deadlines: 0" in status.output
    with container.transaction() as session:
        assert session.get(AnnouncementRow, announcement_id).objection_deadline == \
            date(2027, 1, 13)


def test_the_nightly_job_recomputes_with_the_containers_calendar(january, tmp_path):
    from credit_engine.jobs import tasks

    container, announcement_id = january
    path = tmp_path / "holidays.txt"
    path.write_text("2027-01-04\n2027 complete\n", encoding="utf-8")
    with_file = bootstrap(container.settings.replace(holidays_file=path))
    tasks.use_container(with_file)
    try:
        assert tasks.provisional_deadlines() == {"checked": 1, "moved": 1, "settled": 1}
        assert tasks.provisional_deadlines() is None  # once per business date
    finally:
        tasks.use_container(None)
        with_file.engine.dispose()
    with container.transaction() as session:
        row = session.get(AnnouncementRow, announcement_id)
        assert (row.objection_deadline, row.objection_deadline_provisional) == \
            (date(2027, 1, 13), False)


def test_migration_marks_stored_deadlines_after_2026_provisional(empty_database_url):
    from alembic import command
    from sqlalchemy import text

    from credit_engine.storage.database import make_engine
    from credit_engine.storage.migrate import alembic_config, upgrade_database

    command.upgrade(alembic_config(url=empty_database_url), "0004")
    engine = make_engine(empty_database_url)
    insert = text(
        "INSERT INTO announcements (type, subject_type, subject_id, dedupe_key, new_grade, "
        "reasons, ruleset, published_on, objection_deadline, created_at, created_by) VALUES "
        "('grade_change', 'enterprise', 'E', :key, 'D', '[]', 'default@1', :published, "
        ":deadline, CURRENT_TIMESTAMP, 't')")
    with engine.begin() as connection:
        connection.execute(insert, {"key": "a", "published": date(2026, 3, 2),
                                    "deadline": date(2026, 3, 23)})
        connection.execute(insert, {"key": "b", "published": date(2026, 12, 21),
                                    "deadline": date(2027, 1, 11)})  # 1 Jan counted as working
    upgrade_database(engine)
    with engine.connect() as connection:
        flags = dict(connection.execute(text(
            "SELECT dedupe_key, objection_deadline_provisional FROM announcements")).all())
    engine.dispose()
    assert {key: bool(flag) for key, flag in flags.items()} == {"a": False, "b": True}
