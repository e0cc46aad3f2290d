"""What is kept and for how long: idle accounts are disabled after ACCOUNT_IDLE_DAYS; uploaded
originals and generated export files are deleted after FILE_RETENTION_DAYS; unused export
approvals expire. Audit and access logs are kept (append-only; at least 180 days - nothing in
the application deletes them)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
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
    return PurgeResult(deleted, kept, expire_stale())
