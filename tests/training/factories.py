"""Factory helpers for the training tests: `make_*` functions with sensible defaults."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from candidates.models import PoolCategory, PoolMembership
from talentpool.models import Person, Township, User, Village
from tests.factories import make_person, make_village
from training.models import (
    Achievement,
    AchievementKind,
    Attendance,
    Course,
    CourseSession,
    Enrolment,
    Mentee,
    Mentorship,
    OrganiserLevel,
    PostKind,
    PracticePost,
    TalkLog,
)


def make_reserve(
    township: Township,
    village: Village | None = None,
    *,
    category: str = PoolCategory.MEMBER,
    entered_on: date = date(2025, 1, 1),
    **person_fields,
) -> Person:
    """A person in the reserve pool (an active PoolMembership in `village`)."""
    if village is None:
        village = Village.objects.filter(township=township).first() or make_village(
            township, 901, "示范村"
        )
    person = make_person(township, village, **person_fields)
    PoolMembership.objects.create(
        person=person, village=village, category=category, entered_on=entered_on
    )
    return person


def make_course(
    township: Township | None = None,
    *,
    title: str = "农村电商培训班",
    capacity: int | None = None,
    sessions: list[tuple[date, str]] = (),
    **fields,
) -> Course:
    course = Course.objects.create(
        title=title,
        township=township,
        organiser_level=OrganiserLevel.TOWNSHIP if township else OrganiserLevel.COUNTY,
        capacity=capacity,
        topics=fields.pop("topics", ["农村电商"]),
        **fields,
    )
    for on, hours in sessions:
        make_session(course, on, hours)
    return course


def make_session(course: Course, on: date, hours: str = "4") -> CourseSession:
    return CourseSession.objects.create(
        course=course, date=on, hours=Decimal(hours), place="县委党校"
    )


def enrol(course: Course, person: Person) -> Enrolment:
    return Enrolment.objects.create(course=course, person=person)


def mark(enrolment: Enrolment, session: CourseSession, status: str = "present") -> Attendance:
    return Attendance.objects.create(enrolment=enrolment, session=session, status=status)


def make_mentorship(
    township: Township,
    mentees: list[Person],
    *,
    mentor: User | None = None,
    mentor_name: str = "",
    start_on: date | None = None,
    end_on: date | None = None,
) -> Mentorship:
    mentorship = Mentorship.objects.create(
        township=township,
        mentor=mentor,
        mentor_name=mentor_name if mentor or mentor_name else "老支书",
        start_on=start_on or date.today() - timedelta(days=90),
        end_on=end_on,
        goals="熟悉村务",
    )
    for person in mentees:
        Mentee.objects.create(mentorship=mentorship, person=person)
    return mentorship


def mentee_of(mentorship: Mentorship, person: Person) -> Mentee:
    return Mentee.objects.get(mentorship=mentorship, person=person)


def make_talk(mentee: Mentee, on: date, kind: str = "talk", topics: str = "谈思想") -> TalkLog:
    return TalkLog.objects.create(mentee=mentee, date=on, kind=kind, topics=topics)


def make_post(
    person: Person,
    start_on: date = date(2026, 3, 1),
    end_on: date = date(2026, 6, 30),
    *,
    full_time: bool = True,
    kind: str = PostKind.SECRETARY_ASSISTANT,
    host_village: Village | None = None,
) -> PracticePost:
    return PracticePost.objects.create(
        person=person,
        kind=kind,
        host_village=host_village or person.village,
        supervisor="李书记",
        start_on=start_on,
        end_on=end_on,
        full_time=full_time,
        duties="协助书记处理日常事务",
    )


def make_achievement(
    person: Person,
    *,
    kind: str = AchievementKind.PROJECT,
    recorded_by: User | None = None,
    **fields,
) -> Achievement:
    defaults = {"date": date(2026, 5, 1), "title": "引进柑橘深加工项目"}
    if kind == AchievementKind.PROJECT:
        defaults |= {
            "company": "重庆某农业公司",
            "agreement_signed": True,
            "investment": Decimal("120.5"),
        }
    return Achievement.objects.create(
        person=person, kind=kind, recorded_by=recorded_by, **(defaults | fields)
    )
