"""URLs of the survey import; the project mounts them at registry/import/ (namespace "survey")."""

from django.urls import path

from talentpool.survey import views

app_name = "survey"

urlpatterns = [
    # /registry/import/
    path("", views.batch_list, name="list"),
    path("upload/", views.upload, name="upload"),
    path("template/", views.template_download, name="template"),
    path("<int:pk>/", views.batch_detail, name="detail"),
    path("<int:pk>/confirm/", views.batch_confirm, name="confirm"),
    path("<int:pk>/columns/", views.batch_columns, name="columns"),
    path("<int:pk>/cancel/", views.batch_cancel, name="cancel"),
    path("<int:pk>/discard/", views.batch_discard, name="discard"),
    path("<int:pk>/retry/", views.batch_retry, name="retry"),
    path("<int:pk>/rollback/", views.batch_rollback, name="rollback"),
    path("<int:pk>/report/", views.error_report_download, name="report"),
    path("<int:pk>/original/", views.original_download, name="original"),
    # /registry/import/export/: the registry in the template's columns, as CSV
    path("export/<int:pk>/csv/", views.export_csv, name="export_csv"),
]
