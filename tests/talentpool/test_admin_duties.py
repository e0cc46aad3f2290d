"""Separation of duties (三权分立) in the admin: the system administrator keeps accounts, the
security administrator grants rights (never to themself), the auditor only reads the audit
pages, and none of them sees residents' data."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from pghistory.models import Events

from talentpool.models import Role, User
from tests.factories import PASSWORD, make_person


def _change_data(user: User, **changes) -> dict:
    data = {
        "username": user.username,
        "last_name": user.last_name,
        "first_name": user.first_name,
        "title": user.title,
        "phone": user.phone,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "must_change_password": "on" if user.must_change_password else "",
        "role": user.role,
        "township": user.township_id or "",
        "user_permissions": [p.pk for p in user.user_permissions.all()],
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_sysadmin_creates_an_account_without_a_role_that_must_change_its_password(client, sysadmin):
    client.force_login(sysadmin)
    response = client.post(
        reverse("admin:talentpool_user_add"),
        {
            "username": "newclerk",
            "password1": "Temp#pass2026",
            "password2": "Temp#pass2026",
            "last_name": "李",
            "first_name": "新",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user = User.objects.get(username="newclerk")
    assert user.role == Role.UNASSIGNED
    assert user.must_change_password
    assert not user.is_staff and not user.is_superuser
    client.logout()
    client.post(reverse("login"), {"username": "newclerk", "password": "Temp#pass2026"})
    assert client.get(reverse("registry:list")).url == reverse("password_change")


def test_sysadmin_cannot_change_roles_or_rights(client, sysadmin, leader):
    client.force_login(sysadmin)
    url = reverse("admin:talentpool_user_change", args=[leader.pk])
    page = client.get(url).content.decode()
    assert 'name="role"' not in page
    assert 'name="user_permissions"' not in page
    client.post(url, _change_data(leader, role=Role.COUNTY, title="科员"))
    leader.refresh_from_db()
    assert leader.role == Role.LEADER
    assert leader.title == "科员"


def test_secadmin_grants_a_role_and_the_personal_data_right(client, secadmin, leader, township_a):
    client.force_login(secadmin)
    perm = Permission.objects.get(codename="view_personal_data")
    url = reverse("admin:talentpool_user_change", args=[leader.pk])
    response = client.post(
        url,
        _change_data(
            leader, role=Role.TOWNSHIP, township=township_a.pk, user_permissions=[perm.pk]
        ),
    )
    assert response.status_code == 302
    leader = User.objects.get(pk=leader.pk)
    assert leader.role == Role.TOWNSHIP
    assert leader.can_view_personal_data
    labels = set(
        Events.objects.filter(pgh_obj_model="talentpool.User").values_list("pgh_label", flat=True)
    )
    assert "update" in labels
    grant = Events.objects.filter(pgh_label="permission.add").get()
    assert grant.pgh_data["user_id"] == leader.pk
    assert grant.pgh_context["user"] == secadmin.pk


def test_secadmin_cannot_change_account_details_or_reset_passwords(client, secadmin, leader):
    client.force_login(secadmin)
    url = reverse("admin:talentpool_user_change", args=[leader.pk])
    client.post(url, _change_data(leader, title="改了", is_active=""))
    leader.refresh_from_db()
    assert leader.title == "" and leader.is_active
    password_url = reverse("admin:auth_user_password_change", args=[leader.pk])
    assert client.get(password_url).status_code == 403
    assert client.get(reverse("admin:talentpool_user_add")).status_code == 403


def test_secadmin_cannot_grant_anything_to_themself(client, secadmin):
    client.force_login(secadmin)
    perm = Permission.objects.get(codename="view_personal_data")
    url = reverse("admin:talentpool_user_change", args=[secadmin.pk])
    response = client.post(
        url, _change_data(secadmin, role=Role.COUNTY, user_permissions=[perm.pk])
    )
    assert response.status_code == 403
    secadmin.refresh_from_db()
    assert secadmin.role == Role.SECADMIN
    assert not secadmin.user_permissions.exists()


def test_nobody_becomes_superuser_or_staff_through_the_admin(client, secadmin, leader):
    client.force_login(secadmin)
    url = reverse("admin:talentpool_user_change", args=[leader.pk])
    client.post(url, _change_data(leader, is_superuser="on", is_staff="on"))
    leader.refresh_from_db()
    assert not leader.is_superuser and not leader.is_staff


def test_accounts_are_disabled_not_deleted(client, sysadmin, leader):
    client.force_login(sysadmin)
    assert client.get(reverse("admin:talentpool_user_delete", args=[leader.pk])).status_code == 403


@pytest.mark.parametrize("role", ["sysadmin", "secadmin", "auditor"])
def test_administrators_never_reach_residents_data(client, personas, township_a, role):
    person = make_person(township_a)
    client.force_login(personas[role])
    assert client.get(reverse("registry:list")).status_code == 403
    assert client.get(reverse("registry:detail", args=[person.pk])).status_code == 403
    assert client.get(reverse("security:exports")).status_code == 403
    assert (
        client.post(
            reverse("security:reveal", args=[person.pk]), {"reason": "核对身份"}
        ).status_code
        == 403
    )


def test_administrator_with_the_right_still_sees_masked_data(secadmin, township_a):
    from tests.factories import grant_personal_data

    person = make_person(township_a)
    assert person.id_number_for(grant_personal_data(secadmin), granted=True) != person.id_number


def test_a_staff_flag_alone_does_not_open_the_admin(client, leader):
    User.objects.filter(pk=leader.pk).update(is_staff=True)
    client.force_login(User.objects.get(pk=leader.pk))
    assert client.get(reverse("admin:index")).status_code == 302


def test_admin_login_is_the_apps_login_with_its_lockout(client):
    response = client.get(reverse("admin:login"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_demo_users_are_not_superusers(db):
    from talentpool import demo

    demo.seed_places()
    users = demo.seed_users()
    assert users
    assert not any(u.is_superuser for u in users)
    for user in users:
        assert user.check_password(demo.DEMO_PASSWORD)


def test_migrate_check_warns_about_an_active_superuser(db):
    from talentpool.checks import no_superuser_in_daily_use

    assert no_superuser_in_daily_use(None, databases=["default"]) == []
    User.objects.create_superuser("root", password=PASSWORD)
    warnings = no_superuser_in_daily_use(None, databases=["default"])
    assert [w.id for w in warnings] == ["talentpool.W001"]
    assert "root" in warnings[0].msg
