from __future__ import annotations

import re
from datetime import date

from django import forms
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext_lazy as _

from candidates.models import (
    AppointedHow,
    EndReason,
    Incumbency,
    PoolCategory,
    Readiness,
    VillagePost,
)
from evaluation.models import (
    DEFAULT_DIMENSIONS,
    MANUAL_STEPS,
    Conclusion,
    Grade,
    ReviewRound,
    Scoring,
    StepKind,
)
from talentpool.models import Person, Township, User
from talentpool.survey.reader import FileRejected, is_zip, vet_workbook
from talentpool.text import NOTE_MAX_LENGTH

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MAX_DIMENSIONS = 8
UPLOAD_MAX_BYTES = 5 * 1024 * 1024


# --- Dashboards --------------------------------------------------------------------------------


class ComparisonForm(forms.Form):
    """The two dates the committees are compared on (by default the eve and the day of 换届)."""

    before = forms.DateField(label=_("较早日期"), required=False, widget=DATE_INPUT)
    after = forms.DateField(label=_("较晚日期"), required=False, widget=DATE_INPUT)

    def clean(self):
        data = super().clean()
        before, after = data.get("before"), data.get("after")
        if before and after and before >= after:
            raise forms.ValidationError(_("较早日期须早于较晚日期。"))
        for value in (before, after):
            if value and not (date(1990, 1, 1) <= value <= date(2100, 12, 31)):
                raise forms.ValidationError(_("请选择1990年至2100年之间的日期。"))
        return data


class TownshipFilterForm(forms.Form):
    """Pick one township among those the user may see (county officers and leaders)."""

    township = forms.ModelChoiceField(
        label=_("乡镇（街道）"), queryset=Township.objects.none(), required=False
    )

    def __init__(self, data, *, user: User, empty_label=None) -> None:
        super().__init__(data)
        field = self.fields["township"]
        field.queryset = Township.objects.in_scope(user).order_by("code")
        field.empty_label = empty_label or _("全县")

    def chosen_township(self) -> Township | None:
        if self.is_valid():
            return self.cleaned_data["township"]
        return None


class RosterFilterForm(TownshipFilterForm):
    category = forms.ChoiceField(
        label=_("后备类别"), required=False, choices=[("", _("全部"))] + PoolCategory.choices
    )
    readiness = forms.ChoiceField(
        label=_("成熟度"), required=False, choices=[("", _("全部"))] + Readiness.choices
    )


class ReviewSheetExportForm(forms.Form):
    """Which review sheet (a round and a township) an export of the .xlsx template is for,
    checked against the requester's scope: a township officer's own township only."""

    round = forms.ModelChoiceField(label=_("考核"), queryset=ReviewRound.objects.none())
    township = forms.ModelChoiceField(
        label=_("乡镇（街道）"), queryset=Township.objects.none(), required=False
    )

    def __init__(self, data, *, user: User) -> None:
        super().__init__(data)
        self.user = user
        self.fields["round"].queryset = ReviewRound.objects.in_scope(user)
        self.fields["township"].queryset = Township.objects.in_scope(user)

    def clean(self) -> dict:
        data = super().clean()
        round = data.get("round")
        if round is None or "township" in self.errors:
            return data
        township = data.get("township")
        if township is None:
            if self.user.is_township:
                township = self.user.township
            elif round.township_id:
                township = round.township
            else:
                raise forms.ValidationError(_("全县的考核须选择乡镇（街道）。"))
        if not round.covers(township.pk):
            raise forms.ValidationError(_("该考核不包括所选乡镇（街道）。"))
        data["township"] = township
        return data


# --- Review rounds -----------------------------------------------------------------------------


def dimensions_text(dimensions: list[dict]) -> str:
    return "\n".join(d["label"] for d in dimensions)


def parse_dimensions(text: str) -> list[dict]:
    """One label a line (or separated by 、，,;；); the default dimensions keep their keys so
    rounds can be compared dimension by dimension."""
    labels = [w.strip() for w in re.split(r"[\r\n、，,;；]+", text) if w.strip()]
    defaults = {d["label"]: d["key"] for d in DEFAULT_DIMENSIONS}
    used: set[str] = set()
    dimensions = []
    for i, label in enumerate(labels, start=1):
        key = defaults.get(label, f"d{i}")
        while key in used:
            key = f"{key}_{i}"
        used.add(key)
        dimensions.append({"key": key, "label": label})
    return dimensions


