from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from candidates.models import Incumbency, Nomination, PoolMembership, Readiness
from evaluation import exports as roster_export
from evaluation import figures, sheets, stats
from evaluation.actions import (
    ActionRefused,
    Appointment,
    ReviewEntry,
    accept_proposal,
    appoint_to_post,
    confirm_consequences,
    confirm_refusal,
    confirm_reviews,
    dismiss_proposal,
    record_career_step,
    return_reviews,
    save_review_draft,
    submit_consequences,
    submit_reviews,
)
from evaluation.forms import (
    AppointForm,
    CareerStepForm,
    ComparisonForm,
    DecisionForm,
    ImportForm,
    ReviewRowForm,
    RoundForm,
    TownshipChoiceForm,
    TownshipFilterForm,
)
from evaluation.models import (
    CareerStep,
    Conclusion,
    Proposal,
    ProposalKind,
    ProposalStatus,
    Review,
    ReviewRound,
    ReviewStatus,
    StepKind,
)
from talentpool import views as core_views
from talentpool.access import (
    REGISTRY_READERS,
    REGISTRY_WRITERS,
    get_person_for_user,
    role_required,
    township_ids_in_scope,
)
from talentpool.lookup import search_people
from talentpool.models import Person, Role, Township, User
from talentpool.pages import CONFIRMED, confirm_first, confirmation_page

READERS = REGISTRY_READERS
WRITERS = REGISTRY_WRITERS
IMPORT_SALT = "evaluation.round_import"
IMPORT_MAX_AGE = 2 * 60 * 60
# A township whose share of 优秀 exceeds the county's by this many points is flagged on the
# calibration table, as is one whose mean score exceeds the county's by MEAN_GAP.
EXCELLENT_GAP = 10
MEAN_GAP = 5


# --- / and /evaluation/ : the dashboards --------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The site's front page: the dashboard for those who read the county's numbers, the core
    page for everyone else."""
    if request.user.role in READERS:
        return dashboard(request)
    return core_views.home(request)


@dataclass
class DashboardParams:
    township: Township | None
    township_ids: list[int] | None
    before: date
    after: date
    query: str


def _dashboard_params(request: HttpRequest) -> tuple[DashboardParams, ComparisonForm, object]:
    user = request.user
    township_ids = township_ids_in_scope(user)
    township = None
    township_form = None
    if township_ids is None:
        township_form = TownshipFilterForm(request.GET or None, user=user)
        township = township_form.chosen_township()
        if township is not None:
            township_ids = [township.pk]
    elif user.is_township:
        township = user.township
    today = timezone.localdate()
    before, after = stats.default_comparison_dates(today, township_ids)
    form = ComparisonForm(request.GET or None)
    if form.is_bound and form.is_valid():
        before = form.cleaned_data["before"] or before
        after = form.cleaned_data["after"] or after
        if before >= after:
            form.add_error(None, _("较早日期须早于较晚日期，已改用默认日期。"))
            before, after = stats.default_comparison_dates(today, township_ids)
    query = {"before": f"{before:%Y-%m-%d}", "after": f"{after:%Y-%m-%d}"}
    if township is not None and township_form is not None:
        query["township"] = township.pk
    params = DashboardParams(township, township_ids, before, after, urlencode(query))
    return params, form, township_form


def _build_dashboard(params: DashboardParams, only: str | None = None) -> figures.Dashboard:
    return figures.build(
        township_ids=params.township_ids,
        today=timezone.localdate(),
        before=params.before,
        after=params.after,
        single_township=params.township is not None,
        only=only,
    )


@role_required(*READERS)
def dashboard(request: HttpRequest) -> HttpResponse:
    params, form, township_form = _dashboard_params(request)
    board = _build_dashboard(params)
    context = {
        "board": board,
        "params": params,
        "form": form,
        "township_form": township_form,
        "scope_label": params.township.name if params.township else _("全县"),
    }
    return render(request, "evaluation/dashboard.html", context)


@role_required(*READERS)
def structure(request: HttpRequest) -> HttpResponse:
    """The village committees' make-up on two dates (before and after 换届), in detail."""
    params, form, township_form = _dashboard_params(request)
    board = _build_dashboard(params, only="committee")
    context = {
        "board": board,
        "params": params,
        "form": form,
        "township_form": township_form,
        "scope_label": params.township.name if params.township else _("全县"),
    }
    return render(request, "evaluation/structure.html", context)


