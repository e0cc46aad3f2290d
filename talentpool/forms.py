from __future__ import annotations

import contextlib

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.forms import PasswordChangeForm as BasePasswordChangeForm
from django.contrib.auth.signals import user_login_failed
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from talentpool import codes
from talentpool.identity import (
    InvalidIdNumber,
    InvalidPhone,
    normalize_phone,
    parse_id_number,
)
from talentpool.lookup import search_people
from talentpool.models import AGE_BANDS, Person, PersonQuerySet, Township, User, Village
from talentpool.text import clean_name

YES_NO = [("", _("全部")), ("1", _("是")), ("0", _("否"))]

SORTS = {
    "name": ("name_pinyin", "id"),
    "-name": ("-name_pinyin", "-id"),
    "age": ("-birth_date", "id"),
    "-age": ("birth_date", "id"),
    "township": ("township__code", "name_pinyin", "id"),
    "-updated": ("-updated_at", "-id"),
}
SORT_LABELS = [
    ("name", _("姓名")),
    ("-name", _("姓名（倒序）")),
    ("age", _("年龄从小到大")),
    ("-age", _("年龄从大到小")),
    ("township", _("乡镇（街道）")),
    ("-updated", _("最近更新")),
]


def _blank(label: str) -> list[tuple[str, str]]:
    return [("", label)]


class RegistryFilterForm(forms.Form):
    q = forms.CharField(label=_("查找"), required=False, max_length=50)
    township = forms.ModelChoiceField(
        label=_("乡镇（街道）"),
        queryset=Township.objects.none(),
        required=False,
        empty_label=_("全部"),
    )
    village = forms.ModelChoiceField(
        label=_("村（社区）"),
        queryset=Village.objects.none(),
        required=False,
        empty_label=_("全部"),
    )
    education = forms.ChoiceField(
        label=_("学历"), required=False, choices=_blank(_("全部")) + codes.Education.choices
    )
    political_status = forms.ChoiceField(
        label=_("政治面貌"),
        required=False,
        choices=_blank(_("全部")) + codes.PoliticalStatus.choices,
    )
    age_band = forms.ChoiceField(
        label=_("年龄段"),
        required=False,
        choices=_blank(_("全部")) + [(key, label) for key, label, _a, _b in AGE_BANDS],
    )
    is_veteran = forms.ChoiceField(label=_("退役军人"), required=False, choices=YES_NO)
    return_intention = forms.ChoiceField(
        label=_("返乡意愿"), required=False, choices=_blank(_("全部")) + codes.Willingness.choices
    )
    village_post_intention = forms.ChoiceField(
        label=_("任职意愿"), required=False, choices=_blank(_("全部")) + codes.Willingness.choices
    )
    sort = forms.ChoiceField(label=_("排序"), required=False, choices=SORT_LABELS)

    def __init__(self, data, *, user: User) -> None:
        super().__init__(data)
        self.user = user
        townships = Township.objects.in_scope(user)
        self.fields["township"].queryset = townships
        villages = Village.objects.in_scope(user)
        township_id = self.data.get("township")
        if township_id and str(township_id).isdigit():
            villages = villages.filter(township_id=township_id)
        self.fields["village"].queryset = villages
        if user.is_township:
            del self.fields["township"]

    def filter(self, qs: PersonQuerySet) -> PersonQuerySet:
        """Apply the valid filters; an invalid one (a stale link, a hand-edited URL) is ignored."""
        data = self.cleaned_data if self.is_valid() else self._valid_part()
        today = timezone.localdate()
        if data.get("q"):
            qs = search_people(qs, data["q"], user=self.user)
        if data.get("township"):
            qs = qs.filter(township=data["township"])
        if data.get("village"):
            qs = qs.filter(village=data["village"])
        for field in ("education", "political_status", "return_intention"):
            if data.get(field):
                qs = qs.filter(**{field: data[field]})
        if data.get("village_post_intention"):
            qs = qs.filter(village_post_intention=data["village_post_intention"])
        if data.get("age_band"):
            qs = qs.with_age_band(data["age_band"], today)
        if data.get("is_veteran") in ("0", "1"):
            qs = qs.filter(is_veteran=data["is_veteran"] == "1")
        return qs.order_by(*SORTS.get(data.get("sort") or "name", SORTS["name"]))

    def _valid_part(self) -> dict:
        return {name: value for name, value in self.cleaned_data.items() if name not in self.errors}


