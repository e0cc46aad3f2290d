"""Exports of personal data, with approval (导出审批).

Every download of many people's personal data is an export: it waits for the decision of a
county officer who is not the requester (whatever the requester's role: one person never both
asks and approves). Its filters are checked against the requester's scope before it is filed -
an out-of-scope township or village is refused, never quietly replaced by the requester's own -
so the approver reads the scope that will be exported. Each approved export can be downloaded
once, by the person who asked for it, within EXPORT_LINK_LIFETIME (24 h); the file is built at
that moment, says who exported it, when, who approved it and why (a header row and the
workbook's properties), and nothing is kept on disk. Every request, decision and download is in
the access log.

For other apps - register an export kind once (in AppConfig.ready()):

    from talentpool import exports

    exports.register(
        "candidates",                          # the kind, used in URLs
        title="后备人选名单",
        count=lambda user, params: ...,         # -> int, rows the user would get
        rows=lambda user, params: (headers, iterable_of_rows),
        roles={"county", "township"},          # who may ask for it
        form=lambda query, user: FilterForm(query, user=user),  # the list's filter form
        describe=lambda params: "乡镇：忠州街道",  # optional, the filters in words
    )

(a kind with a file of its own passes ``build=(export, user) -> (bytes, rows, filename)``
instead of ``rows``)

and link to ``{% url 'security:export_new' %}?kind=candidates&<the list's query string>``: that page
shows the row count, asks for the purpose and files the request. `params` is the query string
as a dict of lists (QueryDict.lists()); `rows` gets the requester and must scope rows with the
app's `in_scope(user)`; show identifiers with ``person.id_number_for(user, granted=True)``
(full for users with the right: the export is approved and logged), masked for the others, and
the birth date with ``person.birth_date_for(user, granted=True)`` (the year alone beside a masked
number, which the full date would rebuild).
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from talentpool.models import AccessAction, ExportRequest, ExportStatus, User
from talentpool.security import log_access

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ExportKind:
    kind: str
    title: str
    count: Callable[[User, dict], int]
    rows: Callable[[User, dict], tuple[list[str], Iterable[Iterable]]] | None
    describe: Callable[[dict], str] | None = None
    roles: frozenset[str] = frozenset()
    form: Callable | None = None
    build: Callable | None = None

    def allows(self, user: User) -> bool:
        return user.role in self.roles


KINDS: dict[str, ExportKind] = {}


def register(
    kind: str, *, title: str, count, roles, form, rows=None, describe=None, build=None
) -> None:
    """`roles`: who may ask for this export (the roles that may read the list it comes from).
    `form(query, user)`: the bound filter form that checks the filters against the user's
    scope. `rows` (a table) or `build` (a file of the kind's own making)."""
    if (rows is None) == (build is None):
        raise ValueError("an export kind has rows or build, not both")
    KINDS[kind] = ExportKind(kind, title, count, rows, describe, frozenset(roles), form, build)


def scope_errors(spec: ExportKind, user: User, params: dict[str, list[str]]) -> list[str]:
    """Why `user` may not export with these filters (Chinese), or nothing. A filter the user's
    form does not offer (a township officer naming a township) or a value outside their scope
    is refused: the export must be what the approver reads."""
    form = spec.form(as_query(params), user)
    errors = []
    for key, values in params.items():
        if key in form.base_fields and key not in form.fields and any(values):
            label = form.base_fields[key].label
            errors.append(_("“%(f)s”超出您的管辖范围，不能按此条件导出。") % {"f": label})
    if not form.is_valid():
        for name, messages in form.errors.items():
            field = form.fields.get(name)
            label = field.label if field is not None else ""
            for message in messages:
                errors.append(f"{label}：{message}" if label else str(message))
    return errors


class ExportRefused(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("；".join(errors))
        self.errors = errors


def params_from_query(query: QueryDict) -> dict[str, list[str]]:
    skip = ("page", "kind", "csrfmiddlewaretoken")
    return {key: values for key, values in query.lists() if key not in skip}


def as_query(params: dict[str, list[str]]) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, values in params.items():
        query.setlist(key, values)
    return query


@transaction.atomic
def request_export(
    request: HttpRequest, kind: str, params: dict[str, list[str]], reason: str
) -> ExportRequest:
    """File an export request for `request.user`, to be decided by another county officer.
    Filters outside the user's scope are refused (ExportRefused)."""
    spec = KINDS[kind]
    user = request.user
    errors = scope_errors(spec, user, params)
    if errors:
        raise ExportRefused(errors)
    export = ExportRequest.objects.create(
        kind=kind,
        title=str(spec.title),
        params=params,
        params_text=(spec.describe(params) if spec.describe else "")[:500],
        row_count=spec.count(user, params),
        reason=reason,
        requested_by=user,
        township=user.township if user.is_township else None,
    )
    log_access(
        request,
        AccessAction.EXPORT_REQUEST,
        reason=reason,
        detail={"export": export.pk, "kind": kind, "params": params, "rows": export.row_count},
    )
    return export


@transaction.atomic
def decide_export(
    request: HttpRequest, export: ExportRequest, *, approve: bool, note: str = ""
) -> bool:
    """A county officer approves or rejects a pending request. Deciding a decided request, or
    one's own (whatever one's role), changes nothing."""
    actor = request.user
    if not may_decide(actor, export):
        return False
    export = ExportRequest.objects.select_for_update().get(pk=export.pk)
    if export.status != ExportStatus.REQUESTED:
        return False
    if approve:
        _approve(export, actor=actor, note=note)
    else:
        export.status = ExportStatus.REJECTED
        export.decided_by = actor
        export.decided_at = timezone.now()
        export.decision_note = note
        export.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    log_access(
        request,
        AccessAction.EXPORT_DECIDE,
        reason=note,
        detail={"export": export.pk, "approved": approve, "rows": export.row_count},
    )
    return True


def may_decide(user: User, export: ExportRequest) -> bool:
    """Two people for every export: a county officer decides, never on their own request."""
    return user.is_county and export.requested_by_id != user.pk


def _approve(export: ExportRequest, *, actor: User, note: str) -> None:
    now = timezone.now()
    export.status = ExportStatus.APPROVED
    export.decided_by = actor
    export.decided_at = now
    export.decision_note = note
    export.expires_at = now + settings.EXPORT_LINK_LIFETIME
    export.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "expires_at"])


