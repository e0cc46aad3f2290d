"""Plain factory helpers for tests: `make_*` functions with sensible defaults."""

from __future__ import annotations

import itertools
from datetime import date

from talentpool.identity import make_id_number
from talentpool.models import County, Person, Role, Township, User, Village

PASSWORD = "Test#pass2026"
_serial = itertools.count(1)


def make_county(code: str = "500233000000", name: str = "忠县") -> County:
    return County.objects.get_or_create(code=code, defaults={"name": name})[0]


def make_township(code: str, name: str, county: County | None = None) -> Township:
    county = county or make_county()
    return Township.objects.get_or_create(code=code, defaults={"name": name, "county": county})[0]


def make_village(township: Township, serial: int, name: str) -> Village:
    code = f"{township.code[:9]}{serial:03d}"
    return Village.objects.get_or_create(code=code, defaults={"name": name, "township": township})[
        0
    ]


def make_user(username: str, role: str, township: Township | None = None, **extra) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, role=role, township=township, **extra
    )
    return user


def grant_personal_data(user: User) -> User:
    from django.contrib.auth.models import Permission

    user.user_permissions.add(
        Permission.objects.get(codename="view_personal_data", content_type__app_label="talentpool")
    )
    return User.objects.get(pk=user.pk)  # drop the cached permissions


def approve_export(export, approver: User | None = None):
    """Have `export` approved by a county officer who is not its requester (every export needs
    one: talentpool.exports)."""
    from django.test import RequestFactory

    from talentpool import exports

    if approver is None:
        approver = make_user(f"approver{export.pk}", Role.COUNTY, last_name="审", first_name="批")
    request = RequestFactory().post("/")
    request.user = approver
    assert exports.decide_export(request, export, approve=True, note="同意")
    export.refresh_from_db()
    return export


def make_person(
    township: Township,
    village: Village | None = None,
    *,
    name: str = "张维",
    birth_date: date = date(1992, 5, 3),
    gender: str = "1",
    save: bool = True,
    **fields,
) -> Person:
    n = next(_serial)
    person = Person(
        name=name,
        gender=gender,
        birth_date=birth_date,
        id_number=fields.pop("id_number", None) or _unique_id(birth_date, gender, n),
        township=township,
        village=village,
        **fields,
    )
    if save:
        person.save()
    return person


def _unique_id(birth_date: date, gender: str, n: int) -> str:
    # Vary the area code's last digits with n so that thousands of people can share a birthday.
    area = f"5002{n // 100 % 100:02d}"
    return make_id_number(area, birth_date, n % 100, gender)


__all__ = [
    "PASSWORD",
    "Role",
    "grant_personal_data",
    "make_county",
    "make_person",
    "make_township",
    "make_user",
    "make_village",
]
