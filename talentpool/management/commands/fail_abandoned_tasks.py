from django.core.management.base import BaseCommand

from talentpool.jobs import fail_abandoned


class Command(BaseCommand):
    help = "Mark background jobs whose worker died (or that ran too long) as failed."

    def handle(self, *args, **options):
        self.stdout.write(f"已将 {fail_abandoned()} 个中断的后台任务标记为失败。")
