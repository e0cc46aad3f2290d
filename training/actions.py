"""Workflows of the training stage: each changes state in one transaction, under a named audit
context, and repeating a done transition changes nothing."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

import pghistory
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from talentpool.models import Person, User
from training.models import (
    STEP_POLITICAL_STATUS,
    Achievement,
    Attendance,
    Course,
    CourseSession,
    Enrolment,
    Mentorship,
    PartyStep,
    PartyStepKind,
    PracticePost,
    TalkLog,
    implied_party_step,
)


class ActionRefused(Exception):
    """A workflow step the rules forbid; `message` is shown to the user as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- Enrolment and attendance ------------------------------------------------------------------


@dataclass
class EnrolResult:
    added: list[Person] = field(default_factory=list)
    already: int = 0  # were enrolled before
    over_capacity: list[Person] = field(default_factory=list)


@transaction.atomic
def enrol_people(course: Course, people: Iterable[Person], *, actor: User) -> EnrolResult:
    """Enrol `people` in `course` in the order given, skipping those already enrolled and
    stopping at the course's capacity. The course row is locked so that two officers
    enrolling at once cannot overfill it."""
    Course.objects.select_for_update().filter(pk=course.pk).get()
    enrolled = set(Enrolment.objects.filter(course=course).values_list("person_id", flat=True))
    result = EnrolResult()
    room = None if course.capacity is None else max(course.capacity - len(enrolled), 0)
    for person in people:
        if person.pk in enrolled:
            result.already += 1
            continue
        if room is not None and len(result.added) >= room:
            result.over_capacity.append(person)
            continue
        enrolled.add(person.pk)
        result.added.append(person)
    if result.added:
        with pghistory.context(action="training.enrol_people", course=course.pk):
            Enrolment.objects.bulk_create(
                [Enrolment(course=course, person=p, enrolled_by=actor) for p in result.added]
            )
    return result


@transaction.atomic
def withdraw_enrolment(enrolment: Enrolment, *, actor: User) -> None:
    """Take a person off a course's roster; refused once they have attended a session."""
    if enrolment.attendances.filter(status="present").exists():
        raise ActionRefused(_("该学员已有出勤记录，不能取消报名。"))
    with pghistory.context(action="training.withdraw_enrolment", actor=actor.pk):
        enrolment.delete()


Mark = tuple[int, int]  # (enrolment id, session id)


@transaction.atomic
def record_attendance(course: Course, marks: dict[Mark, str], *, actor: User) -> int:
    """Set attendance for the given (enrolment, session) cells of `course`: a status writes it,
    "" clears it. Cells of other courses are ignored. Returns how many cells changed.

    The course row is locked, so two officers saving the grid at once are serialised rather
    than colliding on a new cell."""
    Course.objects.select_for_update().filter(pk=course.pk).get()
    enrolment_ids = set(Enrolment.objects.filter(course=course).values_list("pk", flat=True))
    session_ids = set(CourseSession.objects.filter(course=course).values_list("pk", flat=True))
    marks = {
        (e, s): status
        for (e, s), status in marks.items()
        if e in enrolment_ids and s in session_ids
    }
    existing = {
        (a.enrolment_id, a.session_id): a for a in Attendance.objects.filter(session__course=course)
    }
    create, update, delete = [], [], []
    for cell, status in marks.items():
        current = existing.get(cell)
        if not status:
            if current is not None:
                delete.append(current.pk)
        elif current is None:
            create.append(
                Attendance(
                    enrolment_id=cell[0], session_id=cell[1], status=status, recorded_by=actor
                )
            )
        elif current.status != status:
            current.status = status
            current.recorded_by = actor
            update.append(current)
    with pghistory.context(action="training.record_attendance", course=course.pk):
        Attendance.objects.bulk_create(create)
        Attendance.objects.bulk_update(update, ["status", "recorded_by", "recorded_at"])
        Attendance.objects.filter(pk__in=delete).delete()
    return len(create) + len(update) + len(delete)


# --- Party membership development (双培养) -------------------------------------------------

PROBATION = timedelta(days=365)


