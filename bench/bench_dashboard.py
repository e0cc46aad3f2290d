"""The county home page (the dashboard) on a county's volume: a 300,000-person registry (default
BENCH_PEOPLE), every village's posts and incumbents, 2,000 reserves with two review rounds, and
50,000 training and mentoring records (attendance and talk logs). Reports the server time of one
render (median of several, after a warm-up) and its number of queries."""

from __future__ import annotations

import os
import random
import statistics
import time
from datetime import date, timedelta
from decimal import Decimal

from bench import report

RESERVES = 2000
RECORDS = 50_000
RENDERS = 7


def ensure_pipeline(today: date) -> None:
    """Posts, incumbents, reserves, reviews, training and mentoring, made once."""
    from candidates import demo as candidates_demo
    from candidates.models import PoolMembership, VillagePost
    from training.models import Attendance, TalkLog

    if not VillagePost.objects.exists():
        candidates_demo.seed_posts_and_incumbents()
    if PoolMembership.objects.count() < RESERVES:
        _reserves(RESERVES - PoolMembership.objects.count())
    if Attendance.objects.count() + TalkLog.objects.count() < RECORDS:
        _training_and_mentoring(today)
    _reviews()


def _reserves(count: int) -> None:
    from candidates.models import PoolMembership, VillagePost
    from talentpool.models import Person

    rng = random.Random(7)
    posts: dict[int, list[int]] = {}
    for post_id, village_id in VillagePost.objects.values_list("pk", "village_id"):
        posts.setdefault(village_id, []).append(post_id)
    people = (
        Person.objects.filter(
            birth_date__gt=date(1984, 1, 1),
            village__isnull=False,
            incumbencies__isnull=True,
            pool_memberships__isnull=True,
        )
        .order_by("pk")
        .values_list("pk", "village_id")[: count * 3]
    )
    chosen = rng.sample(list(people), count)
    members = [
        PoolMembership(
            person_id=person_id,
            village_id=village_id,
            category=rng.choice(["secretary", "director", "member", "member"]),
            readiness=rng.choice(["now", "soon", "soon", "later"]),
            entered_on=date(2023, 1, 1) + timedelta(days=rng.randrange(900)),
        )
        for person_id, village_id in chosen
    ]
    PoolMembership.objects.bulk_create(members, batch_size=2000)
    through = PoolMembership.posts.through
    links = [
        through(poolmembership_id=m.pk, villagepost_id=rng.choice(posts[m.village_id]))
        for m in members
        if posts.get(m.village_id)
    ]
    through.objects.bulk_create(links, batch_size=5000)


def _training_and_mentoring(today: date) -> None:
    from candidates.models import PoolMembership
    from talentpool.models import County, Township
    from training.models import (
        Attendance,
        Course,
        CourseSession,
        Enrolment,
        Mentee,
        MentoringRule,
        Mentorship,
        TalkLog,
        TrainingTarget,
    )

    rng = random.Random(11)
    county = County.objects.order_by("pk").first()
    TrainingTarget.objects.get_or_create(county=county, year=today.year, defaults={"people": 1500})
    MentoringRule.objects.get_or_create(county=county)
    members = list(
        PoolMembership.objects.active()
        .values_list("person_id", "village__township_id")
        .order_by("pk")[:RESERVES]
    )
    # Training: 40 courses of 6 sessions; each reserve in 2 courses -> 4,000 enrolments and
    # about 24,000 attendance rows.
    courses = Course.objects.bulk_create(
        [Course(title=f"本土人才培训班第{i + 1}期", topics=["乡村振兴"]) for i in range(40)]
    )
    sessions = CourseSession.objects.bulk_create(
        [
            CourseSession(
                course=course,
                date=today - timedelta(days=rng.randrange(330)),
                hours=Decimal("3.0"),
                place="县委党校",
            )
            for course in courses
            for _ in range(6)
        ]
    )
    by_course: dict[int, list] = {}
    for session in sessions:
        by_course.setdefault(session.course_id, []).append(session)
    enrolments = Enrolment.objects.bulk_create(
        [
            Enrolment(course=course, person_id=person_id)
            for person_id, _t in members
            for course in rng.sample(courses, 2)
        ],
        batch_size=5000,
    )
    Attendance.objects.bulk_create(
        [
            Attendance(
                session=session,
                enrolment=enrolment,
                status="present" if rng.random() < 0.9 else "absent",
            )
            for enrolment in enrolments
            for session in by_course[enrolment.course_id]
        ],
        batch_size=5000,
    )
    # Mentoring: one mentor for four reserves, a talk about every ten days for most of a year:
    # about 26,000 talk logs.
    townships = {t.pk: t for t in Township.objects.all()}
    mentees = []
    for i in range(0, len(members), 4):
        group = members[i : i + 4]
        pairing = Mentorship.objects.create(
            township=townships[group[0][1]],
            mentor_name=f"导师{i // 4 + 1}",
            start_on=today - timedelta(days=330),
        )
        mentees.extend(Mentee(mentorship=pairing, person_id=p) for p, _t in group)
    Mentee.objects.bulk_create(mentees, batch_size=5000)
    TalkLog.objects.bulk_create(
        [
            TalkLog(mentee=mentee, date=today - timedelta(days=day), topics="谈心谈话")
            for mentee in mentees
            for day in range(1, 330, 25 if rng.random() < 0.3 else 12)
        ],
        batch_size=5000,
    )


def _reviews() -> None:
    from candidates.models import PoolMembership
    from evaluation.models import Review, ReviewRound

    rounds = [
        ReviewRound.objects.get_or_create(
            name=name,
            defaults={
                "period": "year",
                "starts_on": date(year, 1, 1),
                "ends_on": date(year, 12, 31),
            },
        )[0]
        for name, year in (("基准2025年度考核", 2025), ("基准2026年度考核", 2026))
    ]
    rng = random.Random(13)
    for round, status in zip(rounds, ("confirmed", "submitted"), strict=True):
        if round.reviews.exists():
            continue
        reviews = []
        for membership_id, person_id, township_id in PoolMembership.objects.active().values_list(
            "pk", "person_id", "village__township_id"
        ):
            value = rng.randint(55, 98)
            scores = dict.fromkeys(round.dimension_keys, value)
            reviews.append(
                Review(
                    round=round,
                    membership_id=membership_id,
                    person_id=person_id,
                    township_id=township_id,
                    scores=scores,
                    score=round.overall(scores),
                    conclusion=rng.choice(["excellent", "competent", "competent", "basic"]),
                    status=status,
                )
            )
        Review.objects.bulk_create(reviews, batch_size=2000)


def run() -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from bench.bench_registry import ensure_people
    from talentpool.models import Person, User

    size = int(os.environ.get("BENCH_PEOPLE", "300000"))
    started = time.perf_counter()
    ensure_people(size)
    ensure_pipeline(timezone.localdate())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    report("dashboard.people", Person.objects.count(), "people")
    report("dashboard.setup", time.perf_counter() - started, "s")

    client = Client()
    client.force_login(User.objects.get(username="county"))
    url = "/evaluation/"
    assert client.get(url).status_code == 200  # warm-up: templates, first-request work
    timings = []
    for _ in range(RENDERS):
        t0 = time.perf_counter()
        response = client.get(url)
        timings.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    report("dashboard.county.render", statistics.median(timings), "ms")
    report("dashboard.county.render.max", max(timings), "ms")
    report("dashboard.county.queries", len(queries.captured_queries), "queries")
