"""Practice posts: overlapping full-time posts refused by the form and by the database."""

from datetime import date

import pytest
from django.contrib.messages import get_messages
from django.db import IntegrityError
from django.urls import reverse
from pghistory.models import Events

from tests.training.factories import make_post, make_reserve
from training.models import PracticePost


@pytest.fixture
def person(township_a, village_a):
    return make_reserve(township_a, village_a, name="张维")


def post_data(person, village, **overrides):
    data = {
        "person": person.pk,
        "kind": "secretary_assistant",
        "host_village": village.pk,
        "supervisor": "李书记",
        "start_on": "2026-03-01",
        "end_on": "2026-06-30",
        "full_time": "on",
        "duties": "协助书记处理党务",
    }
    return data | overrides


def test_officer_arranges_a_post(client, township_officer_a, person, village_a):
    client.force_login(township_officer_a)
    response = client.post(reverse("training:post_create"), post_data(person, village_a))
    post = PracticePost.objects.get()
    assert response.status_code == 302 and response.url == post.get_absolute_url()
    assert (post.person, post.full_time, post.created_by) == (person, True, township_officer_a)
    assert Events.objects.tracks(post).get().pgh_label == "insert"


def test_an_overlapping_full_time_post_is_refused_with_a_clear_message(
    client, township_officer_a, person, village_a
):
    make_post(person, date(2026, 3, 1), date(2026, 6, 30))
    client.force_login(township_officer_a)
    response = client.post(
        reverse("training:post_create"),
        post_data(
            person, village_a, kind="grid_worker", start_on="2026-06-30", end_on="2026-09-30"
        ),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert (
        "张维在2026-03-01至2026-06-30已有全脱产岗位“书记助理”（香山村），全脱产锻炼时间不能重叠。"
        in body
    )
    assert "该人员在此期间已有全脱产锻炼岗位" not in body  # said once, not twice
    assert PracticePost.objects.count() == 1


def test_a_half_time_post_may_overlap_and_so_may_back_to_back_posts(
    client, township_officer_a, person, village_a
):
    make_post(person, date(2026, 3, 1), date(2026, 6, 30))
    client.force_login(township_officer_a)
    half = post_data(person, village_a, full_time="", start_on="2026-04-01", end_on="2026-07-31")
    half.pop("full_time")
    assert client.post(reverse("training:post_create"), half).status_code == 302
    after = post_data(person, village_a, start_on="2026-07-01", end_on="2026-10-31")
    assert client.post(reverse("training:post_create"), after).status_code == 302
    assert PracticePost.objects.count() == 3


def test_the_database_refuses_overlapping_full_time_posts(person):
    make_post(person, date(2026, 3, 1), date(2026, 6, 30))
    with pytest.raises(IntegrityError, match="practice_post_no_overlapping_full_time"):
        make_post(person, date(2026, 6, 30), date(2026, 8, 31))


def test_editing_a_post_into_an_overlap_is_refused(client, township_officer_a, person, village_a):
    make_post(person, date(2026, 3, 1), date(2026, 6, 30))
    later = make_post(person, date(2026, 7, 1), date(2026, 10, 31))
    client.force_login(township_officer_a)
    response = client.post(
        reverse("training:post_edit", args=[later.pk]),
        post_data(person, village_a, start_on="2026-06-15", end_on="2026-10-31"),
    )
    assert "全脱产锻炼时间不能重叠" in response.content.decode()
    later.refresh_from_db()
    assert later.start_on == date(2026, 7, 1)


def test_a_post_longer_than_six_months_is_saved_with_a_warning(
    client, township_officer_a, person, village_a
):
    client.force_login(township_officer_a)
    response = client.post(
        reverse("training:post_create"), post_data(person, village_a, end_on="2026-12-31")
    )
    assert response.status_code == 302
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("通常为3至6个月" in t for t in texts)


def test_cross_township_person_and_village_are_refused(
    client, township_officer_a, township_b, village_b, person, village_a
):
    stranger = make_reserve(township_b, village_b, name="外镇人")
    client.force_login(township_officer_a)
    response = client.post(reverse("training:post_create"), post_data(stranger, village_a))
    assert "所选人员不在本乡镇（街道）后备干部库中。" in response.content.decode()
    response = client.post(reverse("training:post_create"), post_data(person, village_b))
    assert "所选村（社区）不在您的管辖范围内。" in response.content.decode()
    assert not PracticePost.objects.exists()


def test_the_host_assesses_the_post_once(client, township_officer_a, person):
    post = make_post(person, date(2026, 1, 1), date(2026, 4, 30))
    client.force_login(township_officer_a)
    url = reverse("training:post_assess", args=[post.pk])
    data = {"grade": "excellent", "assessment": "工作主动，群众认可", "assessed_on": "2026-05-06"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    post.refresh_from_db()
    assert (post.assessment_grade, post.assessed_by) == ("excellent", township_officer_a)
    updates = Events.objects.tracks(post).filter(pgh_label="update")
    assert updates.count() == 1
    assert updates.get().pgh_context["action"] == "training.assess_post"


def test_tasks_are_handed_over_within_the_post(client, township_officer_a, person):
    post = make_post(person, date(2026, 1, 1), date(2026, 4, 30))
    client.force_login(township_officer_a)
    url = reverse("training:task_create", args=[post.pk])
    outside = client.post(
        url, {"title": "调解纠纷", "assigned_on": "2026-05-10", "status": "ongoing"}
    )
    assert "交办日期须在锻炼期内。" in outside.content.decode()
    inside = {
        "title": "调解纠纷",
        "assigned_on": "2026-02-10",
        "status": "done",
        "outcome": "已化解",
    }
    assert client.post(url, inside).status_code == 302
    assert post.tasks.get().outcome == "已化解"
