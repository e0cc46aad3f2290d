"""The core domain: places, users and their roles, and the registry of people (一人一档)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pghistory
import pgtrigger
from axes.models import AccessAttempt
from django.contrib.auth.models import AbstractUser, UserManager
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from talentpool import codes
from talentpool.audit import audited
from talentpool.identity import (
    mask_id_number,
    mask_phone,
    normalize_id_number,
    validate_id_number,
    validate_phone,
)
from talentpool.text import LONG_TEXT_MAX_LENGTH, limited_text, pinyin_full, pinyin_initials

# --- Places (统计用区划代码: 12 digits, the first 6 are GB/T 2260) -------------------------------


class DivisionLevel(models.TextChoices):
    COUNTY = "county", _("县")
    TOWNSHIP = "township", _("乡镇（街道）")
    VILLAGE = "village", _("村（社区）")


def division_level(code: str) -> str:
    """The level a 12-digit statistical division code stands for."""
    if code.endswith("000000"):
        return DivisionLevel.COUNTY
    if code.endswith("000"):
        return DivisionLevel.TOWNSHIP
    return DivisionLevel.VILLAGE


class County(models.Model):
    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=50)

    class Meta:
        verbose_name = _("县（市、区）")
        verbose_name_plural = _("县（市、区）")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class TownshipQuerySet(models.QuerySet):
    def in_scope(self, user) -> TownshipQuerySet:
        """The townships whose data `user` may see."""
        if not user.is_authenticated:
            return self.none()
        if user.role in (Role.COUNTY, Role.LEADER):
            return self.all()
        if user.role == Role.TOWNSHIP:
            return self.filter(pk=user.township_id)
        return self.none()


@audited
class Township(models.Model):
    county = models.ForeignKey(
        County, verbose_name=_("县（市、区）"), on_delete=models.PROTECT, related_name="townships"
    )
    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=50)

    objects = TownshipQuerySet.as_manager()

    class Meta:
        verbose_name = _("乡镇（街道）")
        verbose_name_plural = _("乡镇（街道）")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class VillageQuerySet(models.QuerySet):
    def in_scope(self, user) -> VillageQuerySet:
        return self.filter(township__in=Township.objects.in_scope(user))


@audited
class Village(models.Model):
    township = models.ForeignKey(
        Township, verbose_name=_("乡镇（街道）"), on_delete=models.PROTECT, related_name="villages"
    )
    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=50)

    objects = VillageQuerySet.as_manager()

    class Meta:
        verbose_name = _("村（社区）")
        verbose_name_plural = _("村（社区）")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


# --- Users and roles -------------------------------------------------------------------------


class Role(models.TextChoices):
    COUNTY = "county", _("县委组织部干部")
    TOWNSHIP = "township", _("乡镇（街道）干部")
    MENTOR = "mentor", _("导师")
    LEADER = "leader", _("领导")
    SYSADMIN = "sysadmin", _("系统管理员")
    SECADMIN = "secadmin", _("安全管理员")
    AUDITOR = "auditor", _("审计员")
    # What the system administrator's new accounts get until the security administrator assigns a
    # role (三权分立: one creates accounts, the other grants rights).
    UNASSIGNED = "unassigned", _("待分配角色")


# Roles that work with residents' personal data; the administrators and the auditor never do.
BUSINESS_ROLES = frozenset({Role.COUNTY, Role.TOWNSHIP, Role.MENTOR, Role.LEADER})
# Roles that sign in with a second factor when REQUIRE_2FA is on: they see the whole county or
# hold the keys to the system.
TWO_FACTOR_ROLES = frozenset({Role.COUNTY, Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})
ADMIN_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR})


class UserQuerySet(models.QuerySet):
    def idle_since(self, cutoff) -> UserQuerySet:
        """Active accounts nobody has signed in to since `cutoff` (never-used ones count from
        their creation)."""
        return self.filter(is_active=True).filter(
            Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff)
        )


class ProjectUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


# Role, scope and permission changes are audited; the password hash and the login time are not
# (the hash must not be copied anywhere; logins are in axes' access log).
@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    exclude=["password", "last_login"],
)
class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.LEADER)
    township = models.ForeignKey(
        Township,
        verbose_name=_("所属乡镇（街道）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    title = models.CharField(_("职务"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, validators=[validate_phone])
    password_changed_at = models.DateTimeField(_("密码修改时间"), default=timezone.now)
    must_change_password = models.BooleanField(
        _("下次登录须修改密码"),
        default=False,
        help_text=_("管理员创建或重置密码的账号，首次登录时必须自行设置新密码。"),
    )

    objects = ProjectUserManager()

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")
        permissions = [("view_personal_data", _("查看完整身份证号和手机号"))]
        constraints = [
            models.CheckConstraint(
                name="township_role_has_township",
                condition=~Q(role="township") | Q(township__isnull=False),
            )
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        # Chinese names are written family name first, with no space.
        return f"{self.last_name}{self.first_name}".strip()

    def set_password(self, raw_password) -> None:
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()

    def password_expired(self, now=None) -> bool:
        from django.conf import settings

        max_age = settings.PASSWORD_MAX_AGE
        if not max_age:
            return False
        return (now or timezone.now()) - self.password_changed_at > max_age

    @property
    def needs_second_factor(self) -> bool:
        from django.conf import settings

        return settings.REQUIRE_2FA and self.role in TWO_FACTOR_ROLES

    @property
    def is_county(self) -> bool:
        return self.role == Role.COUNTY

    @property
    def is_township(self) -> bool:
        return self.role == Role.TOWNSHIP

    @property
    def can_edit_registry(self) -> bool:
        return self.role in (Role.COUNTY, Role.TOWNSHIP)

    @property
    def can_view_registry(self) -> bool:
        return self.role in (Role.COUNTY, Role.TOWNSHIP, Role.LEADER)

    @property
    def can_view_personal_data(self) -> bool:
        return self.role in BUSINESS_ROLES and self.has_perm("talentpool.view_personal_data")

    def clean(self) -> None:
        super().clean()
        if self.role == Role.TOWNSHIP and not self.township_id:
            raise ValidationError({"township": _("乡镇（街道）干部必须指定所属乡镇（街道）。")})


# Grants and withdrawals of the personal-data right are audited too.
pghistory.track(
    pghistory.InsertEvent("permission.add"),
    pghistory.DeleteEvent("permission.remove"),
    obj_field=None,
    model_name="UserPermissionEvent",
)(User.user_permissions.through)


# --- Account actions that need two administrators (三权分立) -----------------------------------


class AccountAction(models.TextChoices):
    RESET_PASSWORD = "reset_password", _("重置密码（发放一次性口令）")
    RESET_SECOND_FACTOR = "reset_second_factor", _("重置双因素认证")


class AccountRequestStatus(models.TextChoices):
    REQUESTED = "requested", _("待审批")
    DONE = "done", _("已批准并执行")
    REJECTED = "rejected", _("已驳回")


# Who may ask for and who may decide an account action: the system and the security
# administrator, each deciding what the other asked for (see SECURITY.md).
ACCOUNT_REQUEST_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN})


class AccountRequestQuerySet(models.QuerySet):
    def awaiting_decision(self) -> AccountRequestQuerySet:
        return self.filter(status=AccountRequestStatus.REQUESTED)

    def unseen_by_account(self, user: User) -> AccountRequestQuerySet:
        """Actions done to `user`'s account that they have not been told about at sign-in."""
        return self.filter(account=user, status=AccountRequestStatus.DONE, seen_at__isnull=True)


