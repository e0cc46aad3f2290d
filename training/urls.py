from django.urls import path

from training import views

app_name = "training"

urlpatterns = [
    # /training/courses/
    path("courses/", views.course_list, name="course_list"),
    path("courses/new/", views.course_create, name="course_create"),
    path("courses/<int:pk>/", views.course_detail, name="course_detail"),
    path("courses/<int:pk>/edit/", views.course_edit, name="course_edit"),
    path("courses/<int:pk>/sessions/new/", views.session_create, name="session_create"),
    path("courses/<int:pk>/enrol/", views.enrol, name="enrol"),
    path("courses/<int:pk>/attendance/", views.attendance, name="attendance"),
    path("sessions/<int:pk>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:pk>/delete/", views.session_delete, name="session_delete"),
    path("sessions/<int:pk>/import/", views.attendance_import, name="attendance_import"),
    path("enrolments/<int:pk>/edit/", views.enrolment_edit, name="enrolment_edit"),
    path("enrolments/<int:pk>/withdraw/", views.enrolment_withdraw, name="enrolment_withdraw"),
    # /training/hours/, /training/targets/
    path("hours/", views.hours, name="hours"),
    path("targets/", views.targets, name="targets"),
    path("targets/<int:pk>/edit/", views.target_edit, name="target_edit"),
    # /training/people/
    path("people/<int:pk>/", views.person, name="person"),
    path("people/<int:pk>/party/new/", views.party_step_create, name="party_step_create"),
    # /training/mentoring/
    path("mentoring/", views.mentorship_list, name="mentorship_list"),
    path("mentoring/new/", views.mentorship_create, name="mentorship_create"),
    path("mentoring/mine/", views.my_mentees, name="my_mentees"),
    path("mentoring/compliance/", views.compliance_view, name="compliance"),
    path("mentoring/rules/", views.rules, name="rules"),
    path("mentoring/<int:pk>/", views.mentorship_detail, name="mentorship_detail"),
    path("mentoring/<int:pk>/edit/", views.mentorship_edit, name="mentorship_edit"),
    path("mentoring/<int:pk>/end/", views.mentorship_end, name="mentorship_end"),
    path("mentees/<int:pk>/", views.mentee, name="mentee"),
    path("mentees/<int:pk>/talks/new/", views.talk_create, name="talk_create"),
    path("talks/<int:pk>/", views.talk_detail, name="talk_detail"),
    # /training/posts/
    path("posts/", views.post_list, name="post_list"),
    path("posts/new/", views.post_create, name="post_create"),
    path("posts/<int:pk>/", views.post_detail, name="post_detail"),
    path("posts/<int:pk>/edit/", views.post_edit, name="post_edit"),
    path("posts/<int:pk>/assess/", views.post_assess, name="post_assess"),
    path("posts/<int:pk>/tasks/new/", views.task_create, name="task_create"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task_edit"),
    # /training/achievements/
    path("achievements/", views.achievement_list, name="achievement_list"),
    path("achievements/new/", views.achievement_create, name="achievement_create"),
    path("achievements/<int:pk>/", views.achievement_detail, name="achievement_detail"),
    path("achievements/<int:pk>/edit/", views.achievement_edit, name="achievement_edit"),
    path("achievements/<int:pk>/confirm/", views.achievement_confirm, name="achievement_confirm"),
    path("achievements/<int:pk>/evidence/", views.evidence_add, name="evidence_add"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/delete/", views.evidence_delete, name="evidence_delete"),
]
