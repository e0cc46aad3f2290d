from django import template
from django.forms import BoundField

register = template.Library()


@register.filter
def add_class(field: BoundField, css: str):
    """Render a form field's widget with extra CSS classes."""
    existing = field.field.widget.attrs.get("class", "")
    return field.as_widget(attrs={"class": f"{existing} {css}".strip()})


@register.simple_tag(takes_context=True)
def id_number(context, person) -> str:
    """The ID number as this user may see it: masked unless they hold the right."""
    return person.id_number_for(context["request"].user)


@register.simple_tag(takes_context=True)
def phone(context, person) -> str:
    return person.phone_for(context["request"].user)


AUDIT_LABELS = {"insert": "新增", "update": "修改", "delete": "删除"}
# The auditor reads the trail but never residents' identifiers in full.
MASKED_AUDIT_FIELDS = {"id_number": "mask_id_number", "phone": "mask_phone"}
HIDDEN_AUDIT_FIELDS = {"password", "name_initials", "name_pinyin", "version", "updated_at"}


@register.filter
def audit_label(label: str) -> str:
    return AUDIT_LABELS.get(label, label)


@register.filter
def audit_changes(event) -> list[tuple[str, object, object]]:
    """(field, before, after) for an event, with identifiers masked and noise fields left out."""
    from talentpool import identity

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
        masker = MASKED_AUDIT_FIELDS.get(field)
        if masker:
            mask = getattr(identity, masker)
            before, after = mask(before or ""), mask(after or "")
        shown.append((field, "" if before is None else before, "" if after is None else after))
    return shown
