"""Every URL the project has, for every role: who gets in, who is refused, and that township B's
officer reaches township A's objects by no URL. Each app's tests/<app>/access.py classifies its
URLs; a URL classified nowhere fails `test_every_url_is_classified`, so no page ships without a
decision on who may open it."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

APPS = ("talentpool", "survey", "candidates", "training", "evaluation")
# Namespaces covered as a whole by their own tests.
NAMESPACES = {"admin": "Django admin: staff only, see test_admin_is_for_administrators_only"}


def _access_modules():
    modules = []
    for app in APPS:
        try:
            modules.append(importlib.import_module(f"tests.{app}.access"))
        except ModuleNotFoundError:
            continue
    return modules


MODULES = _access_modules()
ACCESS = {name: (rule, m) for m in MODULES for name, rule in m.ACCESS.items()}
NOT_GET = {name: why for m in MODULES for name, why in getattr(m, "NOT_GET", {}).items()}


def all_url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = pattern.namespace
                if ns in NAMESPACES:
                    continue
                walk(pattern.url_patterns, f"{prefix}{ns}:" if ns else prefix)
            elif isinstance(pattern, URLPattern) and pattern.name:
                names.add(prefix + pattern.name)

    walk(get_resolver().url_patterns)
    return names


def test_every_url_is_classified():
    unclassified = all_url_names() - set(ACCESS) - set(NOT_GET)
    assert not unclassified, f"classify these URLs in tests/<app>/access.py: {unclassified}"


@pytest.fixture
def ctx(personas, township_a, township_b, village_a, village_b):
    return SimpleNamespace(
        personas=personas,
        township_a=township_a,
        township_b=township_b,
        village_a=village_a,
        village_b=village_b,
    )


@pytest.mark.parametrize("name", sorted(ACCESS))
def test_role_matrix(client, ctx, name):
    rule, module = ACCESS[name]
    kwargs = module.objects(ctx)[rule.obj] if rule.obj else None
    url = reverse(name, kwargs=kwargs)
    anonymous = client.get(url)
    if name == "login":
        assert anonymous.status_code == 200
    else:
        assert anonymous.status_code == 302
        assert anonymous.url.startswith(reverse("login"))
    for role, user in ctx.personas.items():
        client.force_login(user)
        response = client.get(url)
        expected = rule.status_for(role)
        assert response.status_code == expected, (
            f"{role} GET {url}: {response.status_code}, expected {expected}"
        )
        assert_not_cached(response, f"{role} GET {url}")
        if expected == 200:
            fragment = client.get(url, headers={"HX-Request": "true"})
            assert_not_cached(fragment, f"{role} htmx GET {url}")
        client.logout()


def assert_not_cached(response, where: str) -> None:
    """Whatever a signed-in user is sent may show a resident: no cache may keep it."""
    directives = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    assert {"private", "no-store"} <= directives, f"{where}: Cache-Control {directives}"


@pytest.mark.parametrize("name", sorted(n for n, (rule, _m) in ACCESS.items() if rule.obj))
def test_other_townships_object_is_404_on_post_too(client, ctx, name):
    rule, module = ACCESS[name]
    kwargs = module.objects(ctx)[rule.obj]
    client.force_login(ctx.personas["township_b"])
    data = {"name": "改", **{k: v for k, v in kwargs.items() if v is not None}}
    response = client.post(reverse(name, kwargs=kwargs), data)
    assert response.status_code in (403, 404, 405)


def test_admin_is_for_administrators_only(client, personas):
    url = reverse("admin:index")
    for role, user in personas.items():
        client.force_login(user)
        response = client.get(url)
        if role in ("sysadmin", "secadmin"):
            assert response.status_code == 200, role
        else:
            assert response.status_code == 302, role
        client.logout()


def test_admin_does_not_expose_the_registry(client, sysadmin):
    client.force_login(sysadmin)
    body = client.get(reverse("admin:index")).content.decode()
    assert "人才信息库" not in body
