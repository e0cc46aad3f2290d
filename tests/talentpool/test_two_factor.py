"""Two-factor sign-in (TOTP) for county officers and the three administrator roles."""

import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD


@pytest.fixture(autouse=True)
def require_2fa(settings):
    settings.REQUIRE_2FA = True


def _token(device: TOTPDevice) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def _login(client, username):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


@pytest.mark.parametrize("role", ["county", "sysadmin", "secadmin", "auditor"])
def test_roles_that_need_a_second_factor_are_sent_to_bind_one(client, personas, role):
    _login(client, personas[role].username)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("otp_setup"))


@pytest.mark.parametrize("role", ["township_a", "mentor", "leader"])
def test_other_roles_sign_in_with_a_password(client, personas, role):
    _login(client, personas[role].username)
    assert client.get(reverse("home")).status_code == 200


def test_binding_an_authenticator_shows_a_qr_code_and_confirms_with_a_code(client, county_officer):
    _login(client, "county")
    page = client.get(reverse("otp_setup"))
    body = page.content.decode()
    assert page.status_code == 200
    assert f'src="{reverse("otp_qr")}"' in body
    qr = client.get(reverse("otp_qr"))
    assert qr["Content-Type"] == "image/svg+xml"
    assert b"<svg" in qr.content
    device = TOTPDevice.objects.get(user=county_officer)
    assert not device.confirmed
    secret = re.search(r'user-select-all">([A-Z2-7]+)<', body).group(1)
    assert secret
    response = client.post(reverse("otp_setup"), {"token": _token(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get(reverse("home")).status_code == 200
    # A bound authenticator's key is never shown again.
    assert client.get(reverse("otp_qr")).status_code == 404


def test_a_wrong_code_does_not_bind_and_slows_down_the_next_try(client, county_officer):
    _login(client, "county")
    client.get(reverse("otp_setup"))
    device = TOTPDevice.objects.get(user=county_officer)
    wrong_token = "000000" if _token(device) != "000000" else "111111"
    wrong = client.post(reverse("otp_setup"), {"token": wrong_token})
    assert "验证码不正确" in wrong.content.decode()
    hurried = client.post(reverse("otp_setup"), {"token": _token(device)})
    assert "尝试过于频繁" in hurried.content.decode()
    device.refresh_from_db()
    assert not device.confirmed


def test_a_bound_user_types_the_code_at_each_sign_in(client, county_officer):
    device = TOTPDevice.objects.create(user=county_officer, name="手机", confirmed=True)
    _login(client, "county")
    response = client.get(reverse("registry:list"))
    assert response.url == reverse("otp_verify") + "?next=%2Fregistry%2F"
    bad = client.post(reverse("otp_verify"), {"token": "12ab56"})
    assert "6位数字" in bad.content.decode()
    assert client.get(reverse("registry:list")).status_code == 302
    ok = client.post(reverse("otp_verify"), {"token": _token(device), "next": "/registry/"})
    assert ok.status_code == 302
    assert ok.url == "/registry/"
    assert client.get(reverse("registry:list")).status_code == 200


def test_a_code_cannot_be_used_twice(client, county_officer):
    device = TOTPDevice.objects.create(user=county_officer, name="手机", confirmed=True)
    token = _token(device)
    _login(client, "county")
    assert client.post(reverse("otp_verify"), {"token": token}).status_code == 302
    client.post(reverse("logout"))
    _login(client, "county")
    again = client.post(reverse("otp_verify"), {"token": token})
    assert again.status_code == 200
    assert client.get(reverse("home")).status_code == 302


def test_next_cannot_point_at_another_host(client, county_officer):
    device = TOTPDevice.objects.create(user=county_officer, name="手机", confirmed=True)
    _login(client, "county")
    response = client.post(
        reverse("otp_verify"), {"token": _token(device), "next": "https://evil.example/"}
    )
    assert response.url == reverse("home")


def test_admin_requires_the_second_factor_too(client, sysadmin):
    _login(client, "sysadmin")
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("otp_setup"))
