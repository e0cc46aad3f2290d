"""Workflows of a survey import batch: upload, confirm, cancel, discard, roll back.

Each is one state change with a condition on the current state, so repeating it (a double
click, a stale page) changes nothing. The jobs themselves are in tasks.py.
"""

from __future__ import annotations

import logging

from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.utils import timezone

from talentpool.models import AccessAction, Township, User
from talentpool.security import log_access
from talentpool.survey import pipeline
from talentpool.survey.models import BatchSource, BatchStatus, ImportBatch, ImportRow, SurveyLayout

logger = logging.getLogger(__name__)


def upload_survey(
    uploaded: File,
    *,
    township: Township,
    actor: User | None,
    source: str = BatchSource.WEB,
    request=None,
) -> ImportBatch:
    """Keep the uploaded file (under a name the server makes up) with its SHA-256 as a new
    batch, and start checking it in the background."""
    digest, size = pipeline.sha256_of(uploaded.chunks())
    uploaded.seek(0)
    with transaction.atomic():
        batch = ImportBatch(
            township=township,
            created_by=actor,
            source=source,
            original_name=(uploaded.name or "survey")[-255:],
            sha256=digest,
            size=size,
            status=BatchStatus.ANALYSING,
        )
        batch.repeat_of = (
            ImportBatch.objects.filter(township=township, sha256=digest)
            .exclude(status=BatchStatus.DISCARDED)
            .order_by("-created_at", "-id")
            .first()
        )
        batch.file.save(batch.original_name, uploaded, save=False)
        batch.save()
        log_access(
            request or actor,
            AccessAction.IMPORT,
            detail={
                "stage": "upload",
                "batch": batch.pk,
                "township": township.code,
                "file": batch.original_name,
                "sha256": digest,
                "bytes": size,
            },
        )
    # Enqueued once the batch is committed (django-tasks-db stores the job in this database,
    # so the worker cannot pick it up earlier either way).
    from talentpool.survey.tasks import analyse_batch

    analyse_batch.enqueue(batch.pk)
    return batch


def answer_columns(batch: ImportBatch, answers: dict[str, str], *, actor: User) -> bool:
    """Record what the user chose for the preview's columns (a field, SKIP or OTHER), remember it
    for the township's header layout, and check the file again with it. Only a preview."""
    with transaction.atomic():
        locked = ImportBatch.objects.select_for_update().filter(pk=batch.pk).first()
        if locked is None or locked.status != BatchStatus.PREVIEWED or not answers:
            return False
        layout = (locked.report or {}).get("layout")
        if layout:
            remembered, _created = SurveyLayout.objects.select_for_update().get_or_create(
                township_id=locked.township_id, layout=layout
            )
            remembered.answers = {**remembered.answers, **answers}
            remembered.updated_by = actor
            remembered.save()
        ImportRow.objects.filter(batch=locked).delete()
        ImportBatch.objects.filter(pk=locked.pk).update(
            answers={**locked.answers, **answers},
            status=BatchStatus.ANALYSING,
            rows_done=0,
            progress_at=timezone.now(),
        )
    # As after an upload: enqueued once the batch is committed.
    from talentpool.survey.tasks import analyse_batch

    analyse_batch.enqueue(batch.pk)
    batch.refresh_from_db()
    return True


def confirm_batch(batch: ImportBatch, *, actor: User) -> str | None:
    """Queue a previewed batch for writing. Returns None, or why it cannot be queued."""
    if batch.unanswered_columns:
        return "unanswered"
    if batch.rows_to_write == 0:
        return "nothing"
    try:
        with transaction.atomic():
            queued = ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.PREVIEWED).update(
                status=BatchStatus.QUEUED,
                confirmed_by=actor,
                confirmed_at=timezone.now(),
                cancel_requested=False,
            )
    except IntegrityError:
        # one_active_import_per_township: another batch of this township is being written.
        return "busy"
    if not queued:
        return "state"
    from talentpool.survey.tasks import write_batch

    write_batch.enqueue(batch.pk)
    return None


def cancel_batch(batch: ImportBatch, *, actor: User) -> bool:
    """Stop a batch's job. A queued write that has not started is cancelled at once; a running
    one stops at its next chunk and its transaction writes nothing."""
    if ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.QUEUED).update(
        status=BatchStatus.CANCELLED, finished_at=timezone.now()
    ):
        return True
    return bool(
        ImportBatch.objects.filter(
            pk=batch.pk, status__in=[BatchStatus.ANALYSING, BatchStatus.RUNNING]
        ).update(cancel_requested=True)
    )


def discard_batch(batch: ImportBatch, *, actor: User) -> bool:
    """Drop a preview without writing anything."""
    return bool(
        ImportBatch.objects.filter(pk=batch.pk, status=BatchStatus.PREVIEWED).update(
            status=BatchStatus.DISCARDED, finished_at=timezone.now()
        )
    )


def rollback_batch(batch: ImportBatch, *, actor: User) -> pipeline.RollbackBlock | str | None:
    """Undo a written batch (county officers): checked now, done in the background. Returns
    the people blocking it, a reason code, or None once the rollback is queued."""
    if not batch.can_rollback():
        return "state"
    block = pipeline.rollback_blockers(batch)
    if block:
        return block
    try:
        with transaction.atomic():
            started = ImportBatch.objects.filter(
                pk=batch.pk, status=BatchStatus.DONE, rows_purged_at__isnull=True
            ).update(status=BatchStatus.ROLLING_BACK, error="")
    except IntegrityError:
        return "busy"
    if not started:
        return "state"
    from talentpool.survey.tasks import rollback_batch as rollback_task

    rollback_task.enqueue(batch.pk, actor.pk)
    return None


def retry_batch(batch: ImportBatch, *, actor: User) -> bool:
    """Start a stalled or failed job again. Its transaction was rolled back when it died, so
    running it again from the start is safe."""
    from talentpool.survey.tasks import analyse_batch, rollback_batch, write_batch

    if not batch.can_retry:
        return False
    now = timezone.now()
    if batch.status == BatchStatus.ANALYSING:
        # Claimed by moving its clock: a second click finds it no longer stalled.
        if ImportBatch.objects.filter(pk=batch.pk, progress_at=batch.progress_at).update(
            progress_at=now, rows_done=0
        ):
            analyse_batch.enqueue(batch.pk)
            return True
        return False
    if batch.status == BatchStatus.ROLLING_BACK:
        if ImportBatch.objects.filter(pk=batch.pk, progress_at=batch.progress_at).update(
            progress_at=now
        ):
            rollback_batch.enqueue(batch.pk, actor.pk)
            return True
        return False
    try:
        with transaction.atomic():
            requeued = ImportBatch.objects.filter(
                pk=batch.pk, status__in=[BatchStatus.RUNNING, BatchStatus.FAILED]
            ).update(status=BatchStatus.QUEUED, cancel_requested=False, error="", progress_at=now)
    except IntegrityError:
        return False
    if requeued:
        write_batch.enqueue(batch.pk)
    return bool(requeued)
