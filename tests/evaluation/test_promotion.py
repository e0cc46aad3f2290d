"""Promotion into a village post, the ladder after it, and the pages that record them."""

from datetime import date

import pytest
from django.urls import reverse
from pghistory.models import Events

from candidates.models import Incumbency
from evaluation.actions import Appointment, appoint_to_post, record_career_step
from evaluation.models import CareerStep, Proposal
from tests.candidates.factories import make_incumbency, make_post
from tests.evaluation.factories import make_review, make_round
from tests.factories import make_person

ON = date(2026, 3, 15)


@pytest.fixture
def secretary_post(village_a, township_a):
    post = make_post(village_a, "secretary")
    old = make_person(township_a, village_a, name="老书记", birth_date=date(1962, 1, 1))
    make_incumbency(post, old, started_on=date(2021, 3, 1))
    return post


def test_promotion_closes_the_membership_and_changes_the_incumbent(
    reserve_a, secretary_post, county_officer
):
    incumbency = appoint_to_post(
        reserve_a.person,
        Appointment(secretary_post, "election", ON, term_end=date(2031, 3, 14)),
        actor=county_officer,
    )
    reserve_a.refresh_from_db()
    assert (reserve_a.left_on, reserve_a.leave_reason) == (ON, "promoted")
    assert "村党组织书记" in reserve_a.leave_note
    previous = Incumbency.objects.get(post=secretary_post, person__name="老书记")
    assert (previous.ended_on, previous.end_reason) == (ON, "election")
    assert Incumbency.objects.active(ON).get(post=secretary_post).person == reserve_a.person
    assert (incumbency.appointed_how, incumbency.term_end) == ("election", date(2031, 3, 14))
    step = CareerStep.objects.get(person=reserve_a.person)
    assert (step.kind, step.incumbency, step.post) == ("entered", incumbency, secretary_post)
    event = Events.objects.tracks(incumbency).get()
    assert event.pgh_context["action"] == "evaluation.appoint_to_post"


def test_appointing_the_holder_again_changes_nothing(reserve_a, secretary_post, county_officer):
    appointment = Appointment(secretary_post, "election", ON)
    first = appoint_to_post(reserve_a.person, appointment, actor=county_officer)
    again = appoint_to_post(reserve_a.person, appointment, actor=county_officer)
    assert again == first
    assert CareerStep.objects.count() == 1


def test_a_step_up_the_ladder_ends_the_lower_post(township_a, village_a, county_officer):
    member_post = make_post(village_a, "committee_member")
    deputy = make_post(village_a, "deputy_secretary")
    person = make_person(township_a, village_a, name="韩梅")
    make_incumbency(member_post, person, started_on=date(2021, 3, 1))
    appoint_to_post(
        person, Appointment(deputy, "selection", ON, end_reason="adjustment"), actor=county_officer
    )
    held = Incumbency.objects.active(ON).filter(person=person).values_list("post__kind", flat=True)
    assert list(held) == ["deputy_secretary"]
    ended = Incumbency.objects.get(post=member_post)
    assert (ended.ended_on, ended.end_reason) == (ON, "adjustment")
    assert CareerStep.objects.get().kind == "promoted"


def test_the_secretary_elected_director_holds_both_posts(township_a, village_a, county_officer):
    secretary = make_post(village_a, "secretary")
    director = make_post(village_a, "director")
    person = make_person(township_a, village_a, name="周强")
    make_incumbency(secretary, person, started_on=date(2021, 3, 1))
    appoint_to_post(
        person, Appointment(director, "election", ON, keep_other_posts=True), actor=county_officer
    )
    assert Incumbency.objects.active(ON).filter(person=person).count() == 2
    assert CareerStep.objects.get().kind == "one_shoulder"


def test_promotion_fulfils_the_excellent_flag(reserve_a, secretary_post, county_officer):
    review = make_review(make_round(), reserve_a, "excellent")
    Proposal.objects.create(
        kind="promote",
        review=review,
        membership=reserve_a,
        person=reserve_a.person,
        township_id=review.township_id,
        reason="考核优秀",
    )
    appoint_to_post(
        reserve_a.person, Appointment(secretary_post, "election", ON), actor=county_officer
    )
    proposal = Proposal.objects.get()
    assert (proposal.status, proposal.decision_note) == ("accepted", "已提拔任用")


