from __future__ import annotations

from datetime import datetime, time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import loader
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_http_methods, require_POST
from pghistory.models import MiddlewareEvents

from talentpool import exports, jobs, timeline
from talentpool.access import (
    REGISTRY_READERS,
    REGISTRY_WRITERS,
    get_export_for_user,
    get_person_for_user,
    role_required,
)
from talentpool.forms import (
    AccessLogFilterForm,
    AuditFilterForm,
    ExportDecisionForm,
    ExportRequestForm,
    LoginForm,
    PasswordChangeForm,
    PersonForm,
    RegistryFilterForm,
    RevealForm,
    StaleEdit,
    TokenForm,
)
from talentpool.models import (
    BUSINESS_ROLES,
    AccessLog,
    ExportRequest,
    Person,
    Role,
    Township,
    User,
)
from talentpool.pages import query_without_page
from talentpool.security import reveal

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
    if user.role == Role.SYSADMIN:
        context["workers"] = jobs.worker_status()
    return render(request, "talentpool/home.html", context)


# --- /registry/ ------------------------------------------------------------------------------


@role_required(*REGISTRY_READERS)
def registry_list(request: HttpRequest) -> HttpResponse:
    form = RegistryFilterForm(request.GET, user=request.user)
    people = form.filter(Person.objects.in_scope(request.user)).select_related(
        "township", "village"
    )
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "query": query_without_page(request)}
    template = "talentpool/registry_list.html"
    if request.htmx and not request.htmx.boosted:
        template += "#results"
    return render(request, template, context)


@role_required(*REGISTRY_READERS)
def registry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request, pk)
    context = {
        "person": person,
        "timeline": timeline.entries_for(person),
        "record_url": timeline.printable_record_url(person),
    }
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
    context = {"form": form, "page": page, "query": query_without_page(request)}
    return render(request, "talentpool/audit_list.html", context)


@role_required(Role.AUDITOR)
def access_log(request: HttpRequest) -> HttpResponse:
    """The personal-data access log, for the auditor; identifiers in it are masked."""
    form = AccessLogFilterForm(request.GET)
    rows = AccessLog.objects.select_related("person").order_by("-created_at", "-id")
    if form.is_valid():
        data = form.cleaned_data
        if data["username"]:
            rows = rows.filter(username=data["username"])
        if data["action"]:
            rows = rows.filter(action=data["action"])
        if data["person"]:
            rows = rows.filter(person_id=data["person"])
        tz = timezone.get_current_timezone()
        if data["start"]:
            rows = rows.filter(created_at__gte=datetime.combine(data["start"], time.min, tzinfo=tz))
        if data["end"]:
            rows = rows.filter(created_at__lte=datetime.combine(data["end"], time.max, tzinfo=tz))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "query": query_without_page(request)}
    return render(request, "talentpool/access_log.html", context)


# --- /accounts/ ------------------------------------------------------------------------------


def login(request: HttpRequest) -> HttpResponse:
    view = auth_views.LoginView.as_view(
        template_name="talentpool/login.html",
        authentication_form=LoginForm,
        extra_context={"require_2fa": settings.REQUIRE_2FA},
    )
    return view(request)


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = PasswordChangeForm(user, request.POST or None)
    if form.is_valid():
        user = form.save(commit=False)
        user.must_change_password = False
        user.save()
        update_session_auth_hash(request, user)
        messages.success(request, _("密码已修改。"))
        return redirect("home")
    if request.method == "GET":
        if user.must_change_password:
            messages.warning(request, _("您的密码由管理员设置，请先设置只有您自己知道的新密码。"))
        elif user.password_expired():
            messages.warning(
                request,
                _("您的密码已使用超过%(d)s天，请设置新密码。")
                % {"d": settings.PASSWORD_MAX_AGE.days},
            )
    return render(request, "registration/password_change.html", {"form": form})


def _otp_required(view):
    """Signed in, and a role that uses the second factor."""

    @login_required
    def wrapped(request: HttpRequest, *args, **kwargs):
        if not request.user.needs_second_factor:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _next_url(request: HttpRequest) -> str:
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return settings.LOGIN_REDIRECT_URL


@_otp_required
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    """Bind an authenticator app (TOTP): scan the QR code, type the code it shows."""
    from django_otp import login as otp_login
    from django_otp import user_has_device
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = request.user
    if user_has_device(user):
        return redirect("otp_verify")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("手机验证器"), confirmed=False)
    form = TokenForm(request.POST or None)
    if form.is_valid() and not device.verify_is_allowed()[0]:
        form.add_error("token", _("尝试过于频繁，请稍候片刻再输入。"))
    elif form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            messages.success(request, _("已绑定手机验证器。以后每次登录都需输入验证码。"))
            return redirect(_next_url(request))
        form.add_error("token", _("验证码不正确，请核对手机时间后重试。"))
    from base64 import b32encode

    context = {
        "form": form,
        "secret": b32encode(device.bin_key).decode(),
        "next": _next_url(request),
    }
    return render(request, "registration/otp_setup.html", context)


