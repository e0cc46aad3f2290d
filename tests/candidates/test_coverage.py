"""一职双备: coverage figures on a hand-built village, the work list, the county totals."""

from datetime import date

import pytest
from django.urls import reverse

from candidates.models import CandidatePolicy, Incumbency, VillagePost
from tests.candidates.factories import make_incumbency, make_membership, make_post
from tests.factories import make_person, make_village

TODAY = date(2026, 6, 30)


@pytest.fixture
def built(township_a, village_a):
    """香山村: a secretary who is also director (一肩挑), aged 61 with no reserve; a director
    post with one reserve; two committee seats, one vacant, one with two reserves; a party
    member post that needs three reserves and has one."""
    secretary = make_post(village_a, "secretary")
    director = make_post(village_a, "director")
    member1 = make_post(village_a, "committee_member", 1)
    member2 = make_post(village_a, "committee_member", 2)
    party = make_post(village_a, "party_member", reserves_required=3)
    chief = make_person(township_a, village_a, name="老书记", birth_date=date(1965, 1, 1))
    make_incumbency(secretary, chief)
    make_incumbency(director, chief)
    make_incumbency(member2, make_person(township_a, village_a, name="委员二"))
    make_incumbency(party, make_person(township_a, village_a, name="党委员"))
    make_incumbency(
        member1,
        make_person(township_a, village_a, name="已离任"),
        ended_on=date(2025, 1, 1),
        end_reason="resignation",
    )
    make_membership(make_person(township_a, village_a, name="主任后备"), village_a, [director])
    make_membership(make_person(township_a, village_a, name="委员后备甲"), village_a, [member2])
    make_membership(make_person(township_a, village_a, name="委员后备乙"), village_a, [member2])
    make_membership(make_person(township_a, village_a, name="党委员后备"), village_a, [party])
    make_membership(
        make_person(township_a, village_a, name="已出库"),
        village_a,
        [secretary],
        left_on=date(2026, 1, 1),
        leave_reason="moved",
    )
    return {
        "secretary": secretary,
        "director": director,
        "member1": member1,
        "member2": member2,
        "party": party,
    }


def test_coverage_figures_of_each_post(built):
    policy = CandidatePolicy.load()
    posts = {p.pk: p for p in VillagePost.objects.with_coverage(policy, TODAY)}
    got = {
        name: (
            posts[p.pk].reserve_count,
            posts[p.pk].required,
            posts[p.pk].has_incumbent,
            posts[p.pk].incumbent_retiring,
        )
        for name, p in built.items()
    }
    assert got == {
        "secretary": (0, 2, True, True),
        "director": (1, 2, True, True),
        "member1": (0, 2, False, False),
        "member2": (2, 2, True, False),
        "party": (1, 3, True, False),
    }


def test_village_totals(built, village_a):
    totals = (
        VillagePost.objects.filter(village=village_a)
        .with_coverage(CandidatePolicy.load(), TODAY)
        .coverage_summary()
    )
    assert totals == {
        "posts": 5,
        "reserves": 4,
        "required_total": 11,
        "shortfall": 7,
        "no_reserve": 2,
        "below_target": 4,
        "vacant": 1,
        "retiring_uncovered": 1,
    }


def test_changing_the_countys_number_changes_the_figures(built, village_a):
    policy = CandidatePolicy.load()
    policy.reserves_per_post = 1
    totals = (
        VillagePost.objects.filter(village=village_a)
        .with_coverage(policy, TODAY)
        .coverage_summary()
    )
    assert (totals["required_total"], totals["below_target"], totals["shortfall"]) == (7, 3, 4)


def test_one_person_holding_secretary_and_director_is_one_shoulder(
    built, village_a, client, county_officer
):
    holders = Incumbency.objects.holding_both_posts(TODAY)
    assert [i.person.name for i in holders] == ["老书记"]
    client.force_login(county_officer)
    body = client.get(reverse("candidates:village", args=[village_a.pk])).content.decode()
    assert "一肩挑" in body and "年满60岁" in body and "空缺" in body
    assert "委员后备甲" in body and "已出库" not in body


def test_township_table_work_list_and_county_totals(
    built, client, county_officer, township_a, township_b
):
    full = make_village(township_b, 202, "满员村")
    post = make_post(full, "secretary")
    for i in range(2):
        make_membership(make_person(township_b, full, name=f"满{i}"), full, [post])
    client.force_login(county_officer)

    county = client.get(reverse("candidates:coverage"))
    assert county.context["totals"]["posts"] == 6
    rows = {r["village__township__name"]: r for r in county.context["rows"]}
    assert rows["忠州街道"]["shortfall"] == 7 and rows["任家镇"]["shortfall"] == 0

    work = client.get(reverse("candidates:shortfall")).content.decode()
    assert "香山村" in work and "满员村" not in work

    township = client.get(reverse("candidates:coverage"), {"township": township_a.pk})
    assert [r["village__name"] for r in township.context["rows"]] == ["香山村"]


