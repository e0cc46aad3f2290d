from __future__ import annotations

import re
from collections import defaultdict
from datetime import timedelta
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Max, Min, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from candidates.models import PoolMembership
from talentpool.access import (
    REGISTRY_READERS,
    REGISTRY_WRITERS,
    get_person_for_user,
    role_required,
    township_ids_in_scope,
)
from talentpool.codes import PARTY_MEMBER
from talentpool.lookup import search_people
from talentpool.models import County, Person, Role
from talentpool.pages import partial, query_without_page
from training import compliance
from training.actions import (
    ActionRefused,
    assess_post,
    confirm_achievement,
    end_mentorship,
    enrol_people,
    record_attendance,
    record_party_step,
    withdraw_enrolment,
)
from training.forms import (
    ATTENDANCE_CHOICES,
    AchievementFilterForm,
    AchievementForm,
    AssessmentForm,
    AttendanceImportForm,
    BulkEnrolForm,
    ComplianceFilterForm,
    CourseFilterForm,
    CourseForm,
    EndMentorshipForm,
    EnrolmentForm,
    EnrolPeopleForm,
    EvidenceForm,
    MentoringRuleForm,
    MentorshipForm,
    PartyStepForm,
    PostFilterForm,
    PostTaskForm,
    PracticePostForm,
    SessionForm,
    TalkForm,
    TrainingTargetForm,
    YearTownshipFilterForm,
    overlap_message,
    pool_people,
)
from training.models import (
    Achievement,
    Attendance,
    AttendanceStatus,
    Course,
    CourseSession,
    Enrolment,
    Evidence,
    Mentee,
    MentoringRule,
    Mentorship,
    PartyStep,
    PartyStepKind,
    PostTask,
    PracticePost,
    TalkLog,
    TrainingTarget,
    hours_in_year,
    implied_party_step,
    trained_counts,
)
from training.signin import SheetRejected, match_rows, read_sheet

READERS = REGISTRY_READERS
WRITERS = REGISTRY_WRITERS
MENTORING_READERS = (Role.COUNTY, Role.TOWNSHIP, Role.LEADER, Role.MENTOR)
TALK_WRITERS = (Role.COUNTY, Role.TOWNSHIP, Role.MENTOR)
PAGE_SIZE = 25


# --- scoped look-ups: the one place each object is fetched by a key from the request ---------


def _get_course_for_user(request: HttpRequest, pk: int) -> Course:
    return get_object_or_404(
        Course.objects.in_scope(request.user).select_related("township"), pk=pk
    )


def _get_managed_course(request: HttpRequest, pk: int) -> Course:
    """A course the user may see (else 404) and change (else 403)."""
    course = _get_course_for_user(request, pk)
    if not course.can_manage(request.user):
        raise PermissionDenied
    return course


def _get_managed_session(request: HttpRequest, pk: int) -> CourseSession:
    session = get_object_or_404(
        CourseSession.objects.filter(
            course__in=Course.objects.in_scope(request.user)
        ).select_related("course__township"),
        pk=pk,
    )
    if not session.course.can_manage(request.user):
        raise PermissionDenied
    return session


def _get_managed_enrolment(request: HttpRequest, pk: int) -> Enrolment:
    enrolment = get_object_or_404(
        Enrolment.objects.filter(course__in=Course.objects.in_scope(request.user)).select_related(
            "course__township", "person__village", "person__township"
        ),
        pk=pk,
    )
    if not enrolment.course.can_manage(request.user):
        raise PermissionDenied
    return enrolment


def _get_mentorship_for_user(request: HttpRequest, pk: int) -> Mentorship:
    return get_object_or_404(
        Mentorship.objects.in_scope(request.user).select_related("township", "mentor"), pk=pk
    )


def _get_mentee_for_user(request: HttpRequest, pk: int) -> Mentee:
    return get_object_or_404(
        Mentee.objects.in_scope(request.user).select_related(
            "person__village", "person__township", "mentorship__mentor", "mentorship__township"
        ),
        pk=pk,
    )


def _get_talk_for_user(request: HttpRequest, pk: int) -> TalkLog:
    return get_object_or_404(
        TalkLog.objects.in_scope(request.user).select_related(
            "mentee__person", "mentee__mentorship__mentor", "recorded_by"
        ),
        pk=pk,
    )


def _get_post_for_user(request: HttpRequest, pk: int) -> PracticePost:
    return get_object_or_404(
        PracticePost.objects.in_scope(request.user).select_related(
            "person__village", "person__township", "host_village", "assessed_by"
        ),
        pk=pk,
    )


def _get_task_for_user(request: HttpRequest, pk: int) -> PostTask:
    return get_object_or_404(
        PostTask.objects.filter(
            post__in=PracticePost.objects.in_scope(request.user)
        ).select_related("post__person"),
        pk=pk,
    )


