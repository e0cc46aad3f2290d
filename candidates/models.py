"""Stages 2-4 of the pipeline: village posts and incumbents, outreach to returnees, nominations
with screening and the three-level review, selection, the reserve pool (后备干部库) and the
village demand list.

Scope: every model reaches a township (directly or through its village); `in_scope(user)` on each
QuerySet is the one place rows are scoped.
"""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import PurePosixPath

from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Exists, F, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from talentpool import codes
from talentpool.audit import audited
from talentpool.models import Person, Role, Township, User, Village, years_before
from talentpool.text import LONG_TEXT_MAX_LENGTH, limited_text

# --- County-level settings --------------------------------------------------------------------


@audited
class CandidatePolicy(models.Model):
    """The county's numbers for this stage; one row (pk=1), read with `CandidatePolicy.load()`."""

    reserves_per_post = models.PositiveSmallIntegerField(
        _("每个岗位后备人数（一职双备）"), default=2, validators=[MaxValueValidator(10)]
    )
    leader_quota_min = models.PositiveSmallIntegerField(
        _("乡镇领导班子成员每年至少推荐人数"), default=1
    )
    leader_quota_max = models.PositiveSmallIntegerField(
        _("乡镇领导班子成员每年至多推荐人数"), default=2
    )
    retirement_watch_age = models.PositiveSmallIntegerField(
        _("临近退休年龄（预警）"), default=60, validators=[MinValueValidator(40)]
    )
    min_assembly_representatives = models.PositiveSmallIntegerField(
        _("公推公选大会村民代表最少人数"), default=30
    )
    county_acts_for_lone_officer = models.BooleanField(
        _("乡镇（街道）只有一名工作人员时，由县委组织部代办乡镇环节"),
        default=False,
        help_text=_(
            "乡镇初审、乡镇考核确认等须由录入人以外的人办理；乡镇（街道）没有第二名工作人员时，"
            "开启后由县委组织部代为办理，关闭则须先为该乡镇增设工作人员。"
        ),
    )

    class Meta:
        verbose_name = _("后备干部工作设置")
        verbose_name_plural = _("后备干部工作设置")
        constraints = [
            models.CheckConstraint(name="candidate_policy_singleton", condition=Q(pk=1)),
            models.CheckConstraint(
                name="candidate_policy_quota_order",
                condition=Q(leader_quota_min__lte=models.F("leader_quota_max")),
            ),
        ]

    def __str__(self) -> str:
        return str(_("后备干部工作设置"))

    @classmethod
    def load(cls) -> CandidatePolicy:
        policy, _created = cls.objects.get_or_create(pk=1)
        return policy


def other_township_officers(township_id: int, user_id: int | None) -> list[User]:
    """The township's other active officers (who may check what `user_id` entered)."""
    return list(
        User.objects.filter(role=Role.TOWNSHIP, township_id=township_id, is_active=True)
        .exclude(pk=user_id)
        .order_by("pk")[:5]
    )


def second_pair_of_eyes(
    township_id: int, entered_by_id: int | None, user: User, stage: str, own: str
):
    """Who checks, at a township stage, what `entered_by_id` entered: returns (refusal for
    `user`, the county acts for the township). Nobody confirms their own entry (`own` says so
    in the page's words); a township with no second officer is either served by the county
    (CandidatePolicy setting) or told how to get one."""
    from django.utils.translation import gettext

    others = other_township_officers(township_id, entered_by_id)
    county_acts = not others and CandidatePolicy.load().county_acts_for_lone_officer
    if user.role == Role.COUNTY:
        if county_acts:
            return "", True
        if others:
            names = "、".join(str(u) for u in others[:3])
            return gettext("%(stage)s由乡镇（街道）录入人以外的工作人员办理（%(names)s）。") % {
                "stage": stage,
                "names": names,
            }, False
        return gettext(
            "%(stage)s由乡镇（街道）办理。该乡镇只有一名工作人员：可在“后备干部工作设置”中开启"
            "由县委组织部代办，或为其增设工作人员。"
        ) % {"stage": stage}, False
    if entered_by_id is not None and user.pk == entered_by_id:
        if others:
            names = "、".join(str(u) for u in others[:3])
            return gettext(
                "%(own)s：%(stage)s须由本乡镇（街道）另一名工作人员办理（%(names)s）。"
            ) % {"own": own, "stage": stage, "names": names}, False
        if county_acts:
            return gettext(
                "%(own)s。本乡镇（街道）只有您一名工作人员，按全县设置，"
                "%(stage)s由县委组织部代为办理。"
            ) % {"own": own, "stage": stage}, True
        return gettext(
            "%(own)s，而本乡镇（街道）没有第二名工作人员：请县委组织部为本乡镇增设工作人员，"
            "或在“后备干部工作设置”中开启由县委组织部代办。"
        ) % {"own": own}, False
    return "", False


# --- Village posts and incumbents (村"两委"岗位与现任干部) --------------------------------------


class PostKind(models.TextChoices):
    SECRETARY = "secretary", _("村党组织书记")
    DEPUTY_SECRETARY = "deputy_secretary", _("村党组织副书记")
    PARTY_MEMBER = "party_member", _("村党组织委员")
    DIRECTOR = "director", _("村委会主任")
    DEPUTY_DIRECTOR = "deputy_director", _("村委会副主任")
    COMMITTEE_MEMBER = "committee_member", _("村委会委员")


PARTY_POSTS = frozenset({PostKind.SECRETARY, PostKind.DEPUTY_SECRETARY, PostKind.PARTY_MEMBER})
POST_ORDER = {kind: i for i, kind in enumerate(PostKind.values)}


def _township_scope(user: User, field: str) -> Q | None:
    """Q limiting rows whose township is reached through `field` to what `user` may see.

    None means no limit (county officers and leaders); an impossible Q means nothing."""
    if not user.is_authenticated:
        return Q(pk__in=[])
    if user.role in (Role.COUNTY, Role.LEADER):
        return None
    if user.role == Role.TOWNSHIP and user.township_id:
        return Q(**{field: user.township_id})
    return Q(pk__in=[])


class ScopedQuerySet(models.QuerySet):
    township_field = "township_id"

    def in_scope(self, user: User):
        q = _township_scope(user, self.township_field)
        return self if q is None else self.filter(q)


