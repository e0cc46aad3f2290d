from datetime import date

from candidates import actions
from candidates.models import Decision, Status
from talentpool import timeline
from tests.candidates.factories import make_candidate, make_membership, make_nomination, put_at


def test_timeline_shows_recommendation_decisions_and_pool_entry_and_exit(
    township_officer_a, colleague_a, township_a, village_a, django_assert_num_queries
):
    person = make_candidate(township_a, village_a, name="档案人")
    nomination = put_at(
        make_nomination(person, village_a, actor=township_officer_a), Status.TOWNSHIP
    )
    actions.decide(
        nomination, Decision.REJECT, actor=colleague_a, expected_version=1, note="群众意见分歧"
    )
    membership = make_membership(person, village_a, category="director")
    actions.leave_pool(membership, actor=colleague_a, left_on=date(2026, 6, 1), reason="moved")

    with django_assert_num_queries(6):
        from candidates.timeline import entries

        mine = entries(person)

    kinds = [e.kind for e in mine]
    assert sorted(kinds) == sorted(["推荐", "审查", "入库", "出库"])
    texts = " ".join(e.text for e in mine)
    assert "组织推荐：2026年度 香山村村委会委员人选" in texts
    assert "乡镇初审：不通过（群众意见分歧）" in texts
    assert "主任后备" in texts and "迁出/外出" in texts
    assert any(e.kind == "推荐" for e in timeline.entries_for(person))
