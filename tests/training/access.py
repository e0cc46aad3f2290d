"""The training stage's URLs in the role x URL matrix (tests/test_url_matrix.py).

Mentors reach only objects of their own current pairings: `objects` pairs the mentor persona
with township A's reserve, so those URLs answer the mentor with 200 (the `mentor=200`
overrides); tests/training/test_mentor_scope.py checks they lose them when the pairing ends."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from django.conf import settings

from talentpool.models import County
from tests.access import COUNTY, READERS, WRITERS, allow
from tests.training.factories import (
    enrol,
    make_achievement,
    make_course,
    make_mentorship,
    make_post,
    make_reserve,
    make_session,
    make_talk,
    mentee_of,
)
from training.models import Evidence, PostTask, TrainingTarget

ACCESS = {
    # courses
    "training:course_list": allow(READERS),
    "training:course_create": allow(WRITERS),
    "training:course_detail": allow(READERS, "course"),
    "training:course_edit": allow(WRITERS, "course"),
    "training:session_create": allow(WRITERS, "course"),
    "training:enrol": allow(WRITERS, "course"),
    "training:attendance": allow(WRITERS, "course"),
    "training:session_edit": allow(WRITERS, "session"),
    "training:attendance_import": allow(WRITERS, "session"),
    "training:enrolment_edit": allow(WRITERS, "enrolment"),
    "training:hours": allow(READERS),
    "training:targets": allow(READERS),
    "training:target_edit": allow(COUNTY, "target"),
    # the person's training file and party steps
    "training:person": allow(READERS, "person"),
    "training:party_step_create": allow(WRITERS, "person"),
    # mentoring
    "training:mentorship_list": allow(READERS),
    "training:mentorship_create": allow(WRITERS),
    "training:my_mentees": allow({"mentor"}),
    "training:compliance": allow(READERS, mentor=200),
    "training:rules": allow(COUNTY),
    "training:mentorship_detail": allow(READERS, "mentorship", mentor=200),
    "training:mentorship_edit": allow(WRITERS, "mentorship"),
    "training:mentee": allow(READERS, "mentee", mentor=200),
    "training:talk_create": allow(WRITERS, "mentee", mentor=200),
    "training:talk_detail": allow(READERS, "talk", mentor=200),
    # practice posts
    "training:post_list": allow(READERS),
    "training:post_create": allow(WRITERS),
    "training:post_detail": allow(READERS, "post"),
    "training:post_edit": allow(WRITERS, "post"),
    "training:post_assess": allow(WRITERS, "post"),
    "training:task_create": allow(WRITERS, "post"),
    "training:task_edit": allow(WRITERS, "task"),
    # work record
    "training:achievement_list": allow(READERS),
    "training:achievement_create": allow(WRITERS, mentor=200),
    "training:achievement_detail": allow(READERS, "achievement", mentor=200),
    "training:achievement_edit": allow(WRITERS, "achievement", mentor=200),
    "training:evidence_download": allow(READERS, "evidence", mentor=200),
}

NOT_GET = {
    "training:session_delete": "POST only; tests/training/test_courses.py",
    "training:enrolment_withdraw": "POST only; tests/training/test_courses.py",
    "training:mentorship_end": "POST only; tests/training/test_mentor_scope.py",
    "training:achievement_confirm": "POST only; tests/training/test_achievements.py",
    "training:evidence_add": "POST only; tests/training/test_achievements.py",
    "training:evidence_delete": "POST only; tests/training/test_achievements.py",
}

# The matrix has no per-test media directory: one fixed, tiny file serves every run.
MATRIX_EVIDENCE = "training/evidence/url-matrix.txt"


def objects(ctx) -> dict[str, dict]:
    today = date.today()
    person = make_reserve(ctx.township_a, ctx.village_a, name="黄敏")
    course = make_course(ctx.township_a)
    session = make_session(course, today - timedelta(days=3))
    enrolment = enrol(course, person)
    pairing = make_mentorship(ctx.township_a, [person], mentor=ctx.personas["mentor"])
    mentee = mentee_of(pairing, person)
    talk = make_talk(mentee, today)
    post = make_post(person, today - timedelta(days=30), today + timedelta(days=60))
    task = PostTask.objects.create(post=post, title="入户走访", assigned_on=today)
    record = make_achievement(person, recorded_by=ctx.personas["mentor"])
    path = Path(settings.MEDIA_ROOT) / MATRIX_EVIDENCE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"evidence")
    evidence = Evidence.objects.create(
        achievement=record,
        file=MATRIX_EVIDENCE,
        original_name="协议.txt",
        content_type="text/plain",
        size=8,
    )
    county = County.objects.get(townships=ctx.township_a)
    target = TrainingTarget.objects.create(county=county, year=today.year, people=100)
    return {
        "course": {"pk": course.pk},
        "session": {"pk": session.pk},
        "enrolment": {"pk": enrolment.pk},
        "target": {"pk": target.pk},
        "person": {"pk": person.pk},
        "mentorship": {"pk": pairing.pk},
        "mentee": {"pk": mentee.pk},
        "talk": {"pk": talk.pk},
        "post": {"pk": post.pk},
        "task": {"pk": task.pk},
        "achievement": {"pk": record.pk},
        "evidence": {"pk": evidence.pk},
    }
