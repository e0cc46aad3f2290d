"""The demo data on a small county: reviews, the 换届 with 一降两升, idempotence."""

from datetime import date

from evaluation import demo, stats
from evaluation.models import CareerStep, Review, ReviewRound
from tests.candidates.factories import make_incumbency, make_membership, make_post
from tests.factories import make_person


def test_demo_seed_shows_the_changeover_and_runs_once(county_officer, township_a, village_a):
    old = {"education": "60", "political_status": "01"}
    for kind, born in (
        ("secretary", date(1968, 1, 1)),
        ("director", date(1972, 1, 1)),
        ("committee_member", date(1975, 1, 1)),
    ):
        person = make_person(township_a, village_a, name=f"老{kind[:2]}", birth_date=born, **old)
        make_incumbency(make_post(village_a, kind), person, started_on=date(2022, 1, 15))
    young = {"education": "20", "political_status": "01"}
    for i in range(2):
        reserve = make_person(
            township_a, village_a, name=f"后备{i}", birth_date=date(1994, 1, 1), **young
        )
        make_membership(reserve, village_a, entered_on=date(2024, 5, 1))
    for i in range(3):
        make_person(township_a, village_a, name=f"青年{i}", birth_date=date(1996, 6, 1), **young)

    counts = demo.seed()

    assert counts["reviews"] >= 2 and counts["changeover"] >= 1
    assert set(ReviewRound.objects.values_list("name", flat=True)) == {
        demo.LAST_YEAR,
        demo.THIS_YEAR,
    }
    assert Review.objects.filter(round__name=demo.LAST_YEAR, status="confirmed").count() == 2
    before, after = stats.default_comparison_dates(date(2026, 11, 1))
    assert (before, after) == (date(2026, 4, 17), demo.CHANGEOVER)
    _rows, total = stats.compare_committees(before, after)
    assert total.after.average_age < total.before.average_age  # 一降
    assert total.after.college_share > total.before.college_share  # 两升
    assert CareerStep.objects.filter(on=demo.CHANGEOVER).exists()

    assert demo.seed() == {"reviews": 0, "proposals": 0, "changeover": 0, "promotions": 0}
