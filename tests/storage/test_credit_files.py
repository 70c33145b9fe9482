"""Credit files loaded from the database (both backends), in a fixed number of queries."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from credit_engine.bootstrap import Container
from credit_engine.domain.model import SubjectRef
from credit_engine.storage.credit_files import (
    iter_subject_keys, load_credit_file, load_credit_files,
)
from credit_engine.storage.models import (
    EnterpriseRow, PersonRow, RecordRow, RepairRow, RevocationRow, RoleRow,
)
from credit_engine.storage.repositories.subjects import sealed_person_row

SHOP, OTHER, THIRD = "SHOP00000000000001", "OTHER0000000000002", "THIRD0000000000003"


def _record(external_id: str, kind: str, *, uscc: str | None = None, person: str | None = None,
            on: date = date(2024, 1, 10)) -> RecordRow:
    return RecordRow(external_id=external_id, enterprise_uscc=uscc, person_id=person, kind=kind,
                     occurred_on=on, details={"measures": ["warning"]} if kind == "penalty" else {},
                     content_hash=external_id, received_by="test")


@pytest.fixture
def population(container: Container) -> dict[str, int]:
    """SHOP employs ann (and OTHER employed her before); bob runs THIRD only."""
    with container.transaction() as session:
        session.add_all([EnterpriseRow(uscc=u, name=u, category="catering")
                         for u in (SHOP, OTHER, THIRD)])
        session.add_all([sealed_person_row(session, "ann", "1" * 18, "Ann"),
                         sealed_person_row(session, "bob", "2" * 18, "Bob")])
        session.flush()
        session.add_all([
            RoleRow(uscc=SHOP, person_id="ann", role="principal", from_on=date(2022, 1, 1)),
            RoleRow(uscc=OTHER, person_id="ann", role="legal_representative",
                    from_on=date(2018, 1, 1), to_on=date(2021, 12, 31)),
            RoleRow(uscc=THIRD, person_id="bob", role="principal", from_on=date(2020, 1, 1)),
        ])
        rows = {
            "shop_penalty": _record("E1", "penalty", uscc=SHOP),
            "shop_inspection": _record("E2", "inspection", uscc=SHOP),
            "other_penalty": _record("E3", "penalty", uscc=OTHER, on=date(2021, 6, 1)),
            "other_inspection": _record("E4", "inspection", uscc=OTHER),
            "ann_conviction": _record("P1", "conviction", person="ann"),
            "third_penalty": _record("E5", "penalty", uscc=THIRD),
        }
        session.add_all(rows.values())
        session.flush()
        session.add(RevocationRow(record_id=rows["shop_penalty"].id, revoked_on=date(2024, 3, 1),
                                  reason="appeal", created_by="test"))
        session.add(RepairRow(record_id=rows["other_penalty"].id, approved_on=date(2023, 1, 2),
                              note="repaired", created_by="test"))
        return {name: row.id for name, row in rows.items()}


def test_an_enterprise_file_holds_its_records_with_revocation_dates(
        container: Container, population: dict[str, int]) -> None:
    with container.session_factory() as session:
        file = load_credit_file(session, SubjectRef("enterprise", SHOP))
    assert [r.id for r in file.records] == [
        population["shop_penalty"], population["shop_inspection"]]
    assert file.records[0].revoked_on == date(2024, 3, 1)
    assert file.enterprise is not None and file.enterprise.category == "catering"


def test_an_enterprise_file_holds_a_person_file_for_each_role_holder(
        container: Container, population: dict[str, int]) -> None:
    with container.session_factory() as session:
        file = load_credit_file(session, SubjectRef("enterprise", SHOP))
    assert [r.person_id for r in file.roles] == ["ann"]
    (ann,) = file.persons
    assert ann.person_id == "ann"
    assert [r.id for r in ann.records] == [population["ann_conviction"]]
    assert sorted(r.uscc for r in ann.roles) == [OTHER, SHOP]  # all her roles, not just SHOP's


def test_a_person_file_holds_penalties_of_every_enterprise_of_the_person_only(
        container: Container, population: dict[str, int]) -> None:
    with container.session_factory() as session:
        file = load_credit_file(session, SubjectRef("enterprise", SHOP))
    (ann,) = file.persons
    assert [r.id for r in ann.enterprise_records] == [
        population["other_penalty"], population["shop_penalty"]]
    assert ann.enterprise_records[0].repaired_on == date(2023, 1, 2)


def test_a_person_file_is_the_persons_own_file(
        container: Container, population: dict[str, int]) -> None:
    with container.session_factory() as session:
        file = load_credit_file(session, SubjectRef("person", "ann"))
    assert [r.id for r in file.records] == [population["ann_conviction"]]
    assert sorted(r.uscc for r in file.roles) == [OTHER, SHOP]
    assert [p.person_id for p in file.persons] == ["ann"]
    assert file.enterprise is None


def _count_queries(session: Session) -> list[str]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(args[2])

    event.listen(session.get_bind(), "before_cursor_execute", count)
    return statements


def test_a_chunk_costs_the_same_few_queries_whatever_its_size(
        container: Container, population: dict[str, int]) -> None:
    subjects = [SubjectRef("enterprise", u) for u in (SHOP, OTHER, THIRD)] + [
        SubjectRef("person", p) for p in ("ann", "bob")]
    with container.session_factory() as session:
        load_credit_files(session, subjects[:1])  # warm up: connection pragmas are not queries here
        statements = _count_queries(session)
        files = load_credit_files(session, subjects)
    assert len(files) == 5
    assert len(statements) <= 4
    assert [p.person_id for p in files[SubjectRef("enterprise", THIRD)].persons] == ["bob"]


def test_subject_keys_come_enterprises_first_then_persons_in_pages(
        container: Container, population: dict[str, int]) -> None:
    with container.session_factory() as session:
        first = iter_subject_keys(session, None, 2)
        second = iter_subject_keys(session, first[-1], 2)
        third = iter_subject_keys(session, second[-1], 2)
    assert first == [SubjectRef("enterprise", OTHER), SubjectRef("enterprise", SHOP)]
    assert second == [SubjectRef("enterprise", THIRD), SubjectRef("person", "ann")]
    assert third == [SubjectRef("person", "bob")]