class VillagePostQuerySet(ScopedQuerySet):
    township_field = "village__township_id"

    def in_village(self, village: Village) -> VillagePostQuerySet:
        return self.filter(village=village)

    def with_coverage(
        self, policy: CandidatePolicy, today: date | None = None
    ) -> VillagePostQuerySet:
        """Annotate each post with its active reserves against the required number, whether it
        has an incumbent, and whether that incumbent is near retirement age (一职双备)."""
        today = today or timezone.localdate()
        reserves = (
            PoolMembership.posts.through.objects.filter(
                villagepost_id=OuterRef("pk"), poolmembership__left_on__isnull=True
            )
            .values("villagepost_id")
            .annotate(n=Count("pk"))
            .values("n")
        )
        active = Incumbency.objects.active(today).filter(post_id=OuterRef("pk"))
        retiring_born_by = years_before(today, policy.retirement_watch_age)
        return self.annotate(
            reserve_count=Coalesce(Subquery(reserves, output_field=models.IntegerField()), 0),
            required=Coalesce("reserves_required", Value(policy.reserves_per_post)),
            has_incumbent=Exists(active),
            incumbent_retiring=Exists(active.filter(person__birth_date__lte=retiring_born_by)),
        )

    def coverage_summary(self, *group_by: str):
        """One row per `group_by` value (or one row overall) with the coverage figures; call
        on `with_coverage()`."""
        figures = {
            "posts": Count("pk"),
            "reserves": Coalesce(Sum("reserve_count"), 0),
            "required_total": Coalesce(Sum("required"), 0),
            "shortfall": Coalesce(Sum(Greatest(F("required") - F("reserve_count"), Value(0))), 0),
            "no_reserve": Count("pk", filter=Q(reserve_count=0)),
            "below_target": Count("pk", filter=Q(reserve_count__lt=F("required"))),
            "vacant": Count("pk", filter=Q(has_incumbent=False)),
            "retiring_uncovered": Count("pk", filter=Q(incumbent_retiring=True, reserve_count=0)),
        }
        if not group_by:
            return self.aggregate(**figures)
        return self.values(*group_by).annotate(**figures).order_by(*group_by)


def post_label(kind: str, seat: int) -> str:
    """A village post's name, the same on every page: 村委会委员1, 村委会委员2, 村党组织书记 (the
    seat is shown for the member posts, which come several to a village, and any second seat)."""
    label = str(PostKind(kind).label) if kind in PostKind.values else kind
    if seat > 1 or kind in (PostKind.PARTY_MEMBER, PostKind.COMMITTEE_MEMBER):
        label = f"{label}{seat}"
    return label


@audited
class VillagePost(models.Model):
    village = models.ForeignKey(
        Village, verbose_name=_("村（社区）"), on_delete=models.PROTECT, related_name="posts"
    )
    kind = models.CharField(_("岗位"), max_length=20, choices=PostKind.choices)
    seat = models.PositiveSmallIntegerField(
        _("席位"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("同一岗位有多名委员时区分席位"),
    )
    reserves_required = models.PositiveSmallIntegerField(
        _("需要后备人数"),
        null=True,
        blank=True,
        help_text=_("留空表示按全县统一标准（一职双备）"),
    )

    objects = VillagePostQuerySet.as_manager()

    class Meta:
        verbose_name = _("村级岗位")
        verbose_name_plural = _("村级岗位")
        ordering = ["village_id", "kind", "seat"]
        constraints = [
            models.UniqueConstraint(
                fields=["village", "kind", "seat"], name="village_post_unique_seat"
            )
        ]

    def __str__(self) -> str:
        return post_label(self.kind, self.seat)

    @property
    def is_party_post(self) -> bool:
        return self.kind in PARTY_POSTS

    def appointment_consequences(
        self, person: Person, on: date, *, end_reason: str, ends_other_posts: bool
    ) -> list[str]:
        """What appointing `person` on `on` will do, in the words the confirmation page lists."""
        from django.utils.translation import gettext

        lines = [
            gettext("%(name)s自%(on)s起任%(village)s%(post)s；")
            % {
                "name": person.name,
                "on": on.isoformat(),
                "village": self.village.name,
                "post": self,
            }
        ]
        current = (
            Incumbency.objects.filter(post=self, ended_on__isnull=True)
            .exclude(person=person)
            .select_related("person")
            .first()
        )
        if current is not None:
            lines.append(
                gettext("现任%(name)s同日离任，离任原因：%(reason)s；")
                % {"name": current.person.name, "reason": EndReason(end_reason).label}
            )
        if ends_other_posts:
            for held in (
                Incumbency.objects.filter(person=person, ended_on__isnull=True)
                .exclude(post=self)
                .select_related("post__village")
            ):
                lines.append(
                    gettext("其现任%(village)s%(post)s同日结束；")
                    % {"village": held.post.village.name, "post": held.post}
                )
        if PoolMembership.objects.active().filter(person=person).exists():
            lines.append(gettext("其后备干部身份结束，以“已提拔任用”出库。"))
        return lines

    def required_reserves(self, policy: CandidatePolicy | None = None) -> int:
        if self.reserves_required is not None:
            return self.reserves_required
        return (policy or CandidatePolicy.load()).reserves_per_post


class EndReason(models.TextChoices):
    ELECTION = "election", _("换届")
    ADJUSTMENT = "adjustment", _("调整")
    RESIGNATION = "resignation", _("辞职")
    DISMISSAL = "dismissal", _("免职")
    RETIREMENT = "retirement", _("退休")
    DEATH = "death", _("去世")
    OTHER = "other", _("其他")


class AppointedHow(models.TextChoices):
    ELECTION = "election", _("选举产生")
    SELECTION = "selection", _("选任")
    APPOINTMENT = "appointment", _("任命")
    EMPLOYMENT = "employment", _("聘用")


class IncumbencyQuerySet(ScopedQuerySet):
    township_field = "post__village__township_id"

    def active(self, on: date | None = None) -> IncumbencyQuerySet:
        """Incumbencies running on `on` (today when None)."""
        on = on or timezone.localdate()
        return self.filter(started_on__lte=on).filter(Q(ended_on__isnull=True) | Q(ended_on__gt=on))

    def holding_both_posts(self, on: date | None = None) -> IncumbencyQuerySet:
        """Active secretary incumbencies whose holder is also the same village's director
        (一肩挑)."""
        on = on or timezone.localdate()
        director = Incumbency.objects.active(on).filter(
            person_id=OuterRef("person_id"),
            post__village_id=OuterRef("post__village_id"),
            post__kind=PostKind.DIRECTOR,
        )
        return self.active(on).filter(post__kind=PostKind.SECRETARY).filter(Exists(director))


@audited
class Incumbency(models.Model):
    """A person holding a village post over a term (现任干部 while `ended_on` is empty)."""

    post = models.ForeignKey(
        VillagePost, verbose_name=_("岗位"), on_delete=models.PROTECT, related_name="incumbencies"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="incumbencies"
    )
    started_on = models.DateField(_("任职时间"))
    term_end = models.DateField(_("任期届满"), null=True, blank=True)
    ended_on = models.DateField(_("离任时间"), null=True, blank=True)
    end_reason = models.CharField(
        _("离任原因"), max_length=12, choices=EndReason.choices, blank=True
    )
    appointed_how = models.CharField(
        _("产生方式"), max_length=12, choices=AppointedHow.choices, default=AppointedHow.ELECTION
    )

    objects = IncumbencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("任职记录")
        verbose_name_plural = _("任职记录")
        ordering = ["post_id", "-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["post"],
                condition=Q(ended_on__isnull=True),
                name="incumbency_one_active_per_post",
            ),
            models.CheckConstraint(
                name="incumbency_ends_after_start",
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
            ),
            models.CheckConstraint(
                name="incumbency_ended_has_reason",
                condition=Q(ended_on__isnull=True) | ~Q(end_reason=""),
            ),
        ]
        indexes = [models.Index(fields=["person", "ended_on"])]

    def __str__(self) -> str:
        return f"{self.post} {self.person}"

    def is_active(self, on: date | None = None) -> bool:
        on = on or timezone.localdate()
        return self.started_on <= on and (self.ended_on is None or self.ended_on > on)


