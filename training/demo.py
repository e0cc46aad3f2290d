"""Demo data for the training stage: courses with sessions and attendance, pairings with talk
logs (some pairs behind, one silent), practice posts, party steps and achievements.

Run after the candidates' demo data (it trains the reserve pool that one fills). Deterministic
for a given day (a fixed random seed; dates count back from today so that the compliance view
always has a current month to show) and idempotent: a second run creates nothing.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from candidates.models import PoolMembership
from talentpool.demo import TOWNSHIP_A, TOWNSHIP_B
from talentpool.models import Person, Township, User
from training.actions import ActionRefused, record_party_step
from training.models import (
    Achievement,
    AchievementKind,
    AssessmentGrade,
    Attendance,
    AttendanceStatus,
    Course,
    CourseFormat,
    CourseSession,
    Enrolment,
    Mentee,
    MentoringRule,
    Mentorship,
    OrganiserLevel,
    PartyStepKind,
    PostKind,
    PostTask,
    PracticePost,
    TalkKind,
    TalkLog,
    TrainingTarget,
)

SEED = 20260505


@dataclass(frozen=True)
class DemoCourse:
    title: str
    level: str
    format: str
    topics: tuple[str, ...]
    township: str | None  # township code, None for the county
    days_ago: tuple[int, ...]  # one session per entry (negative: still to come)
    hours: str
    place: str
    per_township: int
    capacity: int | None = None


COURSES = [
    DemoCourse(
        "村级后备干部农村电商与直播带货培训班",
        OrganiserLevel.COUNTY,
        CourseFormat.CENTRAL,
        ("农村电商", "视频直播"),
        None,
        (70, 69, 68),
        "6",
        "县委党校报告厅",
        8,
        capacity=60,
    ),
    DemoCourse(
        "村级后备干部政策理论专题轮训",
        OrganiserLevel.PARTY_SCHOOL,
        CourseFormat.ROTATION,
        ("政策理论", "基层治理"),
        None,
        (35, 34),
        "4",
        "县委党校第二教室",
        6,
    ),
    DemoCourse(
        "忠州街道后备干部跟岗学习",
        OrganiserLevel.TOWNSHIP,
        CourseFormat.SHADOWING,
        ("基层治理",),
        TOWNSHIP_A,
        (16, 9),
        "3.5",
        "白公社区便民服务中心",
        6,
    ),
    DemoCourse(
        "产业发展示范村外出参观学习",
        OrganiserLevel.TOWNSHIP,
        CourseFormat.STUDY_TOUR,
        ("产业发展", "创业扶持"),
        TOWNSHIP_B,
        (-10,),
        "8",
        "石柱县中益乡华溪村",
        5,
    ),
]

TALK_TOPICS = [
    "了解近期思想动态和家庭情况",
    "交流村集体经济发展思路",
    "讲解村务公开和“四议两公开”程序",
    "一起入户走访困难群众",
    "指导撰写产业项目申报材料",
    "谈心谈话，鼓励参加村级事务",
    "交流直播带货经验，帮助对接销售渠道",
    "讨论矛盾纠纷调解的方法",
]
PROBLEMS = ["", "", "家中老人需要照顾，时间紧张", "对集体经济项目心里没底", "缺少启动资金"]
FOLLOW_UPS = ["", "", "下周带其参加村民代表会议", "联系镇农业服务中心提供技术指导"]


def _reserves(township: Township, limit: int) -> list[Person]:
    memberships = (
        PoolMembership.objects.active()
        .in_township(township)
        .select_related("person")
        .order_by("pk")[:limit]
    )
    return [m.person for m in memberships]


@transaction.atomic
def seed() -> dict[str, int]:
    """Create the training stage's demo data; does nothing if it is there already."""
    if Course.objects.filter(title=COURSES[0].title).exists():
        return {"courses": 0, "pairings": 0, "talks": 0, "posts": 0, "achievements": 0}
    townships = {t.code: t for t in Township.objects.filter(code__in=[TOWNSHIP_A, TOWNSHIP_B])}
    if len(townships) < 2:
        return {"courses": 0, "pairings": 0, "talks": 0, "posts": 0, "achievements": 0}
    a, b = townships[TOWNSHIP_A], townships[TOWNSHIP_B]
    users = {
        u.username: u
        for u in User.objects.filter(username__in=["county", "township_a", "township_b", "mentor"])
    }
    rng = random.Random(SEED)
    today = timezone.localdate()
    pool = {a.pk: _reserves(a, 16), b.pk: _reserves(b, 16)}
    county = a.county
    TrainingTarget.objects.get_or_create(
        county=county, year=today.year, defaults={"people": 100, "min_hours": Decimal("8")}
    )
    MentoringRule.objects.get_or_create(county=county)

    courses = _seed_courses(townships, pool, users, rng, today)
    pairings, talks = _seed_mentoring(a, b, pool, users, rng, today)
    posts = _seed_posts(a, b, pool, users, today)
    achievements = _seed_achievements(pool, users, rng, today, a, b)
    _seed_party_steps(pool[a.pk] + pool[b.pk], users, today)
    return {
        "courses": courses,
        "pairings": pairings,
        "talks": talks,
        "posts": posts,
        "achievements": achievements,
    }


