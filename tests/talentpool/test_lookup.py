"""Every search box finds people through talentpool.lookup.search_people (issue 13, finding 2):
a masked user finds a phone or an ID number only when typing all of it (or a phone's last four
digits), never by a prefix; every look-up by an identifier is in the access log; and at most
IDENTIFIER_LOOKUPS_PER_MINUTE of them a minute per user."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from talentpool.lookup import identifier_query
from talentpool.models import AccessAction, AccessLog
from tests.factories import grant_personal_data, make_person
from tests.training.factories import make_course, make_post, make_reserve

PHONE = "15061339655"


@pytest.fixture
def ouyang(township_a, village_a):
    """A reserve in township A, in a practice post, so that every list can show them."""
    person = make_reserve(township_a, village_a, name="欧阳明", phone=PHONE)
    make_post(person)
    make_person(township_a, village_a, name="李四", phone="13900000000")
    return person


@pytest.fixture
def search_boxes(ouyang, township_a):
    """Every search box that finds people, as (url, the query parameter's name)."""
    course = make_course(township_a)
    return [
        reverse("registry:list"),
        reverse("candidates:person_search"),
        reverse("candidates:pool"),
        reverse("training:enrol", args=[course.pk]),
        reverse("training:hours"),
        reverse("training:post_list"),
    ]


def finds(client, url: str, query: str) -> bool:
    response = client.get(url, {"q": query})
    assert response.status_code == 200, (url, query, response.status_code)
    return "欧阳明" in response.content.decode()


def test_a_masked_officer_finds_by_whole_numbers_and_phone_tail_only(
    client, settings, township_officer_a, ouyang, search_boxes
):
    settings.IDENTIFIER_LOOKUPS_PER_MINUTE = 1000  # many look-ups in one test
    client.force_login(township_officer_a)
    for url in search_boxes:
        assert finds(client, url, "欧阳"), url
        assert finds(client, url, PHONE), url
        assert finds(client, url, PHONE[-4:]), url
        assert finds(client, url, ouyang.id_number), url
        for prefix in (PHONE[:4], PHONE[:7], PHONE[:10], ouyang.id_number[:10]):
            assert not finds(client, url, prefix), (url, prefix)
        for fragment in (PHONE[3:9], PHONE[-5:], ouyang.id_number[-6:]):
            assert not finds(client, url, fragment), (url, fragment)


def test_every_identifier_lookup_is_logged_with_kind_and_count(
    client, township_officer_a, ouyang, search_boxes
):
    client.force_login(township_officer_a)
    for url in search_boxes:
        before = AccessLog.objects.count()
        client.get(url, {"q": PHONE}, REMOTE_ADDR="10.4.4.4")
        client.get(url, {"q": PHONE[:7]})
        client.get(url, {"q": "欧阳"})
        rows = list(AccessLog.objects.order_by("pk")[before:])
        assert [r.detail["kind"] for r in rows] == ["phone", "partial"], url
        whole, prefix = rows
        assert whole.action == AccessAction.SEARCH_ID
        assert whole.user == township_officer_a
        assert whole.detail["results"] == 1
        assert whole.person_id == ouyang.pk
        assert whole.ip_address == "10.4.4.4"
        assert whole.fields == ["phone"]
        assert prefix.detail["results"] == 0
        assert prefix.person_id is None
        # The log keeps no more of the number than the mask shows.
        assert PHONE not in str(whole.detail) and PHONE[:7] not in str(prefix.detail)


def test_a_full_id_number_lookup_is_logged_masked(client, township_officer_a, ouyang):
    client.force_login(township_officer_a)
    client.get(reverse("registry:list"), {"q": ouyang.id_number})
    row = AccessLog.objects.get()
    assert row.detail == {
        "kind": "id_number",
        "query": ouyang.id_number[:6] + "********" + ouyang.id_number[-4:],
        "results": 1,
    }
    assert row.fields == ["id_number"]


def test_a_user_with_the_right_may_search_by_prefix_and_is_logged(
    client, county_officer, ouyang, search_boxes
):
    client.force_login(grant_personal_data(county_officer))
    assert finds(client, reverse("registry:list"), PHONE[:7])
    assert finds(client, reverse("candidates:person_search"), ouyang.id_number[:10])
    assert AccessLog.objects.filter(user=county_officer, detail__kind="partial").count() == 2


def test_names_are_not_identifier_lookups(client, township_officer_a, ouyang):
    client.force_login(township_officer_a)
    for query in ("欧阳", "oym", "ouyang", "张3"):
        client.get(reverse("registry:list"), {"q": query})
    assert not AccessLog.objects.exists()


def test_identifier_lookups_are_limited_per_user_per_minute(
    client, settings, township_officer_a, township_officer_b, ouyang, monkeypatch
):
    settings.IDENTIFIER_LOOKUPS_PER_MINUTE = 3
    client.force_login(township_officer_a)
    url = reverse("candidates:person_search")
    for _ in range(3):
        assert finds(client, url, PHONE)
    refused = client.get(url, {"q": PHONE})
    assert refused.status_code == 429
    body = refused.content.decode()
    assert "查询过于频繁" in body and "每分钟最多3次" in body
    assert "欧阳明" not in body
    fragment = client.get(url, {"q": PHONE[-4:]}, headers={"HX-Request": "true"})
    assert fragment.status_code == 429
    assert fragment.content.decode().startswith('<div class="alert')
    # Refused look-ups are not logged as look-ups; names still work.
    assert AccessLog.objects.filter(user=township_officer_a).count() == 3
    assert finds(client, url, "欧阳")
    # Another user is not held up by this one.
    client.force_login(township_officer_b)
    assert client.get(url, {"q": PHONE}).status_code == 200
    # A minute later the first may look up again.
    later = timezone.now() + timedelta(seconds=61)
    monkeypatch.setattr("talentpool.lookup.timezone.now", lambda: later)
    client.force_login(township_officer_a)
    assert finds(client, url, PHONE)


def test_an_export_counts_only_what_the_search_finds(client, township_officer_a, ouyang):
    client.force_login(township_officer_a)
    url = reverse("security:export_new")
    assert client.get(url, {"q": PHONE[:7]}).context["row_count"] == 0
    assert client.get(url, {"q": PHONE}).context["row_count"] == 1


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("张维", None),
        ("zw", None),
        ("123", None),
        ("9655", "phone_tail"),
        ("150 6133 9655", "phone"),
        ("+86 150-6133-9655", "phone"),
        ("023-54321234", "phone"),
        ("1506133", "partial"),
        ("500233199911255758", "id_number"),
        ("50023319991125575x", "id_number"),
    ],
)
def test_what_counts_as_an_identifier(text, kind):
    query = identifier_query(text)
    assert (query.kind if query else None) == kind
