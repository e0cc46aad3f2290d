from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportModelAdmin

from talentpool.models import County, Township, User, Village
from talentpool.resources import CountyResource, TownshipResource, VillageResource

admin.site.site_header = _("人才苗圃 系统管理")
admin.site.site_title = _("人才苗圃")
admin.site.index_title = _("系统管理")


@admin.register(County)
class CountyAdmin(ImportExportModelAdmin):
    resource_classes = [CountyResource]
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Township)
class TownshipAdmin(ImportExportModelAdmin):
    resource_classes = [TownshipResource]
    list_display = ["code", "name", "county"]
    list_filter = ["county"]
    search_fields = ["code", "name"]


@admin.register(Village)
class VillageAdmin(ImportExportModelAdmin):
    resource_classes = [VillageResource]
    list_display = ["code", "name", "township"]
    list_filter = ["township"]
    list_select_related = ["township"]
    search_fields = ["code", "name"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "get_full_name", "role", "township", "is_active", "last_login"]
    list_filter = ["role", "township", "is_active"]
    list_select_related = ["township"]
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("角色与范围"), {"fields": ["role", "township", "title", "phone"]}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        (_("角色与范围"), {"fields": ["role", "township", "last_name", "first_name"]}),
    )