# --- Outreach to returnees (回引) --------------------------------------------------------------


class OutreachKind(models.TextChoices):
    RETURNEE_SYMPOSIUM = "returnee", _("返乡人员座谈会")
    PARTY_SYMPOSIUM = "party", _("党员座谈会")
    SAGE_SYMPOSIUM = "sage", _("乡贤座谈会")
    MASSES_SYMPOSIUM = "masses", _("群众代表座谈会")
    OTHER = "other", _("其他活动")


class Occasion(models.TextChoices):
    SPRING_FESTIVAL = "spring", _("春节")
    QINGMING = "qingming", _("清明")
    LABOUR_DAY = "may", _("五一")
    MID_AUTUMN = "autumn", _("中秋")
    NATIONAL_DAY = "october", _("国庆")
    OTHER = "other", _("其他")


class OutreachEventQuerySet(ScopedQuerySet):
    pass


@audited
class OutreachEvent(models.Model):
    township = models.ForeignKey(
        Township,
        verbose_name=_("乡镇（街道）"),
        on_delete=models.PROTECT,
        related_name="outreach_events",
    )
    kind = models.CharField(_("活动类型"), max_length=10, choices=OutreachKind.choices)
    occasion = models.CharField(
        _("节点"), max_length=10, choices=Occasion.choices, default=Occasion.SPRING_FESTIVAL
    )
    held_on = models.DateField(_("时间"))
    place = models.CharField(_("地点"), max_length=100, blank=True)
    hosted_by = models.CharField(_("主持人"), max_length=100, blank=True)
    policy_list_given = models.BooleanField(_("发放返乡创业优惠政策清单"), default=False)
    offered = limited_text(_("宣讲与承诺事项"), blank=True)
    note = limited_text(_("备注"), blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", verbose_name=_("录入人")
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    objects = OutreachEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("回引活动")
        verbose_name_plural = _("回引活动")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.get_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("candidates:outreach_event", args=[self.pk])


class ContactKind(models.TextChoices):
    EVENT = "event", _("参加座谈会")
    HOME_VISIT = "home", _("上门走访")
    PHONE_VISIT = "phone", _("电话联系")
    ONLINE = "online", _("微信/网络联系")


class Response(models.TextChoices):
    WILLING_RETURN = "return", _("愿意返乡")
    WILLING_SERVE = "serve", _("愿意到村任职")
    WILLING_BUSINESS = "business", _("愿意返乡创业")
    CONSIDERING = "considering", _("考虑中")
    DECLINED = "declined", _("婉拒")


POSITIVE_RESPONSES = frozenset(
    {Response.WILLING_RETURN, Response.WILLING_SERVE, Response.WILLING_BUSINESS}
)


class OutreachContactQuerySet(ScopedQuerySet):
    def follow_ups_due(self, on: date | None = None) -> OutreachContactQuerySet:
        on = on or timezone.localdate()
        return self.filter(follow_up_on__lte=on, follow_up_done=False)


@audited
class OutreachContact(models.Model):
    """One person reached: as an attendee of an event, or by a home or phone visit."""

    township = models.ForeignKey(
        Township, verbose_name=_("乡镇（街道）"), on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="outreach_contacts"
    )
    event = models.ForeignKey(
        OutreachEvent,
        verbose_name=_("活动"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="contacts",
    )
    kind = models.CharField(_("方式"), max_length=10, choices=ContactKind.choices)
    contacted_on = models.DateField(_("时间"))
    contacted_by = models.CharField(_("走访人"), max_length=100, blank=True)
    policy_list_given = models.BooleanField(_("发放政策清单"), default=False)
    offered = limited_text(_("宣讲与承诺事项"), blank=True)
    response = models.CharField(_("本人态度"), max_length=12, choices=Response.choices, blank=True)
    follow_up_on = models.DateField(_("下次跟进日期"), null=True, blank=True)
    follow_up_done = models.BooleanField(_("已跟进"), default=False)
    note = limited_text(_("备注"), blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = OutreachContactQuerySet.as_manager()

    class Meta:
        verbose_name = _("走访联系记录")
        verbose_name_plural = _("走访联系记录")
        ordering = ["-contacted_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person"],
                condition=Q(event__isnull=False),
                name="outreach_one_attendance_per_event",
            ),
            models.CheckConstraint(
                name="outreach_event_contact_has_event",
                condition=~Q(kind="event") | Q(event__isnull=False),
            ),
        ]
        indexes = [models.Index(fields=["person", "contacted_on"])]

    def __str__(self) -> str:
        return f"{self.person} {self.get_kind_display()} {self.contacted_on}"


class HomecomingQuerySet(ScopedQuerySet):
    pass


@audited
class Homecoming(models.Model):
    """The date an out-migrant actually came back (返乡)."""

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="homecomings"
    )
    returned_on = models.DateField(_("返乡时间"))
    plan = models.CharField(_("返乡后去向"), max_length=200, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = HomecomingQuerySet.as_manager()

    class Meta:
        verbose_name = _("返乡记录")
        verbose_name_plural = _("返乡记录")
        ordering = ["-returned_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "returned_on"], name="homecoming_once_per_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.returned_on}"


# --- Township leadership members (实名推荐 quotas) ----------------------------------------------


class TownshipLeaderQuerySet(ScopedQuerySet):
    def current(self) -> TownshipLeaderQuerySet:
        return self.filter(is_active=True)


@audited
class TownshipLeader(models.Model):
    """A member of a township's leadership group, who must recommend 1-2 people a year."""

    township = models.ForeignKey(
        Township, verbose_name=_("乡镇（街道）"), on_delete=models.PROTECT, related_name="leaders"
    )
    name = models.CharField(_("姓名"), max_length=50)
    position = models.CharField(_("职务"), max_length=50)
    is_active = models.BooleanField(_("在任"), default=True)

    objects = TownshipLeaderQuerySet.as_manager()

    class Meta:
        verbose_name = _("乡镇领导班子成员")
        verbose_name_plural = _("乡镇领导班子成员")
        ordering = ["township_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["township", "name", "position"], name="township_leader_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.position} {self.name}"


# --- Screening checklists (双十清单) ------------------------------------------------------------


class ChecklistQuerySet(models.QuerySet):
    def in_force(self, on: date | None = None) -> Checklist | None:
        """The version in force on `on`: the latest that took effect by then. A county with no
        checklist at all (a fresh or flushed database) gets the defaults first."""
        from candidates import defaults

        on = on or timezone.localdate()
        found = self.filter(effective_from__lte=on).order_by("-effective_from", "-version").first()
        if found is None and not Checklist.objects.exists():
            found = defaults.install(Checklist, ChecklistItem, PostRequirement)
        return found


@audited
class Checklist(models.Model):
    """A version of the county's qualification conditions and negative list."""

    version = models.PositiveSmallIntegerField(_("版本号"), unique=True)
    title = models.CharField(_("名称"), max_length=100)
    effective_from = models.DateField(_("施行日期"))
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ChecklistQuerySet.as_manager()

    class Meta:
        verbose_name = _("资格审查清单")
        verbose_name_plural = _("资格审查清单")
        ordering = ["-effective_from", "-version"]

    def __str__(self) -> str:
        return f"{self.title}（第{self.version}版）"


class ItemKind(models.TextChoices):
    QUALIFICATION = "qualification", _("资格条件")
    NEGATIVE = "negative", _("负面清单")


class Rule(models.TextChoices):
    """How a check is decided: from the data (automatic) or by a reviewer (manual)."""

    MANUAL = "manual", _("人工核查")
    AGE = "age", _("年龄符合岗位要求")
    EDUCATION = "education", _("学历符合岗位要求")
    PARTY = "party", _("党组织岗位须为党员")
    RESIDENCE = "residence", _("户籍或居住地在本乡镇")


@audited
class ChecklistItem(models.Model):
    checklist = models.ForeignKey(
        Checklist, on_delete=models.CASCADE, related_name="items", verbose_name=_("清单")
    )
    kind = models.CharField(_("类别"), max_length=14, choices=ItemKind.choices)
    number = models.PositiveSmallIntegerField(_("序号"))
    text = models.CharField(_("内容"), max_length=300)
    rule = models.CharField(_("核查方式"), max_length=10, choices=Rule.choices, default=Rule.MANUAL)

    class Meta:
        verbose_name = _("清单条目")
        verbose_name_plural = _("清单条目")
        ordering = ["checklist_id", "kind", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["checklist", "kind", "number"], name="checklist_item_unique_number"
            ),
            models.CheckConstraint(
                name="checklist_negative_items_are_manual",
                condition=Q(kind="qualification") | Q(rule="manual"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}{self.number}：{self.text}"

    @property
    def is_automatic(self) -> bool:
        return self.rule != Rule.MANUAL


@audited
class PostRequirement(models.Model):
    """What a checklist version asks of candidates for one kind of post."""

    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="requirements")
    post_kind = models.CharField(_("岗位"), max_length=20, choices=PostKind.choices)
    min_age = models.PositiveSmallIntegerField(_("最小年龄"), default=18)
    max_age = models.PositiveSmallIntegerField(_("最大年龄"), default=45)
    min_education = models.CharField(
        _("最低学历"),
        max_length=2,
        choices=codes.Education.choices,
        default=codes.Education.HIGH_SCHOOL,
    )

    class Meta:
        verbose_name = _("岗位条件")
        verbose_name_plural = _("岗位条件")
        constraints = [
            models.UniqueConstraint(
                fields=["checklist", "post_kind"], name="post_requirement_unique"
            ),
            models.CheckConstraint(
                name="post_requirement_age_order", condition=Q(min_age__lte=models.F("max_age"))
            ),
        ]

    def __str__(self) -> str:
        return self.get_post_kind_display()


# --- Nominations (推荐) and their review (三级联审) --------------------------------------------


class Channel(models.TextChoices):
    ORGANIZATION = "organization", _("组织推荐")
    MASSES = "masses", _("群众推荐")
    PARTY_MEMBERS = "party_members", _("党员推荐")
    MASS_ORGANIZATIONS = "mass_org", _("群团推荐")
    SELF = "self", _("个人自荐")
    LEADER = "leader", _("乡镇领导实名推荐")
    JOINT = "joint", _("联名推荐")


class Status(models.TextChoices):
    SCREENING = "screening", _("资格审查")
    VILLAGE = "village", _("村级评议")
    TOWNSHIP = "township", _("乡镇初审")
    COUNTY = "county", _("县级联审")
    APPROVED = "approved", _("审查通过，待入库")
    POOLED = "pooled", _("已入库")
    DISQUALIFIED = "disqualified", _("资格审查未通过")
    REJECTED = "rejected", _("未通过")
    WITHDRAWN = "withdrawn", _("已撤回")


OPEN_STATUSES = frozenset({Status.SCREENING, Status.VILLAGE, Status.TOWNSHIP, Status.COUNTY})
REVIEW_STAGES = (Status.SCREENING, Status.VILLAGE, Status.TOWNSHIP, Status.COUNTY)


class Decision(models.TextChoices):
    SUBMIT = "submit", _("提交推荐")
    PASS = "pass", _("通过")
    SEND_BACK = "send_back", _("退回")
    REJECT = "reject", _("不通过")
    DISQUALIFY = "disqualify", _("终止（资格审查）")
    ENTER_POOL = "enter_pool", _("入库")
    WITHDRAW = "withdraw", _("撤回")


# (from status, decision) -> to status. The only transitions there are.
TRANSITIONS: dict[tuple[str, str], str] = {
    (Status.SCREENING, Decision.PASS): Status.VILLAGE,
    (Status.SCREENING, Decision.DISQUALIFY): Status.DISQUALIFIED,
    (Status.SCREENING, Decision.WITHDRAW): Status.WITHDRAWN,
    (Status.VILLAGE, Decision.PASS): Status.TOWNSHIP,
    (Status.VILLAGE, Decision.SEND_BACK): Status.SCREENING,
    (Status.VILLAGE, Decision.REJECT): Status.REJECTED,
    (Status.VILLAGE, Decision.WITHDRAW): Status.WITHDRAWN,
    (Status.TOWNSHIP, Decision.PASS): Status.COUNTY,
    (Status.TOWNSHIP, Decision.SEND_BACK): Status.VILLAGE,
    (Status.TOWNSHIP, Decision.REJECT): Status.REJECTED,
    (Status.COUNTY, Decision.PASS): Status.APPROVED,
    (Status.COUNTY, Decision.SEND_BACK): Status.TOWNSHIP,
    (Status.COUNTY, Decision.REJECT): Status.REJECTED,
    # A negative-list hit found at any open stage stops the nomination.
    (Status.VILLAGE, Decision.DISQUALIFY): Status.DISQUALIFIED,
    (Status.TOWNSHIP, Decision.DISQUALIFY): Status.DISQUALIFIED,
    (Status.COUNTY, Decision.DISQUALIFY): Status.DISQUALIFIED,
    (Status.APPROVED, Decision.ENTER_POOL): Status.POOLED,
}


class NominationQuerySet(ScopedQuerySet):
    def open(self) -> NominationQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def at_stage(self, status: str) -> NominationQuerySet:
        return self.filter(status=status)

    def for_year(self, year: int) -> NominationQuerySet:
        return self.filter(year=year)

    def actionable_by(self, user: User) -> NominationQuerySet:
        """The nominations waiting for `user` to act (their review queue)."""
        if user.role == Role.COUNTY:
            return self.filter(status=Status.COUNTY).exclude(created_by=user)
        if user.role == Role.TOWNSHIP:
            return self.in_scope(user).filter(
                Q(status__in=[Status.SCREENING, Status.VILLAGE])
                | (Q(status=Status.TOWNSHIP) & ~Q(created_by=user))
            )
        return self.none()


@audited
class Nomination(models.Model):
    """One recommendation of a person for a village post in a year, moving through screening
    and the three-level review. `status` changes only through `candidates.actions`."""

    person = models.ForeignKey(
        Person, verbose_name=_("被推荐人"), on_delete=models.PROTECT, related_name="nominations"
    )
    township = models.ForeignKey(
        Township,
        verbose_name=_("乡镇（街道）"),
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    village = models.ForeignKey(
        Village,
        verbose_name=_("拟任村（社区）"),
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    post_kind = models.CharField(_("拟任岗位"), max_length=20, choices=PostKind.choices)
    year = models.PositiveSmallIntegerField(
        _("年度"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    channel = models.CharField(_("推荐方式"), max_length=14, choices=Channel.choices)
    co_signers = models.PositiveSmallIntegerField(_("联名人数"), null=True, blank=True)
    leader = models.ForeignKey(
        TownshipLeader,
        verbose_name=_("实名推荐的乡镇领导"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nominations",
    )
    recommender_name = models.CharField(_("推荐人姓名"), max_length=100)
    recommender_position = models.CharField(_("推荐人职务（身份）"), max_length=100, blank=True)
    reason = limited_text(_("推荐理由"))
    status = models.CharField(
        _("状态"), max_length=14, choices=Status.choices, default=Status.SCREENING
    )
    checklist = models.ForeignKey(
        Checklist,
        verbose_name=_("审查清单版本"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="nominations",
    )
    created_by = models.ForeignKey(
        User, verbose_name=_("录入人"), on_delete=models.PROTECT, related_name="nominations_made"
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = NominationQuerySet.as_manager()

    class Meta:
        verbose_name = _("推荐")
        verbose_name_plural = _("推荐")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "year", "village", "post_kind"],
                name="nomination_once_per_post_and_year",
                violation_error_message=_("此人本年度已被推荐到该村同一岗位。"),
            ),
            models.CheckConstraint(
                name="nomination_leader_channel_names_leader",
                condition=~Q(channel="leader") | Q(leader__isnull=False),
            ),
            models.CheckConstraint(
                name="nomination_joint_channel_counts_signers",
                condition=~Q(channel="joint") | Q(co_signers__gte=2),
            ),
        ]
        indexes = [
            models.Index(fields=["township", "status"]),
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["leader", "year"]),
        ]

    def __str__(self) -> str:
        return f"{self.year}年 {self.person} → {self.village} {self.get_post_kind_display()}"

    def get_absolute_url(self) -> str:
        return reverse("candidates:nomination", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def allowed_decisions(self) -> list[str]:
        return [d for (s, d) in TRANSITIONS if s == self.status]

    def next_status(self, decision: str) -> str | None:
        return TRANSITIONS.get((self.status, decision))

    def refusal_for(self, user: User, decision: str) -> str:
        """Why `user` may not take `decision` now; "" when they may."""
        from django.utils.translation import gettext

        if self.next_status(decision) is None:
            return gettext("当前环节（%(status)s）不能执行“%(decision)s”。") % {
                "status": self.get_status_display(),
                "decision": Decision(decision).label,
            }
        if user.role == Role.TOWNSHIP:
            if user.township_id != self.township_id:
                return gettext("只能处理本乡镇（街道）的推荐。")
            if self.status == Status.COUNTY:
                return gettext("县级联审由县委组织部办理。")
            if self.status == Status.APPROVED:
                return gettext("入库由县委组织部办理。")
        elif user.role != Role.COUNTY:
            return gettext("您没有办理推荐审查的权限，推荐审查由乡镇（街道）和县委组织部办理。")
        elif self.status == Status.TOWNSHIP:
            # The county acts at the township stage only for a township with no second officer,
            # when the county's setting says so.
            refusal, _acts = second_pair_of_eyes(
                self.township_id,
                self.created_by_id,
                user,
                gettext("乡镇初审"),
                gettext("不能审批自己录入的推荐"),
            )
            if refusal:
                return refusal
        if decision == Decision.PASS and self.created_by_id == user.pk:
            if self.status == Status.TOWNSHIP:
                refusal, _acts = second_pair_of_eyes(
                    self.township_id,
                    self.created_by_id,
                    user,
                    gettext("乡镇初审"),
                    gettext("不能审批自己录入的推荐"),
                )
                return refusal
            if self.status == Status.COUNTY:
                return gettext("不能审批自己录入的推荐：县级联审须由县委组织部另一名工作人员办理。")
        return ""

    def can_decide(self, user: User) -> bool:
        """Whether `user` has any decision to take on this nomination now (for showing forms)."""
        return any(
            not self.refusal_for(user, d) for d in self.allowed_decisions() if d in FORM_DECISIONS
        )

    def screening_refusal(self, user: User) -> str:
        """Why `user` may not record screening checks now; "" when they may. The county checks
        at any open stage; a township officer up to the township stage, in their township."""
        from django.utils.translation import gettext

        if not self.is_open:
            return gettext("该推荐已结束（%(status)s），不能再修改审查记录。") % {
                "status": self.get_status_display()
            }
        if user.role == Role.TOWNSHIP:
            if user.township_id != self.township_id:
                return gettext("只能处理本乡镇（街道）的推荐。")
            if self.status == Status.COUNTY:
                return gettext("县级联审阶段由县委组织部核查。")
            return ""
        if user.role != Role.COUNTY:
            return gettext("您没有办理推荐审查的权限，推荐审查由乡镇（街道）和县委组织部办理。")
        return ""

    def evaluate(self, item: ChecklistItem, requirement: PostRequirement | None, today: date):
        """(result, evidence) of an automatic check on the registry's data as it is now."""
        from django.utils.translation import gettext

        person = self.person
        post = self.get_post_kind_display()
        if item.rule == Rule.AGE:
            if requirement is None:
                return CheckResult.PENDING, gettext("清单未规定该岗位的年龄要求，请人工核查。")
            age = person.age(today)
            ok = requirement.min_age <= age <= requirement.max_age
            return _result(ok), gettext("%(age)s岁（%(post)s要求%(lo)s-%(hi)s岁）") % {
                "age": age,
                "post": post,
                "lo": requirement.min_age,
                "hi": requirement.max_age,
            }
        if item.rule == Rule.EDUCATION:
            if requirement is None:
                return CheckResult.PENDING, gettext("清单未规定该岗位的学历要求，请人工核查。")
            wanted = codes.Education(requirement.min_education).label
            if not person.education:
                return CheckResult.PROBLEM, gettext(
                    "人才信息库未登记学历（要求%(wanted)s及以上），请先补充。"
                ) % {"wanted": wanted}
            ok = codes.education_rank(person.education) >= codes.education_rank(
                requirement.min_education
            )
            return _result(ok), gettext("学历%(has)s（要求%(wanted)s及以上）") % {
                "has": person.get_education_display(),
                "wanted": wanted,
            }
        if item.rule == Rule.PARTY:
            if self.post_kind not in PARTY_POSTS:
                return CheckResult.OK, gettext("%(post)s不要求党员身份") % {"post": post}
            ok = person.political_status in codes.PARTY_MEMBER
            return _result(ok), gettext("政治面貌：%(status)s（%(post)s须为中共党员）") % {
                "status": person.get_political_status_display() or gettext("未登记"),
                "post": post,
            }
        if item.rule == Rule.RESIDENCE:
            ok = person.township_id == self.township_id
            return _result(ok), gettext("户籍：%(township)s %(village)s；现状：%(residence)s") % {
                "township": person.township.name,
                "village": person.village_label,
                "residence": person.get_residence_display(),
            }
        return CheckResult.PENDING, ""


def _result(ok: bool) -> str:
    return CheckResult.OK if ok else CheckResult.PROBLEM


# The decisions a reviewer picks in the decision form; the others have pages of their own.
FORM_DECISIONS = (Decision.PASS, Decision.SEND_BACK, Decision.REJECT, Decision.WITHDRAW)


@audited
class NominationAttachment(models.Model):
    """A scanned form or letter. Stored under MEDIA_ROOT with a server-made name and only ever
    streamed through a scoped view."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to="candidates/attachments/%Y/", max_length=200)
    original_name = models.CharField(_("原文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("推荐附件")
        verbose_name_plural = _("推荐附件")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @staticmethod
    def storage_name(original_name: str) -> str:
        """A name the server chooses; only the lower-cased extension survives from the upload."""
        suffix = PurePosixPath(original_name).suffix.lower()[:10]
        return f"{uuid.uuid4().hex}{suffix}"


class CheckResult(models.TextChoices):
    PENDING = "pending", _("待核查")
    OK = "ok", _("符合")
    PROBLEM = "problem", _("不符合")


@audited
class ScreeningCheck(models.Model):
    """One checklist item for one nomination. For a negative-list item, PROBLEM means a hit."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="checks")
    item = models.ForeignKey(ChecklistItem, on_delete=models.PROTECT, related_name="+")
    result = models.CharField(
        _("结果"), max_length=8, choices=CheckResult.choices, default=CheckResult.PENDING
    )
    automatic = models.BooleanField(_("系统判定"), default=False)
    evidence = limited_text(_("核查依据"), blank=True)
    checked_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    checked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("资格审查记录")
        verbose_name_plural = _("资格审查记录")
        ordering = ["item__kind", "item__number"]
        constraints = [
            models.UniqueConstraint(fields=["nomination", "item"], name="screening_check_unique"),
            models.CheckConstraint(
                name="screening_manual_check_has_evidence",
                condition=Q(result="pending") | Q(automatic=True) | ~Q(evidence=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.get_result_display()}"


@audited
class ReviewEvent(models.Model):
    """One transition of a nomination: the state machine's own audit trail."""

    nomination = models.ForeignKey(
        Nomination, on_delete=models.PROTECT, related_name="review_events"
    )
    from_status = models.CharField(_("原环节"), max_length=14, choices=Status.choices, blank=True)
    to_status = models.CharField(_("新环节"), max_length=14, choices=Status.choices)
    decision = models.CharField(_("决定"), max_length=12, choices=Decision.choices)
    actor = models.ForeignKey(
        User, verbose_name=_("办理人"), on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField(_("日期"))
    note = limited_text(_("意见"), blank=True)
    # The village stage: what party members and villagers said (村级评议).
    party_members_heard = models.PositiveIntegerField(_("征求党员意见人数"), null=True, blank=True)
    party_member_views = limited_text(_("党员意见"), blank=True)
    villagers_heard = models.PositiveIntegerField(_("征求群众意见人数"), null=True, blank=True)
    villager_views = limited_text(_("群众意见"), blank=True)
    # The nomination's version after this transition: how a repeated or racing decision is told
    # apart from a fresh one.
    version = models.PositiveIntegerField(_("版本"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("审查记录")
        verbose_name_plural = _("审查记录")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["actor", "created_at"])]

    def __str__(self) -> str:
        return f"{self.get_from_status_display()} → {self.get_to_status_display()}"


class Department(models.TextChoices):
    DISCIPLINE = "discipline", _("纪委监委")
    POLICE = "police", _("公安")
    COURT = "court", _("法院")
    PROCURATORATE = "procuratorate", _("检察院")
    PETITION = "petition", _("信访")
    JUSTICE = "justice", _("司法")
    MARKET = "market", _("市场监管")
    TAX = "tax", _("税务")
    HEALTH = "health", _("卫生健康")
    UNITED_FRONT = "united_front", _("统战")
    OTHER = "other", _("其他")


class Answer(models.TextChoices):
    PENDING = "pending", _("待回复")
    CLEAR = "clear", _("无问题")
    ISSUE = "issue", _("有问题")


@audited
class Consultation(models.Model):
    """A department asked during the county joint review (联审) and its answer."""

    nomination = models.ForeignKey(
        Nomination, on_delete=models.CASCADE, related_name="consultations"
    )
    department = models.CharField(_("部门"), max_length=14, choices=Department.choices)
    asked_on = models.DateField(_("征求日期"))
    answer = models.CharField(
        _("回复"), max_length=8, choices=Answer.choices, default=Answer.PENDING
    )
    answered_on = models.DateField(_("回复日期"), null=True, blank=True)
    note = limited_text(_("回复内容"), blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("联审部门意见")
        verbose_name_plural = _("联审部门意见")
        ordering = ["nomination_id", "department"]
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "department"], name="consultation_once_per_department"
            ),
            models.CheckConstraint(
                name="consultation_answer_has_date",
                condition=Q(answer="pending") | Q(answered_on__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_department_display()} {self.get_answer_display()}"


# --- Selection (考试、考察, 公推公选) -----------------------------------------------------------


class AssessmentKind(models.TextChoices):
    EXAM = "exam", _("笔试")
    INTERVIEW = "interview", _("面试")
    INSPECTION = "inspection", _("考察")


@audited
class Assessment(models.Model):
    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="assessments")
    kind = models.CharField(_("类型"), max_length=10, choices=AssessmentKind.choices)
    held_on = models.DateField(_("日期"))
    score = models.DecimalField(_("得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    max_score = models.DecimalField(_("满分"), max_digits=5, decimal_places=1, default=100)
    conclusion = limited_text(_("结论"), blank=True)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("考试考察")
        verbose_name_plural = _("考试考察")
        ordering = ["held_on", "id"]
        constraints = [
            models.CheckConstraint(
                name="assessment_score_in_range",
                condition=Q(score__isnull=True)
                | (Q(score__gte=0) & Q(score__lte=models.F("max_score"))),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on}"


class AssemblyQuerySet(ScopedQuerySet):
    township_field = "village__township_id"


@audited
class Assembly(models.Model):
    """A public nomination and election assembly (公推公选大会)."""

    village = models.ForeignKey(
        Village, verbose_name=_("村（社区）"), on_delete=models.PROTECT, related_name="assemblies"
    )
    held_on = models.DateField(_("大会日期"))
    announced_on = models.DateField(_("公告日期"), null=True, blank=True)
    cadres_present = models.PositiveSmallIntegerField(_("村干部到会人数"), default=0)
    party_members_present = models.PositiveSmallIntegerField(_("党员到会人数"), default=0)
    council_members_present = models.PositiveSmallIntegerField(
        _("村务监督委员会成员到会人数"), default=0
    )
    representatives_present = models.PositiveSmallIntegerField(_("村民代表到会人数"), default=0)
    speeches_note = limited_text(_("竞职演讲情况"), blank=True, max_length=LONG_TEXT_MAX_LENGTH)
    qa_note = limited_text(_("现场答辩情况"), blank=True, max_length=LONG_TEXT_MAX_LENGTH)
    result_note = limited_text(_("推选结果"), blank=True, max_length=LONG_TEXT_MAX_LENGTH)
    approved_on = models.DateField(_("乡镇党委审批日期"), null=True, blank=True)
    approval_note = limited_text(_("乡镇党委审批意见"), blank=True, max_length=LONG_TEXT_MAX_LENGTH)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssemblyQuerySet.as_manager()

    class Meta:
        verbose_name = _("公推公选大会")
        verbose_name_plural = _("公推公选大会")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.village} {self.held_on}"

    def get_absolute_url(self) -> str:
        return reverse("candidates:assembly", args=[self.pk])

    @property
    def attendance(self) -> int:
        return (
            self.cadres_present
            + self.party_members_present
            + self.council_members_present
            + self.representatives_present
        )


@audited
class AssemblyCandidate(models.Model):
    assembly = models.ForeignKey(Assembly, on_delete=models.CASCADE, related_name="candidates")
    nomination = models.ForeignKey(
        Nomination, on_delete=models.PROTECT, related_name="assembly_entries"
    )
    speech_note = limited_text(_("演讲与答辩"), blank=True)
    votes = models.PositiveIntegerField(_("得票数"), null=True, blank=True)
    elected = models.BooleanField(_("推选为后备"), default=False)

    class Meta:
        verbose_name = _("大会候选人")
        verbose_name_plural = _("大会候选人")
        ordering = ["assembly_id", "-votes", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assembly", "nomination"], name="assembly_candidate_once"
            )
        ]

    def __str__(self) -> str:
        return str(self.nomination_id)


# --- The reserve pool (后备干部库) --------------------------------------------------------------


class PoolCategory(models.TextChoices):
    SECRETARY = "secretary", _("书记后备")
    DIRECTOR = "director", _("主任后备")
    MEMBER = "member", _("委员后备")


class PoolLevel(models.TextChoices):
    COUNTY = "county", _("县级")
    TOWNSHIP = "township", _("乡镇级")
    VILLAGE = "village", _("村级")


class Readiness(models.TextChoices):
    NOW = "now", _("可即时使用")
    SOON = "soon", _("1-2年内可用")
    LATER = "later", _("长期培养")


class LeaveReason(models.TextChoices):
    UNFIT = "unfit", _("考核不合格")
    MOVED = "moved", _("迁出/外出")
    OWN_REQUEST = "own_request", _("本人申请")
    PROMOTED = "promoted", _("已提拔任用")
    OTHER = "other", _("其他")


def category_for_post(kind: str) -> str:
    if kind == PostKind.SECRETARY:
        return PoolCategory.SECRETARY
    if kind == PostKind.DIRECTOR:
        return PoolCategory.DIRECTOR
    return PoolCategory.MEMBER


class PoolMembershipQuerySet(ScopedQuerySet):
    township_field = "village__township_id"

    def active(self, on: date | None = None) -> PoolMembershipQuerySet:
        if on is None:
            return self.filter(left_on__isnull=True)
        return self.filter(entered_on__lte=on).filter(Q(left_on__isnull=True) | Q(left_on__gt=on))

    def in_village(self, village: Village) -> PoolMembershipQuerySet:
        return self.filter(village=village)

    def in_township(self, township: Township) -> PoolMembershipQuerySet:
        return self.filter(village__township=township)


@audited
class PoolMembership(models.Model):
    """A person's time in the reserve pool; leaving needs a date and a reason (能进能出)."""

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="pool_memberships"
    )
    village = models.ForeignKey(
        Village,
        verbose_name=_("拟任村（社区）"),
        on_delete=models.PROTECT,
        related_name="pool_memberships",
    )
    posts = models.ManyToManyField(
        VillagePost, verbose_name=_("拟任岗位"), blank=True, related_name="reserves"
    )
    category = models.CharField(_("后备类别"), max_length=10, choices=PoolCategory.choices)
    level = models.CharField(
        _("入库层级"), max_length=10, choices=PoolLevel.choices, default=PoolLevel.TOWNSHIP
    )
    readiness = models.CharField(
        _("成熟度"), max_length=6, choices=Readiness.choices, default=Readiness.SOON
    )
    entered_on = models.DateField(_("入库时间"))
    left_on = models.DateField(_("出库时间"), null=True, blank=True)
    leave_reason = models.CharField(
        _("出库原因"), max_length=12, choices=LeaveReason.choices, blank=True
    )
    leave_note = limited_text(_("出库说明"), blank=True)
    nomination = models.ForeignKey(
        Nomination,
        verbose_name=_("来源推荐"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pool_memberships",
    )
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = PoolMembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("后备干部")
        verbose_name_plural = _("后备干部库")
        ordering = ["village_id", "category", "entered_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(left_on__isnull=True),
                name="pool_one_active_membership_per_person",
                violation_error_message=_("此人已在后备干部库中。"),
            ),
            models.CheckConstraint(
                name="pool_leaving_has_reason",
                condition=Q(left_on__isnull=True) | ~Q(leave_reason=""),
            ),
            models.CheckConstraint(
                name="pool_leaves_after_entering",
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("entered_on")),
            ),
        ]
        indexes = [
            models.Index(fields=["village", "left_on"]),
            models.Index(fields=["left_on", "category"]),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.get_category_display()}"

    def get_absolute_url(self) -> str:
        return reverse("candidates:member", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.left_on is None


# --- Village demand (村级需求清单) --------------------------------------------------------------


class Industry(models.TextChoices):
    ECOMMERCE = "ecommerce", _("电商")
    FARMING = "farming", _("种养殖")
    TOURISM = "tourism", _("乡村旅游")
    PROCESSING = "processing", _("农产品加工")
    LOGISTICS = "logistics", _("物流")
    CONSTRUCTION = "construction", _("建筑")
    MANAGEMENT = "management", _("企业经营管理")
    FINANCE = "finance", _("财务会计")
    HEALTH = "health", _("医疗卫生")
    EDUCATION = "education", _("教育")
    GOVERNANCE = "governance", _("基层治理")


# Words that, found in a person's 行业及单位 or 技能特长, show experience of an industry.
INDUSTRY_KEYWORDS: dict[str, tuple[str, ...]] = {
    Industry.ECOMMERCE: ("电商", "电子商务", "网店", "直播", "淘宝", "网络销售", "带货"),
    Industry.FARMING: ("种植", "养殖", "农业", "合作社", "果园", "茶", "蔬菜", "畜牧", "水产"),
    Industry.TOURISM: ("旅游", "民宿", "农家乐", "酒店", "餐饮", "景区"),
    Industry.PROCESSING: ("加工", "食品", "制造", "工厂"),
    Industry.LOGISTICS: ("物流", "快递", "运输", "仓储"),
    Industry.CONSTRUCTION: ("建筑", "工程", "装修", "施工"),
    Industry.MANAGEMENT: ("经理", "管理", "老板", "个体", "公司", "企业主"),
    Industry.FINANCE: ("会计", "财务", "出纳", "金融", "银行"),
    Industry.HEALTH: ("医", "护士", "卫生", "药"),
    Industry.EDUCATION: ("教师", "教育", "培训", "学校"),
    Industry.GOVERNANCE: ("网格", "社区", "村干部", "调解", "志愿"),
}


class DemandQuerySet(ScopedQuerySet):
    township_field = "village__township_id"

    def open(self) -> DemandQuerySet:
        return self.filter(is_open=True)


@audited
class VillageDemand(models.Model):
    """What a village needs (村级需求清单), matched against the talent supply."""

    village = models.ForeignKey(
        Village, verbose_name=_("村（社区）"), on_delete=models.PROTECT, related_name="demands"
    )
    title = models.CharField(_("需求"), max_length=100)
    industries = ArrayField(
        models.CharField(max_length=14, choices=Industry.choices),
        verbose_name=_("产业方向"),
        default=list,
        blank=True,
    )
    skills = models.CharField(
        _("技能关键词"), max_length=200, blank=True, help_text=_("多个关键词用空格或逗号分隔")
    )
    post = models.ForeignKey(
        VillagePost,
        verbose_name=_("拟补充岗位"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="demands",
    )
    max_age = models.PositiveSmallIntegerField(_("年龄上限"), null=True, blank=True)
    min_education = models.CharField(
        _("最低学历"), max_length=2, choices=codes.Education.choices, blank=True
    )
    party_member_required = models.BooleanField(_("须为党员"), default=False)
    note = limited_text(_("说明"), blank=True)
    is_open = models.BooleanField(_("未满足"), default=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DemandQuerySet.as_manager()

    class Meta:
        verbose_name = _("村级需求")
        verbose_name_plural = _("村级需求清单")
        ordering = ["village_id", "-created_at"]

    def __str__(self) -> str:
        return f"{self.village} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("candidates:demand", args=[self.pk])

    @property
    def industry_labels(self) -> list[str]:
        return [str(Industry(key).label) for key in self.industries if key in Industry.values]

    def skill_words(self) -> list[str]:
        import re

        return [w for w in re.split(r"[\s,，、;；]+", self.skills) if w][:8]