@_otp_required
def otp_qr(request: HttpRequest) -> HttpResponse:
    """The QR code of the user's authenticator being set up, as SVG (never for a bound one)."""
    import qrcode
    import qrcode.image.svg
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        raise Http404
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage)
    response = HttpResponse(image.to_string(), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response


@_otp_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    from django_otp import login as otp_login
    from django_otp import match_token, user_has_device

    if not user_has_device(request.user):
        return redirect("otp_setup")
    form = TokenForm(request.POST or None)
    if form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next_url(request))
        form.add_error("token", _("验证码不正确或已使用，请等待下一个验证码。"))
    return render(
        request, "registration/otp_verify.html", {"form": form, "next": _next_url(request)}
    )


# --- /security/ ------------------------------------------------------------------------------


@role_required(*BUSINESS_ROLES)
@require_POST
def reveal_person(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one person's full ID number and phone for a while, after a reason (logged)."""
    person = get_person_for_user(request, pk)
    if not request.user.can_view_personal_data:
        raise PermissionDenied
    form = RevealForm(request.POST)
    if form.is_valid():
        reveal(request, person, form.reason_text())
    elif not request.htmx:
        messages.error(request, _("请选择查看事由。"))
    if request.htmx:
        context = {"person": person, "reveal_form": form}
        return render(request, "talentpool/person_detail.html#identifiers", context)
    return redirect(_next_url(request) if request.POST.get("next") else person)


@role_required(*BUSINESS_ROLES)
@require_http_methods(["GET", "POST"])
def export_new(request: HttpRequest) -> HttpResponse:
    """Ask for an export: ?kind=<registered kind>&<that list's filters> (kind defaults to the
    registry)."""
    kind = request.GET.get("kind") or "registry"
    spec = exports.KINDS.get(kind)
    if spec is None:
        raise Http404
    if not spec.allows(request.user):
        raise PermissionDenied
    params = exports.params_from_query(request.GET)
    # The approver must read the scope that will be exported: filters outside the requester's
    # scope are refused here, before anything is described, counted or filed.
    scope_errors = exports.scope_errors(spec, request.user, params)
    if scope_errors:
        context = {"spec": spec, "scope_errors": scope_errors}
        return render(request, "talentpool/export_new.html", context, status=400)
    form = ExportRequestForm(request.POST or None)
    if form.is_valid():
        exports.request_export(request, kind, params, form.cleaned_data["reason"])
        messages.info(request, _("导出申请已提交，须由另一位县委组织部干部审批后方可下载。"))
        return redirect("security:exports")
    context = {
        "form": form,
        "spec": spec,
        "params_text": spec.describe(params) if spec.describe else "",
        "row_count": spec.count(request.user, params),
    }
    return render(request, "talentpool/export_new.html", context)


@role_required(*BUSINESS_ROLES)
def export_list(request: HttpRequest) -> HttpResponse:
    exports.expire_stale()
    rows = ExportRequest.objects.visible_to(request.user).select_related(
        "requested_by", "decided_by", "township"
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "query": query_without_page(request)}
    return render(request, "talentpool/export_list.html", context)


@role_required(Role.COUNTY)
@require_POST
def export_decide(request: HttpRequest, pk: int) -> HttpResponse:
    export = get_export_for_user(request, pk)
    form = ExportDecisionForm(request.POST)
    if form.is_valid():
        approve = form.cleaned_data["decision"] == "approve"
        if exports.decide_export(request, export, approve=approve, note=form.cleaned_data["note"]):
            messages.success(request, _("已批准。") if approve else _("已驳回。"))
        elif export.requested_by_id == request.user.pk:
            messages.warning(request, _("不能审批自己的导出申请，须由另一位县委组织部干部审批。"))
        else:
            messages.warning(request, _("该申请已处理。"))
    return redirect("security:exports")


@role_required(*BUSINESS_ROLES)
@require_POST
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    export = get_export_for_user(request, pk)
    response = exports.download(request, export)
    if response is None:
        messages.error(request, _("该导出不能下载：未批准、已下载过或已超过有效期。"))
        return redirect("security:exports")
    return response


# --- Error pages -----------------------------------------------------------------------------
# Rendered without the request where the database may be the cause (500): the layout's context
# processors need it.


@requires_csrf_token
def bad_request(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "400.html", status=400)


@requires_csrf_token
def permission_denied(request: HttpRequest, exception=None) -> HttpResponse:
    from talentpool.lookup import LookupThrottled

    if isinstance(exception, LookupThrottled):
        # An htmx fragment gets the alert alone (static/js/app.js shows it in place).
        htmx = request.headers.get("HX-Request") == "true"
        template = "429.html#alert" if htmx else "429.html"
        return render(request, template, {"message": exception.message}, status=429)
    return render(request, "403.html", status=403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception=None) -> HttpResponse:
    return render(request, "404.html", status=404)


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    import sys

    from talentpool.middleware import fault_response

    exception = sys.exc_info()[1]
    if exception is not None:
        response = fault_response(request, exception)
        if response is not None:
            return response
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(
        request,
        "403.html",
        {"message": _("页面已过期或来源不明（CSRF校验失败）。请刷新页面后重新提交。")},
        status=403,
    )