def check_party_step(person: Person, step: int, on: date) -> None:
    """Raise ActionRefused unless `step` on `on` is the person's next step, in order.

    The person's current stage is the highest recorded step, or what their political status
    already says (a probationary member is at step 4 even with no steps recorded)."""
    steps = {s.step: s for s in person.party_steps.all()}
    reached = max([*steps, implied_party_step(person.political_status)])
    if step <= reached:
        if step in steps:
            raise ActionRefused(
                _("“%(step)s”已于%(date)s登记，不能重复登记。")
                % {"step": PartyStepKind(step).label, "date": f"{steps[step].date:%Y-%m-%d}"}
            )
        raise ActionRefused(
            _("该人员政治面貌已是“%(status)s”，不能再登记“%(step)s”。")
            % {"status": person.get_political_status_display(), "step": PartyStepKind(step).label}
        )
    if step != reached + 1:
        expected = PartyStepKind(reached + 1).label
        raise ActionRefused(
            _("发展步骤须按顺序登记：下一步应为“%(expected)s”，不能直接登记“%(step)s”。")
            % {"expected": expected, "step": PartyStepKind(step).label}
        )
    if on > timezone.localdate():
        raise ActionRefused(_("日期不能晚于今天。"))
    if steps:
        last = steps[max(steps)]
        if on < last.date:
            raise ActionRefused(
                _("日期不能早于上一步“%(step)s”的日期（%(date)s）。")
                % {"step": last.get_step_display(), "date": f"{last.date:%Y-%m-%d}"}
            )
    if step == PartyStepKind.APPLICANT and person.age(on) is not None and person.age(on) < 18:
        raise ActionRefused(_("申请入党须年满十八周岁。"))
    if step == PartyStepKind.FULL_MEMBER:
        probation_start = (
            steps[PartyStepKind.PROBATIONARY].date
            if PartyStepKind.PROBATIONARY in steps
            else person.party_join_date
        )
        if probation_start and on < probation_start + PROBATION:
            raise ActionRefused(
                _("预备期为一年：%(start)s成为预备党员，转正日期不能早于%(end)s。")
                % {
                    "start": f"{probation_start:%Y-%m-%d}",
                    "end": f"{probation_start + PROBATION:%Y-%m-%d}",
                }
            )


@transaction.atomic
def record_party_step(
    person: Person,
    step: int,
    on: date,
    *,
    actor: User,
    contact_person: str = "",
    note: str = "",
) -> PartyStep:
    """Record the person's next party step; becoming a probationary or full member also sets
    their political status (and the date they joined) in the registry, in the same transaction.
    """
    person = Person.objects.select_for_update().get(pk=person.pk)
    check_party_step(person, step, on)
    with pghistory.context(action="training.record_party_step", person=person.pk):
        party_step = PartyStep.objects.create(
            person=person,
            step=step,
            date=on,
            contact_person=contact_person,
            note=note,
            recorded_by=actor,
        )
        status = STEP_POLITICAL_STATUS.get(step)
        if status:
            person.political_status = status
            if step == PartyStepKind.PROBATIONARY:
                person.party_join_date = on
            # 入党时间 is the day one became a probationary member, also after 转正.
            person.save_checked(person.version)
    return party_step


# --- Mentoring -------------------------------------------------------------------------------


@transaction.atomic
def end_mentorship(mentorship: Mentorship, on: date, *, actor: User) -> bool:
    """End the pairing on `on` (inclusive): from the next day the mentor no longer sees the
    mentees. A pairing already ending by then is left as it is. Returns whether it changed."""
    mentorship = Mentorship.objects.select_for_update().get(pk=mentorship.pk)
    if mentorship.end_on is not None and mentorship.end_on <= on:
        return False
    if on < mentorship.start_on:
        raise ActionRefused(_("结束日期不能早于开始日期。"))
    last_talk = TalkLog.objects.filter(mentee__mentorship=mentorship).aggregate(d=Max("date"))["d"]
    if last_talk and last_talk > on:
        raise ActionRefused(
            _("%(date)s还有谈话记录，结束日期不能早于最后一次谈话。")
            % {"date": f"{last_talk:%Y-%m-%d}"}
        )
    with pghistory.context(action="training.end_mentorship", actor=actor.pk):
        mentorship.end_on = on
        mentorship.save(update_fields=["end_on"])
    return True


# --- Practice posts --------------------------------------------------------------------------


@transaction.atomic
def assess_post(post: PracticePost, grade: str, assessment: str, on: date, *, actor: User) -> bool:
    """Record the host's assessment at the end of the post. Returns whether anything changed."""
    post = PracticePost.objects.select_for_update().get(pk=post.pk)
    if on < post.start_on:
        raise ActionRefused(_("评价日期不能早于锻炼开始日期。"))
    if (post.assessment_grade, post.assessment, post.assessed_on) == (grade, assessment, on):
        return False
    with pghistory.context(action="training.assess_post", actor=actor.pk):
        post.assessment_grade = grade
        post.assessment = assessment
        post.assessed_on = on
        post.assessed_by = actor
        post.save(update_fields=["assessment_grade", "assessment", "assessed_on", "assessed_by"])
    return True


# --- Work record -----------------------------------------------------------------------------


@transaction.atomic
def confirm_achievement(achievement: Achievement, *, actor: User) -> bool:
    """A township (or county) officer vouches for the record; it then counts in the totals and
    can no longer be edited. Confirming twice changes nothing."""
    achievement = Achievement.objects.select_for_update().get(pk=achievement.pk)
    if achievement.is_confirmed:
        return False
    with pghistory.context(action="training.confirm_achievement", actor=actor.pk):
        achievement.confirmed_by = actor
        achievement.confirmed_at = timezone.now()
        achievement.save(update_fields=["confirmed_by", "confirmed_at"])
    return True