@role_required(*READERS)
def export(request: HttpRequest) -> HttpResponse:
    """The figures behind the dashboard as .xlsx: one (?figure=<key>), or all of them."""
    key = request.GET.get("figure", "all")
    params, _form, _township_form = _dashboard_params(request)
    board = _build_dashboard(params, only=None if key == "all" else key)
    if key == "all":
        chosen = board.figures
    else:
        figure = board.figure(key)
        if figure is None:
            raise Http404
        chosen = [figure]
    scope = params.township.name if params.township else _("全县")
    heading = _("范围：%(scope)s；统计日期：%(today)s；换届对比：%(before)s 与 %(after)s") % {
        "scope": scope,
        "today": f"{board.today:%Y-%m-%d}",
        "before": f"{params.before:%Y-%m-%d}",
        "after": f"{params.after:%Y-%m-%d}",
    }
    title = chosen[0].title if len(chosen) == 1 else _("统计数据")
    workbook = sheets.figures_workbook(chosen, heading)
    return sheets.xlsx_response(workbook, f"{scope}{title}{board.today:%Y%m%d}.xlsx")


# --- /evaluation/rounds/ : periodic reviews ------------------------------------------------------


def _get_round_for_user(request: HttpRequest, pk: int) -> ReviewRound:
    return get_object_or_404(
        ReviewRound.objects.in_scope(request.user).select_related("township"), pk=pk
    )


@role_required(*READERS)
def round_list(request: HttpRequest) -> HttpResponse:
    rounds = ReviewRound.objects.in_scope(request.user).select_related("township")
    page = Paginator(rounds, 20).get_page(request.GET.get("page"))
    progress = stats.round_progress(list(page), township_ids_in_scope(request.user))
    items = [(r, progress[r.pk][1]) for r in page]
    context = {"page": page, "items": items, "query": ""}
    return render(request, "evaluation/round_list.html", context)


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def round_create(request: HttpRequest) -> HttpResponse:
    form = RoundForm(request.POST or None, user=request.user)
    if form.is_valid():
        round = form.save(commit=False)
        round.created_by = request.user
        round.save()
        messages.success(request, _("已创建考核轮次：%(name)s") % {"name": round.name})
        return redirect(round)
    return render(request, "evaluation/round_form.html", {"form": form})


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def round_edit(request: HttpRequest, pk: int) -> HttpResponse:
    round = _get_round_for_user(request, pk)
    if request.user.is_township and round.township_id != request.user.township_id:
        raise PermissionDenied  # a county-wide round is the county's to change
    form = RoundForm(request.POST or None, user=request.user, instance=round)
    if form.is_valid():
        form.save()
        messages.success(request, _("已保存：%(name)s") % {"name": round.name})
        return redirect(round)
    return render(request, "evaluation/round_form.html", {"form": form, "round": round})


@role_required(*READERS)
def round_detail(request: HttpRequest, pk: int) -> HttpResponse:
    round = _get_round_for_user(request, pk)
    user = request.user
    ids = township_ids_in_scope(user)
    progress_rows, progress_total = stats.round_progress([round], ids)[round.pk]
    rows, county = stats.calibration(round)
    # Townships that have submitted nothing have nothing to compare yet.
    rows = [r for r in rows if r.reviews and (ids is None or r.township_id in ids)]
    proposals = (
        Proposal.objects.in_scope(user)
        .filter(review__round=round)
        .select_related("person", "township")
        .order_by("status", "kind", "township__code", "person__name")
    )
    context = {
        "round": round,
        "progress_rows": progress_rows,
        "progress_total": progress_total,
        "progress": {p.township_id: p for p in progress_rows},
        "rows": [_calibration_cells(round, row, county) for row in rows],
        "county": _calibration_cells(round, county, None),
        "conclusions": Conclusion.choices,
        "proposals": proposals,
        "can_confirm": user.is_county,
    }
    return render(request, "evaluation/round_detail.html", context)


