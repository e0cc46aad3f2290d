"""Background jobs that die with their worker (killed, out of memory, the machine restarted)
stay "running" in django-tasks-db for ever. `fail_abandoned()` marks them failed, so the user
sees that the job ended and must be sent again (`describe()`), instead of waiting forever.

Run it when workers start (`make run` does) and from the scheduled timer (SECURITY.md). Workers
started with `--worker-id <host>:<pid>` (as `make run` and the systemd unit do) are checked at
once; others after JOB_TIMEOUT."""

from __future__ import annotations

import os
import socket
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

JOB_TIMEOUT = timedelta(hours=2)
WORKER_LOST = "talentpool.jobs.WorkerLost"


class WorkerLost(RuntimeError):
    """The worker running the job ended without finishing it."""


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _worker_alive(worker: str) -> bool | None:
    """True/False for a worker of this machine named host:pid; None when it cannot be told."""
    host, _sep, pid = worker.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return None
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def fail_abandoned(now=None, timeout: timedelta = JOB_TIMEOUT) -> int:
    """Mark failed every running job whose worker is gone (or that ran past `timeout`)."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    failed = 0
    for result in DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING):
        worker = result.worker_ids[-1] if result.worker_ids else ""
        alive = _worker_alive(worker)
        if alive is False or (alive is None and result.started_at < now - timeout):
            updated = DBTaskResult.objects.filter(
                pk=result.pk, status=TaskResultStatus.RUNNING
            ).update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=WORKER_LOST,
                traceback=f"{WORKER_LOST}: worker {worker} ended during the job",
            )
            failed += updated
    return failed


def describe(result) -> str:
    """A job's state in words for its user (a django-tasks TaskResult or a DBTaskResult)."""
    status = str(getattr(result.status, "value", result.status))
    exception = getattr(result, "exception_class_path", "") or ""
    if status == "FAILED" and exception == WORKER_LOST:
        return _("失败：后台处理进程中断，本次处理未完成，请重新提交。")
    return {
        "READY": _("排队等待处理"),
        "RUNNING": _("正在处理"),
        "SUCCESSFUL": _("已完成"),
        "FAILED": _("失败：处理出错，请检查文件后重新提交。"),
    }.get(status, status)
