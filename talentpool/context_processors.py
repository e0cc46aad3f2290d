from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from talentpool.models import Role

READERS = {Role.COUNTY, Role.TOWNSHIP, Role.LEADER}

# (url name, label, roles that see it), in menu order. The project's navigation names the later
# stages' pages by URL name only; nothing here imports them.
NAVIGATION = [
    ("home", _("首页"), None),
    ("registry:list", _("人才信息库"), READERS),
    ("survey:list", _("表格导入"), {Role.COUNTY, Role.TOWNSHIP}),
    ("candidates:index", _("推荐审查"), READERS),
    ("candidates:pool", _("后备干部库"), READERS),
    ("candidates:coverage", _("一职双备"), READERS),
    ("training:course_list", _("培训"), READERS),
    ("training:mentorship_list", _("导师帮带"), READERS),
    ("training:post_list", _("岗位锻炼"), READERS),
    ("training:achievement_list", _("工作实绩"), READERS),
    ("training:my_mentees", _("我的帮带对象"), {Role.MENTOR}),
    ("training:compliance", _("谈话频次"), {Role.MENTOR}),
    ("evaluation:round_list", _("定期考核"), READERS),
    ("evaluation:structure", _("班子结构"), READERS),
    ("evaluation:appointment_list", _("选拔任用"), READERS),
    ("security:exports", _("导出申请"), {Role.COUNTY, Role.TOWNSHIP, Role.LEADER, Role.MENTOR}),
    ("audit:list", _("审计日志"), {Role.AUDITOR}),
    ("audit:access", _("个人信息访问记录"), {Role.AUDITOR}),
    ("admin:index", _("系统管理"), {Role.SYSADMIN, Role.SECADMIN}),
]


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:  # a stage not installed in this deployment
        return None


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": []}
    entries = [
        (url, label)
        for name, label, roles in NAVIGATION
        if (roles is None or user.role in roles) and (url := _url(name))
    ]
    # The current page belongs to the entry with the longest matching URL ("/" matches only "/").
    matches = [url for url, _label in entries if request.path.startswith(url) and url != "/"]
    current = max(matches, key=len) if matches else ("/" if request.path == "/" else None)
    return {"nav_items": [(url, label, url == current) for url, label in entries]}
