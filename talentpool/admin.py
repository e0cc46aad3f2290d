"""Django admin, for the two administrator roles only, split by duty (三权分立):

- the system administrator (sysadmin) keeps accounts (creates them, edits names and contact
  details, disables them, resets passwords and second factors) and the places;
- the security administrator (secadmin) grants rights: a user's role, township and the right to
  see full personal data - for anyone but themself;
- the auditor reads the audit pages of the app and has no admin access.

Access follows the role, not Django's per-model permissions, so no account can be given a
right here that its role does not carry. Nobody is a superuser in daily use.
"""

from __future__ import annotations

from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin

from talentpool.models import County, Role, Township, User, Village
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
# secret keys (the system administrator resets them with an action on the user list).
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


@admin.register(County)
class CountyAdmin(RoleAdminMixin, ImportExportModelAdmin):
    resource_classes = [CountyResource]
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Township)
class TownshipAdmin(RoleAdminMixin, ImportExportModelAdmin):
    resource_classes = [TownshipResource]
    list_display = ["code", "name", "county"]
    list_filter = ["county"]
    search_fields = ["code", "name"]


@admin.register(Village)
class VillageAdmin(RoleAdminMixin, ImportExportModelAdmin):
    resource_classes = [VillageResource]
    list_display = ["code", "name", "township"]
    list_filter = ["township"]
    list_select_related = ["township"]
    search_fields = ["code", "name"]


@admin.register(AccessAttempt)
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


class ResetPasswordForm(AdminPasswordChangeForm):
    """A password set by an administrator is temporary: the user must replace it at sign-in."""

    def save(self, commit: bool = True):
        self.user.must_change_password = True
        return super().save(commit=commit)


ACCOUNT_FIELDS = ["username", "last_name", "first_name", "title", "phone", "email", "is_active"]
RIGHTS_FIELDS = ["role", "township", "user_permissions"]
RECORD_FIELDS = ["last_login", "date_joined", "password_changed_at", "must_change_password"]


@admin.register(User)
class UserAdmin(RoleAdminMixin, BaseUserAdmin):
    view_roles = frozenset({Role.SYSADMIN, Role.SECADMIN})
    change_roles = frozenset({Role.SYSADMIN, Role.SECADMIN})
    add_roles = frozenset({Role.SYSADMIN})
    change_password_form = ResetPasswordForm
    list_display = ["username", "get_full_name", "role", "township", "is_active", "last_login"]
    list_filter = ["role", "township", "is_active"]
    list_select_related = ["township"]
    search_fields = ["username", "last_name", "first_name"]
    filter_horizontal = ["user_permissions"]
    actions = ["reset_second_factor"]
    fieldsets = (
        (None, {"fields": ["username", "password"]}),
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
        readonly = ["last_login", "date_joined", "password_changed_at"]
        if request.user.role == Role.SECADMIN:
            return [*readonly, "username", "password", *ACCOUNT_FIELDS[1:], "must_change_password"]
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

    def user_change_password(self, request, id, form_url=""):
        if request.user.role != Role.SYSADMIN:
            raise PermissionDenied
        return super().user_change_password(request, id, form_url)

    @admin.action(description=_("重置双因素认证（用户下次登录时重新绑定手机验证器）"))
    def reset_second_factor(self, request, queryset) -> None:
        if request.user.role != Role.SYSADMIN:
            raise PermissionDenied
        if TOTPDevice is None:  # pragma: no cover
            return
        deleted, _detail = TOTPDevice.objects.filter(user__in=queryset).delete()
        self.message_user(request, _("已重置 %(n)s 个验证器。") % {"n": deleted}, messages.SUCCESS)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if request.user.role != Role.SYSADMIN:
            actions.pop("reset_second_factor", None)
        actions.pop("delete_selected", None)
        return actions
