"""Demo data for this stage, run after the candidates' and training's demo data:

- last year's annual review of the whole pool, submitted by the townships and confirmed by the
  county (with the proposals it led to, a few already decided);
- this year's annual review in progress: township A's drafts, township B's submitted sheet;
- the 2026 换届 (CHANGEOVER): in most villages the old committee (the candidates demo's older,
  less educated incumbents) gives way to reserves and young local talent, so that the
  committees' comparison shows 一降两升; a few of the new cadres become full-time (专职干部);
- a few promotions after it through the ordinary action (the ladder, 一肩挑).

Deterministic (fixed seeds, rows in code order) and idempotent: nothing is done once the demo's
first review round exists. The 换届 itself is written in bulk - the same rows the promotion
action writes, for some 2,000 posts at once - under one audit context.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import date, timedelta

import pghistory
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from candidates.models import (
    PARTY_POSTS,
    EndReason,
    Incumbency,
    LeaveReason,
    PoolMembership,
    PostKind,
    VillagePost,
)
from evaluation.actions import (
    Appointment,
    ReviewEntry,
    accept_proposal,
    appoint_to_post,
    confirm_reviews,
    dismiss_proposal,
    save_review_draft,
    submit_reviews,
)
from evaluation.models import (
    CareerStep,
    Proposal,
    ProposalKind,
    Review,
    ReviewRound,
    ReviewStatus,
    StepKind,
)
from talentpool import codes
from talentpool.demo import TOWNSHIP_A, TOWNSHIP_B
from talentpool.models import Person, Role, Township, User

SEED = 500233 + 6
LAST_YEAR = "2025年度村级后备干部考核"
THIS_YEAR = "2026年度村级后备干部考核"
CHANGEOVER = date(2026, 4, 18)  # the 2026 村（社区）“两委”换届
TERM_END = date(2031, 4, 17)
# Share of villages whose committee is renewed at the 换届, and of the renewed posts' holders
# who stay on (re-elected): the rest give way.
RENEWED_VILLAGES = 0.95
RE_ELECTED = 0.12
CONCLUSION_WEIGHTS = [("excellent", 15), ("competent", 62), ("basic", 17), ("incompetent", 6)]
SCORE_RANGES = {
    "excellent": (90, 98),
    "competent": (76, 89),
    "basic": (62, 75),
    "incompetent": (45, 60),
}
INSTITUTIONS = ["乡镇便民服务中心", "乡镇农业服务中心", "乡镇社会事务服务中心"]
EVIDENCE = [
    "参与柑橘产业项目推介，协助签订合作协议。",
    "协助调解邻里土地纠纷3起，群众认可。",
    "参加防汛值守，按时完成网格排查任务。",
    "带头开展人居环境整治，组织义务劳动。",
    "履职主动性不强，多次未按时完成交办任务。",
]


@transaction.atomic
def seed() -> dict[str, int]:
    counts = {"reviews": 0, "proposals": 0, "changeover": 0, "promotions": 0}
    if ReviewRound.objects.filter(name=LAST_YEAR).exists():
        return counts
    county = User.objects.filter(role=Role.COUNTY, is_active=True).order_by("pk").first()
    if county is None or not PoolMembership.objects.exists():
        return counts
    officers = {
        u.township_id: u
        for u in User.objects.filter(role=Role.TOWNSHIP, is_active=True).order_by("-pk")
    }
    with pghistory.context(action="evaluation.demo.seed", actor=county.pk):
        counts["reviews"] = _last_year(county, officers)
        counts["proposals"] = _decide_some(county)
        counts["changeover"] = _changeover(county)
        counts["promotions"] = _promotions(county)
        counts["reviews"] += _this_year(county, officers)
    return counts


def _review_values(round: ReviewRound, rng: random.Random) -> tuple[dict, str, int]:
    conclusion = rng.choices(
        [c for c, _w in CONCLUSION_WEIGHTS], weights=[w for _c, w in CONCLUSION_WEIGHTS]
    )[0]
    low, high = SCORE_RANGES[conclusion]
    scores = {key: rng.randint(low, high) for key in round.dimension_keys}
    evidence = len(EVIDENCE) - 1 if conclusion in ("basic", "incompetent") else rng.randrange(4)
    return scores, conclusion, evidence


def _last_year(county: User, officers: dict[int, User]) -> int:
    """The 2025 review: every township submitted, the county confirmed, township by township."""
    rng = random.Random(SEED)
    round = ReviewRound.objects.create(
        name=LAST_YEAR,
        period="year",
        starts_on=date(2025, 1, 1),
        ends_on=date(2025, 12, 31),
        due_on=date(2026, 1, 20),
        created_by=county,
    )
    members = (
        PoolMembership.objects.active(date(2025, 12, 31))
        .select_related("village")
        .order_by("village__code", "pk")
    )
    reviews = []
    now = timezone.now()
    for member in members:
        scores, conclusion, evidence = _review_values(round, rng)
        township_id = member.village.township_id
        # A township without an officer handed in paper sheets: nobody entered them here, and
        # the county, which confirms them, must not stand as their enterer.
        officer = officers.get(township_id)
        reviews.append(
            Review(
                round=round,
                membership=member,
                person_id=member.person_id,
                township_id=township_id,
                scores=scores,
                score=round.overall(scores),
                conclusion=conclusion,
                reviewer="乡镇考核组",
                evidence=EVIDENCE[evidence],
                status=ReviewStatus.SUBMITTED,
                entered_by=officer,
                submitted_by=officer,
                submitted_at=now,
            )
        )
    Review.objects.bulk_create(reviews, batch_size=1000)
    for township_id in sorted({r.township_id for r in reviews}):
        confirm_reviews(round, township_id, actor=county)
    return len(reviews)


def _decide_some(county: User) -> int:
    """The county has already acted on some of last year's proposals."""
    removals = list(Proposal.objects.filter(kind=ProposalKind.REMOVE).order_by("pk"))
    for proposal in removals[: len(removals) // 2]:
        accept_proposal(proposal, actor=county, on=date(2026, 2, 10))
    if len(removals) > 2:
        dismiss_proposal(removals[-1], actor=county, note="本人已整改，继续观察一年")
    flags = list(Proposal.objects.filter(kind=ProposalKind.PROMOTE).order_by("pk"))
    for proposal in flags[: len(flags) // 3]:
        accept_proposal(proposal, actor=county, on=date(2026, 2, 10))
    return len(removals) + len(flags)


def _changeover(county: User) -> int:
    """The 2026 换届: most renewed committees take reserves (the 优秀 first) and young local
    talent; one person may take both principal posts as before (一肩挑)."""
    rng = random.Random(SEED + 1)
    held = list(
        Incumbency.objects.active(CHANGEOVER - timedelta(days=1))
        .select_related("post", "person")
        .order_by("post__village_id", "post__kind", "post__seat", "pk")
    )
    by_village: dict[int, list[Incumbency]] = defaultdict(list)
    for incumbency in held:
        by_village[incumbency.post.village_id].append(incumbency)
    reserves = _reserves_by_village()
    talent = _talent_by_township()
    ended, started, steps, promoted = [], [], [], []
    used: set[int] = set()
    for village_id in sorted(by_village):
        if rng.random() > RENEWED_VILLAGES:
            continue
        posts_of: dict[int, list[Incumbency]] = defaultdict(list)
        for incumbency in by_village[village_id]:
            posts_of[incumbency.person_id].append(incumbency)
        for incumbencies in posts_of.values():
            old = incumbencies[0].person
            if rng.random() < RE_ELECTED and old.age(CHANGEOVER) < 56:
                continue
            # A holder of a party post (or of both principal posts) is followed by a member.
            party = any(i.post.kind in PARTY_POSTS for i in incumbencies)
            successor = _pick(
                [reserves.get(village_id, []), talent.get(old.township_id, [])],
                party,
                used,
            )
            if successor is None:
                continue
            for incumbency in incumbencies:
                incumbency.ended_on = CHANGEOVER
                incumbency.end_reason = EndReason.ELECTION
                ended.append(incumbency)
                started.append(
                    Incumbency(
                        post=incumbency.post,
                        person=successor,
                        started_on=CHANGEOVER,
                        term_end=TERM_END,
                        appointed_how="election",
                    )
                )
    Incumbency.objects.bulk_update(ended, ["ended_on", "end_reason"], batch_size=1000)
    Incumbency.objects.bulk_create(started, batch_size=1000)
    first_post: dict[int, Incumbency] = {}
    for incumbency in started:
        first_post.setdefault(incumbency.person_id, incumbency)
    for person_id, incumbency in first_post.items():
        both = sum(1 for i in started if i.person_id == person_id) > 1
        steps.append(
            CareerStep(
                person_id=person_id,
                kind=StepKind.ONE_SHOULDER if both else StepKind.ENTERED,
                on=CHANGEOVER,
                village_id=incumbency.post.village_id,
                post=incumbency.post,
                incumbency=incumbency,
                note="2026年村（社区）“两委”换届选举产生",
                created_by=county,
            )
        )
        if rng.random() < 0.45:
            steps.append(
                CareerStep(
                    person_id=person_id,
                    kind=StepKind.FULL_TIME,
                    on=CHANGEOVER + timedelta(days=45),
                    note="纳入村（社区）专职干部管理",
                    created_by=county,
                )
            )
        promoted.append(person_id)
    # Zhongxian: a few who served in the village were recruited by township institutions.
    full_time = [s for s in steps if s.kind == StepKind.FULL_TIME]
    for step, unit in zip(full_time, INSTITUTIONS, strict=False):
        steps.append(
            CareerStep(
                person_id=step.person_id,
                kind=StepKind.PUBLIC_INSTITUTION,
                on=date(2026, 9, 1),
                unit=unit,
                note="在村任职本土人才定向考录",
                created_by=county,
            )
        )
    CareerStep.objects.bulk_create(steps, batch_size=1000)
    PoolMembership.objects.filter(person_id__in=promoted, left_on__isnull=True).update(
        left_on=CHANGEOVER,
        leave_reason=LeaveReason.PROMOTED,
        leave_note="2026年换届当选",
        version=F("version") + 1,
    )
    now = timezone.now()
    open_flags = Proposal.objects.filter(person_id__in=promoted, status="open")
    open_flags.filter(kind=ProposalKind.PROMOTE).update(
        status="accepted", decided_by=county, decided_at=now, decision_note="已提拔任用"
    )
    open_flags.update(
        status="dismissed", decided_by=county, decided_at=now, decision_note="已提拔任用"
    )
    return len(started)


def _reserves_by_village() -> dict[int, list[Person]]:
    """One active reserve a village, the best reviewed, who entered before the 换届: the
    pool is drawn on, not emptied (and the training demo's mentees stay in it)."""
    from training.models import Mentee

    excellent = set(
        Review.objects.filter(status=ReviewStatus.CONFIRMED, conclusion="excellent").values_list(
            "membership_id", flat=True
        )
    )
    members = (
        PoolMembership.objects.active()
        .filter(entered_on__lt=CHANGEOVER)
        .exclude(person__in=Mentee.objects.values("person_id"))
        .select_related("person")
        .order_by("village_id", "pk")
    )
    found: dict[int, list[Person]] = {}
    for member in sorted(members, key=lambda m: (m.village_id, m.pk not in excellent, m.pk)):
        found.setdefault(member.village_id, [member.person])
    return found


def _talent_by_township() -> dict[int, list[Person]]:
    """Young local people with upper-secondary schooling or more, in no post and no pool: the
    township looks beyond the village when the village has nobody."""
    people = (
        Person.objects.filter(
            village__isnull=False,
            birth_date__gt=date(1984, 1, 1),
            birth_date__lte=date(2001, 1, 1),
            education__in=["10", "20", "30", "40", "60"],
        )
        .exclude(incumbencies__isnull=False)
        .exclude(pool_memberships__isnull=False)
        .exclude(village_post_intention="unwilling")
        .order_by("township_id", "education", "pk")
    )
    found: dict[int, list[Person]] = defaultdict(list)
    for person in people:
        found[person.township_id].append(person)
    return found


def _pick(pools: list[list[Person]], party: bool, used: set[int]) -> Person | None:
    """The first person not yet taken from the first pool that has one."""
    for pool in pools:
        for person in pool:
            if person.pk in used:
                continue
            if party and person.political_status not in codes.PARTY_MEMBER:
                continue
            used.add(person.pk)
            return person
    return None


def _promotions(county: User) -> int:
    """After the 换届: vacancies filled from the pool through the ordinary action, and one
    secretary also elected director (一肩挑) in a by-election."""
    made = 0
    on = date(2026, 9, 1)
    for code in (TOWNSHIP_A, TOWNSHIP_B):
        township = Township.objects.filter(code=code).first()
        if township is None:
            continue
        # An explicit NOT EXISTS on the sitting incumbency: the join Django makes for
        # exclude(incumbencies__ended_on__isnull=True) nests a second scan of the posts, which a
        # planner without statistics (a freshly seeded database) can turn into minutes.
        sitting = Incumbency.objects.filter(post=OuterRef("pk"), ended_on__isnull=True)
        vacant = (
            VillagePost.objects.filter(village__township=township)
            .exclude(Exists(sitting))
            .exclude(kind__in=PARTY_POSTS)
            .order_by("village__code", "kind", "seat")
        )
        for post in vacant[:2]:
            member = (
                PoolMembership.objects.active()
                .filter(village=post.village_id, entered_on__lte=on)
                .order_by("pk")
                .first()
            )
            if member is None:
                continue
            appoint_to_post(
                member.person,
                Appointment(post, "selection", on, term_end=TERM_END, note="补选"),
                actor=county,
            )
            made += 1
        # NOT EXISTS again, for the same reason: the join of the multi-valued exclude ran for
        # minutes under a planner without statistics (seen in the seed test under load).
        directing = Incumbency.objects.filter(
            person=OuterRef("person"), post__kind=PostKind.DIRECTOR
        )
        secretary = (
            Incumbency.objects.active(on)
            .filter(post__village__township=township, post__kind=PostKind.SECRETARY)
            .exclude(Exists(directing))
            .select_related("post")
            .order_by("post__village__code")
            .first()
        )
        director = (
            VillagePost.objects.filter(
                village_id=secretary.post.village_id, kind=PostKind.DIRECTOR
            ).first()
            if secretary
            else None
        )
        if secretary and director:
            appoint_to_post(
                secretary.person,
                Appointment(
                    director,
                    "election",
                    date(2026, 10, 8),
                    term_end=TERM_END,
                    end_reason=EndReason.ADJUSTMENT,
                    keep_other_posts=True,
                    note="书记、主任“一肩挑”",
                ),
                actor=county,
            )
            made += 1
    return made


def _this_year(county: User, officers: dict[int, User]) -> int:
    """2026's annual review under way: township A has drafts, township B has submitted."""
    rng = random.Random(SEED + 2)
    round = ReviewRound.objects.create(
        name=THIS_YEAR,
        period="year",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 12, 31),
        due_on=date(2027, 1, 20),
        created_by=county,
    )
    made = 0
    for code, submit in ((TOWNSHIP_A, False), (TOWNSHIP_B, True)):
        township = Township.objects.filter(code=code).first()
        if township is None:
            continue
        officer = officers.get(township.pk, county)
        members = list(
            PoolMembership.objects.active()
            .filter(village__township=township)
            .select_related("village", "person")
            .order_by("village__code", "pk")
        )
        share = 1.0 if submit else 0.6
        for member in members[: int(len(members) * share)]:
            scores, conclusion, evidence = _review_values(round, rng)
            entry = ReviewEntry(scores, conclusion, "乡镇考核组", EVIDENCE[evidence])
            save_review_draft(round, member, entry, actor=officer)
            made += 1
        if submit:
            submit_reviews(round, township.pk, actor=officer)
    return made
