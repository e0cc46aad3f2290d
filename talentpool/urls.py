from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

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

audit_patterns = ([path("", views.audit_list, name="list")], "audit")

urlpatterns = [
    path("", views.home, name="home"),
    # /accounts/
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(template_name="talentpool/login.html"),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # /registry/
    path("registry/", include(registry_patterns)),
    # /audit/
    path("audit/", include(audit_patterns)),
    # /candidates/, /training/, /evaluation/: the later stages, each with its own namespace
    path("candidates/", include("candidates.urls")),
    path("training/", include("training.urls")),
    path("evaluation/", include("evaluation.urls")),
    # /admin/
    path("admin/", admin.site.urls),
]
