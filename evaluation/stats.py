"""The county's numbers: plain functions returning plain data (dataclasses of ints, floats and
strings), each computed in SQL with aggregates in a fixed number of queries, so that a 300,000-
person registry costs the same pages as a small one.

Conventions, by design:
- Ages are whole years (周岁) on the date asked about; an average age is the mean of those.
- Shares are percentages of the headcount, two decimals; None when there is nobody.
- "College" is 大专 and above (talentpool.codes.COLLEGE_OR_ABOVE); "party member" includes
  probationary members (PARTY_MEMBER); women are GB/T 2261.1 code "2".
- The committee (村"两委") at a date is every person holding a village post that day: one who
  holds two posts (一肩挑) counts once, in the township of the first post they took.
- `township_ids=None` means the whole county; views pass the townships a user may see.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    Func,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.fields import DateField
from django.db.models.functions import Coalesce, Least

from candidates.models import (
    INDUSTRY_KEYWORDS,
    CandidatePolicy,
    EndReason,
    Incumbency,
    Industry,
    Nomination,
    PoolMembership,
    Readiness,
    Status,
    VillagePost,
)
from evaluation.models import Conclusion, Review, ReviewRound, ReviewStatus, StepKind
from talentpool import codes
from talentpool.models import AGE_BANDS, Person, Residence, Township, Village, birth_date_range

# --- Building blocks ---------------------------------------------------------------------------


class AgeOn(Func):
    """Whole years between a birth date and `on` (PostgreSQL's AGE), as an integer."""

    template = "EXTRACT(YEAR FROM AGE(%(expressions)s))::integer"
    output_field = IntegerField()

    def __init__(self, on: date, birth_date: str) -> None:
        super().__init__(Value(on, output_field=DateField()), F(birth_date))


def _prefixed(q: Q, prefix: str) -> Q:
    """`q` (a flat AND of lookups, as birth_date_range makes) on a related person."""
    return Q(**{f"{prefix}{key}": value for key, value in q.children})


def share(part: int, whole: int) -> float | None:
    if not whole:
        return None
    return round(part * 100 / whole, 2)


def _mean(total: int | Decimal | None, count: int) -> float | None:
    if not count or total is None:
        return None
    return round(float(total) / count, 1)


def _townships(township_ids) -> list[Township]:
    townships = Township.objects.order_by("code")
    if township_ids is not None:
        townships = townships.filter(pk__in=list(township_ids))
    return list(townships.only("pk", "name", "code"))


AGE_BAND_KEYS = [key for key, _label, _lo, _hi in AGE_BANDS]
AGE_BAND_LABELS = [label for _key, label, _lo, _hi in AGE_BANDS]
# 产业经验: the industries a village develops (the village demand list's keywords), and running
# a business of one's own; not the words any employee's unit carries (公司, 管理).
INDUSTRY_PATTERN = "|".join(
    sorted(
        {
            word
            for industry in (
                Industry.ECOMMERCE,
                Industry.FARMING,
                Industry.TOURISM,
                Industry.PROCESSING,
                Industry.LOGISTICS,
                Industry.MANAGEMENT,
            )
            for word in INDUSTRY_KEYWORDS[industry]
            if word not in ("公司", "管理")
        }
    )
)


@dataclass
class Structure:
    """The make-up of a group of people (a committee or a pool) in one township or the county."""

    township_id: int | None
    township: str
    headcount: int = 0
    age_sum: int = 0
    age_bands: list[int] = field(default_factory=lambda: [0] * len(AGE_BANDS))
    college: int = 0
    women: int = 0
    party: int = 0
    veterans: int = 0
    returnees: int = 0
    industry: int = 0

    @property
    def average_age(self) -> float | None:
        return _mean(self.age_sum, self.headcount)

    @property
    def college_share(self) -> float | None:
        return share(self.college, self.headcount)

    @property
    def women_share(self) -> float | None:
        return share(self.women, self.headcount)

    @property
    def party_share(self) -> float | None:
        return share(self.party, self.headcount)

    @property
    def veteran_share(self) -> float | None:
        return share(self.veterans, self.headcount)

    @property
    def returnee_share(self) -> float | None:
        return share(self.returnees, self.headcount)

    @property
    def industry_share(self) -> float | None:
        return share(self.industry, self.headcount)

    def add(self, other: Structure) -> None:
        for name in (
            "headcount",
            "age_sum",
            "college",
            "women",
            "party",
            "veterans",
            "returnees",
            "industry",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.age_bands = [a + b for a, b in zip(self.age_bands, other.age_bands, strict=True)]


def _structure_aggregates(on: date, prefix: str, extra: bool) -> dict:
    aggregates = {
        "headcount": Count("pk"),
        "age_sum": Coalesce(Sum(AgeOn(on, f"{prefix}birth_date")), 0),
        "college": Count("pk", filter=Q(**{f"{prefix}education__in": codes.COLLEGE_OR_ABOVE})),
        "women": Count("pk", filter=Q(**{f"{prefix}gender": codes.Gender.FEMALE})),
        "party": Count("pk", filter=Q(**{f"{prefix}political_status__in": codes.PARTY_MEMBER})),
    }
    for i, (_key, _label, low, high) in enumerate(AGE_BANDS):
        band = _prefixed(birth_date_range(low, high, on), prefix)
        aggregates[f"band{i}"] = Count("pk", filter=band)
    if extra:
        aggregates["veterans"] = Count("pk", filter=Q(**{f"{prefix}is_veteran": True}))
        aggregates["returnees"] = Count(
            "pk", filter=Q(**{f"{prefix}residence": Residence.RETURNED})
        )
        aggregates["industry"] = Count(
            "pk",
            filter=Q(**{f"{prefix}industry_unit__regex": INDUSTRY_PATTERN})
            | Q(**{f"{prefix}skills__regex": INDUSTRY_PATTERN}),
        )
    return aggregates


def _structures(
    rows: QuerySet, group: str, on: date, township_ids, *, prefix: str, extra: bool = False
) -> tuple[list[Structure], Structure]:
    """Group `rows` by township and sum them up: one query. Townships with nobody are listed
    with zeros, so that a table always shows every township in scope."""
    if township_ids is not None:
        rows = rows.filter(**{f"{group}__in": list(township_ids)})
    found = {
        row[group]: row
        for row in rows.values(group)
        .annotate(**_structure_aggregates(on, prefix, extra))
        .order_by()
    }
    result = []
    total = Structure(None, "合计")
    for township in _townships(township_ids):
        structure = Structure(township.pk, township.name)
        row = found.get(township.pk)
        if row:
            structure.headcount = row["headcount"]
            structure.age_sum = row["age_sum"]
            structure.college = row["college"]
            structure.women = row["women"]
            structure.party = row["party"]
            structure.age_bands = [row[f"band{i}"] for i in range(len(AGE_BANDS))]
            if extra:
                structure.veterans = row["veterans"]
                structure.returnees = row["returnees"]
                structure.industry = row["industry"]
        total.add(structure)
        result.append(structure)
    return result, total


# --- The village committees (村"两委") -----------------------------------------------------------


def committee_members(on: date) -> QuerySet[Incumbency]:
    """One incumbency per person holding a post on `on` (their first-started, for 一肩挑)."""
    active = Incumbency.objects.active(on)
    earlier = Incumbency.objects.active(on).filter(
        person_id=OuterRef("person_id"), pk__lt=OuterRef("pk")
    )
    return active.exclude(Exists(earlier))


def committee_structure(on: date, township_ids=None) -> tuple[list[Structure], Structure]:
    """The committees' make-up on `on`, per township and in total: one query."""
    return _structures(
        committee_members(on), "post__village__township_id", on, township_ids, prefix="person__"
    )


@dataclass
class Comparison:
    township_id: int | None
    township: str
    before: Structure
    after: Structure

    @property
    def age_change(self) -> float | None:
        if self.before.average_age is None or self.after.average_age is None:
            return None
        return round(self.after.average_age - self.before.average_age, 1)

    @property
    def college_change(self) -> float | None:
        if self.before.college_share is None or self.after.college_share is None:
            return None
        return round(self.after.college_share - self.before.college_share, 2)


def compare_committees(
    before: date, after: date, township_ids=None
) -> tuple[list[Comparison], Comparison]:
    """The committees on two dates side by side (before and after 换届): two queries."""
    rows_before, total_before = committee_structure(before, township_ids)
    rows_after, total_after = committee_structure(after, township_ids)
    rows = [
        Comparison(b.township_id, b.township, b, a)
        for b, a in zip(rows_before, rows_after, strict=True)
    ]
    return rows, Comparison(None, "合计", total_before, total_after)


def latest_changeover(township_ids=None) -> date | None:
    """The day of the last 换届: the latest date on which incumbents left for that reason."""
    rows = Incumbency.objects.filter(end_reason=EndReason.ELECTION, ended_on__isnull=False)
    if township_ids is not None:
        rows = rows.filter(post__village__township_id__in=list(township_ids))
    return rows.order_by("-ended_on").values_list("ended_on", flat=True).first()


def default_comparison_dates(today: date, township_ids=None) -> tuple[date, date]:
    """The day before the last 换届 and the day of it; a year ago and today without one."""
    changeover = latest_changeover(township_ids)
    if changeover is None:
        return today - timedelta(days=365), today
    return changeover - timedelta(days=1), changeover


# --- The reserve pool (后备干部库) ---------------------------------------------------------------


def pool_structure(on: date, township_ids=None) -> tuple[list[Structure], Structure]:
    """The active reserves' make-up on `on`, per township and in total: one query."""
    return _structures(
        PoolMembership.objects.active(on),
        "village__township_id",
        on,
        township_ids,
        prefix="person__",
        extra=True,
    )


FUNNEL_STAGES = [
    ("registered", "登记入库（人才信息库）"),
    ("recommended", "被推荐"),
    ("screened", "通过资格审查"),
    ("approved", "通过联审"),
    ("pooled", "进入后备干部库"),
    ("trained", "参加培训"),
    ("promoted", "提拔任用"),
]
SCREENED = [
    Status.VILLAGE,
    Status.TOWNSHIP,
    Status.COUNTY,
    Status.APPROVED,
    Status.POOLED,
    Status.REJECTED,
]
APPROVED = [Status.APPROVED, Status.POOLED]


@dataclass
class FunnelRow:
    township_id: int | None
    township: str
    counts: dict[str, int]

    def values(self) -> list[int]:
        return [self.counts.get(key, 0) for key, _label in FUNNEL_STAGES]


def funnel(township_ids=None) -> tuple[list[FunnelRow], FunnelRow]:
    """People at each stage of the pipeline, ever: registered, recommended, through screening,
    through the county review, into the pool, trained (attended a session as a reserve or
    after), promoted. Three queries."""
    from training.models import Attendance, AttendanceStatus

    people = Person.objects.all()
    nominations = Nomination.objects.all()
    members = PoolMembership.objects.all()
    if township_ids is not None:
        ids = list(township_ids)
        people = people.filter(township_id__in=ids)
        nominations = nominations.filter(township_id__in=ids)
        members = members.filter(village__township_id__in=ids)
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    # COUNT(*) lets PostgreSQL answer from the township index alone (an index-only scan).
    for row in people.values("township_id").annotate(n=Count("*")).order_by():
        counts[row["township_id"]]["registered"] = row["n"]
    for row in (
        nominations.values("township_id")
        .annotate(
            recommended=Count("person", distinct=True),
            screened=Count("person", distinct=True, filter=Q(status__in=SCREENED)),
            approved=Count("person", distinct=True, filter=Q(status__in=APPROVED)),
        )
        .order_by()
    ):
        counts[row["township_id"]].update(
            recommended=row["recommended"], screened=row["screened"], approved=row["approved"]
        )
    attended = Attendance.objects.filter(
        enrolment__person_id=OuterRef("person_id"), status=AttendanceStatus.PRESENT
    )
    for row in (
        members.annotate(attended=Exists(attended))
        .values("village__township_id")
        .annotate(
            pooled=Count("person", distinct=True),
            trained=Count("person", distinct=True, filter=Q(attended=True)),
            promoted=Count("person", distinct=True, filter=Q(leave_reason="promoted")),
        )
        .order_by()
    ):
        counts[row["village__township_id"]].update(
            pooled=row["pooled"], trained=row["trained"], promoted=row["promoted"]
        )
    rows = [FunnelRow(t.pk, t.name, counts.get(t.pk, {})) for t in _townships(township_ids)]
    total = FunnelRow(None, "合计", {})
    for key, _label in FUNNEL_STAGES:
        total.counts[key] = sum(r.counts.get(key, 0) for r in rows)
    return rows, total


# --- 一职双备 coverage --------------------------------------------------------------------------


@dataclass
class Coverage:
    township_id: int | None
    township: str
    villages: int = 0
    posts: int = 0
    required: int = 0
    reserves: int = 0  # reserves counted up to each post's requirement
    covered_posts: int = 0
    short_villages: int = 0

    @property
    def coverage_share(self) -> float | None:
        return share(self.covered_posts, self.posts)

    @property
    def fill_share(self) -> float | None:
        return share(self.reserves, self.required)


def _posts_with_reserves() -> QuerySet[VillagePost]:
    policy = CandidatePolicy.load()
    through = PoolMembership.posts.through
    active = (
        through.objects.filter(villagepost_id=OuterRef("pk"), poolmembership__left_on__isnull=True)
        .order_by()
        .values("villagepost_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return VillagePost.objects.annotate(
        active_reserves=Coalesce(Subquery(active, output_field=IntegerField()), 0),
        needed=Coalesce(
            F("reserves_required"),
            Value(policy.reserves_per_post),
            output_field=IntegerField(),
        ),
    )


def coverage(township_ids=None) -> tuple[list[Coverage], Coverage]:
    """一职双备 per township: posts, reserves required and named, posts fully covered, villages
    with a post short of reserves. One query (plus the county policy)."""
    posts = _posts_with_reserves()
    if township_ids is not None:
        posts = posts.filter(village__township_id__in=list(township_ids))
    found = {
        row["village__township_id"]: row
        for row in posts.values("village__township_id")
        .annotate(
            villages=Count("village", distinct=True),
            posts=Count("pk"),
            required=Sum("needed"),
            reserves=Sum(Least("active_reserves", "needed", output_field=IntegerField())),
            covered_posts=Count("pk", filter=Q(active_reserves__gte=F("needed"))),
            short_villages=Count(
                "village", distinct=True, filter=Q(active_reserves__lt=F("needed"))
            ),
        )
        .order_by()
    }
    rows = []
    total = Coverage(None, "合计")
    for township in _townships(township_ids):
        row = found.get(township.pk, {})
        item = Coverage(
            township.pk,
            township.name,
            **{
                k: row.get(k) or 0
                for k in (
                    "villages",
                    "posts",
                    "required",
                    "reserves",
                    "covered_posts",
                    "short_villages",
                )
            },
        )
        for name in ("villages", "posts", "required", "reserves", "covered_posts"):
            setattr(total, name, getattr(total, name) + getattr(item, name))
        total.short_villages += item.short_villages
        rows.append(item)
    return rows, total


@dataclass
class ShortPost:
    village_id: int
    village: str
    township: str
    post: str
    reserves: int
    needed: int


def short_posts(township_ids=None, limit: int = 200) -> list[ShortPost]:
    """The posts short of reserves (the township's work list): one query."""
    from candidates.models import post_label

    posts = _posts_with_reserves().filter(active_reserves__lt=F("needed"))
    if township_ids is not None:
        posts = posts.filter(village__township_id__in=list(township_ids))
    rows = posts.order_by("village__code", "kind", "seat").values(
        "village_id",
        "village__name",
        "village__township__name",
        "kind",
        "seat",
        "active_reserves",
        "needed",
    )[:limit]
    return [
        ShortPost(
            r["village_id"],
            r["village__name"],
            r["village__township__name"],
            post_label(r["kind"], r["seat"]),
            r["active_reserves"],
            r["needed"],
        )
        for r in rows
    ]


# --- Training and mentoring --------------------------------------------------------------------


@dataclass
class TrainingRow:
    township_id: int | None
    township: str
    people: int = 0  # people with any attended hours in the year
    hours: Decimal = Decimal("0")
    trained: int = 0  # people whose hours reach the target's minimum
    reserves: int = 0  # active reserves
    reserves_trained: int = 0

    @property
    def reserves_trained_share(self) -> float | None:
        return share(self.reserves_trained, self.reserves)


@dataclass
class TrainingSummary:
    year: int
    target_people: int | None
    min_hours: Decimal
    rows: list[TrainingRow]
    total: TrainingRow

    @property
    def target_share(self) -> float | None:
        if not self.target_people:
            return None
        return share(self.total.trained, self.target_people)


_TRAINING_SQL = """
WITH hours AS (
    SELECT e.person_id, SUM(s.hours) AS hours
    FROM {attendance} a
    JOIN {session} s ON s.id = a.session_id
    JOIN {enrolment} e ON e.id = a.enrolment_id
    WHERE a.status = %(present)s AND s.date BETWEEN %(first)s AND %(last)s
    GROUP BY e.person_id
), trained AS (
    SELECT p.township_id, COUNT(*) AS people, SUM(h.hours) AS hours,
           COUNT(*) FILTER (WHERE h.hours >= %(min_hours)s) AS trained
    FROM hours h JOIN {person} p ON p.id = h.person_id
    GROUP BY p.township_id
), reserves AS (
    SELECT v.township_id, COUNT(*) AS reserves,
           COUNT(*) FILTER (WHERE h.hours >= %(min_hours)s) AS reserves_trained
    FROM {membership} m
    JOIN {village} v ON v.id = m.village_id
    LEFT JOIN hours h ON h.person_id = m.person_id
    WHERE m.left_on IS NULL
    GROUP BY v.township_id
)
SELECT t.id, tr.people, tr.hours, tr.trained, r.reserves, r.reserves_trained
FROM {township} t
LEFT JOIN trained tr ON tr.township_id = t.id
LEFT JOIN reserves r ON r.township_id = t.id
WHERE tr.township_id IS NOT NULL OR r.township_id IS NOT NULL
"""


def training(year: int, township_ids=None) -> TrainingSummary:
    """Attended training hours in `year` per township, people trained (hours at or above the
    county's yearly minimum, as training.models.TrainingTarget counts them) against the yearly
    target, and how many of the active reserves are among them. Two queries: the hours per
    person are summed once and used three ways, which the ORM cannot say in one statement."""
    from django.db import connection

    from training.models import (
        Attendance,
        AttendanceStatus,
        CourseSession,
        Enrolment,
        TrainingTarget,
    )

    target = TrainingTarget.objects.order_by("county_id").filter(year=year).first()
    min_hours = target.min_hours if target else Decimal("8")
    sql = _TRAINING_SQL.format(
        attendance=Attendance._meta.db_table,
        session=CourseSession._meta.db_table,
        enrolment=Enrolment._meta.db_table,
        person=Person._meta.db_table,
        membership=PoolMembership._meta.db_table,
        village=Village._meta.db_table,
        township=Township._meta.db_table,
    )
    params = {
        "present": AttendanceStatus.PRESENT,
        "first": date(year, 1, 1),
        "last": date(year, 12, 31),
        "min_hours": min_hours,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = {row[0]: row[1:] for row in cursor.fetchall()}
    rows = []
    total = TrainingRow(None, "合计")
    for township in _townships(township_ids):
        people, hours, trained, reserves, reserves_trained = found.get(township.pk, (None,) * 5)
        row = TrainingRow(
            township.pk,
            township.name,
            people=people or 0,
            hours=hours or Decimal("0"),
            trained=trained or 0,
            reserves=reserves or 0,
            reserves_trained=reserves_trained or 0,
        )
        for name in ("people", "hours", "trained", "reserves", "reserves_trained"):
            setattr(total, name, getattr(total, name) + getattr(row, name))
        rows.append(row)
    return TrainingSummary(year, target.people if target else None, min_hours, rows, total)


@dataclass
class MentoringRow:
    township_id: int | None
    township: str
    pairs: int = 0
    on_track: int = 0
    behind: int = 0
    no_contact: int = 0

    @property
    def compliance(self) -> float | None:
        return share(self.on_track, self.pairs)


def mentoring(
    month: date, today: date, township_ids=None
) -> tuple[list[MentoringRow], MentoringRow]:
    """Mentor-mentee pairs judged against their county's cadence rule for `month`: on track,
    behind, no contact. The talks are counted in one aggregate query; each pair's verdict is
    training's own rule (training.compliance.required_talks), on plain values rather than
    model objects, so thousands of pairs cost a few milliseconds."""
    from training.compliance import BEHIND, NO_CONTACT, ON_TRACK, month_bounds, required_talks
    from training.models import Mentee, MentoringRule

    first, last = month_bounds(month)
    rules = MentoringRule.for_counties(Township.objects.values_list("county_id", flat=True))
    # Only talks recent enough to matter are joined: an older last talk means "no contact"
    # just as no talk at all does (the pairing began before it).
    longest = max(
        (r.no_contact_days for r in rules.values()), default=MentoringRule().no_contact_days
    )
    since = first - timedelta(days=longest + 1)
    mentees = Mentee.objects.filter(mentorship__start_on__lte=min(last, today)).filter(
        Q(mentorship__end_on__isnull=True) | Q(mentorship__end_on__gte=first)
    )
    if township_ids is not None:
        mentees = mentees.filter(mentorship__township_id__in=list(township_ids))
    recent = FilteredRelation("talks", condition=Q(talks__date__gte=since, talks__date__lte=last))
    pairs = list(
        mentees.annotate(recent=recent)
        .values(
            "pk",
            "mentorship__township_id",
            "mentorship__township__county_id",
            "mentorship__start_on",
            "mentorship__end_on",
        )
        .annotate(
            month_talks=Count("recent", filter=Q(recent__date__gte=first)),
            last_talk=Max("recent__date"),
        )
        .order_by()
    )
    found: dict[int, MentoringRow] = {}
    for pair in pairs:
        rule = rules[pair["mentorship__township__county_id"]]
        start, end = pair["mentorship__start_on"], pair["mentorship__end_on"]
        due = required_talks(rule.talks_per_month, month, start, end, today)
        if due is None:
            continue
        required, _start, period_end = due
        silent = max((period_end - (pair["last_talk"] or start)).days, 0)
        if silent > rule.no_contact_days:
            status = NO_CONTACT
        elif pair["month_talks"] < required:
            status = BEHIND
        else:
            status = ON_TRACK
        township_id = pair["mentorship__township_id"]
        row = found.setdefault(township_id, MentoringRow(township_id, ""))
        row.pairs += 1
        setattr(row, status, getattr(row, status) + 1)
    rows = []
    total = MentoringRow(None, "合计")
    for township in _townships(township_ids):
        item = found.get(township.pk) or MentoringRow(township.pk, "")
        item.township = township.name
        for name in ("pairs", "on_track", "behind", "no_contact"):
            setattr(total, name, getattr(total, name) + getattr(item, name))
        rows.append(item)
    return rows, total


# --- Reviews -----------------------------------------------------------------------------------


@dataclass
class RoundProgress:
    round_id: int
    round: str
    due_on: date | None
    township_id: int | None
    township: str
    expected: int = 0  # active reserves who were in the pool by the end of the period
    draft: int = 0
    submitted: int = 0
    confirmed: int = 0

    @property
    def missing(self) -> int:
        return max(self.expected - self.draft - self.submitted - self.confirmed, 0)

    @property
    def outstanding(self) -> int:
        return self.missing + self.draft

    @property
    def done_share(self) -> float | None:
        return share(self.confirmed, self.expected)


def round_progress(
    rounds: list[ReviewRound], township_ids=None
) -> dict[int, tuple[list[RoundProgress], RoundProgress]]:
    """For each round: per township in its scope, how many reserves are to be reviewed, and
    how many reviews are drafts, submitted and confirmed. Two queries for any number of
    rounds."""
    result: dict[int, tuple[list[RoundProgress], RoundProgress]] = {}
    if not rounds:
        return result
    members = PoolMembership.objects.active()
    if township_ids is not None:
        members = members.filter(village__township_id__in=list(township_ids))
    expected = {
        row["village__township_id"]: row
        for row in members.values("village__township_id")
        .annotate(**{f"r{r.pk}": Count("pk", filter=Q(entered_on__lte=r.ends_on)) for r in rounds})
        .order_by()
    }
    reviews = Review.objects.filter(round__in=[r.pk for r in rounds])
    if township_ids is not None:
        reviews = reviews.filter(township_id__in=list(township_ids))
    counts = {
        (row["round_id"], row["township_id"]): row
        for row in reviews.values("round_id", "township_id")
        .annotate(
            draft=Count("pk", filter=Q(status=ReviewStatus.DRAFT)),
            submitted=Count("pk", filter=Q(status=ReviewStatus.SUBMITTED)),
            confirmed=Count("pk", filter=Q(status=ReviewStatus.CONFIRMED)),
        )
        .order_by()
    }
    townships = _townships(township_ids)
    for r in rounds:
        rows = []
        total = RoundProgress(r.pk, r.name, r.due_on, None, "合计")
        for township in townships:
            if not r.covers(township.pk):
                continue
            row = counts.get((r.pk, township.pk), {})
            item = RoundProgress(
                r.pk,
                r.name,
                r.due_on,
                township.pk,
                township.name,
                expected=expected.get(township.pk, {}).get(f"r{r.pk}", 0),
                draft=row.get("draft", 0),
                submitted=row.get("submitted", 0),
                confirmed=row.get("confirmed", 0),
            )
            for name in ("expected", "draft", "submitted", "confirmed"):
                setattr(total, name, getattr(total, name) + getattr(item, name))
            rows.append(item)
        result[r.pk] = (rows, total)
    return result


def reviews_due(rounds: list[ReviewRound], township_ids=None) -> list[RoundProgress]:
    """The rounds with work left (reserves not yet reviewed, drafts, or reviews waiting for
    the county), one total row each."""
    progress = round_progress(rounds, township_ids)
    due = []
    for r in rounds:
        _rows, total = progress[r.pk]
        if total.outstanding or total.submitted:
            due.append(total)
    return due


@dataclass
class CalibrationRow:
    township_id: int | None
    township: str
    reviews: int = 0
    conclusions: dict[str, int] = field(default_factory=dict)
    mean_score: float | None = None
    dimension_means: dict[str, float | None] = field(default_factory=dict)

    def share(self, conclusion: str) -> float | None:
        return share(self.conclusions.get(conclusion, 0), self.reviews)

    @property
    def excellent_share(self) -> float | None:
        return self.share(Conclusion.EXCELLENT)


def calibration(
    review_round: ReviewRound, township_ids=None
) -> tuple[list[CalibrationRow], CalibrationRow]:
    """A round's submitted and confirmed results per township against the county: the
    distribution of conclusions and the mean score of each dimension. Two queries."""
    from django.db.models import Avg

    reviews = Review.objects.filter(
        round=review_round, status__in=[ReviewStatus.SUBMITTED, ReviewStatus.CONFIRMED]
    )
    if township_ids is not None:
        reviews = reviews.filter(township_id__in=list(township_ids))
    aggregates = {
        "reviews": Count("pk"),
        "mean_score": Avg("score"),
        **{f"c_{c}": Count("pk", filter=Q(conclusion=c)) for c in Conclusion.values},
        **{
            f"d_{key}": Avg(review_round.dimension_points(key))
            for key in review_round.dimension_keys
        },
    }
    found = {
        row["township_id"]: row
        for row in reviews.values("township_id").annotate(**aggregates).order_by()
    }
    county = reviews.aggregate(**aggregates)

    def build(township_id, name, row) -> CalibrationRow:
        return CalibrationRow(
            township_id,
            name,
            reviews=row.get("reviews") or 0,
            conclusions={c: row.get(f"c_{c}") or 0 for c in Conclusion.values},
            mean_score=None
            if row.get("mean_score") is None
            else round(float(row["mean_score"]), 1),
            dimension_means={
                key: None if row.get(f"d_{key}") is None else round(float(row[f"d_{key}"]), 1)
                for key in review_round.dimension_keys
            },
        )

    townships = [t for t in _townships(township_ids) if review_round.covers(t.pk)]
    rows = [build(t.pk, t.name, found.get(t.pk, {})) for t in townships]
    return rows, build(None, "全县", county)


# --- The talent grid (九宫格) -------------------------------------------------------------------

TIERS = [
    ("high", "考核优秀", [Conclusion.EXCELLENT]),
    ("mid", "考核称职", [Conclusion.COMPETENT]),
    ("low", "基本称职及以下", [Conclusion.BASIC, Conclusion.INCOMPETENT]),
]
READINESS_COLUMNS = [Readiness.NOW, Readiness.SOON, Readiness.LATER]


@dataclass
class GridCell:
    tier: str
    readiness: str
    members: list = field(default_factory=list)


@dataclass
class TalentGrid:
    cells: dict[tuple[str, str], GridCell]
    unreviewed: list

    def row(self, tier: str) -> list[GridCell]:
        return [self.cells[(tier, r)] for r in READINESS_COLUMNS]

    @property
    def total(self) -> int:
        return sum(len(c.members) for c in self.cells.values()) + len(self.unreviewed)


def talent_grid(members: QuerySet[PoolMembership]) -> TalentGrid:
    """Place each active reserve by their latest confirmed review against their readiness:
    one query. Those never reviewed are listed apart."""
    latest = Review.objects.latest_for_outer_membership()
    rows = (
        members.active()
        .select_related("person", "village")
        .annotate(
            latest_conclusion=Subquery(latest.values("conclusion")[:1]),
            latest_score=Subquery(latest.values("score")[:1]),
            latest_round=Subquery(latest.values("round__name")[:1]),
        )
        .order_by("village__code", "person__name", "pk")
    )
    cells = {
        (tier, readiness): GridCell(tier, readiness)
        for tier, _label, _c in TIERS
        for readiness in READINESS_COLUMNS
    }
    tier_of = {c: tier for tier, _label, conclusions in TIERS for c in conclusions}
    unreviewed = []
    for member in rows:
        tier = tier_of.get(member.latest_conclusion)
        if tier is None or member.readiness not in READINESS_COLUMNS:
            unreviewed.append(member)
        else:
            cells[(tier, member.readiness)].members.append(member)
    return TalentGrid(cells, unreviewed)


# --- Careers after the pool --------------------------------------------------------------------


def career_counts(township_ids=None) -> dict[str, int]:
    """How many people took each kind of career step, ever (专职干部, 事业编制, 一肩挑 ...)."""
    from evaluation.models import CareerStep

    steps = CareerStep.objects.all()
    if township_ids is not None:
        steps = steps.filter(person__township_id__in=list(township_ids))
    counts = dict(
        steps.values("kind")
        .annotate(n=Count("person", distinct=True))
        .values_list("kind", "n")
        .order_by()
    )
    return {kind: counts.get(kind, 0) for kind in StepKind.values}
