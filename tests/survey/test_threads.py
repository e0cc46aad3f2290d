"""The database side of an import on its own thread and connection (production's setting)."""

from __future__ import annotations

import pytest

from talentpool.models import Person
from talentpool.survey import pipeline
from talentpool.survey.actions import confirm_batch
from talentpool.survey.models import BatchStatus, ImportRow

from .factories import person, survey_xlsx, upload

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def threads(settings, monkeypatch):
    settings.SURVEY_IMPORT_THREADS = True
    monkeypatch.setattr(pipeline, "CHUNK_ROWS", 2)  # several chunks through the queue


def test_a_threaded_preview_and_write_import_every_row(threads, township_a, township_officer_a):
    data = survey_xlsx([person(name=f"人{i}") for i in range(7)] + [person(name=None)])
    batch = upload(data, township=township_a, user=township_officer_a)
    assert batch.status == BatchStatus.PREVIEWED
    assert (batch.new_count, batch.rejected_count) == (7, 1)
    assert confirm_batch(batch, actor=township_officer_a) is None
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    assert batch.rows_done == 7
    assert Person.objects.filter(township=township_a).count() == 7


def test_a_failure_on_the_thread_fails_the_batch_and_writes_nothing(
    threads, township_a, township_officer_a, monkeypatch
):
    batch = upload(
        survey_xlsx([person(name=f"人{i}") for i in range(5)]),
        township=township_a,
        user=township_officer_a,
    )
    calls = []
    real = pipeline._Stager.write_range

    def fail_on_the_second_chunk(self, lo, hi):
        calls.append(lo)
        if len(calls) == 2:
            raise RuntimeError("disk on fire")
        return real(self, lo, hi)

    monkeypatch.setattr(pipeline._Stager, "write_range", fail_on_the_second_chunk)
    assert confirm_batch(batch, actor=township_officer_a) is None
    batch.refresh_from_db()
    assert batch.status == BatchStatus.FAILED
    assert "没有写入任何数据" in batch.error
    assert not Person.objects.filter(township=township_a).exists()


def test_a_failure_while_checking_leaves_nothing_staged(
    threads, township_a, township_officer_a, monkeypatch
):
    def broken(self, rows):
        raise RuntimeError("copy failed")

    monkeypatch.setattr(pipeline._Stager, "_copy", broken)
    batch = upload(survey_xlsx([person(), person()]), township=township_a, user=township_officer_a)
    assert batch.status == BatchStatus.FAILED
    assert not ImportRow.objects.filter(batch=batch).exists()
