"""The county's numbers against examples worked out by hand."""

from datetime import date

from evaluation import stats
from tests.candidates.factories import make_membership, make_post
from tests.evaluation.conftest import BEFORE, CHANGEOVER
from tests.factories import make_person, make_village


def test_committee_structure_matches_the_hand_computed_example(committees, township_a):
    rows, total = stats.committee_structure(BEFORE)
    a = next(r for r in rows if r.township_id == township_a.pk)
    assert (a.headcount, a.average_age, a.college_share) == (3, 46.7, 33.33)
    assert (a.women_share, a.party_share) == (33.33, 33.33)
    assert (total.headcount, total.average_age, total.college_share) == (4, 46.5, 50.0)

    rows, total = stats.committee_structure(CHANGEOVER)
    a = next(r for r in rows if r.township_id == township_a.pk)
    # 一肩挑 counts once; probationary members count as party members
    assert (a.headcount, a.average_age, a.college_share) == (3, 32.0, 66.67)
    assert (a.women_share, a.party_share) == (33.33, 66.67)
    assert (total.headcount, total.average_age, total.college_share) == (4, 35.5, 75.0)


def test_comparison_gives_the_changes_and_the_age_bands(committees, township_a):
    rows, total = stats.compare_committees(BEFORE, CHANGEOVER)
    assert (total.age_change, total.college_change) == (-11.0, 25.0)
    a = next(r for r in rows if r.township_id == township_a.pk)
    assert (a.age_change, a.college_change) == (-14.7, 33.34)
    bands = dict(zip(stats.AGE_BAND_KEYS, a.after.age_bands, strict=True))
    assert bands["30-34"] == 2 and bands["35-39"] == 1 and sum(bands.values()) == 3


def test_the_last_changeover_sets_the_default_dates(committees):
    assert stats.latest_changeover() == CHANGEOVER
    assert stats.default_comparison_dates(date(2026, 11, 1)) == (BEFORE, CHANGEOVER)


def test_a_date_before_anyone_held_a_post_has_no_average(committees):
    _rows, total = stats.committee_structure(date(2000, 1, 1))
    assert total.headcount == 0
    assert total.average_age is None and total.college_share is None


def test_township_scope_leaves_other_townships_out(committees, township_b):
    rows, total = stats.committee_structure(BEFORE, [township_b.pk])
    assert [r.township for r in rows] == ["任家镇"]
    assert (total.headcount, total.average_age) == (1, 46.0)


def test_pool_structure_counts_veterans_returnees_and_industry(township_a, village_a):
    on = date(2026, 6, 30)
    veteran = make_person(
        township_a,
        village_a,
        name="甲",
        birth_date=date(1996, 1, 1),
        is_veteran=True,
        residence="returned",
        industry_unit="柑橘种植合作社",
        education="30",
    )
    other = make_person(township_a, village_a, name="乙", birth_date=date(1990, 7, 1), gender="2")
    gone = make_person(township_a, village_a, name="丙")
    make_membership(veteran, village_a, entered_on=date(2025, 1, 1))
    make_membership(other, village_a, entered_on=date(2025, 1, 1))
    make_membership(
        gone, village_a, entered_on=date(2025, 1, 1), left_on=date(2026, 1, 1), leave_reason="moved"
    )
    _rows, total = stats.pool_structure(on)
    assert total.headcount == 2
    assert total.average_age == 32.5  # 30 and 35
    assert (total.veterans, total.returnees, total.industry, total.college) == (1, 1, 1, 1)
    assert total.women_share == 50.0


def test_coverage_counts_posts_with_two_reserves(township_a, village_a):
    post = make_post(village_a, "secretary")
    short = make_post(village_a, "director")
    for name in ("甲", "乙"):
        make_membership(
            make_person(township_a, village_a, name=name),
            village_a,
            [post, short][: 2 if name == "甲" else 1],
        )
    other_village = make_village(township_a, 202, "石桥村")
    make_post(other_village, "secretary", reserves_required=1)
    rows, total = stats.coverage([township_a.pk])
    assert (total.posts, total.required, total.reserves, total.covered_posts) == (3, 5, 3, 1)
    assert total.short_villages == 2
    assert total.coverage_share == 33.33
    assert [p.post for p in stats.short_posts([township_a.pk])] == ["村委会主任", "村党组织书记"]


def test_mentoring_in_sql_judges_pairs_as_training_does(
    township_a, village_a, township_b, village_b
):
    from tests.training.factories import make_mentorship, make_talk
    from training import compliance
    from training.models import Mentee

    month, today = date(2026, 9, 1), date(2026, 11, 22)
    people = [make_person(township_a, village_a, name=f"甲{i}") for i in range(4)]
    on_track = make_mentorship(township_a, [people[0]], start_on=date(2026, 1, 1))
    behind = make_mentorship(township_a, [people[1]], start_on=date(2026, 1, 1))
    silent = make_mentorship(township_a, [people[2]], start_on=date(2026, 1, 1))
    late = make_mentorship(township_a, [people[3]], start_on=date(2026, 9, 16))
    ended = make_mentorship(
        township_b,
        [make_person(township_b, village_b, name="乙")],
        start_on=date(2026, 1, 1),
        end_on=date(2026, 8, 31),
    )
    for day in (3, 10, 17, 24):
        make_talk(on_track.mentees.get(), date(2026, 9, day))
    for day in (6, 20):
        make_talk(behind.mentees.get(), date(2026, 9, day))
    make_talk(silent.mentees.get(), date(2026, 8, 1))
    for day in (20, 28):  # half a month: 2 talks due
        make_talk(late.mentees.get(), date(2026, 9, day))
    make_talk(ended.mentees.get(), date(2026, 8, 30))

    rows, total = stats.mentoring(month, today)
    expected = compliance.summary(compliance.standings(Mentee.objects.all(), month, today))
    assert (total.on_track, total.behind, total.no_contact) == (
        expected["on_track"],
        expected["behind"],
        expected["no_contact"],
    )
    assert (total.pairs, total.on_track, total.behind, total.no_contact) == (4, 2, 1, 1)
    assert total.compliance == 50.0


def test_a_post_has_one_name_on_every_page(township_a, village_a):
    from candidates.models import VillagePost

    first = make_post(village_a, "committee_member", 1)
    second = make_post(village_a, "committee_member", 2)
    short = [p.post for p in stats.short_posts([township_a.pk])]
    assert short == [str(first), str(second)] == ["村委会委员1", "村委会委员2"]
    assert [str(p) for p in VillagePost.objects.filter(village=village_a)] == short
