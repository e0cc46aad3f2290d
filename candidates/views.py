from __future__ import annotations

from pathlib import PurePosixPath

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from candidates import actions, matching
from candidates.forms import (
    ATTACHMENT_TYPES,
    AppointForm,
    AssemblyCandidateForm,
    AssemblyForm,
    AssessmentForm,
    AttachmentForm,
    ChecklistVersionForm,
    ConsultationForm,
    ContactForm,
    ContactUpdateForm,
    CoverageFilterForm,
    DecisionForm,
    DemandForm,
    EndIncumbencyForm,
    EnterPoolForm,
    HomecomingForm,
    LeaveForm,
    MembershipForm,
    NominationFilterForm,
    NominationForm,
    OutreachEventForm,
    PersonPickForm,
    PolicyForm,
    PoolFilterForm,
    PostRequirementForm,
    QuickPersonForm,
    ScreeningForm,
    TownshipLeaderForm,
    VillagePostForm,
)
from candidates.models import (
    OPEN_STATUSES,
    POSITIVE_RESPONSES,
    POST_ORDER,
    REVIEW_STAGES,
    Assembly,
    CandidatePolicy,
    Checklist,
    Homecoming,
    Incumbency,
    LeaveReason,
    Nomination,
    NominationAttachment,
    OutreachContact,
    OutreachEvent,
    PoolMembership,
    Status,
    TownshipLeader,
    VillageDemand,
    VillagePost,
)
from talentpool import codes
from talentpool.access import REGISTRY_READERS, REGISTRY_WRITERS, get_person_for_user, role_required
from talentpool.lookup import search_people
from talentpool.models import Person, Residence, Role, Township, User, Village
from talentpool.pages import confirm_first, partial, query_without_page

READERS = REGISTRY_READERS
WRITERS = REGISTRY_WRITERS
COUNTY = (Role.COUNTY,)
PAGE_SIZE = 25


# --- Scoped look-ups: the only way a view fetches one object by a key from the request --------


def _get_nomination_for_user(request: HttpRequest, pk: int) -> Nomination:
    qs = Nomination.objects.in_scope(request.user).select_related(
        "person__township", "person__village", "village", "township", "leader", "created_by"
    )
    return get_object_or_404(qs, pk=pk)


def _get_village_for_user(request: HttpRequest, pk: int) -> Village:
    return get_object_or_404(
        Village.objects.in_scope(request.user).select_related("township"), pk=pk
    )


def _get_post_for_user(request: HttpRequest, pk: int) -> VillagePost:
    return get_object_or_404(
        VillagePost.objects.in_scope(request.user).select_related("village__township"), pk=pk
    )


def _get_incumbency_for_user(request: HttpRequest, pk: int) -> Incumbency:
    return get_object_or_404(
        Incumbency.objects.in_scope(request.user).select_related("post__village", "person"),
        pk=pk,
    )


def _get_membership_for_user(request: HttpRequest, pk: int) -> PoolMembership:
    qs = PoolMembership.objects.in_scope(request.user).select_related(
        "person__township", "person__village", "village__township", "nomination"
    )
    return get_object_or_404(qs, pk=pk)


def _get_event_for_user(request: HttpRequest, pk: int) -> OutreachEvent:
    return get_object_or_404(
        OutreachEvent.objects.in_scope(request.user).select_related("township"), pk=pk
    )


def _get_contact_for_user(request: HttpRequest, pk: int) -> OutreachContact:
    return get_object_or_404(
        OutreachContact.objects.in_scope(request.user).select_related("person", "event"), pk=pk
    )


def _get_attachment_for_user(request: HttpRequest, pk: int) -> NominationAttachment:
    nominations = Nomination.objects.in_scope(request.user)
    return get_object_or_404(NominationAttachment.objects.filter(nomination__in=nominations), pk=pk)


def _get_assembly_for_user(request: HttpRequest, pk: int) -> Assembly:
    return get_object_or_404(
        Assembly.objects.in_scope(request.user).select_related("village__township"), pk=pk
    )


def _get_demand_for_user(request: HttpRequest, pk: int) -> VillageDemand:
    return get_object_or_404(
        VillageDemand.objects.in_scope(request.user).select_related("village__township", "post"),
        pk=pk,
    )


def _get_leader_for_user(request: HttpRequest, pk: int) -> TownshipLeader:
    return get_object_or_404(
        TownshipLeader.objects.in_scope(request.user).select_related("township"), pk=pk
    )


def _form_page(request, form, title: str, back: str, **extra) -> HttpResponse:
    context = {"form": form, "title": title, "back": back, **extra}
    return render(request, "candidates/form.html", context)


def _picked_person(request: HttpRequest) -> Person | None:
    """The person chosen with a picker link (?person=<pk>), if within scope."""
    if "person" not in request.GET:
        return None
    pick = PersonPickForm(request.GET, user=request.user)
    if pick.is_valid():
        return pick.cleaned_data["person"]
    messages.error(request, _("所选人员不存在或不在您的管辖范围内。"))
    return None


def _people_found(request: HttpRequest, q: str):
    """Registry people matching `q` within scope, with what this stage already knows of them."""
    if not q:
        return []
    return list(
        search_people(Person.objects.in_scope(request.user), q, user=request.user)
        .select_related("township", "village")
        .annotate(
            in_pool=Exists(PoolMembership.objects.active().filter(person_id=OuterRef("pk"))),
            open_nominations=Count("nominations", filter=Q(nominations__status__in=OPEN_STATUSES)),
        )
        .order_by("name_pinyin", "pk")[:10]
    )