def _get_achievement_for_user(request: HttpRequest, pk: int) -> Achievement:
    return get_object_or_404(
        Achievement.objects.in_scope(request.user).select_related(
            "person__village", "person__township", "recorded_by", "confirmed_by"
        ),
        pk=pk,
    )


def _get_evidence_for_user(request: HttpRequest, pk: int) -> Evidence:
    return get_object_or_404(
        Evidence.objects.filter(
            achievement__in=Achievement.objects.in_scope(request.user)
        ).select_related("achievement"),
        pk=pk,
    )


def _form_page(request: HttpRequest, form, title: str, cancel: str, **extra) -> HttpResponse:
    context = {"form": form, "title": title, "cancel": cancel, **extra}
    return render(request, "training/form.html", context)


# --- /training/courses/ ------------------------------------------------------------------------


@role_required(*READERS)
def course_list(request: HttpRequest) -> HttpResponse:
    form = CourseFilterForm(request.GET)
    courses = (
        form.filter(Course.objects.in_scope(request.user))
        .with_summary()
        .select_related("township")
        .order_by("-first_date", "-id")
    )
    page = Paginator(courses, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "query": query_without_page(request)}
    return render(request, partial(request, "training/course_list.html", "results"), context)


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def course_create(request: HttpRequest) -> HttpResponse:
    form = CourseForm(request.POST or None, user=request.user)
    if form.is_valid():
        course = form.save(commit=False)
        course.created_by = request.user
        course.save()
        messages.success(request, _("已创建培训：%(t)s。请添加课次。") % {"t": course.title})
        return redirect("training:session_create", course.pk)
    return _form_page(request, form, _("新建培训"), reverse("training:course_list"))


@role_required(*READERS)
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    course = _get_course_for_user(request, pk)
    sessions = list(course.sessions.all())
    roster = list(
        Enrolment.objects.visible_to(request.user, course)
        .with_hours()
        .select_related("person__village", "person__township")
    )
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in (
        Attendance.objects.filter(enrolment__in=[e.pk for e in roster])
        .values("session_id", "status")
        .annotate(n=Count("pk"))
    ):
        counts[row["session_id"]][row["status"]] = row["n"]
    for session in sessions:
        session.counts = counts[session.pk]
    context = {
        "course": course,
        "sessions": sessions,
        "roster": roster,
        "can_manage": course.can_manage(request.user),
        "total_hours": sum((s.hours for s in sessions), Decimal("0")),
        "enrolled_total": course.enrolments.count(),
    }
    return render(request, "training/course_detail.html", context)


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def course_edit(request: HttpRequest, pk: int) -> HttpResponse:
    course = _get_managed_course(request, pk)
    form = CourseForm(request.POST or None, user=request.user, instance=course)
    if form.is_valid():
        form.save()
        messages.success(request, _("已保存。"))
        return redirect(course)
    return _form_page(
        request, form, _("修改培训：%(t)s") % {"t": course.title}, course.get_absolute_url()
    )


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest, pk: int) -> HttpResponse:
    course = _get_managed_course(request, pk)
    form = SessionForm(request.POST or None)
    if form.is_valid():
        session = form.save(commit=False)
        session.course = course
        session.save()
        messages.success(request, _("已添加课次：%(d)s。") % {"d": f"{session.date:%Y-%m-%d}"})
        if "add_another" in request.POST:
            return redirect("training:session_create", course.pk)
        return redirect(course)
    return _form_page(
        request,
        form,
        _("添加课次：%(t)s") % {"t": course.title},
        course.get_absolute_url(),
        add_another=True,
    )


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, pk: int) -> HttpResponse:
    session = _get_managed_session(request, pk)
    form = SessionForm(request.POST or None, instance=session)
    if form.is_valid():
        form.save()
        messages.success(request, _("已保存。"))
        return redirect(session.course)
    return _form_page(
        request,
        form,
        _("修改课次：%(s)s") % {"s": session},
        session.course.get_absolute_url(),
    )


@role_required(*WRITERS)
@require_POST
def session_delete(request: HttpRequest, pk: int) -> HttpResponse:
    session = _get_managed_session(request, pk)
    if session.attendances.exists():
        messages.error(request, _("该课次已有考勤记录，不能删除。"))
    else:
        session.delete()
        messages.success(request, _("已删除课次。"))
    return redirect(session.course)


# --- enrolment -------------------------------------------------------------------------------


