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


# --- Usernames longer than any account's, password spraying, the address behind a proxy -------


def test_username_longer_than_the_field_is_a_failed_sign_in(client, leader):
    for length in (151, 256, 300, 5000):
        response = _login(client, "a" * length, "wrong")
        assert response.status_code == 200
        assert "用户名或密码不正确" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Counted like any failure, under the username cut to the field's length.
    attempt = AccessAttempt.objects.get()
    assert attempt.username == "a" * 150
    assert attempt.failures_since_start == 4


def test_spraying_one_address_over_many_usernames_locks_the_address(client, leader, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 8
    for n in range(8):
        # Never more than one failure per username: the per-username limit is never reached.
        _login(client, f"sprayed{n}", "Spring2026!")
    locked = _login(client, "leader", PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another address is not affected.
    assert _login(Client(), "leader", PASSWORD, ip="10.2.2.2").status_code == 302


def test_a_few_failures_from_a_shared_address_lock_nobody_else(client, leader, settings):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 8
    for n in range(7):
        _login(client, f"typo{n}", "wrong")
    assert _login(Client(), "leader", PASSWORD).status_code == 302


def test_without_a_trusted_proxy_x_forwarded_for_is_ignored(client, leader, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    for n in range(5):
        # A client writing a new address into the header each time is still one address.
        client.post(
            reverse("login"),
            {"username": "leader", "password": "wrong"},
            REMOTE_ADDR="10.1.1.1",
            HTTP_X_FORWARDED_FOR=f"172.16.0.{n}",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.1.1.1"}
    assert _login(client, "leader", PASSWORD).status_code == 429


def test_behind_a_trusted_proxy_each_client_is_its_own_address(client, leader, settings):
    settings.TRUSTED_PROXY_COUNT = 1

    def through_nginx(client_address, password, forged=""):
        header = f"{forged}, {client_address}" if forged else client_address
        return Client().post(
            reverse("login"),
            {"username": "leader", "password": password},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=header,
        )

    for _ in range(5):
        through_nginx("10.9.9.9", "wrong", forged="1.2.3.4")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"10.9.9.9"}
    # The attacker is locked; an officer at another desk behind the same proxy is not.
    assert through_nginx("10.9.9.9", PASSWORD).status_code == 429
    assert through_nginx("10.3.3.3", PASSWORD).status_code == 302


def test_request_client_ip_reads_the_entry_the_nearest_trusted_proxy_wrote(rf, settings):
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 10.0.0.5")
    settings.TRUSTED_PROXY_COUNT = 0
    assert security.request_client_ip(request) == "127.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert security.request_client_ip(request) == "10.0.0.5"
    settings.TRUSTED_PROXY_COUNT = 2
    assert security.request_client_ip(request) == "6.6.6.6"
    settings.TRUSTED_PROXY_COUNT = 3  # fewer entries than proxies: the header is not trusted
    assert security.request_client_ip(request) == "127.0.0.1"
    bad = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="not-an-address")
    settings.TRUSTED_PROXY_COUNT = 1
    assert security.request_client_ip(bad) == "127.0.0.1"
