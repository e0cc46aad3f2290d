"""training.demo.seed(): builds on the reserve pool, is idempotent, and gives the demo mentor a
mix of pairs on track, behind and silent."""

from django.utils import timezone

from talentpool.models import Person
from tests.training.factories import make_reserve
from training import compliance, demo
from training.models import Course, Mentee, PartyStep, PracticePost, TalkLog


def test_seed_builds_on_the_pool_and_is_idempotent(
    township_a, township_b, village_a, village_b, mentor, county_officer
):
    for i in range(8):
        make_reserve(township_a, village_a, name=f"甲{i}", political_status="13")
        make_reserve(township_b, village_b, name=f"乙{i}")
    counts = demo.seed()
    assert counts["courses"] == 4 and counts["pairings"] == 4 and counts["talks"] > 30
    assert counts["posts"] == 4 and counts["achievements"] == 12
    assert demo.seed() == dict.fromkeys(counts, 0)
    assert Course.objects.count() == 4
    assert not TalkLog.objects.filter(date__gt=timezone.localdate()).exists()

    today = timezone.localdate()
    rows = compliance.standings(Mentee.objects.in_scope(mentor), today, today)
    statuses = sorted(r.status for r in rows)
    assert len(rows) == 3 and compliance.NO_CONTACT in statuses
    assert Person.objects.in_scope(mentor).count() == 3
    assert PracticePost.objects.filter(assessment_grade="excellent").count() == 1
    assert PartyStep.objects.count() == 5  # two young people on their way into the Party