# --- /candidates/ ----------------------------------------------------------------------------


@role_required(*READERS)
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    nominations = Nomination.objects.in_scope(user)
    by_status = dict(
        nominations.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    stages = [(s, Status(s).label, by_status.get(s, 0)) for s in Status.values]
    policy = CandidatePolicy.load()
    totals = VillagePost.objects.in_scope(user).with_coverage(policy).coverage_summary()
    context = {
        "stages": stages,
        "mine": nominations.actionable_by(user).count(),
        "pool_size": PoolMembership.objects.in_scope(user).active().count(),
        "totals": totals,
        "policy": policy,
    }
    return render(request, "candidates/index.html", context)


# --- /candidates/queue/ ----------------------------------------------------------------------


@role_required(*READERS)
def queue(request: HttpRequest) -> HttpResponse:
    """Review queues: what waits at each stage, and what waits for this user."""
    user = request.user
    stage = request.GET.get("stage", "")
    nominations = Nomination.objects.in_scope(user)
    counts = dict(
        nominations.filter(status__in=REVIEW_STAGES + (Status.APPROVED,))
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    if stage == "mine" or (not stage and user.role in WRITERS):
        stage = "mine"
        rows = nominations.actionable_by(user)
    elif stage in REVIEW_STAGES or stage == Status.APPROVED:
        rows = nominations.filter(status=stage)
    else:
        stage = Status.COUNTY
        rows = nominations.filter(status=stage)
    rows = rows.select_related("person", "village", "township", "created_by").order_by(
        "updated_at", "pk"
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    tabs = [(s, Status(s).label, counts.get(s, 0)) for s in REVIEW_STAGES + (Status.APPROVED,)]
    context = {
        "page": page,
        "stage": stage,
        "tabs": tabs,
        "mine_count": nominations.actionable_by(user).count() if user.role in WRITERS else None,
        "query": query_without_page(request),
    }
    return render(request, "candidates/queue.html", context)


# --- /candidates/nominations/ ----------------------------------------------------------------


@role_required(*READERS)
def nomination_list(request: HttpRequest) -> HttpResponse:
    form = NominationFilterForm(request.GET, user=request.user)
    rows = form.filter(Nomination.objects.in_scope(request.user)).select_related(
        "person", "village", "township", "leader"
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "query": query_without_page(request)}
    return render(request, partial(request, "candidates/nomination_list.html", "results"), context)


@role_required(*WRITERS)
def person_search(request: HttpRequest) -> HttpResponse:
    """The autocomplete: registry people by name, pinyin initials, ID number or phone."""
    q = request.GET.get("q", "").strip()[:50]
    return render(request, "candidates/people.html", {"people": _people_found(request, q), "q": q})


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def nomination_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    data = request.POST if request.method == "POST" else None
    new_person = (request.POST.get("new") or request.GET.get("new")) == "1"
    person = None
    pick = None
    person_form = None
    if new_person:
        person_form = QuickPersonForm(data, prefix="p", user=user)
    else:
        source = request.POST if data else (request.GET if "person" in request.GET else None)
        pick = PersonPickForm(source, user=user)
        if source is not None and pick.is_valid():
            person = pick.cleaned_data["person"]
    form = NominationForm(data, request.FILES or None, user=user, person=person)
    if data is not None:
        person_ok = person is not None or (person_form is not None and person_form.is_valid())
        if form.is_valid() and person_ok:
            try:
                nomination = _save_nomination(form, person_form, person, user)
            except actions.ActionRefused as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("已录入推荐：%(name)s，进入资格审查。") % {"name": nomination.person.name},
                )
                return redirect(nomination)
    q = request.GET.get("q", "").strip()[:50]
    context = {
        "form": form,
        "pick": pick,
        "person": person,
        "person_form": person_form,
        "new_person": new_person,
        "q": q,
        "people": _people_found(request, q),
    }
    return render(request, "candidates/nomination_form.html", context)


@transaction.atomic
def _save_nomination(form: NominationForm, person_form, person, user: User) -> Nomination:
    if person is None:
        person = person_form.save()
    data = form.cleaned_data
    nomination = actions.create_nomination(
        person=person,
        village=data["village"],
        post_kind=data["post_kind"],
        year=data["year"],
        channel=data["channel"],
        co_signers=data.get("co_signers"),
        leader=data.get("leader"),
        recommender_name=data["recommender_name"],
        recommender_position=data.get("recommender_position") or "",
        reason=data["reason"],
        actor=user,
    )
    if data.get("attachment"):
        _save_attachment(nomination, data["attachment"], user)
    return nomination


def _save_attachment(nomination: Nomination, upload, user: User) -> NominationAttachment:
    suffix = PurePosixPath(upload.name).suffix.lower()
    attachment = NominationAttachment(
        nomination=nomination,
        original_name=PurePosixPath(upload.name).name[:200],
        content_type=ATTACHMENT_TYPES[suffix],
        size=upload.size,
        uploaded_by=user,
    )
    attachment.file.save(NominationAttachment.storage_name(upload.name), upload, save=False)
    attachment.save()
    return attachment


def _nomination_context(request: HttpRequest, nomination: Nomination, **forms) -> dict:
    user = request.user
    checks = list(
        nomination.checks.select_related("item", "checked_by").order_by(
            "item__kind", "item__number"
        )
    )
    events = list(nomination.review_events.select_related("actor").order_by("created_at", "pk"))
    path = [*REVIEW_STAGES, Status.APPROVED, Status.POOLED]
    at = path.index(nomination.status) if nomination.status in path else -1
    steps = [
        (Status(s).label, "done" if i < at else "current" if i == at else "todo")
        for i, s in enumerate(path)
    ]
    if at == -1:
        steps.append((nomination.get_status_display(), "current"))
    can_screen = user.role in WRITERS and not nomination.screening_refusal(user)
    screening_form = forms.get("screening_form")
    if screening_form is None and can_screen:
        screening_form = ScreeningForm(checks=checks)
    if screening_form is not None:
        bound = {c.pk: (result, evidence) for c, result, evidence in screening_form.rows()}
        for check in checks:
            check.form_fields = bound.get(check.pk)
    check_errors = forms.get("check_errors") or {}
    for check in checks:
        check.error = check_errors.get(check.pk, "")
    context = {
        "nomination": nomination,
        "steps": steps,
        "screening_form": screening_form,
        "person": nomination.person,
        "qualification_checks": [c for c in checks if c.item.kind == "qualification"],
        "negative_checks": [c for c in checks if c.item.kind == "negative"],
        "events": events,
        "consultations": list(nomination.consultations.order_by("department")),
        "assessments": list(nomination.assessments.order_by("held_on", "pk")),
        "attachments": list(nomination.attachments.all()),
        "memberships": list(nomination.pool_memberships.all()),
        "can_write": user.role in WRITERS,
        "can_screen": can_screen,
        "is_county": user.is_county,
        "decision_form": forms.get("decision_form")
        or (DecisionForm(nomination=nomination, user=user) if nomination.is_open else None),
        "screening_refusal": nomination.screening_refusal(user) if not can_screen else "",
        "consultation_form": forms.get("consultation_form") or ConsultationForm(),
        "assessment_form": forms.get("assessment_form") or AssessmentForm(),
        "attachment_form": forms.get("attachment_form") or AttachmentForm(),
    }
    return context


@role_required(*READERS)
def nomination_detail(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = _get_nomination_for_user(request, pk)
    return render(
        request, "candidates/nomination_detail.html", _nomination_context(request, nomination)
    )


@role_required(*WRITERS)
@require_POST
def nomination_decide(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = _get_nomination_for_user(request, pk)
    form = DecisionForm(request.POST, nomination=nomination, user=request.user)
    status = 400
    check_errors: dict[int, str] = {}
    if form.is_valid():
        data = form.cleaned_data
        try:
            event = actions.decide(
                nomination,
                data["decision"],
                actor=request.user,
                expected_version=data["version"],
                note=data.get("note") or "",
                decided_on=data["decided_on"],
                party_members_heard=data.get("party_members_heard"),
                party_member_views=data.get("party_member_views") or "",
                villagers_heard=data.get("villagers_heard"),
                villager_views=data.get("villager_views") or "",
            )
        except actions.ScreeningIncomplete as exc:
            # Said beside each check in the list above, not as one wall of text here.
            form.add_error(
                None,
                _("资格审查未完成，不能通过：还有%(n)s项须处理，已在资格审查清单中逐项标出。")
                % {"n": len(exc.beside)},
            )
            check_errors = exc.beside
        except actions.ActionRefused as exc:
            form.add_error(None, exc.message)
            status = 409 if isinstance(exc, actions.Conflict) else 400
        else:
            if event is None:
                messages.info(request, _("该决定此前已提交，未重复办理。"))
            else:
                messages.success(
                    request,
                    _("已办理：%(decision)s，现为“%(status)s”。")
                    % {
                        "decision": event.get_decision_display(),
                        "status": event.get_to_status_display(),
                    },
                )
            return redirect(nomination)
    nomination.refresh_from_db()
    context = _nomination_context(
        request, nomination, decision_form=form, check_errors=check_errors
    )
    return render(request, "candidates/nomination_detail.html", context, status=status)


@role_required(*WRITERS)
@require_POST
def screening(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = _get_nomination_for_user(request, pk)
    checks = nomination.checks.select_related("item", "nomination").order_by(
        "item__kind", "item__number"
    )
    form = ScreeningForm(request.POST, checks=list(checks))
    if form.is_valid():
        try:
            stop = actions.record_checks(nomination, form.results, actor=request.user)
        except actions.ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            if stop is not None:
                messages.warning(request, _("推荐已终止：%(note)s") % {"note": stop.note})
            else:
                messages.success(request, _("已保存资格审查记录。"))
            return redirect(f"{nomination.get_absolute_url()}#checks")
    context = _nomination_context(request, nomination, screening_form=form)
    return render(request, "candidates/nomination_detail.html", context, status=400)


@role_required(*COUNTY)
@require_POST
def consultation_add(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = _get_nomination_for_user(request, pk)
    if nomination.status != Status.COUNTY:
        messages.error(request, _("只有在县级联审环节才能记录部门意见。"))
        return redirect(nomination)
    existing = nomination.consultations.filter(department=request.POST.get("department")).first()
    form = ConsultationForm(request.POST, instance=existing)
    if form.is_valid():
        consultation = form.save(commit=False)
        consultation.nomination = nomination
        consultation.recorded_by = request.user
        consultation.save()
        messages.success(
            request,
            _("已记录%(d)s意见。") % {"d": consultation.get_department_display()},
        )
        return redirect(f"{nomination.get_absolute_url()}#consultations")
    context = _nomination_context(request, nomination, consultation_form=form)
    return render(request, "candidates/nomination_detail.html", context, status=400)


@role_required(*WRITERS)
@require_POST
def assessment_add(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = _get_nomination_for_user(request, pk)
    form = AssessmentForm(request.POST)
    if nomination.status in (Status.WITHDRAWN, Status.DISQUALIFIED, Status.REJECTED):
        form.add_error(None, _("该推荐已结束，不能再记录考试考察。"))
    if form.is_valid():
        assessment = form.save(commit=False)
        assessment.nomination = nomination
        assessment.recorded_by = request.user
        assessment.save()
        messages.success(request, _("已记录%(k)s成绩。") % {"k": assessment.get_kind_display()})
        return redirect(f"{nomination.get_absolute_url()}#assessments")
    context = _nomination_context(request, nomination, assessment_form=form)
    return render(request, "candidates/nomination_detail.html", context, status=400)


@role_required(*WRITERS)
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = _get_nomination_for_user(request, pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        _save_attachment(nomination, form.cleaned_data["file"], request.user)
        messages.success(request, _("附件已上传。"))
        return redirect(f"{nomination.get_absolute_url()}#attachments")
    context = _nomination_context(request, nomination, attachment_form=form)
    return render(request, "candidates/nomination_detail.html", context, status=400)


@role_required(*READERS)
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    attachment = _get_attachment_for_user(request, pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(*COUNTY)
@require_http_methods(["GET", "POST"])
def enter_pool(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = _get_nomination_for_user(request, pk)
    form = EnterPoolForm(request.POST or None, nomination=nomination)
    if nomination.status != Status.APPROVED and request.method == "GET":
        messages.info(request, _("只有审查通过的推荐才能入库。"))
        return redirect(nomination)
    if form.is_valid():
        data = form.cleaned_data
        try:
            membership = actions.enter_pool(
                nomination,
                actor=request.user,
                expected_version=data["version"],
                category=data["category"],
                level=data["level"],
                readiness=data["readiness"],
                posts=list(data["posts"]),
                entered_on=data["entered_on"],
            )
        except actions.ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("%(name)s 已入后备干部库。") % {"name": nomination.person.name}
            )
            return redirect(membership)
    return _form_page(
        request,
        form,
        _("入库：%(name)s") % {"name": nomination.person.name},
        nomination.get_absolute_url(),
        intro=str(nomination),
    )


# --- /candidates/quotas/ ---------------------------------------------------------------------


@role_required(*READERS)
def quotas(request: HttpRequest) -> HttpResponse:
    """Each township leadership member's real-name recommendations this year, and who is behind."""
    user = request.user
    try:
        year = int(request.GET.get("year") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    policy = CandidatePolicy.load()
    leaders = (
        TownshipLeader.objects.in_scope(user)
        .current()
        .select_related("township")
        .annotate(
            done=Count(
                "nominations",
                filter=Q(nominations__year=year) & ~Q(nominations__status=Status.WITHDRAWN),
            )
        )
        .order_by("township__code", "pk")
    )
    rows = list(leaders)
    behind = [r for r in rows if r.done < policy.leader_quota_min]
    context = {
        "rows": rows,
        "behind": behind,
        "year": year,
        "policy": policy,
        "can_write": user.role in WRITERS,
    }
    return render(request, "candidates/quotas.html", context)


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def leader_create(request: HttpRequest) -> HttpResponse:
    form = TownshipLeaderForm(request.POST or None, user=request.user)
    if form.is_valid():
        leader = form.save()
        messages.success(request, _("已添加乡镇领导班子成员：%(l)s") % {"l": leader})
        return redirect("candidates:quotas")
    return _form_page(request, form, _("添加乡镇领导班子成员"), reverse("candidates:quotas"))


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def leader_edit(request: HttpRequest, pk: int) -> HttpResponse:
    leader = _get_leader_for_user(request, pk)
    form = TownshipLeaderForm(request.POST or None, user=request.user, instance=leader)
    if form.is_valid():
        form.save()
        messages.success(request, _("已保存：%(l)s") % {"l": leader})
        return redirect("candidates:quotas")
    return _form_page(request, form, _("修改乡镇领导班子成员"), reverse("candidates:quotas"))


# --- /candidates/checklists/ -----------------------------------------------------------------


@role_required(*READERS)
def checklist_list(request: HttpRequest) -> HttpResponse:
    checklists = Checklist.objects.annotate(used=Count("nominations")).order_by(
        "-effective_from", "-version"
    )
    current = Checklist.objects.in_force()
    items = list(current.items.all()) if current else []
    requirements = list(current.requirements.all()) if current else []
    requirements.sort(key=lambda r: POST_ORDER.get(r.post_kind, 99))
    context = {
        "checklists": checklists,
        "current": current,
        "qualifications": [i for i in items if i.kind == "qualification"],
        "negatives": [i for i in items if i.kind == "negative"],
        "requirements": requirements,
    }
    return render(request, "candidates/checklists.html", context)


@role_required(*COUNTY)
@require_http_methods(["GET", "POST"])
def checklist_new(request: HttpRequest) -> HttpResponse:
    form = ChecklistVersionForm(request.POST or None, current=Checklist.objects.in_force())
    if form.is_valid():
        data = form.cleaned_data
        checklist = actions.publish_checklist(
            title=data["title"],
            effective_from=data["effective_from"],
            qualifications=data["qualifications"],
            negatives=data["negatives"],
            requirements=form.requirements(),
            actor=request.user,
        )
        messages.success(
            request,
            _("已发布第%(v)s版，%(d)s起施行；此前录入的推荐仍按原版本审查。")
            % {"v": checklist.version, "d": checklist.effective_from},
        )
        return redirect("candidates:checklists")
    return _form_page(
        request,
        form,
        _("发布新版资格条件和负面清单"),
        reverse("candidates:checklists"),
        intro=_(
            "年龄、学历、党员身份（党组织岗位）和户籍四项由系统按下方岗位条件自动判定，始终包含在资格条件中。"
        ),
    )


# --- /candidates/pool/ -----------------------------------------------------------------------


def _pool_rows(request: HttpRequest):
    form = PoolFilterForm(request.GET, user=request.user)
    rows = form.filter(PoolMembership.objects.in_scope(request.user).active())
    rows = rows.select_related(
        "person__township", "person__village", "village__township", "nomination"
    ).order_by("village__township__code", "village__code", "category", "person__name_pinyin", "pk")
    return form, rows


@role_required(*READERS)
def pool(request: HttpRequest) -> HttpResponse:
    form, rows = _pool_rows(request)
    rows = rows.prefetch_related(Prefetch("posts", queryset=VillagePost.objects.order_by("kind")))
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "query": query_without_page(request)}
    return render(request, partial(request, "candidates/pool.html", "results"), context)


@role_required(*READERS)
def member_detail(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _get_membership_for_user(request, pk)
    history = (
        PoolMembership.objects.filter(person_id=membership.person_id)
        .select_related("village")
        .order_by("-entered_on")
    )
    context = {
        "membership": membership,
        "person": membership.person,
        "posts": list(membership.posts.order_by("kind", "seat")),
        "history": history,
        "can_write": request.user.role in WRITERS and membership.is_active,
    }
    return render(request, "candidates/member_detail.html", context)


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _get_membership_for_user(request, pk)
    form = MembershipForm(request.POST or None, instance=membership)
    if not membership.is_active:
        messages.info(request, _("已出库的记录不能修改。"))
        return redirect(membership)
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.update_membership(
                membership,
                actor=request.user,
                expected_version=data["version"],
                category=data["category"],
                level=data["level"],
                readiness=data["readiness"],
                posts=data["posts"],
            )
        except actions.ActionRefused as refused:
            form.add_error(None, refused.message)
        else:
            messages.success(request, _("已保存。"))
            return redirect(membership)
    return _form_page(
        request,
        form,
        _("修改后备信息：%(n)s") % {"n": membership.person.name},
        membership.get_absolute_url(),
    )


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def member_leave(request: HttpRequest, pk: int) -> HttpResponse:
    membership = _get_membership_for_user(request, pk)
    if not membership.is_active:
        messages.info(request, _("该人员已于%(d)s出库。") % {"d": membership.left_on})
        return redirect(membership)
    form = LeaveForm(request.POST or None, membership=membership)
    if form.is_valid():
        data = form.cleaned_data
        ask = confirm_first(
            request,
            title=_("确认出库：%(n)s") % {"n": membership.person.name},
            consequences=[
                _("%(n)s自%(d)s起离开后备干部库，原因：%(r)s；")
                % {
                    "n": membership.person.name,
                    "d": data["left_on"].isoformat(),
                    "r": LeaveReason(data["reason"]).label,
                },
                _("不再计入%(v)s岗位的一职双备后备人数。") % {"v": membership.village.name},
            ],
            back_url=membership.get_absolute_url(),
            button=_("确认出库"),
        )
        if ask is not None:
            return ask
        try:
            actions.leave_pool(
                membership,
                actor=request.user,
                left_on=form.cleaned_data["left_on"],
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except actions.ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("%(n)s 已出库。") % {"n": membership.person.name})
            return redirect(membership)
    return _form_page(
        request,
        form,
        _("出库：%(n)s") % {"n": membership.person.name},
        membership.get_absolute_url(),
        intro=_("能进能出：出库须写明时间和原因。"),
    )


# --- /candidates/coverage/ -------------------------------------------------------------------


@role_required(*READERS)
def coverage(request: HttpRequest) -> HttpResponse:
    """一职双备: county totals, a row per township (county) or per village (one township)."""
    user = request.user
    policy = CandidatePolicy.load()
    form = CoverageFilterForm(request.GET, user=user)
    township = form.cleaned_data.get("township") if form.is_valid() else None
    if user.is_township:
        township = user.township
    posts = VillagePost.objects.in_scope(user).with_coverage(policy)
    if township is not None:
        posts = posts.filter(village__township=township)
        rows = list(posts.coverage_summary("village_id", "village__code", "village__name"))
        level = "village"
    else:
        rows = list(
            posts.coverage_summary(
                "village__township_id", "village__township__code", "village__township__name"
            )
        )
        level = "township"
    context = {
        "form": form,
        "policy": policy,
        "township": township,
        "rows": rows,
        "level": level,
        "totals": posts.coverage_summary(),
        "can_edit_policy": user.is_county,
    }
    return render(request, "candidates/coverage.html", context)


@role_required(*READERS)
def shortfall(request: HttpRequest) -> HttpResponse:
    """The work list (工作清单): villages short of reserves, the largest gap first."""
    user = request.user
    policy = CandidatePolicy.load()
    form = CoverageFilterForm(request.GET, user=user)
    posts = VillagePost.objects.in_scope(user).with_coverage(policy)
    if form.is_valid() and form.cleaned_data.get("township"):
        posts = posts.filter(village__township=form.cleaned_data["township"])
    rows = (
        posts.coverage_summary(
            "village_id",
            "village__name",
            "village__township__name",
            "village__township__code",
            "village__code",
        )
        .filter(shortfall__gt=0)
        .order_by("-shortfall", "village__code")
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "policy": policy, "query": query_without_page(request)}
    return render(request, "candidates/shortfall.html", context)


@role_required(*READERS)
def village_detail(request: HttpRequest, pk: int) -> HttpResponse:
    village = _get_village_for_user(request, pk)
    policy = CandidatePolicy.load()
    today = timezone.localdate()
    posts = list(
        VillagePost.objects.filter(village=village)
        .with_coverage(policy, today)
        .prefetch_related(
            Prefetch(
                "incumbencies",
                queryset=Incumbency.objects.active(today).select_related("person"),
                to_attr="current",
            ),
            Prefetch(
                "reserves",
                queryset=PoolMembership.objects.active().select_related("person"),
                to_attr="active_reserves",
            ),
        )
    )
    posts.sort(key=lambda p: (POST_ORDER.get(p.kind, 99), p.seat))
    secretaries = {i.person_id for p in posts if p.kind == "secretary" for i in p.current}
    directors = {i.person_id for p in posts if p.kind == "director" for i in p.current}
    incumbents = [i.person for p in posts for i in p.current]
    ages = [p.age(today) for p in {x.pk: x for x in incumbents}.values()]
    unique = {x.pk: x for x in incumbents}.values()
    college = sum(1 for p in unique if p.education in codes.COLLEGE_OR_ABOVE)
    context = {
        "village": village,
        "posts": posts,
        "policy": policy,
        "one_shoulder": bool(secretaries & directors),
        "average_age": round(sum(ages) / len(ages), 1) if ages else None,
        "college_share": round(100 * college / len(ages)) if ages else None,
        "unassigned": PoolMembership.objects.active()
        .in_village(village)
        .filter(posts__isnull=True)
        .select_related("person"),
        "demands": village.demands.filter(is_open=True),
        "retiring_age": policy.retirement_watch_age,
        "can_write": request.user.role in WRITERS,
        "is_county": request.user.is_county,
    }
    return render(request, "candidates/village_detail.html", context)


@role_required(*COUNTY)
@require_http_methods(["GET", "POST"])
def policy_edit(request: HttpRequest) -> HttpResponse:
    policy = CandidatePolicy.load()
    form = PolicyForm(request.POST or None, instance=policy)
    if form.is_valid():
        form.save()
        messages.success(request, _("已保存后备干部工作设置。"))
        return redirect("candidates:coverage")
    return _form_page(request, form, _("后备干部工作设置"), reverse("candidates:coverage"))


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def post_create(request: HttpRequest, pk: int) -> HttpResponse:
    village = _get_village_for_user(request, pk)
    form = VillagePostForm(request.POST or None, village=village)
    if not request.user.is_county:
        del form.fields["reserves_required"]
    if form.is_valid():
        post = form.save()
        messages.success(request, _("已添加岗位：%(p)s") % {"p": post})
        return redirect("candidates:village", village.pk)
    return _form_page(
        request,
        form,
        _("%(v)s：添加岗位") % {"v": village.name},
        reverse("candidates:village", args=[village.pk]),
    )


@role_required(*COUNTY)
@require_http_methods(["GET", "POST"])
def post_edit(request: HttpRequest, pk: int) -> HttpResponse:
    post = _get_post_for_user(request, pk)
    form = PostRequirementForm(request.POST or None, instance=post)
    if form.is_valid():
        form.save()
        messages.success(request, _("已保存。"))
        return redirect("candidates:village", post.village_id)
    return _form_page(
        request,
        form,
        _("%(v)s %(p)s：后备人数") % {"v": post.village.name, "p": post},
        reverse("candidates:village", args=[post.village_id]),
        intro=_("留空表示按全县统一标准（一职双备）。"),
    )


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def appoint(request: HttpRequest, pk: int) -> HttpResponse:
    post = _get_post_for_user(request, pk)
    picked = _picked_person(request) if request.method == "GET" else None
    initial = {"started_on": timezone.localdate(), "person": picked}
    form = AppointForm(request.POST or None, user=request.user, initial=initial)
    if form.is_valid():
        data = form.cleaned_data
        ask = confirm_first(
            request,
            title=_("确认任职：%(n)s") % {"n": data["person"].name},
            consequences=post.appointment_consequences(
                data["person"],
                data["started_on"],
                end_reason=data["previous_end_reason"],
                ends_other_posts=False,
            ),
            back_url=reverse("candidates:village", args=[post.village_id]),
            button=_("确认任职"),
        )
        if ask is not None:
            return ask
        try:
            actions.appoint(
                post,
                data["person"],
                actor=request.user,
                started_on=data["started_on"],
                term_end=data.get("term_end"),
                appointed_how=data["appointed_how"],
                previous_end_reason=data["previous_end_reason"],
            )
        except actions.ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request, _("已任命：%(n)s 任 %(p)s") % {"n": data["person"].name, "p": post}
            )
            return redirect("candidates:village", post.village_id)
    if form.is_bound and "person" not in form.errors:
        picked = form.cleaned_data.get("person")
    q = request.GET.get("q", "").strip()[:50]
    return _form_page(
        request,
        form,
        _("%(v)s %(p)s：任职") % {"v": post.village.name, "p": post},
        reverse("candidates:village", args=[post.village_id]),
        picker=True,
        q=q,
        people=_people_found(request, q),
        picked=picked,
    )


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def incumbency_end(request: HttpRequest, pk: int) -> HttpResponse:
    incumbency = _get_incumbency_for_user(request, pk)
    form = EndIncumbencyForm(request.POST or None, incumbency=incumbency)
    if form.is_valid():
        try:
            actions.end_incumbency(
                incumbency,
                actor=request.user,
                ended_on=form.cleaned_data["ended_on"],
                reason=form.cleaned_data["reason"],
            )
        except actions.ActionRefused as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("已记录离任。"))
            return redirect("candidates:village", incumbency.post.village_id)
    return _form_page(
        request,
        form,
        _("离任：%(n)s（%(p)s）") % {"n": incumbency.person.name, "p": incumbency.post},
        reverse("candidates:village", args=[incumbency.post.village_id]),
    )


# --- /candidates/outreach/ -------------------------------------------------------------------


@role_required(*READERS)
def outreach(request: HttpRequest) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    events = (
        OutreachEvent.objects.in_scope(user)
        .select_related("township")
        .annotate(attendees=Count("contacts"))
        .order_by("-held_on", "-pk")[:20]
    )
    due = (
        OutreachContact.objects.in_scope(user)
        .follow_ups_due(today)
        .select_related("person", "township")
        .order_by("follow_up_on", "pk")[:50]
    )
    per_township = None
    if not user.is_township:
        per_township = (
            Township.objects.in_scope(user)
            .annotate(
                event_count=Count("outreach_events", distinct=True),
            )
            .order_by("code")
        )
        contacts = dict(
            OutreachContact.objects.values_list("township_id")
            .annotate(n=Count("pk"))
            .values_list("township_id", "n")
        )
        positive = dict(
            OutreachContact.objects.filter(response__in=POSITIVE_RESPONSES)
            .values_list("township_id")
            .annotate(n=Count("person_id", distinct=True))
            .values_list("township_id", "n")
        )
        returned = dict(
            Homecoming.objects.values_list("township_id")
            .annotate(n=Count("pk"))
            .values_list("township_id", "n")
        )
        per_township = [
            (t, t.event_count, contacts.get(t.pk, 0), positive.get(t.pk, 0), returned.get(t.pk, 0))
            for t in per_township
        ]
    context = {
        "events": events,
        "due": due,
        "per_township": per_township,
        "can_write": user.role in WRITERS,
    }
    return render(request, "candidates/outreach.html", context)


@role_required(*READERS)
def prospects(request: HttpRequest) -> HttpResponse:
    """Promising out-migrants nobody has contacted yet: young, educated or party members, and
    not unwilling to return."""
    user = request.user
    today = timezone.localdate()
    from candidates.models import years_before

    people = (
        Person.objects.in_scope(user)
        .filter(residence=Residence.AWAY, birth_date__gt=years_before(today, 41))
        .filter(
            Q(education__in=codes.COLLEGE_OR_ABOVE)
            | Q(political_status__in=codes.PARTY_MEMBER)
            | Q(is_veteran=True)
            | Q(village_post_intention__in=["willing", "interested"])
        )
        .exclude(return_intention="unwilling")
        .exclude(Exists(OutreachContact.objects.filter(person_id=OuterRef("pk"))))
        .select_related("township", "village")
        .order_by("township__code", "village__code", "-birth_date", "pk")
    )
    township_id = request.GET.get("township")
    if township_id and township_id.isdigit() and not user.is_township:
        people = people.filter(township_id=township_id)
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "townships": Township.objects.in_scope(user) if not user.is_township else None,
        "township_id": township_id,
        "query": query_without_page(request),
        "can_write": user.role in WRITERS,
    }
    return render(request, "candidates/prospects.html", context)


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def outreach_event_create(request: HttpRequest) -> HttpResponse:
    form = OutreachEventForm(request.POST or None, user=request.user)
    if form.is_valid():
        event = form.save(commit=False)
        event.created_by = request.user
        event.save()
        messages.success(request, _("已记录活动。请添加参会人员。"))
        return redirect(event)
    return _form_page(request, form, _("记录回引活动"), reverse("candidates:outreach"))


@role_required(*READERS)
@require_http_methods(["GET", "POST"])
def outreach_event(request: HttpRequest, pk: int) -> HttpResponse:
    event = _get_event_for_user(request, pk)
    can_write = request.user.role in WRITERS
    if request.method == "POST" and not can_write:
        raise PermissionDenied
    picked = _picked_person(request) if request.method == "GET" and can_write else None
    form = None
    if can_write:
        form = ContactForm(
            request.POST or None, user=request.user, event=event, initial={"person": picked}
        )
    if request.method == "POST" and form.is_valid():
        contact = form.save(commit=False)
        contact.created_by = request.user
        contact.save()
        messages.success(request, _("已添加参会人员：%(n)s") % {"n": contact.person.name})
        return redirect(event)
    if form is not None and form.is_bound and "person" not in form.errors:
        picked = form.cleaned_data.get("person")
    q = request.GET.get("q", "").strip()[:50]
    context = {
        "event": event,
        "contacts": event.contacts.select_related("person__village").order_by("pk"),
        "form": form,
        "q": q,
        "people": _people_found(request, q) if can_write else [],
        "picked": picked,
        "can_write": can_write,
    }
    return render(request, "candidates/outreach_event.html", context)


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def contact_create(request: HttpRequest) -> HttpResponse:
    picked = _picked_person(request) if request.method == "GET" else None
    form = ContactForm(request.POST or None, user=request.user, initial={"person": picked})
    if form.is_valid():
        contact = form.save(commit=False)
        contact.created_by = request.user
        contact.save()
        messages.success(request, _("已记录走访：%(n)s") % {"n": contact.person.name})
        return redirect("candidates:outreach")
    if form.is_bound and "person" not in form.errors:
        picked = form.cleaned_data.get("person")
    q = request.GET.get("q", "").strip()[:50]
    return _form_page(
        request,
        form,
        _("记录走访联系"),
        reverse("candidates:outreach"),
        picker=True,
        q=q,
        people=_people_found(request, q),
        picked=picked,
    )


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _get_contact_for_user(request, pk)
    form = ContactUpdateForm(request.POST or None, instance=contact)
    if form.is_valid():
        form.save()
        messages.success(request, _("已保存。"))
        return redirect("candidates:outreach")
    return _form_page(
        request,
        form,
        _("跟进：%(n)s（%(d)s %(k)s）")
        % {"n": contact.person.name, "d": contact.contacted_on, "k": contact.get_kind_display()},
        reverse("candidates:outreach"),
    )


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def homecoming_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request, pk)
    form = HomecomingForm(request.POST or None, initial={"returned_on": timezone.localdate()})
    if form.is_valid():
        actions.record_homecoming(
            person,
            actor=request.user,
            returned_on=form.cleaned_data["returned_on"],
            plan=form.cleaned_data["plan"],
        )
        messages.success(request, _("已记录 %(n)s 返乡。") % {"n": person.name})
        return redirect(person)
    return _form_page(
        request, form, _("记录返乡：%(n)s") % {"n": person.name}, person.get_absolute_url()
    )


# --- /candidates/assemblies/ -----------------------------------------------------------------


@role_required(*READERS)
def assembly_list(request: HttpRequest) -> HttpResponse:
    rows = (
        Assembly.objects.in_scope(request.user)
        .select_related("village__township")
        .annotate(candidate_count=Count("candidates"))
        .order_by("-held_on", "-pk")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "can_write": request.user.role in WRITERS}
    return render(request, "candidates/assembly_list.html", context)


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def assembly_create(request: HttpRequest) -> HttpResponse:
    form = AssemblyForm(request.POST or None, user=request.user)
    if form.is_valid():
        assembly = form.save(commit=False)
        assembly.created_by = request.user
        assembly.save()
        messages.success(request, _("已记录公推公选大会。请添加候选人及得票。"))
        return redirect(assembly)
    return _form_page(request, form, _("记录公推公选大会"), reverse("candidates:assemblies"))


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def assembly_edit(request: HttpRequest, pk: int) -> HttpResponse:
    assembly = _get_assembly_for_user(request, pk)
    form = AssemblyForm(request.POST or None, user=request.user, instance=assembly)
    if form.is_valid():
        form.save()
        messages.success(request, _("已保存。"))
        return redirect(assembly)
    return _form_page(request, form, _("修改公推公选大会"), assembly.get_absolute_url())


@role_required(*READERS)
@require_http_methods(["GET", "POST"])
def assembly_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assembly = _get_assembly_for_user(request, pk)
    can_write = request.user.role in WRITERS
    if request.method == "POST" and not can_write:
        raise PermissionDenied
    form = AssemblyCandidateForm(request.POST or None, assembly=assembly) if can_write else None
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("已添加候选人。"))
        return redirect(assembly)
    context = {
        "assembly": assembly,
        "candidates": assembly.candidates.select_related("nomination__person").order_by(
            "-votes", "pk"
        ),
        "form": form,
        "minimum": CandidatePolicy.load().min_assembly_representatives,
        "can_write": can_write,
    }
    return render(request, "candidates/assembly_detail.html", context)


# --- /candidates/demands/ --------------------------------------------------------------------


@role_required(*READERS)
def demand_list(request: HttpRequest) -> HttpResponse:
    rows = (
        VillageDemand.objects.in_scope(request.user)
        .select_related("village__township", "post")
        .order_by("-is_open", "village__code", "-created_at")
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "can_write": request.user.role in WRITERS}
    return render(request, "candidates/demand_list.html", context)


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def demand_create(request: HttpRequest) -> HttpResponse:
    initial = {}
    village_id = request.GET.get("village")
    if village_id and village_id.isdigit():
        initial["village"] = village_id
    form = DemandForm(request.POST or None, user=request.user, initial=initial)
    if form.is_valid():
        demand = form.save(commit=False)
        demand.created_by = request.user
        demand.save()
        messages.success(request, _("已记录村级需求，下方为匹配的人选。"))
        return redirect(demand)
    return _form_page(request, form, _("登记村级需求"), reverse("candidates:demands"))


@role_required(*WRITERS)
@require_http_methods(["GET", "POST"])
def demand_edit(request: HttpRequest, pk: int) -> HttpResponse:
    demand = _get_demand_for_user(request, pk)
    form = DemandForm(request.POST or None, user=request.user, instance=demand)
    if form.is_valid():
        form.save()
        messages.success(request, _("已保存。"))
        return redirect(demand)
    return _form_page(request, form, _("修改村级需求"), demand.get_absolute_url())


@role_required(*READERS)
def demand_detail(request: HttpRequest, pk: int) -> HttpResponse:
    demand = _get_demand_for_user(request, pk)
    context = {
        "demand": demand,
        "suggestions": matching.suggest(demand, request.user),
        "hard": matching.hard_requirements(demand),
        "can_write": request.user.role in WRITERS,
    }
    return render(request, "candidates/demand_detail.html", context)
