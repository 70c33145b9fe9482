"""The public lookup API (/public/v1/): search, detail, masked persons, announcements."""

from datetime import timedelta

from credit_engine.api.app import create_app

from public_population import WOK_REASON_TEXT


def items(response):
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["items"]


def test_search_by_part_of_the_name_finds_the_enterprise_with_its_grade(public_client, population):
    [hit] = items(public_client.get("/public/v1/enterprises", query_string={"q": "金锅"}))
    assert (hit["uscc"], hit["grade"], hit["category"], hit["district"]) == \
        (population.wok, "D", "catering", "黄浦区")
    assert hit["graded_on"] == (population.today - timedelta(days=20)).isoformat()


def test_search_by_uscc_finds_the_enterprise(public_client, population):
    [hit] = items(public_client.get("/public/v1/enterprises", query_string={"q": population.bakery}))
    assert hit["name"] == "麦香食品商店"


def test_search_never_matches_persons(public_client, population):
    for q in (population.listed.name, population.listed.id_number, population.unlisted.name):
        assert items(public_client.get("/public/v1/enterprises", query_string={"q": q})) == []


def test_search_pages_with_a_cursor(public_client, population):
    first = public_client.get("/public/v1/enterprises", query_string={"q": "食", "limit": 1}).get_json()
    assert len(first["items"]) == 1 and first["next_cursor"]
    second = public_client.get("/public/v1/enterprises", query_string={
        "q": "食", "limit": 1, "cursor": first["next_cursor"]}).get_json()
    names = {i["name"] for i in first["items"] + second["items"]}
    assert names == {"麦香食品商店", "第一实验小学食堂"}
    assert second["next_cursor"] is None


def test_page_size_above_500_is_a_validation_problem(public_client, population):
    response = public_client.get("/public/v1/enterprises", query_string={"q": "金", "limit": 501})
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert "limit" in response.get_json()["errors"]


def test_search_without_q_is_a_validation_problem(public_client, population):
    response = public_client.get("/public/v1/enterprises")
    assert response.status_code == 422
    assert "q" in response.get_json()["errors"]


def test_detail_has_grade_date_public_reasons_and_active_measures(public_client, population):
    body = public_client.get(f"/public/v1/enterprises/{population.wok}").get_json()
    assert (body["grade"], body["graded_on"]) == ("D", (population.today - timedelta(days=20)).isoformat())
    [reason] = body["reasons"]
    assert reason == {"rule": "OVR-EMPLOYS-BANNED", "points": 0,
                      "text": WOK_REASON_TEXT.replace("王大明", "王**")}
    assert [m["code"] for m in body["measures"]] == ["LIC-EMPLOYS-BANNED", "FIN-RESTRICT"]


def test_detail_of_catering_shows_the_hygiene_rating(public_client, population):
    body = public_client.get(f"/public/v1/enterprises/{population.wok}").get_json()
    assert body["hygiene_rating"]["rating"] == "fair"


def test_detail_of_retail_has_no_hygiene_rating(public_client, population):
    body = public_client.get(f"/public/v1/enterprises/{population.bakery}").get_json()
    assert body["hygiene_rating"] is None


def test_detail_lists_the_grade_change_announcement_with_its_deadline(public_client, population):
    [announcement] = public_client.get(f"/public/v1/enterprises/{population.wok}").get_json()["announcements"]
    assert (announcement["type"], announcement["old_grade"], announcement["new_grade"]) == ("grade_change", "B", "D")
    assert announcement["status"] == "published"
    assert announcement["objection_deadline"] > announcement["published_on"]


def test_unknown_enterprise_is_404_problem_without_echoing_the_path(public_client, population):
    response = public_client.get(f"/public/v1/enterprises/{population.listed.id_number}")
    assert response.status_code == 404
    assert population.listed.id_number not in response.get_data(as_text=True)


def test_dishonest_persons_lists_the_listed_person_masked(public_client, population):
    [person] = items(public_client.get("/public/v1/dishonest-persons"))
    assert person == {"name": "王**", "id_number": population.listed.id_number[:6] + "********"
                      + population.listed.id_number[-4:],
                      "listed_from": population.listing_from.isoformat(),
                      "listed_until": population.listing_until.isoformat()}


def test_dishonest_persons_is_empty_after_the_listing_ends(container_on, population):
    # No date after today may be asked about: ask a service whose today is the listing's end.
    after = create_app(container=container_on(population.listing_until)).test_client()
    assert items(after.get("/public/v1/dishonest-persons")) == []
    assert items(after.get("/public/v1/dishonest-persons",
                           query_string={"as_of": population.listing_until.isoformat()})) == []


def test_announcements_show_enterprise_change_and_masked_person_listing_only(public_client, population):
    found = items(public_client.get("/public/v1/announcements"))
    assert sorted((a["type"], a["subject"]["type"]) for a in found) == \
        [("grade_change", "enterprise"), ("listing", "person")]
    listing = next(a for a in found if a["type"] == "listing")
    assert listing["subject"] == {"type": "person", "name": "王**"}


def test_repeated_lookup_with_the_etag_is_304(public_client, population):
    first = public_client.get("/public/v1/announcements")
    assert "max-age" in first.headers["Cache-Control"]
    again = public_client.get("/public/v1/announcements", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_too_many_requests_is_a_429_problem(public_app, population):
    public_app.config["PUBLIC_RATE_LIMIT"] = "2 per minute"
    client = public_app.test_client()
    for _ in range(2):
        assert client.get("/public/v1/announcements").status_code == 200
    response = client.get("/public/v1/announcements")
    assert response.status_code == 429
    assert response.mimetype == "application/problem+json"
    assert "Too many requests" in response.get_json()["detail"]


def test_the_page_shares_the_rate_limit_and_answers_in_html(public_app, population):
    public_app.config["PUBLIC_RATE_LIMIT"] = "1 per minute"
    client = public_app.test_client()
    client.get("/public/v1/announcements")
    response = client.get("/")
    assert response.status_code == 429
    assert "查询过于频繁" in response.get_data(as_text=True)
