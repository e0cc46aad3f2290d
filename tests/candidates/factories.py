"""Factory helpers for the candidates stage."""

from __future__ import annotations

from datetime import date

from candidates import actions
from candidates.models import (
    Incumbency,
    Nomination,
    PoolMembership,
    ReviewEvent,
    TownshipLeader,
    VillageDemand,
    VillagePost,
)
from talentpool.models import Person, Township, User, Village
from tests.factories import make_person


def make_post(village: Village, kind: str = "committee_member", seat: int = 1, **fields):
    return VillagePost.objects.create(village=village, kind=kind, seat=seat, **fields)


def make_incumbency(post: VillagePost, person: Person, started_on=date(2021, 1, 1), **fields):
    return Incumbency.objects.create(post=post, person=person, started_on=started_on, **fields)


def make_candidate(township: Township, village: Village | None = None, **fields) -> Person:
    """A registry person who meets every automatic qualification: 31, 大专, party member."""
    fields.setdefault("birth_date", date(1995, 3, 1))
    fields.setdefault("education", "30")
    fields.setdefault("political_status", "01")
    return make_person(township, village, **fields)


def make_nomination(
    person: Person,
    village: Village,
    *,
    actor: User,
    post_kind: str = "committee_member",
    year: int = 2026,
    channel: str = "organization",
    **fields,
) -> Nomination:
    fields.setdefault("recommender_name", "香山村党支部")
    fields.setdefault("reason", "群众基础好，能带领群众致富。")
    return actions.create_nomination(
        person=person,
        village=village,
        post_kind=post_kind,
        year=year,
        channel=channel,
        actor=actor,
        **fields,
    )


def clear_manual_checks(nomination: Nomination, actor: User) -> None:
    for check in nomination.checks.filter(automatic=False).select_related("item"):
        actions.record_check(check, result="ok", evidence="经核查，符合。", actor=actor)


def put_at(nomination: Nomination, status: str) -> Nomination:
    """Move a nomination straight to `status` for a test about a later stage (no event)."""
    Nomination.objects.filter(pk=nomination.pk).update(status=status)
    nomination.refresh_from_db()
    return nomination


def make_membership(
    person: Person, village: Village, posts=(), *, entered_on=date(2025, 6, 1), **fields
) -> PoolMembership:
    fields.setdefault("category", "member")
    membership = PoolMembership.objects.create(
        person=person, village=village, entered_on=entered_on, **fields
    )
    membership.posts.set(posts)
    return membership


def make_leader(township: Township, name: str = "李强", position: str = "党委副书记"):
    return TownshipLeader.objects.create(township=township, name=name, position=position)


def make_demand(village: Village, actor: User, **fields) -> VillageDemand:
    fields.setdefault("title", "发展电商")
    return VillageDemand.objects.create(village=village, created_by=actor, **fields)


def last_event(nomination: Nomination) -> ReviewEvent:
    return nomination.review_events.order_by("-pk").first()