def _eligible_people(course: Course, user) -> QuerySet[Person]:
    """Active pool members the user may enrol in `course`: its own township's for a township
    course, anyone in the user's scope for a county one."""
    people = pool_people(user)
    if course.township_id:
        people = people.filter(township_id=course.township_id)
    return people


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest, pk: int) -> HttpResponse:
    course = _get_managed_course(request, pk)
    eligible = _eligible_people(course, request.user)
    selected_form = EnrolPeopleForm(eligible=eligible)
    bulk_form = BulkEnrolForm(user=request.user, course=course)
    if request.method == "POST":
        if request.POST.get("mode") == "bulk":
            bulk_form = BulkEnrolForm(request.POST, user=request.user, course=course)
            people = list(bulk_form.people(eligible)) if bulk_form.is_valid() else None
        else:
            selected_form = EnrolPeopleForm(request.POST, eligible=eligible)
            people = (
                list(selected_form.cleaned_data["people"]) if selected_form.is_valid() else None
            )
        if people is not None:
            result = enrol_people(course, people, actor=request.user)
            _report_enrolment(request, result)
            return redirect(course)
    q = request.GET.get("q", "").strip()[:50]
    candidates = eligible.exclude(
        Exists(Enrolment.objects.filter(course=course, person=OuterRef("pk")))
    )
    if q:
        candidates = search_people(candidates, q, user=request.user)
    page = Paginator(candidates, 50).get_page(request.GET.get("page"))
    context = {
        "course": course,
        "page": page,
        "q": q,
        "query": query_without_page(request),
        "selected_form": selected_form,
        "bulk_form": bulk_form,
        "enrolled": course.enrolments.count(),
    }
    return render(request, "training/enrol.html", context)


def _report_enrolment(request: HttpRequest, result) -> None:
    if result.added:
        messages.success(request, _("已报名 %(n)s 人。") % {"n": len(result.added)})
    if result.already:
        messages.info(request, _("%(n)s 人此前已报名，未重复报名。") % {"n": result.already})
    if result.over_capacity:
        names = "、".join(p.name for p in result.over_capacity[:10])
        more = "" if len(result.over_capacity) <= 10 else _("等")
        messages.warning(
            request,
            _("名额已满，%(n)s 人未能报名：%(names)s%(more)s。")
            % {"n": len(result.over_capacity), "names": names, "more": more},
        )
    if not (result.added or result.already or result.over_capacity):
        messages.info(request, _("没有符合条件的人员。"))


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def enrolment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = _get_managed_enrolment(request, pk)
    form = EnrolmentForm(request.POST or None, instance=enrolment)
    if form.is_valid():
        form.save()
        messages.success(request, _("已保存：%(name)s。") % {"name": enrolment.person.name})
        return redirect(enrolment.course)
    title = _("结业情况：%(name)s（%(course)s）") % {
        "name": enrolment.person.name,
        "course": enrolment.course.title,
    }
    return _form_page(request, form, title, enrolment.course.get_absolute_url())


@role_required(*WRITERS)
@require_POST
def enrolment_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = _get_managed_enrolment(request, pk)
    try:
        withdraw_enrolment(enrolment, actor=request.user)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("已取消 %(name)s 的报名。") % {"name": enrolment.person.name})
    return redirect(enrolment.course)


# --- attendance -------------------------------------------------------------------------------

_CELL = re.compile(r"a-(\d+)-(\d+)")


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    course = _get_managed_course(request, pk)
    if request.method == "POST":
        marks, bad = {}, 0
        for key, value in request.POST.items():
            match = _CELL.fullmatch(key)
            if not match:
                continue
            if value not in ("", *AttendanceStatus.values):
                bad += 1
                continue
            marks[(int(match[1]), int(match[2]))] = value
        changed = record_attendance(course, marks, actor=request.user)
        if bad:
            messages.warning(request, _("%(n)s 个格子的值无法识别，未保存。") % {"n": bad})
        messages.success(request, _("考勤已保存（%(n)s 处变动）。") % {"n": changed})
        return redirect("training:attendance", course.pk)
    sessions = list(course.sessions.all())
    roster = list(
        course.enrolments.with_hours().select_related("person__village", "person__township")
    )
    marks = {
        (a.enrolment_id, a.session_id): a.status
        for a in Attendance.objects.filter(session__course=course)
    }
    rows = [(e, [(s, marks.get((e.pk, s.pk), "")) for s in sessions]) for e in roster]
    context = {
        "course": course,
        "sessions": sessions,
        "rows": rows,
        "choices": ATTENDANCE_CHOICES,
    }
    return render(request, "training/attendance.html", context)


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def attendance_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a session's sign-in sheet, preview the matches, then confirm to write them."""
    session = _get_managed_session(request, pk)
    course = session.course
    if request.method == "POST" and "confirm" in request.POST:
        marks = {}
        for key, value in request.POST.items():
            if key.startswith("mark-") and key[5:].isdigit() and value in AttendanceStatus.values:
                marks[(int(key[5:]), session.pk)] = value
        changed = record_attendance(course, marks, actor=request.user)
        messages.success(
            request,
            _("已按签到表写入 %(n)s 人的考勤（%(c)s 处变动）。") % {"n": len(marks), "c": changed},
        )
        return redirect(course)
    form = AttendanceImportForm(request.POST or None, request.FILES or None)
    preview = None
    if request.method == "POST" and form.is_valid():
        try:
            sheet = read_sheet(form.cleaned_data["file"].read())
        except SheetRejected as rejected:
            form.add_error("file", rejected.message)
        else:
            rows = sheet.rows
            enrolments = list(course.enrolments.select_related("person__village"))
            preview = match_rows(rows, enrolments)
            preview.warnings = sheet.warnings
            if not rows:
                form.add_error("file", _("签到表中没有找到学员姓名。"))
                preview = None
    context = {
        "course": course,
        "session": session,
        "form": form,
        "preview": preview,
        "absent_if_missing": form.is_bound
        and form.is_valid()
        and form.cleaned_data["absent_if_missing"],
    }
    return render(request, "training/attendance_import.html", context)


