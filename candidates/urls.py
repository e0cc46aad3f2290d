from django.urls import path

from candidates import views

app_name = "candidates"

urlpatterns = [
    path("", views.index, name="index"),
    # /candidates/queue/
    path("queue/", views.queue, name="queue"),
    # /candidates/nominations/
    path("nominations/", views.nomination_list, name="nominations"),
    path("nominations/new/", views.nomination_create, name="nomination_create"),
    path("nominations/people/", views.person_search, name="person_search"),
    path("nominations/<int:pk>/", views.nomination_detail, name="nomination"),
    path("nominations/<int:pk>/decide/", views.nomination_decide, name="decide"),
    path("nominations/<int:pk>/screening/", views.screening, name="screening"),
    path("nominations/<int:pk>/consultations/", views.consultation_add, name="consultation_add"),
    path("nominations/<int:pk>/assessments/", views.assessment_add, name="assessment_add"),
    path("nominations/<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("nominations/<int:pk>/pool/", views.enter_pool, name="enter_pool"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    # /candidates/quotas/
    path("quotas/", views.quotas, name="quotas"),
    path("quotas/leaders/new/", views.leader_create, name="leader_create"),
    path("quotas/leaders/<int:pk>/", views.leader_edit, name="leader_edit"),
    # /candidates/checklists/
    path("checklists/", views.checklist_list, name="checklists"),
    path("checklists/new/", views.checklist_new, name="checklist_new"),
    # /candidates/pool/
    path("pool/", views.pool, name="pool"),
    path("pool/<int:pk>/", views.member_detail, name="member"),
    path("pool/<int:pk>/edit/", views.member_edit, name="member_edit"),
    path("pool/<int:pk>/leave/", views.member_leave, name="member_leave"),
    # /candidates/coverage/
    path("coverage/", views.coverage, name="coverage"),
    path("coverage/short/", views.shortfall, name="shortfall"),
    path("coverage/settings/", views.policy_edit, name="policy"),
    path("villages/<int:pk>/", views.village_detail, name="village"),
    path("villages/<int:pk>/posts/new/", views.post_create, name="post_create"),
    path("posts/<int:pk>/", views.post_edit, name="post_edit"),
    path("posts/<int:pk>/appoint/", views.appoint, name="appoint"),
    path("incumbents/<int:pk>/end/", views.incumbency_end, name="incumbency_end"),
    # /candidates/outreach/
    path("outreach/", views.outreach, name="outreach"),
    path("outreach/prospects/", views.prospects, name="prospects"),
    path("outreach/events/new/", views.outreach_event_create, name="outreach_event_create"),
    path("outreach/events/<int:pk>/", views.outreach_event, name="outreach_event"),
    path("outreach/contacts/new/", views.contact_create, name="contact_create"),
    path("outreach/contacts/<int:pk>/", views.contact_edit, name="contact_edit"),
    path("outreach/returns/<int:pk>/", views.homecoming_create, name="homecoming"),
    # /candidates/assemblies/
    path("assemblies/", views.assembly_list, name="assemblies"),
    path("assemblies/new/", views.assembly_create, name="assembly_create"),
    path("assemblies/<int:pk>/", views.assembly_detail, name="assembly"),
    path("assemblies/<int:pk>/edit/", views.assembly_edit, name="assembly_edit"),
    # /candidates/demands/
    path("demands/", views.demand_list, name="demands"),
    path("demands/new/", views.demand_create, name="demand_create"),
    path("demands/<int:pk>/", views.demand_detail, name="demand"),
    path("demands/<int:pk>/edit/", views.demand_edit, name="demand_edit"),
]
