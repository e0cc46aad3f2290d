"""Every admin page an administrator sees is Chinese: Django's, the libraries' (axes, OTP,
pghistory, django-tasks, import-export) and ours. Crawled over every page of every registered
model the two administrators can open."""

import contextlib
import html
import json
import re

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from talentpool.actions import request_account_action
from talentpool.models import AccountAction

# What assessors saw, and what else Django and the libraries write in English.
ENGLISH_PHRASES = [
    "After you’ve created a user",
    "After you've created a user",
    "Choose all",
    "Remove all",
    "Model name",
    "Add link",
    "Change or view list link",
    "Select all",
    "Access attempts",
    "access attempt",
    "Failed Logins",
    "Attempt Time",
    "Get full name",
    "Attempted Access",
    "Axes",
    "Tasks Database Backend",
    "TOTP device",
    "Password-based authentication",
    "Enter the same password",
]
# Words that may stay: the personas' usernames, role and choice codes in option values.
DATA_WORDS = {
    "sysadmin",
    "secadmin",
    "county",
    "officer",
    "leader",
    "mentor",
    "auditor",
    "Control",
    "Command",
    "Excel",
    "Word",
    "WPS",
    # File formats offered by import and export.
    "xlsx",
    "json",
    "html",
    "yaml",
}


def _admin_urls() -> list[str]:
    urls = [reverse("admin:index"), reverse("admin:password_change")]
    for model in admin.site._registry:
        info = f"{model._meta.app_label}_{model._meta.model_name}"
        for name in ("changelist", "add", "import", "export"):
            with contextlib.suppress(NoReverseMatch):
                urls.append(reverse(f"admin:{info}_{name}"))
        obj = model._default_manager.first()
        if obj is not None:
            for name in ("change", "history"):
                urls.append(reverse(f"admin:{info}_{name}", args=[obj.pk]))
    return urls


def _visible_text(body: str) -> str:
    body = re.sub(r"<script.*?</script>|<style.*?</style>", " ", body, flags=re.S)
    # Identifiers shown as such: a file's column headers (<code>), option values.
    body = re.sub(r"<code>.*?</code>", " ", body, flags=re.S)
    attributes = " ".join(re.findall(r'(?:title|aria-label|placeholder)="([^"]*)"', body))
    text = html.unescape(re.sub(r"<[^>]+>", " ", body) + " " + attributes)
    # A column header after its Chinese name: 区划代码（code）.
    return re.sub(r"（[A-Za-z_]+）", " ", text)


@pytest.mark.parametrize("role", ["sysadmin", "secadmin"])
def test_every_admin_page_is_chinese(client, personas, township_a, village_a, role):
    AccessAttempt.objects.create(
        username="leader",
        ip_address="10.1.1.1",
        user_agent="-",
        get_data="",
        post_data="",
        http_accept="",
        path_info="/accounts/login/",
        failures_since_start=2,
        attempt_time=timezone.now(),
    )
    other = "secadmin" if role == "sysadmin" else "sysadmin"
    request_account_action(
        personas["leader"], AccountAction.RESET_PASSWORD, actor=personas[other], reason="核实"
    )
    client.force_login(personas[role])
    opened = 0
    problems = []
    for url in _admin_urls():
        response = client.get(url)
        if response.status_code != 200:
            continue
        opened += 1
        text = _visible_text(response.content.decode())
        problems += [f"{url}: {phrase}" for phrase in ENGLISH_PHRASES if phrase in text]
        words = set(re.findall(r"[A-Za-z]{4,}", text)) - DATA_WORDS
        problems += [f"{url}: {word}" for word in words]
    assert opened >= 10
    assert problems == []


def test_the_admin_scripts_speak_chinese(client, sysadmin):
    client.force_login(sysadmin)
    catalog = client.get(reverse("admin:jsi18n")).content.decode()
    match = re.search(r"const newcatalog = (\{.*?\});", catalog, flags=re.S)
    entries = json.loads(match[1])
    assert entries["Choose all"] == "全选"
    assert entries["Remove all"] == "删除全部"