def _seed_courses(townships, pool, users, rng, today) -> int:
    for spec in COURSES:
        township = townships[spec.township] if spec.township else None
        creator = (
            users.get("township_a" if spec.township == TOWNSHIP_A else "township_b")
            if township
            else users.get("county")
        )
        course = Course.objects.create(
            title=spec.title,
            organiser_level=spec.level,
            format=spec.format,
            topics=list(spec.topics),
            township=township,
            teachers="县委党校 刘老师、县农业农村委 张老师",
            capacity=spec.capacity,
            description="围绕乡村振兴和村级事务，提升后备干部履职能力。",
            created_by=creator,
        )
        sessions = CourseSession.objects.bulk_create(
            [
                CourseSession(
                    course=course,
                    date=today - timedelta(days=days),
                    hours=Decimal(spec.hours),
                    place=spec.place,
                    subject=spec.topics[i % len(spec.topics)],
                )
                for i, days in enumerate(spec.days_ago)
            ]
        )
        people = []
        for township_id, reserves in pool.items():
            if township is None or township.pk == township_id:
                people += reserves[: spec.per_township]
        enrolments = Enrolment.objects.bulk_create(
            [Enrolment(course=course, person=p, enrolled_by=creator) for p in people]
        )
        marks = []
        for enrolment in enrolments:
            for session in sessions:
                if session.date > today:
                    continue
                status = rng.choices(
                    [AttendanceStatus.PRESENT, AttendanceStatus.LEAVE, AttendanceStatus.ABSENT],
                    weights=[85, 10, 5],
                )[0]
                marks.append(
                    Attendance(
                        enrolment=enrolment, session=session, status=status, recorded_by=creator
                    )
                )
        Attendance.objects.bulk_create(marks)
        if all(s.date <= today for s in sessions):
            attended = {m.enrolment_id for m in marks if m.status == AttendanceStatus.PRESENT}
            for n, enrolment in enumerate(enrolments, start=1):
                if enrolment.pk in attended:
                    enrolment.completed = True
                    enrolment.score = Decimal(rng.randint(70, 98))
                    enrolment.certificate_no = f"ZX{today:%Y}-{course.pk:03d}-{n:03d}"
            Enrolment.objects.bulk_update(enrolments, ["completed", "score", "certificate_no"])
    return len(COURSES)