def _calibration_cells(round: ReviewRound, row: stats.CalibrationRow, county) -> dict:
    return {
        "row": row,
        "conclusions": [(row.conclusions[c], row.share(c)) for c in Conclusion.values],
        "dimensions": [row.dimension_means[key] for key in round.dimension_keys],
        "flags": _calibration_flags(row, county) if county else [],
    }


def _calibration_flags(row: stats.CalibrationRow, county: stats.CalibrationRow) -> list[str]:
    flags = []
    if row.reviews and county.reviews:
        if (row.excellent_share or 0) - (county.excellent_share or 0) > EXCELLENT_GAP:
            flags.append(_("优秀比例明显高于全县"))
        if row.mean_score is not None and county.mean_score is not None:
            if row.mean_score - county.mean_score > MEAN_GAP:
                flags.append(_("平均分明显高于全县"))
            elif county.mean_score - row.mean_score > MEAN_GAP:
                flags.append(_("平均分明显低于全县"))
    return flags


def _sheet_township(request: HttpRequest, round: ReviewRound) -> Township:
    """The township whose sheet is open: a township officer's own; for the county officer the
    round's township or the one asked for (?township=)."""
    user = request.user
    if user.is_township:
        if not round.covers(user.township_id):
            raise Http404
        return user.township
    if round.township_id:
        return round.township
    raw = request.POST.get("township") or request.GET.get("township")
    if not raw or not str(raw).isdigit():
        raise Http404
    return get_object_or_404(Township.objects.in_scope(user), pk=int(raw))


@dataclass
class SheetRow:
    member: PoolMembership
    review: Review | None
    form: ReviewRowForm
    saved: bool = False
    error: str = ""

    @property
    def editable(self) -> bool:
        return self.review is None or self.review.status == ReviewStatus.DRAFT

    @property
    def hx_params(self) -> str:
        """The row's own fields: htmx would otherwise post the whole sheet on every change."""
        names = [self.form[name].html_name for name in self.form.fields]
        return ",".join(["csrfmiddlewaretoken", *names])


def _row_form(round: ReviewRound, member: PoolMembership, review: Review | None, data=None):
    initial = {"version": review.version if review else 0}
    if review is not None:
        initial.update({f"dim_{k}": v for k, v in review.scores.items()})
        initial.update(
            conclusion=review.conclusion, reviewer=review.reviewer, evidence=review.evidence
        )
    return ReviewRowForm(
        data,
        round=round,
        prefix=f"m{member.pk}",
        initial=initial,
        person_name=member.person.name,
    )


