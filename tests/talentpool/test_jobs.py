"""talentpool.jobs: the worker's heartbeat, "is background processing running?", and "has this
job waited too long for a worker?"."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV

from talentpool import jobs
from talentpool.models import WorkerHeartbeat

ROOT = Path(__file__).resolve().parent.parent.parent
T0 = timezone.now().replace(microsecond=0)


def at(moment):
    """Freeze the clock of the code under test at `moment`."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


@pytest.fixture
def db_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def enqueue_at(moment, *args):
    from tests.fault_tasks import slow_job

    with at(moment):
        result = slow_job.enqueue(*args)
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.get(pk=result.id)


# --- Is background processing running? ----------------------------------------------------------


def test_no_worker_is_running_when_none_ever_reported(db):
    assert not jobs.worker_running(T0)
    status = jobs.worker_status(T0)
    assert (status.running, status.last, status.last_seen_at) == (0, None, None)


def test_a_worker_heard_from_within_a_minute_is_running_and_not_after(db):
    jobs.beat("host:1", T0)
    assert jobs.worker_running(T0 + timedelta(seconds=60))
    assert not jobs.worker_running(T0 + timedelta(seconds=61))
    with at(T0 + timedelta(seconds=61)):
        assert not jobs.worker_running()
    status = jobs.worker_status(T0 + timedelta(seconds=61))
    assert status.running == 0
    assert status.last.worker == "host:1" and status.last_seen_at == T0


def test_a_worker_that_stopped_is_not_running_even_if_seen_a_moment_ago(db):
    with at(T0), jobs.heartbeat("host:2"):
        assert jobs.worker_running(T0)
    row = WorkerHeartbeat.objects.get(worker="host:2")
    assert row.stopped_at == T0
    assert not jobs.worker_running(T0)
    assert jobs.worker_status(T0).last == row


def test_a_beat_moves_last_seen_and_keeps_started(db):
    jobs.beat("host:3", T0)
    jobs.beat("host:3", T0 + timedelta(seconds=10))
    row = WorkerHeartbeat.objects.get(worker="host:3")
    assert (row.started_at, row.last_seen_at, row.stopped_at) == (
        T0,
        T0 + timedelta(seconds=10),
        None,
    )


def test_a_starting_worker_deletes_week_old_heartbeats_and_its_pids_old_row(db):
    jobs.beat("host:old", T0 - timedelta(days=8))
    jobs.beat("host:recent", T0 - timedelta(days=1))
    jobs.beat("host:4", T0 - timedelta(days=2))
    with at(T0), jobs.heartbeat("host:4"):
        assert set(WorkerHeartbeat.objects.values_list("worker", flat=True)) == {
            "host:recent",
            "host:4",
        }
        assert WorkerHeartbeat.objects.get(worker="host:4").started_at == T0


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_thread_keeps_beating_while_the_worker_is_idle():
    with jobs.heartbeat("host:5", interval=timedelta(seconds=0.05)):
        first = WorkerHeartbeat.objects.get(worker="host:5").last_seen_at
        deadline = time.monotonic() + 10
        beats = set()
        while len(beats) < 3 and time.monotonic() < deadline:
            beats.add(WorkerHeartbeat.objects.get(worker="host:5").last_seen_at)
            time.sleep(0.02)
        assert len(beats) >= 3, "the heartbeat thread did not beat"
        assert min(beats) >= first
        assert WorkerHeartbeat.objects.get(worker="host:5").stopped_at is None
    row = WorkerHeartbeat.objects.get(worker="host:5")
    assert row.stopped_at is not None and row.last_seen_at == row.stopped_at


def test_the_heartbeat_thread_survives_a_database_error(db):
    stop = mock.Mock()
    stop.wait.side_effect = [False, False, True]
    with (
        mock.patch.object(jobs, "beat", side_effect=[jobs.DatabaseError("gone"), None]) as beat,
        mock.patch.object(jobs, "connection"),
        mock.patch.object(jobs, "close_old_connections"),
    ):
        jobs._beat_until("host:6", stop, 0.01)
    assert beat.call_count == 2


