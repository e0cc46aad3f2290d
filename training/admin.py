"""Only the county's settings are in the admin: the administrators never see residents' data
(courses, talks, posts and achievements are reached through the app's scoped pages)."""

from django.contrib import admin

from training.models import MentoringRule, TrainingTarget


@admin.register(MentoringRule)
class MentoringRuleAdmin(admin.ModelAdmin):
    list_display = ["county", "talks_per_month", "no_contact_days"]


@admin.register(TrainingTarget)
class TrainingTargetAdmin(admin.ModelAdmin):
    list_display = ["county", "year", "people", "min_hours"]
    list_filter = ["year"]
