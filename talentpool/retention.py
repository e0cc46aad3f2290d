"""What is kept and for how long: idle accounts are disabled after ACCOUNT_IDLE_DAYS; uploaded
originals and generated export files are deleted after FILE_RETENTION_DAYS, and so are the rows
a survey import staged from its file (the batch and its counts stay); unused export approvals
expire. Audit and access logs are kept (append-only; at least 180 days - nothing in
the application deletes them)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

# Folders under MEDIA_ROOT whose files are purged; apps save uploads and generated files here.
PURGED_FOLDERS = ("uploads", "exports", "imports")


@transaction.atomic
def disable_idle_accounts(now=None) -> list[str]:
    """Disable accounts nobody signed in to for ACCOUNT_IDLE_DAYS; return their usernames.
    The audit trail records each change (the User trigger)."""
    from talentpool.models import User

    cutoff = (now or timezone.now()) - timedelta(days=settings.ACCOUNT_IDLE_DAYS)
    idle = User.objects.idle_since(cutoff)
    names = list(idle.order_by("username").values_list("username", flat=True))
    idle.update(is_active=False)
    return names


@dataclass
class PurgeResult:
    deleted: int
    kept: int
    expired_exports: int
    purged_batches: int = 0


def purge_expired_files(now: float | None = None) -> PurgeResult:
    from talentpool.exports import expire_stale

    cutoff = (now or time.time()) - settings.FILE_RETENTION_DAYS * 86400
    deleted = kept = 0
    root = Path(settings.MEDIA_ROOT)
    for folder in PURGED_FOLDERS:
        base = root / folder
        if not base.is_dir():
            continue
        for path in sorted(base.rglob("*"), reverse=True):
            if path.is_file() or path.is_symlink():
                if path.lstat().st_mtime < cutoff:
                    path.unlink()
                    deleted += 1
                else:
                    kept += 1
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    return PurgeResult(deleted, kept, expire_stale(), purge_import_rows())


@transaction.atomic
def purge_import_rows(now=None) -> int:
    """Delete the rows survey imports staged (cells, values and changes of residents) for
    batches settled more than FILE_RETENTION_DAYS ago, as their original files are; a preview
    nobody confirmed in that time is discarded. Batches at work are left alone. Returns how
    many batches lost their rows."""
    from talentpool.survey.models import WORKING_STATUSES, BatchStatus, ImportBatch, ImportRow

    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.FILE_RETENTION_DAYS)
    settled = ImportBatch.objects.filter(rows_purged_at__isnull=True).exclude(
        status__in=WORKING_STATUSES
    )
    settled = (
        settled.alias(settled_at=Coalesce("rolled_back_at", "finished_at", "created_at"))
        .filter(settled_at__lt=cutoff)
        .select_for_update()
    )
    ids = list(settled.values_list("pk", flat=True))
    if not ids:
        return 0
    ImportRow.objects.filter(batch_id__in=ids).delete()
    ImportBatch.objects.filter(pk__in=ids, status=BatchStatus.PREVIEWED).update(
        status=BatchStatus.DISCARDED
    )
    ImportBatch.objects.filter(pk__in=ids).update(rows_purged_at=now)
    return len(ids)
