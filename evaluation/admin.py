from django.contrib import admin

from evaluation.models import ReviewRound

# Only the rounds' set-up is here: reviews, proposals and careers are residents' personal data,
# which the administrators never see (they work in the evaluation pages, by role).


@admin.register(ReviewRound)
class ReviewRoundAdmin(admin.ModelAdmin):
    list_display = ["name", "period", "starts_on", "ends_on", "due_on", "township", "scoring"]
    list_filter = ["period", "scoring"]
    list_select_related = ["township"]
    search_fields = ["name"]
    readonly_fields = ["created_by", "created_at"]
