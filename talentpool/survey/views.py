"""Pages of the survey import, mounted under /registry/import/ (namespace "survey").

Township officers import for their own township, county officers for any; leaders may read the
batches; every other role gets 403, and another township's batch is a 404.
"""

from __future__ import annotations

import contextlib

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from talentpool import codes, exports, jobs
from talentpool.access import (
    REGISTRY_READERS,
    REGISTRY_WRITERS,
    get_export_for_user,
    role_required,
)
from talentpool.identity import mask_id_number, mask_phone
from talentpool.models import AccessAction, ExportRequest, ExportStatus, Role, Village, age_on
from talentpool.security import log_access
from talentpool.survey import actions, pipeline
from talentpool.survey.export import XLSX, registry_csv
from talentpool.survey.fields import FIELD_LABELS, SKIP
from talentpool.survey.forms import ColumnAnswersForm, TemplateForm, UploadForm
from talentpool.survey.models import BatchStatus, ImportBatch, ImportRow, RowAction
from talentpool.survey.registration import ORIGINAL_KIND, REPORT_KIND
from talentpool.survey.tasks import waiting_job
from talentpool.survey.template import blank_template
from talentpool.survey.uploads import UploadSizeLimit, too_large

SURVEY_READERS = REGISTRY_READERS
SURVEY_WRITERS = REGISTRY_WRITERS
PAGE_SIZE = 25
EXPORT_KIND = "survey"


def _get_batch_for_user(request: HttpRequest, pk: int) -> ImportBatch:
    return get_object_or_404(
        ImportBatch.objects.in_scope(request.user).select_related(
            "township", "created_by", "confirmed_by", "rolled_back_by", "repeat_of"
        ),
        pk=pk,
    )


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


# --- /registry/import/ ---------------------------------------------------------------------------


@role_required(*SURVEY_READERS)
def batch_list(request: HttpRequest) -> HttpResponse:
    batches = ImportBatch.objects.in_scope(request.user).select_related("township", "created_by")
    page = Paginator(batches, PAGE_SIZE).get_page(request.GET.get("page"))
    ready_exports = ExportRequest.objects.filter(
        kind=EXPORT_KIND,
        requested_by=request.user,
        status=ExportStatus.APPROVED,
        expires_at__gt=timezone.now(),
    )
    context = {"page": page, "ready_exports": ready_exports, "export_kind": EXPORT_KIND}
    return render(request, "survey/list.html", context)


def _too_large_message() -> str:
    limit = pipeline.max_upload_bytes() / 1024 / 1024
    return _(
        "文件太大，最大允许 %(mb).0f MB。请删除表格中的图片和无关工作表，"
        "或按村拆分成几个文件后分别上传。"
    ) % {"mb": limit}


# The upload limit goes in before the body is read, CSRF's check included: this view is exempt
# and has the token checked once the handler is installed. (A middleware that reads POST data
# first defeats that; settings.FILE_UPLOAD_HANDLERS can carry the same limit for every upload.)
@csrf_exempt
@role_required(*SURVEY_WRITERS)
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        max_bytes = pipeline.max_upload_bytes()
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        # Far larger than any file we accept: answer without reading it (nothing changes,
        # so there is no request to forge).
        if declared > max_bytes + 1024 * 1024:
            context = {"form": UploadForm(user=request.user), "error": _too_large_message()}
            return render(request, "survey/upload.html", context)
        # A middleware may have read the body already (then the size is checked below).
        with contextlib.suppress(AttributeError):
            request.upload_handlers.insert(0, UploadSizeLimit(request, max_bytes))
    return _upload(request)


@csrf_protect
def _upload(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES, user=request.user)
        if too_large(request, request.FILES.get("file")):
            form.is_valid()
            form.errors.pop("file", None)
            form.add_error("file", _too_large_message())
        elif form.is_valid():
            batch = actions.upload_survey(
                request.FILES["file"],
                township=form.chosen_township(),
                actor=request.user,
                request=request,
            )
            return redirect(batch)
    else:
        form = UploadForm(user=request.user)
    return render(request, "survey/upload.html", {"form": form})


