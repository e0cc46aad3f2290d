"""Matching a village's demand (村级需求清单) against the talent supply (人才供给清单): pool members
and registry people not yet nominated.

Hard requirements filter in SQL; soft criteria add points in SQL, so only the top rows leave the
database, even on a 300,000-person registry. Each criterion is defined once, with its SQL test
and the same test in Python, which explains the few rows returned: every suggestion says why.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from candidates.models import (
    INDUSTRY_KEYWORDS,
    PARTY_POSTS,
    Incumbency,
    Industry,
    Nomination,
    PoolMembership,
    Readiness,
    VillageDemand,
    years_before,
)
from talentpool import codes
from talentpool.models import Person, Residence, User

TEXT_FIELDS = ("skills", "industry_unit", "school_major")
LIMIT = 20


@dataclass(frozen=True)
class Criterion:
    weight: int
    q: Q
    test: Callable[[Person], bool]
    reason: Callable[[Person], str]


@dataclass
class Suggestion:
    person: Person
    score: int
    reasons: list[str] = field(default_factory=list)
    pool_category: str = ""
    pool_readiness: str = ""

    @property
    def in_pool(self) -> bool:
        return bool(self.pool_category)


def _contains_any(words: tuple[str, ...] | list[str]) -> tuple[Q, Callable[[Person], bool]]:
    q = Q()
    for word in words:
        # Chinese has no case: a plain LIKE is several times cheaper than ILIKE's UPPER().
        lookup = "icontains" if word.isascii() else "contains"
        for name in TEXT_FIELDS:
            q |= Q(**{f"{name}__{lookup}": word})

    def test(person: Person) -> bool:
        return _first_word(person, words) is not None

    return q, test


def _first_word(person: Person, words) -> str | None:
    text = " ".join(getattr(person, name) or "" for name in TEXT_FIELDS).lower()
    return next((word for word in words if word.lower() in text), None)


def _criteria(demand: VillageDemand) -> list[Criterion]:
    criteria: list[Criterion] = []
    for word in demand.skill_words():
        q, test = _contains_any([word])
        criteria.append(
            Criterion(12, q, test, lambda p, w=word: _("技能或经历含“%(w)s”") % {"w": w})
        )
    for key in demand.industries:
        words = INDUSTRY_KEYWORDS.get(key, ())
        if not words:
            continue
        q, test = _contains_any(words)
        label = Industry(key).label
        criteria.append(
            Criterion(
                10,
                q,
                test,
                lambda p, label=label, words=words: (
                    _("有%(industry)s相关经历（含“%(word)s”）")
                    % {"industry": label, "word": _first_word(p, words)}
                ),
            )
        )
    village = demand.village
    criteria += [
        Criterion(
            10,
            Q(village_id=village.pk),
            lambda p: p.village_id == village.pk,
            lambda p: _("户籍在本村（%(v)s）") % {"v": village.name},
        ),
        Criterion(
            0,  # everyone left is from the township (a hard filter): said, not scored
            Q(),
            lambda p: p.village_id != village.pk,
            lambda p: _("户籍在本乡镇（%(v)s）") % {"v": p.village_label or p.township.name},
        ),
        Criterion(
            8,
            Q(education__in=["10", "20"]),
            lambda p: p.education in ("10", "20"),
            lambda p: _("学历：%(e)s") % {"e": p.get_education_display()},
        ),
        Criterion(
            5,
            Q(education="30"),
            lambda p: p.education == "30",
            lambda p: _("学历：%(e)s") % {"e": p.get_education_display()},
        ),
        Criterion(
            8,
            Q(village_post_intention="willing"),
            lambda p: p.village_post_intention == "willing",
            lambda p: _("本人愿意到村任职"),
        ),
        Criterion(
            5,
            Q(village_post_intention="interested"),
            lambda p: p.village_post_intention == "interested",
            lambda p: _("本人有到村任职意向"),
        ),
        Criterion(
            3,
            Q(return_intention__in=["willing", "interested"]),
            lambda p: p.return_intention in ("willing", "interested"),
            lambda p: _("返乡意愿：%(w)s") % {"w": p.get_return_intention_display()},
        ),
        Criterion(
            3,
            Q(residence__in=[Residence.RETURNED, Residence.LOCAL]),
            lambda p: p.residence in (Residence.RETURNED, Residence.LOCAL),
            lambda p: p.get_residence_display(),
        ),
        Criterion(
            2,
            Q(is_veteran=True),
            lambda p: p.is_veteran,
            lambda p: _("退役军人"),
        ),
    ]
    if not _party_required(demand):
        criteria.append(
            Criterion(
                3,
                Q(political_status__in=codes.PARTY_MEMBER),
                lambda p: p.political_status in codes.PARTY_MEMBER,
                lambda p: p.get_political_status_display(),
            )
        )
    young = years_before(timezone.localdate(), 36)
    criteria.append(
        Criterion(
            3,
            Q(birth_date__gt=young),
            lambda p: p.birth_date > young,
            lambda p: _("%(age)s岁，年纪轻") % {"age": p.age()},
        )
    )
    return criteria


def _party_required(demand: VillageDemand) -> bool:
    return demand.party_member_required or (
        demand.post is not None and demand.post.kind in PARTY_POSTS
    )


def hard_requirements(demand: VillageDemand) -> list[str]:
    """The hard filters, in words, shown above the suggestions."""
    words = [_("户籍在本乡镇（街道）"), _("18岁以上")]
    if demand.max_age:
        words.append(_("%(n)s岁以下") % {"n": demand.max_age})
    if demand.min_education:
        words.append(_("%(e)s及以上学历") % {"e": codes.Education(demand.min_education).label})
    if _party_required(demand):
        words.append(_("中共党员（含预备党员）"))
    words.append(_("不含现任村干部；登记人员中不含已被推荐的"))
    return words


def suggest(demand: VillageDemand, user: User, limit: int = LIMIT) -> list[Suggestion]:
    """The best `limit` matches for `demand` among the people `user` may see."""
    today = timezone.localdate()
    people = _hard_filtered(Person.objects.in_scope(user), demand, today)
    criteria = _criteria(demand)
    pool = PoolMembership.objects.active().filter(person_id=OuterRef("pk"))
    in_pool = Exists(pool)
    score = Value(0, output_field=IntegerField())
    for criterion in criteria:
        if criterion.weight:
            score = score + Case(When(criterion.q, then=Value(criterion.weight)), default=Value(0))
    score = score + Case(When(in_pool, then=Value(6)), default=Value(0))
    score = score + Case(
        When(Exists(pool.filter(readiness=Readiness.NOW)), then=Value(3)), default=Value(0)
    )
    rows = (
        people.annotate(
            in_pool=in_pool,
            match_score=score,
            pool_category=Subquery(pool.values("category")[:1]),
            pool_readiness=Subquery(pool.values("readiness")[:1]),
        )
        .filter(Q(in_pool=True) | ~Exists(Nomination.objects.filter(person_id=OuterRef("pk"))))
        .select_related("village", "township")
        .order_by("-match_score", "-birth_date", "pk")[:limit]
    )
    suggestions = []
    for person in rows:
        reasons = [c.reason(person) for c in criteria if c.test(person)]
        if person.pool_category:
            reasons.insert(
                0,
                _("已在后备干部库（%(c)s，%(r)s）")
                % {
                    "c": dict(PoolMembership._meta.get_field("category").choices)[
                        person.pool_category
                    ],
                    "r": Readiness(person.pool_readiness).label,
                },
            )
        suggestions.append(
            Suggestion(
                person=person,
                score=person.match_score,
                reasons=reasons,
                pool_category=person.pool_category or "",
                pool_readiness=person.pool_readiness or "",
            )
        )
    return suggestions


def _hard_filtered(people, demand: VillageDemand, today: date):
    # The county's own qualification conditions ask for a hometown in the township, so people
    # from elsewhere would fail screening: leaving them out also keeps the scan to one
    # township's share of the registry.
    people = people.filter(township_id=demand.village.township_id)
    people = people.filter(birth_date__lte=years_before(today, 18))
    if demand.max_age:
        people = people.filter(birth_date__gt=years_before(today, demand.max_age + 1))
    if demand.min_education:
        floor = codes.education_rank(demand.min_education)
        people = people.filter(
            education__in=[c for c in codes.Education.values if codes.education_rank(c) >= floor]
        )
    if _party_required(demand):
        people = people.filter(political_status__in=codes.PARTY_MEMBER)
    sitting = Incumbency.objects.filter(person_id=OuterRef("pk"), ended_on__isnull=True)
    return people.exclude(Exists(sitting))
