"""Enterprises, persons and roles over HTTP: codes, validation, privacy, audit."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from credit_engine.bootstrap import Container
from credit_engine.storage.models import EnterpriseRow, RoleRow
from credit_engine.storage.repositories.subjects import get_person

from api_helpers import USCC_A, USCC_B, audit_entries, problem_of, valid_id_number, valid_uscc

ID_NUMBER = valid_id_number("11010519491231002")


def test_put_enterprise_creates_with_201_and_stores_it(
        client: FlaskClient, writer: dict[str, str], container: Container) -> None:
    uscc = valid_uscc(USCC_B)
    response = client.put(f"/api/v1/enterprises/{uscc}", headers=writer, json={
        "name": "Sunrise Canteen", "category": "canteen", "district": "Chengguan",
        "licence_no": "JY16201020000001", "licensed_on": "2023-04-01"})
    assert response.status_code == 201
    assert response.get_json()["licensed_on"] == "2023-04-01"
    with container.session_factory() as session:
        row = session.get(EnterpriseRow, uscc)
        assert row is not None and (row.name, row.category) == ("Sunrise Canteen", "canteen")


def test_put_enterprise_again_updates_with_200(
        client: FlaskClient, writer: dict[str, str], enterprise: str, container: Container) -> None:
    response = client.put(f"/api/v1/enterprises/{enterprise}", headers=writer,
                          json={"name": "Golden Wok", "category": "retail"})
    assert response.status_code == 200
    with container.session_factory() as session:
        row = session.get(EnterpriseRow, enterprise)
        assert row is not None and row.category == "retail"


def test_put_enterprise_with_a_bad_check_character_is_422_naming_uscc(
        client: FlaskClient, writer: dict[str, str]) -> None:
    good = valid_uscc(USCC_A)
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    response = client.put(f"/api/v1/enterprises/{bad}", headers=writer,
                          json={"name": "X", "category": "catering"})
    assert response.status_code == 422
    assert "uscc" in problem_of(response)["errors"]


def test_put_enterprise_with_unknown_category_is_422_naming_category(
        client: FlaskClient, writer: dict[str, str]) -> None:
    response = client.put(f"/api/v1/enterprises/{valid_uscc(USCC_A)}", headers=writer,
                          json={"name": "X", "category": "bakery"})
    assert response.status_code == 422
    assert "category" in problem_of(response)["errors"]


def test_put_enterprise_is_written_to_the_audit_log_with_the_key_name(
        enterprise: str, container: Container) -> None:
    entries = audit_entries(container, "enterprise.created")
    assert [(e.actor, e.target) for e in entries] == [("desk-writer", f"enterprise:{enterprise}")]


def test_post_person_registers_with_201_and_an_opaque_id(
        client: FlaskClient, writer: dict[str, str], container: Container) -> None:
    response = client.post("/api/v1/persons", headers=writer,
                           json={"id_number": ID_NUMBER, "name": "李四"})
    assert response.status_code == 201
    person_id = response.get_json()["id"]
    assert ID_NUMBER not in person_id and ID_NUMBER[-4:] not in person_id
    with container.session_factory() as session:
        stored = get_person(session, person_id)
        assert stored is not None and (stored.id_number, stored.name) == (ID_NUMBER, "李四")


def test_post_person_with_a_known_id_number_is_200_with_the_same_id(
        client: FlaskClient, writer: dict[str, str], person: str) -> None:
    response = client.post("/api/v1/persons", headers=writer,
                           json={"id_number": ID_NUMBER, "name": "张三"})
    assert response.status_code == 200
    assert response.get_json()["id"] == person


def test_post_person_with_a_known_id_number_and_a_new_name_is_409_for_a_writer(
        client: FlaskClient, writer: dict[str, str], person: str, container: Container) -> None:
    response = client.post("/api/v1/persons", headers=writer,
                           json={"id_number": ID_NUMBER, "name": "张小三"})
    assert response.status_code == 409
    assert "admin" in problem_of(response)["detail"]
    with container.session_factory() as session:
        assert get_person(session, person).name == "张三"  # type: ignore[union-attr]
    assert audit_entries(container, "person.renamed") == []


def test_an_admin_renames_a_person_with_200_audited_with_both_names_masked(
        client: FlaskClient, admin: dict[str, str], person: str, container: Container) -> None:
    response = client.post("/api/v1/persons", headers=admin,
                           json={"id_number": ID_NUMBER, "name": "李小四"})
    assert response.status_code == 200
    assert response.get_json()["id"] == person
    with container.session_factory() as session:
        assert get_person(session, person).name == "李小四"  # type: ignore[union-attr]
    [entry] = audit_entries(container, "person.renamed")
    assert (entry.actor, entry.target) == ("office-admin", f"person:{person}")
    assert entry.payload == {"id_number": ID_NUMBER[:6] + "********" + ID_NUMBER[-4:],
                             "name": "李**", "old_name": "张**"}


def test_registering_a_person_audits_only_the_masked_id_number_and_name(
        person: str, container: Container) -> None:
    [entry] = audit_entries(container, "person.created")
    assert entry.payload == {"id_number": ID_NUMBER[:6] + "********" + ID_NUMBER[-4:],
                             "name": "张**"}


def test_post_person_with_a_bad_check_digit_is_422_naming_id_number(
        client: FlaskClient, writer: dict[str, str]) -> None:
    bad = ID_NUMBER[:17] + ("0" if ID_NUMBER[17] != "0" else "1")
    response = client.post("/api/v1/persons", headers=writer,
                           json={"id_number": bad, "name": "王五"})
    assert response.status_code == 422
    assert "id_number" in problem_of(response)["errors"]


def test_person_id_number_is_masked_for_a_non_admin_key(
        client: FlaskClient, reader: dict[str, str], person: str) -> None:
    body = client.get(f"/api/v1/persons/{person}", headers=reader).get_json()
    assert body["id_number"] == ID_NUMBER[:6] + "********" + ID_NUMBER[-4:]


def test_person_id_number_is_in_clear_for_an_admin_key(
        client: FlaskClient, admin: dict[str, str], person: str) -> None:
    body = client.get(f"/api/v1/persons/{person}", headers=admin).get_json()
    assert body["id_number"] == ID_NUMBER


def test_registering_a_person_answers_a_masked_id_number_to_a_writer(
        client: FlaskClient, writer: dict[str, str]) -> None:
    body = client.post("/api/v1/persons", headers=writer,
                       json={"id_number": ID_NUMBER, "name": "张三"}).get_json()
    assert ID_NUMBER not in str(body)


def test_unknown_person_is_404_problem(client: FlaskClient, reader: dict[str, str]) -> None:
    response = client.get("/api/v1/persons/0123456789abcdef", headers=reader)
    assert response.status_code == 404
    problem_of(response)


def test_put_role_creates_a_period_with_201_and_stores_it(
        client: FlaskClient, writer: dict[str, str], enterprise: str, person: str,
        container: Container) -> None:
    response = client.put(f"/api/v1/enterprises/{enterprise}/roles/{person}", headers=writer,
                          json={"role": "legal_representative", "from": "2020-01-01", "to": None})
    assert response.status_code == 201
    assert response.get_json() == {"uscc": enterprise, "person_id": person,
                                   "role": "legal_representative", "from": "2020-01-01", "to": None}
    with container.session_factory() as session:
        rows = session.scalars(select(RoleRow)).all()
        assert [(r.person_id, r.role, r.to_on) for r in rows] == [
            (person, "legal_representative", None)]


def test_put_role_again_ends_the_period_with_200(
        client: FlaskClient, writer: dict[str, str], enterprise: str, person: str) -> None:
    path = f"/api/v1/enterprises/{enterprise}/roles/{person}"
    client.put(path, headers=writer, json={"role": "principal", "from": "2020-01-01"})
    response = client.put(path, headers=writer,
                          json={"role": "principal", "from": "2020-01-01", "to": "2022-06-30"})
    assert response.status_code == 200
    assert response.get_json()["to"] == "2022-06-30"


def test_put_role_for_an_unknown_enterprise_is_404(
        client: FlaskClient, writer: dict[str, str], person: str) -> None:
    response = client.put(f"/api/v1/enterprises/{valid_uscc(USCC_B)}/roles/{person}",
                          headers=writer, json={"role": "principal", "from": "2020-01-01"})
    assert response.status_code == 404
    problem_of(response)


def test_put_role_for_an_unknown_person_is_404(
        client: FlaskClient, writer: dict[str, str], enterprise: str) -> None:
    response = client.put(f"/api/v1/enterprises/{enterprise}/roles/0123456789abcdef",
                          headers=writer, json={"role": "principal", "from": "2020-01-01"})
    assert response.status_code == 404


def test_enterprise_shows_its_roles_to_a_reader(
        client: FlaskClient, writer: dict[str, str], reader: dict[str, str], enterprise: str,
        person: str) -> None:
    client.put(f"/api/v1/enterprises/{enterprise}/roles/{person}", headers=writer,
               json={"role": "food_safety_manager", "from": "2021-03-01"})
    body = client.get(f"/api/v1/enterprises/{enterprise}", headers=reader).get_json()
    assert body["name"] == "Golden Wok Restaurant"
    assert [(r["person_id"], r["role"]) for r in body["roles"]] == [(person, "food_safety_manager")]
