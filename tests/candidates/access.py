"""The candidates URLs in the role x URL matrix (tests/test_url_matrix.py)."""

from __future__ import annotations

from django.core.files.base import ContentFile

from candidates.models import (
    Assembly,
    NominationAttachment,
    OutreachContact,
    OutreachEvent,
)
from tests.access import COUNTY, READERS, WRITERS, allow
from tests.candidates.factories import (
    make_candidate,
    make_demand,
    make_incumbency,
    make_leader,
    make_membership,
    make_nomination,
    make_post,
    put_at,
)
from tests.factories import make_person

ACCESS = {
    "candidates:index": allow(READERS),
    "candidates:queue": allow(READERS),
    "candidates:nominations": allow(READERS),
    "candidates:nomination_create": allow(WRITERS),
    "candidates:person_search": allow(WRITERS),
    "candidates:nomination": allow(READERS, "nomination"),
    "candidates:attachment": allow(READERS, "attachment"),
    # An approved nomination's entry form: the county only.
    "candidates:enter_pool": allow(COUNTY, "approved"),
    "candidates:quotas": allow(READERS),
    "candidates:leader_create": allow(WRITERS),
    "candidates:leader_edit": allow(WRITERS, "leader"),
    "candidates:checklists": allow(READERS),
    "candidates:checklist_new": allow(COUNTY),
    "candidates:pool": allow(READERS),
    "candidates:member": allow(READERS, "member"),
    "candidates:member_edit": allow(WRITERS, "member"),
    "candidates:member_leave": allow(WRITERS, "member"),
    "candidates:coverage": allow(READERS),
    "candidates:shortfall": allow(READERS),
    "candidates:policy": allow(COUNTY),
    "candidates:village": allow(READERS, "village"),
    "candidates:post_create": allow(WRITERS, "village"),
    "candidates:post_edit": allow(COUNTY, "post"),
    "candidates:appoint": allow(WRITERS, "post"),
    "candidates:incumbency_end": allow(WRITERS, "incumbency"),
    "candidates:outreach": allow(READERS),
    "candidates:prospects": allow(READERS),
    "candidates:outreach_event_create": allow(WRITERS),
    "candidates:outreach_event": allow(READERS, "event"),
    "candidates:contact_create": allow(WRITERS),
    "candidates:contact_edit": allow(WRITERS, "contact"),
    "candidates:homecoming": allow(WRITERS, "person"),
    "candidates:assemblies": allow(READERS),
    "candidates:assembly_create": allow(WRITERS),
    "candidates:assembly": allow(READERS, "assembly"),
    "candidates:assembly_edit": allow(WRITERS, "assembly"),
    "candidates:demands": allow(READERS),
    "candidates:demand_create": allow(WRITERS),
    "candidates:demand": allow(READERS, "demand"),
    "candidates:demand_edit": allow(WRITERS, "demand"),
}
NOT_GET = {
    "candidates:decide": "POST only; tests/candidates/test_review_views.py",
    "candidates:screening": "POST only; tests/candidates/test_screening.py",
    "candidates:consultation_add": "POST only; tests/candidates/test_review_views.py",
    "candidates:assessment_add": "POST only; tests/candidates/test_selection.py",
    "candidates:attachment_upload": "POST only; tests/candidates/test_nomination_views.py",
}


def objects(ctx) -> dict[str, dict]:
    officer = ctx.personas["township_a"]
    township, village = ctx.township_a, ctx.village_a
    nomination = make_nomination(make_candidate(township, village), village, actor=officer)
    attachment = NominationAttachment(
        nomination=nomination,
        original_name="推荐表.pdf",
        content_type="application/pdf",
        size=8,
        uploaded_by=officer,
    )
    attachment.file.save("access.pdf", ContentFile(b"%PDF-1.4"), save=True)
    approved = put_at(
        make_nomination(make_candidate(township, village, name="王芳"), village, actor=officer),
        "approved",
    )
    post = make_post(village, "secretary")
    person = make_person(township, village, name="刘洋")
    incumbency = make_incumbency(post, make_person(township, village, name="陈军"))
    member = make_membership(make_person(township, village, name="赵敏"), village, [post])
    event = OutreachEvent.objects.create(
        township=township, kind="returnee", held_on="2026-02-10", created_by=officer
    )
    contact = OutreachContact.objects.create(
        township=township,
        person=person,
        kind="phone",
        contacted_on="2026-02-11",
        created_by=officer,
    )
    assembly = Assembly.objects.create(
        village=village, held_on="2026-03-01", representatives_present=32, created_by=officer
    )
    return {
        "nomination": {"pk": nomination.pk},
        "attachment": {"pk": attachment.pk},
        "approved": {"pk": approved.pk},
        "leader": {"pk": make_leader(township).pk},
        "member": {"pk": member.pk},
        "village": {"pk": village.pk},
        "post": {"pk": post.pk},
        "incumbency": {"pk": incumbency.pk},
        "event": {"pk": event.pk},
        "contact": {"pk": contact.pk},
        "person": {"pk": person.pk},
        "assembly": {"pk": assembly.pk},
        "demand": {"pk": make_demand(village, officer).pk},
    }
