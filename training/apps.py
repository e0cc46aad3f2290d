from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = _("培养锻炼")

    def ready(self) -> None:
        from talentpool import timeline
        from talentpool.models import EXTRA_PERSON_SCOPES, Role
        from training.models import mentor_person_scope
        from training.timeline import training_entries

        # A mentor sees exactly the people in their current pairings, everywhere in the app.
        EXTRA_PERSON_SCOPES[Role.MENTOR] = mentor_person_scope
        timeline.register(training_entries)
