import os
from argparse import BooleanOptionalAction

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV

from talentpool.jobs import fail_abandoned, heartbeat, worker_id


class Command(BaseCommand):
    help = (
        "Run the background worker (django-tasks-db's db_worker) under an id naming this host "
        "and process, after marking jobs of dead workers failed. It records a heartbeat while it "
        "runs, so that pages can tell when no worker is running."
    )

    def add_arguments(self, parser):
        parser.add_argument("--queue-name", default="default")
        parser.add_argument("--batch", action="store_true")
        parser.add_argument("--max-tasks", type=int, default=None)
        parser.add_argument(
            "--reload",
            action=BooleanOptionalAction,
            default=settings.DEBUG,
            help="Restart the worker on code changes (default: DEBUG).",
        )

    def handle(
        self,
        *args,
        queue_name: str,
        batch: bool,
        max_tasks: int | None,
        reload: bool,
        **options,
    ):
        if reload and not batch and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            # This process only watches the code and restarts its child, which runs this
            # command again: the child runs the jobs, records the heartbeat and fails the jobs of
            # dead workers.
            self._db_worker(queue_name, batch, max_tasks, reload, options)
            return
        failed = fail_abandoned()
        if failed:
            self.stdout.write(f"已将 {failed} 个中断的后台任务标记为失败。")
        with heartbeat(worker_id()):
            self._db_worker(queue_name, batch, max_tasks, reload, options)

    def _db_worker(self, queue_name, batch, max_tasks, reload, options) -> None:
        call_command(
            "db_worker",
            worker_id=worker_id(),
            queue_name=queue_name,
            batch=batch,
            max_tasks=max_tasks,
            reload=reload,
            verbosity=options.get("verbosity", 1),
        )
