"""Hostile input through the registry's forms and search: stored or refused with a Chinese
message, always escaped when shown, never a server error."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from talentpool.identity import make_id_number
from talentpool.models import Person
from tests.factories import grant_personal_data, make_person
from tests.hostile import HOSTILE, NUL, RAW_BODIES, assert_handled, assert_shown_safely, post_raw

TEXT_FIELDS = ("name", "work_place", "industry_unit", "school_major", "skills", "remark")


@pytest.fixture
def officer_client(township_officer_a):
    client = Client(raise_request_exception=False)
    client.force_login(township_officer_a)
    return client


def _create_data(village, serial: int, **fields) -> dict:
    return {
        "name": "李芳",
        "id_number": make_id_number("500233", date(1990, 1, 2), serial, "2"),
        "village": village.pk,
        "ethnicity": "01",
        "residence": "away",
        **fields,
    }


@pytest.mark.parametrize("key", sorted(HOSTILE))
def test_hostile_values_in_every_text_field_of_the_create_form(officer_client, village_a, key):
    value = HOSTILE[key]
    data = _create_data(village_a, 7, **dict.fromkeys(TEXT_FIELDS, value))
    response = officer_client.post(reverse("registry:create"), data)
    assert_handled(response)
    body = response.content.decode()
    if NUL in value:
        assert response.status_code == 400
        assert "NUL" in body and "已拒绝" in body
        assert not Person.objects.exists()
        return
    if response.status_code == 302:
        person = Person.objects.get()
        detail = officer_client.get(response.url)
        assert detail.status_code == 200
        assert_shown_safely(detail.content.decode(), value)
        listing = officer_client.get(reverse("registry:list"))
        assert_shown_safely(listing.content.decode(), value)
        assert person.remark == value.strip() or person.remark
    else:
        assert response.status_code == 200
        assert response.context["form"].errors
        assert_shown_safely(body, value)
        # Each error is a Chinese message.
        for errors in response.context["form"].errors.values():
            assert all(any("\u4e00" <= ch <= "\u9fff" for ch in str(e)) for e in errors)


def test_a_ten_thousand_character_name_is_refused_with_a_message(officer_client, village_a):
    response = officer_client.post(
        reverse("registry:create"), _create_data(village_a, 8, name="长" * 10_000)
    )
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    assert not Person.objects.exists()


def test_script_in_a_name_is_stored_as_text_and_escaped(officer_client, village_a):
    value = HOSTILE["script"]
    response = officer_client.post(
        reverse("registry:create"), _create_data(village_a, 9, skills=value)
    )
    assert response.status_code == 302
    body = officer_client.get(response.url).content.decode()
    assert "&lt;script&gt;alert(&#x27;xss&#x27;)&lt;/script&gt;" in body


@pytest.mark.parametrize("key", sorted(HOSTILE))
def test_hostile_values_in_the_edit_form(client, county_officer, township_a, village_a, key):
    value = HOSTILE[key]
    person = make_person(township_a, village_a)
    client = Client(raise_request_exception=False)
    client.force_login(grant_personal_data(county_officer))
    data = {
        "name": person.name,
        "id_number": person.id_number,
        "township": township_a.pk,
        "village": village_a.pk,
        "ethnicity": "01",
        "residence": "away",
        "version": person.version,
        "remark": value,
        "work_place": value,
    }
    response = client.post(reverse("registry:edit", args=[person.pk]), data)
    assert_handled(response)
    assert_shown_safely(response.content.decode(), value)
    if response.status_code == 302:
        assert_shown_safely(client.get(response.url).content.decode(), value)


@pytest.mark.parametrize("key", sorted(HOSTILE))
def test_hostile_search_terms(officer_client, township_a, key):
    make_person(township_a, name="张维")
    response = officer_client.get(reverse("registry:list"), {"q": HOSTILE[key]})
    assert_handled(response)
    assert_shown_safely(response.content.decode(), HOSTILE[key])
    htmx = officer_client.get(
        reverse("registry:list"), {"q": HOSTILE[key]}, headers={"HX-Request": "true"}
    )
    assert_handled(htmx)


@pytest.mark.parametrize("key", sorted(RAW_BODIES))
def test_bytes_that_are_not_utf8_are_handled(officer_client, village_a, key):
    data = _create_data(village_a, 10)
    data.pop("name")
    response = post_raw(officer_client, reverse("registry:create"), data, "name", RAW_BODIES[key])
    assert_handled(response)
    search = officer_client.get(reverse("registry:list") + "?q=%ED%A0%80%FF")
    assert_handled(search)


def test_nul_in_a_query_string_or_a_field_name_is_refused(officer_client):
    response = officer_client.get(reverse("registry:list"), {"q": "a\x00b"})
    assert response.status_code == 400
    assert "NUL" in response.content.decode()
    response = officer_client.get(reverse("registry:list") + "?x%00y=1")
    assert response.status_code == 400


def test_nul_in_the_login_form_is_refused_not_a_server_error():
    client = Client(raise_request_exception=False)
    response = client.post(reverse("login"), {"username": "a\x00", "password": "x"})
    assert response.status_code == 400


def test_bad_request_pages_are_chinese(client):
    response = Client(raise_request_exception=False).get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