# --- The worker command records it ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_worker_command_records_its_heartbeat_and_its_stop():
    env = dict(os.environ, EMBEDDED_DB_NAME=connection.settings_dict["NAME"])
    before = timezone.now()
    worker = subprocess.run(
        [sys.executable, "manage.py", "worker", "--batch", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stderr
    row = WorkerHeartbeat.objects.get()
    host, _sep, pid = row.worker.rpartition(":")
    assert (host, pid.isdigit()) == (jobs.worker_id().rpartition(":")[0], True)
    assert before <= row.started_at <= row.last_seen_at == row.stopped_at <= timezone.now()


def test_the_worker_command_beats_around_db_worker(db):
    seen = []

    def db_worker(name, **options):
        seen.append((name, options["worker_id"], jobs.worker_running()))

    with mock.patch("talentpool.management.commands.worker.call_command", db_worker):
        call_command("worker", "--batch", "--no-reload")
    assert seen == [("db_worker", jobs.worker_id(), True)]
    assert WorkerHeartbeat.objects.get(worker=jobs.worker_id()).stopped_at is not None
    assert not jobs.worker_running()


def test_the_reloading_parent_leaves_the_heartbeat_to_its_child(db, monkeypatch):
    monkeypatch.delenv(DJANGO_AUTORELOAD_ENV, raising=False)
    calls = []
    with mock.patch(
        "talentpool.management.commands.worker.call_command",
        lambda name, **options: calls.append(options["reload"]),
    ):
        call_command("worker", "--reload")
    assert calls == [True]
    assert not WorkerHeartbeat.objects.exists()

    monkeypatch.setenv(DJANGO_AUTORELOAD_ENV, "true")
    with mock.patch(
        "talentpool.management.commands.worker.call_command",
        lambda name, **options: calls.append(jobs.worker_running()),
    ):
        call_command("worker", "--reload")
    assert calls == [True, True]
    assert WorkerHeartbeat.objects.filter(worker=jobs.worker_id()).exists()


# --- Has this job waited too long for a worker? ---------------------------------------------------


def test_a_job_is_overdue_after_thirty_seconds_unpicked(db, db_queue, tmp_path):
    job = enqueue_at(T0, str(tmp_path / "m"))
    assert not jobs.overdue(job, T0 + timedelta(seconds=30))
    assert jobs.overdue(job, T0 + timedelta(seconds=31))
    with at(T0 + timedelta(seconds=31)):
        assert jobs.overdue(job)
    assert not jobs.overdue(None, T0 + timedelta(hours=1))


def test_a_job_a_worker_picked_up_or_finished_is_never_overdue(db, db_queue, tmp_path):
    job = enqueue_at(T0, str(tmp_path / "m"))
    for status in ("RUNNING", "SUCCESSFUL", "FAILED"):
        job.status = status
        assert not jobs.overdue(job, T0 + timedelta(hours=1))


def test_wait_state_says_nothing_in_time_no_worker_or_busy(db, db_queue, tmp_path):
    job = enqueue_at(T0, str(tmp_path / "m"))
    later = T0 + timedelta(seconds=45)
    assert jobs.wait_state(job, T0 + timedelta(seconds=10)) == ""
    assert jobs.wait_state(job, later) == jobs.NO_WORKER
    jobs.beat("host:7", later - timedelta(seconds=5))
    assert jobs.wait_state(job, later) == jobs.WORKERS_BUSY
    assert jobs.wait_state(None, later) == ""


def test_waiting_jobs_finds_a_tasks_unpicked_jobs_by_their_arguments(db, db_queue, tmp_path):
    from tests.fault_tasks import slow_job

    mine = enqueue_at(T0, "a")
    enqueue_at(T0, "b")
    assert list(jobs.waiting_jobs([slow_job], "a")) == [mine]
    assert jobs.waiting_jobs([slow_job]).count() == 2
    mine.status = "RUNNING"
    mine.save()
    assert not jobs.waiting_jobs([slow_job], "a").exists()
