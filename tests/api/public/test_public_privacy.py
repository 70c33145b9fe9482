"""Nothing personal leaves the public surfaces: no full name, ID number or opaque person id.

Walks every public endpoint and page (including errors and searches for the persons
themselves) over a population with one listed and one unlisted person.
"""

import json

import pytest


# A search for a person is answered exactly as a search for someone unknown: the page
# echoes the words typed into its search box, and nothing else about them.
UNKNOWN = {"name": "赵无名", "id_number": "110101199001011237", "opaque_id": "p" + "0" * 31}


def person_searches(p):
    """(path with a person's data as the query, the same path for an unknown person, secret)."""
    for resident in (p.listed, p.unlisted):
        for field, dummy in UNKNOWN.items():
            secret = getattr(resident, field)
            for base in ("/public/v1/enterprises?q=", "/?q="):
                yield base + secret, base + dummy, secret, dummy


def public_paths(p):
    api = "/public/v1"
    searches = ["金锅", "食", p.wok]
    return [
        *[f"{api}/enterprises?q={q}" for q in searches],
        f"{api}/enterprises", f"{api}/enterprises?q=x&limit=9999",
        *[f"{api}/enterprises/{u}" for u in (p.wok, p.bakery, p.canteen)],
        f"{api}/enterprises/{p.listed.id_number}", f"{api}/enterprises/{p.listed.opaque_id}",
        f"{api}/dishonest-persons", f"{api}/dishonest-persons?limit=500",
        f"{api}/dishonest-persons?cursor=bad", f"{api}/announcements",
        f"{api}/announcements?limit=500", f"{api}/persons/{p.listed.opaque_id}",
        "/", *[f"/?q={q}" for q in searches],
        *[f"/enterprises/{u}" for u in (p.wok, p.bakery, p.canteen)],
        f"/enterprises/{p.listed.id_number}", "/dishonest-persons", "/announcements",
        "/?q=" + "长" * 101,
    ]


def secrets_of(p):
    return [p.listed.name, p.listed.id_number, p.listed.opaque_id,
            p.unlisted.name, p.unlisted.id_number, p.unlisted.opaque_id]


def readable_body(response) -> str:
    """The body as text, JSON re-dumped unescaped so \\u escapes cannot hide a name."""
    text = response.get_data(as_text=True)
    if response.is_json:
        text += json.dumps(response.get_json(), ensure_ascii=False)
    return text + json.dumps(dict(response.headers), ensure_ascii=False)


def test_no_public_response_carries_a_full_name_id_number_or_person_id(public_client, population):
    walked = 0
    for path in public_paths(population):
        body = readable_body(public_client.get(path))
        for secret in secrets_of(population):
            assert secret not in body, f"{path} leaks {secret!r}"
        walked += 1
    assert walked == len(public_paths(population))


def test_searching_for_a_person_reveals_nothing_beyond_the_words_typed(public_client, population):
    for path, unknown_path, secret, dummy in person_searches(population):
        answer = public_client.get(path).get_data(as_text=True)
        baseline = public_client.get(unknown_path).get_data(as_text=True)
        assert answer.replace(secret, dummy) == baseline, path


def test_the_unlisted_person_does_not_appear_even_masked(public_client, population):
    masked_id = population.unlisted.id_number[:6] + "********" + population.unlisted.id_number[-4:]
    for path in public_paths(population):
        body = readable_body(public_client.get(path))
        assert masked_id not in body and "李**" not in body, path


@pytest.mark.parametrize("path", ["/public/v1/dishonest-persons", "/dishonest-persons"])
def test_the_listed_person_appears_only_masked(public_client, population, path):
    body = readable_body(public_client.get(path))
    assert "王**" in body
    assert population.listed.id_number[:6] + "********" + population.listed.id_number[-4:] in body