def _save_row(request: HttpRequest, round: ReviewRound, row: SheetRow) -> None:
    form = row.form
    if not form.is_valid():
        problems = [
            f"{form.fields[name].label}：{error}"
            for name, errors in form.errors.items()
            for error in errors
        ]
        row.error = _("未保存。") + "；".join(problems)
        return
    data = form.cleaned_data
    if row.review is None and form.is_blank():
        return
    entry = ReviewEntry(form.scores(), data["conclusion"], data["reviewer"], data["evidence"])
    version = data.get("version")
    try:
        row.review = save_review_draft(
            round,
            row.member,
            entry,
            actor=request.user,
            expected_version=None if version is None else version,
        )
    except ActionRefused as refused:
        row.error = refused.message
        return
    row.saved = True


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def round_sheet(request: HttpRequest, pk: int) -> HttpResponse:
    """The whole round for one township on one screen: every reserve a row."""
    round = _get_round_for_user(request, pk)
    township = _sheet_township(request, round)
    members = list(sheets.sheet_members(round, township))
    reviews = {
        r.membership_id: r
        for r in Review.objects.filter(round=round, membership__in=[m.pk for m in members])
    }
    for review in reviews.values():
        review.round = round
    data = request.POST if request.method == "POST" else None
    rows = []
    for member in members:
        review = reviews.get(member.pk)
        editable = review is None or review.status == ReviewStatus.DRAFT
        rows.append(
            SheetRow(member, review, _row_form(round, member, review, data if editable else None))
        )
    if request.method == "POST":
        with transaction.atomic():
            for row in rows:
                if row.editable:
                    _save_row(request, round, row)
            errors = [row for row in rows if row.error]
            if errors:
                # All or nothing: the page shows what was typed, with the rows to correct.
                transaction.set_rollback(True)
                for row in rows:
                    row.review, row.saved = reviews.get(row.member.pk), False
        if errors:
            messages.error(
                request,
                _("有%(n)s行未能保存（已标红），其余内容也未保存，请更正后再保存。")
                % {"n": len(errors)},
            )
        else:
            if request.POST.get("action") == "submit":
                # The rows are saved as drafts; submitting them asks first (round_submit).
                return _submit_confirmation(request, round, township)
            else:
                messages.success(request, _("已保存草稿。"))
            return redirect(_sheet_url(round, township))
    status_counts = dict.fromkeys(ReviewStatus.values, 0)
    for review in reviews.values():
        status_counts[review.status] += 1
    context = {
        "round": round,
        "township": township,
        "rows": rows,
        "status_counts": status_counts,
        "missing": sum(1 for row in rows if row.review is None),
        "dimensions": round.dimensions,
        "township_query": ""
        if request.user.is_township or round.township_id
        else f"?township={township.pk}",
    }
    return render(request, "evaluation/round_sheet.html", context)


def _submit_confirmation(request: HttpRequest, round: ReviewRound, township: Township):
    consequences, warnings = submit_consequences(
        round, township.pk, sheets.sheet_members(round, township)
    )
    return confirmation_page(
        request,
        title=_("提交考核：%(t)s") % {"t": township.name},
        consequences=consequences,
        warnings=warnings,
        action=reverse("evaluation:round_submit", args=[round.pk]),
        fields=[("township", str(township.pk))],
        back_url=_sheet_url(round, township),
        button=_("确认提交"),
    )


def _sheet_url(round: ReviewRound, township: Township) -> str:
    url = reverse("evaluation:round_sheet", args=[round.pk])
    if not round.township_id:
        url += f"?township={township.pk}"
    return url


def _submit_message(request: HttpRequest, result) -> None:
    if result.submitted:
        messages.success(
            request, _("已提交%(n)s人的考核，等待县委组织部确认。") % {"n": result.submitted}
        )
    if result.incomplete:
        names = "、".join(result.incomplete[:10]) + ("等" if len(result.incomplete) > 10 else "")
        messages.warning(
            request,
            _("%(n)s人的考核未填写完整（%(names)s），仍为草稿，未提交。")
            % {"n": len(result.incomplete), "names": names},
        )
    if not result.submitted and not result.incomplete:
        messages.info(request, _("没有需要提交的草稿。"))


