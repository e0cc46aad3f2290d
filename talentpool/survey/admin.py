"""Import batches in the admin: a read-only listing the system administrator can export (no
personal data: file names, counts and states). Registered by talentpool/admin.py importing this
module."""

from django.contrib import admin
from import_export.admin import ExportMixin

from talentpool.survey.models import ImportBatch
from talentpool.survey.resources import ImportBatchResource

# The uploaded file is residents' personal data, which the administrators do not see (三权分立);
# the report is the batch page's business.
HIDDEN = ["report", "file"]


@admin.register(ImportBatch)
class ImportBatchAdmin(ExportMixin, admin.ModelAdmin):
    resource_classes = [ImportBatchResource]
    list_display = [
        "created_at",
        "township",
        "original_name",
        "status",
        "new_count",
        "updated_count",
        "rejected_count",
    ]
    list_filter = ["status", "township"]
    list_select_related = ["township"]
    search_fields = ["original_name", "sha256"]
    date_hierarchy = "created_at"
    # Batches are made and changed only by the import workflow.
    exclude = HIDDEN
    readonly_fields = [f.name for f in ImportBatch._meta.fields if f.name not in HIDDEN]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
