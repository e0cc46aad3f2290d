from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from evaluation import views as evaluation_views
from talentpool import views

registry_patterns = (
    [
        path("", views.registry_list, name="list"),
        path("new/", views.registry_create, name="create"),
        path("<int:pk>/", views.registry_detail, name="detail"),
        path("<int:pk>/edit/", views.registry_edit, name="edit"),
    ],
    "registry",
)

audit_patterns = (
    [
        path("", views.audit_list, name="list"),
        path("access/", views.access_log, name="access"),
    ],
    "audit",
)

security_patterns = (
    [
        path("reveal/<int:pk>/", views.reveal_person, name="reveal"),
        path("exports/", views.export_list, name="exports"),
        path("exports/new/", views.export_new, name="export_new"),
        path("exports/<int:pk>/decide/", views.export_decide, name="export_decide"),
        path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    ],
    "security",
)

urlpatterns = [
    # The home page is the dashboard of the county's numbers (evaluation) for those who read them.
    path("", evaluation_views.home, name="home"),
    # /accounts/
    path("accounts/login/", views.login, name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.password_change, name="password_change"),
    path("accounts/2fa/", views.otp_verify, name="otp_verify"),
    path("accounts/2fa/setup/", views.otp_setup, name="otp_setup"),
    path("accounts/2fa/qr.svg", views.otp_qr, name="otp_qr"),
    # /registry/import/: township surveys loaded in batches (talentpool.survey)
    path("registry/import/", include("talentpool.survey.urls")),
    # /registry/
    path("registry/", include(registry_patterns)),
    # /audit/
    path("audit/", include(audit_patterns)),
    # /security/: seeing personal data after a reason, exports with approval
    path("security/", include(security_patterns)),
    # /candidates/, /training/, /evaluation/: the later stages, each with its own namespace
    path("candidates/", include("candidates.urls")),
    path("training/", include("training.urls")),
    path("evaluation/", include("evaluation.urls")),
    # /admin/
    path("admin/", admin.site.urls),
]

# /security/: error pages in Chinese that never show internals
handler400 = "talentpool.views.bad_request"
handler403 = "talentpool.views.permission_denied"
handler404 = "talentpool.views.page_not_found"
handler500 = "talentpool.views.server_error"
