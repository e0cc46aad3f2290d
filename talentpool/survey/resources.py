"""django-import-export resources of the survey import: the admin's export of batch listings
(who imported what, when, with which counts). The survey files themselves go through
talentpool.survey.pipeline: see its docstring for why."""

from import_export import fields, resources

from talentpool.survey.models import ImportBatch


class ImportBatchResource(resources.ModelResource):
    township = fields.Field(attribute="township__name", column_name="乡镇（街道）")
    created_by = fields.Field(attribute="created_by__username", column_name="上传人")
    status = fields.Field(attribute="get_status_display", column_name="状态")

    class Meta:
        model = ImportBatch
        fields = [
            "id",
            "created_at",
            "township",
            "created_by",
            "source",
            "original_name",
            "sha256",
            "size",
            "status",
            "data_rows",
            "new_count",
            "updated_count",
            "unchanged_count",
            "rejected_count",
            "ignored_count",
            "skipped_count",
            "finished_at",
            "rolled_back_at",
        ]
        export_order = fields
