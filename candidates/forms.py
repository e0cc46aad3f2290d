from __future__ import annotations

from datetime import date

from django import forms
from django.core.validators import MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from candidates import actions
from candidates.models import (
    FORM_DECISIONS,
    Assembly,
    AssemblyCandidate,
    Assessment,
    CandidatePolicy,
    Channel,
    CheckResult,
    Consultation,
    Decision,
    EndReason,
    Incumbency,
    Industry,
    LeaveReason,
    Nomination,
    OutreachContact,
    OutreachEvent,
    PoolCategory,
    PoolLevel,
    PoolMembership,
    PostKind,
    Readiness,
    Status,
    TownshipLeader,
    VillageDemand,
    VillagePost,
    category_for_post,
)
from talentpool import codes
from talentpool.documents import DOCUMENT_MAX_BYTES, DOCUMENT_TYPES, check_document
from talentpool.forms import PersonForm
from talentpool.lookup import search_people
from talentpool.models import AGE_BANDS, Person, Role, Township, User, Village
from talentpool.text import LONG_TEXT_MAX_LENGTH, NOTE_MAX_LENGTH

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
YES_NO = [("", _("全部")), ("1", _("是")), ("0", _("否"))]
# Attachments are documents checked whole (talentpool.documents).
MAX_ATTACHMENT_BYTES = DOCUMENT_MAX_BYTES
ATTACHMENT_TYPES = DOCUMENT_TYPES


def _blank(label) -> list[tuple[str, str]]:
    return [("", label)]


def villages_for(user: User):
    return Village.objects.in_scope(user).select_related("township").order_by("code")


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Village) -> str:
        return f"{obj.township.name} {obj.name}"


def clean_attachment(upload) -> object:
    """Refuse anything but a whole, valid PDF, image, Word or Excel file of at most 10 MB."""
    check_document(upload)
    return upload


# --- Recommendation ----------------------------------------------------------------------------


class PersonPickForm(forms.Form):
    """The person a page is about, chosen from the registry within the user's scope."""

    person = forms.ModelChoiceField(
        label=_("人员"),
        queryset=Person.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("请先从人才信息库中选择人员，或新登记人员。"),
            "invalid_choice": _("所选人员不存在或不在您的管辖范围内。"),
        },
    )

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = Person.objects.in_scope(user).select_related(
            "township", "village"
        )


