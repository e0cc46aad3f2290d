"""System checks for how the system is run (not how it is written)."""

from __future__ import annotations

from django.core import checks
from django.utils.translation import gettext as _


def no_superuser_in_daily_use(app_configs, databases=None, **kwargs) -> list[checks.CheckMessage]:
    """Separation of duties (三权分立): the three administrator roles do the work; a superuser
    bypasses every rule, so none may be active. Runs with `migrate` and `check --database`."""
    if not databases:
        return []
    from django.db import DatabaseError

    from talentpool.models import User

    try:
        names = list(
            User.objects.filter(is_superuser=True, is_active=True).values_list(
                "username", flat=True
            )
        )
    except DatabaseError:  # not migrated yet
        return []
    if not names:
        return []
    return [
        checks.Warning(
            _("存在启用的超级用户：%(names)s。日常工作应使用系统管理员、安全管理员和审计员账号，")
            % {"names": "、".join(names)}
            + _("请停用超级用户（仅在应急时临时启用）。"),
            id="talentpool.W001",
        )
    ]


def register() -> None:
    checks.register(no_superuser_in_daily_use, checks.Tags.database)
