"""Sign-in and sessions: lockout by username and address together, the session key rotating at
login, logout ending the server-side session, 30 minutes idle and 8 hours at most."""

import time

from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from talentpool import security
from tests.factories import PASSWORD


def _login(client, username, password, ip="10.1.1.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_login_page_says_two_factor_is_off_on_the_demo_machine(client, settings):
    settings.REQUIRE_2FA = False
    assert "未启用双因素认证" in client.get(reverse("login")).content.decode()
    settings.REQUIRE_2FA = True
    assert "未启用双因素认证" not in client.get(reverse("login")).content.decode()


def test_wrong_password_shows_chinese_message(client, leader):
    response = _login(client, "leader", "wrong")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()


def test_five_failures_lock_that_username_from_that_address(client, leader):
    for _ in range(5):
        _login(client, "leader", "wrong")
    locked = _login(client, "leader", PASSWORD)
    assert locked.status_code == 429
    body = locked.content.decode()
    assert "已锁定15分钟" in body
    assert "_auth_user_id" not in client.session
    # A colleague behind the same NAT address still signs in; so does the same user elsewhere.
    colleague = Client()
    assert _login(colleague, "county", PASSWORD).status_code in (200, 302)
    elsewhere = Client()
    assert _login(elsewhere, "leader", PASSWORD, ip="10.2.2.2").status_code == 302


def test_four_failures_do_not_lock(client, leader):
    for _ in range(4):
        _login(client, "leader", "wrong")
    assert _login(client, "leader", PASSWORD).status_code == 302


def test_lockout_ends_after_fifteen_minutes(client, leader):
    from datetime import timedelta

    from django.utils import timezone

    for _ in range(5):
        _login(client, "leader", "wrong")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert _login(client, "leader", PASSWORD).status_code == 302


def test_session_key_changes_at_login(client, leader):
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    assert _login(client, "leader", PASSWORD).status_code == 302
    assert client.session.session_key != before


def test_logout_deletes_the_server_side_session(client, leader):
    _login(client, "leader", PASSWORD)
    key = client.session.session_key
    assert Session.objects.filter(session_key=key).exists()
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert client.get(reverse("home")).status_code == 302


def _age_session(client, **seconds_ago):
    session = client.session
    now = time.time()
    if "login" in seconds_ago:
        session[security.SESSION_LOGIN_AT] = now - seconds_ago["login"]
    if "seen" in seconds_ago:
        session[security.SESSION_SEEN_AT] = now - seconds_ago["seen"]
    session.save()


def test_idle_session_ends_after_thirty_minutes(client, leader):
    _login(client, "leader", PASSWORD)
    _age_session(client, seen=31 * 60)
    response = client.get(reverse("registry:list"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    page = client.get(response.url)
    assert "30分钟未操作" in page.content.decode()


def test_active_session_ends_after_eight_hours(client, leader):
    _login(client, "leader", PASSWORD)
    _age_session(client, login=8 * 3600 + 1, seen=10)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_use_keeps_the_session_alive(client, leader):
    _login(client, "leader", PASSWORD)
    _age_session(client, login=7 * 3600, seen=29 * 60)
    assert client.get(reverse("home")).status_code == 200
    assert time.time() - client.session[security.SESSION_SEEN_AT] < 5
    _age_session(client, seen=20 * 60)
    assert client.get(reverse("home")).status_code == 200


def test_idle_htmx_request_redirects_the_whole_page(client, leader):
    _login(client, "leader", PASSWORD)
    _age_session(client, seen=31 * 60)
    response = client.get(reverse("registry:list"), headers={"HX-Request": "true"})
    assert response["HX-Redirect"] == reverse("login")
