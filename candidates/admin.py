"""The system administrator's view of this stage: reference settings only. Residents' data
(nominations, the pool, incumbents) is never in the admin; county officers work in the app."""

from django.contrib import admin

from candidates.models import (
    CandidatePolicy,
    Checklist,
    ChecklistItem,
    PostRequirement,
    VillagePost,
)
from candidates.resources import VillagePostResource
from talentpool.admin import ChineseImportExportModelAdmin


@admin.register(CandidatePolicy)
class CandidatePolicyAdmin(admin.ModelAdmin):
    list_display = [
        "reserves_per_post",
        "leader_quota_min",
        "leader_quota_max",
        "retirement_watch_age",
        "min_assembly_representatives",
    ]

    def has_add_permission(self, request) -> bool:
        return not CandidatePolicy.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0


class PostRequirementInline(admin.TabularInline):
    model = PostRequirement
    extra = 0


@admin.register(Checklist)
class ChecklistAdmin(admin.ModelAdmin):
    list_display = ["version", "title", "effective_from"]
    inlines = [ChecklistItemInline, PostRequirementInline]

    def has_delete_permission(self, request, obj=None) -> bool:
        # A version that screened nominations is their record: never deleted.
        return obj is not None and not obj.nominations.exists()


@admin.register(VillagePost)
class VillagePostAdmin(ChineseImportExportModelAdmin):
    resource_classes = [VillagePostResource]
    list_display = ["village", "kind", "seat", "reserves_required"]
    list_filter = ["kind", "village__township"]
    list_select_related = ["village"]
    search_fields = ["village__name", "village__code"]