class NominationForm(forms.Form):
    village = VillageChoiceField(
        label=_("拟任村（社区）"),
        queryset=Village.objects.none(),
        error_messages={"invalid_choice": _("所选村（社区）不存在或不在您的管辖范围内。")},
    )
    post_kind = forms.ChoiceField(label=_("拟任岗位"), choices=PostKind.choices)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    channel = forms.ChoiceField(label=_("推荐方式"), choices=Channel.choices)
    co_signers = forms.IntegerField(
        label=_("联名人数"), required=False, min_value=2, max_value=10000
    )
    leader = forms.ModelChoiceField(
        label=_("实名推荐的乡镇领导"),
        queryset=TownshipLeader.objects.none(),
        required=False,
        error_messages={"invalid_choice": _("所选乡镇领导不存在或不在您的管辖范围内。")},
    )
    recommender_name = forms.CharField(label=_("推荐人姓名"), max_length=100, required=False)
    recommender_position = forms.CharField(
        label=_("推荐人职务（身份）"), max_length=100, required=False
    )
    reason = forms.CharField(
        label=_("推荐理由"), max_length=NOTE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )
    attachment = forms.FileField(label=_("附件（推荐表等）"), required=False)

    def __init__(self, *args, user: User, person: Person | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.person = person
        self.fields["village"].queryset = villages_for(user)
        self.fields["leader"].queryset = (
            TownshipLeader.objects.in_scope(user).current().select_related("township")
        )
        self.initial.setdefault("year", timezone.localdate().year)
        if person is not None and person.village_id:
            self.initial.setdefault("village", person.village_id)

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        return clean_attachment(upload) if upload else None

    def clean(self) -> dict:
        data = super().clean()
        channel = data.get("channel")
        village = data.get("village")
        leader = data.get("leader")
        if channel == Channel.LEADER:
            if leader is None:
                self.add_error("leader", _("乡镇领导实名推荐须选择推荐的领导班子成员。"))
            elif village is not None and leader.township_id != village.township_id:
                self.add_error("leader", _("实名推荐的领导须是拟任村所在乡镇的领导班子成员。"))
            else:
                data["recommender_name"] = leader.name
                data["recommender_position"] = leader.position
        elif leader is not None:
            data["leader"] = None
        if channel == Channel.JOINT and not data.get("co_signers"):
            self.add_error("co_signers", _("联名推荐须填写联名人数（至少2人）。"))
        if channel != Channel.JOINT:
            data["co_signers"] = None
        if channel == Channel.SELF and self.person is not None:
            data["recommender_name"] = data.get("recommender_name") or self.person.name
            data["recommender_position"] = data.get("recommender_position") or _("本人")
        if channel and not data.get("recommender_name") and "leader" not in self.errors:
            self.add_error("recommender_name", _("请填写推荐人真实姓名（组织推荐填推荐单位）。"))
        year = data.get("year")
        if self.person is not None and village is not None and year and data.get("post_kind"):
            existing = actions.duplicate_of(self.person, year, village, data["post_kind"])
            if existing is not None:
                raise forms.ValidationError(actions.duplicate_message(existing), code="duplicate")
        if leader is not None and channel == Channel.LEADER and year:
            policy = CandidatePolicy.load()
            done = actions.leader_count(leader, year)
            if done >= policy.leader_quota_max:
                self.add_error(
                    "leader",
                    _("%(leader)s %(year)s年度已实名推荐%(n)s人，已达每年%(max)s人的上限。")
                    % {"leader": leader, "year": year, "n": done, "max": policy.leader_quota_max},
                )
        return data


class QuickPersonForm(PersonForm):
    """Register someone on the spot while nominating them (the rest can be filled in later)."""

    class Meta(PersonForm.Meta):
        fields = [
            "name",
            "id_number",
            "gender",
            "birth_date",
            "phone",
            "township",
            "village",
            "residence",
            "work_place",
            "industry_unit",
            "education",
            "political_status",
            "is_veteran",
            "skills",
        ]

    def __init__(self, data=None, *, user: User, prefix: str | None = None) -> None:
        super().__init__(data, user=user)
        # Set after the parent's __init__, which takes no prefix; fields read it when bound.
        self.prefix = prefix


class DecisionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(label=_("决定"), choices=(), widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("意见"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    decided_on = forms.DateField(label=_("日期"), widget=DATE)
    party_members_heard = forms.IntegerField(
        label=_("征求党员意见人数"), required=False, min_value=0
    )
    party_member_views = forms.CharField(
        label=_("党员意见"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    villagers_heard = forms.IntegerField(label=_("征求群众意见人数"), required=False, min_value=0)
    villager_views = forms.CharField(
        label=_("群众意见"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, nomination: Nomination, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.nomination = nomination
        if self.is_bound:
            # Whether this decision is allowed is the action's to say, against the nomination
            # as it is when the decision arrives (someone may have moved it on meanwhile).
            choices = [(d, Decision(d).label) for d in FORM_DECISIONS]
        else:
            choices = [
                (d, Decision(d).label)
                for d in FORM_DECISIONS
                if d in nomination.allowed_decisions() and not nomination.refusal_for(user, d)
            ]
        self.fields["decision"].choices = choices
        # What the stage allows but this user may not do, with the reason and who can.
        refused: dict[str, list[str]] = {}
        if not self.is_bound:
            for d in FORM_DECISIONS:
                if d in nomination.allowed_decisions():
                    reason = nomination.refusal_for(user, d)
                    if reason:
                        refused.setdefault(reason, []).append(str(Decision(d).label))
        self.refused = [("、".join(labels), reason) for reason, labels in refused.items()]
        # The county reaches the township stage only when acting for a one-officer township.
        self.acting_for_township = bool(
            choices and user.role == Role.COUNTY and nomination.status == Status.TOWNSHIP
        )
        self.initial.setdefault("version", nomination.version)
        self.initial.setdefault("decided_on", timezone.localdate())
        if nomination.status != Status.VILLAGE:
            for name in (
                "party_members_heard",
                "party_member_views",
                "villagers_heard",
                "villager_views",
            ):
                del self.fields[name]

    def clean_decided_on(self) -> date:
        value = self.cleaned_data["decided_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("日期不能晚于今天。"))
        return value

    def clean(self) -> dict:
        data = super().clean()
        decision = data.get("decision")
        if (
            decision in (Decision.SEND_BACK, Decision.REJECT, Decision.WITHDRAW)
            and not (data.get("note") or "").strip()
        ):
            self.add_error("note", _("退回、不通过或撤回时请填写理由。"))
        if self.nomination.status == Status.VILLAGE and decision == Decision.PASS:
            for field in ("party_member_views", "villager_views"):
                if not (data.get(field) or "").strip():
                    self.add_error(field, _("村级评议须记录党员意见和群众意见。"))
        return data


class ScreeningForm(forms.Form):
    """All the manual checks of a nomination in one form: a result and evidence for each, and a
    common evidence note for the items ticked without their own."""

    common_evidence = forms.CharField(
        label=_("共同核查依据"),
        required=False,
        max_length=1000,
        help_text=_("未单独填写依据的项目使用此说明，如：经村党组织、派出所、法庭核查。"),
    )

    def __init__(self, *args, checks, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.checks = [c for c in checks if not c.automatic]
        for check in self.checks:
            self.fields[f"result_{check.pk}"] = forms.ChoiceField(
                label=str(check.item), choices=CheckResult.choices, initial=check.result
            )
            self.fields[f"evidence_{check.pk}"] = forms.CharField(
                label=_("核查依据"), required=False, max_length=1000, initial=check.evidence
            )

    def clean(self) -> dict:
        data = super().clean()
        common = (data.get("common_evidence") or "").strip()
        # 全部符合: every check still 待核查 is ticked as met (未发现 on the negative list); the
        # exceptions are the rows marked one by one.
        all_ok = self.data.get("all_ok") == "1"
        if all_ok and not common:
            self.add_error(
                "common_evidence",
                _("选择“全部符合”时，请填写共同核查依据（适用于未单独填写依据的项目）。"),
            )
            return data
        self.results = {}
        for check in self.checks:
            result = data.get(f"result_{check.pk}")
            if result is None:
                continue
            if all_ok and result == CheckResult.PENDING:
                result = CheckResult.OK
            evidence = (data.get(f"evidence_{check.pk}") or "").strip() or (
                common if result != CheckResult.PENDING else ""
            )
            if result != CheckResult.PENDING and not evidence:
                self.add_error(
                    f"evidence_{check.pk}", _("请填写核查依据（如：经查阅……，未发现……）。")
                )
            self.results[check] = (result, evidence)
        return data

    def rows(self):
        """(check, result field, evidence field) for the template."""
        return [(c, self[f"result_{c.pk}"], self[f"evidence_{c.pk}"]) for c in self.checks]


class ConsultationForm(forms.ModelForm):
    class Meta:
        model = Consultation
        fields = ["department", "asked_on", "answer", "answered_on", "note"]
        widgets = {
            "asked_on": DATE,
            "answered_on": DATE,
            "note": forms.TextInput(),
        }

    def clean(self) -> dict:
        data = super().clean()
        if data.get("answer") and data["answer"] != "pending" and not data.get("answered_on"):
            self.add_error("answered_on", _("请填写部门回复日期。"))
        if data.get("answer") == "issue" and not (data.get("note") or "").strip():
            self.add_error("note", _("部门反馈有问题时请写明具体问题。"))
        asked, answered = data.get("asked_on"), data.get("answered_on")
        if asked and answered and answered < asked:
            self.add_error("answered_on", _("回复日期不能早于征求日期。"))
        return data


class AssessmentForm(forms.ModelForm):
    class Meta:
        model = Assessment
        fields = ["kind", "held_on", "score", "max_score", "conclusion"]
        widgets = {"held_on": DATE, "conclusion": forms.TextInput()}

    def clean(self) -> dict:
        data = super().clean()
        score, top = data.get("score"), data.get("max_score")
        if score is not None and top is not None and not 0 <= score <= top:
            self.add_error("score", _("得分须在0到满分之间。"))
        return data


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("附件"))

    def clean_file(self):
        return clean_attachment(self.cleaned_data["file"])


class EnterPoolForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    category = forms.ChoiceField(label=_("后备类别"), choices=PoolCategory.choices)
    level = forms.ChoiceField(label=_("入库层级"), choices=PoolLevel.choices)
    readiness = forms.ChoiceField(label=_("成熟度"), choices=Readiness.choices)
    posts = forms.ModelMultipleChoiceField(
        label=_("拟任岗位"),
        queryset=VillagePost.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    entered_on = forms.DateField(label=_("入库时间"), widget=DATE)

    def __init__(self, *args, nomination: Nomination, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        posts = VillagePost.objects.filter(village_id=nomination.village_id).order_by(
            "kind", "seat"
        )
        self.fields["posts"].queryset = posts
        self.initial.setdefault("version", nomination.version)
        self.initial.setdefault("category", category_for_post(nomination.post_kind))
        self.initial.setdefault("level", PoolLevel.TOWNSHIP)
        self.initial.setdefault("readiness", Readiness.SOON)
        self.initial.setdefault("entered_on", timezone.localdate())
        if "posts" not in self.initial:
            self.initial["posts"] = [p.pk for p in posts if p.kind == nomination.post_kind][:1]

    def clean_entered_on(self) -> date:
        value = self.cleaned_data["entered_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("入库时间不能晚于今天。"))
        return value


class MembershipForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = PoolMembership
        fields = ["category", "level", "readiness", "posts"]
        widgets = {"posts": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["posts"].queryset = VillagePost.objects.filter(
            village_id=self.instance.village_id
        ).order_by("kind", "seat")
        self.initial.setdefault("version", self.instance.version)


class LeaveForm(forms.Form):
    left_on = forms.DateField(label=_("出库时间"), widget=DATE)
    reason = forms.ChoiceField(
        label=_("出库原因"),
        choices=_blank(_("请选择")) + LeaveReason.choices,
        error_messages={"required": _("出库须选择原因。")},
    )
    note = forms.CharField(
        label=_("说明"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, membership: PoolMembership, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.membership = membership
        self.initial.setdefault("left_on", timezone.localdate())

    def clean(self) -> dict:
        data = super().clean()
        left_on = data.get("left_on")
        if left_on and left_on < self.membership.entered_on:
            self.add_error(
                "left_on",
                _("出库时间不能早于入库时间（%(d)s）。") % {"d": self.membership.entered_on},
            )
        if left_on and left_on > timezone.localdate():
            self.add_error("left_on", _("出库时间不能晚于今天。"))
        if data.get("reason") == LeaveReason.OTHER and not (data.get("note") or "").strip():
            self.add_error("note", _("出库原因为“其他”时请填写说明。"))
        return data


EDUCATION_FILTERS = _blank(_("全部")) + [("college", _("大专及以上"))] + codes.Education.choices


class PoolFilterForm(forms.Form):
    q = forms.CharField(
        label=_("姓名、拼音首字母、身份证号或手机号"), required=False, max_length=50
    )
    township = forms.ModelChoiceField(
        label=_("乡镇（街道）"),
        queryset=Township.objects.none(),
        required=False,
        empty_label=_("全部"),
    )
    village = VillageChoiceField(
        label=_("村（社区）"),
        queryset=Village.objects.none(),
        required=False,
        empty_label=_("全部"),
    )
    category = forms.ChoiceField(
        label=_("后备类别"), required=False, choices=_blank(_("全部")) + PoolCategory.choices
    )
    readiness = forms.ChoiceField(
        label=_("成熟度"), required=False, choices=_blank(_("全部")) + Readiness.choices
    )
    level = forms.ChoiceField(
        label=_("入库层级"), required=False, choices=_blank(_("全部")) + PoolLevel.choices
    )
    age_band = forms.ChoiceField(
        label=_("年龄段"),
        required=False,
        choices=_blank(_("全部")) + [(key, label) for key, label, _a, _b in AGE_BANDS],
    )
    education = forms.ChoiceField(label=_("学历"), required=False, choices=EDUCATION_FILTERS)
    gender = forms.ChoiceField(
        label=_("性别"),
        required=False,
        choices=_blank(_("全部")) + [("1", _("男")), ("2", _("女"))],
    )
    party = forms.ChoiceField(label=_("中共党员"), required=False, choices=YES_NO)
    veteran = forms.ChoiceField(label=_("退役军人"), required=False, choices=YES_NO)
    returnee = forms.ChoiceField(label=_("返乡人员"), required=False, choices=YES_NO)

    def __init__(self, data, *, user: User) -> None:
        super().__init__(data)
        self.user = user
        self.fields["township"].queryset = Township.objects.in_scope(user)
        villages = villages_for(user)
        township_id = self.data.get("township")
        if township_id and str(township_id).isdigit():
            villages = villages.filter(township_id=township_id)
        self.fields["village"].queryset = villages
        if user.is_township:
            del self.fields["township"]

    def filter(self, qs):
        """Apply the valid filters; an invalid one (a stale link, a hand-edited URL) is ignored."""
        from django.db.models import Exists, OuterRef, Q

        from candidates.models import Homecoming

        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        today = timezone.localdate()
        if data.get("q"):
            found = search_people(Person.objects.in_scope(self.user), data["q"], user=self.user)
            qs = qs.filter(person__in=found.values("pk"))
        if data.get("township"):
            qs = qs.filter(village__township=data["township"])
        if data.get("village"):
            qs = qs.filter(village=data["village"])
        for field in ("category", "readiness", "level"):
            if data.get(field):
                qs = qs.filter(**{field: data[field]})
        if data.get("age_band"):
            qs = qs.filter(person__in=Person.objects.with_age_band(data["age_band"], today))
        education = data.get("education")
        if education == "college":
            qs = qs.filter(person__education__in=codes.COLLEGE_OR_ABOVE)
        elif education:
            qs = qs.filter(person__education=education)
        if data.get("gender"):
            qs = qs.filter(person__gender=data["gender"])
        if data.get("party") in ("0", "1"):
            party = Q(person__political_status__in=codes.PARTY_MEMBER)
            qs = qs.filter(party if data["party"] == "1" else ~party)
        if data.get("veteran") in ("0", "1"):
            qs = qs.filter(person__is_veteran=data["veteran"] == "1")
        if data.get("returnee") in ("0", "1"):
            came_back = Q(person__residence="returned") | Exists(
                Homecoming.objects.filter(person_id=OuterRef("person_id"))
            )
            qs = qs.filter(came_back if data["returnee"] == "1" else ~came_back)
        return qs


class CoverageFilterForm(forms.Form):
    township = forms.ModelChoiceField(
        label=_("乡镇（街道）"),
        queryset=Township.objects.none(),
        required=False,
        empty_label=_("全县"),
    )

    def __init__(self, data, *, user: User) -> None:
        super().__init__(data)
        self.fields["township"].queryset = Township.objects.in_scope(user)


class NominationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"), required=False, choices=_blank(_("全部")) + Status.choices
    )
    year = forms.IntegerField(label=_("年度"), required=False, min_value=2000, max_value=2100)
    channel = forms.ChoiceField(
        label=_("推荐方式"), required=False, choices=_blank(_("全部")) + Channel.choices
    )
    township = forms.ModelChoiceField(
        label=_("乡镇（街道）"),
        queryset=Township.objects.none(),
        required=False,
        empty_label=_("全部"),
    )

    def __init__(self, data, *, user: User) -> None:
        super().__init__(data)
        self.fields["township"].queryset = Township.objects.in_scope(user)
        if user.is_township:
            del self.fields["township"]

    def filter(self, qs):
        self.is_valid()
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        for field in ("status", "year", "channel", "township"):
            if data.get(field):
                qs = qs.filter(**{field: data[field]})
        return qs


# --- County settings, posts and incumbents -----------------------------------------------------


class ChecklistVersionForm(forms.Form):
    """A new version of the 双十清单. The four automatic conditions (age, education, party
    membership for party posts, residence) are always part of it and decided by the post
    conditions below; the lines of the two text boxes are the rest, one item a line."""

    title = forms.CharField(label=_("名称"), max_length=100)
    effective_from = forms.DateField(label=_("施行日期"), widget=DATE)
    qualifications = forms.CharField(
        label=_("其他资格条件（每行一条）"),
        max_length=LONG_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    negatives = forms.CharField(
        label=_("负面清单（每行一条）"),
        max_length=LONG_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 10}),
    )

    def __init__(self, *args, current=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        requirements = {r.post_kind: r for r in current.requirements.all()} if current else {}
        for kind, label in PostKind.choices:
            r = requirements.get(kind)
            self.fields[f"{kind}_min_age"] = forms.IntegerField(
                label=_("%(post)s最小年龄") % {"post": label},
                min_value=18,
                max_value=70,
                initial=r.min_age if r else 18,
            )
            self.fields[f"{kind}_max_age"] = forms.IntegerField(
                label=_("%(post)s最大年龄") % {"post": label},
                min_value=18,
                max_value=70,
                initial=r.max_age if r else 45,
            )
            self.fields[f"{kind}_min_education"] = forms.ChoiceField(
                label=_("%(post)s最低学历") % {"post": label},
                choices=codes.Education.choices,
                initial=r.min_education if r else codes.Education.HIGH_SCHOOL,
            )
        if current is not None:
            items = list(current.items.all())
            self.initial.setdefault("title", current.title)
            self.initial.setdefault(
                "qualifications",
                "\n".join(
                    i.text for i in items if i.kind == "qualification" and not i.is_automatic
                ),
            )
            self.initial.setdefault(
                "negatives", "\n".join(i.text for i in items if i.kind == "negative")
            )
        self.initial.setdefault("effective_from", timezone.localdate())

    @staticmethod
    def _lines(text: str) -> list[str]:
        return [line.strip() for line in text.splitlines() if line.strip()]

    def clean_qualifications(self) -> list[str]:
        lines = self._lines(self.cleaned_data["qualifications"])
        if len(lines) > 30 or any(len(line) > 300 for line in lines):
            raise forms.ValidationError(_("最多30条，每条不超过300字。"))
        return lines

    def clean_negatives(self) -> list[str]:
        lines = self._lines(self.cleaned_data["negatives"])
        if not lines:
            raise forms.ValidationError(_("负面清单至少一条。"))
        if len(lines) > 30 or any(len(line) > 300 for line in lines):
            raise forms.ValidationError(_("最多30条，每条不超过300字。"))
        return lines

    def clean(self) -> dict:
        data = super().clean()
        for kind, _label in PostKind.choices:
            low, high = data.get(f"{kind}_min_age"), data.get(f"{kind}_max_age")
            if low is not None and high is not None and low > high:
                self.add_error(f"{kind}_max_age", _("最大年龄不能小于最小年龄。"))
        return data

    def requirements(self) -> dict[str, tuple[int, int, str]]:
        data = self.cleaned_data
        return {
            kind: (data[f"{kind}_min_age"], data[f"{kind}_max_age"], data[f"{kind}_min_education"])
            for kind in PostKind.values
        }


class PolicyForm(forms.ModelForm):
    class Meta:
        model = CandidatePolicy
        fields = [
            "reserves_per_post",
            "leader_quota_min",
            "leader_quota_max",
            "retirement_watch_age",
            "min_assembly_representatives",
            "county_acts_for_lone_officer",
        ]

    def clean(self) -> dict:
        data = super().clean()
        low, high = data.get("leader_quota_min"), data.get("leader_quota_max")
        if low is not None and high is not None and low > high:
            self.add_error("leader_quota_max", _("上限不能小于下限。"))
        return data


class VillagePostForm(forms.ModelForm):
    class Meta:
        model = VillagePost
        fields = ["kind", "seat", "reserves_required"]

    def __init__(self, *args, village: Village, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.village = village

    def clean(self) -> dict:
        data = super().clean()
        kind, seat = data.get("kind"), data.get("seat")
        if kind and seat:
            clash = VillagePost.objects.filter(
                village=self.instance.village, kind=kind, seat=seat
            ).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("seat", _("该村已有这个岗位席位。"))
        return data


class PostRequirementForm(forms.ModelForm):
    class Meta:
        model = VillagePost
        fields = ["reserves_required"]


class AppointForm(PersonPickForm):
    started_on = forms.DateField(label=_("任职时间"), widget=DATE)
    term_end = forms.DateField(label=_("任期届满"), required=False, widget=DATE)
    appointed_how = forms.ChoiceField(
        label=_("产生方式"), choices=Incumbency._meta.get_field("appointed_how").choices
    )
    previous_end_reason = forms.ChoiceField(
        label=_("前任离任原因"), choices=EndReason.choices, initial=EndReason.ELECTION
    )

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("started_on"), data.get("term_end")
        if start and end and end <= start:
            self.add_error("term_end", _("任期届满须晚于任职时间。"))
        return data


class EndIncumbencyForm(forms.Form):
    ended_on = forms.DateField(label=_("离任时间"), widget=DATE)
    reason = forms.ChoiceField(label=_("离任原因"), choices=_blank(_("请选择")) + EndReason.choices)

    def __init__(self, *args, incumbency: Incumbency, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.incumbency = incumbency
        self.initial.setdefault("ended_on", timezone.localdate())

    def clean_ended_on(self) -> date:
        value = self.cleaned_data["ended_on"]
        if value < self.incumbency.started_on:
            raise forms.ValidationError(_("离任时间不能早于任职时间。"))
        return value


class TownshipLeaderForm(forms.ModelForm):
    class Meta:
        model = TownshipLeader
        fields = ["township", "name", "position", "is_active"]

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = Township.objects.in_scope(user)
        if user.is_township:
            self.fields["township"].disabled = True
            self.initial["township"] = user.township_id


# --- Outreach ----------------------------------------------------------------------------------


class OutreachEventForm(forms.ModelForm):
    class Meta:
        model = OutreachEvent
        fields = [
            "township",
            "kind",
            "occasion",
            "held_on",
            "place",
            "hosted_by",
            "policy_list_given",
            "offered",
            "note",
        ]
        widgets = {
            "held_on": DATE,
            "offered": forms.Textarea(attrs={"rows": 2}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = Township.objects.in_scope(user)
        if user.is_township:
            self.fields["township"].disabled = True
            self.initial["township"] = user.township_id


class ContactForm(forms.ModelForm):
    """A person reached: at an event (attendee) or by a visit."""

    class Meta:
        model = OutreachContact
        fields = [
            "person",
            "kind",
            "contacted_on",
            "contacted_by",
            "policy_list_given",
            "offered",
            "response",
            "follow_up_on",
            "note",
        ]
        widgets = {
            "person": forms.HiddenInput,
            "contacted_on": DATE,
            "follow_up_on": DATE,
            "offered": forms.TextInput(),
            "note": forms.TextInput(),
        }
        error_messages = {
            "person": {
                "required": _("请先从人才信息库中选择人员。"),
                "invalid_choice": _("所选人员不存在或不在您的管辖范围内。"),
            }
        }

    def __init__(self, *args, user: User, event: OutreachEvent | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.event = event
        self.fields["person"].queryset = Person.objects.in_scope(user)
        if event is not None:
            # The event's own township, date and kind; only the person's part is asked.
            self.fields["person"].queryset = Person.objects.filter(township_id=event.township_id)
            for name in ("kind", "contacted_on", "contacted_by"):
                del self.fields[name]
            self.instance.kind = "event"
            self.instance.event = event
            self.instance.contacted_on = event.held_on
            self.instance.township_id = event.township_id
        else:
            self.fields["kind"].choices = [
                c for c in self.fields["kind"].choices if c[0] != "event"
            ]
            self.initial.setdefault("contacted_on", timezone.localdate())

    def clean(self) -> dict:
        data = super().clean()
        person = data.get("person")
        if self.event is not None and person is not None:
            clash = OutreachContact.objects.filter(event=self.event, person=person)
            if clash.exclude(pk=self.instance.pk).exists():
                self.add_error("person", _("%(name)s 已在参会名单中。") % {"name": person.name})
        contacted = data.get("contacted_on") or self.instance.contacted_on
        follow = data.get("follow_up_on")
        if follow and contacted and follow < contacted:
            self.add_error("follow_up_on", _("跟进日期不能早于本次联系日期。"))
        if person is not None and self.event is None:
            self.instance.township_id = person.township_id
        return data


class ContactUpdateForm(forms.ModelForm):
    class Meta:
        model = OutreachContact
        fields = ["response", "offered", "follow_up_on", "follow_up_done", "note"]
        widgets = {"follow_up_on": DATE, "offered": forms.TextInput(), "note": forms.TextInput()}


class HomecomingForm(forms.Form):
    returned_on = forms.DateField(label=_("返乡时间"), widget=DATE)
    plan = forms.CharField(label=_("返乡后去向"), required=False, max_length=200)

    def clean_returned_on(self) -> date:
        value = self.cleaned_data["returned_on"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("返乡时间不能晚于今天。"))
        return value


# --- Selection ---------------------------------------------------------------------------------


class AssemblyForm(forms.ModelForm):
    class Meta:
        model = Assembly
        fields = [
            "village",
            "announced_on",
            "held_on",
            "cadres_present",
            "party_members_present",
            "council_members_present",
            "representatives_present",
            "speeches_note",
            "qa_note",
            "result_note",
            "approved_on",
            "approval_note",
        ]
        widgets = {
            "announced_on": DATE,
            "held_on": DATE,
            "approved_on": DATE,
            "speeches_note": forms.Textarea(attrs={"rows": 2}),
            "qa_note": forms.Textarea(attrs={"rows": 2}),
            "result_note": forms.Textarea(attrs={"rows": 2}),
            "approval_note": forms.Textarea(attrs={"rows": 2}),
        }
        field_classes = {"village": VillageChoiceField}

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages_for(user)
        self.fields["village"].error_messages["invalid_choice"] = _(
            "所选村（社区）不存在或不在您的管辖范围内。"
        )

    def clean(self) -> dict:
        data = super().clean()
        minimum = CandidatePolicy.load().min_assembly_representatives
        present = data.get("representatives_present")
        if present is not None and present < minimum:
            self.add_error(
                "representatives_present",
                _("村民代表到会不少于%(n)s人，大会方为有效。") % {"n": minimum},
            )
        announced, held, approved = (
            data.get("announced_on"),
            data.get("held_on"),
            data.get("approved_on"),
        )
        if announced and held and announced > held:
            self.add_error("announced_on", _("公告日期不能晚于大会日期。"))
        if approved and held and approved < held:
            self.add_error("approved_on", _("审批日期不能早于大会日期。"))
        if approved and not (data.get("approval_note") or "").strip():
            self.add_error("approval_note", _("请填写乡镇党委审批意见。"))
        return data


class AssemblyCandidateForm(forms.ModelForm):
    class Meta:
        model = AssemblyCandidate
        fields = ["nomination", "speech_note", "votes", "elected"]
        widgets = {"speech_note": forms.TextInput()}

    def __init__(self, *args, assembly: Assembly, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.assembly = assembly
        self.instance.assembly = assembly
        self.fields["nomination"].queryset = (
            Nomination.objects.filter(village_id=assembly.village_id)
            .exclude(status__in=[Status.WITHDRAWN, Status.DISQUALIFIED])
            .select_related("person")
        )
        self.fields["nomination"].error_messages["invalid_choice"] = _(
            "只能选择推荐到本村（社区）的人选。"
        )
        self.fields["nomination"].label_from_instance = lambda n: (
            f"{n.person.name}（{n.year}年 {n.get_post_kind_display()}，{n.get_status_display()}）"
        )

    def clean(self) -> dict:
        data = super().clean()
        nomination = data.get("nomination")
        if nomination is not None:
            clash = AssemblyCandidate.objects.filter(assembly=self.assembly, nomination=nomination)
            if clash.exclude(pk=self.instance.pk).exists():
                self.add_error("nomination", _("该人选已在本次大会候选人名单中。"))
        return data


# --- Demand -----------------------------------------------------------------------------------


class DemandForm(forms.ModelForm):
    industries = forms.MultipleChoiceField(
        label=_("产业方向"),
        choices=Industry.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = VillageDemand
        fields = [
            "village",
            "title",
            "industries",
            "skills",
            "post",
            "max_age",
            "min_education",
            "party_member_required",
            "note",
            "is_open",
        ]
        widgets = {"note": forms.Textarea(attrs={"rows": 2})}
        field_classes = {"village": VillageChoiceField}

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["village"].queryset = villages_for(user)
        self.fields["village"].error_messages["invalid_choice"] = _(
            "所选村（社区）不存在或不在您的管辖范围内。"
        )
        self.fields["post"].queryset = VillagePost.objects.in_scope(user).select_related("village")
        self.fields["post"].label_from_instance = lambda p: f"{p.village.name} {p}"
        self.fields["max_age"].validators.append(MinValueValidator(18))

    def clean(self) -> dict:
        data = super().clean()
        post, village = data.get("post"), data.get("village")
        if post is not None and village is not None and post.village_id != village.pk:
            self.add_error("post", _("拟补充岗位须是该村（社区）的岗位。"))
        return data