class RoundForm(forms.ModelForm):
    dimensions_text = forms.CharField(
        label=_("考核维度"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("每行一个维度，最多8个。默认：思想政治、履职能力、工作作风、群众口碑。"),
    )

    class Meta:
        model = ReviewRound
        fields = [
            "name",
            "period",
            "starts_on",
            "ends_on",
            "due_on",
            "township",
            "scoring",
            "remove_after_two_basic",
        ]
        widgets = {"starts_on": DATE_INPUT, "ends_on": DATE_INPUT, "due_on": DATE_INPUT}

    def __init__(self, *args, user: User, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        township = self.fields["township"]
        township.queryset = Township.objects.in_scope(user).order_by("code")
        if user.is_township:
            # A township runs rounds of its own; county-wide rounds are the county's.
            township.required = True
            township.empty_label = None
        else:
            township.empty_label = _("全县")
        if not self.is_bound and not self.instance.pk:
            self.initial.setdefault("dimensions_text", dimensions_text(DEFAULT_DIMENSIONS))
        elif self.instance.pk:
            self.initial.setdefault("dimensions_text", dimensions_text(self.instance.dimensions))

    def clean_dimensions_text(self) -> str:
        dimensions = parse_dimensions(self.cleaned_data["dimensions_text"])
        if not dimensions:
            raise forms.ValidationError(_("请至少填写一个考核维度。"))
        if len(dimensions) > MAX_DIMENSIONS:
            raise forms.ValidationError(_("考核维度最多8个。"))
        if any(len(d["label"]) > 20 for d in dimensions):
            raise forms.ValidationError(_("每个维度名称不超过20个字。"))
        if len({d["label"] for d in dimensions}) != len(dimensions):
            raise forms.ValidationError(_("考核维度名称不能重复。"))
        self.instance.dimensions = dimensions
        return self.cleaned_data["dimensions_text"]

    def clean(self):
        data = super().clean()
        starts, ends, due = data.get("starts_on"), data.get("ends_on"), data.get("due_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("考核期止不能早于考核期起。"))
        if starts and due and due < starts:
            self.add_error("due_on", _("提交截止日期不能早于考核期起。"))
        if self.instance.pk and self.instance.reviews.exists():
            if data.get("scoring") and data["scoring"] != self.instance.scoring:
                self.add_error("scoring", _("本轮已有考核记录，不能再改评分方式。"))
            if data.get("township") != self.instance.township:
                self.add_error("township", _("本轮已有考核记录，不能再改考核范围。"))
        return data


class ReviewRowForm(forms.Form):
    """One reserve's row on the review sheet; fields are prefixed with the membership id."""

    conclusion = forms.ChoiceField(
        label=_("考核结论"), required=False, choices=[("", "—")] + Conclusion.choices
    )
    reviewer = forms.CharField(label=_("考核人"), required=False, max_length=100)
    evidence = forms.CharField(label=_("主要事实依据"), required=False, max_length=2000)
    version = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, round: ReviewRound, person_name: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.round = round
        self.dimension_fields = []
        for i, dimension in enumerate(round.dimensions):
            name = f"dim_{dimension['key']}"
            if round.scoring == Scoring.GRADE:
                field = forms.ChoiceField(
                    label=dimension["label"], required=False, choices=[("", "—")] + Grade.choices
                )
            else:
                field = forms.IntegerField(
                    label=dimension["label"],
                    required=False,
                    min_value=0,
                    max_value=100,
                    error_messages={
                        "invalid": _("请填写0到100之间的整数。"),
                        "min_value": _("分数不能小于0。"),
                        "max_value": _("分数不能大于100。"),
                    },
                )
                field.widget.attrs.update({"inputmode": "numeric", "step": 1})
            field.widget.attrs.update(
                {
                    "data-col": str(i),
                    "aria-label": f"{person_name} {dimension['label']}",
                    "class": "form-select form-select-sm"
                    if round.scoring == Scoring.GRADE
                    else "form-control form-control-sm",
                }
            )
            self.fields[name] = field
            self.dimension_fields.append(name)
        base = len(round.dimensions)
        for offset, (name, css) in enumerate(
            [
                ("conclusion", "form-select form-select-sm"),
                ("reviewer", "form-control form-control-sm"),
                ("evidence", "form-control form-control-sm evidence"),
            ]
        ):
            self.fields[name].widget.attrs.update(
                {
                    "data-col": str(base + offset),
                    "class": css,
                    "aria-label": f"{person_name} {self.fields[name].label}",
                }
            )
        # Field order on the row: dimensions first, then the conclusion.
        self.order_fields([*self.dimension_fields, "conclusion", "reviewer", "evidence", "version"])

    def dimension_bound_fields(self):
        return [self[name] for name in self.dimension_fields]

    def scores(self) -> dict:
        return {
            name.removeprefix("dim_"): self.cleaned_data.get(name) for name in self.dimension_fields
        }

    def is_blank(self) -> bool:
        """Nothing typed in a row that was never saved: no row is made for it."""
        data = self.cleaned_data
        return not any(data.get(name) not in (None, "") for name in self.dimension_fields) and not (
            data.get("conclusion") or data.get("reviewer") or data.get("evidence")
        )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("考核结果表（.xlsx）"),
        help_text=_("请使用本页下载的模板填写，不要改动表头和“编号”列。"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(
                _("请上传 .xlsx 格式的Excel文件（旧版 .xls 请先另存为 .xlsx）。")
            )
        if upload.size > UPLOAD_MAX_BYTES:
            raise forms.ValidationError(_("文件不能超过5MB。"))
        # The survey reader's package checks before openpyxl inflates anything: zip bombs,
        # encrypted or damaged packages, a file that is no workbook at all.
        head = upload.read(8)
        upload.seek(0)
        if not is_zip(head):
            raise forms.ValidationError(_("无法读取该文件，请确认是用Excel保存的 .xlsx 文件。"))
        try:
            vet_workbook(upload)
        except FileRejected as rejected:
            raise forms.ValidationError(rejected.message) from None
        finally:
            upload.seek(0)
        return upload


class TownshipChoiceForm(forms.Form):
    """The township a county officer confirms or returns in a round."""

    township = forms.ModelChoiceField(label=_("乡镇（街道）"), queryset=Township.objects.none())
    note = forms.CharField(label=_("退回意见"), required=False, max_length=200)

    def __init__(self, data, *, round: ReviewRound, user: User, note_required=False) -> None:
        super().__init__(data)
        townships = Township.objects.in_scope(user)
        if round.township_id:
            townships = townships.filter(pk=round.township_id)
        self.fields["township"].queryset = townships
        self.fields["note"].required = note_required


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("处理意见"), required=False, max_length=200)


# --- Promotion and careers ---------------------------------------------------------------------


class AppointForm(forms.Form):
    post = forms.ModelChoiceField(label=_("任职岗位"), queryset=VillagePost.objects.none())
    how = forms.ChoiceField(label=_("产生方式"), choices=AppointedHow.choices)
    on = forms.DateField(label=_("任职日期"), widget=DATE_INPUT)
    term_end = forms.DateField(label=_("任期届满"), required=False, widget=DATE_INPUT)
    end_reason = forms.ChoiceField(
        label=_("原任职人员离任原因"),
        choices=EndReason.choices,
        initial=EndReason.ELECTION,
        help_text=_("该岗位有现任人员时适用"),
    )
    keep_other_posts = forms.BooleanField(
        label=_("保留其现任职务（如书记、主任“一肩挑”）"), required=False
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=200)

    def __init__(self, data, *, user: User, person: Person, township_id: int) -> None:
        super().__init__(data)
        holder = Incumbency.objects.filter(post=OuterRef("pk"), ended_on__isnull=True)
        posts = (
            VillagePost.objects.in_scope(user)
            .filter(village__township_id=township_id)
            .select_related("village")
            .annotate(holder=Subquery(holder.values("person__name")[:1]))
            .order_by("village__code", "kind", "seat")
        )
        field = self.fields["post"]
        field.queryset = posts
        field.label_from_instance = lambda p: (
            f"{p.village.name} {p}" + (f"（现任：{p.holder}）" if p.holder else "（空缺）")
        )
        self.person = person

    def clean(self):
        data = super().clean()
        on, term_end = data.get("on"), data.get("term_end")
        if on and term_end and term_end <= on:
            self.add_error("term_end", _("任期届满日期须晚于任职日期。"))
        if on and self.person.birth_date and on <= self.person.birth_date:
            self.add_error("on", _("任职日期不能早于出生日期。"))
        return data


class CareerStepForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=[(k.value, k.label) for k in MANUAL_STEPS])
    on = forms.DateField(label=_("日期"), widget=DATE_INPUT)
    unit = forms.CharField(
        label=_("单位"), required=False, max_length=100, help_text=_("招录为事业编制时必填")
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=200)

    def clean(self):
        data = super().clean()
        if data.get("kind") == StepKind.PUBLIC_INSTITUTION and not data.get("unit", "").strip():
            self.add_error("unit", _("请填写招录单位。"))
        if data.get("kind") == StepKind.OTHER and not data.get("note", "").strip():
            self.add_error("note", _("类别为“其他”时请填写说明。"))
        return data
