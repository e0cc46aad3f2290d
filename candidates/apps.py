from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CandidatesConfig(AppConfig):
    name = "candidates"
    verbose_name = _("推荐与后备干部库")

    def ready(self) -> None:
        from candidates import exports
        from candidates.timeline import entries
        from talentpool import timeline

        timeline.register(entries)
        exports.register()
