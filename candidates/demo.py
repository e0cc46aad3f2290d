"""Demo data for this stage: every demo village's posts and incumbents (older and less educated:
the "before" of 一降两升), township leadership members, nominations at every stage, reserve pool
members, outreach, a selection assembly and village demands.

`seed()` is deterministic (fixed seeds, rows in code order) and idempotent: each part runs only
while its tables are empty. Incumbents are extra registry people made by
`talentpool.demo.generate_people`, because the registry's people are mostly young out-migrants.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from candidates import actions
from candidates.models import (
    POST_ORDER,
    Assembly,
    AssemblyCandidate,
    Consultation,
    Decision,
    Homecoming,
    Incumbency,
    Nomination,
    OutreachContact,
    OutreachEvent,
    PoolMembership,
    PostKind,
    Status,
    TownshipLeader,
    VillageDemand,
    VillagePost,
    category_for_post,
)
from talentpool import codes
from talentpool import demo as core_demo
from talentpool.data import names
from talentpool.models import Person, Residence, Role, Township, User, Village

SEED = 500233 + 4
TODAY = date(2026, 6, 30)  # the demo's "now", as in talentpool.demo
TERM_START = date(2022, 1, 15)
LEADER_POSITIONS = [
    "党委书记",
    "党委副书记、镇长",
    "党委副书记",
    "组织委员",
    "宣传委员",
    "纪委书记",
]


@transaction.atomic
def seed() -> dict[str, int]:
    counts = {"posts": 0, "incumbents": 0, "reserves": 0, "nominations": 0}
    if not VillagePost.objects.exists():
        counts.update(seed_posts_and_incumbents())
    if not TownshipLeader.objects.exists():
        seed_leaders()
    if not PoolMembership.objects.exists():
        counts["reserves"] = seed_pool()
    if not Nomination.objects.exists():
        counts["nominations"] = seed_nominations()
    if not OutreachEvent.objects.exists():
        seed_outreach()
    if not VillageDemand.objects.exists():
        seed_demands()
    return counts


# --- Posts and incumbents ----------------------------------------------------------------------


def _village_posts(village: Village, rng: random.Random) -> list[VillagePost]:
    kinds = [
        (PostKind.SECRETARY, 1),
        (PostKind.PARTY_MEMBER, 1),
        (PostKind.PARTY_MEMBER, 2),
        (PostKind.DIRECTOR, 1),
        (PostKind.COMMITTEE_MEMBER, 1),
        (PostKind.COMMITTEE_MEMBER, 2),
    ]
    if rng.random() < 0.3:
        kinds.append((PostKind.DEPUTY_SECRETARY, 1))
    if rng.random() < 0.2:
        kinds.append((PostKind.DEPUTY_DIRECTOR, 1))
    return [VillagePost(village=village, kind=kind, seat=seat) for kind, seat in kinds]


def _older_people(villages: list[Village], needed: int, rng: random.Random) -> list[Person]:
    """Plausible cadres of the old committees: mostly in their forties to sixties, about 30%
    with college education, living in the village."""
    taken: set[str] = set(Person.objects.values_list("id_number", flat=True))
    chosen: list[Person] = []
    while len(chosen) < needed:
        batch = core_demo.generate_people(villages, max(needed * 4, 200), rng)
        for person in batch:
            age = person.age(TODAY)
            if person.id_number in taken or (age < 44 and rng.random() > 0.01):
                continue
            taken.add(person.id_number)
            college = rng.random() < 0.3
            person.education = (
                rng.choice(["30", "30", "20"])
                if college
                else rng.choice(["60", "60", "70", "70", "40"])
            )
            person.school_major = person.school_major if college else ""
            person.residence = Residence.LOCAL
            person.work_place = ""
            person.industry_unit = "村干部"
            person.return_intention = ""
            person.village_post_intention = ""
            chosen.append(person)
            if len(chosen) == needed:
                break
    return chosen


def seed_posts_and_incumbents() -> dict[str, int]:
    rng = random.Random(SEED)
    villages = list(Village.objects.order_by("code"))
    posts: list[VillagePost] = []
    for village in villages:
        posts.extend(_village_posts(village, rng))
    VillagePost.objects.bulk_create(posts)
    by_village: dict[int, list[VillagePost]] = {}
    for post in posts:
        by_village.setdefault(post.village_id, []).append(post)

    # 一肩挑 in about two villages of three: the secretary is also the director.
    plan: list[tuple[VillagePost, int]] = []  # (post, index of the person in `people`)
    needed = 0
    for village in villages:
        village_posts = sorted(by_village[village.pk], key=lambda p: (POST_ORDER[p.kind], p.seat))
        secretary_index = None
        for post in village_posts:
            if rng.random() < 0.04:
                continue  # a vacancy
            one_shoulder = rng.random() < 0.67
            if post.kind == PostKind.DIRECTOR and secretary_index is not None and one_shoulder:
                plan.append((post, secretary_index))
                continue
            plan.append((post, needed))
            if post.kind == PostKind.SECRETARY:
                secretary_index = needed
            needed += 1
    village_of = {}
    for post, index in plan:
        village_of.setdefault(index, post.village)
    people = _older_people(villages, needed, rng)
    for index, person in enumerate(people):
        village = village_of[index]
        person.village = village
        person.township_id = village.township_id
        person.fill_derived()
    for post, index in plan:
        if post.kind in (PostKind.SECRETARY, PostKind.DEPUTY_SECRETARY, PostKind.PARTY_MEMBER):
            person = people[index]
            if person.political_status not in codes.PARTY_MEMBER:
                person.political_status = codes.PoliticalStatus.CPC_MEMBER
                person.party_join_date = person.birth_date + timedelta(days=365 * 25)
    Person.objects.bulk_create(people, batch_size=1000)
    incumbencies = []
    for post, index in plan:
        started = TERM_START + timedelta(days=rng.randrange(60))
        incumbencies.append(
            Incumbency(
                post=post,
                person=people[index],
                started_on=started,
                term_end=started.replace(year=started.year + 5),
                appointed_how="election",
            )
        )
    Incumbency.objects.bulk_create(incumbencies, batch_size=1000)
    return {"posts": len(posts), "incumbents": len(people)}


# --- Leaders, pool, nominations ------------------------------------------------------------------


def seed_leaders() -> None:
    rng = random.Random(SEED + 1)
    leaders = []
    for township in Township.objects.order_by("code"):
        for position in LEADER_POSITIONS:
            gender = "1" if rng.random() < 0.75 else "2"
            leaders.append(
                TownshipLeader(
                    township=township, name=names.make_name(rng, gender), position=position
                )
            )
    TownshipLeader.objects.bulk_create(leaders, ignore_conflicts=True)


def _young_talent():
    """Registry people a township would consider: 22-42, high school or more, not cadres."""
    return (
        Person.objects.filter(
            birth_date__gt=date(TODAY.year - 43, TODAY.month, TODAY.day),
            birth_date__lte=date(TODAY.year - 22, TODAY.month, TODAY.day),
            education__in=["10", "20", "30", "40", "44", "47", "60"],
            village__isnull=False,
        )
        .exclude(incumbencies__isnull=False)
        .exclude(village_post_intention="unwilling")
        .order_by("village__code", "pk")
    )


def seed_pool() -> int:
    """Reserves already in the pool before this system (no nomination on record)."""
    rng = random.Random(SEED + 2)
    candidates: dict[int, list[Person]] = {}
    for person in _young_talent():
        candidates.setdefault(person.village_id, []).append(person)
    posts: dict[int, dict[str, list[VillagePost]]] = {}
    for post in VillagePost.objects.order_by("village_id", "kind", "seat"):
        posts.setdefault(post.village_id, {}).setdefault(post.kind, []).append(post)
    created = []
    links = []
    for village in Village.objects.order_by("code"):
        people = candidates.get(village.pk, [])
        rng.shuffle(people)
        wanted = [PostKind.SECRETARY] * rng.choice([0, 1, 1, 2]) + [PostKind.DIRECTOR] * rng.choice(
            [0, 1, 1]
        )
        wanted += [PostKind.COMMITTEE_MEMBER] * rng.choice([0, 1])
        for kind, person in zip(wanted, people, strict=False):
            membership = PoolMembership(
                person=person,
                village=village,
                category=category_for_post(kind),
                level=rng.choice(["township", "township", "village", "county"]),
                readiness=rng.choice(["now", "soon", "soon", "later"]),
                entered_on=date(2024, 3, 1) + timedelta(days=rng.randrange(700)),
            )
            created.append(membership)
            target = posts.get(village.pk, {}).get(kind)
            if target:
                links.append((membership, target[0]))
    PoolMembership.objects.bulk_create(created, batch_size=1000)
    through = PoolMembership.posts.through
    through.objects.bulk_create(
        [through(poolmembership_id=m.pk, villagepost_id=p.pk) for m, p in links], batch_size=1000
    )
    return len(created)


def _clerk(township: Township) -> User:
    """A data-entry account of the township (no usable password): nominations are entered by
    it, so the demo officer can review them (nobody approves what they entered)."""
    user, created = User.objects.get_or_create(
        username=f"clerk_{township.code}",
        defaults={
            "role": Role.TOWNSHIP,
            "township": township,
            "last_name": "录入",
            "first_name": "员",
            "title": "党建办干事",
            "is_active": False,
        },
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


# The stage each demo township's nominations reach, in order.
PLAN = [
    Status.SCREENING,
    Status.SCREENING,
    Status.VILLAGE,
    Status.TOWNSHIP,
    Status.TOWNSHIP,
    Status.COUNTY,
    Status.COUNTY,
    Status.APPROVED,
    Status.POOLED,
    Status.POOLED,
    Status.REJECTED,
    Status.DISQUALIFIED,
]
VIEWS = {
    "party_members_heard": 21,
    "party_member_views": "党员普遍认为其政治可靠、作风踏实。",
    "villagers_heard": 46,
    "villager_views": "群众反映其热心公益，返乡后带动乡亲务工。",
}


def seed_nominations() -> int:
    rng = random.Random(SEED + 3)
    county = User.objects.filter(role=Role.COUNTY, is_active=True).order_by("pk").first()
    if county is None:
        return 0
    made = 0
    for code in (core_demo.TOWNSHIP_A, core_demo.TOWNSHIP_B):
        township = Township.objects.filter(code=code).first()
        officer = (
            User.objects.filter(role=Role.TOWNSHIP, township=township, is_active=True)
            .order_by("pk")
            .first()
        )
        if township is None or officer is None:
            continue
        clerk = _clerk(township)
        leaders = list(TownshipLeader.objects.filter(township=township).order_by("pk"))
        people = list(
            _young_talent()
            .filter(township=township, political_status__in=codes.PARTY_MEMBER)
            .exclude(pool_memberships__isnull=False)[: len(PLAN)]
        )
        for i, (target, person) in enumerate(zip(PLAN, people, strict=False)):
            channel = ["leader", "organization", "masses", "party_members", "joint", "self"][i % 6]
            leader = leaders[i % len(leaders)] if channel == "leader" and leaders else None
            nomination = actions.create_nomination(
                person=person,
                village=person.village,
                post_kind=rng.choice(
                    [PostKind.SECRETARY, PostKind.DIRECTOR, PostKind.COMMITTEE_MEMBER]
                ),
                year=TODAY.year,
                channel=channel if channel != "leader" or leader else "organization",
                co_signers=rng.randint(10, 30) if channel == "joint" else None,
                leader=leader,
                recommender_name=_recommender(channel, person, rng),
                recommender_position=_recommender_position(channel),
                reason=rng.choice(REASONS),
                actor=clerk,
            )
            _advance(nomination, target, clerk=clerk, officer=officer, county=county, rng=rng)
            made += 1
    return made


REASONS = [
    "在外经营电商多年，熟悉农产品网络销售，愿意返乡带动村集体经济。",
    "退役军人，组织纪律性强，返乡后积极参与村内防汛和矛盾调解。",
    "大学毕业返乡创业，流转土地发展柑橘种植，带动二十余户增收。",
    "长期担任村民小组长，群众基础好，处事公道。",
    "返乡创办农家乐，热心公益，多次为村里修路捐资出力。",
]


def _recommender(channel: str, person: Person, rng: random.Random) -> str:
    if channel == "self":
        return person.name
    if channel == "organization":
        return f"{person.village.name}党支部"
    return names.make_name(rng, "1")


def _recommender_position(channel: str) -> str:
    return {
        "organization": "",
        "masses": "村民代表",
        "party_members": "党员",
        "joint": "联名推荐牵头人",
        "self": "本人",
        "leader": "",
    }[channel]


def _advance(nomination, target: str, *, clerk, officer, county, rng) -> None:
    """Take `nomination` along the ordinary path to `target`, as the real actors would."""
    if target == Status.SCREENING:
        return
    checks = nomination.checks.filter(automatic=False).select_related("item")
    if target == Status.DISQUALIFIED:
        hit = checks.filter(item__kind="negative").order_by("item__number")[3]
        actions.record_check(
            hit, result="problem", evidence="经查询，列为失信被执行人。", actor=officer
        )
        return
    # The manual checks in one statement: demo data needs the outcome, not a click per item.
    checks.update(
        result="ok", evidence="经村、乡核查，符合。", checked_by=officer, checked_at=timezone.now()
    )
    actions.refresh_automatic_checks(nomination)
    if actions.screening_blockers(nomination):
        return  # the person does not qualify: left at screening, as in real life
    while nomination.status in (Status.SCREENING, Status.VILLAGE, Status.TOWNSHIP):
        if nomination.status == target:
            return
        if target == Status.REJECTED and nomination.status == Status.TOWNSHIP:
            actions.decide(
                nomination,
                Decision.REJECT,
                actor=officer,
                expected_version=nomination.version,
                note="群众意见分歧较大，暂不推荐。",
            )
            return
        extra = VIEWS if nomination.status == Status.VILLAGE else {}
        actions.decide(
            nomination, Decision.PASS, actor=officer, expected_version=nomination.version, **extra
        )
    for department in ("discipline", "police", "court", "petition"):
        answered = target != Status.COUNTY or department != "petition"
        Consultation.objects.create(
            nomination=nomination,
            department=department,
            asked_on=TODAY - timedelta(days=20),
            answer="clear" if answered else "pending",
            answered_on=TODAY - timedelta(days=10) if answered else None,
            note="经查，无不良记录。" if answered else "",
            recorded_by=county,
        )
    if target == Status.COUNTY:
        return
    actions.decide(nomination, Decision.PASS, actor=county, expected_version=nomination.version)
    if target == Status.POOLED:
        posts = list(
            VillagePost.objects.filter(village_id=nomination.village_id, kind=nomination.post_kind)
        )
        actions.enter_pool(
            nomination,
            actor=county,
            expected_version=nomination.version,
            category=category_for_post(nomination.post_kind),
            level="township",
            readiness=rng.choice(["now", "soon"]),
            posts=posts[:1],
            entered_on=TODAY,
        )


# --- Outreach, selection, demand ------------------------------------------------------------------


def seed_outreach() -> None:
    rng = random.Random(SEED + 5)
    for code in (core_demo.TOWNSHIP_A, core_demo.TOWNSHIP_B):
        township = Township.objects.filter(code=code).first()
        if township is None:
            continue
        officer = _clerk(township)
        away = list(
            Person.objects.filter(township=township, residence=Residence.AWAY)
            .filter(Q(education__in=codes.COLLEGE_OR_ABOVE) | Q(is_veteran=True))
            .order_by("pk")[:24]
        )
        event = OutreachEvent.objects.create(
            township=township,
            kind="returnee",
            occasion="spring",
            held_on=date(2026, 2, 20),
            place=f"{township.name}便民服务中心",
            hosted_by="党委书记",
            policy_list_given=True,
            offered="宣讲返乡创业优惠政策清单、村级后备干部选拔办法。",
            created_by=officer,
        )
        responses = ["return", "serve", "business", "considering", "declined"]
        for i, person in enumerate(away[:12]):
            OutreachContact.objects.create(
                township=township,
                person=person,
                event=event,
                kind="event",
                contacted_on=event.held_on,
                policy_list_given=True,
                response=responses[i % len(responses)],
                follow_up_on=date(2026, 4, 1) + timedelta(days=rng.randrange(120)),
                created_by=officer,
            )
        for person in away[12:20]:
            OutreachContact.objects.create(
                township=township,
                person=person,
                kind=rng.choice(["home", "phone"]),
                contacted_on=date(2026, 3, 1) + timedelta(days=rng.randrange(60)),
                contacted_by="组织委员",
                response=rng.choice(responses),
                follow_up_on=date(2026, 6, 1) + timedelta(days=rng.randrange(60)),
                created_by=officer,
            )
        for person in away[:2]:
            Homecoming.objects.create(
                township=township,
                person=person,
                returned_on=date(2026, 3, 15),
                plan="返乡创业",
                created_by=officer,
            )
            Person.objects.filter(pk=person.pk).update(residence=Residence.RETURNED)
        village = Village.objects.filter(township=township).order_by("code").first()
        entries = list(Nomination.objects.filter(village=village).order_by("pk")[:3])
        if village is not None:
            assembly = Assembly.objects.create(
                village=village,
                announced_on=date(2026, 4, 1),
                held_on=date(2026, 4, 10),
                cadres_present=7,
                party_members_present=38,
                council_members_present=3,
                representatives_present=34,
                speeches_note="候选人围绕发展思路作竞职演讲。",
                qa_note="现场回答村民关于产业发展和矛盾调解的提问。",
                result_note="经民主投票，推选出得票前列的人选。",
                created_by=officer,
            )
            for i, nomination in enumerate(entries):
                AssemblyCandidate.objects.create(
                    assembly=assembly, nomination=nomination, votes=60 - i * 9, elected=i == 0
                )


def seed_demands() -> None:
    township = Township.objects.filter(code=core_demo.TOWNSHIP_A).first()
    creator = _clerk(township) if township else None
    if township is None:
        return
    specs = [
        ("发展农村电商，打开柑橘销路", ["ecommerce"], "电商 直播", PostKind.COMMITTEE_MEMBER),
        ("带动乡村旅游和民宿", ["tourism"], "民宿 餐饮", PostKind.DIRECTOR),
        ("壮大种养殖合作社", ["farming"], "养殖 合作社", PostKind.SECRETARY),
    ]
    for village, (title, industries, skills, kind) in zip(
        Village.objects.filter(township=township).order_by("code"), specs, strict=False
    ):
        VillageDemand.objects.create(
            village=village,
            title=title,
            industries=industries,
            skills=skills,
            post=VillagePost.objects.filter(village=village, kind=kind).first(),
            max_age=45,
            created_by=creator,
        )
