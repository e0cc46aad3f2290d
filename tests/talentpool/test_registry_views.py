from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from talentpool.identity import make_id_number
from talentpool.models import Person
from tests.factories import grant_personal_data, make_person


@pytest.fixture
def zhang(township_a, village_a):
    return make_person(township_a, village_a, name="张维", phone="13812345678")


def test_registry_list_shows_masked_id_and_phone(client, township_officer_a, zhang):
    client.force_login(township_officer_a)
    response = client.get(reverse("registry:list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "张维" in body
    assert zhang.id_number not in body
    assert "138****5678" in body
    assert zhang.id_number[:6] + "********" + zhang.id_number[-4:] in body


def test_user_with_the_right_sees_full_id_only_after_giving_a_reason(client, county_officer, zhang):
    client.force_login(grant_personal_data(county_officer))
    url = reverse("registry:detail", args=[zhang.pk])
    before = client.get(url).content.decode()
    assert zhang.id_number not in before
    assert "查看完整信息" in before
    client.post(reverse("security:reveal", args=[zhang.pk]), {"reason": "联系本人"})
    body = client.get(url).content.decode()
    assert zhang.id_number in body
    assert "13812345678" in body


@pytest.mark.parametrize("query", ["zw", "ZW", "张", "张维", "zhangwei", "5678", "13812345678"])
def test_registry_search_finds_by_name_pinyin_and_phone(client, township_officer_a, zhang, query):
    make_person(zhang.township, name="李四", phone="13900000000")
    client.force_login(township_officer_a)
    response = client.get(reverse("registry:list"), {"q": query})
    names = [p.name for p in response.context["page"]]
    assert names == ["张维"]


def test_registry_search_by_full_id_number(client, township_officer_a, zhang):
    client.force_login(township_officer_a)
    typed = " ".join([zhang.id_number[:6], zhang.id_number[6:14], zhang.id_number[14:]])
    response = client.get(reverse("registry:list"), {"q": typed})
    assert [p.pk for p in response.context["page"]] == [zhang.pk]


def test_registry_filters_combine(client, county_officer, township_a, township_b, village_a):
    make_person(township_a, village_a, name="甲", education="20", is_veteran=True)
    make_person(township_a, village_a, name="乙", education="70")
    make_person(township_b, name="丙", education="20")
    client.force_login(county_officer)
    response = client.get(
        reverse("registry:list"), {"township": township_a.pk, "education": "20", "is_veteran": "1"}
    )
    assert [p.name for p in response.context["page"]] == ["甲"]


def test_registry_age_band_filter(client, county_officer, township_a):
    today = date.today()
    make_person(township_a, name="青年", birth_date=date(today.year - 27, 1, 1))
    make_person(township_a, name="中年", birth_date=date(today.year - 47, 1, 1))
    client.force_login(county_officer)
    response = client.get(reverse("registry:list"), {"age_band": "25-29"})
    assert [p.name for p in response.context["page"]] == ["青年"]


def test_invalid_filter_value_is_ignored_not_an_error(client, county_officer, zhang):
    client.force_login(county_officer)
    response = client.get(reverse("registry:list"), {"education": "<script>", "page": "abc"})
    assert response.status_code == 200
    assert [p.name for p in response.context["page"]] == ["张维"]


def test_htmx_request_gets_only_the_results_partial(client, township_officer_a, zhang):
    client.force_login(township_officer_a)
    response = client.get(reverse("registry:list"), {"q": "zw"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "张维" in body
    assert "<html" not in body
    assert 'id="results"' not in body


def test_registry_list_query_count_is_flat(
    client, township_officer_a, township_a, village_a, django_assert_max_num_queries
):
    client.force_login(township_officer_a)

    def count_queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("registry:list"), {"sort": "age"}).status_code == 200
        return len(ctx.captured_queries)

    Person.objects.bulk_create(
        make_person(township_a, village_a, name=f"人员{i}", save=False) for i in range(10)
    )
    small = count_queries()
    Person.objects.bulk_create(
        make_person(township_a, village_a, name=f"人员{i}", save=False) for i in range(490)
    )
    assert count_queries() == small


def test_township_officer_creates_person_with_birth_date_and_gender_from_id(
    client, township_officer_a, township_a, village_a
):
    client.force_login(township_officer_a)
    number = make_id_number("500233", date(1990, 1, 2), 12, "2")
    response = client.post(
        reverse("registry:create"),
        {
            "name": " 李  芳 ",
            "id_number": number.lower(),
            "phone": "+86 139-0000-1111",
            "village": village_a.pk,
            "ethnicity": "01",
            "residence": "away",
        },
    )
    person = Person.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("registry:detail", args=[person.pk])
    assert person.name == "李芳"
    assert person.birth_date == date(1990, 1, 2)
    assert person.gender == "2"
    assert person.phone == "13900001111"
    assert person.township == township_a
    assert person.name_initials == "lf"


def test_create_with_bad_id_shows_chinese_field_error(client, township_officer_a, village_a):
    client.force_login(township_officer_a)
    response = client.post(
        reverse("registry:create"),
        {"name": "李芳", "id_number": "500233199001021235", "village": village_a.pk},
    )
    assert response.status_code == 200
    assert "校验" in str(response.context["form"].errors["id_number"])
    assert not Person.objects.exists()


def test_entered_birth_date_must_agree_with_id(client, township_officer_a, village_a):
    client.force_login(township_officer_a)
    number = make_id_number("500233", date(1990, 1, 2), 12, "1")
    response = client.post(
        reverse("registry:create"),
        {
            "name": "李明",
            "id_number": number,
            "birth_date": "1991-01-02",
            "gender": "2",
            "village": village_a.pk,
            "ethnicity": "01",
            "residence": "away",
        },
    )
    errors = response.context["form"].errors
    assert "1990-01-02" in str(errors["birth_date"])
    assert "第17位" in str(errors["gender"])
    assert not Person.objects.exists()


def test_duplicate_id_is_refused_without_revealing_the_other_record(
    client, township_officer_a, township_b, village_a
):
    other = make_person(township_b, name="王五")
    client.force_login(township_officer_a)
    response = client.post(
        reverse("registry:create"),
        {"name": "李明", "id_number": other.id_number, "village": village_a.pk},
    )
    message = str(response.context["form"].errors["id_number"])
    assert "已登记" in message
    assert "王五" not in response.content.decode()
    assert "任家镇" not in message


def _edit_data(person, **changes):
    data = {
        "name": person.name,
        "id_number": person.id_number,
        "gender": person.gender,
        "birth_date": person.birth_date.isoformat(),
        "ethnicity": person.ethnicity,
        "phone": person.phone,
        "township": person.township_id,
        "village": person.village_id or "",
        "residence": person.residence,
        "education": person.education,
        "political_status": person.political_status,
        "version": person.version,
    }
    data.update(changes)
    return data


def test_county_officer_moves_person_between_townships(
    client, county_officer, zhang, township_b, village_b
):
    client.force_login(grant_personal_data(county_officer))
    response = client.post(
        reverse("registry:edit", args=[zhang.pk]),
        _edit_data(zhang, township=township_b.pk, village=village_b.pk),
    )
    assert response.status_code == 302
    zhang.refresh_from_db()
    assert zhang.township == township_b
    assert zhang.version == 2


def test_township_officer_cannot_move_person_to_another_township(
    client, township_officer_a, zhang, township_b
):
    client.force_login(township_officer_a)
    client.post(
        reverse("registry:edit", args=[zhang.pk]),
        _edit_data(zhang, township=township_b.pk, education="20"),
    )
    zhang.refresh_from_db()
    assert zhang.township_id != township_b.pk


def test_township_officer_cannot_pick_another_townships_village(
    client, township_officer_a, zhang, village_b
):
    client.force_login(township_officer_a)
    response = client.post(
        reverse("registry:edit", args=[zhang.pk]), _edit_data(zhang, village=village_b.pk)
    )
    assert response.status_code == 200
    assert "village" in response.context["form"].errors
    zhang.refresh_from_db()
    assert zhang.village_id != village_b.pk


def test_stale_edit_is_refused_and_input_kept(client, county_officer, zhang):
    client.force_login(grant_personal_data(county_officer))
    stale = _edit_data(zhang, skills="养蜂")
    Person.objects.get(pk=zhang.pk).save_checked(zhang.version)  # someone else saves first
    response = client.post(reverse("registry:edit", args=[zhang.pk]), stale)
    assert response.status_code == 200
    assert "已被他人修改" in response.content.decode()
    assert response.context["form"]["skills"].value() == "养蜂"
    zhang.refresh_from_db()
    assert zhang.skills == ""
    assert zhang.version == 2


def test_leader_reads_registry_but_cannot_edit(client, leader, zhang):
    client.force_login(leader)
    assert client.get(reverse("registry:detail", args=[zhang.pk])).status_code == 200
    assert client.get(reverse("registry:edit", args=[zhang.pk])).status_code == 403
    assert client.post(reverse("registry:create"), {"name": "x"}).status_code == 403


def test_masked_officer_edits_without_seeing_or_changing_the_birth_date(
    client, township_officer_a, zhang
):
    client.force_login(township_officer_a)
    url = reverse("registry:edit", args=[zhang.pk])
    page = client.get(url).content.decode()
    assert 'name="birth_date"' not in page
    assert zhang.birth_date.isoformat() not in page
    response = client.post(url, _edit_data(zhang, birth_date="1990-01-01", skills="养蜂"))
    assert response.status_code == 302
    saved = Person.objects.get(pk=zhang.pk)
    assert saved.skills == "养蜂"
    assert saved.birth_date == zhang.birth_date


def test_stale_edit_shows_only_the_birth_year_to_a_masked_officer(
    client, township_officer_a, zhang
):
    client.force_login(township_officer_a)
    stale = _edit_data(zhang, skills="养蜂")
    Person.objects.get(pk=zhang.pk).save_checked(zhang.version)
    body = client.post(reverse("registry:edit", args=[zhang.pk]), stale).content.decode()
    assert "已被他人修改" in body
    assert f"{zhang.birth_date.year}年" in body
    assert zhang.birth_date.isoformat() not in body


def test_a_future_birth_date_says_it_is_in_the_future(client, township_officer_a, village_a):
    client.force_login(township_officer_a)
    number = make_id_number("500233", date(1990, 1, 2), 12, "1")
    tomorrow = timezone.localdate() + timedelta(days=1)
    response = client.post(
        reverse("registry:create"),
        {
            "name": "李明",
            "id_number": number,
            "birth_date": tomorrow.isoformat(),
            "party_join_date": tomorrow.isoformat(),
            "village": village_a.pk,
            "ethnicity": "01",
            "residence": "away",
        },
    )
    errors = response.context["form"].errors
    assert errors["birth_date"] == ["出生日期不能晚于今天。"]
    assert errors["party_join_date"] == ["入党时间不能晚于今天。"]
    assert not Person.objects.exists()


def test_an_empty_required_field_is_refused_in_chinese_by_the_server(
    client, township_officer_a, village_a
):
    client.force_login(township_officer_a)
    page = client.get(reverse("registry:create")).content.decode()
    assert "novalidate" in page  # the browser's English bubble never shows
    response = client.post(reverse("registry:create"), {"village": village_a.pk})
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == ["这个字段是必填项。"]
    assert not Person.objects.exists()