@role_required(*SURVEY_WRITERS)
def template_download(request: HttpRequest) -> HttpResponse:
    """The blank template; its village list is the township's (a county officer may pick one)."""
    form = TemplateForm(request.GET or None, user=request.user)
    township = form.chosen_township()
    villages = (
        list(Village.objects.filter(township=township).values_list("name", flat=True))
        if township
        else []
    )
    content = blank_template(
        township_name=township.name if township else "", village_names=villages
    )
    name = f"{township.name if township else ''}在外人员返乡人员信息登记表（模板）.xlsx"
    return _attachment(HttpResponse(content, content_type=XLSX), name)


@role_required(*SURVEY_READERS)
def batch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _get_batch_for_user(request, pk)
    if request.htmx and request.GET.get("part") == "status":
        if not batch.is_working:
            # The job is over: reload the whole page, which now shows its outcome.
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        return render(request, "survey/detail.html#status", _status_context(request, batch))
    return render(request, "survey/detail.html", _detail_context(request, batch))


def _status_context(request: HttpRequest, batch: ImportBatch) -> dict:
    writer = request.user.role in SURVEY_WRITERS
    return {
        "batch": batch,
        "job_wait": jobs.wait_state(waiting_job(batch.pk)) if batch.is_working else "",
        "can_cancel": writer
        and batch.status in (BatchStatus.ANALYSING, BatchStatus.QUEUED, BatchStatus.RUNNING),
        "can_retry": writer and batch.can_retry,
    }


