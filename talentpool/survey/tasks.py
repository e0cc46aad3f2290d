"""Background jobs of the survey import (django-tasks; the worker is `manage.py worker`)."""

from __future__ import annotations

import logging

from django.db import DatabaseError
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from talentpool import jobs
from talentpool.models import AccessAction
from talentpool.security import log_access
from talentpool.survey import pipeline
from talentpool.survey.models import BatchStatus, ImportBatch

logger = logging.getLogger(__name__)


@task()
def analyse_batch(batch_id: int) -> str:
    """Check an uploaded file against the registry: the preview the user then confirms."""
    batch = ImportBatch.objects.select_related("township", "created_by").get(pk=batch_id)
    if batch.status != BatchStatus.ANALYSING:
        return batch.status
    user = batch.created_by
    try:
        pipeline.analyse(batch, batch.file.path, county_level=user is None or user.is_county)
    except Exception:
        logger.exception("survey import batch %s: analysis failed", batch_id)
        ImportBatch.objects.filter(pk=batch_id, status=BatchStatus.ANALYSING).update(
            status=BatchStatus.FAILED,
            finished_at=timezone.now(),
            error=_(
                "检查文件时出现错误，没有写入任何数据。请重新上传；如仍失败，请联系系统管理员。"
            ),
        )
    return ImportBatch.objects.get(pk=batch_id).status


@task()
def write_batch(batch_id: int) -> str:
    """Write a confirmed batch to the registry."""
    batch = ImportBatch.objects.select_related("township").get(pk=batch_id)
    try:
        batch = pipeline.write(batch)
    except pipeline.StaleBatch:
        return ImportBatch.objects.get(pk=batch_id).status
    if batch.status == BatchStatus.DONE:
        log_import(batch, batch.confirmed_by)
    return batch.status


def log_import(batch: ImportBatch, user) -> None:
    """The personal-data access log's row for an import written to the registry."""
    log_access(
        user,
        AccessAction.IMPORT,
        detail={
            "stage": "written",
            "batch": batch.pk,
            "township": batch.township.code,
            "file": batch.original_name,
            "sha256": batch.sha256,
            "new": batch.new_count,
            "updated": batch.updated_count,
            "unchanged": batch.unchanged_count,
            "rejected": batch.rejected_count,
            "skipped": batch.skipped_count,
        },
    )


@task()
def rollback_batch(batch_id: int, actor_id: int) -> str:
    """Remove the people a batch created and restore what it changed."""
    batch = ImportBatch.objects.get(pk=batch_id)
    if batch.status != BatchStatus.ROLLING_BACK:
        return batch.status
    try:
        block = pipeline.rollback(batch, actor_id=actor_id)
    except DatabaseError:
        logger.exception("survey import batch %s: rollback failed", batch_id)
        message = _("撤销失败，没有改动任何数据。请稍后重试；如仍失败，请联系系统管理员。")
    else:
        if not block:
            return BatchStatus.ROLLED_BACK
        message = _(
            "撤销没有完成：撤销期间有%(n)s名人员的信息被修改或引用，没有改动任何数据。请重新撤销。"
        ) % {"n": block.edited_total + block.referenced_total}
    ImportBatch.objects.filter(pk=batch_id, status=BatchStatus.ROLLING_BACK).update(
        status=BatchStatus.DONE, error=message
    )
    return BatchStatus.DONE


BATCH_TASKS = (analyse_batch, write_batch, rollback_batch)


def waiting_job(batch_id: int):
    """The batch's job that no worker has picked up yet, if any (each takes the batch first)."""
    return jobs.waiting_jobs(BATCH_TASKS, batch_id).first()
