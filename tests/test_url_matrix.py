"""Every URL the project has, for every role: who gets in, who is refused, and that a township
officer reaches another township's objects by no URL. A URL that is not classified below fails
`test_every_url_is_classified`, so a new page cannot ship without deciding who may open it."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.factories import make_person

ALL = {"county", "township_a", "township_b", "mentor", "leader", "sysadmin", "secadmin", "auditor"}
READERS = {"county", "township_a", "township_b", "leader"}
WRITERS = {"county", "township_a", "township_b"}

# url name -> (roles allowed, kwargs builder name or None). Object URLs use township A's objects:
# township B's officer must get 404 where township A's gets through.
MATRIX: dict[str, tuple[set[str], str | None]] = {
    "home": (ALL, None),
    "login": (ALL, None),
    "registry:list": (READERS, None),
    "registry:create": (WRITERS, None),
    "registry:detail": (READERS, "person"),
    "registry:edit": (WRITERS, "person"),
    "audit:list": ({"auditor"}, None),
}
# POST-only or special endpoints: name -> reason they are not opened with GET here.
NOT_GET = {"logout": "POST only; covered in test_auth"}
# Namespaces covered as a whole by their own tests.
NAMESPACES = {"admin": "Django admin: staff only, see test_admin_is_for_administrators_only"}


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
    unclassified = all_url_names() - set(MATRIX) - set(NOT_GET)
    assert not unclassified, f"classify these URLs in tests/test_url_matrix.py: {unclassified}"


@pytest.fixture
def objects(township_a, village_a):
    return {"person": {"pk": make_person(township_a, village_a).pk}}


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_role_matrix(client, personas, objects, name):
    allowed, kwargs_key = MATRIX[name]
    url = reverse(name, kwargs=objects[kwargs_key] if kwargs_key else None)
    anonymous = client.get(url)
    if name == "login":
        assert anonymous.status_code == 200
    else:
        assert anonymous.status_code == 302
        assert anonymous.url.startswith(reverse("login"))
    for role, user in personas.items():
        client.force_login(user)
        status = client.get(url).status_code
        if role not in allowed:
            expected = 403
        elif kwargs_key and role == "township_b":
            expected = 404  # township A's object, out of township B's scope
        else:
            expected = 200
        assert status == expected, f"{role} GET {url}: {status}, expected {expected}"
        client.logout()


@pytest.mark.parametrize("name", sorted(n for n, (_r, key) in MATRIX.items() if key))
def test_other_townships_object_is_404_on_post_too(client, township_officer_b, objects, name):
    _allowed, key = MATRIX[name]
    client.force_login(township_officer_b)
    response = client.post(reverse(name, kwargs=objects[key]), {"name": "改"})
    assert response.status_code in (404, 405)


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
    sysadmin.is_superuser = False
    client.force_login(sysadmin)
    body = client.get(reverse("admin:index")).content.decode()
    assert "人才信息库" not in body
