"""Tasks for tests/test_faults.py: importable by a real worker process."""

import time
from pathlib import Path

from django_tasks import task


@task()
def slow_job(marker: str) -> str:
    Path(marker).write_text("started")
    time.sleep(60)
    return "done"
