"""Township leadership members' real-name recommendations: 1-2 a year each."""

import pytest
from django.urls import reverse

from candidates import actions
from candidates.models import CandidatePolicy
from tests.candidates.factories import make_candidate, make_leader, make_nomination


def _recommend(leader, officer, township, village, name, year=2026):
    return make_nomination(
        make_candidate(township, village, name=name),
        village,
        actor=officer,
        channel="leader",
        leader=leader,
        year=year,
    )


def test_a_third_recommendation_in_a_year_is_refused(township_officer_a, township_a, village_a):
    leader = make_leader(township_a)
    _recommend(leader, township_officer_a, township_a, village_a, "甲")
    _recommend(leader, township_officer_a, township_a, village_a, "乙")
    with pytest.raises(
        actions.ActionRefused, match="李强 2026年度已实名推荐2人，已达每年2人的上限"
    ):
        _recommend(leader, township_officer_a, township_a, village_a, "丙")
    _recommend(leader, township_officer_a, township_a, village_a, "丁", year=2027)


def test_the_quota_follows_the_countys_setting(township_officer_a, township_a, village_a):
    policy = CandidatePolicy.load()
    policy.leader_quota_max = 3
    policy.save()
    leader = make_leader(township_a)
    for name in "甲乙丙":
        _recommend(leader, township_officer_a, township_a, village_a, name)


def test_the_page_shows_each_members_count_and_who_is_behind(
    client, county_officer, township_officer_a, township_a, village_a, township_b
):
    done = make_leader(township_a, "王完成", "党委书记")
    make_leader(township_a, "赵未推", "组织委员")
    make_leader(township_b, "钱乙镇", "镇长")
    _recommend(done, township_officer_a, township_a, village_a, "甲")
    client.force_login(county_officer)

    response = client.get(reverse("candidates:quotas"), {"year": 2026})

    counts = {r.name: r.done for r in response.context["rows"]}
    assert counts == {"王完成": 1, "赵未推": 0, "钱乙镇": 0}
    assert {r.name for r in response.context["behind"]} == {"赵未推", "钱乙镇"}
    assert "2 人尚未完成推荐任务" in response.content.decode()


def test_township_officer_sees_and_adds_only_their_leaders(
    client, township_officer_a, township_a, township_b
):
    make_leader(township_b, "钱乙镇", "镇长")
    client.force_login(township_officer_a)
    assert "钱乙镇" not in client.get(reverse("candidates:quotas")).content.decode()
    client.post(
        reverse("candidates:leader_create"),
        {"township": township_b.pk, "name": "新委员", "position": "宣传委员", "is_active": "on"},
    )
    from candidates.models import TownshipLeader

    assert TownshipLeader.objects.get(name="新委员").township == township_a
