from __future__ import annotations

from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from pghistory.models import MiddlewareEvents

from talentpool import timeline
from talentpool.access import REGISTRY_READERS, REGISTRY_WRITERS, get_person_for_user, role_required
from talentpool.forms import AuditFilterForm, PersonForm, RegistryFilterForm, StaleEdit
from talentpool.models import Person, Role, Township, User

PAGE_SIZE = 25


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context: dict = {}
    if user.role in REGISTRY_READERS:
        townships = (
            Township.objects.in_scope(user)
            .annotate(
                people_count=Count("people"),
                returned=Count("people", filter=Q(people__residence="returned")),
                willing=Count("people", filter=Q(people__village_post_intention="willing")),
            )
            .order_by("code")
        )
        context["townships"] = townships
        context["total"] = sum(t.people_count for t in townships)
    return render(request, "talentpool/home.html", context)


# --- /registry/ ------------------------------------------------------------------------------


@role_required(*REGISTRY_READERS)
def registry_list(request: HttpRequest) -> HttpResponse:
    form = RegistryFilterForm(request.GET, user=request.user)
    people = form.filter(Person.objects.in_scope(request.user)).select_related(
        "township", "village"
    )
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "query": _query_without_page(request)}
    template = "talentpool/registry_list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(request, template, context)


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@role_required(*REGISTRY_READERS)
def registry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request, pk)
    context = {"person": person, "timeline": timeline.entries_for(person)}
    return render(request, "talentpool/person_detail.html", context)


@role_required(*REGISTRY_WRITERS)
@require_http_methods(["GET", "POST"])
def registry_create(request: HttpRequest) -> HttpResponse:
    form = PersonForm(request.POST or None, user=request.user)
    if form.is_valid():
        person = form.save()
        messages.success(request, _("已登记：%(name)s") % {"name": person.name})
        return redirect(person)
    return render(request, "talentpool/person_form.html", {"form": form})


@role_required(*REGISTRY_WRITERS)
@require_http_methods(["GET", "POST"])
def registry_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request, pk)
    form = PersonForm(request.POST or None, user=request.user, instance=person)
    if form.is_valid():
        try:
            form.save()
        except StaleEdit:
            form.add_error(
                None,
                _("保存失败：该记录刚被他人修改。您填写的内容保留在下方，请核对最新内容后再提交。"),
            )
        else:
            messages.success(request, _("已保存：%(name)s") % {"name": person.name})
            return redirect(person)
    current = Person.objects.get(pk=person.pk) if form.errors else None
    return render(
        request, "talentpool/person_form.html", {"form": form, "person": person, "current": current}
    )


# --- /audit/ ---------------------------------------------------------------------------------


@role_required(Role.AUDITOR)
def audit_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET)
    events = MiddlewareEvents.objects.order_by("-pgh_created_at")
    if form.is_valid():
        data = form.cleaned_data
        if data["model"]:
            events = events.filter(pgh_obj_model=data["model"])
        if data["object_id"]:
            events = events.filter(pgh_obj_id=str(data["object_id"]))
        if data["username"]:
            user_ids = User.objects.filter(username=data["username"]).values_list("pk", flat=True)
            events = events.filter(pgh_context__user__in=list(user_ids))
        if data["label"]:
            events = events.filter(pgh_label=data["label"])
        tz = timezone.get_current_timezone()
        if data["start"]:
            events = events.filter(
                pgh_created_at__gte=datetime.combine(data["start"], time.min, tzinfo=tz)
            )
        if data["end"]:
            events = events.filter(
                pgh_created_at__lte=datetime.combine(data["end"], time.max, tzinfo=tz)
            )
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    actors = User.objects.in_bulk(
        {e.pgh_context["user"] for e in page if e.pgh_context and e.pgh_context.get("user")}
    )
    for event in page:
        context = event.pgh_context or {}
        event.actor = actors.get(context.get("user"))
        event.source = context.get("url") or context.get("command") or ""
    context = {"form": form, "page": page, "query": _query_without_page(request)}
    return render(request, "talentpool/audit_list.html", context)