class PersonForm(forms.ModelForm):
    """Create and edit a person. Birth date and gender may be left blank: the ID number gives them;
    if given, they must agree with it."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Person
        fields = [
            "name",
            "id_number",
            "gender",
            "birth_date",
            "ethnicity",
            "phone",
            "township",
            "village",
            "residence",
            "work_place",
            "industry_unit",
            "education",
            "school_major",
            "political_status",
            "party_join_date",
            "is_veteran",
            "skills",
            "return_intention",
            "village_post_intention",
            "remark",
        ]
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "party_join_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "remark": forms.Textarea(attrs={"rows": 3}),
            "skills": forms.TextInput(),
        }

    def __init__(self, data=None, *, user: User, instance: Person | None = None) -> None:
        super().__init__(data, instance=instance)
        self.user = user
        self.fields["gender"].required = False
        self.fields["birth_date"].required = False
        self.fields["township"].queryset = Township.objects.in_scope(user)
        self.fields["village"].queryset = Village.objects.in_scope(user).select_related("township")
        if not user.is_county:
            # Only the county moves people between townships.
            self.fields["township"].disabled = True
            if instance is None or instance.pk is None:
                self.initial["township"] = user.township_id
        if instance is not None and instance.pk:
            self.initial["version"] = instance.version
            if not instance.shows_personal_data_to(user):
                # The masked values are shown (full ones only to users with the right, after a
                # reason); the fields keep what is stored.
                self.fields["id_number"].disabled = True
                self.initial["id_number"] = instance.id_number_for(user)
                self.fields["phone"].disabled = True
                self.initial["phone"] = instance.phone_for(user)
                # The full birth date would give the masked digits back: it comes from the
                # stored number and is neither shown nor changed here.
                del self.fields["birth_date"]

    def clean_name(self) -> str:
        name = clean_name(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError(_("请填写姓名。"))
        return name

    def clean_id_number(self) -> str:
        if self.fields["id_number"].disabled:
            # Blank birth date and gender are still derived from the stored number.
            with contextlib.suppress(InvalidIdNumber):
                self._id_info = parse_id_number(self.instance.id_number)
            return self.instance.id_number
        try:
            info = parse_id_number(self.cleaned_data["id_number"])
        except InvalidIdNumber as exc:
            raise forms.ValidationError(exc.message, code=exc.reason) from None
        clash = Person.objects.filter(id_number=info.number).exclude(pk=self.instance.pk)
        if clash.exists():
            # Say only that the number is registered: the other record may be out of scope.
            raise forms.ValidationError(_("该身份证号已登记，不能重复录入。"), code="duplicate")
        self._id_info = info
        return info.number

    def clean_phone(self) -> str:
        if self.fields["phone"].disabled:
            return self.instance.phone
        try:
            return normalize_phone(self.cleaned_data["phone"]) or ""
        except InvalidPhone as exc:
            raise forms.ValidationError(exc.message, code="invalid_phone") from None

    def clean(self) -> dict:
        data = super().clean()
        info = getattr(self, "_id_info", None)
        if info is not None:
            if not data.get("birth_date") and "birth_date" not in self.errors:
                data["birth_date"] = info.birth_date
                self.instance.birth_date = info.birth_date
            if not data.get("gender") and "gender" not in self.errors:
                data["gender"] = info.gender
                self.instance.gender = info.gender
        village = data.get("village")
        township = data.get("township")
        if village and township and village.township_id != township.pk:
            self.add_error("village", _("所选村（社区）不属于该乡镇（街道）。"))
        version = data.get("version")
        if self.instance.pk and version is not None and version != self.instance.version:
            raise forms.ValidationError(
                _("保存失败：该记录已被他人修改（当前为第%(v)s版）。请核对下方最新内容后再提交。")
                % {"v": self.instance.version},
                code="stale",
            )
        return data

    def save(self, commit: bool = True) -> Person:
        person = super().save(commit=False)
        if commit:
            if person.pk:
                expected = self.cleaned_data.get("version") or person.version
                if not person.save_checked(expected):
                    raise StaleEdit
            else:
                person.save()
        return person


class StaleEdit(Exception):
    """Someone else saved the record between this form's read and its save."""


