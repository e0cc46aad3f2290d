"""The batch page when no worker picks its job up: after 30 s it says that background processing
is not running and whom to tell, instead of 已处理 0 / 0 行 for ever."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from talentpool import jobs
from talentpool.survey import actions
from talentpool.survey.models import BatchStatus, ImportBatch

from .factories import person, survey_xlsx, upload

pytestmark = pytest.mark.django_db

NOT_RUNNING = "后台处理程序没有运行"
BUSY = "后台正在处理其他任务"


@pytest.fixture
def db_queue(settings):
    """Jobs wait in the real queue (django-tasks-db) for a worker that is not there."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def status_part(client, batch: ImportBatch, after: timedelta) -> str:
    """The polled status panel, `after` the batch's job was enqueued."""
    job = DBTaskResult.objects.get()
    url = reverse("survey:detail", args=[batch.pk]) + "?part=status"
    with mock.patch("django.utils.timezone.now", return_value=job.enqueued_at + after):
        response = client.get(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def test_an_upload_no_worker_picks_up_says_so_after_thirty_seconds_and_not_before(
    client, township_a, township_officer_a, db_queue
):
    client.force_login(township_officer_a)
    data = survey_xlsx([person()])
    response = client.post(reverse("survey:upload"), {"file": SimpleUploadedFile("表.xlsx", data)})
    batch = ImportBatch.objects.get()
    assert response.url == reverse("survey:detail", args=[batch.pk])
    assert batch.status == BatchStatus.ANALYSING

    early = status_part(client, batch, timedelta(seconds=29))
    assert "已处理 0 / 0 行" in early
    assert NOT_RUNNING not in early

    late = status_part(client, batch, timedelta(seconds=31))
    assert NOT_RUNNING in late and "系统管理员" in late
    assert "已处理 0 / 0 行" not in late
    assert 'hx-trigger="every 1s"' in late  # still polling: a worker started later clears it

    job = DBTaskResult.objects.get()
    with mock.patch("django.utils.timezone.now", return_value=job.enqueued_at + timedelta(0, 31)):
        page = client.get(response.url).content.decode()
    assert NOT_RUNNING in page
    batch.refresh_from_db()
    assert batch.status == BatchStatus.ANALYSING  # the page only tells; nothing changed


def test_a_job_waiting_behind_a_running_worker_says_it_is_queued(
    client, township_a, township_officer_a, db_queue
):
    batch = upload(survey_xlsx([person()]), township=township_a, user=township_officer_a)
    job = DBTaskResult.objects.get()
    jobs.beat("host:1", job.enqueued_at + timedelta(seconds=30))
    client.force_login(township_officer_a)
    body = status_part(client, batch, timedelta(seconds=40))
    assert BUSY in body
    assert NOT_RUNNING not in body


def test_a_job_a_worker_has_picked_up_shows_its_progress(
    client, township_a, township_officer_a, db_queue
):
    batch = upload(survey_xlsx([person()]), township=township_a, user=township_officer_a)
    DBTaskResult.objects.update(status="RUNNING", started_at=timezone.now())
    client.force_login(township_officer_a)
    body = status_part(client, batch, timedelta(minutes=5))
    assert NOT_RUNNING not in body and BUSY not in body
    assert "已处理 0 / 0 行" in body


def test_a_confirmed_write_no_worker_picks_up_says_so(
    client, settings, township_a, township_officer_a, leader
):
    batch = upload(survey_xlsx([person()]), township=township_a, user=township_officer_a)
    assert batch.status == BatchStatus.PREVIEWED
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert actions.confirm_batch(batch, actor=township_officer_a) is None
    client.force_login(township_officer_a)
    body = status_part(client, batch, timedelta(seconds=31))
    assert "已确认，等待后台开始导入" in body and NOT_RUNNING in body
    client.force_login(leader)  # a reader waits for the same job
    assert NOT_RUNNING in status_part(client, batch, timedelta(seconds=31))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.QUEUED


def test_a_stalled_job_that_never_started_is_not_offered_a_restart(
    client, township_a, township_officer_a, db_queue
):
    batch = upload(survey_xlsx([person()]), township=township_a, user=township_officer_a)
    client.force_login(township_officer_a)
    body = status_part(client, batch, timedelta(minutes=20))
    assert batch.status == BatchStatus.ANALYSING
    assert NOT_RUNNING in body
    assert "长时间没有进展" not in body
    assert reverse("survey:retry", args=[batch.pk]) not in body
