"""Full ID numbers and phones: only for users with the right, only after a reason, logged, and
for a short time."""

import time

import pytest
from django.urls import reverse

from talentpool import security
from talentpool.models import AccessAction, AccessLog
from tests.factories import grant_personal_data, make_person


@pytest.fixture
def zhang(township_a, village_a):
    return make_person(township_a, village_a, name="张维", phone="13812345678")


def test_revealing_writes_an_access_log_row_and_shows_the_values(client, county_officer, zhang):
    officer = grant_personal_data(county_officer)
    client.force_login(officer)
    response = client.post(
        reverse("security:reveal", args=[zhang.pk]),
        {"reason": "联系本人", "note": "通知培训"},
        REMOTE_ADDR="10.3.3.3",
    )
    assert response.status_code == 302
    assert response.url == reverse("registry:detail", args=[zhang.pk])
    row = AccessLog.objects.get()
    assert row.user == officer
    assert row.action == AccessAction.REVEAL
    assert row.person_id == zhang.pk
    assert row.fields == ["id_number", "phone"]
    assert row.reason == "联系本人：通知培训"
    assert row.ip_address == "10.3.3.3"
    body = client.get(reverse("registry:detail", args=[zhang.pk])).content.decode()
    assert zhang.id_number in body and "13812345678" in body
    assert "已显示完整信息" in body


def test_htmx_reveal_returns_only_the_identifiers_fragment(client, county_officer, zhang):
    client.force_login(grant_personal_data(county_officer))
    response = client.post(
        reverse("security:reveal", args=[zhang.pk]),
        {"reason": "核对身份"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="person-identifiers"' in body
    assert zhang.id_number in body
    assert "<html" not in body


def test_reveal_needs_a_reason(client, county_officer, zhang):
    client.force_login(grant_personal_data(county_officer))
    response = client.post(reverse("security:reveal", args=[zhang.pk]), {"reason": ""})
    assert response.status_code == 302
    assert not AccessLog.objects.exists()
    page = client.get(response.url).content.decode()
    assert "请选择查看事由" in page
    assert zhang.id_number not in page


def test_reveal_covers_only_that_person(client, county_officer, zhang, township_a):
    other = make_person(township_a, name="李四", phone="13900000000")
    client.force_login(grant_personal_data(county_officer))
    client.post(reverse("security:reveal", args=[zhang.pk]), {"reason": "联系本人"})
    body = client.get(reverse("registry:detail", args=[other.pk])).content.decode()
    assert other.id_number not in body
    listing = client.get(reverse("registry:list")).content.decode()
    assert zhang.id_number in listing
    assert other.id_number not in listing


def test_reveal_lapses_after_ten_minutes(client, county_officer, zhang):
    client.force_login(grant_personal_data(county_officer))
    client.post(reverse("security:reveal", args=[zhang.pk]), {"reason": "联系本人"})
    session = client.session
    session[security.SESSION_REVEALED] = {str(zhang.pk): time.time() - 1}
    session.save()
    body = client.get(reverse("registry:detail", args=[zhang.pk])).content.decode()
    assert zhang.id_number not in body


def test_user_without_the_right_cannot_reveal(client, township_officer_a, zhang):
    client.force_login(township_officer_a)
    response = client.post(reverse("security:reveal", args=[zhang.pk]), {"reason": "联系本人"})
    assert response.status_code == 403
    assert not AccessLog.objects.exists()
    body = client.get(reverse("registry:detail", args=[zhang.pk])).content.decode()
    assert "查看完整信息" not in body


def test_other_townships_person_cannot_be_revealed(client, township_officer_b, zhang):
    client.force_login(grant_personal_data(township_officer_b))
    response = client.post(reverse("security:reveal", args=[zhang.pk]), {"reason": "联系本人"})
    assert response.status_code == 404
    assert not AccessLog.objects.exists()


def test_outside_a_request_identifiers_are_masked(county_officer, zhang):
    officer = grant_personal_data(county_officer)
    assert zhang.id_number_for(officer) != zhang.id_number
    assert zhang.phone_for(officer) == "138****5678"
    assert zhang.id_number_for(officer, granted=True) == zhang.id_number


def test_edit_form_keeps_identifiers_masked_until_revealed(client, county_officer, zhang):
    client.force_login(grant_personal_data(county_officer))
    url = reverse("registry:edit", args=[zhang.pk])
    assert zhang.id_number not in client.get(url).content.decode()
    client.post(reverse("security:reveal", args=[zhang.pk]), {"reason": "核对身份"})
    assert zhang.id_number in client.get(url).content.decode()


def test_search_by_id_number_is_logged(client, township_officer_a, zhang):
    client.force_login(township_officer_a)
    client.get(reverse("registry:list"), {"q": zhang.id_number}, REMOTE_ADDR="10.4.4.4")
    row = AccessLog.objects.get()
    assert row.action == AccessAction.SEARCH_ID
    assert row.person_id == zhang.pk
    masked = zhang.id_number[:6] + "********" + zhang.id_number[-4:]
    assert row.detail == {"kind": "id_number", "query": masked, "results": 1}
    assert row.ip_address == "10.4.4.4"


@pytest.mark.parametrize("query", ["张维", "zw"])
def test_search_by_name_is_not_logged(client, township_officer_a, zhang, query):
    client.force_login(township_officer_a)
    client.get(reverse("registry:list"), {"q": query})
    assert not AccessLog.objects.exists()


def test_log_access_api_for_other_apps(county_officer, zhang):
    row = security.log_access(
        county_officer, AccessAction.IMPORT, detail={"sha256": "ab" * 32, "created": 3}
    )
    assert row.username == "county"
    assert row.ip_address is None
    assert row.detail["created"] == 3
