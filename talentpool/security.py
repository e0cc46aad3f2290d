"""Security mechanisms shared by every app (GB/T 22239-2019 level 3; the Personal Information
Protection Law).

For other apps:

- ``log_access(request_or_user, action, *, person=None, fields=(), reason="", detail={})`` writes
  one row of the personal-data access log (AccessLog): call it for each import (file hash and
  counts) and anything else that reads or moves personal data in bulk. Exports go through
  talentpool.exports, and searches that find people through talentpool.lookup.search_people;
  both log themselves.
- Full ID numbers and phones are shown through ``Person.id_number_for(user)`` /
  ``phone_for(user)`` and the ``{% id_number %}`` / ``{% phone %}`` tags: masked, unless the user
  holds the right *and* gave a reason for that person in this session a few minutes ago
  (``reveal``). Nothing else needs to change in a page. The birth date goes with them:
  ``Person.birth_date_for(user)`` / ``{% birth_date person %}`` give the year alone wherever
  the number is masked (the full date would rebuild it).
"""

from __future__ import annotations

import contextvars
import ipaddress
import logging
import string
import time
from collections.abc import Iterable
from typing import TYPE_CHECKING

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import HttpRequest
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from talentpool.models import Person, User

logger = logging.getLogger(__name__)

# --- Passwords ----------------------------------------------------------------------------------


class MinimumLengthValidator:
    """Django's, with a message in Chinese (Django 5.2's own is not translated)."""

    def __init__(self, min_length: int = 8) -> None:
        self.min_length = min_length

    def validate(self, password: str, user=None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                _("密码太短，至少需要%(n)s个字符。") % {"n": self.min_length},
                code="password_too_short",
            )

    def get_help_text(self) -> str:
        return _("至少%(n)s个字符。") % {"n": self.min_length}