@audited
class AccountRequest(models.Model):
    """A password or second-factor reset of one account: asked for by one administrator, done
    only when an administrator of the other duty approves it (talentpool.actions)."""

    account = models.ForeignKey(
        User, verbose_name=_("账号"), on_delete=models.PROTECT, related_name="account_requests"
    )
    action = models.CharField(_("操作"), max_length=30, choices=AccountAction.choices)
    reason = models.CharField(_("事由"), max_length=200)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=AccountRequestStatus.choices,
        default=AccountRequestStatus.REQUESTED,
    )
    requested_by = models.ForeignKey(
        User, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("申请时间"), default=timezone.now)
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("审批人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    seen_at = models.DateTimeField(_("本人知悉时间"), null=True, blank=True)

    objects = AccountRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("账号操作申请")
        verbose_name_plural = _("账号操作申请（重置密码、双因素认证）")
        ordering = ["-requested_at", "-id"]
        constraints = [
            # Nobody asks for their own account or decides their own request; the database
            # holds the line whatever page wrote the row.
            models.CheckConstraint(
                name="account_request_not_for_requester", condition=~Q(account=F("requested_by"))
            ),
            models.CheckConstraint(
                name="account_request_not_decided_by_requester",
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
            ),
            models.CheckConstraint(
                name="account_request_not_decided_by_account",
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("account")),
            ),
            models.CheckConstraint(
                name="account_request_decided_has_decider",
                condition=Q(status="requested") | Q(decided_by__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.account}（{self.get_status_display()}）"

    def refusal_for(self, user: User) -> str | None:
        """Why `user` may not decide this request, or None when they may."""
        if self.status != AccountRequestStatus.REQUESTED:
            return _("该申请已处理。")
        if user.role not in ACCOUNT_REQUEST_ROLES:
            return _("只有系统管理员和安全管理员可以审批账号操作。")
        if user.pk == self.requested_by_id:
            return _("不能审批自己提出的申请，须由另一名管理员审批。")
        if user.pk == self.account_id:
            return _("不能审批针对自己账号的申请。")
        if user.role == self.requested_by.role:
            return _("须由与申请人职责不同的管理员审批（系统管理员与安全管理员互相审批）。")
        return None


class LoginLockout(AccessAttempt):
    """django-axes' failed sign-ins, as the security administrator sees them in the admin (in
    Chinese; axes names each row "Attempted Access: ...")."""

    class Meta:
        proxy = True
        verbose_name = _("登录失败与锁定")
        verbose_name_plural = _("登录失败与锁定")

    def __str__(self) -> str:
        return f"{self.username} @ {self.ip_address}"


# --- The registry (人才信息库) -----------------------------------------------------------------


class Residence(models.TextChoices):
    AWAY = "away", _("在外务工经商")
    RETURNED = "returned", _("已返乡")
    LOCAL = "local", _("本地")


AGE_BANDS: list[tuple[str, str, int | None, int | None]] = [
    # (key, label, min age inclusive, max age inclusive)
    ("u25", "25岁以下", None, 24),
    ("25-29", "25-29岁", 25, 29),
    ("30-34", "30-34岁", 30, 34),
    ("35-39", "35-39岁", 35, 39),
    ("40-44", "40-44岁", 40, 44),
    ("45-49", "45-49岁", 45, 49),
    ("50-54", "50-54岁", 50, 54),
    ("55+", "55岁及以上", 55, None),
]


def birth_date_range(min_age: int | None, max_age: int | None, today: date) -> Q:
    """Q on `birth_date` for people aged min_age..max_age (inclusive) on `today`."""
    q = Q()
    if max_age is not None:
        # older than max_age means born on or before today minus (max_age + 1) years
        q &= Q(birth_date__gt=years_before(today, max_age + 1))
    if min_age is not None:
        q &= Q(birth_date__lte=years_before(today, min_age))
    return q


def years_before(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


def age_on(birth_date: date | None, today: date) -> int | None:
    if birth_date is None:
        return None
    return (
        today.year
        - birth_date.year
        - ((today.month, today.day) < (birth_date.month, birth_date.day))
    )


# Scopes that later stages define for their roles: role -> function(user) -> Q on Person.
# The training app registers the mentor's (their current mentees); the core cannot know it.
EXTRA_PERSON_SCOPES: dict[str, Callable[[User], Q]] = {}


class PersonQuerySet(models.QuerySet):
    def in_scope(self, user: User) -> PersonQuerySet:
        """The people `user` may see. Every registry view goes through this."""
        if not user.is_authenticated:
            return self.none()
        if user.role in (Role.COUNTY, Role.LEADER):
            return self.all()
        if user.role == Role.TOWNSHIP:
            return self.filter(township_id=user.township_id)
        extra = EXTRA_PERSON_SCOPES.get(user.role)
        if extra is not None:
            return self.filter(extra(user))
        # Administrators, the security administrator and the auditor see no one.
        return self.none()

    def named(self, text: str) -> PersonQuerySet:
        """People whose name contains `text`, or whose pinyin (or its initials) starts with it.
        Search boxes go through talentpool.lookup.search_people, which also handles numbers."""
        text = text.strip()
        if not text:
            return self
        compact = normalize_id_number(text)
        if compact.isascii() and compact.isalpha():
            lowered = compact.lower()
            return self.filter(
                Q(name_initials__startswith=lowered) | Q(name_pinyin__startswith=lowered)
            )
        return self.filter(name__contains=text)

    def with_age_band(self, key: str, today: date) -> PersonQuerySet:
        for band_key, _label, min_age, max_age in AGE_BANDS:
            if band_key == key:
                return self.filter(birth_date_range(min_age, max_age, today))
        return self


@audited(level=pghistory.Statement)
class Person(models.Model):
    """One person in the registry; every later stage of the pipeline refers to this record."""

    name = models.CharField(_("姓名"), max_length=50)
    name_initials = models.CharField(_("拼音首字母"), max_length=50, editable=False, db_index=False)
    name_pinyin = models.CharField(_("拼音"), max_length=200, editable=False)
    gender = models.CharField(_("性别"), max_length=1, choices=codes.Gender.choices)
    ethnicity = models.CharField(
        _("民族"), max_length=2, choices=codes.Ethnicity.choices, default=codes.Ethnicity.HAN
    )
    birth_date = models.DateField(_("出生日期"))
    id_number = models.CharField(
        _("身份证号"), max_length=18, unique=True, validators=[validate_id_number]
    )
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, validators=[validate_phone])
    # Indexed by (township, name) below; a second index on township alone would only slow the
    # survey import's writes.
    township = models.ForeignKey(
        Township,
        verbose_name=_("乡镇（街道）"),
        on_delete=models.PROTECT,
        related_name="people",
        db_index=False,
    )
    village = models.ForeignKey(
        Village,
        verbose_name=_("户籍所在村（社区）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
    )
    # What a survey said when it named no known village; kept so staff can map it later.
    village_text = models.CharField(_("填报的村（社区）名称"), max_length=50, blank=True)
    residence = models.CharField(
        _("现状"), max_length=10, choices=Residence.choices, default=Residence.AWAY
    )
    work_place = models.CharField(_("现工作地点"), max_length=100, blank=True)
    industry_unit = models.CharField(_("从事行业及单位"), max_length=200, blank=True)
    education = models.CharField(
        _("学历"), max_length=2, choices=codes.Education.choices, blank=True
    )
    school_major = models.CharField(_("毕业院校及专业"), max_length=200, blank=True)
    political_status = models.CharField(
        _("政治面貌"), max_length=2, choices=codes.PoliticalStatus.choices, blank=True
    )
    party_join_date = models.DateField(_("入党时间"), null=True, blank=True)
    is_veteran = models.BooleanField(_("退役军人"), default=False)
    skills = models.CharField(_("技能特长"), max_length=500, blank=True)
    return_intention = models.CharField(
        _("返乡意愿"), max_length=12, choices=codes.Willingness.choices, blank=True
    )
    village_post_intention = models.CharField(
        _("任职意愿"), max_length=12, choices=codes.Willingness.choices, blank=True
    )
    remark = limited_text(_("备注"), blank=True, max_length=LONG_TEXT_MAX_LENGTH)
    # What a survey carried that no field takes, and values kept as written where they could not
    # be coded ({heading: text}): never discarded, shown on the person's page.
    other_info = models.JSONField(_("其他信息"), default=dict, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    version = models.PositiveIntegerField(_("版本"), default=1, editable=False)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人才信息库")
        ordering = ["township_id", "name", "id"]
        indexes = [
            # The foreign key to the village and the unique ID number bring their own indexes
            # (Django adds a varchar_pattern_ops one beside the unique one, for prefix search);
            # every index here is paid for by each row a survey import writes (`make bench`).
            models.Index(fields=["township", "name"]),
            models.Index(fields=["birth_date"]),
            models.Index(
                OpClass("name_initials", name="varchar_pattern_ops"), name="person_initials_idx"
            ),
            models.Index(
                OpClass("name_pinyin", name="varchar_pattern_ops"), name="person_pinyin_idx"
            ),
            models.Index(OpClass("phone", name="varchar_pattern_ops"), name="person_phone_idx"),
            GinIndex(OpClass("name", name="gin_trgm_ops"), name="person_name_trgm"),
        ]
        constraints = [
            models.CheckConstraint(
                name="person_id_number_is_18",
                condition=Q(id_number__regex=r"^[0-9]{17}[0-9X]$"),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.fill_derived()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("registry:detail", args=[self.pk])

    def save_checked(self, expected_version: int) -> bool:
        """Save only if nobody has saved since `expected_version` was read (compare-and-set).

        One UPDATE guarded by the version, so a lost race writes nothing and no audit row."""
        self.fill_derived()
        self.updated_at = timezone.now()
        values = {
            f.attname: getattr(self, f.attname)
            for f in self._meta.concrete_fields
            if not f.primary_key and f.attname not in ("created_at", "version")
        }
        updated = Person.objects.filter(pk=self.pk, version=expected_version).update(
            version=expected_version + 1, **values
        )
        if updated:
            self.version = expected_version + 1
        return bool(updated)

    def fill_derived(self) -> None:
        """Set the fields computed from others; bulk writers call this before bulk_create."""
        self.name_initials = pinyin_initials(self.name)[:50]
        self.name_pinyin = pinyin_full(self.name)[:200]
        if self.village_id and not self.township_id:
            self.township_id = self.village.township_id

    def clean(self) -> None:
        from talentpool.identity import InvalidIdNumber, parse_id_number

        errors: dict[str, str] = {}
        today = timezone.localdate()
        if self.village_id and self.township_id and self.village.township_id != self.township_id:
            errors["village"] = _("所选村（社区）不属于该乡镇（街道）。")
        if self.id_number:
            try:
                info = parse_id_number(self.id_number)
            except InvalidIdNumber:
                pass  # the field validator has said what is wrong
            else:
                if self.birth_date and self.birth_date > today:
                    pass  # said below: a future date is wrong whatever the number says
                elif self.birth_date and self.birth_date != info.birth_date:
                    errors["birth_date"] = _("出生日期与身份证号不一致（身份证号中为%(d)s）。") % {
                        "d": info.birth_date.isoformat()
                    }
                if self.gender and self.gender != info.gender:
                    errors["gender"] = _("性别与身份证号第17位不一致。")
        if self.birth_date and self.birth_date > today:
            errors["birth_date"] = _("出生日期不能晚于今天。")
        if self.party_join_date and self.party_join_date > today:
            errors["party_join_date"] = _("入党时间不能晚于今天。")
        elif self.party_join_date and self.birth_date and self.party_join_date <= self.birth_date:
            errors["party_join_date"] = _("入党时间不能早于出生日期。")
        if errors:
            raise ValidationError(errors)

    def age(self, today: date | None = None) -> int | None:
        return age_on(self.birth_date, today or timezone.localdate())

    def shows_personal_data_to(self, user: User, *, granted: bool = False) -> bool:
        """Whether `user` sees this person's full ID number and phone now: they hold the right
        and either gave a reason for this person a short while ago in this session (see
        talentpool.security.reveal) or the caller has recorded one (`granted`, e.g. an approved
        export)."""
        if not user.can_view_personal_data:
            return False
        if granted:
            return True
        from talentpool.security import is_revealed

        return is_revealed(user, self.pk)

    def id_number_for(self, user: User, *, granted: bool = False) -> str:
        if self.shows_personal_data_to(user, granted=granted):
            return self.id_number
        return mask_id_number(self.id_number)

    def phone_for(self, user: User, *, granted: bool = False) -> str:
        if self.shows_personal_data_to(user, granted=granted):
            return self.phone
        return mask_phone(self.phone)

    def birth_date_for(self, user: User, *, granted: bool = False) -> date | int | None:
        """The birth date for a user who sees the full ID number, the year alone for the others.

        The masked number hides exactly the eight birth-date digits; with its area code and
        last four (whose check digit confirms a guess) the full date would rebuild it."""
        if self.birth_date is None or self.shows_personal_data_to(user, granted=granted):
            return self.birth_date
        return self.birth_date.year

    @property
    def village_label(self) -> str:
        if self.village_id:
            return self.village.name
        return self.village_text


# --- Access to personal data (个人信息访问记录) ---------------------------------------------------


class AccessAction(models.TextChoices):
    REVEAL = "reveal", _("查看完整信息")
    SEARCH_ID = "search_id", _("按身份证号查询")
    EXPORT_REQUEST = "export_request", _("申请导出")
    EXPORT_DECIDE = "export_decide", _("审批导出")
    EXPORT_DOWNLOAD = "export_download", _("下载导出文件")
    IMPORT = "import", _("导入")
    OTHER = "other", _("其他")


# Append-only like the pghistory event tables: the application may add rows, never change or
# remove them (TRUNCATE is refused too, by a trigger installed after migrate: see security.py).
@pgtrigger.register(
    pgtrigger.Protect(name="access_log_append_only", operation=pgtrigger.Update | pgtrigger.Delete)
)
class AccessLog(models.Model):
    """Who looked at or moved residents' personal data, when, from where and why."""

    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    # Plain references without database constraints: a log row must outlive (and never block
    # the deletion of) the person or account it names, and is never updated to null them.
    user = models.ForeignKey(
        User,
        verbose_name=_("用户"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    username = models.CharField(_("用户名"), max_length=150, blank=True)
    action = models.CharField(_("操作"), max_length=20, choices=AccessAction.choices)
    person = models.ForeignKey(
        Person,
        verbose_name=_("人员"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    fields = models.JSONField(_("涉及字段"), default=list, blank=True)
    reason = limited_text(_("事由"), blank=True)
    ip_address = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    path = models.CharField(_("页面"), max_length=500, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)

    class Meta:
        verbose_name = _("个人信息访问记录")
        verbose_name_plural = _("个人信息访问记录")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "created_at"]), models.Index(fields=["person"])]

    def __str__(self) -> str:
        return f"{self.username} {self.get_action_display()} {self.created_at:%Y-%m-%d %H:%M}"


# --- Exports of personal data (导出审批) ----------------------------------------------------------


class ExportStatus(models.TextChoices):
    REQUESTED = "requested", _("待审批")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")
    DOWNLOADED = "downloaded", _("已下载")
    EXPIRED = "expired", _("已过期")


class ExportRequestQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> ExportRequestQuerySet:
        """A user's own requests; a county officer also sees every request awaiting a decision
        or decided by them."""
        if not user.is_authenticated or user.role not in BUSINESS_ROLES:
            return self.none()
        if user.is_county:
            return self.filter(
                Q(requested_by=user) | Q(status=ExportStatus.REQUESTED) | Q(decided_by=user)
            )
        return self.filter(requested_by=user)

    def awaiting_decision(self) -> ExportRequestQuerySet:
        return self.filter(status=ExportStatus.REQUESTED)


@audited
class ExportRequest(models.Model):
    """One export of personal data: requested, approved by a county officer (at once when the
    requester is one), downloaded once through a link that expires. See talentpool.exports."""

    kind = models.CharField(_("导出类型"), max_length=50)
    title = models.CharField(_("导出内容"), max_length=200)
    params = models.JSONField(_("条件"), default=dict, blank=True)
    params_text = models.CharField(_("条件说明"), max_length=500, blank=True)
    row_count = models.PositiveIntegerField(_("行数"), default=0)
    reason = models.CharField(_("用途"), max_length=200)
    requested_by = models.ForeignKey(
        User, verbose_name=_("申请人"), on_delete=models.PROTECT, related_name="export_requests"
    )
    township = models.ForeignKey(
        Township,
        verbose_name=_("乡镇（街道）"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=12, choices=ExportStatus.choices, default=ExportStatus.REQUESTED
    )
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("审批人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=200, blank=True)
    expires_at = models.DateTimeField(_("下载有效期至"), null=True, blank=True)
    downloaded_at = models.DateTimeField(_("下载时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("申请时间"), default=timezone.now)

    objects = ExportRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("导出申请")
        verbose_name_plural = _("导出申请")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "created_at"])]
        constraints = [
            models.CheckConstraint(
                name="export_decided_has_decider",
                condition=Q(status="requested") | Q(status="expired") | Q(decided_by__isnull=False),
            ),
            models.CheckConstraint(
                name="export_downloaded_has_time",
                condition=~Q(status="downloaded") | Q(downloaded_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.get_status_display()}）"


# --- The background worker (后台处理程序) -------------------------------------------------------


class WorkerHeartbeatQuerySet(models.QuerySet):
    def alive(self, since) -> WorkerHeartbeatQuerySet:
        """Workers still running that were heard from at `since` or later."""
        return self.filter(stopped_at__isnull=True, last_seen_at__gte=since)


class WorkerHeartbeat(models.Model):
    """One background worker process, as it reports itself while it runs (talentpool.jobs), so
    that pages can tell when nobody is there to run their jobs. Not audited: it changes every
    few seconds and holds no one's data."""

    worker = models.CharField(_("后台处理进程"), max_length=64, unique=True)  # host:pid
    started_at = models.DateTimeField(_("启动时间"))
    last_seen_at = models.DateTimeField(_("最近一次心跳"), db_index=True)
    stopped_at = models.DateTimeField(_("停止时间"), null=True, blank=True)

    objects = WorkerHeartbeatQuerySet.as_manager()

    class Meta:
        verbose_name = _("后台处理进程")
        verbose_name_plural = _("后台处理进程")
        ordering = ["-last_seen_at"]

    def __str__(self) -> str:
        return self.worker


# The survey import keeps its models beside its pipeline; they belong to this app.
from talentpool.survey.models import *  # noqa: E402, F403