def claim_download(export: ExportRequest, user: User) -> bool:
    """Mark the export downloaded if `user` may download it now: theirs, approved, unexpired
    and not downloaded before. One UPDATE, so two clicks cannot both win."""
    now = timezone.now()
    return bool(
        ExportRequest.objects.filter(
            pk=export.pk,
            requested_by=user,
            status=ExportStatus.APPROVED,
            expires_at__gt=now,
        ).update(status=ExportStatus.DOWNLOADED, downloaded_at=now)
    )


def download(request: HttpRequest, export: ExportRequest) -> HttpResponse | None:
    """The workbook of an approved export, once; None if it may not be downloaded (any more)."""
    if not claim_download(export, request.user):
        return None
    export.refresh_from_db()
    spec = KINDS[export.kind]
    if spec.build is not None:
        content, count, filename = spec.build(export, request.user)
    else:
        headers, rows = spec.rows(request.user, export.params)
        content, count = build_workbook(export, headers, rows)
        stamp = timezone.localtime(export.downloaded_at).strftime("%Y%m%d%H%M")
        filename = f"export-{export.kind}-{export.pk}-{stamp}.xlsx"
    log_access(
        request,
        AccessAction.EXPORT_DOWNLOAD,
        reason=export.reason,
        detail={"export": export.pk, "kind": export.kind, "rows": count},
    )
    # Anything but a workbook we built (an uploaded original) is served as bytes to save.
    content_type = XLSX if filename.endswith(".xlsx") else "application/octet-stream"
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def provenance(export: ExportRequest) -> str:
    """Who exported, when, approved by whom and why: the first row of every exported file."""
    when = timezone.localtime(export.downloaded_at or timezone.now()).strftime("%Y-%m-%d %H:%M")
    user = export.requested_by
    text = _(
        "导出人：%(user)s（%(username)s）  导出时间：%(when)s  "
        "审批人：%(approver)s  用途：%(reason)s"
    ) % {
        "user": user,
        "username": user.username,
        "when": when,
        "approver": export.decided_by or "",
        "reason": export.reason,
    }
    return text + "  " + _("内含个人信息，仅限工作使用，不得外传。")


