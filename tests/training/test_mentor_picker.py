"""Issue 16, item 5: a choice among many people is a search, filtered to the user's scope and
the chosen township; the full scope still validates."""

import pytest
from django.urls import reverse

from talentpool.models import Role
from tests.factories import make_user
from tests.training.factories import make_reserve
from training import forms as training_forms
from training.models import Mentorship

URL = "/training/mentoring/new/"


@pytest.fixture(autouse=True)
def small_threshold(monkeypatch):
    monkeypatch.setattr(training_forms, "PICKER_THRESHOLD", 3)


@pytest.fixture
def many_mentors(township_a, township_b):
    names = ["张明", "张华", "李强", "王军", "赵刚"]
    ours = [
        make_user(f"m{i}", Role.MENTOR, township=township_a, last_name=n[0], first_name=n[1:])
        for i, n in enumerate(names)
    ]
    theirs = make_user("mb", Role.MENTOR, township=township_b, last_name="张", first_name="外")
    return ours, theirs


def _options(response, field):
    return [label for _value, label in response.context["form"].fields[field].widget.choices]


def test_a_long_list_of_mentors_is_a_search_not_a_list(client, township_officer_a, many_mentors):
    client.force_login(township_officer_a)
    response = client.get(URL)
    body = response.content.decode()
    assert 'name="mentor_q"' in body and 'form="picker-mentor"' in body
    assert 'hx-get="/training/mentoring/new/"' in body
    assert _options(response, "mentor") == ["请先在上方查找"]


def test_the_search_finds_only_the_townships_matches(client, township_officer_a, many_mentors):
    client.force_login(township_officer_a)
    response = client.get(URL, {"mentor_q": "张"})
    assert _options(response, "mentor")[1:] == ["张华", "张明"] or sorted(
        _options(response, "mentor")[1:]
    ) == ["张华", "张明"]
    assert "张外" not in response.content.decode()


def test_the_county_search_follows_the_chosen_township(
    client, county_officer, many_mentors, township_b
):
    client.force_login(county_officer)
    response = client.get(URL, {"mentor_q": "张", "township": township_b.pk})
    assert _options(response, "mentor")[1:] == ["张外"]


def test_a_choice_outside_the_shown_matches_still_validates_within_scope(
    client, township_officer_a, many_mentors, township_a
):
    ours, theirs = many_mentors
    people = [make_reserve(township_a, name=f"后备{i}") for i in range(5)]
    client.force_login(township_officer_a)
    response = client.post(
        URL,
        {"mentor": ours[2].pk, "start_on": "2026-01-05", "mentees": [people[0].pk]},
    )
    assert response.status_code == 302
    assert Mentorship.objects.get().mentor == ours[2]

    refused = client.post(
        URL, {"mentor": theirs.pk, "start_on": "2026-01-05", "mentees": [people[1].pk]}
    )
    assert "mentor" in refused.context["form"].errors
    assert Mentorship.objects.count() == 1


def test_the_chosen_mentees_stay_listed_while_searching_for_more(
    client, township_officer_a, township_a
):
    people = [make_reserve(township_a, name=n) for n in ("甲一", "乙二", "丙三", "丁四")]
    client.force_login(township_officer_a)
    response = client.get(URL, {"mentees_q": "乙", "mentees": [people[0].pk]})
    labels = _options(response, "mentees")
    assert [label.split("（")[0] for label in labels] == ["甲一", "乙二"]
    assert reverse("training:mentorship_create") == URL
