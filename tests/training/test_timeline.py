"""The training stage's timeline entries: one per record, each linking to it, in a fixed number
of queries however many records the person has."""

from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from talentpool import timeline
from tests.training.factories import (
    enrol,
    make_achievement,
    make_course,
    make_mentorship,
    make_post,
    make_reserve,
    make_talk,
    mark,
    mentee_of,
)
from training.models import (
    Achievement,
    Attendance,
    Course,
    CourseSession,
    Enrolment,
    PartyStep,
    PracticePost,
    TalkLog,
)
from training.timeline import training_entries


def give_records(person, township, n: int) -> None:
    pairing = make_mentorship(township, [person], mentor_name="老支书", start_on=date(2020, 1, 1))
    mentee = mentee_of(pairing, person)
    days = [timedelta(days=i) for i in range(n)]
    TalkLog.objects.bulk_create(
        [TalkLog(mentee=mentee, date=date(2021, 1, 1) + d, topics="谈心") for d in days]
    )
    courses = Course.objects.bulk_create([Course(title=f"培训{i}") for i in range(n)])
    sessions = CourseSession.objects.bulk_create(
        [CourseSession(course=c, date=date(2022, 1, 1), hours=2, place="党校") for c in courses]
    )
    enrolments = Enrolment.objects.bulk_create(
        [Enrolment(course=c, person=person) for c in courses]
    )
    pairs = zip(enrolments, sessions, strict=True)
    Attendance.objects.bulk_create(
        [Attendance(enrolment=e, session=s, status="present") for e, s in pairs]
    )
    PracticePost.objects.bulk_create(
        [
            PracticePost(
                person=person,
                kind="other",
                host_unit="镇党政办",
                supervisor="李",
                start_on=date(2010, 1, 1) + 10 * d,
                end_on=date(2010, 1, 5) + 10 * d,
                duties="协助",
            )
            for d in days
        ]
    )
    Achievement.objects.bulk_create(
        [
            Achievement(person=person, kind="service", title=f"服务{i}", date=date(2023, 1, 1))
            for i in range(n)
        ]
    )
    PartyStep.objects.create(person=person, step=1, date=date(2020, 5, 1))


def queries_for(person) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        entries = training_entries(person)
    return len(ctx), len(entries)


def test_timeline_uses_the_same_number_of_queries_for_1_and_50_records(township_a):
    few, many = make_reserve(township_a, name="甲"), make_reserve(township_a, name="乙")
    give_records(few, township_a, 1)
    give_records(many, township_a, 50)
    few_queries, few_entries = queries_for(few)
    many_queries, many_entries = queries_for(many)
    assert few_queries == many_queries == 6
    # per record: a talk, a course, a post, an achievement; plus the pairing and the party step
    assert (few_entries, many_entries) == (6, 202)


def test_timeline_entries_link_to_their_records(township_a, mentor):
    person = make_reserve(township_a)
    pairing = make_mentorship(township_a, [person], mentor=mentor, start_on=date(2026, 1, 5))
    talk = make_talk(
        mentee_of(pairing, person), date(2026, 2, 1), kind="visit", topics="入户了解家庭情况"
    )
    course = make_course(None, title="电商直播班", sessions=[(date(2026, 3, 1), "4")])
    mark(enrol(course, person), course.sessions.get())
    post = make_post(person)
    record = make_achievement(person)
    entries = {e.kind: e for e in training_entries(person)}
    assert entries["入户走访"].url == reverse("training:talk_detail", args=[talk.pk])
    assert entries["入户走访"].date == date(2026, 2, 1)
    assert entries["培训"].url == course.get_absolute_url()
    assert entries["培训"].text == "参加培训《电商直播班》，出勤4学时"
    assert entries["岗位锻炼"].url == post.get_absolute_url()
    assert entries["工作实绩"].url == record.get_absolute_url()
    assert entries["导师帮带"].url == pairing.get_absolute_url()


def test_the_person_page_shows_the_training_entries(client, county_officer, township_a):
    person = make_reserve(township_a)
    make_achievement(person, title="引进柑橘深加工项目")
    assert training_entries in timeline._providers
    client.force_login(county_officer)
    response = client.get(reverse("registry:detail", args=[person.pk]))
    assert "引进柑橘深加工项目" in response.content.decode()
