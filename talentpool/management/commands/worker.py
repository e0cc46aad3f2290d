from django.core.management import call_command
from django.core.management.base import BaseCommand

from talentpool.jobs import fail_abandoned, worker_id


class Command(BaseCommand):
    help = (
        "Run the background worker (django-tasks-db's db_worker) under an id naming this host "
        "and process, after marking jobs of dead workers failed. Extra options go to db_worker."
    )

    def add_arguments(self, parser):
        parser.add_argument("--queue-name", default="default")
        parser.add_argument("--batch", action="store_true")
        parser.add_argument("--max-tasks", type=int, default=None)

    def handle(self, *args, queue_name: str, batch: bool, max_tasks: int | None, **options):
        failed = fail_abandoned()
        if failed:
            self.stdout.write(f"已将 {failed} 个中断的后台任务标记为失败。")
        call_command(
            "db_worker",
            worker_id=worker_id(),
            queue_name=queue_name,
            batch=batch,
            max_tasks=max_tasks,
            verbosity=options.get("verbosity", 1),
        )
