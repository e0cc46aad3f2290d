"""Django admin, for the two administrator roles only, split by duty (三权分立):

- the system administrator (sysadmin) keeps accounts (creates them, edits names and contact
  details, disables them) and the places;
- the security administrator (secadmin) grants rights: a user's role, township and the right to
  see full personal data - for anyone but themself;
- a password or second-factor reset is asked for by one of the two and approved by the other
  (AccountRequest, talentpool.actions): no administrator sets another account's password or
  removes its authenticator alone, and no page shows a password hash;
- the auditor reads the audit pages of the app and has no admin access.

Access follows the role, not Django's per-model permissions, so no account can be given a
right here that its role does not carry. Nobody is a superuser in daily use.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import UserChangeForm as BaseUserChangeForm
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin
from import_export.forms import SelectableFieldsExportForm

from talentpool.actions import (
    approve_account_request,
    reject_account_request,
    request_account_action,
)
from talentpool.models import (
    ACCOUNT_REQUEST_ROLES,
    BUSINESS_ROLES,
    AccountRequest,
    County,
    LoginLockout,
    Role,
    Township,
    User,
    Village,
)
from talentpool.resources import CountyResource, TownshipResource, VillageResource

admin.site.site_header = _("人才苗圃 系统管理")
admin.site.site_title = _("人才苗圃")
admin.site.index_title = _("系统管理")

ADMIN_SITE_ROLES = frozenset({Role.SYSADMIN, Role.SECADMIN})


def _admin_site_permission(request) -> bool:
    user = request.user
    return user.is_active and user.is_staff and user.role in ADMIN_SITE_ROLES


admin.site.has_permission = _admin_site_permission
# One sign-in page for everyone (with the lockout and the second factor): the app's own.
admin.site.login = login_required(admin.site.login)

# Not managed here: groups are unused (rights follow the role); the authenticator devices hold
# secret keys (a reset is an AccountRequest approved by a second administrator).
for model in (Group,):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
try:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if admin.site.is_registered(TOTPDevice):
        admin.site.unregister(TOTPDevice)
except ImportError:  # pragma: no cover
    TOTPDevice = None
for model in list(admin.site._registry):
    if model._meta.app_label == "axes":
        admin.site.unregister(model)


class RoleAdminMixin:
    """Admin rights by role: `view_roles`, `change_roles`, `add_roles`, `delete_roles`."""

    view_roles: frozenset = frozenset({Role.SYSADMIN})
    change_roles: frozenset = frozenset({Role.SYSADMIN})
    add_roles: frozenset = frozenset({Role.SYSADMIN})
    delete_roles: frozenset = frozenset()

    def _role_in(self, request, roles) -> bool:
        return _admin_site_permission(request) and request.user.role in roles

    def has_module_permission(self, request) -> bool:
        return self._role_in(request, self.view_roles | self.change_roles)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._role_in(request, self.view_roles | self.change_roles)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._role_in(request, self.change_roles)

    def has_add_permission(self, request) -> bool:
        return self._role_in(request, self.add_roles)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._role_in(request, self.delete_roles)

    def has_import_permission(self, request) -> bool:
        return self._role_in(request, self.add_roles)

    def has_export_permission(self, request) -> bool:
        return self._role_in(request, self.view_roles)


class ChineseExportForm(SelectableFieldsExportForm):
    """django-import-export labels the export's field boxes with the attribute names, title-
    cased ("Reserves Required"); these are the model's Chinese names, with the file's column
    header after them."""

    def _get_field_label(self, resource, field_name: str) -> str:
        field = resource.fields.get(field_name)
        column = field.column_name if field else field_name
        attribute = (field.attribute if field else None) or field_name
        try:
            label = resource._meta.model._meta.get_field(attribute).verbose_name
        except FieldDoesNotExist:
            label = column
        return f"{label}（{column}）"


class ChineseImportExportModelAdmin(ImportExportModelAdmin):
    export_form_class = ChineseExportForm


@admin.register(County)
class CountyAdmin(RoleAdminMixin, ChineseImportExportModelAdmin):
    resource_classes = [CountyResource]
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Township)
class TownshipAdmin(RoleAdminMixin, ChineseImportExportModelAdmin):
    resource_classes = [TownshipResource]
    list_display = ["code", "name", "county"]
    list_filter = ["county"]
    search_fields = ["code", "name"]


@admin.register(Village)
class VillageAdmin(RoleAdminMixin, ChineseImportExportModelAdmin):
    resource_classes = [VillageResource]
    list_display = ["code", "name", "township"]
    list_filter = ["township"]
    list_select_related = ["township"]
    search_fields = ["code", "name"]


@admin.register(LoginLockout)
class LoginLockoutAdmin(RoleAdminMixin, admin.ModelAdmin):
    """Failed sign-ins and lockouts; the security administrator unlocks by deleting a row."""

    view_roles = frozenset({Role.SECADMIN})
    change_roles = frozenset()
    add_roles = frozenset()
    delete_roles = frozenset({Role.SECADMIN})
    list_display = ["username", "ip_address", "failures_since_start", "attempt_time"]
    search_fields = ["username", "ip_address"]
    readonly_fields = ["username", "ip_address", "user_agent", "failures_since_start"]
    exclude = ["get_data", "post_data", "http_accept", "path_info"]


class UserChangeForm(BaseUserChangeForm):
    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if (
            "role" in self.changed_data
            and role in BUSINESS_ROLES
            and self.instance.must_change_password
        ):
            # The administrator who made the account knows its first password: a role that
            # sees residents' data waits until the user has replaced it.
            self.add_error(
                "role",
                _("该账号仍在使用管理员设置的初始口令，须本人首次登录修改密码后才能分配业务角色。"),
            )
        return cleaned


ACCOUNT_FIELDS = ["username", "last_name", "first_name", "title", "phone", "email", "is_active"]
RIGHTS_FIELDS = ["role", "township", "user_permissions"]
RECORD_FIELDS = ["last_login", "date_joined", "password_changed_at", "must_change_password"]


@admin.register(User)
class UserAdmin(RoleAdminMixin, BaseUserAdmin):
    view_roles = frozenset({Role.SYSADMIN, Role.SECADMIN})
    change_roles = frozenset({Role.SYSADMIN, Role.SECADMIN})
    add_roles = frozenset({Role.SYSADMIN})
    form = UserChangeForm
    list_display = ["username", "full_name", "role", "township", "is_active", "last_login"]
    list_filter = ["role", "township", "is_active"]
    list_select_related = ["township"]
    search_fields = ["username", "last_name", "first_name"]
    filter_horizontal = ["user_permissions"]
    fieldsets = (
        (None, {"fields": ["username", "password_state"]}),
        (_("个人信息"), {"fields": ["last_name", "first_name", "title", "phone", "email"]}),
        (_("账号状态"), {"fields": ["is_active", *RECORD_FIELDS]}),
        (_("角色与权限（安全管理员设置）"), {"fields": RIGHTS_FIELDS}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "username",
                    "password1",
                    "password2",
                    "last_name",
                    "first_name",
                    "title",
                    "phone",
                ],
            },
        ),
    )

    def has_change_permission(self, request, obj=None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        # Nobody grants rights to themself; the security administrator's own record is
        # read-only to them.
        return not (
            obj is not None and obj.pk == request.user.pk and request.user.role == Role.SECADMIN
        )

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        if obj is None:
            return []
        # must_change_password is set by the flows only (a new account, an approved reset):
        # clearing it would let the administrator who knows the first password keep it.
        readonly = [
            "password_state",
            "last_login",
            "date_joined",
            "password_changed_at",
            "must_change_password",
        ]
        if request.user.role == Role.SECADMIN:
            return [*readonly, "username", *ACCOUNT_FIELDS[1:]]
        return [*readonly, *RIGHTS_FIELDS]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "user_permissions":
            # The one right granted per person; everything else follows the role.
            kwargs["queryset"] = Permission.objects.filter(
                content_type__app_label="talentpool", codename="view_personal_data"
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj: User, form, change: bool) -> None:
        if not change:
            # The system administrator makes the account; the security administrator gives it a
            # role. Until then it can sign in and change its password, nothing more.
            obj.role = Role.UNASSIGNED
            obj.must_change_password = True
        obj.is_superuser = False
        obj.is_staff = obj.role in ADMIN_SITE_ROLES
        super().save_model(request, obj, form, change)

    @admin.display(description=_("姓名"), ordering="last_name")
    def full_name(self, obj: User) -> str:
        return obj.get_full_name()

    @admin.display(description=_("密码"))
    def password_state(self, obj: User) -> str:
        # Never the hash, nor its algorithm or salt: only whether a password is set.
        if not obj.has_usable_password():
            return _("未设置")
        if obj.must_change_password:
            return _("管理员发放的一次性口令，本人首次登录时须修改")
        return _("已由本人设置（重置须提交“账号操作申请”，由另一名管理员审批）")

    def user_change_password(self, request, id, form_url=""):
        # Nobody sets another account's password here: a reset is an AccountRequest that a
        # second administrator approves.
        raise PermissionDenied

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(AccountRequest)
class AccountRequestAdmin(RoleAdminMixin, admin.ModelAdmin):
    """Password and second-factor resets: one administrator asks (the add form), an
    administrator of the other duty approves or rejects (the list's actions)."""

    view_roles = ACCOUNT_REQUEST_ROLES
    change_roles = frozenset()
    add_roles = ACCOUNT_REQUEST_ROLES
    delete_roles = frozenset()
    fields = ["account", "action", "reason"]
    list_display = [
        "account",
        "action",
        "reason",
        "status",
        "requested_by",
        "requested_at",
        "decided_by",
        "decided_at",
        "seen_at",
    ]
    list_filter = ["status", "action"]
    list_select_related = ["account", "requested_by", "decided_by"]
    actions = ["approve", "reject"]

    def get_readonly_fields(self, request, obj=None) -> list[str]:
        return [] if obj is None else [*self.fields, "status", "requested_by", "decided_by"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "account":
            # Your own password you change yourself, on the password page.
            kwargs["queryset"] = User.objects.filter(is_active=True).exclude(pk=request.user.pk)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj: AccountRequest, form, change: bool) -> None:
        saved = request_account_action(
            form.cleaned_data["account"],
            form.cleaned_data["action"],
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
        obj.pk = saved.pk

    def has_decide_permission(self, request) -> bool:
        return self._role_in(request, ACCOUNT_REQUEST_ROLES)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description=_("批准所选申请（重置密码时发放一次性口令）"), permissions=["decide"])
    def approve(self, request, queryset):
        issued = []
        for account_request in queryset.select_related("account", "requested_by"):
            try:
                code = approve_account_request(account_request, actor=request.user)
            except PermissionDenied as refusal:
                self.message_user(request, f"{account_request}: {refusal}", messages.ERROR)
                continue
            issued.append((account_request, code))
        if not issued:
            return None
        response = TemplateResponse(
            request,
            "admin/talentpool/accountrequest/issued.html",
            {**self.admin_site.each_context(request), "issued": issued, "opts": self.opts},
        )
        # The one-time codes are on this page only: never kept by a browser or a proxy.
        response["Cache-Control"] = "private, no-store"
        return response

    @admin.action(description=_("驳回所选申请"), permissions=["decide"])
    def reject(self, request, queryset) -> None:
        for account_request in queryset.select_related("account", "requested_by"):
            try:
                reject_account_request(account_request, actor=request.user)
            except PermissionDenied as refusal:
                self.message_user(request, f"{account_request}: {refusal}", messages.ERROR)
