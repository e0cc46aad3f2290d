from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from talentpool.models import Role

# (url name, label, roles that see it). Later stages add their own entries here.
NAVIGATION = [
    ("home", _("首页"), None),
    ("registry:list", _("人才信息库"), {Role.COUNTY, Role.TOWNSHIP, Role.LEADER}),
    ("audit:list", _("审计日志"), {Role.AUDITOR}),
    ("admin:index", _("系统管理"), {Role.SYSADMIN, Role.SECADMIN}),
]


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    items = [
        (reverse(name), label, request.path.startswith(reverse(name)) and name != "home")
        for name, label, roles in NAVIGATION
        if roles is None or user.role in roles
    ]
    return {"nav_items": items}
