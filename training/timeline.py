"""The training stage's part of the person's timeline (一人一档): courses, party steps, pairings,
talks, practice posts and achievements, each linking to its record. Six queries, however many
records the person has."""

from __future__ import annotations

from django.db.models import Min, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from talentpool.models import Person
from talentpool.timeline import Entry
from training.models import (
    Achievement,
    CourseSession,
    Enrolment,
    Mentee,
    PartyStep,
    PracticePost,
    TalkLog,
)

TEXT_LIMIT = 40


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= TEXT_LIMIT else text[: TEXT_LIMIT - 1] + "…"


def _number(value) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def training_entries(person: Person) -> list[Entry]:
    entries: list[Entry] = []
    first_session = (
        CourseSession.objects.filter(course=OuterRef("course"))
        .order_by()
        .values("course")
        .annotate(d=Min("date"))
        .values("d")
    )
    for enrolment in (
        Enrolment.objects.filter(person=person)
        .with_hours()
        .select_related("course")
        .annotate(first_date=Subquery(first_session))
    ):
        text = _("参加培训《%(title)s》，出勤%(hours)s学时") % {
            "title": enrolment.course.title,
            "hours": _number(enrolment.attended_hours),
        }
        if enrolment.completed:
            text += _("，已结业")
        on = enrolment.first_date or timezone.localdate(enrolment.enrolled_at)
        entries.append(Entry(on, _("培训"), text, enrolment.course.get_absolute_url()))

    person_url = reverse("training:person", args=[person.pk])
    for step in PartyStep.objects.filter(person=person):
        text = step.get_step_display()
        if step.contact_person:
            text += _("（培养联系人：%(name)s）") % {"name": step.contact_person}
        entries.append(Entry(step.date, _("双培养"), text, person_url))

    for link in Mentee.objects.filter(person=person).select_related("mentorship__mentor"):
        pairing = link.mentorship
        text = _("与导师%(mentor)s结对帮带") % {"mentor": pairing.mentor_label}
        entries.append(Entry(pairing.start_on, _("导师帮带"), text, pairing.get_absolute_url()))

    for talk in TalkLog.objects.filter(mentee__person=person).select_related(
        "mentee__mentorship__mentor"
    ):
        text = f"{talk.mentee.mentorship.mentor_label}：{_short(talk.topics)}"
        entries.append(Entry(talk.date, talk.get_kind_display(), text, talk.get_absolute_url()))

    for post in PracticePost.objects.filter(person=person).select_related("host_village"):
        text = _("%(kind)s（%(host)s，%(start)s至%(end)s）") % {
            "kind": post.get_kind_display(),
            "host": post.host_label,
            "start": f"{post.start_on:%Y-%m-%d}",
            "end": f"{post.end_on:%Y-%m-%d}",
        }
        if post.assessment_grade:
            text += _("，期满评价：%(g)s") % {"g": post.get_assessment_grade_display()}
        entries.append(Entry(post.start_on, _("岗位锻炼"), text, post.get_absolute_url()))

    for record in Achievement.objects.filter(person=person):
        text = f"{record.get_kind_display()}：{record.title}"
        if not record.is_confirmed:
            text += _("（待确认）")
        entries.append(Entry(record.date, _("工作实绩"), text, record.get_absolute_url()))
    return entries