# --- hours and targets -----------------------------------------------------------------------


@role_required(*READERS)
def hours(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = YearTownshipFilterForm(request.GET, user=user)
    year = form.value("year", timezone.localdate().year)
    attended = Attendance.objects.filter(
        enrolment__person=OuterRef("pk"), session__date__year=year, status="present"
    )
    in_pool = PoolMembership.objects.active().filter(person=OuterRef("pk"))
    people = Person.objects.in_scope(user).filter(Exists(in_pool) | Exists(attended))
    if form.value("township"):
        people = people.filter(township=form.value("township"))
    if form.value("q"):
        people = search_people(people, form.value("q"), user=user)
    people = (
        hours_in_year(people, year)
        .select_related("township", "village")
        .order_by("-training_hours", "township__code", "name_pinyin", "pk")
    )
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "year": year,
        "page": page,
        "query": query_without_page(request),
        "progress": _progress(
            user, list(TrainingTarget.objects.filter(year=year).select_related("county"))
        ),
    }
    return render(request, partial(request, "training/hours.html", "results"), context)


def _progress(user, targets: list[TrainingTarget]) -> list[dict]:
    township_ids = township_ids_in_scope(user)
    if township_ids is not None:
        targets = [t for t in targets if t.county_id == user.township.county_id]
    done = trained_counts(targets, township_ids)
    return [
        {
            "target": t,
            "done": done[t.pk],
            "percent": min(100, round(done[t.pk] * 100 / t.people)),
            "township_only": township_ids is not None,
        }
        for t in targets
    ]