@role_required(*WRITERS)
@require_POST
def round_row(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    """Save one row of the sheet (htmx, on change) and answer with the row."""
    round = _get_round_for_user(request, pk)
    township = _sheet_township(request, round)
    member = get_object_or_404(sheets.sheet_members(round, township), pk=member_pk)
    review = Review.objects.filter(round=round, membership=member).first()
    if review is not None:
        review.round = round
    editable = review is None or review.status == ReviewStatus.DRAFT
    row = SheetRow(
        member, review, _row_form(round, member, review, request.POST if editable else None)
    )
    if editable:
        _save_row(request, round, row)
        if row.saved:
            row.form = _row_form(round, member, row.review)
    else:
        row.error = _("该行已提交，不能再修改。")
    if not request.htmx:
        if row.error:
            messages.error(request, f"{member.person.name}：{row.error}")
        return redirect(_sheet_url(round, township))
    # Only the status cell (and the row's version) is replaced: the officer may already be
    # typing in the next field of the row.
    context = {"round": round, "township": township, "row": row, "oob": True}
    return render(request, "evaluation/round_sheet.html#row_status", context)


@role_required(*WRITERS)
@require_POST
def round_submit(request: HttpRequest, pk: int) -> HttpResponse:
    round = _get_round_for_user(request, pk)
    township = _sheet_township(request, round)
    if request.POST.get(CONFIRMED) != "1":
        return _submit_confirmation(request, round, township)
    result = submit_reviews(round, township.pk, actor=request.user)
    _submit_message(request, result)
    return redirect(_sheet_url(round, township))


@role_required(Role.COUNTY)
@require_POST
def round_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    round = _get_round_for_user(request, pk)
    form = TownshipChoiceForm(request.POST, round=round, user=request.user)
    if not form.is_valid():
        messages.error(request, _("请选择本轮考核范围内的乡镇（街道）。"))
        return redirect(round)
    township = form.cleaned_data["township"]
    refusal = confirm_refusal(round, township.pk, request.user)
    if refusal:
        messages.error(request, refusal)
        return redirect(round)
    ask = confirm_first(
        request,
        title=_("确认考核结果：%(t)s") % {"t": township.name},
        consequences=confirm_consequences(round, township.pk),
        back_url=round.get_absolute_url(),
        button=_("确认考核结果"),
    )
    if ask is not None:
        return ask
    try:
        result = confirm_reviews(round, township.pk, actor=request.user)
    except ActionRefused as refused:
        messages.error(request, refused.message)
        return redirect(round)
    if result.confirmed:
        messages.success(
            request,
            _("已确认%(t)s%(n)s人的考核结果；提出调整出库建议%(r)s人，优先使用建议%(p)s人。")
            % {
                "t": township.name,
                "n": result.confirmed,
                "r": result.removals,
                "p": result.promotions,
            },
        )
    else:
        messages.info(request, _("%(t)s没有待确认的考核。") % {"t": township.name})
    return redirect(round)


@role_required(Role.COUNTY)
@require_POST
def round_return(request: HttpRequest, pk: int) -> HttpResponse:
    round = _get_round_for_user(request, pk)
    form = TownshipChoiceForm(request.POST, round=round, user=request.user, note_required=True)
    if not form.is_valid():
        messages.error(request, _("退回须选择乡镇（街道）并填写退回意见。"))
        return redirect(round)
    township = form.cleaned_data["township"]
    count = return_reviews(round, township.pk, form.cleaned_data["note"], actor=request.user)
    if count:
        messages.success(
            request, _("已将%(t)s%(n)s人的考核退回修改。") % {"t": township.name, "n": count}
        )
    else:
        messages.info(request, _("%(t)s没有待确认的考核。") % {"t": township.name})
    return redirect(round)


@role_required(*WRITERS)
def round_workbook(request: HttpRequest, pk: int) -> HttpResponse:
    """The sheet as .xlsx (the template to fill in, with what is already entered): many
    people's names, so an export like any other - asked for, approved by another county
    officer, downloaded once, logged (evaluation.exports, kind "review_sheet")."""
    round = _get_round_for_user(request, pk)
    township = _sheet_township(request, round)
    query = urlencode(
        {"kind": roster_export.SHEET_KIND, "round": round.pk, "township": township.pk}
    )
    return redirect(f"{reverse('security:export_new')}?{query}")


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def round_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Import the sheet from Excel: upload, preview with each bad row's reason, then write."""
    round = _get_round_for_user(request, pk)
    township = _sheet_township(request, round)
    members = {m.pk: m for m in sheets.sheet_members(round, township)}
    locked = set(
        Review.objects.filter(round=round, membership__in=list(members))
        .exclude(status=ReviewStatus.DRAFT)
        .values_list("membership_id", flat=True)
    )
    context = {"round": round, "township": township, "form": ImportForm()}
    if request.method == "POST" and "payload" in request.POST:
        return _write_import(request, round, township, members, locked)
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        context["form"] = form
        if form.is_valid():
            allowed = {pk: (m.person.name, pk not in locked) for pk, m in members.items()}
            try:
                rows, warnings = sheets.read_round_workbook(
                    round, form.cleaned_data["file"], allowed
                )
            except sheets.WorkbookRejected as rejected:
                form.add_error("file", rejected.message)
            else:
                good = [row for row in rows if row.ok]
                context.update(
                    rows=rows,
                    warnings=warnings,
                    good=len(good),
                    bad=len(rows) - len(good),
                    payload=signing.dumps(
                        {
                            "round": round.pk,
                            "township": township.pk,
                            "rows": [r.payload() for r in good],
                        },
                        salt=IMPORT_SALT,
                        compress=True,
                    ),
                    members=members,
                )
    return render(request, "evaluation/round_import.html", context)


def _write_import(request, round, township, members, locked) -> HttpResponse:
    try:
        data = signing.loads(request.POST["payload"], salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE)
    except signing.BadSignature:
        messages.error(request, _("预览已过期或内容被改动，请重新上传文件。"))
        return redirect(
            reverse("evaluation:round_import", args=[round.pk]) + _township_query(round, township)
        )
    if data.get("round") != round.pk or data.get("township") != township.pk:
        raise Http404
    written = 0
    skipped = []
    try:
        with transaction.atomic():
            for item in data["rows"]:
                member = members.get(item["membership"])
                if member is None or member.pk in locked:
                    skipped.append(item["membership"])
                    continue
                entry = ReviewEntry(
                    item["scores"], item["conclusion"], item["reviewer"], item["evidence"]
                )
                save_review_draft(round, member, entry, actor=request.user)
                written += 1
    except ActionRefused as refused:
        messages.error(request, refused.message)
        return redirect(_sheet_url(round, township))
    messages.success(request, _("已导入%(n)s人的考核（草稿），请核对后提交。") % {"n": written})
    if skipped:
        messages.warning(
            request, _("%(n)s行因考核已提交或人员已变动而跳过。") % {"n": len(skipped)}
        )
    return redirect(_sheet_url(round, township))


def _township_query(round: ReviewRound, township: Township) -> str:
    return "" if round.township_id else f"?township={township.pk}"


# --- /evaluation/grid/ : the talent grid (九宫格) -------------------------------------------------


@role_required(*READERS)
def grid(request: HttpRequest) -> HttpResponse:
    form = TownshipFilterForm(request.GET or None, user=request.user)
    members = PoolMembership.objects.in_scope(request.user)
    township = form.chosen_township()
    if township is not None:
        members = members.filter(village__township=township)
    talent = stats.talent_grid(members)
    context = {
        "form": form,
        "grid": talent,
        "tiers": stats.TIERS,
        "columns": [(r, Readiness(r).label) for r in stats.READINESS_COLUMNS],
    }
    return render(request, "evaluation/grid.html", context)


# --- /evaluation/proposals/ -----------------------------------------------------------------------


def _get_proposal_for_user(request: HttpRequest, pk: int) -> Proposal:
    return get_object_or_404(Proposal.objects.in_scope(request.user), pk=pk)


@role_required(*READERS)
def proposal_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", ProposalStatus.OPEN)
    if status not in ProposalStatus.values and status != "all":
        status = ProposalStatus.OPEN
    kind = request.GET.get("kind", "")
    proposals = Proposal.objects.in_scope(request.user).select_related(
        "person", "township", "review__round", "membership__village", "decided_by"
    )
    if status != "all":
        proposals = proposals.filter(status=status)
    if kind in ProposalKind.values:
        proposals = proposals.filter(kind=kind)
    page = Paginator(proposals.order_by("-created_at", "-pk"), 25).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "page": page,
        "status": status,
        "kind": kind,
        "statuses": ProposalStatus.choices,
        "kinds": ProposalKind.choices,
        "query": params.urlencode(),
        "can_decide": request.user.is_county,
        "form": DecisionForm(),
    }
    return render(request, "evaluation/proposal_list.html", context)


