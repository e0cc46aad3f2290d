"""Courses: creating them, enrolment (one by one, in bulk, capacity, no duplicates),
attendance on the grid, and each person's hours in a year against the county's target."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pghistory.models import Events

from candidates.models import PoolCategory
from talentpool.models import Person
from tests.training.factories import (
    enrol,
    make_course,
    make_reserve,
    mark,
)
from training.models import (
    Attendance,
    Course,
    Enrolment,
    OrganiserLevel,
    TrainingTarget,
    hours_in_year,
)


def test_township_officer_creates_a_course_of_their_own_township(
    client, township_officer_a, township_b
):
    client.force_login(township_officer_a)
    response = client.post(
        reverse("training:course_create"),
        {
            "title": " 电商直播  培训班 ",
            # Tampered: a township cannot organise for the county or another township.
            "organiser_level": OrganiserLevel.COUNTY,
            "township": township_b.pk,
            "format": "central",
            "topics": ["农村电商", "视频直播"],
            "other_topics": "短视频、农产品包装",
            "capacity": "30",
        },
    )
    course = Course.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("training:session_create", args=[course.pk])
    assert (course.title, course.organiser_level) == ("电商直播 培训班", OrganiserLevel.TOWNSHIP)
    assert course.township_id == township_officer_a.township_id
    assert course.topics == ["农村电商", "视频直播", "短视频", "农产品包装"]
    assert course.created_by == township_officer_a


def test_county_course_form_requires_a_township_only_for_township_courses(client, county_officer):
    client.force_login(county_officer)
    data = {"title": "乡镇轮训", "organiser_level": "township", "format": "rotation"}
    response = client.post(reverse("training:course_create"), data)
    assert response.status_code == 200
    assert "乡镇（街道）举办的培训请选择举办乡镇。" in response.content.decode()
    assert not Course.objects.exists()


def test_township_officer_sees_county_courses_only_when_their_people_attend(
    client, township_officer_a, township_a, township_b
):
    mine = make_course(township_a, title="本镇培训")
    attended = make_course(None, title="县级培训甲")
    make_course(None, title="县级培训乙")
    make_course(township_b, title="外镇培训")
    enrol(attended, make_reserve(township_a))
    enrol(attended, make_reserve(township_b, name="外镇学员"))
    client.force_login(township_officer_a)
    response = client.get(reverse("training:course_list"))
    titles = sorted(c.title for c in response.context["page"])
    assert titles == sorted([mine.title, attended.title])
    detail = client.get(reverse("training:course_detail", args=[attended.pk]))
    assert [e.person.township_id for e in detail.context["roster"]] == [township_a.pk]
    assert detail.context["can_manage"] is False
    assert client.get(reverse("training:attendance", args=[attended.pk])).status_code == 403


def test_course_list_has_a_fixed_number_of_queries(client, county_officer, township_a):
    def count(n: int) -> int:
        for i in range(n):
            course = make_course(township_a, title=f"班{i}", sessions=[(date(2026, 3, 1), "4")])
            enrol(course, make_reserve(township_a))
        client.force_login(county_officer)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("training:course_list")).status_code == 200
        return len(ctx)

    assert count(1) == count(10)


# --- enrolment -------------------------------------------------------------------------------


def test_officer_enrols_chosen_people_and_duplicates_are_skipped(
    client, township_officer_a, township_a
):
    course = make_course(township_a)
    first, second = make_reserve(township_a, name="甲"), make_reserve(township_a, name="乙")
    enrol(course, first)
    client.force_login(township_officer_a)
    url = reverse("training:enrol", args=[course.pk])
    response = client.post(url, {"mode": "selected", "people": [first.pk, second.pk]}, follow=True)
    assert response.status_code == 200
    body = response.content.decode()
    assert "已报名 1 人。" in body and "1 人此前已报名，未重复报名。" in body
    assert sorted(course.enrolments.values_list("person__name", flat=True)) == ["乙", "甲"]
    added = course.enrolments.get(person=second)
    event = Events.objects.tracks(added).get()
    assert (event.pgh_label, event.pgh_context["user"]) == ("insert", township_officer_a.pk)
    assert event.pgh_context["action"] == "training.enrol_people"


def test_enrolment_stops_at_the_course_capacity(client, county_officer, township_a):
    course = make_course(None, capacity=2)
    people = [make_reserve(township_a, name=n) for n in ("甲", "乙", "丙")]
    client.force_login(county_officer)
    response = client.post(
        reverse("training:enrol", args=[course.pk]),
        {"mode": "selected", "people": [p.pk for p in people]},
        follow=True,
    )
    assert "名额已满，1 人未能报名" in response.content.decode()
    assert course.enrolments.count() == 2


def test_bulk_enrolment_by_township_and_category(client, county_officer, township_a, township_b):
    course = make_course(None)
    secretary = make_reserve(township_a, name="书记后备", category=PoolCategory.SECRETARY)
    make_reserve(township_a, name="委员后备", category=PoolCategory.MEMBER)
    make_reserve(township_b, name="外镇书记后备", category=PoolCategory.SECRETARY)
    client.force_login(county_officer)
    response = client.post(
        reverse("training:enrol", args=[course.pk]),
        {"mode": "bulk", "township": township_a.pk, "category": PoolCategory.SECRETARY},
    )
    assert response.status_code == 302
    assert list(course.enrolments.values_list("person", flat=True)) == [secretary.pk]


def test_only_active_pool_members_can_be_enrolled(client, township_officer_a, township_a):
    course = make_course(township_a)
    outsider = Person.objects.create(
        name="非后备",
        gender="1",
        birth_date=date(1990, 1, 1),
        id_number="500233199001010011",
        township=township_a,
    )
    client.force_login(township_officer_a)
    response = client.post(
        reverse("training:enrol", args=[course.pk]), {"mode": "selected", "people": [outsider.pk]}
    )
    assert response.status_code == 200
    assert "所选人员不在可报名范围内。" in response.content.decode()
    assert not course.enrolments.exists()


def test_township_officer_cannot_enrol_another_townships_person_by_id(
    client, township_officer_a, township_a, township_b
):
    course = make_course(township_a)
    stranger = make_reserve(township_b)
    client.force_login(township_officer_a)
    response = client.post(
        reverse("training:enrol", args=[course.pk]), {"mode": "selected", "people": [stranger.pk]}
    )
    assert response.status_code == 200
    assert not course.enrolments.exists()


def test_the_database_refuses_a_second_enrolment_of_the_same_person(township_a):
    course = make_course(township_a)
    person = make_reserve(township_a)
    enrol(course, person)
    with pytest.raises(IntegrityError):
        enrol(course, person)


def test_withdrawal_is_refused_once_the_person_has_attended(client, township_officer_a, township_a):
    course = make_course(township_a, sessions=[(date(2026, 3, 1), "4")])
    attended = enrol(course, make_reserve(township_a, name="甲"))
    mark(attended, course.sessions.get())
    never = enrol(course, make_reserve(township_a, name="乙"))
    client.force_login(township_officer_a)
    response = client.post(reverse("training:enrolment_withdraw", args=[attended.pk]), follow=True)
    assert "该学员已有出勤记录，不能取消报名。" in response.content.decode()
    client.post(reverse("training:enrolment_withdraw", args=[never.pk]))
    assert list(course.enrolments.values_list("pk", flat=True)) == [attended.pk]


def test_a_session_with_attendance_cannot_be_deleted(client, township_officer_a, township_a):
    course = make_course(township_a, sessions=[(date(2026, 3, 1), "4"), (date(2026, 3, 2), "4")])
    used, unused = course.sessions.all()
    mark(enrol(course, make_reserve(township_a)), used)
    client.force_login(township_officer_a)
    client.post(reverse("training:session_delete", args=[used.pk]))
    client.post(reverse("training:session_delete", args=[unused.pk]))
    assert list(course.sessions.values_list("pk", flat=True)) == [used.pk]


def test_completion_score_and_certificate(client, township_officer_a, township_a):
    course = make_course(township_a)
    first = enrol(course, make_reserve(township_a, name="甲"))
    second = enrol(course, make_reserve(township_a, name="乙"))
    client.force_login(township_officer_a)
    url = reverse("training:enrolment_edit", args=[first.pk])
    response = client.post(
        url, {"completed": "on", "score": "92.5", "certificate_no": "ZX2026-001"}
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert (first.completed, first.score, first.certificate_no) == (
        True,
        Decimal("92.5"),
        "ZX2026-001",
    )
    clash = client.post(
        reverse("training:enrolment_edit", args=[second.pk]),
        {"completed": "on", "score": "101", "certificate_no": "ZX2026-001"},
    )
    body = clash.content.decode()
    assert "该结业证书编号已被使用。" in body and "成绩须在0到100之间。" in body


# --- attendance and hours --------------------------------------------------------------------


def test_attendance_grid_saves_sets_and_clears_cells(client, township_officer_a, township_a):
    course = make_course(township_a, sessions=[(date(2026, 3, 1), "4"), (date(2026, 3, 2), "3.5")])
    s1, s2 = course.sessions.all()
    e = enrol(course, make_reserve(township_a))
    mark(e, s2, "absent")
    other = make_course(township_a, title="别的班", sessions=[(date(2026, 3, 3), "2")])
    other_enrolment = enrol(other, make_reserve(township_a, name="别班学员"))
    client.force_login(township_officer_a)
    response = client.post(
        reverse("training:attendance", args=[course.pk]),
        {
            f"a-{e.pk}-{s1.pk}": "present",
            f"a-{e.pk}-{s2.pk}": "",
            # A cell of another course, slipped into the form, is ignored.
            f"a-{other_enrolment.pk}-{other.sessions.get().pk}": "present",
        },
    )
    assert response.status_code == 302
    assert list(Attendance.objects.values_list("enrolment", "session", "status")) == [
        (e.pk, s1.pk, "present")
    ]
    labels = sorted(
        ev.pgh_label for ev in Events.objects.filter(pgh_model="training.AttendanceEvent")
    )
    assert labels == ["delete", "insert", "insert"]  # the fixture's insert, ours, the clear


def test_saving_the_same_grid_twice_changes_nothing(client, township_officer_a, township_a):
    course = make_course(township_a, sessions=[(date(2026, 3, 1), "4")])
    e = enrol(course, make_reserve(township_a))
    client.force_login(township_officer_a)
    data = {f"a-{e.pk}-{course.sessions.get().pk}": "leave"}
    client.post(reverse("training:attendance", args=[course.pk]), data)
    response = client.post(reverse("training:attendance", args=[course.pk]), data, follow=True)
    assert "考勤已保存（0 处变动）。" in response.content.decode()
    assert Events.objects.filter(pgh_model="training.AttendanceEvent").count() == 1


def test_hours_in_a_year_sum_the_sessions_attended_in_that_year(township_a):
    course = make_course(
        None,
        sessions=[(date(2025, 12, 31), "4"), (date(2026, 1, 1), "3.5"), (date(2026, 1, 2), "2")],
    )
    dec31, jan1, jan2 = course.sessions.all()
    person = make_reserve(township_a)
    e = enrol(course, person)
    mark(e, dec31, "present")
    mark(e, jan1, "present")
    mark(e, jan2, "leave")
    second = make_course(township_a, sessions=[(date(2026, 6, 1), "6")])
    mark(enrol(second, person), second.sessions.get(), "present")
    people = Person.objects.filter(pk=person.pk)
    assert hours_in_year(people, 2025).get().training_hours == Decimal("4")
    assert hours_in_year(people, 2026).get().training_hours == Decimal("9.5")
    assert hours_in_year(people, 2024).get().training_hours == Decimal("0")


def test_target_progress_counts_people_who_reached_the_minimum_hours(
    client, county_officer, township_a
):
    TrainingTarget.objects.create(county=township_a.county, year=2026, people=4, min_hours=8)
    course = make_course(None, sessions=[(date(2026, 3, 1), "4"), (date(2026, 3, 2), "4")])
    s1, s2 = course.sessions.all()
    full, half = make_reserve(township_a, name="甲"), make_reserve(township_a, name="乙")
    for session in (s1, s2):
        mark(enrol(course, full) if session == s1 else Enrolment.objects.get(person=full), session)
    mark(enrol(course, half), s1)
    client.force_login(county_officer)
    response = client.get(reverse("training:hours"), {"year": 2026})
    (progress,) = response.context["progress"]
    assert (progress["done"], progress["percent"]) == (1, 25)
    assert [(p.name, p.training_hours) for p in response.context["page"]] == [
        ("甲", Decimal("8")),
        ("乙", Decimal("4")),
    ]


def test_only_the_county_sets_targets(client, county_officer, township_officer_a, township_a):
    client.force_login(township_officer_a)
    assert client.post(reverse("training:targets"), {"year": 2026}).status_code == 403
    client.force_login(county_officer)
    data = {"county": township_a.county_id, "year": 2026, "people": 100, "min_hours": "8"}
    assert client.post(reverse("training:targets"), data).status_code == 302
    again = client.post(reverse("training:targets"), data)
    assert "该年度已设定培训目标。" in again.content.decode()
    assert TrainingTarget.objects.get().people == 100