@role_required(*READERS)
@require_http_methods(["GET", "POST"])
def targets(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and not request.user.is_county:
        raise PermissionDenied
    form = TrainingTargetForm(request.POST or None) if request.user.is_county else None
    if form is not None and form.is_valid():
        target = form.save(commit=False)
        target.updated_by = request.user
        target.save()
        messages.success(request, _("已设定 %(y)s 年培训目标。") % {"y": target.year})
        return redirect("training:targets")
    rows = _progress(request.user, list(TrainingTarget.objects.select_related("county")[:20]))
    context = {"form": form, "rows": rows, "party": _party_summary(request.user)}
    return render(request, "training/targets.html", context)


def _party_summary(user) -> dict:
    """双培养 at a glance: the pool's party-member share and this year's steps."""
    pool = pool_people(user).order_by()
    total = pool.count()
    members = pool.filter(political_status__in=PARTY_MEMBER).count()
    year = timezone.localdate().year
    steps = dict(
        PartyStep.objects.in_scope(user)
        .filter(date__year=year)
        .order_by()
        .values_list("step")
        .annotate(n=Count("pk"))
    )
    return {
        "total": total,
        "members": members,
        "share": round(members * 100 / total, 1) if total else 0,
        "year": year,
        "steps": [(label, steps.get(value, 0)) for value, label in PartyStepKind.choices],
    }


@role_required(Role.COUNTY)
@require_http_methods(["GET", "POST"])
def target_edit(request: HttpRequest, pk: int) -> HttpResponse:
    target = get_object_or_404(TrainingTarget, pk=pk)
    form = TrainingTargetForm(request.POST or None, instance=target)
    if form.is_valid():
        target = form.save(commit=False)
        target.updated_by = request.user
        target.save()
        messages.success(request, _("已保存。"))
        return redirect("training:targets")
    return _form_page(
        request, form, _("修改 %(y)s 年培训目标") % {"y": target.year}, reverse("training:targets")
    )


# --- /training/people/<pk>/: the person's training file ------------------------------------


@role_required(*READERS)
def person(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request, pk)
    enrolments = list(
        person.enrolments.with_hours()
        .select_related("course__township")
        .annotate(first_date=_first_session_date())
        .order_by("-first_date", "-id")
    )
    by_year: dict[int, Decimal] = defaultdict(Decimal)
    for row in Attendance.objects.filter(enrolment__person=person, status="present").values_list(
        "session__date__year", "session__hours"
    ):
        by_year[row[0]] += row[1]
    steps = list(person.party_steps.all())
    reached = max([s.step for s in steps] + [implied_party_step(person.political_status)])
    context = {
        "person": person,
        "enrolments": enrolments,
        "hours_by_year": sorted(by_year.items(), reverse=True),
        "steps": steps,
        "next_step": PartyStepKind(reached + 1).label
        if reached < PartyStepKind.FULL_MEMBER
        else "",
        "mentees": list(
            person.mentee_links.select_related("mentorship__mentor").annotate(
                talk_count=Count("talks"),
            )
        ),
        "posts": list(person.practice_posts.select_related("host_village")),
        "achievements": list(person.achievements.all()),
        "can_edit": request.user.role in WRITERS,
    }
    return render(request, "training/person.html", context)


def _first_session_date():
    return Subquery(
        CourseSession.objects.filter(course=OuterRef("course"))
        .order_by()
        .values("course")
        .annotate(d=Min("date"))
        .values("d")
    )


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def party_step_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request, pk)
    steps = list(person.party_steps.all())
    reached = max([s.step for s in steps] + [implied_party_step(person.political_status)])
    next_step = reached + 1 if reached < PartyStepKind.FULL_MEMBER else None
    form = PartyStepForm(request.POST or None, person=person, next_step=next_step)
    if form.is_valid():
        data = form.cleaned_data
        try:
            step = record_party_step(
                person,
                data["step"],
                data["date"],
                actor=request.user,
                contact_person=data["contact_person"],
                note=data["note"],
            )
        except ActionRefused as refusal:
            form.add_error(None, refusal.message)
        else:
            messages.success(
                request,
                _("已登记：%(name)s %(step)s。")
                % {"name": person.name, "step": step.get_step_display()},
            )
            return redirect("training:person", person.pk)
    return _form_page(
        request,
        form,
        _("登记党员发展步骤：%(name)s") % {"name": person.name},
        reverse("training:person", args=[person.pk]),
        steps=steps,
    )


# --- /training/mentoring/ --------------------------------------------------------------------


@role_required(*READERS)
def mentorship_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "current")
    pairings = Mentorship.objects.in_scope(request.user)
    today = timezone.localdate()
    if state == "current":
        pairings = pairings.current(today)
    elif state == "ended":
        pairings = pairings.filter(end_on__lt=today)
    pairings = pairings.select_related("township", "mentor").prefetch_related(
        Prefetch("mentees", queryset=Mentee.objects.select_related("person__village"))
    )
    page = Paginator(pairings, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "state": state, "query": query_without_page(request), "today": today}
    return render(request, "training/mentorship_list.html", context)


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def mentorship_create(request: HttpRequest) -> HttpResponse:
    form = MentorshipForm(request.POST or None, user=request.user, search=request.GET)
    if form.is_valid():
        mentorship = form.save()
        messages.success(request, _("已建立帮带结对。"))
        return redirect(mentorship)
    return _form_page(request, form, _("建立导师帮带结对"), reverse("training:mentorship_list"))


