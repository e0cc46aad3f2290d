"""Stages 5-8 of the pipeline: training courses and attendance, party membership development
(双培养), mentoring with talk logs (导师帮带), practice posts (岗位锻炼) and the work record (实绩).

Every model here is about a person of the registry (`talentpool.Person`), normally an active
member of the reserve pool. Row scoping lives in each QuerySet's `in_scope(user)`.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from pathlib import PurePosixPath

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, DateRangeField, RangeOperators
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce, ExtractYear
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from candidates.models import ScopedQuerySet
from talentpool.audit import audited
from talentpool.documents import DOCUMENT_MAX_BYTES, DOCUMENT_TYPES
from talentpool.models import County, Person, Role, Township, User, Village
from talentpool.text import LONG_TEXT_MAX_LENGTH, limited_text

# --- Courses (培训) ----------------------------------------------------------------------------

# Suggested tags; a course may carry others typed in by hand.
TOPICS = [
    "农村电商",
    "视频直播",
    "产业发展",
    "创业扶持",
    "政策理论",
    "基层治理",
    "党建业务",
    "矛盾调解",
    "乡村振兴",
    "法律法规",
]


class OrganiserLevel(models.TextChoices):
    COUNTY = "county", _("县级")
    TOWNSHIP = "township", _("乡镇（街道）")
    PARTY_SCHOOL = "party_school", _("党校")


class CourseFormat(models.TextChoices):
    CENTRAL = "central", _("集中培训")
    ROTATION = "rotation", _("专题轮训")
    SHADOWING = "shadowing", _("跟岗学习")
    STUDY_TOUR = "study_tour", _("外出参观")
    DEGREE = "degree", _("学历提升（农民大学生）")
    ONLINE = "online", _("线上")


def _is(user: User, *roles: str) -> bool:
    return user.is_authenticated and user.role in roles


class CourseQuerySet(models.QuerySet):
    def in_scope(self, user: User) -> CourseQuerySet:
        """County courses and every township's for the county and leaders; for a township
        officer, the courses the township organises and county courses its people attend."""
        if _is(user, Role.COUNTY, Role.LEADER):
            return self.all()
        if _is(user, Role.TOWNSHIP):
            attended = Enrolment.objects.filter(
                course=OuterRef("pk"), person__township_id=user.township_id
            )
            return self.filter(
                Q(township_id=user.township_id) | (Q(township__isnull=True) & Exists(attended))
            )
        return self.none()

    def in_year(self, year: int) -> CourseQuerySet:
        return self.filter(
            Exists(CourseSession.objects.filter(course=OuterRef("pk"), date__year=year))
        )

    def with_summary(self) -> CourseQuerySet:
        """Annotate first/last session date, total hours and head count, one query for a list
        (subqueries, so that the two one-to-many joins do not multiply each other)."""
        sessions = CourseSession.objects.filter(course=OuterRef("pk")).order_by()
        enrolments = Enrolment.objects.filter(course=OuterRef("pk")).order_by()
        return self.annotate(
            first_date=models.Subquery(
                sessions.values("course").annotate(d=models.Min("date")).values("d")
            ),
            last_date=models.Subquery(
                sessions.values("course").annotate(d=models.Max("date")).values("d")
            ),
            total_hours=models.Subquery(
                sessions.values("course").annotate(h=Sum("hours")).values("h")
            ),
            session_count=models.Subquery(
                sessions.values("course").annotate(n=models.Count("pk")).values("n")
            ),
            enrolled_count=Coalesce(
                models.Subquery(
                    enrolments.values("course").annotate(n=models.Count("pk")).values("n")
                ),
                0,
            ),
        )


@audited
class Course(models.Model):
    """A course or class (培训班); its sessions carry the dates and hours."""

    title = models.CharField(_("培训名称"), max_length=100)
    topics = ArrayField(
        models.CharField(max_length=20), verbose_name=_("培训主题"), default=list, blank=True
    )
    organiser_level = models.CharField(
        _("举办层级"), max_length=20, choices=OrganiserLevel.choices, default=OrganiserLevel.COUNTY
    )
    format = models.CharField(
        _("培训形式"), max_length=20, choices=CourseFormat.choices, default=CourseFormat.CENTRAL
    )
    # The organising township; null for courses of the county or its party school.
    township = models.ForeignKey(
        Township,
        verbose_name=_("举办乡镇（街道）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="courses",
    )
    teachers = models.CharField(_("授课教师"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(
        _("计划人数"), null=True, blank=True, help_text=_("留空表示不限人数")
    )
    description = limited_text(_("培训内容"), blank=True, max_length=LONG_TEXT_MAX_LENGTH)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = CourseQuerySet.as_manager()

    class Meta:
        verbose_name = _("培训班")
        verbose_name_plural = _("培训班")
        ordering = ["-id"]
        indexes = [GinIndex(fields=["topics"], name="course_topics_gin")]
        constraints = [
            models.CheckConstraint(
                name="course_township_iff_township_level",
                condition=(Q(organiser_level="township") & Q(township__isnull=False))
                | (~Q(organiser_level="township") & Q(township__isnull=True)),
                violation_error_message=_(
                    "乡镇（街道）举办的培训须指定乡镇，县级和党校培训不指定乡镇。"
                ),
            ),
            models.CheckConstraint(
                name="course_capacity_positive",
                condition=Q(capacity__isnull=True) | Q(capacity__gt=0),
                violation_error_message=_("计划人数须大于0；不限人数请留空。"),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("training:course_detail", args=[self.pk])

    def can_manage(self, user: User) -> bool:
        """Whether `user` may change the course, its sessions, enrolment and attendance."""
        if _is(user, Role.COUNTY):
            return True
        return _is(user, Role.TOWNSHIP) and self.township_id == user.township_id

    @property
    def organiser_label(self) -> str:
        if self.township_id:
            return self.township.name
        return str(self.get_organiser_level_display())


@audited
class CourseSession(models.Model):
    """One session of a course (一期/一次课): its date, hours and place."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField(_("日期"))
    hours = models.DecimalField(_("学时"), max_digits=4, decimal_places=1)
    place = models.CharField(_("地点"), max_length=100)
    subject = models.CharField(_("课程内容"), max_length=100, blank=True)
    teacher = models.CharField(_("授课教师"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("培训课次")
        verbose_name_plural = _("培训课次")
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(
                name="session_hours_in_range",
                condition=Q(hours__gt=0) & Q(hours__lte=24),
                violation_error_message=_("学时须大于0且不超过24。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.course} {self.date:%Y-%m-%d}"


class EnrolmentQuerySet(models.QuerySet):
    def visible_to(self, user: User, course: Course) -> EnrolmentQuerySet:
        """The roster rows `user` may see in `course` (a township officer reading a county course
        sees only their own township's people)."""
        qs = self.filter(course=course)
        if course.can_manage(user) or _is(user, Role.COUNTY, Role.LEADER):
            return qs
        if _is(user, Role.TOWNSHIP):
            return qs.filter(person__township_id=user.township_id)
        return qs.none()

    def with_hours(self) -> EnrolmentQuerySet:
        """Annotate `attended_hours`: the hours of the sessions marked present."""
        present = (
            Attendance.objects.filter(enrolment=OuterRef("pk"), status=AttendanceStatus.PRESENT)
            .order_by()
            .values("enrolment")
            .annotate(h=Sum("session__hours"))
            .values("h")
        )
        return self.annotate(attended_hours=Coalesce(models.Subquery(present), Value(Decimal("0"))))


@audited
class Enrolment(models.Model):
    """A person's place in a course, and how they finished it."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrolments")
    person = models.ForeignKey(
        Person, verbose_name=_("学员"), on_delete=models.PROTECT, related_name="enrolments"
    )
    enrolled_at = models.DateTimeField(_("报名时间"), auto_now_add=True)
    enrolled_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    completed = models.BooleanField(_("已结业"), default=False)
    score = models.DecimalField(_("成绩"), max_digits=4, decimal_places=1, null=True, blank=True)
    certificate_no = models.CharField(_("结业证书编号"), max_length=50, blank=True)

    objects = EnrolmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("报名学员")
        verbose_name_plural = _("报名学员")
        ordering = ["person__township_id", "person__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["course", "person"],
                name="enrolment_once_per_course",
                violation_error_message=_("该人员已报名本培训。"),
            ),
            models.UniqueConstraint(
                fields=["certificate_no"],
                condition=~Q(certificate_no=""),
                name="enrolment_certificate_unique",
                violation_error_message=_("该结业证书编号已被使用。"),
            ),
            models.CheckConstraint(
                name="enrolment_score_0_100",
                condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=100)),
                violation_error_message=_("成绩须在0到100之间。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.course}"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("出勤")
    ABSENT = "absent", _("缺勤")
    LEAVE = "leave", _("请假")


@audited
class Attendance(models.Model):
    session = models.ForeignKey(CourseSession, on_delete=models.CASCADE, related_name="attendances")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="attendances")
    status = models.CharField(_("出勤情况"), max_length=10, choices=AttendanceStatus.choices)
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now=True)

    class Meta:
        verbose_name = _("考勤")
        verbose_name_plural = _("考勤")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "enrolment"],
                name="attendance_once_per_session",
                violation_error_message=_("该学员本课次的考勤已登记。"),
            ),
            models.CheckConstraint(
                name="attendance_status_known",
                condition=Q(status__in=["present", "absent", "leave"]),
                violation_error_message=_("出勤情况只能是出勤、缺勤或请假。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment.person} {self.session.date:%Y-%m-%d} {self.get_status_display()}"


def hours_in_year(people: models.QuerySet[Person], year: int) -> models.QuerySet[Person]:
    """Annotate `training_hours`: each person's hours of sessions attended in `year`."""
    present = (
        Attendance.objects.filter(
            enrolment__person=OuterRef("pk"),
            status=AttendanceStatus.PRESENT,
            session__date__year=year,
        )
        .order_by()
        .values("enrolment__person")
        .annotate(h=Sum("session__hours"))
        .values("h")
    )
    return people.annotate(training_hours=Coalesce(models.Subquery(present), Value(Decimal("0"))))


@audited
class TrainingTarget(models.Model):
    """The county's yearly target, e.g. Fuquan's 双百: 100 reserves trained a year. A person
    counts as trained in the year once their attended hours reach `min_hours`."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="training_targets")
    year = models.PositiveSmallIntegerField(_("年度"))
    people = models.PositiveIntegerField(_("培训人数目标"))
    min_hours = models.DecimalField(
        _("每人最低学时"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("8"),
        help_text=_("全年出勤学时达到此数即计为“已培训”"),
    )
    updated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("年度培训目标")
        verbose_name_plural = _("年度培训目标")
        ordering = ["-year", "county_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["county", "year"],
                name="training_target_once_per_year",
                violation_error_message=_("该年度已设定培训目标。"),
            ),
            models.CheckConstraint(
                name="training_target_people_positive",
                condition=Q(people__gt=0),
                violation_error_message=_("培训人数目标须大于0。"),
            ),
            models.CheckConstraint(
                name="training_target_hours_positive",
                condition=Q(min_hours__gt=0),
                violation_error_message=_("每人最低学时须大于0。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county} {self.year}"

    def trained_count(self, township_ids=None) -> int:
        return trained_counts([self], township_ids)[self.pk]


def trained_counts(targets: list[TrainingTarget], township_ids=None) -> dict[int, int]:
    """For each target, how many people of its county (or of `township_ids`) reached its
    `min_hours` in its year. One query for any number of targets, grouped over the years'
    attendance, so the cost follows the training done, not the size of the registry."""
    if not targets:
        return {}
    present = Attendance.objects.filter(
        status=AttendanceStatus.PRESENT,
        session__date__year__in={t.year for t in targets},
        enrolment__person__township__county_id__in={t.county_id for t in targets},
    )
    if township_ids is not None:
        present = present.filter(enrolment__person__township_id__in=township_ids)
    rows = (
        present.order_by()
        .values(
            year=ExtractYear("session__date"),
            county=F("enrolment__person__township__county_id"),
            person=F("enrolment__person"),
        )
        .annotate(hours=Sum("session__hours"))
    )
    hours: dict[tuple[int, int], list[Decimal]] = {}
    for row in rows:
        hours.setdefault((row["year"], row["county"]), []).append(row["hours"])
    return {
        t.pk: sum(1 for h in hours.get((t.year, t.county_id), []) if h >= t.min_hours)
        for t in targets
    }


# --- Party membership development (双培养) --------------------------------------------------


class PartyStepKind(models.IntegerChoices):
    APPLICANT = 1, _("入党申请人")
    ACTIVIST = 2, _("入党积极分子")
    CANDIDATE = 3, _("发展对象")
    PROBATIONARY = 4, _("预备党员")
    FULL_MEMBER = 5, _("正式党员")


# The political status each step makes the person's (GB/T 4762 codes).
STEP_POLITICAL_STATUS = {PartyStepKind.PROBATIONARY: "02", PartyStepKind.FULL_MEMBER: "01"}


def implied_party_step(political_status: str) -> int:
    """The step a person's recorded political status already implies (0: none)."""
    return {"02": PartyStepKind.PROBATIONARY, "01": PartyStepKind.FULL_MEMBER}.get(
        political_status, 0
    )


class PartyStepQuerySet(ScopedQuerySet):
    township_field = "person__township_id"


@audited
class PartyStep(models.Model):
    """One step of a person's way into the Party; steps are recorded in order."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="party_steps")
    step = models.PositiveSmallIntegerField(_("发展阶段"), choices=PartyStepKind.choices)
    date = models.DateField(_("日期"))
    contact_person = models.CharField(_("培养联系人"), max_length=50, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PartyStepQuerySet.as_manager()

    class Meta:
        verbose_name = _("党员发展步骤")
        verbose_name_plural = _("党员发展步骤")
        ordering = ["person_id", "step"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "step"],
                name="party_step_once",
                violation_error_message=_("该发展阶段已登记。"),
            ),
            models.CheckConstraint(
                name="party_step_known",
                condition=Q(step__gte=1) & Q(step__lte=5),
                violation_error_message=_("发展阶段无效。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.get_step_display()}"


# --- Mentoring (导师帮带) -----------------------------------------------------------------------


@audited
class MentoringRule(models.Model):
    """The county's cadence rule for mentors (Shixi: at least 4 talks a month per reserve)."""

    county = models.OneToOneField(County, on_delete=models.PROTECT, related_name="mentoring_rule")
    talks_per_month = models.PositiveSmallIntegerField(
        _("每月最少谈话次数"), default=4, help_text=_("每名导师对每名后备干部每月至少联系的次数")
    )
    no_contact_days = models.PositiveSmallIntegerField(
        _("失联预警天数"), default=14, help_text=_("超过这么多天没有任何联系即列为“失联”")
    )
    updated_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("帮带频次要求")
        verbose_name_plural = _("帮带频次要求")
        constraints = [
            models.CheckConstraint(
                name="mentoring_rule_positive",
                condition=Q(talks_per_month__gt=0) & Q(no_contact_days__gt=0),
                violation_error_message=_("谈话次数和失联预警天数须大于0。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.county}"

    @classmethod
    def for_counties(cls, county_ids) -> dict[int, MentoringRule]:
        """The rule of each county, an unsaved default where a county has set none."""
        county_ids = set(county_ids)
        rules = {r.county_id: r for r in cls.objects.filter(county_id__in=county_ids)}
        return {cid: rules.get(cid) or cls(county_id=cid) for cid in county_ids}


class MentorshipQuerySet(models.QuerySet):
    def current(self, on: date | None = None) -> MentorshipQuerySet:
        on = on or timezone.localdate()
        return self.filter(Q(start_on__lte=on) & (Q(end_on__isnull=True) | Q(end_on__gte=on)))

    def active_between(self, first: date, last: date) -> MentorshipQuerySet:
        return self.filter(Q(start_on__lte=last) & (Q(end_on__isnull=True) | Q(end_on__gte=first)))

    def in_scope(self, user: User) -> MentorshipQuerySet:
        """County and leaders: all; a township: its own; a mentor: their current pairings only
        (access ends with the pairing)."""
        if _is(user, Role.COUNTY, Role.LEADER):
            return self.all()
        if _is(user, Role.TOWNSHIP):
            return self.filter(township_id=user.township_id)
        if _is(user, Role.MENTOR):
            return self.current().filter(mentor=user)
        return self.none()


@audited
class Mentorship(models.Model):
    """A pairing (结对): one mentor and one or more mentees (一对一 or 多对一)."""

    township = models.ForeignKey(
        Township,
        verbose_name=_("乡镇（街道）"),
        on_delete=models.PROTECT,
        related_name="mentorships",
    )
    mentor = models.ForeignKey(
        User,
        verbose_name=_("导师账号"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="mentorships",
        limit_choices_to={"role": Role.MENTOR},
    )
    # A mentor without an account (a veteran village secretary, say): the township logs for them.
    mentor_name = models.CharField(_("导师姓名"), max_length=50, blank=True)
    mentor_title = models.CharField(_("导师职务"), max_length=50, blank=True)
    start_on = models.DateField(_("开始日期"))
    end_on = models.DateField(_("结束日期"), null=True, blank=True)
    goals = limited_text(_("培养目标"), blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MentorshipQuerySet.as_manager()

    class Meta:
        verbose_name = _("导师帮带结对")
        verbose_name_plural = _("导师帮带结对")
        ordering = ["-start_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="mentorship_has_mentor",
                condition=Q(mentor__isnull=False) | ~Q(mentor_name=""),
                violation_error_message=_("请选择导师账号或填写导师姓名。"),
            ),
            models.CheckConstraint(
                name="mentorship_ends_after_start",
                condition=Q(end_on__isnull=True) | Q(end_on__gte=F("start_on")),
                violation_error_message=_("结束日期不能早于开始日期。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.mentor_label} · {self.start_on:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("training:mentorship_detail", args=[self.pk])

    @property
    def mentor_label(self) -> str:
        if self.mentor_id:
            return str(self.mentor)
        return self.mentor_name

    def is_current(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.start_on <= on and (self.end_on is None or self.end_on >= on)


class MenteeQuerySet(models.QuerySet):
    def current(self, on: date | None = None) -> MenteeQuerySet:
        on = on or timezone.localdate()
        return self.filter(
            Q(mentorship__start_on__lte=on)
            & (Q(mentorship__end_on__isnull=True) | Q(mentorship__end_on__gte=on))
        )

    def in_scope(self, user: User) -> MenteeQuerySet:
        return self.filter(mentorship__in=Mentorship.objects.in_scope(user))


@audited
class Mentee(models.Model):
    mentorship = models.ForeignKey(Mentorship, on_delete=models.CASCADE, related_name="mentees")
    person = models.ForeignKey(
        Person, verbose_name=_("帮带对象"), on_delete=models.PROTECT, related_name="mentee_links"
    )

    objects = MenteeQuerySet.as_manager()

    class Meta:
        verbose_name = _("帮带对象")
        verbose_name_plural = _("帮带对象")
        ordering = ["mentorship_id", "person__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mentorship", "person"],
                name="mentee_once_per_pairing",
                violation_error_message=_("该人员已在本结对中。"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} ← {self.mentorship.mentor_label}"

    def get_absolute_url(self) -> str:
        return reverse("training:mentee", args=[self.pk])


def current_mentee_ids(user: User) -> models.QuerySet:
    """The ids of the people in `user`'s current pairings (a subquery, evaluated in SQL)."""
    return Mentee.objects.current().filter(mentorship__mentor=user).values("person_id")


def mentor_person_scope(user: User) -> Q:
    """The people a mentor may see: those in their current pairings (EXTRA_PERSON_SCOPES)."""
    return Q(pk__in=current_mentee_ids(user))


class TalkKind(models.TextChoices):
    TALK = "talk", _("谈心谈话")
    VISIT = "visit", _("入户走访")
    GUIDANCE = "guidance", _("工作指导")
    PHONE = "phone", _("电话联系")


class TalkLogQuerySet(models.QuerySet):
    def in_scope(self, user: User) -> TalkLogQuerySet:
        return self.filter(mentee__in=Mentee.objects.in_scope(user))


@audited
class TalkLog(models.Model):
    """One contact between a mentor and a mentee (谈心谈话记录)."""

    mentee = models.ForeignKey(Mentee, on_delete=models.PROTECT, related_name="talks")
    date = models.DateField(_("日期"))
    kind = models.CharField(
        _("方式"), max_length=10, choices=TalkKind.choices, default=TalkKind.TALK
    )
    topics = limited_text(_("谈话内容"))
    problems = limited_text(_("反映的问题"), blank=True)
    follow_up = limited_text(_("跟进措施"), blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TalkLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("谈心谈话记录")
        verbose_name_plural = _("谈心谈话记录")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["mentee", "date"])]

    def __str__(self) -> str:
        return f"{self.mentee.person} {self.date:%Y-%m-%d} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("training:talk_detail", args=[self.pk])


# --- Practice posts (岗位锻炼, 挂职) ------------------------------------------------------------


class PostKind(models.TextChoices):
    SECRETARY_ASSISTANT = "secretary_assistant", _("书记助理")
    DIRECTOR_ASSISTANT = "director_assistant", _("主任助理")
    GRID_WORKER = "grid_worker", _("专职网格员")
    GROUP_LEADER = "group_leader", _("村民小组长")
    TOWNSHIP_OFFICE = "township_office", _("镇机关挂职")
    MODEL_VILLAGE = "model_village", _("示范村挂职")
    OTHER = "other", _("其他")


class AssessmentGrade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class DateRange(models.Func):
    """daterange(start, end, '[]'): both ends inclusive, as the post's dates are."""

    function = "DATERANGE"
    output_field = DateRangeField()


# Posts outside this length (in months) get a warning, not a refusal.
TYPICAL_POST_MONTHS = (3, 6)


class PracticePostQuerySet(ScopedQuerySet):
    township_field = "person__township_id"

    def current(self, on: date | None = None) -> PracticePostQuerySet:
        on = on or timezone.localdate()
        return self.filter(start_on__lte=on, end_on__gte=on)

    def overlapping(self, start: date, end: date) -> PracticePostQuerySet:
        return self.filter(start_on__lte=end, end_on__gte=start)


@audited
class PracticePost(models.Model):
    """A real post with real duties (设岗定责), or a secondment (挂职), for a set period."""

    person = models.ForeignKey(
        Person, verbose_name=_("锻炼人员"), on_delete=models.PROTECT, related_name="practice_posts"
    )
    kind = models.CharField(_("岗位类型"), max_length=30, choices=PostKind.choices)
    host_village = models.ForeignKey(
        Village,
        verbose_name=_("锻炼村（社区）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="practice_posts",
    )
    host_unit = models.CharField(_("锻炼单位"), max_length=100, blank=True)
    supervisor = models.CharField(_("指导人"), max_length=50)
    start_on = models.DateField(_("开始日期"))
    end_on = models.DateField(_("结束日期"))
    full_time = models.BooleanField(_("全脱产"), default=True)
    duties = limited_text(_("岗位职责（设岗定责）"), max_length=LONG_TEXT_MAX_LENGTH)
    assessment_grade = models.CharField(
        _("期满评价"), max_length=10, choices=AssessmentGrade.choices, blank=True
    )
    assessment = limited_text(_("接收单位评价意见"), blank=True)
    assessed_on = models.DateField(_("评价日期"), null=True, blank=True)
    assessed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PracticePostQuerySet.as_manager()

    class Meta:
        verbose_name = _("岗位锻炼")
        verbose_name_plural = _("岗位锻炼")
        ordering = ["-start_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="practice_post_ends_after_start",
                condition=Q(end_on__gte=F("start_on")),
                violation_error_message=_("结束日期不能早于开始日期。"),
            ),
            models.CheckConstraint(
                name="practice_post_has_host",
                condition=Q(host_village__isnull=False) | ~Q(host_unit=""),
                violation_error_message=_("请选择锻炼村（社区）或填写锻炼单位。"),
            ),
            # One person cannot hold two full-time posts at once, whatever wrote the rows.
            ExclusionConstraint(
                name="practice_post_no_overlapping_full_time",
                expressions=[
                    ("person", RangeOperators.EQUAL),
                    (DateRange("start_on", "end_on", Value("[]")), RangeOperators.OVERLAPS),
                ],
                condition=Q(full_time=True),
                violation_error_message=_("该人员在此期间已有全脱产锻炼岗位，时间不能重叠。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("training:post_detail", args=[self.pk])

    @property
    def host_label(self) -> str:
        parts = [self.host_village.name if self.host_village_id else "", self.host_unit]
        return " ".join(p for p in parts if p)

    @property
    def months(self) -> float:
        """Length in months (30.4 days each), for the 3-6 months rule of thumb."""
        return round(((self.end_on - self.start_on).days + 1) / 30.4, 1)

    @property
    def length_is_unusual(self) -> bool:
        low, high = TYPICAL_POST_MONTHS
        return not (low - 0.1 <= self.months <= high + 0.1)


class TaskStatus(models.TextChoices):
    ONGOING = "ongoing", _("进行中")
    DONE = "done", _("已完成")
    NOT_DONE = "not_done", _("未完成")


@audited
class PostTask(models.Model):
    """A task handed over to the person in the post (任务交办), with its outcome."""

    post = models.ForeignKey(PracticePost, on_delete=models.CASCADE, related_name="tasks")
    title = models.CharField(_("交办任务"), max_length=200)
    assigned_on = models.DateField(_("交办日期"))
    status = models.CharField(
        _("完成情况"), max_length=10, choices=TaskStatus.choices, default=TaskStatus.ONGOING
    )
    outcome = limited_text(_("完成效果"), blank=True)

    class Meta:
        verbose_name = _("交办任务")
        verbose_name_plural = _("交办任务")
        ordering = ["assigned_on", "id"]

    def __str__(self) -> str:
        return self.title


# --- Work record (实绩) ------------------------------------------------------------------------


class AchievementKind(models.TextChoices):
    PROJECT = "project", _("项目推介与招商引资")
    DISPUTE = "dispute", _("矛盾纠纷调解")
    PETITION = "petition", _("信访问题化解")
    EMERGENCY = "emergency", _("应急处置")
    SERVICE = "service", _("为民服务")
    OTHER = "other", _("其他")


class AchievementQuerySet(models.QuerySet):
    def in_scope(self, user: User) -> AchievementQuerySet:
        """County and leaders: all; a township: its people's; a mentor: their current
        mentees' (they may record achievements but not confirm them)."""
        if _is(user, Role.COUNTY, Role.LEADER):
            return self.all()
        if _is(user, Role.TOWNSHIP):
            return self.filter(person__township_id=user.township_id)
        if _is(user, Role.MENTOR):
            return self.filter(person_id__in=current_mentee_ids(user))
        return self.none()

    def confirmed(self) -> AchievementQuerySet:
        return self.filter(confirmed_at__isnull=False)

    def totals(self) -> dict:
        """Zhongxian's figures over confirmed records: people, companies, agreements, 万元."""
        projects = self.confirmed().filter(kind=AchievementKind.PROJECT)
        return {
            "records": self.confirmed().count(),
            **projects.aggregate(
                people=models.Count("person", distinct=True),
                companies=models.Count("company", distinct=True, filter=~Q(company="")),
                agreements=models.Count("pk", filter=Q(agreement_signed=True)),
                investment=Coalesce(Sum("investment"), Value(Decimal("0"))),
            ),
        }


@audited
class Achievement(models.Model):
    """A piece of the person's work record, confirmed by a township officer."""

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="achievements"
    )
    kind = models.CharField(_("实绩类别"), max_length=20, choices=AchievementKind.choices)
    date = models.DateField(_("日期"))
    title = models.CharField(_("事项"), max_length=100)
    description = limited_text(_("具体情况"), blank=True, max_length=LONG_TEXT_MAX_LENGTH)
    company = models.CharField(_("对接企业"), max_length=100, blank=True)
    agreement_signed = models.BooleanField(_("已签订协议"), default=False)
    investment = models.DecimalField(
        _("投资金额（万元）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True, editable=False)

    objects = AchievementQuerySet.as_manager()

    class Meta:
        verbose_name = _("工作实绩")
        verbose_name_plural = _("工作实绩")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                name="achievement_investment_not_negative",
                condition=Q(investment__isnull=True) | Q(investment__gte=0),
                violation_error_message=_("投资金额不能为负数。"),
            ),
            models.CheckConstraint(
                name="achievement_project_fields_only_for_projects",
                condition=Q(kind="project")
                | (Q(company="") & Q(agreement_signed=False) & Q(investment__isnull=True)),
                violation_error_message=_("对接企业、协议和投资金额只适用于项目推介与招商引资。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("training:achievement_detail", args=[self.pk])

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


# Evidence files are documents checked whole (talentpool.documents).
EVIDENCE_EXTENSIONS = DOCUMENT_TYPES
EVIDENCE_MAX_BYTES = DOCUMENT_MAX_BYTES


def evidence_path(instance: Evidence, filename: str) -> str:
    """A server-made name: never the uploader's, which could collide or carry a path."""
    suffix = PurePosixPath(filename).suffix.lower()
    if suffix not in EVIDENCE_EXTENSIONS:
        suffix = ".bin"
    today = timezone.localdate()
    return f"training/evidence/{today:%Y/%m}/{uuid.uuid4().hex}{suffix}"


@audited
class Evidence(models.Model):
    """A file attached to an achievement; stored under MEDIA_ROOT, streamed by a scoped view."""

    achievement = models.ForeignKey(Achievement, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(_("文件"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField(_("大小（字节）"))
    uploaded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.original_name

    def get_absolute_url(self) -> str:
        return reverse("training:evidence_download", args=[self.pk])
