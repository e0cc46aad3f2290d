from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalentpoolConfig(AppConfig):
    name = "talentpool"
    verbose_name = _("基础信息")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from talentpool import actions, checks, security
        from talentpool.survey.registration import register_exports

        user_logged_in.connect(security.start_session_clock, dispatch_uid="tp_session_clock")
        user_logged_in.connect(actions.tell_account_holder, dispatch_uid="tp_tell_account")
        # After every app's migrations, so that every app's audit event tables are covered.
        post_migrate.connect(security.protect_logs, dispatch_uid="tp_protect_logs")
        checks.register()
        register_exports()
