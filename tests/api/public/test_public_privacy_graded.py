"""The privacy walk again, over grades and announcements made by the real rule engine."""

import pytest

from credit_engine.bootstrap import Container

from public_population import Population, populate_graded
from test_public_privacy import public_paths, readable_body, secrets_of


@pytest.fixture
def graded(container: Container) -> Population:
    with container.transaction() as session:
        return populate_graded(session, container.rulesets, container.settings.today())


def test_engine_graded_population_leaks_nothing_personal(public_client, graded):
    for path in public_paths(graded):
        body = readable_body(public_client.get(path))
        for secret in secrets_of(graded):
            assert secret not in body, f"{path} leaks {secret!r}"


def test_engine_graded_population_shows_the_listing_and_the_enterprise_change(public_client, graded):
    found = public_client.get("/public/v1/announcements").get_json()["items"]
    kinds = sorted((a["type"], a["subject"]["type"]) for a in found)
    assert ("listing", "person") in kinds and ("grade_change", "enterprise") in kinds
    [person] = public_client.get("/public/v1/dishonest-persons").get_json()["items"]
    assert person["name"] == "王**"
    wok = public_client.get(f"/public/v1/enterprises/{graded.wok}").get_json()
    assert wok["grade"] == "D"