def build_workbook(export: ExportRequest, headers: list[str], rows: Iterable[Iterable]):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    props = workbook.properties
    props.creator = export.requested_by.username
    props.lastModifiedBy = export.requested_by.username
    props.title = export.title
    props.subject = _("导出申请 #%(pk)s") % {"pk": export.pk}
    props.description = provenance(export)
    props.created = timezone.now().replace(tzinfo=None)
    sheet = workbook.create_sheet(export.title[:31])
    sheet.append([provenance(export)])
    sheet.append(headers)
    count = 0
    for row in rows:
        sheet.append([_cell(value) for value in row])
        count += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), count


# A spreadsheet runs a cell starting with one of these as a formula (CSV/Excel injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def _cell(value):
    # Prefixed so that it stays text.
    return "'" + value if looks_like_formula(value) else value


def expire_stale(now=None) -> int:
    """Approved exports whose link has run out become expired; so do requests nobody decided
    within the link lifetime times seven."""
    now = now or timezone.now()
    approved = ExportRequest.objects.filter(
        status=ExportStatus.APPROVED, expires_at__lte=now
    ).update(status=ExportStatus.EXPIRED)
    waiting = ExportRequest.objects.filter(
        status=ExportStatus.REQUESTED,
        created_at__lte=now - settings.EXPORT_LINK_LIFETIME * 7,
    ).update(status=ExportStatus.EXPIRED)
    return approved + waiting


# --- The registry's own export -------------------------------------------------------------------


def _registry_people(user: User, params: dict):
    from talentpool.forms import RegistryFilterForm
    from talentpool.models import Person

    form = RegistryFilterForm(as_query(params), user=user)
    return form.filter(Person.objects.in_scope(user)).select_related("township", "village")


def _registry_rows(user: User, params: dict):
    headers = [
        _("姓名"),
        _("性别"),
        _("民族"),
        _("出生日期"),
        _("身份证号"),
        _("联系电话"),
        _("乡镇（街道）"),
        _("村（社区）"),
        _("现状"),
        _("现工作地点"),
        _("从事行业及单位"),
        _("学历"),
        _("毕业院校及专业"),
        _("政治面貌"),
        _("入党时间"),
        _("退役军人"),
        _("技能特长"),
        _("返乡意愿"),
        _("任职意愿"),
    ]

    def rows():
        yes, no = _("是"), _("否")
        for p in _registry_people(user, params).iterator(chunk_size=2000):
            yield [
                p.name,
                p.get_gender_display(),
                p.get_ethnicity_display(),
                p.birth_date_for(user, granted=True),
                p.id_number_for(user, granted=True),
                p.phone_for(user, granted=True),
                p.township.name,
                p.village_label,
                p.get_residence_display(),
                p.work_place,
                p.industry_unit,
                p.get_education_display(),
                p.school_major,
                p.get_political_status_display(),
                p.party_join_date,
                yes if p.is_veteran else no,
                p.skills,
                p.get_return_intention_display(),
                p.get_village_post_intention_display(),
            ]

    return headers, rows()


def _registry_describe(params: dict) -> str:
    from talentpool.forms import RegistryFilterForm
    from talentpool.models import Township, Village

    fields = RegistryFilterForm.base_fields
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
    return "；".join(parts) or _("全部人员")


def _registry_form(query: QueryDict, user: User):
    from talentpool.forms import RegistryFilterForm

    return RegistryFilterForm(query, user=user)


register(
    "registry",
    roles={"county", "township", "leader"},
    form=_registry_form,
    title=gettext_lazy("人才信息库"),
    count=lambda user, params: _registry_people(user, params).count(),
    rows=_registry_rows,
    describe=_registry_describe,
)
