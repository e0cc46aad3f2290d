"""Issue 16, item 1: a rule that blocks says so and names who can act; a township with a single
officer still works when the county's setting lets the county act for it."""

import pytest
from django.urls import reverse

from candidates import actions
from candidates.models import CandidatePolicy, Decision, ReviewEvent, Status
from tests.candidates.factories import make_candidate, make_nomination, put_at


@pytest.fixture
def nomination(township_officer_a, township_a, village_a):
    return put_at(
        make_nomination(make_candidate(township_a, village_a), village_a, actor=township_officer_a),
        Status.TOWNSHIP,
    )


def _county_acts(on: bool) -> None:
    policy = CandidatePolicy.load()
    policy.county_acts_for_lone_officer = on
    policy.save()


def _page(client, user, nomination) -> str:
    client.force_login(user)
    return client.get(reverse("candidates:nomination", args=[nomination.pk])).content.decode()


def test_the_enterer_is_told_why_pass_is_missing_and_which_colleague_can(
    client, nomination, township_officer_a, colleague_a
):
    body = _page(client, township_officer_a, nomination)
    assert "以下操作您不能办理" in body
    assert "不能审批自己录入的推荐：乡镇初审须由本乡镇（街道）另一名工作人员办理（周" in body
    assert 'value="pass"' not in body


def test_a_lone_officer_is_told_to_ask_the_county_when_the_setting_is_off(
    client, nomination, township_officer_a, county_officer
):
    body = _page(client, township_officer_a, nomination)
    assert "本乡镇（街道）没有第二名工作人员" in body and "开启由县委组织部代办" in body
    body = _page(client, county_officer, nomination)
    assert "该乡镇只有一名工作人员" in body and 'value="pass"' not in body
    with pytest.raises(actions.ActionRefused, match="乡镇初审由乡镇"):
        actions.decide(nomination, Decision.PASS, actor=county_officer, expected_version=1)
    nomination.refresh_from_db()
    assert nomination.status == Status.TOWNSHIP
    assert ReviewEvent.objects.filter(nomination=nomination).count() == 1  # the submission


def test_the_county_acts_for_a_lone_officer_township_when_the_setting_is_on(
    client, nomination, township_officer_a, county_officer
):
    _county_acts(True)
    body = _page(client, township_officer_a, nomination)
    assert "按全县设置，乡镇初审由县委组织部代为办理" in body
    body = _page(client, county_officer, nomination)
    assert "乡镇初审由县委组织部代为办理" in body and 'value="pass"' in body

    response = client.post(
        reverse("candidates:decide", args=[nomination.pk]),
        {"version": 1, "decision": "pass", "decided_on": "2026-05-01", "note": "代办"},
    )

    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == Status.COUNTY
    event = ReviewEvent.objects.filter(nomination=nomination).latest("pk")
    assert (event.actor, event.decision, event.to_status) == (county_officer, "pass", "county")


def test_the_county_does_not_act_where_the_township_has_a_second_officer(
    client, nomination, county_officer, colleague_a
):
    _county_acts(True)
    body = _page(client, county_officer, nomination)
    assert "乡镇初审由乡镇（街道）录入人以外的工作人员办理（周" in body
    with pytest.raises(actions.ActionRefused):
        actions.decide(nomination, Decision.PASS, actor=county_officer, expected_version=1)
    nomination.refresh_from_db()
    assert nomination.status == Status.TOWNSHIP


def test_a_reader_is_told_who_handles_the_review(client, nomination, leader):
    body = _page(client, leader, nomination)
    assert "推荐审查由乡镇（街道）和县委组织部办理" in body
    assert "审查记录您不能修改" in body


def test_the_county_setting_is_on_the_settings_page(client, county_officer):
    client.force_login(county_officer)
    body = client.get(reverse("candidates:policy")).content.decode()
    assert "由县委组织部代办乡镇环节" in body