def _detail_context(request: HttpRequest, batch: ImportBatch, **extra) -> dict:
    user = request.user
    changes = Paginator(
        ImportRow.objects.filter(batch=batch, action=RowAction.UPDATE)
        .order_by("row_number")
        .only("row_number", "name", "person_id", "changes"),
        PAGE_SIZE,
    ).get_page(request.GET.get("changes"))
    added = Paginator(
        ImportRow.objects.filter(batch=batch, action=RowAction.NEW)
        .order_by("row_number")
        .select_related("village")
        .only(
            "row_number",
            "name",
            "gender",
            "birth_date",
            "id_number",
            "village__name",
            "village_text",
            "education",
            "political_status",
            "work_place",
            "person_id",
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("added"))
    today = timezone.localdate()
    for row in added:
        # The list shows many people at once: the ID masked and an age, never the birth date
        # that the mask hides.
        row.masked_id = mask_id_number(row.id_number)
        row.age = age_on(row.birth_date, today)
        row.shown = {
            fld: _shown(fld, getattr(row, fld))
            for fld in ("gender", "education", "political_status")
        }
    rejected = Paginator(
        ImportRow.objects.filter(batch=batch, action__in=[RowAction.REJECTED, RowAction.SKIPPED])
        .order_by("row_number")
        .only("row_number", "name", "action", "reason", "message"),
        PAGE_SIZE,
    ).get_page(request.GET.get("rejected"))
    for row, diff in zip(changes, _diffs(list(changes)).values(), strict=True):
        row.diff = diff
    report = batch.report or {}
    writer = user.role in SURVEY_WRITERS
    asking = writer and batch.status == BatchStatus.PREVIEWED and bool(batch.unanswered_columns)
    context = {
        "batch": batch,
        "report": report,
        "changes": changes,
        "added": added,
        "rejected": rejected,
        "unmatched": (report.get("unmatched_villages") or [])[:100],
        "unmatched_total": len(report.get("unmatched_villages") or []),
        "can_write": writer,
        "can_confirm": writer
        and batch.status == BatchStatus.PREVIEWED
        and batch.rows_to_write
        and not asking,
        "columns_form": ColumnAnswersForm(batch=batch) if asking else None,
        "columns": _columns(report),
        # Values as written may be a phone or an ID number: masked on the page like the rest.
        "partial": [
            (row, letter, fld, *pipeline.masked_samples([value, message]))
            for row, letter, fld, value, message in (report.get("partial") or [])[:PARTIAL_SHOWN]
        ],
        "can_discard": writer and batch.status == BatchStatus.PREVIEWED,
        **_status_context(request, batch),
        "can_rollback": user.is_county and batch.can_rollback(),
        "has_report": writer
        and batch.rows_purged_at is None
        and (batch.rejected_count or batch.skipped_count or report.get("partial")),
        "retention_days": settings.FILE_RETENTION_DAYS,
        "repeat_of": batch.repeat_of,
    }
    context.update(extra)
    return context


PARTIAL_SHOWN = 200


def _columns(report: dict) -> list[dict]:
    """The sheet's columns as the preview lists them, with the field's label."""
    out = []
    for column in report.get("columns", []):
        answer = column.get("answer")
        if column.get("field"):
            target = FIELD_LABELS.get(column["field"], column["field"])
        elif answer == SKIP:
            target = _("不导入")
        else:
            target = None
        out.append(column | {"target": target, "kept_as_other": not target})
    return out


_CHOICE_FIELDS = {
    "gender": codes.Gender,
    "ethnicity": codes.Ethnicity,
    "political_status": codes.PoliticalStatus,
    "education": codes.Education,
    "return_intention": codes.Willingness,
    "village_post_intention": codes.Willingness,
}
_CHANGE_LABELS = {
    **FIELD_LABELS,
    "village_id": FIELD_LABELS["village"],
    "village_text": FIELD_LABELS["village"],
    "birth_date": "出生日期",
    "other_info": "其他信息",
}


def _diffs(rows: list[ImportRow]) -> dict[int, list[tuple[str, str, str]]]:
    """Row -> [(field label, before, after)] for the changes shown on one page: codes as
    labels, villages by name, phones and birth dates masked (the page lists many people at
    once)."""
    village_ids = {
        value
        for row in rows
        for value in (row.changes or {}).get("village_id", [])
        if isinstance(value, int)
    }
    villages = dict(Village.objects.filter(pk__in=village_ids).values_list("pk", "name"))
    diffs: dict[int, list[tuple[str, str, str]]] = {}
    for row in rows:
        items = []
        changes = row.changes or {}
        for fld, (before, after) in changes.items():
            if fld in ("name_initials", "name_pinyin"):
                continue
            if fld == "village_text" and "village_id" in changes:
                continue
            if fld == "village_id":
                before_text = villages.get(before, "") or changes.get("village_text", [""])[0]
                after_text = villages.get(after, "") or changes.get("village_text", ["", ""])[1]
                items.append((_CHANGE_LABELS[fld], before_text, after_text))
                continue
            items.append((_CHANGE_LABELS.get(fld, fld), _shown(fld, before), _shown(fld, after)))
        diffs[row.row_number] = items
    return diffs


def _shown(fld: str, value: object) -> str:
    if value is None or value == "":
        return "—"
    if fld == "phone":
        return mask_phone(str(value))
    if fld == "birth_date":
        # The full date beside the masked ID number elsewhere would rebuild it: the year only.
        return f"{str(value)[:4]}-**-**"
    if fld == "is_veteran":
        return _("是") if value else _("否")
    if isinstance(value, dict):
        return "；".join(f"{key}：{text}" for key, text in value.items()) or "—"
    if fld in _CHOICE_FIELDS:
        try:
            return str(_CHOICE_FIELDS[fld](value).label)
        except ValueError:
            return str(value)
    return str(value)


@role_required(*SURVEY_WRITERS)
@require_POST
def batch_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _get_batch_for_user(request, pk)
    problem = actions.confirm_batch(batch, actor=request.user)
    if problem == "unanswered":
        messages.error(request, _("还有填写了内容的列没有对应的登记项，请先在下方选择如何处理。"))
    elif problem == "busy":
        messages.error(request, _("本乡镇（街道）另有一批数据正在导入或撤销，请等它完成后再确认。"))
    elif problem == "nothing":
        messages.info(request, _("这批数据没有需要新增或更新的人员，无需导入。"))
    elif problem is None:
        messages.success(request, _("已开始导入，可在本页查看进度。"))
    return redirect(batch)


@role_required(*SURVEY_WRITERS)
@require_POST
def batch_columns(request: HttpRequest, pk: int) -> HttpResponse:
    """The user's answers for the preview's columns that no field takes."""
    batch = _get_batch_for_user(request, pk)
    if batch.status != BatchStatus.PREVIEWED:
        messages.info(request, _("这批数据已不在待确认状态，无需再选择。"))
        return redirect(batch)
    form = ColumnAnswersForm(request.POST, batch=batch)
    if not form.is_valid():
        context = _detail_context(request, batch)
        context["columns_form"] = form
        return render(request, "survey/detail.html", context, status=400)
    if actions.answer_columns(batch, form.answers(), actor=request.user):
        messages.success(
            request,
            _(
                "已记下各列的处理方式，正在按此重新检查文件。"
                "本乡镇（街道）以后上传同样格式的表格时不再询问。"
            ),
        )
    return redirect(batch)


@role_required(*SURVEY_WRITERS)
@require_POST
def batch_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _get_batch_for_user(request, pk)
    if actions.cancel_batch(batch, actor=request.user):
        messages.info(request, _("已请求取消：已写入的部分会全部撤回，不会留下半批数据。"))
    return redirect(batch)


@role_required(*SURVEY_WRITERS)
@require_POST
def batch_discard(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _get_batch_for_user(request, pk)
    if actions.discard_batch(batch, actor=request.user):
        messages.info(request, _("已放弃这批数据，没有写入任何内容。"))
    return redirect(batch)


@role_required(*SURVEY_WRITERS)
@require_POST
def batch_retry(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _get_batch_for_user(request, pk)
    if batch.status == BatchStatus.ROLLING_BACK and not request.user.is_county:
        raise PermissionDenied
    if actions.retry_batch(batch, actor=request.user):
        messages.info(request, _("已重新开始。"))
    return redirect(batch)


@role_required(Role.COUNTY)
@require_POST
def batch_rollback(request: HttpRequest, pk: int) -> HttpResponse:
    batch = _get_batch_for_user(request, pk)
    outcome = actions.rollback_batch(batch, actor=request.user)
    if isinstance(outcome, pipeline.RollbackBlock):
        messages.error(
            request,
            _("不能撤销：下列人员在导入后已被修改或被其他记录引用。没有改动任何数据。"),
        )
        return render(
            request,
            "survey/detail.html",
            _detail_context(request, batch, rollback_block=outcome),
            status=409,
        )
    if outcome == "busy":
        messages.error(request, _("本乡镇（街道）另有一批数据正在导入或撤销，请稍后再试。"))
    elif outcome is None:
        messages.success(request, _("已开始撤销这批导入。"))
    return redirect(batch)


@role_required(*SURVEY_WRITERS)
def error_report_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The rejected rows as uploaded: many people's data, so an export like any other (asked
    for, approved by another county officer, downloaded once, logged)."""
    batch = _get_batch_for_user(request, pk)
    if batch.status in (BatchStatus.ANALYSING, BatchStatus.FILE_REJECTED):
        raise Http404
    if batch.rows_purged_at is not None:
        messages.info(request, _("这批导入的逐行明细已按保存期限清除，错误报告不能再下载。"))
        return redirect(batch)
    return _export_of(REPORT_KIND, batch)


@role_required(*SURVEY_WRITERS)
def original_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The file as uploaded (never served from MEDIA_ROOT): an export like any other."""
    batch = _get_batch_for_user(request, pk)
    if not batch.file:
        raise Http404
    return _export_of(ORIGINAL_KIND, batch)


def _export_of(kind: str, batch: ImportBatch) -> HttpResponse:
    query = urlencode({"kind": kind, "batch": batch.pk})
    return redirect(f"{reverse('security:export_new')}?{query}")


@role_required(*SURVEY_READERS)
@require_POST
def export_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """An approved registry export (talentpool.exports, kind "survey") downloaded as CSV
    instead of .xlsx: the same single use, expiry and access log."""
    export = get_export_for_user(request, pk)
    if export.kind != EXPORT_KIND:
        raise Http404
    if not exports.claim_download(export, request.user):
        messages.error(request, _("该导出不能下载：未批准、已下载过或已超过有效期。"))
        return redirect("survey:list")
    export.refresh_from_db()
    if not exports.KINDS[EXPORT_KIND].allows(request.user):
        raise PermissionDenied
    log_access(
        request,
        AccessAction.EXPORT_DOWNLOAD,
        reason=export.reason,
        detail={
            "export": export.pk,
            "kind": export.kind,
            "format": "csv",
            "rows": export.row_count,
        },
    )
    stamp = timezone.localtime(export.downloaded_at).strftime("%Y%m%d%H%M")
    response = StreamingHttpResponse(
        registry_csv(request.user, export.params, first_line=exports.provenance(export)),
        content_type="text/csv; charset=utf-8",
    )
    return _attachment(response, f"export-{export.kind}-{export.pk}-{stamp}.csv")