AUDIT_LABELS = [
    ("", _("全部")),
    ("insert", _("新增")),
    ("update", _("修改")),
    ("delete", _("删除")),
]


class AuditFilterForm(forms.Form):
    model = forms.ChoiceField(label=_("对象类型"), required=False, choices=_blank(_("全部")))
    object_id = forms.IntegerField(label=_("对象编号"), required=False, min_value=1)
    username = forms.CharField(label=_("操作用户"), required=False, max_length=150)
    label = forms.ChoiceField(label=_("操作"), required=False, choices=AUDIT_LABELS)
    start = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data) -> None:
        super().__init__(data)
        self.fields["model"].choices = _blank(_("全部")) + list(audited_model_choices())


def audited_model_choices():
    """(event object model label, verbose name) of every audited model, later apps included."""
    import pghistory.models
    from django.apps import apps

    seen = set()
    for model in apps.get_models():
        if issubclass(model, pghistory.models.Event) and model.pgh_tracked_model:
            tracked = model.pgh_tracked_model
            label = tracked._meta.label
            if label not in seen:
                seen.add(label)
                yield label, tracked._meta.verbose_name


# --- Accounts ----------------------------------------------------------------------------------


# No one types a longer password; a longer one only costs the server time to hash.
PASSWORD_MAX_LENGTH = 128


def _password_field(label, autocomplete: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        strip=False,
        max_length=PASSWORD_MAX_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": autocomplete}),
    )


class LoginForm(AuthenticationForm):
    """Django's sign-in form, refusing a username longer than any account's before it reaches
    the authentication backends (Django sets the field's max_length after its validators are
    built, so it never checks it). The refusal is a failed sign-in like any other: the same
    message, and counted by the lockout."""

    password = _password_field(_("密码"), "current-password")

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        if len(username) > self.username_field.max_length:
            user_login_failed.send(
                sender=__name__,
                credentials={"username": username},
                request=self.request,
            )
            raise self.get_invalid_login_error()
        return super().clean()


class PasswordChangeForm(BasePasswordChangeForm):
    old_password = _password_field(_("当前密码"), "current-password")
    new_password1 = _password_field(_("新密码"), "new-password")
    new_password2 = _password_field(_("确认新密码"), "new-password")

    def clean_new_password1(self) -> str:
        password = self.cleaned_data["new_password1"]
        if self.user.check_password(password):
            raise forms.ValidationError(_("新密码不能与当前密码相同。"), code="password_reused")
        return password


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("动态验证码"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]{6}"}
        ),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].strip().replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError(_("验证码为6位数字。"))
        return token


# --- Personal data -------------------------------------------------------------------------------

REVEAL_REASONS = [
    ("", _("请选择")),
    ("联系本人", _("联系本人")),
    ("核对身份", _("核对身份")),
    ("资格审查", _("资格审查")),
    ("上级要求", _("上级要求")),
]


class RevealForm(forms.Form):
    reason = forms.ChoiceField(label=_("查看事由"), choices=REVEAL_REASONS)
    note = forms.CharField(label=_("补充说明"), required=False, max_length=200)

    def reason_text(self) -> str:
        note = self.cleaned_data.get("note", "").strip()
        reason = self.cleaned_data["reason"]
        return f"{reason}：{note}" if note else reason


class ExportRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("导出用途"),
        max_length=200,
        min_length=4,
        help_text=_("写明用途，如：报送县委组织部的年度后备干部名册。审批人和审计员可见。"),
    )


class ExportDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("approve", _("批准")), ("reject", _("驳回"))], widget=forms.HiddenInput
    )
    note = forms.CharField(label=_("审批意见"), max_length=200, required=False)


class AccessLogFilterForm(forms.Form):
    username = forms.CharField(label=_("用户名"), required=False, max_length=150)
    action = forms.ChoiceField(label=_("操作"), required=False)
    person = forms.IntegerField(label=_("人员编号"), required=False, min_value=1)
    start = forms.DateField(
        label=_("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data) -> None:
        from talentpool.models import AccessAction

        super().__init__(data)
        self.fields["action"].choices = _blank(_("全部")) + AccessAction.choices
