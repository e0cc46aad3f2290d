"""The rows a survey import staged are deleted with its file after FILE_RETENTION_DAYS: the
batch and its counts stay; rollback, retry and the error report end with them."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from talentpool.models import Person
from talentpool.retention import purge_import_rows
from talentpool.survey import actions
from talentpool.survey.models import BatchStatus, ImportBatch, ImportRow

from .factories import person, survey_xlsx, upload


def _written(township, user, **cells):
    batch = upload(
        survey_xlsx([person(**cells), person(id_number="50023319900101", name="错号")]),
        township=township,
        user=user,
    )
    assert actions.confirm_batch(batch, actor=user) is None
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE and batch.rejected_count == 1
    return batch


def _age(batch, days: int) -> None:
    then = timezone.now() - timedelta(days=days)
    ImportBatch.objects.filter(pk=batch.pk).update(created_at=then, finished_at=then)


def test_settled_batches_lose_their_rows_after_the_retention_days(
    settings, township_a, county_officer
):
    settings.FILE_RETENTION_DAYS = 30
    old = _written(township_a, county_officer, name="旧人")
    recent = _written(township_a, county_officer, name="新人")
    stale_preview = upload(survey_xlsx([person()]), township=township_a, user=county_officer)
    working = upload(survey_xlsx([person()]), township=township_a, user=county_officer)
    ImportBatch.objects.filter(pk=working.pk).update(status=BatchStatus.QUEUED)
    for batch in (old, stale_preview, working):
        _age(batch, 31)
    _age(recent, 29)

    assert purge_import_rows() == 2
    assert not ImportRow.objects.filter(batch__in=[old, stale_preview]).exists()
    assert ImportRow.objects.filter(batch=recent).count() == 2
    assert ImportRow.objects.filter(batch=working).exists()
    old.refresh_from_db()
    stale_preview.refresh_from_db()
    assert old.rows_purged_at is not None and old.status == BatchStatus.DONE
    assert (old.new_count, old.rejected_count) == (1, 1)  # the counts stay
    assert not old.can_rollback()
    assert stale_preview.status == BatchStatus.DISCARDED
    # The people the import wrote are the registry's: only the staging goes.
    assert Person.objects.filter(name="旧人").exists()
    assert purge_import_rows() == 0


def test_a_purged_batch_says_so_and_offers_no_rollback_or_report(
    client, settings, township_a, county_officer
):
    settings.FILE_RETENTION_DAYS = 30
    batch = _written(township_a, county_officer)
    _age(batch, 40)
    out = StringIO()
    call_command("purge_expired_files", stdout=out)
    assert "清除导入明细的批次 1 个" in out.getvalue()
    client.force_login(county_officer)
    page = client.get(reverse("survey:detail", args=[batch.pk])).content.decode()
    assert "按数据保存期限（30 天）" in page
    assert reverse("survey:rollback", args=[batch.pk]) not in page
    assert reverse("survey:report", args=[batch.pk]) not in page
    report = client.get(reverse("survey:report", args=[batch.pk]), follow=True)
    assert "错误报告不能再下载" in report.content.decode()
    # Even with a page opened before the purge (the object still says it can be rolled back).
    assert batch.rows_purged_at is None
    assert actions.rollback_batch(batch, actor=county_officer) == "state"
