"""Account workflows that need two administrators (三权分立).

A password or second-factor reset is asked for by one administrator (`request_account_action`)
and done only when an administrator of the other duty approves it (`approve_account_request`):
the password becomes a one-time code that the approver hands to the user and the user must
replace at the first sign-in; a second-factor reset removes the authenticators so that the user
binds a new one. Each step is a row of AccountRequest (audited by its triggers); the account
holder is told at the next sign-in (`tell_account_holder`).
"""

from __future__ import annotations

import secrets

from django.contrib import messages
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from talentpool.models import (
    ACCOUNT_REQUEST_ROLES,
    AccountAction,
    AccountRequest,
    AccountRequestStatus,
    User,
)

# No 0/O, 1/l/I: the code is read out or copied by hand.
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"


def make_one_time_code(user: User) -> str:
    """A random temporary password that passes the password rules (e.g. "Hk7p-Q2xw-9Mbe")."""
    while True:
        code = "-".join("".join(secrets.choice(_CODE_ALPHABET) for _ in range(4)) for _ in range(3))
        try:
            validate_password(code, user)
        except ValidationError:
            continue
        return code


@transaction.atomic
def request_account_action(
    account: User, action: str, *, actor: User, reason: str
) -> AccountRequest:
    """Ask for `action` on `account`; an open request for the same is returned, not repeated."""
    if actor.role not in ACCOUNT_REQUEST_ROLES:
        raise PermissionDenied(_("只有系统管理员和安全管理员可以申请账号操作。"))
    if account.pk == actor.pk:
        raise PermissionDenied(_("不能为自己的账号提出申请：请在“修改密码”中自行修改。"))
    existing = AccountRequest.objects.awaiting_decision().filter(account=account, action=action)
    if existing.exists():
        return existing.first()
    return AccountRequest.objects.create(
        account=account, action=action, reason=reason, requested_by=actor
    )


@transaction.atomic
def approve_account_request(account_request: AccountRequest, *, actor: User) -> str | None:
    """Do what the request asks. Returns the one-time code of a password reset (shown once to
    the approver, never stored), None for a second-factor reset."""
    account_request = AccountRequest.objects.select_for_update().get(pk=account_request.pk)
    refusal = account_request.refusal_for(actor)
    if refusal:
        raise PermissionDenied(refusal)
    account = User.objects.select_for_update().get(pk=account_request.account_id)
    code = None
    if account_request.action == AccountAction.RESET_PASSWORD:
        code = make_one_time_code(account)
        account.set_password(code)
        account.must_change_password = True
        account.save(update_fields=["password", "password_changed_at", "must_change_password"])
    else:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        TOTPDevice.objects.filter(user=account).delete()
    account_request.status = AccountRequestStatus.DONE
    account_request.decided_by = actor
    account_request.decided_at = timezone.now()
    account_request.save(update_fields=["status", "decided_by", "decided_at"])
    return code


@transaction.atomic
def reject_account_request(account_request: AccountRequest, *, actor: User) -> None:
    account_request = AccountRequest.objects.select_for_update().get(pk=account_request.pk)
    refusal = account_request.refusal_for(actor)
    if refusal:
        raise PermissionDenied(refusal)
    account_request.status = AccountRequestStatus.REJECTED
    account_request.decided_by = actor
    account_request.decided_at = timezone.now()
    account_request.save(update_fields=["status", "decided_by", "decided_at"])


def tell_account_holder(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver: the user reads which administrators reset what, and when."""
    if request is None or not hasattr(request, "_messages"):
        # A sign-in without a page to show it on (a test client's force_login): tell next time.
        return
    unseen = list(
        AccountRequest.objects.unseen_by_account(user).select_related("requested_by", "decided_by")
    )
    for done in unseen:
        messages.warning(
            request,
            _(
                "您的账号已于%(when)s被%(action)s：由%(requester)s申请，%(approver)s批准"
                "（事由：%(reason)s）。如非您本人要求，请立即联系安全管理员。"
            )
            % {
                "when": date_format(timezone.localtime(done.decided_at), "Y-m-d H:i"),
                "action": done.get_action_display(),
                "requester": done.requested_by,
                "approver": done.decided_by,
                "reason": done.reason,
            },
        )
    if unseen:
        AccountRequest.objects.filter(pk__in=[done.pk for done in unseen]).update(
            seen_at=timezone.now()
        )
