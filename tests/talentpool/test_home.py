"""The home page of the system administrator: when the background worker was last seen."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.formats import date_format

from talentpool import jobs

NOT_RUNNING = "后台处理程序没有运行"


def shown(moment) -> str:
    return date_format(timezone.localtime(moment), "Y-m-d H:i:s")


def test_the_sysadmin_sees_that_no_worker_ever_ran(client, sysadmin):
    client.force_login(sysadmin)
    body = client.get("/").content.decode()
    assert NOT_RUNNING in body and "从未见到它运行过" in body
    assert "python manage.py worker" in body


def test_the_sysadmin_sees_a_running_worker_and_its_last_heartbeat(client, sysadmin):
    seen = timezone.now() - timedelta(seconds=20)
    jobs.beat("host:1", seen)
    client.force_login(sysadmin)
    body = client.get("/").content.decode()
    assert f"正在运行（1 个进程），最近一次心跳：{shown(seen)}" in body
    assert NOT_RUNNING not in body


def test_the_sysadmin_is_warned_when_the_worker_was_not_seen_for_a_minute(client, sysadmin):
    seen = timezone.now() - timedelta(seconds=61)
    jobs.beat("host:1", seen)
    client.force_login(sysadmin)
    body = client.get("/").content.decode()
    assert NOT_RUNNING in body
    assert f"最后一次见到是 {shown(seen)}（host:1）" in body


def test_a_worker_that_stopped_cleanly_is_reported_as_not_running(client, sysadmin):
    with jobs.heartbeat("host:2"):
        pass
    client.force_login(sysadmin)
    body = client.get("/").content.decode()
    assert NOT_RUNNING in body and "（host:2）" in body


def test_only_the_sysadmin_sees_the_worker(client, secadmin, county_officer, auditor):
    for user in (secadmin, county_officer, auditor):
        client.force_login(user)
        body = client.get("/").content.decode()
        assert "后台处理程序" not in body, user.role
