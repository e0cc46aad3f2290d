"""The cadence rule across month boundaries: talks count in their own calendar month, a complete
month is judged in full, the current month pro rata (rounded down), and silence beyond the
county's threshold is "no contact"."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.training.factories import make_mentorship, make_reserve, make_talk, mentee_of
from training import compliance
from training.compliance import BEHIND, NO_CONTACT, ON_TRACK, required_talks
from training.models import Mentee, MentoringRule


def test_a_whole_month_owes_the_full_number():
    assert required_talks(4, date(2026, 1, 1), date(2025, 6, 1), None, date(2026, 3, 5))[0] == 4


def test_the_current_month_is_judged_pro_rata_rounded_down():
    jan = date(2026, 1, 1)
    start = date(2025, 6, 1)
    assert required_talks(4, jan, start, None, date(2026, 1, 7))[0] == 0  # 4*7/31 = 0.9
    assert required_talks(4, jan, start, None, date(2026, 1, 8))[0] == 1  # 4*8/31 = 1.03
    assert required_talks(4, jan, start, None, date(2026, 1, 31))[0] == 4


def test_a_pairing_starting_mid_month_owes_its_share_only():
    due, first, last = required_talks(
        4, date(2026, 4, 1), date(2026, 4, 16), None, date(2026, 6, 1)
    )
    assert (due, first, last) == (2, date(2026, 4, 16), date(2026, 4, 30))  # 4*15/30


def test_a_month_after_the_pairing_ended_is_not_judged():
    assert (
        required_talks(4, date(2026, 5, 1), date(2026, 1, 1), date(2026, 4, 30), date(2026, 6, 1))
        is None
    )


@pytest.fixture
def pair(township_a, village_a, mentor):
    person = make_reserve(township_a, village_a)
    pairing = make_mentorship(township_a, [person], mentor=mentor, start_on=date(2025, 12, 1))
    return mentee_of(pairing, person)


def judge(month: date, today: date) -> compliance.Standing:
    (row,) = compliance.standings(Mentee.objects.all(), month, today)
    return row


def test_a_talk_on_the_31st_counts_in_its_own_month_not_the_next(pair):
    for day in (5, 12, 20, 31):
        make_talk(pair, date(2026, 1, day))
    january = judge(date(2026, 1, 1), today=date(2026, 2, 3))
    february = judge(date(2026, 2, 1), today=date(2026, 2, 3))
    assert (january.talks, january.required, january.status) == (4, 4, ON_TRACK)
    # 3 days into February nothing is due yet, and the 31 January talk was 3 days ago.
    assert (february.talks, february.required, february.status) == (0, 0, ON_TRACK)
    assert february.silent_days == 3


def test_a_complete_month_with_three_talks_is_behind(pair):
    for day in (9, 16, 23):
        make_talk(pair, date(2026, 1, day))
    make_talk(pair, date(2026, 2, 1))  # next month's talk does not rescue January
    row = judge(date(2026, 1, 1), today=date(2026, 2, 10))
    assert (row.talks, row.required, row.status) == (3, 4, BEHIND)


def test_the_current_month_becomes_behind_once_a_share_is_missed(pair):
    make_talk(pair, date(2026, 3, 2))
    assert judge(date(2026, 3, 1), today=date(2026, 3, 15)).status == ON_TRACK  # 1 of 1 due
    assert judge(date(2026, 3, 1), today=date(2026, 3, 16)).status == BEHIND  # 2 due by the 16th


def test_silence_longer_than_the_threshold_is_no_contact(pair):
    make_talk(pair, date(2026, 3, 1))
    on_the_threshold = judge(date(2026, 3, 1), today=date(2026, 3, 15))
    assert (on_the_threshold.silent_days, on_the_threshold.status) == (14, ON_TRACK)
    assert judge(date(2026, 3, 1), today=date(2026, 3, 16)).status == NO_CONTACT


def test_the_cadence_rule_is_set_per_county(pair, township_a):
    MentoringRule.objects.create(county=township_a.county, talks_per_month=2, no_contact_days=30)
    for day in (3, 20):
        make_talk(pair, date(2026, 1, day))
    row = judge(date(2026, 1, 1), today=date(2026, 3, 1))
    assert (row.required, row.status) == (2, ON_TRACK)


def test_a_pair_never_contacted_counts_silence_from_the_pairing_start(township_a, mentor):
    person = make_reserve(township_a)
    make_mentorship(township_a, [person], mentor=mentor, start_on=date(2026, 3, 1))
    row = judge(date(2026, 3, 1), today=date(2026, 3, 20))
    assert (row.last_talk, row.silent_days, row.status) == (None, 19, NO_CONTACT)


def test_compliance_page_shows_each_townships_own_pairs(
    client, township_officer_a, township_a, township_b, mentor
):
    today = date.today()
    mine = make_reserve(township_a, name="本镇人")
    theirs = make_reserve(township_b, name="外镇人")
    make_mentorship(township_a, [mine], mentor=mentor, start_on=today - timedelta(days=60))
    make_mentorship(township_b, [theirs], mentor_name="老支书", start_on=today - timedelta(days=60))
    client.force_login(township_officer_a)
    response = client.get(reverse("training:compliance"))
    assert response.status_code == 200
    assert [r.mentee.person.name for r in response.context["rows"]] == ["本镇人"]
    assert response.context["summary"][NO_CONTACT] == 1


def test_compliance_page_reads_a_past_month(client, county_officer, pair):
    for day in (5, 12, 20, 31):
        make_talk(pair, date(2026, 1, day))
    client.force_login(county_officer)
    response = client.get(reverse("training:compliance"), {"month": "2026-01"})
    (row,) = response.context["rows"]
    assert (row.talks, row.status) == (4, ON_TRACK)
    assert response.context["is_current_month"] is False


def test_compliance_page_has_a_fixed_number_of_queries(client, county_officer, township_a, mentor):
    def count(n: int) -> int:
        people = [make_reserve(township_a, name=f"甲{i}") for i in range(n)]
        pairing = make_mentorship(township_a, people, mentor=mentor)
        for person in people:
            make_talk(mentee_of(pairing, person), date.today())
        client.force_login(county_officer)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("training:compliance")).status_code == 200
        return len(ctx)

    assert count(1) == count(12)
