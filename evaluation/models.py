"""Stages 9-10 of the pipeline: periodic reviews of the reserve pool (定期"回头看", 年度考核),
the proposals they lead to, and each person's career steps after promotion (选拔任用).

Scope: a review round covers the county or one township; every other row reaches a township
directly. `in_scope(user)` on each QuerySet is the one place rows are scoped.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db import models
from django.db.models import Case, F, FloatField, OuterRef, Q, Value, When
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from candidates.models import PoolMembership, ScopedQuerySet, VillagePost
from talentpool.audit import audited
from talentpool.models import Person, Role, Township, User, Village
from talentpool.text import LONG_TEXT_MAX_LENGTH, limited_text

# --- Review rounds (考核轮次) -------------------------------------------------------------------


class Period(models.TextChoices):
    QUARTER = "quarter", _("季度")
    HALF_YEAR = "half_year", _("半年")
    YEAR = "year", _("年度")


class Scoring(models.TextChoices):
    SCORE = "score", _("百分制（0-100分）")
    GRADE = "grade", _("等次（好、较好、一般、差）")


class Grade(models.TextChoices):
    GOOD = "A", _("好")
    FAIRLY_GOOD = "B", _("较好")
    FAIR = "C", _("一般")
    POOR = "D", _("差")


# Points a grade stands for when grades and scores are averaged together (the calibration
# table and the talent grid compare townships on one scale).
GRADE_POINTS = {"A": 95, "B": 82, "C": 68, "D": 50}


class Conclusion(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    COMPETENT = "competent", _("称职")
    BASIC = "basic", _("基本称职")
    INCOMPETENT = "incompetent", _("不称职")


CONCLUSION_ORDER = [c.value for c in Conclusion]

DEFAULT_DIMENSIONS = [
    {"key": "political", "label": "思想政治"},
    {"key": "ability", "label": "履职能力"},
    {"key": "style", "label": "工作作风"},
    {"key": "reputation", "label": "群众口碑"},
]


def default_dimensions() -> list[dict]:
    return [dict(d) for d in DEFAULT_DIMENSIONS]


class ReviewRoundQuerySet(models.QuerySet):
    def in_scope(self, user: User) -> ReviewRoundQuerySet:
        """County-wide rounds and, for a township officer, their own township's."""
        if not user.is_authenticated:
            return self.none()
        if user.role in (Role.COUNTY, Role.LEADER):
            return self.all()
        if user.role == Role.TOWNSHIP and user.township_id:
            return self.filter(Q(township__isnull=True) | Q(township_id=user.township_id))
        return self.none()

    def covering(self, township_id: int) -> ReviewRoundQuerySet:
        return self.filter(Q(township__isnull=True) | Q(township_id=township_id))


@audited
class ReviewRound(models.Model):
    """One periodic review (一次"回头看"或年度考核) of the active reserves in its scope."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    period = models.CharField(_("周期"), max_length=10, choices=Period.choices)
    starts_on = models.DateField(_("考核期起"))
    ends_on = models.DateField(_("考核期止"))
    due_on = models.DateField(
        _("乡镇提交截止日期"), null=True, blank=True, help_text=_("留空表示不设截止日期")
    )
    township = models.ForeignKey(
        Township,
        verbose_name=_("考核范围"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="review_rounds",
        help_text=_("留空表示全县"),
    )
    scoring = models.CharField(
        _("评分方式"), max_length=10, choices=Scoring.choices, default=Scoring.SCORE
    )
    dimensions = models.JSONField(_("考核维度"), default=default_dimensions)
    remove_after_two_basic = models.BooleanField(_("连续两次基本称职建议调整出库"), default=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    objects = ReviewRoundQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核轮次")
        verbose_name_plural = _("考核轮次")
        ordering = ["-ends_on", "-id"]
        constraints = [
            models.CheckConstraint(
                name="review_round_ends_after_start",
                condition=Q(ends_on__gte=F("starts_on")),
                violation_error_message=_("考核期止不能早于考核期起。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("evaluation:round_detail", args=[self.pk])

    @property
    def scope_label(self) -> str:
        return self.township.name if self.township_id else str(_("全县"))

    @property
    def dimension_keys(self) -> list[str]:
        return [d["key"] for d in self.dimensions]

    def covers(self, township_id: int | None) -> bool:
        return self.township_id is None or self.township_id == township_id

    def points(self, value) -> Decimal | None:
        """One dimension's entry as points on the 0-100 scale."""
        if value in (None, ""):
            return None
        if self.scoring == Scoring.GRADE:
            return Decimal(GRADE_POINTS[value]) if value in GRADE_POINTS else None
        return Decimal(value)

    def overall(self, scores: dict) -> Decimal | None:
        """The mean of the dimensions' points, one decimal; None until every one is given."""
        points = [self.points(scores.get(key)) for key in self.dimension_keys]
        if not points or any(p is None for p in points):
            return None
        mean = sum(points) / len(points)
        return mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)

    def dimension_points(self, key: str) -> models.Expression:
        """SQL for one dimension's points of a review, for averages in the database."""
        if self.scoring == Scoring.GRADE:
            return Case(
                *[When(**{f"scores__{key}": g}, then=Value(p)) for g, p in GRADE_POINTS.items()],
                output_field=FloatField(),
            )
        return Cast(KeyTextTransform(key, "scores"), FloatField())


