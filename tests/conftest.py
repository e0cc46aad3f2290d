"""Shared fixtures: the places of a small county and one persona per role.

Township A and township B are two townships of the county; every scope test asks whether
township A's officer can reach township B's data (and the other way round)."""

from __future__ import annotations

import pytest

from talentpool.models import Role
from tests.factories import make_township, make_user, make_village


@pytest.fixture
def township_a(db):
    return make_township("500233001000", "忠州街道")


@pytest.fixture
def township_b(db):
    return make_township("500233104000", "任家镇")


@pytest.fixture
def village_a(township_a):
    return make_village(township_a, 201, "香山村")


@pytest.fixture
def village_b(township_b):
    return make_village(township_b, 201, "桥亭村")


@pytest.fixture
def county_officer(db):
    return make_user("county", Role.COUNTY, last_name="王", first_name="组织")


@pytest.fixture
def township_officer_a(township_a):
    return make_user("officer_a", Role.TOWNSHIP, township=township_a)


@pytest.fixture
def township_officer_b(township_b):
    return make_user("officer_b", Role.TOWNSHIP, township=township_b)


@pytest.fixture
def mentor(township_a):
    return make_user("mentor", Role.MENTOR, township=township_a)


@pytest.fixture
def leader(db):
    return make_user("leader", Role.LEADER)


@pytest.fixture
def sysadmin(db):
    return make_user("sysadmin", Role.SYSADMIN, is_staff=True)


@pytest.fixture
def secadmin(db):
    return make_user("secadmin", Role.SECADMIN, is_staff=True)


@pytest.fixture
def auditor(db):
    return make_user("auditor", Role.AUDITOR)


@pytest.fixture
def personas(
    county_officer,
    township_officer_a,
    township_officer_b,
    mentor,
    leader,
    sysadmin,
    secadmin,
    auditor,
):
    return {
        "county": county_officer,
        "township_a": township_officer_a,
        "township_b": township_officer_b,
        "mentor": mentor,
        "leader": leader,
        "sysadmin": sysadmin,
        "secadmin": secadmin,
        "auditor": auditor,
    }


@pytest.fixture(autouse=True)
def immediate_tasks(settings):
    """Background jobs run at once, inside the test, so their effects can be asserted."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Real hashing costs ~0.3 s a user; tests make many users. Production keeps PBKDF2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


pytest_plugins = ["tests.browser"]


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path_factory):
    """Uploaded files and generated exports go to a throw-away folder, never var/media."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture
def local_clock(monkeypatch):
    """Set the clock to a moment given in the deployment's local time (Asia/Shanghai).

    Patches django.utils.timezone.now, which localdate(), localtime() and the auto_now fields
    read; code that asks the machine's own clock (date.today()) is not moved, so a test at a
    date far from the real one catches it, and a test in the small hours catches a date taken
    in UTC."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from django.conf import settings
    from django.utils import timezone

    def set_clock(*args) -> datetime:
        moment = datetime(*args, tzinfo=ZoneInfo(settings.TIME_ZONE))
        monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(ZoneInfo("UTC")))
        return moment

    return set_clock