@role_required(Role.COUNTY)
@require_POST
def proposal_accept(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _get_proposal_for_user(request, pk)
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"] if form.is_valid() else ""
    try:
        changed = accept_proposal(proposal, actor=request.user, note=note)
    except ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        if changed and proposal.kind == ProposalKind.REMOVE:
            messages.success(request, _("已将%(name)s调整出库。") % {"name": proposal.person.name})
        elif changed:
            messages.success(
                request, _("已将%(name)s列为可即时使用。") % {"name": proposal.person.name}
            )
    return redirect(request.POST.get("next") or reverse("evaluation:proposal_list"))


@role_required(Role.COUNTY)
@require_POST
def proposal_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = _get_proposal_for_user(request, pk)
    form = DecisionForm(request.POST)
    note = form.cleaned_data["note"].strip() if form.is_valid() else ""
    if not note:
        messages.error(request, _("不予采纳须填写处理意见。"))
    else:
        try:
            dismiss_proposal(proposal, actor=request.user, note=note)
        except ActionRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("已处理：不予采纳。"))
    return redirect(request.POST.get("next") or reverse("evaluation:proposal_list"))


# --- /evaluation/appointments/ : promotion and careers -------------------------------------------


@role_required(*READERS)
def appointment_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    steps = CareerStep.objects.in_scope(user).select_related(
        "person", "village", "post", "incumbency"
    )
    page = Paginator(steps.order_by("-on", "-pk"), 25).get_page(request.GET.get("page"))
    flagged = (
        Proposal.objects.in_scope(user)
        .open()
        .filter(kind=ProposalKind.PROMOTE)
        .select_related("person", "membership__village", "review__round")
        .order_by("township_id", "person__name")[:50]
    )
    q = request.GET.get("q", "").strip()[:50]
    found = []
    if any(c.isdigit() for c in q):
        # Looking people up by ID or phone number is the registry's (and logged there).
        messages.info(request, _("请输入姓名或拼音首字母；按身份证号查找请到人才信息库。"))
    elif q:
        found = list(
            PoolMembership.objects.in_scope(user)
            .active()
            .filter(person__in=search_people(Person.objects.in_scope(user), q, user=user))
            .select_related("person", "village__township")
            .order_by("person__name")[:30]
        )
    context = {
        "page": page,
        "flagged": flagged,
        "q": q,
        "found": found,
        "can_write": user.role in WRITERS,
    }
    return render(request, "evaluation/appointment_list.html", context)


