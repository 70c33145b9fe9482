"""Storage repositories hand back read models, never ORM rows, with the same answers."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import date

import pytest

from credit_engine.domain.model import SubjectRef
from credit_engine.storage.repositories import announcements, records, subjects

USCC = "91310000MA1K4LXX0D"


def _enterprise(session) -> subjects.StoredEnterprise:
    enterprise, created = subjects.save_enterprise(session, USCC, {
        "name": "Golden Wok", "category": "catering", "district": None,
        "licence_no": None, "licensed_on": None})
    assert created
    return enterprise


def test_saving_an_enterprise_answers_a_frozen_read_model_with_timestamps(session):
    enterprise = _enterprise(session)
    assert (enterprise.uscc, enterprise.name, enterprise.category) == (
        USCC, "Golden Wok", "catering")
    assert enterprise.created_at is not None and enterprise.updated_at is not None
    with pytest.raises(FrozenInstanceError):
        enterprise.name = "other"  # type: ignore[misc]
    again = subjects.get_enterprise(session, USCC)
    assert again is not None and (again.uscc, again.name) == (USCC, "Golden Wok")
    assert subjects.save_enterprise(session, USCC, {"name": "Wok"})[1] is False


def test_known_keys_are_found_in_one_query_or_in_chunks(session):
    _enterprise(session)
    assert subjects.known_usccs(session, [USCC, "nope"]) == {USCC}
    assert subjects.known_usccs(session, [USCC, "nope"], chunk=1) == {USCC}
    assert subjects.known_usccs(session, []) == set()
    assert subjects.all_subjects(session) == [SubjectRef("enterprise", USCC)]


def test_records_come_back_with_their_revocation_date(session):
    _enterprise(session)
    ids = records.add_records(session, [records.NewRecord(
        "X-1", SubjectRef("enterprise", USCC), "inspection", date(2026, 1, 5),
        {"result": "pass"}, "0" * 64, "tester")])
    records.add_revocation(session, ids["X-1"], date(2026, 2, 1), "appeal", "tester")
    stored = records.get_record(session, ids["X-1"])
    assert stored is not None
    assert (stored.subject, stored.revoked_on, stored.repaired_on) == (
        SubjectRef("enterprise", USCC), date(2026, 2, 1), None)
    assert records.records_page(session, SubjectRef("enterprise", USCC), None, 10) == [stored]
    assert records.records_page(session, SubjectRef("enterprise", USCC), ids["X-1"], 10) == []
    assert records.get_record(session, ids["X-1"] + 1) is None


def test_an_announcement_is_stored_once_per_subject_type_and_key(session):
    columns = dict(type="grade_change", subject_type="enterprise", subject_id=USCC,
                   dedupe_key="2026-03-02", old_grade="A", new_grade="B", reasons=[],
                   ruleset="default-2026.1", published_on=date(2026, 3, 2),
                   objection_deadline=date(2026, 3, 23), created_by="tester")
    first = announcements.insert_announcement(session, **columns)
    assert first is not None
    assert announcements.insert_announcement(session, **columns) is None
    assert announcements.announcement_exists(
        session, SubjectRef("enterprise", USCC), "grade_change", "2026-03-02")
    [page] = announcements.announcements_page(session, date(2026, 3, 2), public=True,
                                              subject=None, offset=0, limit=10)
    assert isinstance(page, announcements.StoredAnnouncement) and page.id == first.id
