"""Enterprises, persons and roles of a generated population."""

from __future__ import annotations

from collections import Counter
from datetime import date

from credit_engine.domain.identifiers import id_number_problem, uscc_problem
from credit_engine.population import generate_population

JIUQUAN_DISTRICTS = {"肃州区", "玉门市", "敦煌市", "金塔县", "瓜州县", "肃北蒙古族自治县",
                     "阿克塞哈萨克族自治县"}
DISTRICT_CODES = {"620902", "620981", "620982", "620921", "620922", "620923", "620924"}


def test_same_seed_gives_the_same_population(demo_population):
    again = generate_population(20261129, 300, 400, start=date(2022, 1, 1), end=date(2026, 11, 29))
    assert again == demo_population


def test_another_seed_gives_other_codes(demo_population):
    other = generate_population(7, 300, 400, start=date(2022, 1, 1), end=date(2026, 11, 29))
    assert {e["uscc"] for e in other.enterprises}.isdisjoint(
        e["uscc"] for e in demo_population.enterprises)


def test_every_uscc_is_valid_and_unique(demo_population):
    codes = [e["uscc"] for e in demo_population.enterprises]
    assert [c for c in codes if uscc_problem(c)] == []
    assert len(set(codes)) == len(codes) == 300


def test_uscc_carries_the_district_code(demo_population):
    assert {e["uscc"][2:8] for e in demo_population.enterprises} <= DISTRICT_CODES


def test_every_id_number_is_valid_and_unique(demo_population):
    numbers = [p["id_number"] for p in demo_population.persons]
    assert [n for n in numbers if id_number_problem(n)] == []
    assert len(set(numbers)) == len(numbers) == 400


def test_id_numbers_are_unique_in_a_large_population():
    from credit_engine.population.codes import IdNumberFactory
    from credit_engine.population.places import BIRTH_AREA_CODES

    factory = IdNumberFactory(3, BIRTH_AREA_CODES)
    numbers = {factory.make(i) for i in range(200_000)}
    assert len(numbers) == 200_000


def test_birth_dates_are_plausible_adults(demo_population):
    years = [int(p["id_number"][6:10]) for p in demo_population.persons]
    assert 1958 <= min(years) and max(years) <= 1998


def test_enterprises_are_in_the_seven_districts_of_jiuquan(demo_population):
    districts = {e["district"] for e in demo_population.enterprises}
    assert districts <= JIUQUAN_DISTRICTS and len(districts) >= 5


def test_names_are_chinese_and_unique(demo_population):
    names = [e["name"] for e in demo_population.enterprises]
    assert len(set(names)) == len(names)
    assert all("\u4e00" <= n[0] <= "\u9fff" for n in names)
    assert all(2 <= len(p["name"]) <= 10 for p in demo_population.persons)


def test_category_mix_is_close_to_the_city_mix():
    population = generate_population(11, 4000, 100, start=date(2025, 1, 1), end=date(2025, 6, 30))
    shares = Counter(e["category"] for e in population.enterprises)
    # the 2027.1 categories refine canteen (60 % school), small_workshop (45 % shop, 35 % stall)
    # and retail (2 % market operators, 1 % online platforms)
    expected = {"catering": 0.40, "retail": 0.291, "production": 0.12, "small_workshop": 0.02,
                "canteen": 0.032, "school_canteen": 0.048, "small_shop": 0.045, "stall": 0.035,
                "market_operator": 0.006, "online_platform": 0.003}
    for category, share in expected.items():
        assert abs(shares[category] / 4000 - share) < 0.015, category


def test_no_licence_date_after_end(demo_population):
    assert max(e["licensed_on"] for e in demo_population.enterprises) <= "2026-11-29"


def test_every_enterprise_has_a_legal_representative(demo_population):
    represented = {r["uscc"] for r in demo_population.roles if r["role"] == "legal_representative"}
    assert represented == {e["uscc"] for e in demo_population.enterprises}


def test_roles_refer_to_generated_persons_and_enterprises(demo_population):
    numbers = {p["id_number"] for p in demo_population.persons}
    usccs = {e["uscc"] for e in demo_population.enterprises}
    assert all(r["id_number"] in numbers and r["uscc"] in usccs for r in demo_population.roles)


def test_some_persons_hold_roles_in_several_enterprises(demo_population):
    enterprises_per_person = Counter(
        p for p in {(r["id_number"], r["uscc"]) for r in demo_population.roles})
    per_person = Counter(number for number, _ in enterprises_per_person)
    assert sum(1 for n in per_person.values() if n >= 2) >= 10


def test_all_three_roles_occur_and_some_ended(demo_population):
    assert {r["role"] for r in demo_population.roles} == {
        "legal_representative", "principal", "food_safety_manager"}
    ended = [r for r in demo_population.roles if r["to"] is not None]
    assert ended and all(r["from"] <= r["to"] < "2026-11-29" for r in ended)


def test_roles_start_when_the_person_is_an_adult(demo_population):
    for role in demo_population.roles:
        born = role["id_number"][6:14]
        adult = f"{int(born[:4]) + 18}-{born[4:6]}-{born[6:8]}"
        assert role["from"] >= adult and role["from"] <= "2026-11-29"