def _appointment_township(user: User, person: Person, membership: PoolMembership | None) -> int:
    """Whose posts the person may be appointed to: a township officer's own township's; for
    the county, the township of the person's reserve place, else of their registration."""
    if user.is_township:
        return user.township_id
    return membership.village.township_id if membership else person.township_id


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def appoint(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request, pk)
    user = request.user
    membership = (
        PoolMembership.objects.active().filter(person=person).select_related("village").first()
    )
    form = AppointForm(
        request.POST or None,
        user=user,
        person=person,
        township_id=_appointment_township(user, person, membership),
    )
    held = list(
        Incumbency.objects.filter(person=person, ended_on__isnull=True).select_related(
            "post__village"
        )
    )
    if form.is_valid():
        data = form.cleaned_data
        ask = confirm_first(
            request,
            title=_("确认任职：%(n)s") % {"n": person.name},
            consequences=data["post"].appointment_consequences(
                person,
                data["on"],
                end_reason=data["end_reason"],
                ends_other_posts=not data["keep_other_posts"],
            ),
            back_url=reverse("evaluation:person_record", args=[person.pk]),
            button=_("确认任职"),
        )
        if ask is not None:
            return ask
        appointment = Appointment(
            post=data["post"],
            how=data["how"],
            on=data["on"],
            term_end=data["term_end"],
            end_reason=data["end_reason"],
            keep_other_posts=data["keep_other_posts"],
            note=data["note"],
        )
        try:
            appoint_to_post(person, appointment, actor=user)
        except ActionRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(
                request,
                _("已登记：%(name)s任%(village)s%(post)s。")
                % {"name": person.name, "village": data["post"].village.name, "post": data["post"]},
            )
            return redirect("evaluation:person_record", person.pk)
    context = {"person": person, "form": form, "held": held, "membership": membership}
    return render(request, "evaluation/appoint.html", context)


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def career_step_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request, pk)
    form = CareerStepForm(request.POST or None)
    if form.is_valid():
        data = form.cleaned_data
        step = record_career_step(
            person,
            data["kind"],
            data["on"],
            actor=request.user,
            unit=data["unit"].strip(),
            note=data["note"].strip(),
        )
        if step is None:
            messages.info(request, _("该经历已登记过，未重复登记。"))
        else:
            messages.success(request, _("已登记：%(kind)s") % {"kind": step.get_kind_display()})
        return redirect("evaluation:person_record", person.pk)
    return render(request, "evaluation/career_step_form.html", {"person": person, "form": form})


