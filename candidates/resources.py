"""django-import-export resources: village posts (岗位设置) by village code, for loading a
county's committee structure from a spreadsheet after 换届."""

from import_export import fields, resources, widgets

from candidates.models import VillagePost
from talentpool.models import Village


class VillagePostResource(resources.ModelResource):
    village = fields.Field(
        attribute="village",
        column_name="village",
        widget=widgets.ForeignKeyWidget(Village, "code"),
    )

    class Meta:
        model = VillagePost
        import_id_fields = ["village", "kind", "seat"]
        fields = ["village", "kind", "seat", "reserves_required"]
