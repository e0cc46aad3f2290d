"""django-import-export resources for the small reference tables (admin import and export)."""

from import_export import fields, resources, widgets

from talentpool.models import County, Township, Village


class CountyResource(resources.ModelResource):
    class Meta:
        model = County
        import_id_fields = ["code"]
        fields = ["code", "name"]


class TownshipResource(resources.ModelResource):
    county = fields.Field(
        attribute="county", column_name="county", widget=widgets.ForeignKeyWidget(County, "code")
    )

    class Meta:
        model = Township
        import_id_fields = ["code"]
        fields = ["code", "name", "county"]


class VillageResource(resources.ModelResource):
    township = fields.Field(
        attribute="township",
        column_name="township",
        widget=widgets.ForeignKeyWidget(Township, "code"),
    )

    class Meta:
        model = Village
        import_id_fields = ["code"]
        fields = ["code", "name", "township"]