# --- /evaluation/people/<pk>/record/ : the printable 一人一档 ------------------------------------


@role_required(*READERS)
def person_record(request: HttpRequest, pk: int) -> HttpResponse:
    """The registration form of one person (一人一档登记表), printable on A4."""
    from training.models import Achievement, Enrolment, Mentee, PracticePost

    person = get_person_for_user(request, pk)
    memberships = list(
        PoolMembership.objects.filter(person=person)
        .select_related("village__township")
        .prefetch_related("posts")
        .order_by("-entered_on")
    )
    context = {
        "person": person,
        "id_number": person.id_number_for(request.user),
        "phone": person.phone_for(request.user),
        "age": person.age(),
        "membership": next((m for m in memberships if m.is_active), None),
        "memberships": memberships,
        "nominations": list(
            Nomination.objects.filter(person=person)
            .select_related("village", "leader")
            .order_by("-year", "-pk")
        ),
        "reviews": list(
            Review.objects.filter(person=person)
            .exclude(status=ReviewStatus.DRAFT)
            .select_related("round")
            .order_by("-round__ends_on")
        ),
        "enrolments": list(
            Enrolment.objects.filter(person=person)
            .with_hours()
            .select_related("course")
            .order_by("-enrolled_at")
        ),
        "mentees": list(
            Mentee.objects.filter(person=person)
            .select_related("mentorship__mentor")
            .order_by("-mentorship__start_on")
        ),
        "practice_posts": list(
            PracticePost.objects.filter(person=person)
            .select_related("host_village")
            .order_by("-start_on")
        ),
        "achievements": list(
            Achievement.objects.filter(person=person).confirmed().order_by("-date")[:20]
        ),
        "incumbencies": list(
            Incumbency.objects.filter(person=person)
            .select_related("post__village")
            .order_by("-started_on")
        ),
        "steps": list(
            CareerStep.objects.filter(person=person)
            .exclude(kind__in=[StepKind.ENTERED, StepKind.TRANSFERRED])
            .select_related("post", "village")
            .order_by("-on")
        ),
        "today": timezone.localdate(),
        "can_write": request.user.role in WRITERS,
    }
    return render(request, "evaluation/person_record.html", context)


# --- /evaluation/roster/ : the reserve roster (后备干部名册) -------------------------------------


@role_required(*READERS)
def roster(request: HttpRequest) -> HttpResponse:
    """The printable roster; its .xlsx goes through the export approval (security:export_new)."""
    form, township, members = roster_export.roster(request.user, request.GET)
    context = {
        "form": form,
        "title": roster_export.title(township),
        "headers": roster_export.HEADERS,
        "rows": list(roster_export.rows_of(request.user, members, with_person=True)),
        "today": timezone.localdate(),
        "query": request.GET.urlencode(),
        "export_kind": roster_export.KIND,
    }
    return render(request, "evaluation/roster.html", context)