@role_required(*MENTORING_READERS)
def mentorship_detail(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = _get_mentorship_for_user(request, pk)
    mentees = list(
        mentorship.mentees.select_related("person__village").annotate(
            talk_count=Count("talks"), last_talk=Max("talks__date")
        )
    )
    talks = list(
        TalkLog.objects.filter(mentee__mentorship=mentorship).select_related(
            "mentee__person", "recorded_by"
        )[:100]
    )
    context = {
        "mentorship": mentorship,
        "mentees": mentees,
        "talks": talks,
        "is_current": mentorship.is_current(),
        "can_edit": request.user.role in WRITERS,
        "end_form": EndMentorshipForm(initial={"end_on": timezone.localdate()}),
    }
    return render(request, "training/mentorship_detail.html", context)


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def mentorship_edit(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = _get_mentorship_for_user(request, pk)
    form = MentorshipForm(
        request.POST or None, user=request.user, instance=mentorship, search=request.GET
    )
    if form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, _("已保存。"))
        return redirect(mentorship)
    return _form_page(request, form, _("修改帮带结对"), mentorship.get_absolute_url())


@role_required(*WRITERS)
@require_POST
def mentorship_end(request: HttpRequest, pk: int) -> HttpResponse:
    mentorship = _get_mentorship_for_user(request, pk)
    form = EndMentorshipForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写有效的结束日期。"))
        return redirect(mentorship)
    try:
        changed = end_mentorship(mentorship, form.cleaned_data["end_on"], actor=request.user)
    except ActionRefused as refusal:
        messages.error(request, refusal.message)
    else:
        if changed:
            messages.success(request, _("帮带结对已结束，导师将不再看到帮带对象的信息。"))
        else:
            messages.info(
                request,
                _("该结对的结束日期为%(d)s，未作改动。") % {"d": f"{mentorship.end_on:%Y-%m-%d}"},
            )
    return redirect(mentorship)


@role_required(Role.MENTOR)
def my_mentees(request: HttpRequest) -> HttpResponse:
    """The mentor's home: their current mentees, this month's standing, one tap to log a talk."""
    today = timezone.localdate()
    mentees = Mentee.objects.in_scope(request.user).current(today)
    rows = compliance.standings(mentees, today, today)
    return render(request, "training/my_mentees.html", {"rows": rows, "today": today})


@role_required(*MENTORING_READERS)
def mentee(request: HttpRequest, pk: int) -> HttpResponse:
    mentee = _get_mentee_for_user(request, pk)
    talks = list(mentee.talks.select_related("recorded_by")[:200])
    today = timezone.localdate()
    context = {
        "mentee": mentee,
        "person": mentee.person,
        "talks": talks,
        "can_log": mentee.mentorship.is_current(today) or request.user.role in WRITERS,
        "month_talks": sum(
            1 for t in talks if (t.date.year, t.date.month) == (today.year, today.month)
        ),
    }
    return render(request, "training/mentee.html", context)


@role_required(*TALK_WRITERS)
@require_http_methods(["GET", "POST"])
def talk_create(request: HttpRequest, pk: int) -> HttpResponse:
    mentee = _get_mentee_for_user(request, pk)
    form = TalkForm(request.POST or None, mentee=mentee)
    if form.is_valid():
        talk = form.save(commit=False)
        talk.mentee = mentee
        talk.recorded_by = request.user
        talk.save()
        messages.success(
            request,
            _("已记录与%(name)s的%(kind)s（%(date)s）。")
            % {
                "name": mentee.person.name,
                "kind": talk.get_kind_display(),
                "date": f"{talk.date:%m-%d}",
            },
        )
        if request.user.role == Role.MENTOR:
            return redirect("training:my_mentees")
        return redirect(mentee)
    return render(request, "training/talk_form.html", {"form": form, "mentee": mentee})


@role_required(*MENTORING_READERS)
def talk_detail(request: HttpRequest, pk: int) -> HttpResponse:
    talk = _get_talk_for_user(request, pk)
    return render(request, "training/talk_detail.html", {"talk": talk})


@role_required(*MENTORING_READERS)
def compliance_view(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = ComplianceFilterForm(request.GET, user=user)
    today = timezone.localdate()
    month = form.value("month", today).replace(day=1)
    mentees = Mentee.objects.in_scope(user)
    if form.value("township"):
        mentees = mentees.filter(mentorship__township=form.value("township"))
    rows = compliance.standings(mentees, month, today)
    summary = compliance.summary(rows)
    status = form.value("status")
    if status:
        rows = [r for r in rows if r.status == status]
    counties = {r.rule.county_id for r in rows}
    context = {
        "form": form,
        "rows": rows,
        "summary": summary,
        "month": month,
        "is_current_month": (month.year, month.month) == (today.year, today.month),
        "is_future": month > today,
        "rules": MentoringRule.for_counties(counties or _user_counties(user)).values(),
        "previous": compliance.previous_month(month),
        "next": (month.replace(day=28) + timedelta(days=4)).replace(day=1),
    }
    return render(request, partial(request, "training/compliance.html", "results"), context)


def _user_counties(user) -> list[int]:
    if user.township_id:
        return [user.township.county_id]
    return list(County.objects.values_list("pk", flat=True)[:5])


@role_required(Role.COUNTY)
@require_http_methods(["GET", "POST"])
def rules(request: HttpRequest) -> HttpResponse:
    county_id = request.GET.get("county") or request.POST.get("county")
    counties = list(County.objects.all())
    if not counties:
        raise Http404
    county = next((c for c in counties if str(c.pk) == str(county_id)), counties[0])
    rule = MentoringRule.for_counties([county.pk])[county.pk]
    form = MentoringRuleForm(request.POST or None, instance=rule)
    if form.is_valid():
        rule = form.save(commit=False)
        rule.county = county
        rule.updated_by = request.user
        rule.save()
        messages.success(request, _("已保存帮带频次要求。"))
        return redirect("training:compliance")
    return _form_page(
        request,
        form,
        _("帮带频次要求：%(c)s") % {"c": county.name},
        reverse("training:compliance"),
        hidden={"county": county.pk},
    )


# --- /training/posts/ --------------------------------------------------------------------------


@role_required(*READERS)
def post_list(request: HttpRequest) -> HttpResponse:
    form = PostFilterForm(request.GET)
    posts = PracticePost.objects.in_scope(request.user).select_related(
        "person__township", "person__village", "host_village"
    )
    today = timezone.localdate()
    if form.is_valid():
        data = form.cleaned_data
        if data["kind"]:
            posts = posts.filter(kind=data["kind"])
        if data["state"] == "current":
            posts = posts.current(today)
        elif data["state"] == "ended":
            posts = posts.filter(end_on__lt=today)
        if data["q"]:
            found = search_people(
                Person.objects.in_scope(request.user), data["q"], user=request.user
            )
            posts = posts.filter(person__in=found)
    page = Paginator(posts, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "query": query_without_page(request), "today": today}
    return render(request, partial(request, "training/post_list.html", "results"), context)


def _save_post(request: HttpRequest, form: PracticePostForm) -> PracticePost | None:
    """Save the post; the database's exclusion constraint catches a race the form missed."""
    post = form.save(commit=False)
    if not post.pk:
        post.created_by = request.user
    try:
        with transaction.atomic():
            post.save()
    except IntegrityError:
        clash = (
            PracticePost.objects.filter(person=post.person, full_time=True)
            .overlapping(post.start_on, post.end_on)
            .exclude(pk=post.pk)
            .select_related("person", "host_village")
            .first()
        )
        form.add_error(
            "start_on",
            overlap_message(clash) if clash else _("保存失败：与已有记录冲突，请核对后重试。"),
        )
        return None
    if post.length_is_unusual:
        messages.warning(
            request,
            _("锻炼期约 %(m)s 个月，通常为3至6个月，请确认日期无误。") % {"m": post.months},
        )
    return post


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def post_create(request: HttpRequest) -> HttpResponse:
    form = PracticePostForm(request.POST or None, user=request.user)
    if form.is_valid():
        post = _save_post(request, form)
        if post is not None:
            messages.success(request, _("已安排岗位锻炼。"))
            return redirect(post)
    return _form_page(request, form, _("安排岗位锻炼"), reverse("training:post_list"))


@role_required(*READERS)
def post_detail(request: HttpRequest, pk: int) -> HttpResponse:
    post = _get_post_for_user(request, pk)
    context = {
        "post": post,
        "tasks": list(post.tasks.all()),
        "can_edit": request.user.role in WRITERS,
        "today": timezone.localdate(),
    }
    return render(request, "training/post_detail.html", context)


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = _get_post_for_user(request, pk)
    form = PracticePostForm(request.POST or None, user=request.user, instance=post)
    if form.is_valid() and _save_post(request, form) is not None:
        messages.success(request, _("已保存。"))
        return redirect(post)
    return _form_page(
        request, form, _("修改岗位锻炼：%(p)s") % {"p": post}, post.get_absolute_url()
    )


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def post_assess(request: HttpRequest, pk: int) -> HttpResponse:
    post = _get_post_for_user(request, pk)
    initial = {
        "grade": post.assessment_grade,
        "assessment": post.assessment,
        "assessed_on": post.assessed_on or min(timezone.localdate(), post.end_on),
    }
    form = AssessmentForm(request.POST or None, initial=initial)
    if form.is_valid():
        data = form.cleaned_data
        try:
            assess_post(
                post, data["grade"], data["assessment"], data["assessed_on"], actor=request.user
            )
        except ActionRefused as refusal:
            form.add_error("assessed_on", refusal.message)
        else:
            messages.success(request, _("已记录期满评价。"))
            return redirect(post)
    return _form_page(request, form, _("期满评价：%(p)s") % {"p": post}, post.get_absolute_url())


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def task_create(request: HttpRequest, pk: int) -> HttpResponse:
    post = _get_post_for_user(request, pk)
    form = PostTaskForm(request.POST or None, post=post)
    if form.is_valid():
        task = form.save(commit=False)
        task.post = post
        task.save()
        messages.success(request, _("已交办任务。"))
        return redirect(post)
    return _form_page(request, form, _("交办任务：%(p)s") % {"p": post}, post.get_absolute_url())


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def task_edit(request: HttpRequest, pk: int) -> HttpResponse:
    task = _get_task_for_user(request, pk)
    form = PostTaskForm(request.POST or None, post=task.post, instance=task)
    if form.is_valid():
        form.save()
        messages.success(request, _("已保存。"))
        return redirect(task.post)
    return _form_page(
        request, form, _("任务完成情况：%(t)s") % {"t": task.title}, task.post.get_absolute_url()
    )


# --- /training/achievements/ -------------------------------------------------------------------


@role_required(*READERS)
def achievement_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = AchievementFilterForm(request.GET, user=user)
    records = form.filter(Achievement.objects.in_scope(user))
    by_township = (
        records.confirmed()
        .filter(kind="project")
        .values("person__township__name", "person__township__code")
        .annotate(
            people=Count("person", distinct=True),
            companies=Count("company", distinct=True, filter=~Q(company="")),
            agreements=Count("pk", filter=Q(agreement_signed=True)),
            investment=Sum("investment"),
        )
        .order_by("person__township__code")
    )
    page = Paginator(
        records.select_related("person__township", "person__village", "confirmed_by"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query": query_without_page(request),
        "totals": records.totals(),
        "by_township": list(by_township),
        "pending": records.filter(confirmed_at__isnull=True).count(),
    }
    return render(request, partial(request, "training/achievement_list.html", "results"), context)


@role_required(*TALK_WRITERS)
@require_http_methods(["GET", "POST"])
def achievement_create(request: HttpRequest) -> HttpResponse:
    form = AchievementForm(request.POST or None, user=request.user)
    if request.method == "GET" and request.GET.get("person", "").isdigit():
        form.initial["person"] = int(request.GET["person"])
    if form.is_valid():
        record = form.save(commit=False)
        record.recorded_by = request.user
        record.save()
        messages.success(request, _("已记录工作实绩，可继续上传佐证材料。"))
        return redirect(record)
    cancel = (
        reverse("training:my_mentees")
        if request.user.role == Role.MENTOR
        else reverse("training:achievement_list")
    )
    return _form_page(request, form, _("记录工作实绩"), cancel)


def _can_change_achievement(user, record: Achievement) -> bool:
    if record.is_confirmed:
        return False
    if user.role == Role.MENTOR:
        return record.recorded_by_id == user.pk
    return user.role in WRITERS


@role_required(*MENTORING_READERS)
def achievement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = _get_achievement_for_user(request, pk)
    context = {
        "record": record,
        "evidence": list(record.evidence.select_related("uploaded_by")),
        "can_change": _can_change_achievement(request.user, record),
        "can_confirm": request.user.role in WRITERS and not record.is_confirmed,
        "evidence_form": EvidenceForm(),
    }
    return render(request, "training/achievement_detail.html", context)


@role_required(*TALK_WRITERS)
@require_http_methods(["GET", "POST"])
def achievement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    record = _get_achievement_for_user(request, pk)
    if not _can_change_achievement(request.user, record):
        if record.is_confirmed:
            messages.error(request, _("该实绩已确认，不能再修改。"))
            return redirect(record)
        raise PermissionDenied
    form = AchievementForm(request.POST or None, user=request.user, instance=record)
    if form.is_valid():
        form.save()
        messages.success(request, _("已保存。"))
        return redirect(record)
    return _form_page(request, form, _("修改工作实绩"), record.get_absolute_url())


@role_required(*WRITERS)
@require_POST
def achievement_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    record = _get_achievement_for_user(request, pk)
    if confirm_achievement(record, actor=request.user):
        messages.success(request, _("已确认该实绩。"))
    else:
        messages.info(request, _("该实绩此前已确认。"))
    return redirect(record)


@role_required(*TALK_WRITERS)
@require_POST
def evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    record = _get_achievement_for_user(request, pk)
    if not _can_change_achievement(request.user, record):
        messages.error(request, _("该实绩已确认或不是您录入的，不能再上传材料。"))
        return redirect(record)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        form.save(record, user=request.user)
        messages.success(request, _("已上传佐证材料。"))
    else:
        for error in form.errors.get("file", []):
            messages.error(request, error)
    return redirect(record)


@role_required(*MENTORING_READERS)
def evidence_download(request: HttpRequest, pk: int) -> FileResponse:
    """Stream an evidence file to someone who may see its achievement; never a public URL."""
    evidence = _get_evidence_for_user(request, pk)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("文件不存在。")) from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name,
        content_type=evidence.content_type,
    )
    # Residents' documents: kept by no cache on the way (nosniff comes with every response).
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(*TALK_WRITERS)
@require_POST
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    evidence = _get_evidence_for_user(request, pk)
    record = evidence.achievement
    if not _can_change_achievement(request.user, record):
        messages.error(request, _("该实绩已确认或不是您录入的，不能删除材料。"))
        return redirect(record)
    name = evidence.file.name
    evidence.delete()
    transaction.on_commit(lambda: evidence.file.storage.delete(name))
    messages.success(request, _("已删除佐证材料。"))
    return redirect(record)
