"""This stage's entries on the person's timeline (一人一档): reviews and the steps of their
career after the pool, in two queries. The posts themselves (任职, 离任) are the candidates
stage's entries; here each step says what it meant on the ladder."""

from __future__ import annotations

from django.urls import reverse

from talentpool.models import Person
from talentpool.timeline import Entry


def entries(person: Person) -> list[Entry]:
    from evaluation.models import CareerStep, Review, ReviewStatus, StepKind

    record = reverse("evaluation:person_record", args=[person.pk])
    found: list[Entry] = []
    reviews = (
        Review.objects.filter(person=person, status=ReviewStatus.CONFIRMED)
        .select_related("round")
        .order_by("round__ends_on")
    )
    for review in reviews:
        text = f"{review.round.name}：{review.get_conclusion_display()}"
        if review.score is not None:
            text += f"（综合得分{review.score}）"
        found.append(Entry(review.round.ends_on, "考核", text, record))
    steps = (
        CareerStep.objects.filter(person=person)
        .exclude(kind__in=[StepKind.ENTERED, StepKind.TRANSFERRED])
        .select_related("post", "village")
    )
    for step in steps:
        text = str(step.get_kind_display())
        if step.post_id:
            text += f"：{step.village.name}{step.post}"
        if step.unit:
            text += f"：{step.unit}"
        if step.note:
            text += f"（{step.note}）"
        found.append(Entry(step.on, "任用", text, record))
    return found