def _talk_dates(start: date, today: date, per_month: int, rng: random.Random, stop_days_ago=0):
    """About `per_month` dates a month from `start` until `stop_days_ago` days before today."""
    end = today - timedelta(days=stop_days_ago)
    dates = []
    day = start
    step = max(1, 30 // max(per_month, 1))
    while day <= end:
        dates.append(day)
        day += timedelta(days=step + rng.randint(-1, 1))
    return dates


def _seed_mentoring(a, b, pool, users, rng, today) -> tuple[int, int]:
    mentor = users.get("mentor")
    plans = []  # (pairing kwargs, mentees, talks per month, silent for the last n days)
    reserves_a, reserves_b = pool[a.pk], pool[b.pk]
    start = today - timedelta(days=120)
    if mentor and len(reserves_a) >= 3:
        plans.append(
            (
                {"township": a, "mentor": mentor, "mentor_title": "驻村第一书记"},
                reserves_a[:3],
                [4, 2, 4],
                [0, 0, 30],
            )
        )
    if len(reserves_a) >= 4:
        plans.append(
            (
                {"township": a, "mentor_name": "陈德发", "mentor_title": "老支书"},
                reserves_a[3:4],
                [3],
                [0],
            )
        )
    if len(reserves_b) >= 2:
        plans.append(
            (
                {"township": b, "mentor_name": "冉光明", "mentor_title": "镇联村领导"},
                reserves_b[:2],
                [4, 1],
                [0, 20],
            )
        )
    talks = []
    pairings = 0
    for kwargs, people, rates, silences in plans:
        officer = users.get("township_a" if kwargs["township"] == a else "township_b")
        pairing = Mentorship.objects.create(
            start_on=start,
            goals="熟悉村级事务，参与产业发展和矛盾调解，一年内能独立开展工作。",
            created_by=officer,
            **kwargs,
        )
        pairings += 1
        for person, rate, silent in zip(people, rates, silences, strict=True):
            mentee = Mentee.objects.create(mentorship=pairing, person=person)
            recorder = pairing.mentor or officer
            for on in _talk_dates(start, today, rate, rng, silent):
                talks.append(
                    TalkLog(
                        mentee=mentee,
                        date=on,
                        kind=rng.choice(TalkKind.values),
                        topics=rng.choice(TALK_TOPICS),
                        problems=rng.choice(PROBLEMS),
                        follow_up=rng.choice(FOLLOW_UPS),
                        recorded_by=recorder,
                    )
                )
    if len(reserves_b) >= 3:
        ended = Mentorship.objects.create(
            township=b,
            mentor_name="谭永红",
            mentor_title="老支书",
            start_on=today - timedelta(days=400),
            end_on=today - timedelta(days=35),
            goals="传帮带，熟悉村务。",
            created_by=users.get("township_b"),
        )
        pairings += 1
        mentee = Mentee.objects.create(mentorship=ended, person=reserves_b[2])
        for on in _talk_dates(ended.start_on, ended.end_on, 4, rng):
            talks.append(TalkLog(mentee=mentee, date=on, topics=rng.choice(TALK_TOPICS)))
    TalkLog.objects.bulk_create(talks)
    return pairings, len(talks)


def _seed_posts(a, b, pool, users, today) -> int:
    reserves_a, reserves_b = pool[a.pk], pool[b.pk]
    specs = []
    if len(reserves_a) >= 6:
        specs += [
            (
                reserves_a[4],
                PostKind.SECRETARY_ASSISTANT,
                today - timedelta(days=40),
                150,
                True,
                None,
            ),
            (reserves_a[5], PostKind.GRID_WORKER, today - timedelta(days=20), 90, False, None),
        ]
    if len(reserves_b) >= 5:
        specs += [
            (
                reserves_b[3],
                PostKind.MODEL_VILLAGE,
                today - timedelta(days=200),
                120,
                True,
                AssessmentGrade.EXCELLENT,
            ),
            (
                reserves_b[4],
                PostKind.DIRECTOR_ASSISTANT,
                today - timedelta(days=10),
                180,
                True,
                None,
            ),
        ]
    for person, kind, start, days, full_time, grade in specs:
        township = a if person.township_id == a.pk else b
        officer = users.get("township_a" if township == a else "township_b")
        post = PracticePost.objects.create(
            person=person,
            kind=kind,
            host_village=person.village,
            host_unit="" if person.village_id else "镇党政办",
            supervisor="村党组织书记",
            start_on=start,
            end_on=start + timedelta(days=days),
            full_time=full_time,
            duties="协助开展党建、村务公开和网格化服务，参与集体经济项目。",
            created_by=officer,
        )
        PostTask.objects.create(
            post=post,
            title="牵头做好辖区独居老人走访",
            assigned_on=start + timedelta(days=7),
            status="done" if grade else "ongoing",
            outcome="完成走访42户，建立联系台账" if grade else "",
        )
        if grade:
            post.assessment_grade = grade
            post.assessment = "工作积极主动，群众认可度高，能够独立处理一般村务。"
            post.assessed_on = post.end_on + timedelta(days=3)
            post.assessed_by = officer
            post.save()
    return len(specs)


def _seed_achievements(pool, users, rng, today, a, b) -> int:
    records = []
    companies = ["重庆三峡柑橘产业有限公司", "忠县橘乡电子商务有限公司", "重庆渝东农旅发展有限公司"]
    for township, reserves in ((a, pool[a.pk]), (b, pool[b.pk])):
        officer = users.get("township_a" if township == a else "township_b")
        for i, person in enumerate(reserves[:6]):
            confirmed = i % 3 != 2
            if i % 2 == 0:
                records.append(
                    Achievement(
                        person=person,
                        kind=AchievementKind.PROJECT,
                        date=today - timedelta(days=rng.randint(10, 200)),
                        title="推介柑橘深加工项目落地",
                        description="牵线企业实地考察，协助完成用地和合作社入股方案。",
                        company=companies[i % len(companies)],
                        agreement_signed=i % 4 == 0,
                        investment=Decimal(rng.randint(50, 800)),
                        recorded_by=officer,
                        confirmed_by=officer if confirmed else None,
                        confirmed_at=timezone.now() if confirmed else None,
                    )
                )
            else:
                kind = rng.choice(
                    [AchievementKind.DISPUTE, AchievementKind.PETITION, AchievementKind.SERVICE]
                )
                records.append(
                    Achievement(
                        person=person,
                        kind=kind,
                        date=today - timedelta(days=rng.randint(5, 150)),
                        title={
                            "dispute": "调解邻里宅基地纠纷",
                            "petition": "化解土地流转信访问题",
                            "service": "代办医保缴费32户",
                        }[kind],
                        recorded_by=users.get("mentor") if township == a and i < 3 else officer,
                        confirmed_by=officer if confirmed else None,
                        confirmed_at=timezone.now() if confirmed else None,
                    )
                )
    Achievement.objects.bulk_create(records)
    return len(records)


def _seed_party_steps(people, users, today) -> None:
    """双培养: two young non-members on their way in."""
    officer = users.get("county")
    if officer is None:
        return
    candidates = [
        p for p in people if p.political_status in ("13", "03") and (p.age(today) or 0) >= 20
    ][:2]
    for person, steps in zip(candidates, (2, 3), strict=False):
        on = today - timedelta(days=500)
        for step in list(PartyStepKind)[:steps]:
            try:
                record_party_step(person, step, on, actor=officer, contact_person="党支部书记")
            except ActionRefused:
                break
            on += timedelta(days=180)
