"""Hooks the survey import adds to the core: its export kinds in talentpool.exports - the
registry in the template's columns, and a batch's error report and original file (both hold
the uploaded rows of many people: asked for, approved, downloaded once and logged like any
export).

TalentpoolConfig.ready() calls register_exports() at start-up. Registering twice is harmless.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

REPORT_KIND = "survey_report"
ORIGINAL_KIND = "survey_original"


class BatchExportForm(forms.Form):
    """Which import batch's file an export is for: one of the requester's scope that still has
    the file (the original) or its rows (the error report)."""

    batch = forms.ModelChoiceField(label=_("导入批次"), queryset=None)

    def __init__(self, data, *, user, kind: str) -> None:
        from talentpool.survey.models import BatchStatus, ImportBatch

        super().__init__(data)
        batches = ImportBatch.objects.in_scope(user)
        if kind == REPORT_KIND:
            batches = batches.exclude(
                status__in=[BatchStatus.ANALYSING, BatchStatus.FILE_REJECTED]
            ).filter(rows_purged_at__isnull=True)
        else:
            batches = batches.exclude(file="")
        self.fields["batch"].queryset = batches


def _batch(user, params: dict, kind: str):
    from talentpool.exports import as_query

    form = BatchExportForm(as_query(params), user=user, kind=kind)
    return form.cleaned_data["batch"] if form.is_valid() else None


def _describe(params: dict) -> str:
    from talentpool.survey.models import ImportBatch

    ids = [v for v in params.get("batch", []) if str(v).isdigit()]
    batch = ImportBatch.objects.filter(pk__in=ids).select_related("township").first()
    if batch is None:
        return ""
    return gettext("导入批次 #%(pk)s：%(name)s（%(township)s）") % {
        "pk": batch.pk,
        "name": batch.original_name,
        "township": batch.township.name,
    }


def _report_count(user, params: dict) -> int:
    batch = _batch(user, params, REPORT_KIND)
    return batch.rejected_count + batch.skipped_count if batch else 0


def _report_build(export, user) -> tuple[bytes, int, str]:
    from talentpool.survey.export import error_report

    batch = _batch(user, export.params, REPORT_KIND)
    stem = batch.original_name.rsplit(".", 1)[0]
    return error_report(batch), _report_count(user, export.params), f"错误报告-{stem}.xlsx"


def _original_count(user, params: dict) -> int:
    batch = _batch(user, params, ORIGINAL_KIND)
    return batch.data_rows if batch else 0


def _original_build(export, user) -> tuple[bytes, int, str]:
    batch = _batch(user, export.params, ORIGINAL_KIND)
    with batch.file.open("rb") as handle:
        content = handle.read()
    return content, _original_count(user, export.params), batch.original_name


def register_exports() -> None:
    from talentpool import exports
    from talentpool.survey.export import registry_people, registry_rows

    registry = exports.KINDS.get("registry")
    exports.register(
        "survey",
        title=_("人才信息库（登记表格式）"),
        roles={"county", "township", "leader"},
        count=lambda user, params: registry_people(user, params).count(),
        rows=registry_rows,
        describe=registry.describe if registry else None,
        form=registry.form,
    )
    exports.register(
        REPORT_KIND,
        title=_("导入错误报告"),
        roles={"county", "township"},
        count=_report_count,
        build=_report_build,
        form=lambda query, user: BatchExportForm(query, user=user, kind=REPORT_KIND),
        describe=_describe,
    )
    exports.register(
        ORIGINAL_KIND,
        title=_("导入的原始文件"),
        roles={"county", "township"},
        count=_original_count,
        build=_original_build,
        form=lambda query, user: BatchExportForm(query, user=user, kind=ORIGINAL_KIND),
        describe=_describe,
    )
