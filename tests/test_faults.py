"""Faults: the worker killed mid-job, the database connection lost during a request, the disk
full during an upload. Each ends in a clear state and a clear Chinese message, with nothing
half-written. (The database lost in the middle of writing a survey is tested with the import,
in tests/survey/.)"""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from talentpool import jobs
from talentpool.models import Person
from tests.factories import make_person

ROOT = Path(__file__).resolve().parent.parent


# --- The worker killed mid-job ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_job_whose_worker_is_killed_is_marked_failed_and_says_so(settings, tmp_path):
    from django_tasks.base import TaskResultStatus

    from tests.fault_tasks import slow_job

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    marker = tmp_path / "started"
    result = slow_job.enqueue(str(marker))
    assert result.status == TaskResultStatus.READY
    env = dict(os.environ, EMBEDDED_DB_NAME=connection.settings_dict["NAME"])
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--batch", "--max-tasks", "1", "-v", "0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert marker.exists(), "the worker never started the job"
        result.refresh()
        assert result.status == TaskResultStatus.RUNNING
        os.kill(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    result.refresh()
    assert result.status == TaskResultStatus.RUNNING  # nobody told the database
    assert jobs.fail_abandoned() == 1
    from django_tasks_db.models import DBTaskResult

    row = DBTaskResult.objects.get(pk=result.id)
    assert row.status == TaskResultStatus.FAILED
    assert "中断" in jobs.describe(row)
    assert jobs.fail_abandoned() == 0


def test_describe_names_each_state(db):
    from types import SimpleNamespace

    assert jobs.describe(SimpleNamespace(status="READY")) == "排队等待处理"
    assert jobs.describe(SimpleNamespace(status="SUCCESSFUL")) == "已完成"
    assert "失败" in jobs.describe(SimpleNamespace(status="FAILED", exception_class_path="x"))


# --- The database connection lost during a request ----------------------------------------------


def _lose_connection_on(sql_start: str):
    """An execute wrapper that fails like a dropped connection at the first matching query."""

    def wrapper(execute, sql, params, many, context):
        if sql.lstrip().upper().startswith(sql_start):
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    return wrapper


@pytest.mark.django_db(transaction=True)
def test_lost_database_connection_gives_a_chinese_page_and_saves_nothing(
    township_officer_a, village_a
):
    from talentpool.identity import make_id_number

    client = Client(raise_request_exception=False)
    client.force_login(township_officer_a)
    data = {
        "name": "李芳",
        "id_number": make_id_number("500233", __import__("datetime").date(1990, 1, 2), 12, "2"),
        "village": village_a.pk,
        "ethnicity": "01",
        "residence": "away",
    }
    with connection.execute_wrapper(_lose_connection_on("INSERT")):
        response = client.post(reverse("registry:create"), data)
    body = response.content.decode()
    assert response.status_code == 503
    assert "数据库暂时无法连接" in body and "没有保存" in body
    assert "OperationalError" not in body and "Traceback" not in body
    assert not Person.objects.exists()


def test_a_database_error_inside_a_save_leaves_no_partial_rows(township_a, village_a):
    """Creating a person writes the row and its audit event; a failure between them (here, on
    the audit insert) must leave neither."""
    from django.db import transaction

    def fail_on_event(execute, sql, params, many, context):
        if "talentpool_personevent" in sql and sql.lstrip().upper().startswith("INSERT"):
            raise OperationalError("connection lost")
        return execute(sql, params, many, context)

    person = make_person(township_a, village_a, save=False)
    with (
        pytest.raises(OperationalError),
        transaction.atomic(),
        connection.execute_wrapper(fail_on_event),
    ):
        person.save()
        # pghistory writes its event in a trigger, inside the same statement; make the
        # failure come from an explicit second write as an application would.
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO talentpool_personevent DEFAULT VALUES")
    assert not Person.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM talentpool_personevent")
        assert cursor.fetchone()[0] == 0


def test_server_error_page_is_static_chinese_and_leaks_nothing(rf):
    from talentpool.views import server_error

    try:
        raise ValueError("secret detail /etc/passwd")
    except ValueError:
        response = server_error(rf.get("/"))
    body = response.content.decode()
    assert response.status_code == 500
    assert "系统出错" in body and "没有保存" in body
    assert "secret" not in body and "{%" not in body


# --- A full disk during an upload ---------------------------------------------------------------


class FullDiskStorage(FileSystemStorage):
    def _save(self, name, content):
        raise OSError(errno.ENOSPC, "No space left on device")


def test_full_disk_during_an_upload_gives_a_clear_message(county_officer, rf):
    """Any view saving an upload to storage: the OSError(ENOSPC) becomes a Chinese 507 page."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from talentpool.middleware import FaultMiddleware

    storage = FullDiskStorage(location="/tmp/never")  # noqa: S108 - never written

    def upload_view(request):
        storage.save("uploads/survey.xlsx", request.FILES["file"])
        raise AssertionError("unreachable")

    request = rf.post("/upload/", {"file": SimpleUploadedFile("survey.xlsx", b"PK\x03\x04data")})
    request.user = county_officer
    middleware = FaultMiddleware(upload_view)
    try:
        upload_view(request)
    except OSError as exc:
        response = middleware.process_exception(request, exc)
    body = response.content.decode()
    assert response.status_code == 507
    assert "存储空间不足" in body and "没有保存" in body


def test_other_os_errors_are_not_mistaken_for_a_full_disk(rf):
    from talentpool.middleware import FaultMiddleware

    middleware = FaultMiddleware(lambda r: None)
    assert middleware.process_exception(rf.get("/"), OSError(errno.EACCES, "denied")) is None
    assert middleware.process_exception(rf.get("/"), ValueError()) is None