# --- Reviews (考核) -----------------------------------------------------------------------------


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")
    CONFIRMED = "confirmed", _("已确认")


class ReviewQuerySet(ScopedQuerySet):
    def confirmed(self) -> ReviewQuerySet:
        return self.filter(status=ReviewStatus.CONFIRMED)

    def latest_for_outer_membership(self) -> ReviewQuerySet:
        """The confirmed reviews of the membership of the outer query, newest round first: for
        Subquery(Review.objects.latest_for_outer_membership().values(field)[:1])."""
        return self.confirmed().filter(membership=OuterRef("pk")).order_by("-round__ends_on", "-pk")


@audited
class Review(models.Model):
    """One reserve's review in one round. Status changes only through `evaluation.actions`."""

    round = models.ForeignKey(
        ReviewRound, verbose_name=_("考核轮次"), on_delete=models.PROTECT, related_name="reviews"
    )
    membership = models.ForeignKey(
        PoolMembership,
        verbose_name=_("后备干部"),
        on_delete=models.PROTECT,
        related_name="reviews",
    )
    # Copied from the membership when the row is made, so that lists, the person's record and
    # the calibration need no join through the pool, and a later move does not re-home a review.
    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="reviews"
    )
    township = models.ForeignKey(
        Township, verbose_name=_("乡镇（街道）"), on_delete=models.PROTECT, related_name="+"
    )
    scores = models.JSONField(_("各维度评分"), default=dict, blank=True)
    score = models.DecimalField(
        _("综合得分"), max_digits=4, decimal_places=1, null=True, blank=True, editable=False
    )
    conclusion = models.CharField(
        _("考核结论"), max_length=12, choices=Conclusion.choices, blank=True
    )
    reviewer = models.CharField(_("考核人"), max_length=100, blank=True)
    evidence = limited_text(_("主要事实依据"), blank=True, max_length=LONG_TEXT_MAX_LENGTH)
    status = models.CharField(
        _("状态"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    return_note = models.CharField(_("退回意见"), max_length=200, blank=True)
    entered_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    submitted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True, editable=False)
    confirmed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核")
        verbose_name_plural = _("考核")
        ordering = ["round_id", "township_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "membership"],
                name="review_once_per_round_and_membership",
                violation_error_message=_("该后备干部在本轮已有考核记录。"),
            ),
            models.CheckConstraint(
                name="review_submitted_has_conclusion",
                condition=Q(status="draft") | ~Q(conclusion=""),
            ),
            models.CheckConstraint(
                name="review_score_0_100",
                condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=100)),
            ),
        ]
        indexes = [
            models.Index(fields=["round", "township", "status"]),
            models.Index(fields=["person", "status"]),
            models.Index(fields=["membership", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.person}"

    @property
    def is_complete(self) -> bool:
        """Every dimension scored and a conclusion chosen: ready to submit."""
        return bool(self.conclusion) and self.round.overall(self.scores) is not None

    @property
    def is_editable(self) -> bool:
        return self.status == ReviewStatus.DRAFT


# --- Proposals the reviews lead to (调整出库 / 优先使用) ---------------------------------------


class ProposalKind(models.TextChoices):
    REMOVE = "remove", _("建议调整出库")
    PROMOTE = "promote", _("建议优先使用")


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("待处理")
    ACCEPTED = "accepted", _("已采纳")
    DISMISSED = "dismissed", _("不予采纳")


class ProposalQuerySet(ScopedQuerySet):
    def open(self) -> ProposalQuerySet:
        return self.filter(status=ProposalStatus.OPEN)


@audited
class Proposal(models.Model):
    """What a confirmed review proposes for the pool: moving the person out (不称职, or 基本称职
    twice in a row) or using them first (优秀). The county officer decides."""

    kind = models.CharField(_("建议"), max_length=10, choices=ProposalKind.choices)
    review = models.ForeignKey(
        Review, verbose_name=_("依据考核"), on_delete=models.PROTECT, related_name="proposals"
    )
    membership = models.ForeignKey(
        PoolMembership, on_delete=models.PROTECT, related_name="evaluation_proposals"
    )
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("理由"), max_length=200)
    status = models.CharField(
        _("处理状态"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.OPEN
    )
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True, editable=False)
    decision_note = models.CharField(_("处理意见"), max_length=200, blank=True)

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("考核结果运用建议")
        verbose_name_plural = _("考核结果运用建议")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "kind"], name="proposal_once_per_review"),
            models.UniqueConstraint(
                fields=["membership", "kind"],
                condition=Q(status="open"),
                name="proposal_one_open_per_membership",
            ),
        ]
        indexes = [models.Index(fields=["status", "kind"])]

    def __str__(self) -> str:
        return f"{self.person} {self.get_kind_display()}"


