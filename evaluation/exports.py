"""The reserve roster (后备干部名册): the printable page's rows, and the same rows as an export
kind of the approval workflow (talentpool.exports) - identifiers in full only for users with the
right, and only through an approved, logged, one-time download."""

from __future__ import annotations

from django.db.models import QuerySet, Subquery
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from talentpool.models import Township, User

KIND = "roster"
HEADERS = [
    "序号",
    "姓名",
    "性别",
    "出生年月",
    "年龄",
    "民族",
    "政治面貌",
    "学历",
    "毕业院校及专业",
    "身份证号",
    "联系电话",
    "现工作单位及行业",
    "乡镇（街道）",
    "拟任村（社区）",
    "后备类别",
    "成熟度",
    "入库时间",
    "最近考核",
]


def roster(user: User, query: QueryDict):
    """(filter form, township shown or None for the county, the active reserves in order)."""
    from candidates.models import PoolMembership
    from evaluation.forms import RosterFilterForm
    from evaluation.models import Review

    form = RosterFilterForm(query or None, user=user)
    members = PoolMembership.objects.in_scope(user).active()
    township = user.township if user.is_township else None
    if form.is_valid():
        data = form.cleaned_data
        if data["township"]:
            township = data["township"]
            members = members.filter(village__township=township)
        if data["category"]:
            members = members.filter(category=data["category"])
        if data["readiness"]:
            members = members.filter(readiness=data["readiness"])
    latest = Review.objects.latest_for_outer_membership()
    members = (
        members.select_related("person", "village__township")
        .annotate(
            latest_conclusion=Subquery(latest.values("conclusion")[:1]),
            latest_round=Subquery(latest.values("round__name")[:1]),
        )
        .order_by("village__township__code", "village__code", "category", "person__name", "pk")
    )
    return form, township, members


def title(township: Township | None) -> str:
    scope = township.name if township else _("全县")
    return _("%(scope)s村级后备干部名册") % {"scope": scope}


def rows_of(user: User, members: QuerySet, *, granted: bool = False, with_person: bool = False):
    """One list a reserve, as the page and the export show it; with_person: (person, list)."""
    from evaluation.models import Conclusion

    labels = dict(Conclusion.choices)
    today = timezone.localdate()
    for i, m in enumerate(members.iterator(chunk_size=1000), start=1):
        p = m.person
        latest = ""
        if m.latest_conclusion:
            latest = f"{m.latest_round} {labels.get(m.latest_conclusion, '')}"
        row = [
            i,
            p.name,
            p.get_gender_display(),
            _birth_month(p.birth_date_for(user, granted=granted)),
            p.age(today),
            p.get_ethnicity_display(),
            p.get_political_status_display(),
            p.get_education_display(),
            p.school_major,
            p.id_number_for(user, granted=granted),
            p.phone_for(user, granted=granted),
            " ".join(part for part in (p.work_place, p.industry_unit) if part),
            m.village.township.name,
            m.village.name,
            m.get_category_display(),
            m.get_readiness_display(),
            f"{m.entered_on:%Y-%m-%d}",
            latest,
        ]
        yield (p, row) if with_person else row


def _birth_month(born) -> str:
    """出生年月 as the form writes it (1992.05); the year alone where the ID number is masked."""
    if born is None:
        return ""
    return str(born) if isinstance(born, int) else f"{born:%Y.%m}"


def form(query, user: User):
    from evaluation.forms import RosterFilterForm

    return RosterFilterForm(query, user=user)


def count(user: User, params: dict) -> int:
    from talentpool.exports import as_query

    return roster(user, as_query(params))[2].count()


def rows(user: User, params: dict):
    from talentpool.exports import as_query

    _form, _township, members = roster(user, as_query(params))
    return HEADERS, rows_of(user, members, granted=True)


def describe(params: dict) -> str:
    from talentpool.exports import as_query

    ids = [v for v in as_query(params).getlist("township") if v.isdigit()]
    names = list(Township.objects.filter(pk__in=ids).values_list("name", flat=True))
    return _("乡镇：%(t)s") % {"t": "、".join(names)} if names else ""


# --- The review round's sheet (考核结果录入表) as .xlsx -------------------------------------------

SHEET_KIND = "review_sheet"


def _sheet(user: User, params: dict):
    """(round, township) the parameters name, checked against `user`'s scope, or None."""
    from talentpool.exports import as_query

    form = sheet_form(as_query(params), user)
    if not form.is_valid():
        return None
    return form.cleaned_data["round"], form.cleaned_data["township"]


def sheet_form(query, user: User):
    from evaluation.forms import ReviewSheetExportForm

    return ReviewSheetExportForm(query, user=user)


def sheet_count(user: User, params: dict) -> int:
    from evaluation.sheets import sheet_members

    sheet = _sheet(user, params)
    return sheet_members(*sheet).count() if sheet else 0


def sheet_describe(params: dict) -> str:
    from evaluation.models import ReviewRound
    from talentpool.exports import as_query

    query = as_query(params)
    parts = []
    ids = [v for v in query.getlist("round") if v.isdigit()]
    for round in ReviewRound.objects.filter(pk__in=ids):
        parts.append(_("考核：%(r)s") % {"r": round.name})
    ids = [v for v in query.getlist("township") if v.isdigit()]
    for township in Township.objects.filter(pk__in=ids):
        parts.append(_("乡镇：%(t)s") % {"t": township.name})
    return "；".join(parts)


def sheet_build(export, user: User) -> tuple[bytes, int, str]:
    """The fill-in template of one township's sheet, with what is already entered, and who
    exported it in its document properties (its first rows are the sheet's own)."""
    import io

    from evaluation import sheets
    from talentpool.exports import provenance

    round, township = _sheet(user, export.params)
    rows = sheets.round_rows(round, township)
    workbook = sheets.round_workbook(round, township.name, rows)
    props = workbook.properties
    props.creator = props.lastModifiedBy = export.requested_by.username
    props.description = provenance(export)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), len(rows), f"{round.name}（{township.name}）.xlsx"


def register() -> None:
    from talentpool import exports

    exports.register(
        SHEET_KIND,
        title=gettext_lazy("考核结果录入表"),
        count=sheet_count,
        build=sheet_build,
        roles={"county", "township"},
        form=sheet_form,
        describe=sheet_describe,
    )
    exports.register(
        KIND,
        title=gettext_lazy("后备干部名册"),
        count=count,
        rows=rows,
        roles={"county", "township", "leader"},
        form=form,
        describe=describe,
    )
