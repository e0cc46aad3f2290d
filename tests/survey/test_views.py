"""The survey pages: upload, preview, confirm, progress, cancel, discard, roll back, downloads."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from talentpool.models import AccessLog, Person
from talentpool.survey.models import BatchStatus, ImportBatch, ImportRow
from tests.factories import make_person

from .factories import first_row, new_id, person, survey_xlsx, upload

pytestmark = pytest.mark.django_db


def post_file(client, data: bytes, name: str = "登记表.xlsx", **fields):
    return client.post(reverse("survey:upload"), {"file": SimpleUploadedFile(name, data), **fields})


# ---------------------------------------------------------------------------
# Uploading


def test_a_township_officer_uploads_for_their_own_township_and_sees_the_preview(
    client, township_a, village_a, township_officer_a
):
    client.force_login(township_officer_a)
    page = client.get(reverse("survey:upload"))
    assert page.status_code == 200
    assert "忠州街道" in page.content.decode()
    assert 'name="township"' not in page.content.decode()
    response = post_file(client, survey_xlsx([person(name="甲"), person(name=None)]))
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("survey:detail", args=[batch.pk])
    assert (batch.township, batch.created_by) == (township_a, township_officer_a)
    assert batch.status == BatchStatus.PREVIEWED
    body = client.get(response.url).content.decode()
    assert "尚未写入任何数据" in body
    assert "确认导入（1 人）" in body
    assert "姓名为空" in body
    assert not Person.objects.filter(name="甲").exists()


def test_a_township_sent_in_the_form_by_a_township_officer_is_ignored(
    client, township_a, township_b, township_officer_a
):
    client.force_login(township_officer_a)
    post_file(client, survey_xlsx([person()]), township=township_b.pk)
    assert ImportBatch.objects.get().township == township_a


def test_a_county_officer_chooses_the_township(client, township_a, township_b, county_officer):
    client.force_login(county_officer)
    response = post_file(client, survey_xlsx([person()]))
    assert response.status_code == 200
    assert "这个字段是必填项" in response.content.decode() or "必填" in response.content.decode()
    post_file(client, survey_xlsx([person()]), township=township_b.pk)
    assert ImportBatch.objects.get().township == township_b


def test_an_oversized_upload_gets_a_chinese_message_not_an_error_page(
    client, township_a, township_officer_a, settings
):
    settings.SURVEY_MAX_UPLOAD_BYTES = 2000
    client.force_login(township_officer_a)
    response = post_file(client, b"x" * 5000)
    assert response.status_code == 200
    assert "文件太大，最大允许" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_request_declaring_a_huge_body_is_answered_without_reading_it(
    client, township_a, township_officer_a
):
    client.force_login(township_officer_a)
    response = client.generic(
        "POST",
        reverse("survey:upload"),
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(900 * 1024 * 1024),
    )
    assert response.status_code == 200
    assert "文件太大" in response.content.decode()


def test_the_upload_needs_a_file_and_a_csrf_token(client, township_a, township_officer_a):
    client.force_login(township_officer_a)
    response = client.post(reverse("survey:upload"), {})
    assert "请选择要上传的登记表文件" in response.content.decode()
    strict = type(client)(enforce_csrf_checks=True)
    strict.force_login(township_officer_a)
    assert post_file(strict, survey_xlsx([person()])).status_code == 403


def test_a_file_that_is_no_spreadsheet_shows_why(client, township_a, township_officer_a):
    client.force_login(township_officer_a)
    response = post_file(client, b"%PDF-1.7 ...", name="登记表.xlsx")
    body = client.get(response.url).content.decode()
    assert "文件无法导入" in body and "PDF" in body


def test_the_stored_file_has_a_server_made_name_and_its_hash(
    client, township_a, township_officer_a
):
    client.force_login(township_officer_a)
    data = survey_xlsx([person()])
    post_file(client, data, name="../../etc/passwd.xlsx")
    batch = ImportBatch.objects.get()
    assert batch.original_name.endswith("passwd.xlsx")
    assert batch.file.name.startswith("uploads/survey/")
    assert "passwd" not in batch.file.name
    import hashlib

    assert batch.sha256 == hashlib.sha256(data).hexdigest()
    log = AccessLog.objects.get(action="import", detail__stage="upload")
    assert log.detail["sha256"] == batch.sha256


# ---------------------------------------------------------------------------
# The batch page


def test_the_preview_shows_changes_masked_and_the_rejected_rows(
    client, township_a, village_a, township_officer_a
):
    existing = make_person(township_a, village_a, name="王明", phone="13900000001")
    data = survey_xlsx(
        [
            person(
                name="王明",
                id_number=existing.id_number,
                birth=existing.birth_date,
                phone="13911112222",
                education="硕士",
            ),
            person(name="李四", gender="女"),
        ]
    )
    batch = upload(data, township=township_a, user=township_officer_a)
    client.force_login(township_officer_a)
    body = client.get(reverse("survey:detail", args=[batch.pk])).content.decode()
    assert "139****0001" in body and "139****2222" in body
    assert "13911112222" not in body
    assert "研究生" in body
    assert f"<td>{first_row() + 1}</td>" in body
    assert "“性别”“女”与身份证号不一致" in body


def test_a_repeated_upload_says_so(client, township_a, township_officer_a):
    data = survey_xlsx([person()])
    upload(data, township=township_a, user=township_officer_a)
    again = upload(data, township=township_a, user=township_officer_a)
    client.force_login(township_officer_a)
    body = client.get(reverse("survey:detail", args=[again.pk])).content.decode()
    assert "这个文件与" in body and "完全相同" in body


def test_progress_is_polled_until_the_job_ends(client, township_a, township_officer_a):
    batch = upload(survey_xlsx([person()]), township=township_a, user=township_officer_a)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.RUNNING, new_count=200, rows_done=50, rate=25.0
    )
    client.force_login(township_officer_a)
    url = reverse("survey:detail", args=[batch.pk]) + "?part=status"
    partial = client.get(url, HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert 'hx-trigger="every 1s"' in body
    assert 'value="25"' in body  # 50 of 200
    assert "已处理 50 / 200 行，每秒 25 行，预计还需 6 秒" in body
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.DONE)
    done = client.get(url, HTTP_HX_REQUEST="true")
    assert done.status_code == 204
    assert done["HX-Refresh"] == "true"


def test_confirming_imports_and_the_page_offers_the_error_report(
    client, township_a, township_officer_a
):
    batch = upload(
        survey_xlsx([person(name="甲"), person(name=None)]),
        township=township_a,
        user=township_officer_a,
    )
    client.force_login(township_officer_a)
    response = client.post(reverse("survey:confirm", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    assert Person.objects.filter(name="甲", township=township_a).exists()
    body = client.get(response.url).content.decode()
    assert "导入人才信息库" in body
    assert reverse("survey:report", args=[batch.pk]) in body
    # Again: nothing more happens.
    client.post(reverse("survey:confirm", args=[batch.pk]))
    assert Person.objects.filter(name="甲").count() == 1


def test_discarding_a_preview_writes_nothing(client, township_a, township_officer_a):
    batch = upload(survey_xlsx([person(name="甲")]), township=township_a, user=township_officer_a)
    client.force_login(township_officer_a)
    client.post(reverse("survey:discard", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DISCARDED
    assert client.post(reverse("survey:confirm", args=[batch.pk])).status_code == 302
    assert not Person.objects.filter(name="甲").exists()


def test_cancelling_a_queued_write_stops_it(client, township_a, township_officer_a):
    batch = upload(survey_xlsx([person()]), township=township_a, user=township_officer_a)
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.QUEUED)
    client.force_login(township_officer_a)
    client.post(reverse("survey:cancel", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.CANCELLED


def test_cancelling_a_running_write_asks_the_job_to_stop(client, township_a, township_officer_a):
    batch = upload(survey_xlsx([person()]), township=township_a, user=township_officer_a)
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.RUNNING)
    client.force_login(township_officer_a)
    client.post(reverse("survey:cancel", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.cancel_requested is True


def test_a_county_officer_rolls_a_batch_back(
    client, township_a, township_officer_a, county_officer
):
    batch = upload(survey_xlsx([person(name="甲")]), township=township_a, user=township_officer_a)
    client.force_login(township_officer_a)
    client.post(reverse("survey:confirm", args=[batch.pk]))
    assert client.post(reverse("survey:rollback", args=[batch.pk])).status_code == 403
    client.force_login(county_officer)
    response = client.post(reverse("survey:rollback", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == BatchStatus.ROLLED_BACK
    assert not Person.objects.filter(name="甲").exists()
    assert "撤销这批导入：新增的人员已删除" in client.get(response.url).content.decode()


def test_a_blocked_rollback_says_which_people_and_changes_nothing(
    client, township_a, county_officer
):
    batch = upload(
        survey_xlsx([person(name="甲"), person(name="乙")]),
        township=township_a,
        user=county_officer,
    )
    client.force_login(county_officer)
    client.post(reverse("survey:confirm", args=[batch.pk]))
    edited = Person.objects.get(name="甲")
    edited.remark = "改过"
    assert edited.save_checked(edited.version)
    response = client.post(reverse("survey:rollback", args=[batch.pk]))
    assert response.status_code == 409
    body = response.content.decode()
    assert "不能撤销" in body and reverse("registry:detail", args=[edited.pk]) in body
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    assert Person.objects.filter(name__in=["甲", "乙"]).count() == 2


def test_another_townships_batch_is_not_found(
    client, township_a, township_b, township_officer_a, township_officer_b
):
    batch = upload(survey_xlsx([person()]), township=township_a, user=township_officer_a)
    client.force_login(township_officer_b)
    for name in ("detail", "report", "original"):
        assert client.get(reverse(f"survey:{name}", args=[batch.pk])).status_code == 404
    for name in ("confirm", "cancel", "discard"):
        assert client.post(reverse(f"survey:{name}", args=[batch.pk])).status_code == 404
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PREVIEWED


def test_the_list_shows_the_users_townships_batches_with_flat_queries(
    client, township_a, township_b, township_officer_a, county_officer
):
    mine = ImportBatch.objects.create(
        township=township_a,
        created_by=township_officer_a,
        original_name="我的.xlsx",
        sha256="a" * 64,
    )
    ImportBatch.objects.create(township=township_b, original_name="别人的.xlsx", sha256="b" * 64)
    client.force_login(township_officer_a)
    body = client.get(reverse("survey:list")).content.decode()
    assert mine.original_name in body and "别人的.xlsx" not in body

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("survey:list")).status_code == 200
        return len(ctx.captured_queries)

    client.force_login(county_officer)
    small = count()
    ImportBatch.objects.bulk_create(
        ImportBatch(
            township=township_a,
            created_by=township_officer_a,
            original_name=f"{i}.xlsx",
            sha256="c" * 64,
        )
        for i in range(40)
    )
    assert count() == small


def test_the_batch_page_keeps_its_query_count_whatever_the_rows(
    client, township_a, township_officer_a
):
    batch = upload(
        survey_xlsx([person(name=None)] * 3), township=township_a, user=township_officer_a
    )
    client.force_login(township_officer_a)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            client.get(reverse("survey:detail", args=[batch.pk]))
        return len(ctx.captured_queries)

    small = count()
    ImportRow.objects.bulk_create(
        ImportRow(batch=batch, row_number=100 + i, action="rejected", message="x")
        for i in range(60)
    )
    assert count() == small


# ---------------------------------------------------------------------------
# Downloads


def exported(client, url: str):
    """A batch's file, the way every download of many people's data goes: asked for with a
    purpose, approved by another county officer, downloaded once."""
    from talentpool.models import ExportRequest
    from tests.factories import approve_export

    asked = client.get(url)
    assert asked.status_code == 302 and asked.url.startswith(reverse("security:export_new"))
    assert client.post(asked.url, {"reason": "修改后重新上传"}).status_code == 302
    export = approve_export(ExportRequest.objects.latest("pk"))
    response = client.post(reverse("security:export_download", args=[export.pk]))
    assert response.status_code == 200
    return response


def test_the_error_report_holds_the_rejected_rows_exactly_as_uploaded(
    client, township_a, township_officer_a
):
    # An ID typed as a number (digits lost): one whose check character is a digit, not X.
    number = next(n for n in iter(new_id, None) if n[-1] != "X")
    data = survey_xlsx(
        [
            person(name="甲"),
            person(name="乙", id_number=float(number), remark="=1+1"),
            person(name="丙", phone="12345", birth_date="1990.13"),
        ]
    )
    batch = upload(data, township=township_a, user=township_officer_a)
    client.force_login(township_officer_a)
    response = exported(client, reverse("survey:report", args=[batch.pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    header = rows[1]
    assert header[:3] == ("序号", "姓名", "性别")
    assert header[-2:] == ("原行号", "原因")
    second, third = rows[2], rows[3]
    assert second[1] == "乙"
    assert isinstance(second[5], float)  # the number cell, as it was
    assert second[5] == pytest.approx(float(number), rel=1e-14)
    assert second[17] == "=1+1"  # text, not a formula
    assert ws.cell(row=3, column=18).data_type == "s"
    assert second[-2] == first_row() + 1
    assert "文本" in second[-1]
    assert third[4] == "1990.13" and third[6] == "12345"
    assert "联系电话" in third[-1] and "不是有效的日期" in third[-1]
    # The corrected report imports again: it has the template's header.
    ws.cell(row=3, column=6).value = number
    ws.cell(row=3, column=6).data_type = "s"
    buffer = io.BytesIO()
    ws.parent.save(buffer)
    again = upload(buffer.getvalue(), township=township_a, user=township_officer_a)
    assert again.new_count == 1


def test_the_original_file_is_downloadable_only_through_the_scoped_view(
    client, township_a, township_officer_a, leader
):
    data = survey_xlsx([person()])
    batch = upload(data, township=township_a, user=township_officer_a, name="忠州.xlsx")
    client.force_login(township_officer_a)
    response = exported(client, reverse("survey:original", args=[batch.pk]))
    assert response.content == data
    assert "attachment" in response["Content-Disposition"]
    assert "%E5%BF%A0%E5%B7%9E.xlsx" in response["Content-Disposition"]
    client.force_login(leader)
    assert client.get(reverse("survey:original", args=[batch.pk])).status_code == 403
    assert AccessLog.objects.filter(
        action="export_download", detail__kind="survey_original"
    ).exists()


def test_a_stalled_write_can_be_started_again(client, township_a, township_officer_a):
    """The worker died mid-write (its transaction with it): the page says so and offers a
    restart, which writes the batch once."""
    import datetime

    from django.utils import timezone

    batch = upload(survey_xlsx([person(name="甲")]), township=township_a, user=township_officer_a)
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.RUNNING,
        confirmed_by=township_officer_a,
        confirmed_at=long_ago,
        started_at=long_ago,
        progress_at=long_ago,
    )
    client.force_login(township_officer_a)
    body = client.get(reverse("survey:detail", args=[batch.pk])).content.decode()
    assert "可能因服务器重启而中断" in body
    client.post(reverse("survey:retry", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.DONE
    assert Person.objects.filter(name="甲").count() == 1
    client.post(reverse("survey:retry", args=[batch.pk]))  # nothing to retry any more
    assert Person.objects.filter(name="甲").count() == 1


def test_a_batch_that_is_still_working_is_not_restarted(client, township_a, township_officer_a):
    from django.utils import timezone

    batch = upload(survey_xlsx([person(name="甲")]), township=township_a, user=township_officer_a)
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.RUNNING, progress_at=timezone.now()
    )
    client.force_login(township_officer_a)
    client.post(reverse("survey:retry", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.status == BatchStatus.RUNNING
    assert not Person.objects.filter(name="甲").exists()


def test_the_admin_exports_batch_listings_without_personal_data(township_a, township_officer_a):
    from talentpool.survey.resources import ImportBatchResource

    upload(survey_xlsx([person(name="甲")]), township=township_a, user=township_officer_a)
    dataset = ImportBatchResource().export()
    assert dataset.headers[:4] == ["id", "created_at", "乡镇（街道）", "上传人"]
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    assert row["乡镇（街道）"] == township_a.name and row["状态"] == "待确认"
    assert "甲" not in str(dataset.csv)


def test_the_preview_lists_the_people_it_will_add_without_their_birth_dates(
    client, township_a, village_a, township_officer_a
):
    number = new_id()
    batch = upload(
        survey_xlsx([person(name="陈新", id_number=number, village="香山村")]),
        township=township_a,
        user=township_officer_a,
    )
    client.force_login(township_officer_a)
    body = client.get(reverse("survey:detail", args=[batch.pk])).content.decode()
    section = body.split('id="added"')[1].split("</section>")[0]
    assert "新增的人员（1 人）" in section and "陈新" in section and "香山村" in section
    # Masked, and the birth date the mask hides is not beside it.
    assert number not in section and number[:6] in section
    assert "1990-05-03" not in section and "1990.05" not in section


def test_a_changed_birth_date_is_shown_by_its_year_only(db):
    from types import SimpleNamespace

    from talentpool.survey.views import _diffs

    row = SimpleNamespace(row_number=7, changes={"birth_date": ["1992-05-03", "1992-05-04"]})
    assert _diffs([row])[7] == [("出生日期", "1992-**-**", "1992-**-**")]
