from django.urls import path

from evaluation import views

app_name = "evaluation"

urlpatterns = [
    # /evaluation/ : the dashboards and their exports
    path("", views.dashboard, name="dashboard"),
    path("export/", views.export, name="export"),
    path("structure/", views.structure, name="structure"),
    # /evaluation/rounds/
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/new/", views.round_create, name="round_create"),
    path("rounds/<int:pk>/", views.round_detail, name="round_detail"),
    path("rounds/<int:pk>/edit/", views.round_edit, name="round_edit"),
    path("rounds/<int:pk>/sheet/", views.round_sheet, name="round_sheet"),
    path("rounds/<int:pk>/sheet/<int:member_pk>/", views.round_row, name="round_row"),
    path("rounds/<int:pk>/submit/", views.round_submit, name="round_submit"),
    path("rounds/<int:pk>/workbook/", views.round_workbook, name="round_workbook"),
    path("rounds/<int:pk>/import/", views.round_import, name="round_import"),
    path("rounds/<int:pk>/confirm/", views.round_confirm, name="round_confirm"),
    path("rounds/<int:pk>/return/", views.round_return, name="round_return"),
    # /evaluation/grid/, /evaluation/proposals/
    path("grid/", views.grid, name="grid"),
    path("proposals/", views.proposal_list, name="proposal_list"),
    path("proposals/<int:pk>/accept/", views.proposal_accept, name="proposal_accept"),
    path("proposals/<int:pk>/dismiss/", views.proposal_dismiss, name="proposal_dismiss"),
    # /evaluation/appointments/, /evaluation/people/
    path("appointments/", views.appointment_list, name="appointment_list"),
    path("people/<int:pk>/appoint/", views.appoint, name="appoint"),
    path("people/<int:pk>/career/", views.career_step_create, name="career_step_create"),
    path("people/<int:pk>/record/", views.person_record, name="person_record"),
    # /evaluation/roster/
    path("roster/", views.roster, name="roster"),
]