# --- Career steps after promotion (选拔任用及其后) ----------------------------------------------


class StepKind(models.TextChoices):
    ENTERED = "entered", _("进入村“两委”")
    PROMOTED = "promoted", _("职务晋升")
    ONE_SHOULDER = "one_shoulder", _("书记、主任“一肩挑”")
    TRANSFERRED = "transferred", _("职务调整")
    FULL_TIME = "full_time", _("成为专职干部")
    PUBLIC_INSTITUTION = "public_institution", _("招录为乡镇事业编制人员")
    OTHER = "other", _("其他")


# Steps recorded by hand on the career step form; the others come from the promotion action.
MANUAL_STEPS = (StepKind.FULL_TIME, StepKind.PUBLIC_INSTITUTION, StepKind.OTHER)


class CareerStepQuerySet(ScopedQuerySet):
    township_field = "person__township_id"


@audited
class CareerStep(models.Model):
    """One step on the ladder after the pool: reserve -> committee member -> deputy ->
    principal -> 一肩挑, full-time cadre (专职干部), township public institution (事业编制)."""

    person = models.ForeignKey(
        Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="career_steps"
    )
    kind = models.CharField(_("类别"), max_length=20, choices=StepKind.choices)
    on = models.DateField(_("日期"))
    village = models.ForeignKey(
        Village,
        verbose_name=_("村（社区）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    post = models.ForeignKey(
        VillagePost,
        verbose_name=_("岗位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    incumbency = models.OneToOneField(
        "candidates.Incumbency",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="career_step",
    )
    unit = models.CharField(_("单位"), max_length=100, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CareerStepQuerySet.as_manager()

    class Meta:
        verbose_name = _("成长经历")
        verbose_name_plural = _("成长经历")
        ordering = ["person_id", "on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "on"],
                name="career_step_once_a_day",
                violation_error_message=_("该人员当天已登记过同类经历。"),
            ),
            # Becoming a full-time cadre or joining a public institution happens once.
            models.UniqueConstraint(
                fields=["person", "kind"],
                condition=Q(kind__in=["full_time", "public_institution"]),
                name="career_step_status_once",
                violation_error_message=_("该人员已登记过此项。"),
            ),
            models.CheckConstraint(
                name="career_step_public_institution_has_unit",
                condition=~Q(kind="public_institution") | ~Q(unit=""),
                violation_error_message=_("请填写招录单位。"),
            ),
        ]
        indexes = [models.Index(fields=["kind", "on"])]

    def __str__(self) -> str:
        return f"{self.person} {self.get_kind_display()} {self.on}"
