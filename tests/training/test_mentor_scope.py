"""Mentors see and write only their own current mentees, and lose them when the pairing ends;
township officers keep to their own township's pairings."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from pghistory.models import Events

from talentpool.models import Person, Role
from tests.factories import make_user
from tests.training.factories import make_mentorship, make_reserve, make_talk, mentee_of
from training.models import Mentee, Mentorship, TalkLog

TODAY = date.today()


@pytest.fixture
def pairing(township_a, village_a, mentor):
    people = [make_reserve(township_a, village_a, name=n) for n in ("甲", "乙")]
    return make_mentorship(township_a, people, mentor=mentor, start_on=TODAY - timedelta(days=60))


def test_the_mentor_scope_is_their_current_mentees(mentor, pairing, township_a):
    other_mentor = make_user("mentor2", Role.MENTOR, township=township_a)
    make_mentorship(township_a, [make_reserve(township_a, name="丙")], mentor=other_mentor)
    make_mentorship(
        township_a,
        [make_reserve(township_a, name="丁")],
        mentor=mentor,
        start_on=TODAY - timedelta(days=200),
        end_on=TODAY - timedelta(days=1),
    )
    make_mentorship(
        township_a,
        [make_reserve(township_a, name="戊")],
        mentor=mentor,
        start_on=TODAY + timedelta(days=1),
    )
    assert sorted(Person.objects.in_scope(mentor).values_list("name", flat=True)) == ["乙", "甲"]


def test_the_mentor_loses_access_when_the_pairing_ends(client, mentor, township_officer_a, pairing):
    mentee = pairing.mentees.first()
    client.force_login(mentor)
    assert client.get(reverse("training:mentee", args=[mentee.pk])).status_code == 200

    client.force_login(township_officer_a)
    yesterday = TODAY - timedelta(days=1)
    response = client.post(
        reverse("training:mentorship_end", args=[pairing.pk]), {"end_on": yesterday.isoformat()}
    )
    assert response.status_code == 302
    pairing.refresh_from_db()
    assert pairing.end_on == yesterday
    event = Events.objects.tracks(pairing).filter(pgh_label="update").get()
    assert event.pgh_diff["end_on"] == [None, yesterday.isoformat()]

    client.force_login(mentor)
    assert not Person.objects.in_scope(mentor).exists()
    assert client.get(reverse("training:mentee", args=[mentee.pk])).status_code == 404
    assert client.get(reverse("training:talk_create", args=[mentee.pk])).status_code == 404
    response = client.post(
        reverse("training:talk_create", args=[mentee.pk]),
        {"date": yesterday.isoformat(), "kind": "talk", "topics": "补记"},
    )
    assert response.status_code == 404
    assert client.get(reverse("training:mentorship_detail", args=[pairing.pk])).status_code == 404
    assert client.get(reverse("training:my_mentees")).context["rows"] == []


def test_ending_an_ended_pairing_changes_nothing(client, township_officer_a, pairing):
    client.force_login(township_officer_a)
    url = reverse("training:mentorship_end", args=[pairing.pk])
    client.post(url, {"end_on": TODAY.isoformat()})
    response = client.post(url, {"end_on": TODAY.isoformat()}, follow=True)
    assert f"该结对的结束日期为{TODAY:%Y-%m-%d}，未作改动。" in response.content.decode()
    assert Events.objects.tracks(pairing).filter(pgh_label="update").count() == 1


def test_a_pairing_cannot_end_before_its_last_talk(client, township_officer_a, pairing):
    make_talk(pairing.mentees.first(), TODAY)
    client.force_login(township_officer_a)
    url = reverse("training:mentorship_end", args=[pairing.pk])
    response = client.post(url, {"end_on": (TODAY - timedelta(days=1)).isoformat()}, follow=True)
    assert "结束日期不能早于最后一次谈话" in response.content.decode()
    pairing.refresh_from_db()
    assert pairing.end_on is None


def test_mentor_logs_a_talk_for_their_mentee(client, mentor, pairing):
    mentee = pairing.mentees.first()
    client.force_login(mentor)
    form_page = client.get(reverse("training:talk_create", args=[mentee.pk]))
    assert form_page.context["form"]["date"].value() == TODAY
    response = client.post(
        reverse("training:talk_create", args=[mentee.pk]),
        {
            "date": TODAY.isoformat(),
            "kind": "visit",
            "topics": "了解家庭情况",
            "problems": "缺资金",
        },
    )
    assert response.status_code == 302
    assert response.url == reverse("training:my_mentees")
    talk = TalkLog.objects.get()
    assert (talk.mentee, talk.kind, talk.recorded_by) == (mentee, "visit", mentor)
    assert Events.objects.tracks(talk).get().pgh_context["user"] == mentor.pk


def test_a_talk_in_the_future_or_before_the_pairing_is_refused(client, mentor, pairing):
    mentee = pairing.mentees.first()
    client.force_login(mentor)
    url = reverse("training:talk_create", args=[mentee.pk])
    future = client.post(
        url, {"date": (TODAY + timedelta(days=1)).isoformat(), "kind": "talk", "topics": "x"}
    )
    assert "日期不能晚于今天。" in future.content.decode()
    early = client.post(
        url, {"date": (TODAY - timedelta(days=90)).isoformat(), "kind": "talk", "topics": "x"}
    )
    assert "日期不在结对期内。" in early.content.decode()
    assert not TalkLog.objects.exists()


def test_a_mentor_cannot_reach_another_mentors_mentee(client, mentor, township_a):
    other_mentor = make_user("mentor2", Role.MENTOR, township=township_a)
    theirs = make_mentorship(township_a, [make_reserve(township_a, name="丙")], mentor=other_mentor)
    mentee = theirs.mentees.get()
    client.force_login(mentor)
    assert client.get(reverse("training:mentee", args=[mentee.pk])).status_code == 404
    assert client.get(reverse("training:talk_create", args=[mentee.pk])).status_code == 404
    talk = make_talk(mentee, TODAY)
    assert client.get(reverse("training:talk_detail", args=[talk.pk])).status_code == 404


def test_mentor_home_lists_current_mentees_with_a_talk_button(client, mentor, pairing):
    make_talk(pairing.mentees.get(person__name="甲"), TODAY)
    client.force_login(mentor)
    response = client.get(reverse("training:my_mentees"))
    body = response.content.decode()
    assert sorted(r.mentee.person.name for r in response.context["rows"]) == ["乙", "甲"]
    assert body.count("记一次谈话") == 2


# --- creating pairings -------------------------------------------------------------------------


def test_township_officer_pairs_a_mentor_with_two_reserves(
    client, township_officer_a, mentor, township_a
):
    people = [make_reserve(township_a, name=n) for n in ("甲", "乙")]
    client.force_login(township_officer_a)
    response = client.post(
        reverse("training:mentorship_create"),
        {
            "mentor": mentor.pk,
            "mentor_title": "驻村第一书记",
            "start_on": TODAY.isoformat(),
            "goals": "熟悉村务、带头发展产业",
            "mentees": [p.pk for p in people],
        },
    )
    assert response.status_code == 302
    pairing = Mentorship.objects.get()
    assert pairing.township == township_a
    assert sorted(pairing.mentees.values_list("person__name", flat=True)) == ["乙", "甲"]


def test_pairing_form_refuses_another_townships_reserve_and_mentor(
    client, township_officer_a, township_a, township_b
):
    stranger = make_reserve(township_b, name="外镇人")
    their_mentor = make_user("mentor_b", Role.MENTOR, township=township_b)
    client.force_login(township_officer_a)
    response = client.post(
        reverse("training:mentorship_create"),
        {"mentor": their_mentor.pk, "start_on": TODAY.isoformat(), "mentees": [stranger.pk]},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "mentor" in errors and "mentees" in errors
    assert not Mentorship.objects.exists()


def test_a_reserve_cannot_be_paired_twice_at_the_same_time(client, township_officer_a, pairing):
    person = pairing.mentees.first().person
    client.force_login(township_officer_a)
    response = client.post(
        reverse("training:mentorship_create"),
        {"mentor_name": "老支书", "start_on": TODAY.isoformat(), "mentees": [person.pk]},
    )
    assert f"{person.name}在此期间已与导师" in response.content.decode()
    assert Mentorship.objects.count() == 1


def test_township_officer_sees_only_their_townships_pairings(
    client, township_officer_b, pairing, township_b
):
    make_mentorship(township_b, [make_reserve(township_b, name="己")], mentor_name="老支书")
    client.force_login(township_officer_b)
    response = client.get(reverse("training:mentorship_list"))
    assert [p.township_id for p in response.context["page"]] == [township_b.pk]
    mentee = mentee_of(pairing, pairing.mentees.first().person)
    assert client.get(reverse("training:mentee", args=[mentee.pk])).status_code == 404
    assert Mentee.objects.in_scope(township_officer_b).count() == 1