class CharacterClassValidator:
    """At least `min_classes` of the four character classes: upper-case letters, lower-case
    letters, digits and other characters (GB/T 22239 复杂度要求)."""

    def __init__(self, min_classes: int = 3) -> None:
        self.min_classes = min_classes

    def validate(self, password: str, user=None) -> None:
        classes = [
            any(c in string.ascii_uppercase for c in password),
            any(c in string.ascii_lowercase for c in password),
            any(c.isdigit() for c in password),
            any(not c.isascii() or not c.isalnum() for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(
                _("密码须包含大写字母、小写字母、数字、符号四类中的至少%(n)s类。")
                % {"n": self.min_classes},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _(
            "至少8位，包含大写字母、小写字母、数字、符号中的至少%(n)s类；不能与用户名相近。"
        ) % {"n": self.min_classes}


# --- Sessions -----------------------------------------------------------------------------------

SESSION_LOGIN_AT = "_tp_login_at"
SESSION_SEEN_AT = "_tp_seen_at"
SESSION_REVEALED = "_tp_revealed"


def start_session_clock(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver: the 8-hour and 30-minute clocks start at sign-in."""
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SESSION_LOGIN_AT] = now
        request.session[SESSION_SEEN_AT] = now


# --- Sign-in failures (django-axes) --------------------------------------------------------------


def lockout_username(request, credentials: dict | None) -> str | None:
    """The username django-axes records (AXES_USERNAME_CALLABLE): cut to the length of a real
    username, so that a longer one is counted as the failure it is instead of failing to save."""
    from django.contrib.auth import get_user_model

    source = credentials if credentials is not None else getattr(request, "POST", {})
    username = source.get("username")
    if username is None:
        return None
    return str(username)[: get_user_model()._meta.get_field("username").max_length]


class LockoutHandler(AxesDatabaseHandler):
    """django-axes' database handler, with a second limit per address.

    A username is locked from one address after AXES_FAILURE_LIMIT failures (the pair, so one
    officer's typos do not lock out the colleagues behind the same township NAT). Password
    spraying tries one password on many usernames from one address and never reaches that
    limit for any pair: so an address is locked for every username once its failures, summed
    over all usernames within the cool-off time, reach AXES_ADDRESS_FAILURE_LIMIT."""

    def get_failures(self, request, credentials: dict | None = None) -> int:
        failures = super().get_failures(request, credentials)
        if self.address_failures(request) >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            return max(failures, get_failure_limit(request, credentials))
        return failures

    @staticmethod
    def address_failures(request) -> int:
        from axes.models import AccessAttempt
        from django.db.models import Sum
        from django.utils import timezone

        address = getattr(request, "axes_ip_address", None)
        if not address:
            return 0
        since = timezone.now() - settings.AXES_COOLOFF_TIME
        total = AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since).aggregate(
            total=Sum("failures_since_start")
        )["total"]
        return total or 0


# --- Showing personal data after a reason (查看完整信息) ------------------------------------------

# The current request's user and reveal grants, set by AccountSecurityMiddleware, so that
# Person.id_number_for(user) can answer without the request being passed down to it.
_grants: contextvars.ContextVar[tuple[int, dict[str, float]] | None] = contextvars.ContextVar(
    "talentpool_reveal_grants", default=None
)


# The current request itself, so that a look-up deep in a form or an export (talentpool.lookup)
# logs the address and page it came from.
_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "talentpool_request", default=None
)


def bind_request(request: HttpRequest) -> tuple[contextvars.Token, contextvars.Token]:
    grants = request.session.get(SESSION_REVEALED, {}) if hasattr(request, "session") else {}
    return _grants.set((request.user.pk, grants)), _request.set(request)


def unbind_request(tokens: tuple[contextvars.Token, contextvars.Token]) -> None:
    grants, request = tokens
    _request.reset(request)
    _grants.reset(grants)


def current_request(user: User) -> HttpRequest | None:
    """The request being served, if it is `user`'s."""
    request = _request.get()
    if request is None or getattr(request, "user", None) is None:
        return None
    return request if request.user.pk == user.pk else None


def is_revealed(user: User, person_id: int | None) -> bool:
    current = _grants.get()
    if current is None or person_id is None or current[0] != user.pk:
        return False
    expires = current[1].get(str(person_id))
    return expires is not None and expires > time.time()


def reveal(request: HttpRequest, person: Person, reason: str) -> None:
    """Show `person`'s full identifiers to the requesting user for REVEAL_DURATION, and log it."""
    now = time.time()
    grants = {
        key: expires
        for key, expires in request.session.get(SESSION_REVEALED, {}).items()
        if expires > now
    }
    grants[str(person.pk)] = now + settings.REVEAL_DURATION.total_seconds()
    request.session[SESSION_REVEALED] = grants
    current = _grants.get()
    if current is not None:
        _grants.set((current[0], grants))
    from talentpool.models import AccessAction

    log_access(
        request,
        AccessAction.REVEAL,
        person=person,
        fields=["id_number", "phone"],
        reason=reason,
    )


# --- The access log -----------------------------------------------------------------------------


def client_ip(request: HttpRequest) -> str | None:
    """The client's address as django-axes sees it (the proxy settings apply to both)."""
    from axes.helpers import get_client_ip_address

    return get_client_ip_address(request) or None


def request_client_ip(request) -> str | None:
    """The address of the client that sent `request` (django-axes' AXES_CLIENT_IP_CALLABLE).

    Directly on the network, REMOTE_ADDR. Behind TRUSTED_PROXY_COUNT reverse proxies (nginx),
    REMOTE_ADDR is the nearest proxy and each proxy appends the address it saw to
    X-Forwarded-For, so the client is that many entries from the right; anything further left
    was written by the client and is not believed."""
    meta = getattr(request, "META", {})
    remote = meta.get("REMOTE_ADDR") or None
    count = settings.TRUSTED_PROXY_COUNT
    if not count:
        return remote
    hops = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [hop for hop in hops if hop]
    if len(hops) < count:
        return remote
    candidate = hops[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def log_access(
    request_or_user,
    action: str,
    *,
    person: Person | None = None,
    person_id: int | None = None,
    fields: Iterable[str] = (),
    reason: str = "",
    detail: dict | None = None,
):
    """Write one AccessLog row. `request_or_user` is the request (user, address and page are
    taken from it) or, in a command or a background job, the user on whose behalf it runs."""
    from talentpool.models import AccessLog

    if isinstance(request_or_user, HttpRequest):
        request = request_or_user
        user = request.user if request.user.is_authenticated else None
        ip, path = client_ip(request), request.get_full_path()[:500]
    else:
        user, ip, path = request_or_user, None, ""
    return AccessLog.objects.create(
        user=user,
        username=user.get_username() if user else "",
        action=action,
        person_id=person.pk if person is not None else person_id,
        fields=list(fields),
        reason=reason,
        ip_address=ip,
        path=path,
        detail=detail or {},
    )


# --- Append-only logs in the database -------------------------------------------------------------

ALLOW_TRUNCATE_SETTING = "talentpool.allow_truncate"
_REFUSE_TRUNCATE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION talentpool_refuse_truncate() RETURNS trigger AS $$
BEGIN
    -- Only disposable test databases turn this on (their test runner empties tables).
    IF coalesce(current_setting('{ALLOW_TRUNCATE_SETTING}', true), '') = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION '% is append-only: TRUNCATE is not allowed', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def append_only_tables() -> list[str]:
    """The audit trail's event tables (every app's) and the personal-data access log."""
    import pghistory.models
    from django.apps import apps

    tables = {"talentpool_accesslog"}
    for model in apps.get_models():
        if issubclass(model, pghistory.models.Event) and not model._meta.proxy:
            tables.add(model._meta.db_table)
    return sorted(tables)


def protect_logs(sender=None, using: str = "default", **kwargs) -> None:
    """post_migrate: refuse TRUNCATE on every append-only table, and take UPDATE, DELETE and
    TRUNCATE on them away from the application's database role (DB_APP_ROLE) if it exists.
    UPDATE and DELETE are refused by row triggers already (pghistory, pgtrigger)."""
    from django.db import connections
    from psycopg import sql

    # post_migrate is sent once per app; the work is done once, after the last.
    if sender is not None and sender.label != _last_app_label():
        return
    conn = connections[using]
    _install_through_model_triggers(using)
    tables = append_only_tables()
    with conn.cursor() as cursor:

        def run(statement) -> None:
            # Composed SQL as text: pghistory's execute wrapper (active in management
            # commands) inspects statements as strings.
            cursor.execute(statement.as_string(conn.connection))

        cursor.execute(_REFUSE_TRUNCATE_FUNCTION)
        existing = _existing_tables(cursor, tables)
        for table in existing:
            trigger = sql.Identifier(f"{table[:40]}_no_truncate")
            run(sql.SQL("DROP TRIGGER IF EXISTS {} ON {}").format(trigger, sql.Identifier(table)))
            run(
                sql.SQL(
                    "CREATE TRIGGER {} BEFORE TRUNCATE ON {} "
                    "FOR EACH STATEMENT EXECUTE FUNCTION talentpool_refuse_truncate()"
                ).format(trigger, sql.Identifier(table))
            )
        role = settings.DB_APP_ROLE
        if role and existing:
            cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cursor.fetchone():
                run(
                    sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(
                        sql.SQL(", ").join(sql.Identifier(t) for t in existing),
                        sql.Identifier(role),
                    )
                )
        name = conn.settings_dict["NAME"]
        if name and name.startswith("test_"):
            # Django's test runner empties tables with TRUNCATE between transactional tests.
            run(
                sql.SQL("ALTER DATABASE {} SET " + ALLOW_TRUNCATE_SETTING + " = 'on'").format(
                    sql.Identifier(name)
                )
            )
            cursor.execute(f"SET {ALLOW_TRUNCATE_SETTING} = 'on'")


def _install_through_model_triggers(using: str) -> None:
    """Triggers on auto-created many-to-many tables (User.user_permissions: the audit of
    granted rights) have no migration to carry them; install them here, idempotently."""
    import pgtrigger

    for model, trigger in pgtrigger.registered():
        if model._meta.auto_created:
            trigger.install(model, database=using)


def _last_app_label() -> str:
    from django.apps import apps

    return list(apps.get_app_configs())[-1].label


def _existing_tables(cursor, tables: list[str]) -> list[str]:
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
        "AND tablename = ANY(%s)",
        [tables],
    )
    return sorted(row[0] for row in cursor.fetchall())


def truncate_is_refused(table: str) -> bool:
    """Whether TRUNCATE on `table` is refused in this session (for tests and `check`)."""
    from django.db import DatabaseError, transaction

    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL {ALLOW_TRUNCATE_SETTING} = 'off'")
            cursor.execute(f'TRUNCATE "{table}" CASCADE')  # noqa: S608 - a table name we list
            raise _RolledBack
    except DatabaseError:
        return True
    except _RolledBack:
        return False


class _RolledBack(Exception):
    pass
