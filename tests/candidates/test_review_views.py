"""The decision form and the county's consultation records, through the views."""

from datetime import date

from django.urls import reverse

from candidates.models import Consultation, Nomination, Status
from tests.candidates.factories import last_event, make_candidate, make_nomination, put_at


def _nomination(township_officer_a, township_a, village_a):
    return make_nomination(
        make_candidate(township_a, village_a), village_a, actor=township_officer_a
    )


def test_township_colleague_passes_the_township_stage(
    client, township_officer_a, colleague_a, township_a, village_a
):
    nomination = put_at(_nomination(township_officer_a, township_a, village_a), Status.TOWNSHIP)
    client.force_login(colleague_a)

    response = client.post(
        reverse("candidates:decide", args=[nomination.pk]),
        {"version": 1, "decision": "pass", "decided_on": "2026-05-01", "note": "同意上报"},
        follow=True,
    )

    assert "已办理：通过，现为“县级联审”" in response.content.decode()
    nomination.refresh_from_db()
    assert nomination.status == Status.COUNTY
    event = last_event(nomination)
    assert (event.actor, event.note, event.decided_on) == (
        colleague_a,
        "同意上报",
        date(2026, 5, 1),
    )


def test_the_losing_reviewer_is_told_who_decided_and_keeps_their_text(
    client, township_officer_a, colleague_a, township_a, village_a
):
    nomination = put_at(_nomination(township_officer_a, township_a, village_a), Status.TOWNSHIP)
    client.force_login(colleague_a)
    client.post(
        reverse("candidates:decide", args=[nomination.pk]),
        {"version": 1, "decision": "pass", "decided_on": "2026-05-01"},
    )
    client.force_login(township_officer_a)

    response = client.post(
        reverse("candidates:decide", args=[nomination.pk]),
        {"version": 1, "decision": "reject", "decided_on": "2026-05-01", "note": "我的详细意见"},
    )

    body = response.content.decode()
    assert response.status_code == 409
    assert "已由周" in body and "您的操作未保存" in body
    assert "我的详细意见" in body
    assert Nomination.objects.get(pk=nomination.pk).status == Status.COUNTY


def test_a_refused_decision_is_explained_not_a_server_error(
    client, township_officer_a, township_a, village_a
):
    nomination = put_at(_nomination(township_officer_a, township_a, village_a), Status.TOWNSHIP)
    client.force_login(township_officer_a)
    response = client.post(
        reverse("candidates:decide", args=[nomination.pk]),
        {"version": 1, "decision": "pass", "decided_on": "2026-05-01"},
    )
    assert response.status_code == 400
    assert "不能审批自己录入的推荐" in response.content.decode()


def test_the_decision_form_offers_only_what_the_user_may_do(
    client, township_officer_a, colleague_a, leader, township_a, village_a
):
    nomination = put_at(_nomination(township_officer_a, township_a, village_a), Status.TOWNSHIP)
    client.force_login(township_officer_a)
    mine = client.get(nomination.get_absolute_url()).content.decode()
    assert 'value="pass"' not in mine and 'value="send_back"' in mine
    client.force_login(colleague_a)
    assert 'value="pass"' in client.get(nomination.get_absolute_url()).content.decode()
    client.force_login(leader)
    assert 'name="decision"' not in client.get(nomination.get_absolute_url()).content.decode()


def test_leader_cannot_post_a_decision(client, township_officer_a, leader, township_a, village_a):
    nomination = _nomination(township_officer_a, township_a, village_a)
    client.force_login(leader)
    response = client.post(
        reverse("candidates:decide", args=[nomination.pk]),
        {"version": 1, "decision": "withdraw", "decided_on": "2026-05-01", "note": "x"},
    )
    assert response.status_code == 403


def test_county_records_a_departments_answer_and_can_correct_it(
    client, county_officer, township_officer_a, township_a, village_a
):
    nomination = put_at(_nomination(township_officer_a, township_a, village_a), Status.COUNTY)
    client.force_login(county_officer)
    url = reverse("candidates:consultation_add", args=[nomination.pk])
    data = {"department": "police", "asked_on": "2026-05-01", "answer": "pending"}
    assert client.post(url, data).status_code == 302
    answered = {**data, "answer": "clear", "answered_on": "2026-05-06", "note": "无违法记录"}
    assert client.post(url, answered).status_code == 302
    consultation = Consultation.objects.get(nomination=nomination)
    assert (consultation.answer, consultation.note) == ("clear", "无违法记录")
    assert consultation.events.filter(pgh_label="update").exists()


def test_an_issue_without_details_is_refused(
    client, county_officer, township_officer_a, township_a, village_a
):
    nomination = put_at(_nomination(township_officer_a, township_a, village_a), Status.COUNTY)
    client.force_login(county_officer)
    response = client.post(
        reverse("candidates:consultation_add", args=[nomination.pk]),
        {
            "department": "court",
            "asked_on": "2026-05-01",
            "answer": "issue",
            "answered_on": "2026-05-02",
        },
    )
    assert response.status_code == 400
    assert "请写明具体问题" in response.content.decode()
    assert not Consultation.objects.exists()


def test_township_officer_cannot_record_consultations(
    client, township_officer_a, township_a, village_a
):
    nomination = put_at(_nomination(township_officer_a, township_a, village_a), Status.COUNTY)
    client.force_login(township_officer_a)
    response = client.post(
        reverse("candidates:consultation_add", args=[nomination.pk]),
        {"department": "police", "asked_on": "2026-05-01", "answer": "pending"},
    )
    assert response.status_code == 403


def test_review_queue_query_count_is_flat(
    client, colleague_a, township_officer_a, township_a, village_a
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("candidates:queue")).status_code == 200
        return len(ctx.captured_queries)

    def add(n):
        for i in range(n):
            person = make_candidate(township_a, village_a, name=f"人{i}")
            put_at(make_nomination(person, village_a, actor=township_officer_a), Status.TOWNSHIP)

    client.force_login(colleague_a)
    add(2)
    small = count()
    add(28)
    assert count() == small


def test_the_queue_shows_what_waits_for_the_user(
    client, township_officer_a, colleague_a, township_a, village_a
):
    nomination = put_at(_nomination(township_officer_a, township_a, village_a), Status.TOWNSHIP)
    client.force_login(colleague_a)
    assert nomination.person.name in client.get(reverse("candidates:queue")).content.decode()
    client.force_login(township_officer_a)  # entered it, so it is not theirs to approve
    mine = client.get(reverse("candidates:queue"), {"stage": "mine"}).content.decode()
    assert nomination.person.name not in mine
