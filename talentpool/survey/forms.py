"""Forms of the survey pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from talentpool.models import Township, User

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
