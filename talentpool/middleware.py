"""Request-wide security rules: bad bytes refused, session time limits, the second factor,
forced password changes, and clear pages when the database or the disk fails."""

from __future__ import annotations

import errno
import logging
import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _

from talentpool import security

logger = logging.getLogger(__name__)


class RejectNulBytesMiddleware:
    """PostgreSQL text cannot hold NUL (U+0000): a value carrying one would end in a server
    error at the first query. Refuse the whole request up front, with a Chinese 400 page."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if "\x00" in request.path or _has_nul(request.GET) or _post_has_nul(request):
            return render(
                request,
                "400.html",
                {"message": _("提交的内容含有不可见的控制字符（NUL），已拒绝。请删除后重新输入。")},
                status=400,
            )
        return self.get_response(request)


def _has_nul(querydict) -> bool:
    return any(
        "\x00" in key or any("\x00" in v for v in values) for key, values in querydict.lists()
    )


def _post_has_nul(request: HttpRequest) -> bool:
    if request.method != "POST":
        return False
    content_type = request.content_type or ""
    if content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return False
    return _has_nul(request.POST)


# Pages a signed-in user may open before the second factor and a forced password change.
ACCOUNT_PAGES = frozenset(
    {"login", "logout", "password_change", "otp_setup", "otp_verify", "otp_qr", "set_language"}
)


class AccountSecurityMiddleware:
    """For a signed-in user: end the session after 30 minutes idle or 8 hours in all; then
    require the second factor (REQUIRE_2FA, for TWO_FACTOR_ROLES); then a new password when an
    administrator set the current one or it is older than PASSWORD_MAX_AGE."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return self.get_response(request)
        expired = self._session_expired(request)
        if expired:
            logout(request)
            messages.warning(request, expired)
            return _redirect(request, reverse("login"), next_url=request.get_full_path())
        token = security.bind_request(request)
        try:
            return self.get_response(request)
        finally:
            security.unbind_request(token)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated:
            return None
        match = request.resolver_match
        if match and match.url_name in ACCOUNT_PAGES and not match.namespace:
            return None
        if user.needs_second_factor and not user.is_verified():
            from django_otp import user_has_device

            name = "otp_verify" if user_has_device(user) else "otp_setup"
            return _redirect(request, reverse(name), next_url=request.get_full_path())
        if user.must_change_password or user.password_expired():
            return _redirect(request, reverse("password_change"))
        return None

    @staticmethod
    def _session_expired(request: HttpRequest) -> str | None:
        session = request.session
        now = time.time()
        login_at = session.get(security.SESSION_LOGIN_AT)
        seen_at = session.get(security.SESSION_SEEN_AT)
        if login_at is None:
            # A session from before these rules: its clocks start now.
            session[security.SESSION_LOGIN_AT] = login_at = now
        if now - login_at > settings.SESSION_MAX_AGE.total_seconds():
            return _("您已连续登录超过%(h)s小时，为保护数据安全，请重新登录。") % {
                "h": int(settings.SESSION_MAX_AGE.total_seconds() // 3600)
            }
        if seen_at is not None and now - seen_at > settings.SESSION_IDLE_TIMEOUT.total_seconds():
            return _("您已超过%(m)s分钟未操作，为保护数据安全，请重新登录。") % {
                "m": int(settings.SESSION_IDLE_TIMEOUT.total_seconds() // 60)
            }
        # Saving the session once a minute is enough to keep it alive; not on every request.
        if seen_at is None or now - seen_at > 60:
            session[security.SESSION_SEEN_AT] = now
        return None


def _redirect(request: HttpRequest, url: str, *, next_url: str | None = None) -> HttpResponse:
    # HtmxMiddleware runs later than this one: read the header.
    htmx = request.headers.get("HX-Request") == "true"
    if next_url and request.method == "GET" and not htmx:
        url = f"{url}?{urlencode({'next': next_url})}"
    if htmx:
        # htmx would follow a redirect and put the whole page into a fragment of this one.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


class PrivateResponseMiddleware:
    """Every response to a signed-in user may show residents' personal data (a page, an htmx
    fragment, a download): no browser, proxy or shared cache may keep it. One rule for all of
    them, so a new page cannot forget it."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            # patch_cache_control drops a conflicting "public" and keeps other directives.
            patch_cache_control(response, private=True, no_store=True)
        return response


class FaultMiddleware:
    """Turn a lost database connection or a full disk during a request into a clear Chinese page
    (503 / 507) that says nothing was saved. Views write in transactions (or single
    statements), so a failed request leaves nothing half-written."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception):
        return fault_response(request, exception)


def fault_response(request: HttpRequest | None, exception: BaseException) -> HttpResponse | None:
    if isinstance(exception, OSError) and exception.errno == errno.ENOSPC:
        logger.error("disk full while handling %s", request.path if request else "?")
        return _static_page(
            "507.html",
            507,
        )
    if isinstance(exception, OperationalError | InterfaceError) or (
        isinstance(exception, DatabaseError) and _connection_lost(exception)
    ):
        logger.error("database unavailable while handling %s", request.path if request else "?")
        return _static_page("503.html", 503)
    return None


def _connection_lost(exception: DatabaseError) -> bool:
    cause = exception.__cause__
    return cause is not None and type(cause).__name__ in (
        "OperationalError",
        "InterfaceError",
        "AdminShutdown",
    )


def _static_page(template_name: str, status: int) -> HttpResponse:
    """Render without a request: no context processor (they may need the database) runs."""
    from django.template import loader

    response = HttpResponse(loader.get_template(template_name).render(), status=status)
    if status == 503:
        response["Retry-After"] = "30"
    return response
