"""Password and second-factor resets need two administrators (三权分立): the old direct paths in
the admin are refused, one administrator asks, one of the other duty approves, the user gets a
one-time code to replace at first sign-in and is told at the next sign-in; no page shows a
password hash."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice
from pghistory.models import Events

from talentpool.actions import approve_account_request, request_account_action
from talentpool.models import AccountAction, AccountRequest, AccountRequestStatus, Role, User
from tests.factories import PASSWORD, make_user


@pytest.fixture
def second_sysadmin(db):
    return make_user("sysadmin2", Role.SYSADMIN, is_staff=True)


def _ask(client, admin_user, account, action=AccountAction.RESET_PASSWORD):
    client.force_login(admin_user)
    return client.post(
        reverse("admin:talentpool_accountrequest_add"),
        {"account": account.pk, "action": action, "reason": "本人遗忘密码，电话核实"},
    )


def _decide(client, admin_user, account_request, action="approve"):
    client.force_login(admin_user)
    return client.post(
        reverse("admin:talentpool_accountrequest_changelist"),
        {"action": action, "_selected_action": [account_request.pk]},
    )


# --- The old direct paths ------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["sysadmin", "secadmin"])
def test_no_administrator_sets_a_password_directly(client, personas, county_officer, role):
    client.force_login(personas[role])
    url = reverse("admin:auth_user_password_change", args=[county_officer.pk])
    assert client.get(url).status_code == 403
    response = client.post(
        url,
        {"password1": "Reset#pass2026", "password2": "Reset#pass2026", "usable_password": "true"},
    )
    assert response.status_code == 403
    county_officer.refresh_from_db()
    assert county_officer.check_password(PASSWORD)
    assert not county_officer.must_change_password


def test_the_direct_second_factor_reset_action_is_gone(client, sysadmin, county_officer):
    TOTPDevice.objects.create(user=county_officer, name="phone", confirmed=True)
    client.force_login(sysadmin)
    changelist = reverse("admin:talentpool_user_changelist")
    assert "reset_second_factor" not in client.get(changelist).content.decode()
    client.post(
        changelist, {"action": "reset_second_factor", "_selected_action": [county_officer.pk]}
    )
    assert TOTPDevice.objects.filter(user=county_officer).count() == 1


@pytest.mark.parametrize("role", ["sysadmin", "secadmin"])
def test_no_page_shows_a_password_hash(client, personas, county_officer, role):
    client.force_login(personas[role])
    pages = [
        reverse("admin:talentpool_user_change", args=[county_officer.pk]),
        reverse("admin:talentpool_user_changelist"),
        reverse("admin:talentpool_user_history", args=[county_officer.pk]),
    ]
    algorithm, _iterations_or_salt, *_rest = county_officer.password.split("$")
    for url in pages:
        page = client.get(url).content.decode()
        assert county_officer.password not in page
        for part in county_officer.password.split("$")[1:]:
            assert part not in page
        assert "algorithm" not in page and "哈希" not in page
        assert not re.search(rf"\b{algorithm}\b", page)


# --- Ask, approve, sign in -----------------------------------------------------------------------


def test_sysadmin_asks_secadmin_approves_and_the_user_replaces_the_code(
    client, sysadmin, secadmin, county_officer
):
    assert _ask(client, sysadmin, county_officer).status_code == 302
    account_request = AccountRequest.objects.get()
    assert account_request.status == AccountRequestStatus.REQUESTED
    assert account_request.requested_by == sysadmin
    county_officer.refresh_from_db()
    assert county_officer.check_password(PASSWORD)  # nothing done yet

    response = _decide(client, secadmin, account_request)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    code = re.search(r'<code class="one-time-code">([^<]+)</code>', response.content.decode())[1]
    account_request.refresh_from_db()
    assert account_request.status == AccountRequestStatus.DONE
    assert account_request.decided_by == secadmin
    county_officer.refresh_from_db()
    assert county_officer.check_password(code)
    assert county_officer.must_change_password
    # The code is not kept anywhere in the clear.
    assert code not in str(Events.objects.filter(pgh_obj_model="talentpool.User").values())
    events = Events.objects.filter(pgh_obj_model="talentpool.AccountRequest")
    assert [e.pgh_label for e in events.order_by("pgh_created_at")] == ["insert", "update"]
    assert events.filter(pgh_label="update").get().pgh_context["user"] == secadmin.pk

    # At the next sign-in: the new password first, and the user reads who did it.
    client.logout()
    signed_in = client.post(reverse("login"), {"username": "county", "password": code}, follow=True)
    assert signed_in.redirect_chain[-1][0].startswith(reverse("password_change"))
    page = signed_in.content.decode()
    assert "由sysadmin申请" in page and "secadmin批准" in page
    assert "本人遗忘密码" in page
    account_request.refresh_from_db()
    assert account_request.seen_at is not None
    client.logout()
    again = client.post(reverse("login"), {"username": "county", "password": code}, follow=True)
    assert "secadmin批准" not in again.content.decode()


def test_secadmin_asks_and_sysadmin_approves_a_second_factor_reset(
    client, sysadmin, secadmin, county_officer
):
    TOTPDevice.objects.create(user=county_officer, name="phone", confirmed=True)
    _ask(client, secadmin, county_officer, AccountAction.RESET_SECOND_FACTOR)
    account_request = AccountRequest.objects.get()
    assert TOTPDevice.objects.filter(user=county_officer).exists()
    assert _decide(client, sysadmin, account_request).status_code == 200
    assert not TOTPDevice.objects.filter(user=county_officer).exists()
    county_officer.refresh_from_db()
    assert county_officer.check_password(PASSWORD)
    account_request.refresh_from_db()
    assert account_request.status == AccountRequestStatus.DONE


def test_the_requester_cannot_approve_their_own_request(client, sysadmin, county_officer):
    _ask(client, sysadmin, county_officer)
    account_request = AccountRequest.objects.get()
    response = _decide(client, sysadmin, account_request)
    assert response.status_code == 302
    account_request.refresh_from_db()
    assert account_request.status == AccountRequestStatus.REQUESTED
    assert account_request.decided_by is None
    county_officer.refresh_from_db()
    assert county_officer.check_password(PASSWORD)
    assert not county_officer.must_change_password


def test_an_administrator_of_the_same_duty_cannot_approve(
    client, sysadmin, second_sysadmin, county_officer
):
    _ask(client, sysadmin, county_officer)
    account_request = AccountRequest.objects.get()
    _decide(client, second_sysadmin, account_request)
    account_request.refresh_from_db()
    assert account_request.status == AccountRequestStatus.REQUESTED
    county_officer.refresh_from_db()
    assert county_officer.check_password(PASSWORD)


def test_nobody_asks_for_their_own_account(client, sysadmin, secadmin):
    response = _ask(client, sysadmin, sysadmin)
    assert response.status_code == 200  # the form refuses the choice
    assert not AccountRequest.objects.exists()
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        request_account_action(sysadmin, AccountAction.RESET_PASSWORD, actor=sysadmin, reason="x")
    assert not AccountRequest.objects.exists()


def test_the_database_refuses_self_approval_whatever_wrote_it(sysadmin, county_officer):
    from django.db import IntegrityError, transaction

    account_request = request_account_action(
        county_officer, AccountAction.RESET_PASSWORD, actor=sysadmin, reason="核实"
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        AccountRequest.objects.filter(pk=account_request.pk).update(
            status=AccountRequestStatus.DONE, decided_by=sysadmin
        )


def test_a_rejected_request_changes_nothing(client, sysadmin, secadmin, county_officer):
    _ask(client, sysadmin, county_officer)
    account_request = AccountRequest.objects.get()
    _decide(client, secadmin, account_request, action="reject")
    account_request.refresh_from_db()
    assert account_request.status == AccountRequestStatus.REJECTED
    assert account_request.decided_by == secadmin
    county_officer.refresh_from_db()
    assert county_officer.check_password(PASSWORD)
    # And a decided request cannot be approved afterwards.
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        approve_account_request(account_request, actor=secadmin)


@pytest.mark.parametrize("role", ["county", "township_a", "leader", "auditor"])
def test_other_roles_neither_ask_nor_decide(client, personas, sysadmin, county_officer, role):
    account_request = request_account_action(
        personas["leader"], AccountAction.RESET_PASSWORD, actor=sysadmin, reason="核实"
    )
    client.force_login(personas[role])
    assert client.get(reverse("admin:talentpool_accountrequest_add")).status_code in (302, 403)
    _decide(client, personas[role], account_request)
    account_request.refresh_from_db()
    assert account_request.status == AccountRequestStatus.REQUESTED


def test_a_business_role_waits_until_the_user_replaced_the_first_password(
    client, secadmin, township_a
):
    newcomer = make_user("newcomer", Role.UNASSIGNED, must_change_password=True)
    client.force_login(secadmin)
    perm = Permission.objects.get(codename="view_personal_data")
    response = client.post(
        reverse("admin:talentpool_user_change", args=[newcomer.pk]),
        {"role": Role.TOWNSHIP, "township": township_a.pk, "user_permissions": [perm.pk]},
    )
    assert response.status_code == 200
    assert "须本人首次登录修改密码后" in response.content.decode()
    newcomer = User.objects.get(pk=newcomer.pk)
    assert newcomer.role == Role.UNASSIGNED
    assert not newcomer.user_permissions.exists()


def test_a_sign_in_without_a_page_leaves_the_notice_for_the_next_one(
    client, sysadmin, secadmin, county_officer
):
    account_request = request_account_action(
        county_officer, AccountAction.RESET_SECOND_FACTOR, actor=sysadmin, reason="换手机"
    )
    approve_account_request(account_request, actor=secadmin)
    client.force_login(county_officer)
    account_request.refresh_from_db()
    assert account_request.seen_at is None
    client.logout()
    page = client.post(
        reverse("login"), {"username": "county", "password": PASSWORD}, follow=True
    ).content.decode()
    assert "换手机" in page
    account_request.refresh_from_db()
    assert account_request.seen_at is not None


def test_the_system_administrator_cannot_clear_the_first_password_flag(client, sysadmin):
    newcomer = make_user("newcomer", Role.UNASSIGNED, must_change_password=True)
    client.force_login(sysadmin)
    client.post(
        reverse("admin:talentpool_user_change", args=[newcomer.pk]),
        {"username": "newcomer", "is_active": "on", "must_change_password": ""},
    )
    newcomer.refresh_from_db()
    assert newcomer.must_change_password