def test_township_officer_records_a_promotion_on_the_page(
    client, township_officer_a, reserve_a, secretary_post
):
    client.force_login(township_officer_a)
    url = reverse("evaluation:appoint", args=[reserve_a.person_id])
    page = client.get(url)
    assert "老书记" in page.content.decode()  # the current holder is named in the choice
    data = {
        "post": secretary_post.pk,
        "how": "election",
        "on": "2026-03-15",
        "term_end": "2031-03-14",
        "end_reason": "election",
    }
    asked = client.post(url, data).content.decode()
    # Asked first, listing what will happen; nothing happened yet.
    assert "确认任职" in asked and "现任老书记同日离任，离任原因：换届" in asked
    assert "以“已提拔任用”出库" in asked
    reserve_a.refresh_from_db()
    assert reserve_a.left_on is None
    response = client.post(url, {**data, "confirmed": "1"})
    assert response.status_code == 302
    assert response.url == reverse("evaluation:person_record", args=[reserve_a.person_id])
    reserve_a.refresh_from_db()
    assert reserve_a.leave_reason == "promoted"
    event = Events.objects.tracks(reserve_a).filter(pgh_label="update").last()
    assert event.pgh_context["user"] == township_officer_a.pk


def test_another_townships_post_in_the_form_is_refused(
    client, township_officer_a, reserve_a, village_b
):
    post_b = make_post(village_b, "secretary")
    client.force_login(township_officer_a)
    response = client.post(
        reverse("evaluation:appoint", args=[reserve_a.person_id]),
        {"post": post_b.pk, "how": "election", "on": "2026-03-15", "end_reason": "election"},
    )
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    reserve_a.refresh_from_db()
    assert reserve_a.left_on is None
    assert not Incumbency.objects.filter(post=post_b).exists()


def test_a_term_ending_before_it_starts_is_refused(
    client, county_officer, reserve_a, secretary_post
):
    client.force_login(county_officer)
    response = client.post(
        reverse("evaluation:appoint", args=[reserve_a.person_id]),
        {
            "post": secretary_post.pk,
            "how": "election",
            "on": "2026-03-15",
            "term_end": "2025-03-14",
            "end_reason": "election",
        },
    )
    assert response.status_code == 200
    assert "任期届满日期须晚于任职日期" in response.content.decode()
    assert not CareerStep.objects.exists()


def test_full_time_cadre_status_is_recorded_once(client, county_officer, reserve_a):
    client.force_login(county_officer)
    url = reverse("evaluation:career_step_create", args=[reserve_a.person_id])
    data = {"kind": "full_time", "on": "2026-05-01", "note": "专职化管理"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, {**data, "on": "2026-06-01"}).status_code == 302
    step = CareerStep.objects.get()
    assert (step.kind, step.on, step.created_by) == ("full_time", date(2026, 5, 1), county_officer)
    assert (
        Events.objects.tracks(step).get().pgh_context["action"] == "evaluation.record_career_step"
    )


def test_public_institution_needs_the_unit(client, county_officer, reserve_a):
    client.force_login(county_officer)
    url = reverse("evaluation:career_step_create", args=[reserve_a.person_id])
    response = client.post(url, {"kind": "public_institution", "on": "2026-05-01"})
    assert "请填写招录单位" in response.content.decode()
    assert record_career_step(
        reserve_a.person,
        "public_institution",
        date(2026, 5, 1),
        actor=county_officer,
        unit="忠州街道便民服务中心",
    )


def test_appointments_page_finds_own_reserves_by_name_only(
    client, township_officer_a, reserve_a, reserve_b
):
    client.force_login(township_officer_a)
    url = reverse("evaluation:appointment_list")
    body = client.get(url, {"q": "李"}).content.decode()
    assert reverse("evaluation:appoint", args=[reserve_a.person_id]) in body
    assert "王芳" not in client.get(url, {"q": "王"}).content.decode()
    body = client.get(url, {"q": reserve_a.person.id_number}).content.decode()
    assert "按身份证号查找请到人才信息库" in body
