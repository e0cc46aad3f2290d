"""Idle accounts are disabled; old uploads and exports are purged."""

import os
import time
from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone
from pghistory.models import Events

from talentpool.models import Role, User
from talentpool.tasks import disable_idle_accounts, purge_expired_files
from tests.factories import make_user


def test_accounts_unused_for_90_days_are_disabled(db):
    now = timezone.now()
    idle = make_user("idle", Role.LEADER)
    never = make_user("never", Role.LEADER)
    recent = make_user("recent", Role.LEADER)
    User.objects.filter(pk=idle.pk).update(last_login=now - timedelta(days=91))
    User.objects.filter(pk=never.pk).update(date_joined=now - timedelta(days=100))
    User.objects.filter(pk=recent.pk).update(last_login=now - timedelta(days=89))
    out = StringIO()
    call_command("disable_idle_accounts", stdout=out)
    assert "idle、never" in out.getvalue()
    assert {u.username: u.is_active for u in User.objects.all()} == {
        "idle": False,
        "never": False,
        "recent": True,
    }
    assert (
        Events.objects.filter(
            pgh_obj_model="talentpool.User", pgh_label="update", pgh_diff__has_key="is_active"
        ).count()
        == 2
    )


def test_the_task_does_the_same(db):
    user = make_user("idle", Role.LEADER)
    User.objects.filter(pk=user.pk).update(last_login=timezone.now() - timedelta(days=120))
    result = disable_idle_accounts.enqueue()
    assert result.return_value == 1
    user.refresh_from_db()
    assert not user.is_active


def test_old_uploads_and_exports_are_purged(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.FILE_RETENTION_DAYS = 30
    old = tmp_path / "uploads" / "2026" / "survey.xlsx"
    fresh = tmp_path / "exports" / "new.xlsx"
    other = tmp_path / "kept-elsewhere.txt"
    for path in (old, fresh, other):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    stamp = time.time() - 31 * 86400
    os.utime(old, (stamp, stamp))
    os.utime(other, (stamp, stamp))
    assert purge_expired_files.enqueue().return_value == 1
    assert not old.exists() and not old.parent.exists()
    assert fresh.exists() and other.exists()
    out = StringIO()
    call_command("purge_expired_files", stdout=out)
    assert "已删除" in out.getvalue()
