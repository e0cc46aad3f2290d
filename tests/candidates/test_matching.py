"""Demand and supply: hard filters, soft scores, and the reasons each suggestion gives."""

from datetime import date

from django.urls import reverse

from candidates import matching
from tests.candidates.factories import (
    make_demand,
    make_incumbency,
    make_membership,
    make_nomination,
    make_post,
)
from tests.factories import make_person, make_village


def _names(suggestions):
    return [s.person.name for s in suggestions]


def test_ranking_explains_each_suggestion(county_officer, township_a, village_a):
    other = make_village(township_a, 202, "郑公村")
    make_person(
        township_a,
        village_a,
        name="电商能手",
        skills="直播带货",
        industry_unit="电商/网店店主",
        education="20",
        village_post_intention="willing",
        birth_date=date(1995, 1, 1),
    )
    make_person(township_a, other, name="普通人", education="60", birth_date=date(1985, 1, 1))
    demand = make_demand(village_a, county_officer, industries=["ecommerce"], skills="直播")

    suggestions = matching.suggest(demand, county_officer)

    assert _names(suggestions) == ["电商能手", "普通人"]
    top = suggestions[0]
    assert top.score > suggestions[1].score
    assert top.reasons == [
        "技能或经历含“直播”",
        "有电商相关经历（含“电商”）",
        "户籍在本村（香山村）",
        "学历：本科",
        "本人愿意到村任职",
        "31岁，年纪轻",
    ]
    assert suggestions[1].reasons == ["户籍在本乡镇（郑公村）"]


def test_pool_members_rank_with_their_pool_standing(county_officer, township_a, village_a):
    reserve = make_person(township_a, village_a, name="后备", birth_date=date(1980, 1, 1))
    make_membership(reserve, village_a, readiness="now", category="director")
    make_person(township_a, village_a, name="登记人员", birth_date=date(1980, 1, 1))
    demand = make_demand(village_a, county_officer)
    suggestions = matching.suggest(demand, county_officer)
    assert _names(suggestions)[0] == "后备"
    assert suggestions[0].reasons[0] == "已在后备干部库（主任后备，可即时使用）"
    assert suggestions[0].in_pool and not suggestions[1].in_pool


def test_hard_requirements_filter(county_officer, township_a, village_a):
    make_person(
        township_a,
        village_a,
        name="年长",
        birth_date=date(1960, 1, 1),
        education="20",
        political_status="01",
    )
    make_person(township_a, village_a, name="学历低", education="70", political_status="01")
    make_person(township_a, village_a, name="非党员", education="20", political_status="13")
    make_person(township_a, village_a, name="合格", education="30", political_status="02")
    cadre = make_person(
        township_a, village_a, name="现任干部", education="20", political_status="01"
    )
    make_incumbency(make_post(village_a, "secretary"), cadre)
    nominated = make_person(
        township_a, village_a, name="已被推荐", education="20", political_status="01"
    )
    make_nomination(nominated, village_a, actor=county_officer)
    demand = make_demand(
        village_a, county_officer, max_age=45, min_education="60", party_member_required=True
    )
    assert _names(matching.suggest(demand, county_officer)) == ["合格"]
    assert matching.hard_requirements(demand) == [
        "户籍在本乡镇（街道）",
        "18岁以上",
        "45岁以下",
        "高中及以上学历",
        "中共党员（含预备党员）",
        "不含现任村干部；登记人员中不含已被推荐的",
    ]


def test_suggestions_come_from_the_villages_township_only(
    county_officer, township_a, township_b, village_a
):
    make_person(township_a, village_a, name="本乡")
    make_person(township_b, name="外乡", skills="电商")
    demand = make_demand(village_a, county_officer, skills="电商")
    assert _names(matching.suggest(demand, county_officer)) == ["本乡"]


def test_the_demand_page_lists_suggestions_with_reasons(
    client, township_officer_a, township_a, village_a
):
    make_person(township_a, village_a, name="电商能手", skills="电商运营")
    demand = make_demand(village_a, township_officer_a, skills="电商")
    client.force_login(township_officer_a)
    body = client.get(reverse("candidates:demand", args=[demand.pk])).content.decode()
    assert "电商能手" in body and "技能或经历含“电商”" in body


def test_a_demand_for_another_townships_village_is_refused(client, township_officer_a, township_b):
    client.force_login(township_officer_a)
    response = client.post(
        reverse("candidates:demand_create"),
        {"village": make_village(township_b, 209, "乙村").pk, "title": "电商"},
    )
    assert "不在您的管辖范围内" in response.content.decode()


def test_matching_is_one_query(django_assert_num_queries, county_officer, township_a, village_a):
    for i in range(5):
        make_person(township_a, village_a, name=f"人{i}", skills="养殖")
    demand = make_demand(village_a, county_officer, industries=["farming"], skills="养殖")
    demand = type(demand).objects.select_related("village", "post").get(pk=demand.pk)
    with django_assert_num_queries(1):
        assert len(matching.suggest(demand, county_officer)) == 5
