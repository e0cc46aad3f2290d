"""HTTP security: a strict Content-Security-Policy, no framing, no sniffing, HSTS and secure
cookies in production, `check --deploy` clean, and no page that loads anything from another
host (these servers sit on government intranets)."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from tests.factories import grant_personal_data, make_person

ROOT = Path(__file__).resolve().parent.parent


def test_pages_carry_the_security_headers(client, county_officer):
    client.force_login(county_officer)
    response = client.get(reverse("registry:list"))
    csp = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_login_page_has_the_policy_too(client):
    assert "default-src 'self'" in client.get(reverse("login"))["Content-Security-Policy"]


def _deploy_env(**extra) -> dict[str, str]:
    dropped = ("DEBUG", "HTTPS", "REQUIRE_2FA", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        DATABASE_URL="postgres://talentpool_app:secret@127.0.0.1:9/talentpool",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="rcmp.example.gov.cn",
        DEBUG="false",
        **extra,
    )
    return env


def test_check_deploy_is_clean_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=_deploy_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_turn_on_https_rules_and_two_factor():
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.REQUIRE_2FA, s.DEBUG)"
    )
    env = _deploy_env(DJANGO_SETTINGS_MODULE="talentpool.settings")
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == ["True", "True", "True", "31536000", "True", "False"], (
        result.stderr
    )


# src="...", href="...", action="...", url(...), @import "..." pointing at another host.
EXTERNAL = re.compile(
    r"""(?:src|href|action|poster|data|srcset)\s*=\s*["']?\s*(?:https?:)?//[^"'\s>]+"""
    r"""|url\(\s*["']?\s*(?:https?:)?//|@import\s+["']?(?:https?:)?//""",
    re.IGNORECASE,
)


def _external_references(text: str) -> list[str]:
    return [m.group(0) for m in EXTERNAL.finditer(text)]


def test_no_template_or_static_file_references_another_host():
    found = {}
    folders = [ROOT / "templates", ROOT / "static"]
    for folder in folders:
        for path in folder.rglob("*"):
            if path.suffix not in (".html", ".css", ".js", ".svg") or path.name.endswith(".map"):
                continue
            hits = _external_references(path.read_text(encoding="utf-8", errors="replace"))
            # Vendored libraries mention URLs in comments and licence strings, and build
            # namespaced SVG elements (xmlns="http://www.w3.org/2000/svg"): only attributes
            # that make the browser fetch count.
            hits = [h for h in hits if "www.w3.org" not in h]
            if hits:
                found[str(path.relative_to(ROOT))] = hits[:3]
    assert not found, found


@pytest.mark.parametrize("role", ["county", "township_a", "leader", "auditor", "sysadmin"])
def test_rendered_pages_reference_no_other_host(client, personas, township_a, village_a, role):
    from tests.test_url_matrix import ACCESS

    person = make_person(township_a, village_a)
    user = personas[role]
    if role == "county":
        user = grant_personal_data(user)
    client.force_login(user)
    urls = [reverse("home"), reverse("admin:index") if role == "sysadmin" else reverse("home")]
    for name, (rule, _module) in ACCESS.items():
        if rule.obj or rule.status_for(role) != 200:
            continue
        urls.append(reverse(name))
    urls.append(reverse("registry:detail", args=[person.pk]))
    for url in urls:
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        assert not _external_references(response.content.decode()), url
