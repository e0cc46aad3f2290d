from django.conf import settings
from django.core.management.base import BaseCommand

from talentpool.retention import disable_idle_accounts


class Command(BaseCommand):
    help = "Disable accounts nobody signed in to for ACCOUNT_IDLE_DAYS (90) days. Run daily."

    def handle(self, *args, **options):
        names = disable_idle_accounts()
        days = settings.ACCOUNT_IDLE_DAYS
        if names:
            self.stdout.write(
                f"已停用 {len(names)} 个超过 {days} 天未登录的账号：{'、'.join(names)}"
            )
        else:
            self.stdout.write(f"没有超过 {days} 天未登录的账号。")
