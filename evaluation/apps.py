from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("考核与选拔任用")

    def ready(self) -> None:
        from evaluation import exports
        from evaluation.timeline import entries
        from talentpool import timeline

        timeline.register(entries)
        timeline.register_printable_record(
            lambda person: reverse("evaluation:person_record", args=[person.pk])
        )
        exports.register()
