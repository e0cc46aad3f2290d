from django import template
from django.forms import BoundField
from django.utils.html import format_html

register = template.Library()


@register.filter
def add_class(field: BoundField, css: str):
    """Render a form field's widget with extra CSS classes."""
    existing = field.field.widget.attrs.get("class", "")
    return field.as_widget(attrs={"class": f"{existing} {css}".strip()})


@register.simple_tag(takes_context=True)
def id_number(context, person) -> str:
    """The ID number as this user may see it: masked unless they hold the right and gave a
    reason for this person a few minutes ago (talentpool.security.reveal)."""
    return person.id_number_for(context["request"].user)


@register.simple_tag(takes_context=True)
def phone(context, person) -> str:
    return person.phone_for(context["request"].user)


@register.simple_tag(takes_context=True)
def birth_date(context, person, fmt: str = "Y-m-d") -> str:
    """The birth date in `fmt` for a user who sees the full ID number; for the others the year
    alone ("1992年"): with the masked number the full date would rebuild it."""
    from django.utils.dateformat import format as date_format
    from django.utils.translation import gettext as _

    shown = person.birth_date_for(context["request"].user)
    if shown is None:
        return ""
    if isinstance(shown, int):
        return _("%(year)s年") % {"year": shown}
    return date_format(shown, fmt)


@register.simple_tag(takes_context=True)
def personal_data_shown(context, person) -> bool:
    return person.shows_personal_data_to(context["request"].user)


@register.filter
def may_decide(export, user) -> bool:
    """Whether `user` may approve or reject `export` (never their own)."""
    from talentpool.exports import may_decide as rule

    return rule(user, export)


@register.simple_tag
def reveal_reasons():
    from talentpool.forms import REVEAL_REASONS

    return REVEAL_REASONS


@register.filter
def mask_name(name: str) -> str:
    """张** for 张维维: the family name stays, so a record can be told apart but not read."""
    from talentpool.inventory import mask_name as mask

    return mask(name)


AUDIT_LABELS = {
    "insert": "新增",
    "update": "修改",
    "delete": "删除",
    "permission.add": "授权",
    "permission.remove": "撤销授权",
}
HIDDEN_AUDIT_FIELDS = {"password", "name_initials", "name_pinyin", "version", "updated_at"}


@register.filter
def audit_label(label: str) -> str:
    return AUDIT_LABELS.get(label, label)


@register.filter
def audit_changes(event) -> list[tuple[str, object, object]]:
    """(field, before, after) for an event, with personal data masked (as the data inventory
    says: the auditor reads who changed what, not residents' details) and noise left out."""
    from talentpool import inventory

    tracked = getattr(event, "pgh_obj_model", "") or ""
    if event.pgh_label == "update" and event.pgh_diff:
        rows = [(f, pair[0], pair[1]) for f, pair in event.pgh_diff.items()]
    elif event.pgh_label == "delete":
        rows = [(f, v, "") for f, v in (event.pgh_data or {}).items()]
    else:
        rows = [(f, "", v) for f, v in (event.pgh_data or {}).items()]
    shown = []
    for field, before, after in rows:
        if field in HIDDEN_AUDIT_FIELDS or field.startswith("pgh_"):
            continue
        mask = inventory.audit_mask(tracked, field)
        if mask is not None:
            before, after = mask(before), mask(after)
        shown.append((field, "" if before is None else before, "" if after is None else after))
    return shown


LOOKUP_KINDS = {
    "id_number": "完整身份证号",
    "phone": "完整电话号码",
    "phone_tail": "电话后四位",
    "partial": "号码片段",
}


@register.filter
def access_detail(row) -> str:
    """An access-log row's details for the auditor, with any identifier in them masked."""
    from talentpool.identity import mask_id_number

    detail = row.detail or {}
    parts = []
    if "kind" in detail:
        parts.append(f"方式：{LOOKUP_KINDS.get(detail['kind'], detail['kind'])}")
    if "query" in detail:
        parts.append(f"查询：{mask_id_number(str(detail['query']))}")
    if "results" in detail:
        parts.append(f"结果：{detail['results']}条")
    if "export" in detail:
        parts.append(f"导出申请 #{detail['export']}")
    if "rows" in detail:
        parts.append(f"行数：{detail['rows']}")
    if "approved" in detail:
        parts.append("批准" if detail["approved"] else "驳回")
    if "sha256" in detail:
        parts.append(f"文件SHA-256：{str(detail['sha256'])[:16]}…")
    for key in ("created", "updated", "skipped", "failed"):
        if key in detail:
            parts.append(f"{key}：{detail[key]}")
    if row.fields:
        parts.append("字段：" + "、".join(row.fields))
    return "；".join(parts)


@register.simple_tag(takes_context=True)
def person_link(context, person, label: str = ""):
    """The person's name as a link to their page (人员信息, where the 一人一档 is printed), for
    every user who may open it; plain text for the others (mentors)."""
    from talentpool.access import REGISTRY_READERS

    name = label or person.name
    user = context["request"].user
    if getattr(user, "role", None) in REGISTRY_READERS:
        return format_html('<a href="{}">{}</a>', person.get_absolute_url(), name)
    return name