def test_township_officer_sees_only_their_villages(built, client, township_officer_b, township_b):
    make_post(make_village(township_b, 203, "乙村"), "secretary")
    client.force_login(township_officer_b)
    response = client.get(reverse("candidates:coverage"))
    assert [r["village__name"] for r in response.context["rows"]] == ["乙村"]
    assert response.context["totals"]["posts"] == 1


@pytest.mark.parametrize("name", ["candidates:coverage", "candidates:shortfall", "village"])
def test_coverage_pages_query_count_is_flat(client, county_officer, township_a, village_a, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("candidates:village", args=[village_a.pk]) if name == "village" else reverse(name)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    def add(start, n):
        for i in range(start, start + n):
            village = (
                village_a if name == "village" else make_village(township_a, 300 + i, f"村{i}")
            )
            post = make_post(village, "committee_member", seat=i + 1)
            make_incumbency(post, make_person(township_a, village, name=f"现任{i}"))
            make_membership(make_person(township_a, village, name=f"后备{i}"), village, [post])

    client.force_login(county_officer)
    CandidatePolicy.load()
    add(0, 2)
    small = count()
    add(2, 12)
    assert count() == small


def test_appointing_a_new_incumbent_ends_the_previous_one(
    client, township_officer_a, township_a, village_a
):
    post = make_post(village_a, "director")
    old = make_incumbency(post, make_person(township_a, village_a, name="旧主任"))
    new = make_person(township_a, village_a, name="新主任")
    client.force_login(township_officer_a)
    url = reverse("candidates:appoint", args=[post.pk])
    data = {
        "person": new.pk,
        "started_on": "2026-04-01",
        "appointed_how": "election",
        "previous_end_reason": "election",
    }
    asked = client.post(url, data).content.decode()
    assert "新主任自2026-04-01起任香山村村委会主任" in asked
    assert "现任旧主任同日离任" in asked
    old.refresh_from_db()
    assert old.ended_on is None
    response = client.post(url, {**data, "confirmed": "1"})
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.ended_on == date(2026, 4, 1)
    assert Incumbency.objects.active(date(2026, 4, 2)).get(post=post).person == new


def test_another_townships_person_cannot_be_appointed(
    client, township_officer_a, township_a, township_b, village_a
):
    post = make_post(village_a, "director")
    outsider = make_person(township_b, name="外乡人")
    client.force_login(township_officer_a)
    response = client.post(
        reverse("candidates:appoint", args=[post.pk]),
        {
            "person": outsider.pk,
            "started_on": "2026-04-01",
            "appointed_how": "election",
            "previous_end_reason": "election",
        },
    )
    assert "不在您的管辖范围内" in response.content.decode()
    assert not Incumbency.objects.exists()


def test_the_database_keeps_one_active_incumbent_per_post(township_a, village_a):
    from django.db import IntegrityError

    post = make_post(village_a, "director")
    make_incumbency(post, make_person(township_a, village_a, name="甲"))
    with pytest.raises(IntegrityError):
        make_incumbency(post, make_person(township_a, village_a, name="乙"))


def test_active_on_a_date(township_a, village_a):
    post = make_post(village_a, "director")
    inc = make_incumbency(
        post,
        make_person(township_a, village_a),
        started_on=date(2021, 3, 1),
        ended_on=date(2024, 3, 1),
        end_reason="election",
    )
    assert list(Incumbency.objects.active(date(2022, 1, 1))) == [inc]
    assert not Incumbency.objects.active(date(2024, 3, 1)).exists()
    assert not Incumbency.objects.active(date(2021, 2, 28)).exists()


def test_only_the_county_sets_a_posts_number_of_reserves(
    client, county_officer, township_officer_a, village_a
):
    post = make_post(village_a, "secretary")
    url = reverse("candidates:post_edit", args=[post.pk])
    client.force_login(township_officer_a)
    assert client.post(url, {"reserves_required": "3"}).status_code == 403
    client.force_login(county_officer)
    assert client.post(url, {"reserves_required": "3"}).status_code == 302
    post.refresh_from_db()
    assert post.reserves_required == 3
