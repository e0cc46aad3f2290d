"""Background jobs that die with their worker (killed, out of memory, the machine restarted)
stay "running" in django-tasks-db for ever. `fail_abandoned()` marks them failed, so the user
sees that the job ended and must be sent again (`describe()`), instead of waiting forever.

Run it when workers start (`make run` does) and from the scheduled timer (SECURITY.md). Workers
started with `--worker-id <host>:<pid>` (as `make run` and the systemd unit do) are checked at
once; others after JOB_TIMEOUT.

While it runs, the worker records a heartbeat (`heartbeat()`, every HEARTBEAT_INTERVAL, from a
thread of its own so that an idle worker and one busy with a long job are both seen). Pages that
wait for a job ask `wait_state()` whether it has waited PICKUP_WAIT unpicked, and if so whether
any worker is running at all; the system administrator's home page shows `worker_status()`."""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import DatabaseError, close_old_connections, connection
from django.utils import timezone
from django.utils.translation import gettext as _

JOB_TIMEOUT = timedelta(hours=2)
WORKER_LOST = "talentpool.jobs.WorkerLost"

# A running worker records itself this often; one not heard from for WORKER_SILENT is gone.
HEARTBEAT_INTERVAL = timedelta(seconds=10)
WORKER_SILENT = timedelta(seconds=60)
# A job still waiting this long after it was enqueued: no worker has picked it up.
PICKUP_WAIT = timedelta(seconds=30)
# Rows of workers that stopped (or died) this long ago are deleted when a worker starts.
HEARTBEAT_KEEP = timedelta(days=7)
# wait_state(): nothing to say, no worker running, or the workers are busy with other jobs.
NO_WORKER = "no_worker"
WORKERS_BUSY = "busy"

logger = logging.getLogger(__name__)


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


# --- Heartbeat: is background processing running? ------------------------------------------------


def beat(worker: str, now: datetime | None = None) -> None:
    """Record that `worker` is running now."""
    from talentpool.models import WorkerHeartbeat

    now = now or timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker=worker,
        defaults={"last_seen_at": now, "stopped_at": None},
        create_defaults={"started_at": now, "last_seen_at": now},
    )


def _beat_until(worker: str, stop: threading.Event, interval: float) -> None:
    try:
        while not stop.wait(interval):
            # A connection the database dropped (a restart) is replaced at the next beat.
            close_old_connections()
            try:
                beat(worker)
            except DatabaseError:
                logger.warning("worker %s: heartbeat not recorded", worker, exc_info=True)
    finally:
        connection.close()


@contextlib.contextmanager
def heartbeat(worker: str, interval: timedelta = HEARTBEAT_INTERVAL) -> Iterator[None]:
    """Record `worker` as running while the block runs, and as stopped when it ends."""
    from talentpool.models import WorkerHeartbeat

    now = timezone.now()
    WorkerHeartbeat.objects.filter(last_seen_at__lt=now - HEARTBEAT_KEEP).delete()
    WorkerHeartbeat.objects.filter(worker=worker).delete()  # an earlier process with this pid
    beat(worker, now)
    stop = threading.Event()
    thread = threading.Thread(
        target=_beat_until,
        args=(worker, stop, interval.total_seconds()),
        name="worker-heartbeat",
        daemon=True,
    )
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)
        with contextlib.suppress(DatabaseError):
            now = timezone.now()
            WorkerHeartbeat.objects.filter(worker=worker).update(last_seen_at=now, stopped_at=now)


@dataclass(frozen=True)
class WorkerStatus:
    running: int  # workers heard from within WORKER_SILENT
    last: object | None  # the WorkerHeartbeat heard from last, if any ever was

    @property
    def last_seen_at(self) -> datetime | None:
        return self.last.last_seen_at if self.last else None


def worker_status(now: datetime | None = None) -> WorkerStatus:
    from talentpool.models import WorkerHeartbeat

    now = now or timezone.now()
    return WorkerStatus(
        running=WorkerHeartbeat.objects.alive(now - WORKER_SILENT).count(),
        last=WorkerHeartbeat.objects.order_by("-last_seen_at").first(),
    )


def worker_running(now: datetime | None = None) -> bool:
    """Is background processing running: has a worker been heard from within WORKER_SILENT?"""
    from talentpool.models import WorkerHeartbeat

    now = now or timezone.now()
    return WorkerHeartbeat.objects.alive(now - WORKER_SILENT).exists()


# --- Jobs waiting for a worker --------------------------------------------------------------------


def waiting_jobs(tasks: Sequence, *args):
    """The jobs of `tasks` enqueued with `args` as their leading arguments that no worker has
    picked up yet, oldest first."""
    from django_tasks_db.models import DBTaskResult

    jobs = DBTaskResult.objects.ready().filter(task_path__in=[t.module_path for t in tasks])
    for position, arg in enumerate(args):
        jobs = jobs.filter(**{f"args_kwargs__args__{position}": arg})
    return jobs.order_by("enqueued_at")


def overdue(job, now: datetime | None = None) -> bool:
    """Has `job` waited more than PICKUP_WAIT without a worker picking it up?"""
    from django_tasks_db.models import get_date_max

    if job is None or str(getattr(job.status, "value", job.status)) != "READY":
        return False
    now = now or timezone.now()
    since = job.enqueued_at
    if job.run_after and since < job.run_after < get_date_max():
        since = job.run_after  # a job scheduled for later waits from then
    return now - since > PICKUP_WAIT


def wait_state(job, now: datetime | None = None) -> str:
    """What to tell the user waiting for `job` (or None): "" while it is not overdue, else
    NO_WORKER when no worker is running, or WORKERS_BUSY when they are busy with other jobs."""
    now = now or timezone.now()
    if not overdue(job, now):
        return ""
    return WORKERS_BUSY if worker_running(now) else NO_WORKER
