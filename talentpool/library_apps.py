"""The libraries' applications, named in Chinese wherever the admin shows them (their models'
names are translated in locale/zh_Hans). Kept out of talentpool/apps.py, where a second
AppConfig would stop Django from choosing the core's own."""

from axes.apps import AppConfig as AxesAppConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.apps import DefaultConfig as OtpTotpAppConfig
from django_tasks_db.apps import TasksAppConfig as TasksDatabaseAppConfig
from pghistory.apps import PGHistoryConfig as PGHistoryAppConfig


class AxesConfig(AxesAppConfig):
    verbose_name = _("登录失败与锁定")


class OtpConfig(AppConfig):
    name = "django_otp"
    verbose_name = _("双因素认证")


class OtpTotpConfig(OtpTotpAppConfig):
    verbose_name = _("动态验证码（TOTP）")


class PGHistoryConfig(PGHistoryAppConfig):
    verbose_name = _("数据变更审计")


class TasksDatabaseConfig(TasksDatabaseAppConfig):
    verbose_name = _("后台任务")
