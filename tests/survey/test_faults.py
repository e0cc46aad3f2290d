"""The database lost in the middle of writing a survey: the batch is never half-written, and it
can be written again afterwards (issue 7's fault with the import; the other faults are in
tests/test_faults.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from talentpool.models import Person
from talentpool.survey import actions
from talentpool.survey.models import STALL_AFTER, BatchStatus, ImportBatch, ImportRow, RowAction

from .factories import person, survey_xlsx, upload

ROOT = Path(__file__).resolve().parent.parent.parent
PEOPLE = 10

# The write job as the worker runs it (its own thread and connection), two rows per chunk and a
# pause after each, so that the test can cut the database off between chunks.
WRITER = textwrap.dedent(
    """
    import time
    from talentpool.survey import pipeline
    from talentpool.survey.tasks import write_batch

    pipeline.CHUNK_ROWS = 2
    write_range = pipeline._Stager.write_range

    def slow_write_range(self, lo, hi):
        write_range(self, lo, hi)
        time.sleep(1.0)

    pipeline._Stager.write_range = slow_write_range
    write_batch.call({pk})
    """
)


def _terminate_other_backends() -> int:
    """What the importer sees of a database restart: every session but the test's is cut off."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_a_database_lost_mid_write_leaves_nothing_written_and_the_batch_can_be_retried(
    settings, township_a, township_officer_a
):
    people = [person(name=f"测试{i:02d}") for i in range(PEOPLE)]
    batch = upload(survey_xlsx(people), township=township_a, user=township_officer_a)
    assert batch.status == BatchStatus.PREVIEWED and batch.new_count == PEOPLE
    # Confirmed with the real queue, so that the write waits for the process below.
    immediate = settings.TASKS
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    assert actions.confirm_batch(batch, actor=township_officer_a) is None
    settings.TASKS = immediate

    env = dict(os.environ, EMBEDDED_DB_NAME=connection.settings_dict["NAME"])
    writer = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "-c", WRITER.format(pk=batch.pk)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            batch.refresh_from_db()
            if batch.status == BatchStatus.RUNNING and batch.rows_done >= 2:
                break
            assert writer.poll() is None, writer.communicate()
            time.sleep(0.1)
        assert batch.rows_done >= 2, "the write never got under way"
        assert batch.rows_done < PEOPLE
        assert _terminate_other_backends() >= 1
        writer.wait(timeout=60)
    finally:
        if writer.poll() is None:
            writer.kill()

    # Nothing of the batch reached the registry: its rows were written in one transaction.
    assert not Person.objects.filter(township=township_a).exists()
    batch.refresh_from_db()
    # The job could not even record its failure (its connections were gone): it stays
    # "running" until it counts as stalled, and the batch page then offers to start it again.
    assert batch.status in (BatchStatus.RUNNING, BatchStatus.FAILED)
    assert ImportRow.objects.filter(batch=batch, action=RowAction.NEW).count() == PEOPLE
    if batch.status == BatchStatus.RUNNING:
        assert not batch.can_retry
        ImportBatch.objects.filter(pk=batch.pk).update(
            progress_at=timezone.now() - STALL_AFTER - timedelta(minutes=1)
        )
        batch.refresh_from_db()
    assert batch.can_retry

    # Started again (tasks run at once in tests), the whole batch is written, each person once.
    assert actions.retry_batch(batch, actor=township_officer_a)
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    assert batch.new_count == PEOPLE
    written = Person.objects.filter(township=township_a)
    assert sorted(written.values_list("name", flat=True)) == [p["name"] for p in people]
