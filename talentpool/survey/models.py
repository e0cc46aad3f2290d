"""Survey import batches (written by the import pipeline; imported into talentpool.models).

An ImportBatch is one uploaded file for one township: who, when, the original (kept under
MEDIA_ROOT with a server-generated name and its SHA-256), the counts, the state of the job and
the report. Its ImportRows are the rows the pipeline staged: people to create, people to update
(with the values they held before, for rolling the batch back) and rejected rows exactly as
uploaded (for the error report). Unchanged rows are only counted.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import PurePath

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from talentpool.text import LONG_TEXT_MAX_LENGTH, limited_text

__all__ = ["BatchStatus", "ImportBatch", "ImportRow", "RowAction", "upload_path"]


class BatchStatus(models.TextChoices):
    ANALYSING = "analysing", _("正在检查")
    FILE_REJECTED = "file_rejected", _("文件无法导入")
    PREVIEWED = "previewed", _("待确认")
    QUEUED = "queued", _("等待导入")
    RUNNING = "running", _("正在导入")
    DONE = "done", _("已导入")
    CANCELLED = "cancelled", _("已取消")
    FAILED = "failed", _("导入失败")
    DISCARDED = "discarded", _("已放弃")
    ROLLING_BACK = "rolling_back", _("正在撤销")
    ROLLED_BACK = "rolled_back", _("已撤销")


# A running job reports progress every few seconds; this long without a word, it is gone.
STALL_AFTER = timedelta(minutes=15)

# States in which the batch's job may still write to the registry.
ACTIVE_STATUSES = (BatchStatus.QUEUED, BatchStatus.RUNNING, BatchStatus.ROLLING_BACK)
# A job is (or should be) running for the batch: its rows are in use.
WORKING_STATUSES = (BatchStatus.ANALYSING, *ACTIVE_STATUSES)


class BatchSource(models.TextChoices):
    WEB = "web", _("网页上传")
    COMMAND = "command", _("命令行")


def upload_path(batch: ImportBatch, filename: str) -> str:
    """Where an uploaded original is kept: a name the server makes up, never the clerk's (which
    may hold anything, and is shown only as text). The extension is kept for the archive."""
    suffix = PurePath(filename).suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".xls", ".ods", ".csv", ".txt", ".tsv"):
        suffix = ".bin"
    now = timezone.now()
    return f"uploads/survey/{now:%Y/%m}/{uuid.uuid4().hex}{suffix}"


class ImportBatchQuerySet(models.QuerySet):
    def in_scope(self, user) -> ImportBatchQuerySet:
        """The batches `user` may see: the county's and leaders' all, a township officer's those
        of their township."""
        from talentpool.models import Role

        if not user.is_authenticated:
            return self.none()
        if user.role in (Role.COUNTY, Role.LEADER):
            return self.all()
        if user.role == Role.TOWNSHIP:
            return self.filter(township_id=user.township_id)
        return self.none()


# Status, counts and decisions are audited; the progress counters change every few thousand rows
# and are left out, so that a running import does not fill the audit trail with its heartbeat.
@pghistory.track(
    pghistory.InsertEvent(),
    pghistory.UpdateEvent(),
    pghistory.DeleteEvent(),
    exclude=["rows_done", "progress_at", "rate"],
)
class ImportBatch(models.Model):
    township = models.ForeignKey(
        "talentpool.Township",
        verbose_name=_("乡镇（街道）"),
        on_delete=models.PROTECT,
        related_name="import_batches",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="import_batches",
    )
    created_at = models.DateTimeField(_("上传时间"), default=timezone.now, db_index=True)
    source = models.CharField(
        _("方式"), max_length=10, choices=BatchSource.choices, default=BatchSource.WEB
    )
    original_name = models.CharField(_("文件名"), max_length=255)
    file = models.FileField(_("原始文件"), upload_to=upload_path, max_length=200, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(_("文件大小"), default=0)
    status = models.CharField(
        _("状态"), max_length=15, choices=BatchStatus.choices, default=BatchStatus.ANALYSING
    )
    # The earlier batch of the same file for the same township, when this upload repeats it.
    repeat_of = models.ForeignKey(
        "self",
        verbose_name=_("重复上传自"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    sheet_name = models.CharField(_("工作表"), max_length=100, blank=True)
    header_row = models.PositiveIntegerField(_("表头行"), null=True, blank=True)
    data_rows = models.PositiveIntegerField(_("数据行数"), default=0)
    new_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    unchanged_count = models.PositiveIntegerField(_("无变化"), default=0)
    rejected_count = models.PositiveIntegerField(_("拒绝"), default=0)
    ignored_count = models.PositiveIntegerField(_("忽略"), default=0)
    # Rows that were fine at the preview but not written: changed or registered meanwhile.
    skipped_count = models.PositiveIntegerField(_("跳过"), default=0)
    report = models.JSONField(_("检查结果"), default=dict, blank=True)
    # What the user chose for columns no field took: {Column.key: field name, SKIP or OTHER}.
    answers = models.JSONField(_("列的处理"), default=dict, blank=True)
    error = models.TextField(_("错误信息"), blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    cancel_requested = models.BooleanField(_("已请求取消"), default=False)
    rolled_back_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤销人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    rolled_back_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    # When the rows staged from the file were deleted with it (talentpool.retention): no
    # rollback, retry or error report after that.
    rows_purged_at = models.DateTimeField(_("明细清除时间"), null=True, blank=True)
    # Progress of the job now running (analysis or write), not audited.
    rows_done = models.PositiveIntegerField(_("已处理行数"), default=0)
    rate = models.FloatField(_("速度（行/秒）"), default=0)
    progress_at = models.DateTimeField(_("进度更新时间"), null=True, blank=True)

    objects = ImportBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("导入批次")
        verbose_name_plural = _("导入批次")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["township", "sha256"])]
        constraints = [
            # Two jobs writing one township's registry at once would each diff against rows the
            # other is changing.
            models.UniqueConstraint(
                fields=["township"],
                condition=Q(status__in=["queued", "running", "rolling_back"]),
                name="one_active_import_per_township",
            ),
            models.CheckConstraint(
                name="import_confirmed_has_confirmer",
                condition=Q(confirmed_at__isnull=True)
                | Q(confirmed_by__isnull=False)
                | Q(source="command"),
            ),
            models.CheckConstraint(
                name="import_rolled_back_has_time",
                condition=~Q(status="rolled_back") | Q(rolled_back_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.original_name}（{self.township}，{self.get_status_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("survey:detail", args=[self.pk])

    @property
    def is_working(self) -> bool:
        """A job is (or should be) running for this batch: the page keeps polling."""
        return self.status in WORKING_STATUSES

    @property
    def rows_to_write(self) -> int:
        return self.new_count + self.updated_count

    @property
    def progress_total(self) -> int:
        if self.status == BatchStatus.ANALYSING:
            return self.data_rows
        return self.rows_to_write

    @property
    def progress_percent(self) -> int:
        total = self.progress_total
        if not total:
            return 0
        return min(100, round(100 * self.rows_done / total))

    @property
    def seconds_left(self) -> int | None:
        total = self.progress_total
        if not self.rate or not total or self.rows_done >= total:
            return None
        return round((total - self.rows_done) / self.rate)

    @property
    def file_error(self) -> dict | None:
        return self.report.get("file_error")

    @property
    def is_stalled(self) -> bool:
        """A job that stopped reporting: its worker died (a restart, a crash). Its transaction
        died with it, so nothing of it was written, and it can be started again."""
        if self.status not in (
            BatchStatus.ANALYSING,
            BatchStatus.RUNNING,
            BatchStatus.ROLLING_BACK,
        ):
            return False
        last = self.progress_at or self.started_at or self.created_at
        return timezone.now() - last > STALL_AFTER

    @property
    def can_retry(self) -> bool:
        """Stalled, or a write that failed (its staged rows are intact)."""
        if self.rows_purged_at is not None:
            return False
        return self.is_stalled or (
            self.status == BatchStatus.FAILED and self.confirmed_at is not None
        )

    def column_answers(self):
        """The answers the reader applies to this batch's sheet: those remembered for the
        township and the sheet's header layout, under this batch's own."""
        township_id, own = self.township_id, dict(self.answers or {})

        def for_layout(layout: str) -> dict[str, str]:
            remembered = (
                SurveyLayout.objects.filter(township_id=township_id, layout=layout)
                .values_list("answers", flat=True)
                .first()
            )
            return (remembered or {}) | own

        return for_layout

    @property
    def unanswered_columns(self) -> list[dict]:
        """Filled columns of the preview that no field takes and nobody answered for."""
        return [
            c
            for c in self.report.get("columns", [])
            if c.get("field") is None and c.get("answer") is None and c.get("filled_rows")
        ]

    def can_rollback(self) -> bool:
        return (
            self.status == BatchStatus.DONE
            and self.rows_purged_at is None
            and bool(self.new_count or self.updated_count)
        )


class SurveyLayout(models.Model):
    """A township's answers for a header layout's columns, so that next month's upload of the
    same form asks nothing."""

    township = models.ForeignKey(
        "talentpool.Township", verbose_name=_("乡镇（街道）"), on_delete=models.CASCADE
    )
    layout = models.CharField(_("表头格式"), max_length=40)
    answers = models.JSONField(_("列的处理"), default=dict)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("更新人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("登记表格式")
        verbose_name_plural = _("登记表格式")
        constraints = [
            models.UniqueConstraint(fields=["township", "layout"], name="survey_layout_once")
        ]

    def __str__(self) -> str:
        return f"{self.township_id}:{self.layout[:8]}"


class RowAction(models.TextChoices):
    NEW = "new", _("新增")
    UPDATE = "update", _("更新")
    REJECTED = "rejected", _("拒绝")
    # Fine at the preview, but the registry changed before the write: not written.
    SKIPPED = "skipped", _("跳过")


# Not audited: these are the import's own working rows, written by the hundred thousand with
# COPY; the registry changes they lead to are audited on Person, and the batch on ImportBatch.
class ImportRow(models.Model):
    # No database constraint: checking it costs a lookup per row, three fifths of the time
    # of staging a survey, and these rows are only ever written by the pipeline, for a batch
    # it holds. Deleting a batch still deletes its rows (on_delete, in Django). Indexed by the
    # (batch, row_number) constraint.
    batch = models.ForeignKey(
        ImportBatch,
        verbose_name=_("导入批次"),
        on_delete=models.CASCADE,
        related_name="rows",
        db_index=False,
        db_constraint=False,
    )
    row_number = models.PositiveIntegerField(_("行号"))
    action = models.CharField(_("处理"), max_length=10, choices=RowAction.choices)
    reason = models.CharField(_("原因代码"), max_length=40, blank=True)
    message = models.TextField(_("原因"), blank=True)
    # The cells of a rejected row exactly as uploaded (dates as {"date": ...}), for the report.
    raw = models.JSONField(_("原始内容"), null=True, blank=True)
    # The person created or updated; a plain number, so that it survives a rollback's delete.
    person = models.ForeignKey(
        "talentpool.Person",
        verbose_name=_("人员"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
    )
    # The person's version the diff was made against, and the one the write left.
    person_version = models.PositiveIntegerField(null=True, blank=True)
    applied_version = models.PositiveIntegerField(null=True, blank=True)
    # Updated people: {field: [value before, value after]} of every changed field.
    changes = models.JSONField(_("变更"), null=True, blank=True)
    # The normalised values to write; NULL where the cell was blank (never erases a value).
    id_number = models.CharField(max_length=18, blank=True, null=True)
    name = models.CharField(max_length=50, null=True, blank=True)
    name_initials = models.CharField(max_length=50, null=True, blank=True)
    name_pinyin = models.CharField(max_length=200, null=True, blank=True)
    gender = models.CharField(max_length=1, null=True, blank=True)
    ethnicity = models.CharField(max_length=2, null=True, blank=True)
    birth_date = models.DateField(null=True, blank=True)
    phone = models.CharField(max_length=20, null=True, blank=True)
    village_given = models.BooleanField(default=False)
    village = models.ForeignKey(
        "talentpool.Village",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,
        null=True,
        blank=True,
        related_name="+",
    )
    village_text = models.CharField(max_length=50, null=True, blank=True)
    political_status = models.CharField(max_length=2, null=True, blank=True)
    education = models.CharField(max_length=2, null=True, blank=True)
    school_major = models.CharField(max_length=200, null=True, blank=True)
    work_place = models.CharField(max_length=100, null=True, blank=True)
    industry_unit = models.CharField(max_length=200, null=True, blank=True)
    skills = models.CharField(max_length=500, null=True, blank=True)
    is_veteran = models.BooleanField(null=True, blank=True)
    return_intention = models.CharField(max_length=12, null=True, blank=True)
    village_post_intention = models.CharField(max_length=12, null=True, blank=True)
    remark = limited_text(null=True, blank=True, max_length=LONG_TEXT_MAX_LENGTH)
    # Values of columns no field takes (and of values kept as written): {heading: text}.
    other_info = models.JSONField(null=True, blank=True)

    class Meta:
        verbose_name = _("导入行")
        verbose_name_plural = _("导入行")
        ordering = ["batch", "row_number"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "row_number"], name="import_row_once"),
        ]
        indexes = [models.Index(fields=["batch", "action", "row_number"])]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.row_number} {self.get_action_display()}"
