from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from talentpool.models import Role

READERS = {Role.COUNTY, Role.TOWNSHIP, Role.LEADER}
OFFICERS = {Role.COUNTY, Role.TOWNSHIP}

# The menu, grouped by stage: (group label, [(url name, label, roles that see it)]), in menu
# order; a group whose user sees one entry shows that entry itself. The project's navigation
# names the later stages' pages by URL name only; nothing here imports them.
NAVIGATION = [
    (None, [("home", _("首页"), None)]),
    (
        _("人才库"),
        [
            ("registry:list", _("人才信息库"), READERS),
            ("survey:list", _("表格导入"), OFFICERS),
            ("candidates:pool", _("后备干部库"), READERS),
        ],
    ),
    (
        _("推荐审查"),
        [
            ("candidates:index", _("推荐审查"), READERS),
            ("candidates:coverage", _("一职双备"), READERS),
        ],
    ),
    (
        _("培养"),
        [
            ("training:course_list", _("培训"), READERS),
            ("training:mentorship_list", _("导师帮带"), READERS),
            ("training:post_list", _("岗位锻炼"), READERS),
            ("training:achievement_list", _("工作实绩"), READERS),
            ("training:my_mentees", _("我的帮带对象"), {Role.MENTOR}),
            ("training:compliance", _("谈话频次"), {Role.MENTOR}),
        ],
    ),
    (
        _("考核任用"),
        [
            ("evaluation:round_list", _("定期考核"), READERS),
            ("evaluation:appointment_list", _("选拔任用"), READERS),
        ],
    ),
    (
        _("统计"),
        [
            ("evaluation:dashboard", _("统计分析"), READERS),
            ("evaluation:structure", _("班子结构"), READERS),
            ("evaluation:roster", _("后备干部名册"), READERS),
        ],
    ),
    (
        _("系统"),
        [
            ("security:exports", _("导出申请"), READERS | {Role.MENTOR}),
            ("audit:list", _("审计日志"), {Role.AUDITOR}),
            ("audit:access", _("个人信息访问记录"), {Role.AUDITOR}),
            ("admin:index", _("系统管理"), {Role.SYSADMIN, Role.SECADMIN}),
        ],
    ),
]

# The pages a role opens every day, shown beside the menu button on a phone (one tap away).
QUICK = {
    Role.MENTOR: ["training:my_mentees", "training:compliance"],
    Role.TOWNSHIP: ["candidates:index", "training:mentorship_list"],
    Role.COUNTY: ["candidates:index", "evaluation:dashboard"],
    Role.LEADER: ["evaluation:dashboard"],
}


def _url(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:  # a stage not installed in this deployment
        return None


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_groups": [], "nav_quick": []}
    groups = []
    for group, entries in NAVIGATION:
        visible = [
            (name, url, label)
            for name, label, roles in entries
            if (roles is None or user.role in roles) and (url := _url(name))
        ]
        if visible:
            groups.append((group, visible))
    # The current page belongs to the entry with the longest matching URL ("/" matches only "/").
    urls = [url for _group, visible in groups for _name, url, _label in visible]
    matches = [url for url in urls if request.path.startswith(url) and url != "/"]
    current = max(matches, key=len) if matches else ("/" if request.path == "/" else None)
    nav_groups = []
    items = []
    for group, visible in groups:
        entries = [(url, label, url == current) for _name, url, label in visible]
        items.extend(entries)
        label = group if group is not None and len(entries) > 1 else entries[0][1]
        nav_groups.append(
            {"label": label, "items": entries, "active": any(a for _u, _l, a in entries)}
        )
    by_name = {name: (url, label) for _group, visible in groups for name, url, label in visible}
    quick = [
        (*by_name[name], by_name[name][0] == current)
        for name in QUICK.get(user.role, [])
        if name in by_name
    ]
    return {"nav_items": items, "nav_groups": nav_groups, "nav_quick": quick}
