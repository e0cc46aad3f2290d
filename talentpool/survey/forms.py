"""Forms of the survey pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from talentpool.models import Township, User
from talentpool.survey.fields import OTHER, SKIP, SURVEY_FIELDS
from talentpool.survey.models import ImportBatch

ACCEPTED_EXTENSIONS = ".xlsx,.xlsm,.xls,.ods,.csv,.txt"


class UploadForm(forms.Form):
    """A county officer picks the township; a township officer's is fixed (a township sent in
    the request by anyone else is not even read)."""

    township = forms.ModelChoiceField(
        label=_("乡镇（街道）"), queryset=Township.objects.none(), empty_label=_("请选择")
    )
    file = forms.FileField(
        label=_("登记表文件"),
        help_text=_("Excel（.xlsx、.xls）、WPS 或 LibreOffice 表格，或 CSV 文件，最大 50 MB。"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_EXTENSIONS}),
        error_messages={
            "required": _("请选择要上传的登记表文件。"),
            "empty": _("上传的文件是空的（0 字节），请检查是否选对了文件。"),
            "invalid": _("没有收到文件，请重新选择后上传。"),
        },
    )

    def __init__(self, data=None, files=None, *, user: User) -> None:
        super().__init__(data, files)
        self.user = user
        if user.is_county:
            self.fields["township"].queryset = Township.objects.in_scope(user)
        else:
            del self.fields["township"]

    def chosen_township(self) -> Township:
        if self.user.is_county:
            return self.cleaned_data["township"]
        return self.user.township


class TemplateForm(forms.Form):
    """Which township's villages the template's drop-down offers (county officers choose)."""

    township = forms.ModelChoiceField(
        label=_("乡镇（街道）"), queryset=Township.objects.none(), required=False
    )

    def __init__(self, data=None, *, user: User) -> None:
        super().__init__(data)
        self.fields["township"].queryset = Township.objects.in_scope(user)
        self.user = user

    def chosen_township(self) -> Township | None:
        if self.user.is_township:
            return self.user.township
        return self.cleaned_data.get("township") if self.is_valid() else None


class ColumnAnswersForm(forms.Form):
    """For each filled column of the preview that no field takes: the field it holds, 不导入, or
    keep it with the person as other information."""

    def __init__(self, data=None, *, batch: ImportBatch) -> None:
        super().__init__(data)
        columns = (batch.report or {}).get("columns", [])
        taken = {c["field"] for c in columns if c.get("field")}
        free = [(f.name, f.label) for f in SURVEY_FIELDS if f.name not in taken and f.name != "seq"]
        self.keys: dict[str, str] = {}
        for column in batch.unanswered_columns:
            name = f"col_{column['column']}"
            self.keys[name] = column["key"]
            self.fields[name] = forms.ChoiceField(
                label=_("第%(letter)s列“%(heading)s”")
                % {"letter": column["column"], "heading": column["heading"] or _("（无表头）")},
                choices=[
                    ("", _("请选择")),
                    (OTHER, _("作为“其他信息”保存到人员信息中")),
                    (SKIP, _("不导入")),
                    (_("对应的登记项"), free),
                ],
                error_messages={"required": _("请选择这一列如何处理。")},
                widget=forms.Select(attrs={"class": "form-select survey-column-select"}),
            )
            self.fields[name].samples = column.get("samples") or []
            self.fields[name].filled = column.get("filled_rows", 0)

    def clean(self) -> dict:
        data = super().clean()
        chosen: dict[str, str] = {}
        for name, value in list(data.items()):
            if value in (OTHER, SKIP) or not value:
                continue
            if value in chosen:
                self.add_error(
                    name,
                    _("这一项已选给了%(other)s，同一登记项只能对应一列。")
                    % {"other": self.fields[chosen[value]].label},
                )
            chosen[value] = name
        return data

    def answers(self) -> dict[str, str]:
        return {self.keys[name]: value for name, value in self.cleaned_data.items()}
