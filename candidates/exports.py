"""The reserve pool as an export kind of the approval workflow (talentpool.exports): the rows
the pool list shows (same filters, same scope), identifiers in full only for users with the
right, and only through an approved, logged, one-time download."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from talentpool.models import User

KIND = "pool"


def _members(user: User, params: dict):
    from candidates.forms import PoolFilterForm
    from candidates.models import PoolMembership
    from talentpool.exports import as_query

    form = PoolFilterForm(as_query(params), user=user)
    return (
        form.filter(PoolMembership.objects.in_scope(user).active())
        .select_related("person", "village__township")
        .order_by("village__township__code", "village__code", "category", "person__name_pinyin")
    )


def form(query, user: User):
    from candidates.forms import PoolFilterForm

    return PoolFilterForm(query, user=user)


def count(user: User, params: dict) -> int:
    return _members(user, params).count()


def rows(user: User, params: dict):
    headers = [
        _("乡镇（街道）"),
        _("拟任村（社区）"),
        _("姓名"),
        _("性别"),
        _("年龄"),
        _("身份证号"),
        _("联系电话"),
        _("学历"),
        _("政治面貌"),
        _("退役军人"),
        _("现状"),
        _("从事行业及单位"),
        _("技能特长"),
        _("后备类别"),
        _("拟任岗位"),
        _("入库层级"),
        _("成熟度"),
        _("入库时间"),
    ]

    def generate():
        today = timezone.localdate()
        yes, no = _("是"), _("否")
        members = _members(user, params).prefetch_related("posts")
        for m in members.iterator(chunk_size=1000):
            person = m.person
            yield [
                m.village.township.name,
                m.village.name,
                person.name,
                person.get_gender_display(),
                person.age(today),
                person.id_number_for(user, granted=True),
                person.phone_for(user, granted=True),
                person.get_education_display(),
                person.get_political_status_display(),
                yes if person.is_veteran else no,
                person.get_residence_display(),
                person.industry_unit,
                person.skills,
                m.get_category_display(),
                "、".join(str(p) for p in m.posts.all()),
                m.get_level_display(),
                m.get_readiness_display(),
                m.entered_on,
            ]

    return headers, generate()


def describe(params: dict) -> str:
    from candidates.forms import PoolFilterForm
    from talentpool.models import Township, Village

    fields = PoolFilterForm.base_fields
    places = {"township": Township, "village": Village}
    parts = []
    for key, values in params.items():
        values = [v for v in values if v]
        if key not in fields or not values:
            continue
        shown = values
        if key in places:
            ids = [v for v in values if v.isdigit()]
            shown = [str(p) for p in places[key].objects.filter(pk__in=ids)] or values
        elif hasattr(fields[key], "choices"):
            choices = {str(k): str(v) for k, v in fields[key].choices}
            shown = [choices.get(v, v) for v in values]
        parts.append(f"{fields[key].label}：{'、'.join(shown)}")
    return "；".join(parts) or _("全部在库后备干部")


def register() -> None:
    from talentpool import exports

    exports.register(
        KIND,
        title=gettext_lazy("后备干部库"),
        count=count,
        rows=rows,
        roles={"county", "township", "leader"},
        form=form,
        describe=describe,
    )
