"""A township officer uploads a survey, reads the preview, confirms, watches the progress and
asks for the error report and downloads it once approved - in a real browser."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from talentpool.models import ExportRequest, Person
from talentpool.survey import tasks
from talentpool.survey.models import BatchStatus, ImportBatch
from tests.browser import log_in
from tests.factories import approve_export

from .factories import person, survey_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def jobs_wait(settings):
    """Jobs stay queued until the test runs them, as a busy worker would leave them."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def test_township_officer_uploads_previews_confirms_watches_progress_and_gets_the_report(
    page, jobs_wait, township_a, village_a, township_officer_a, tmp_path
):
    path = tmp_path / "忠州街道登记表.xlsx"
    path.write_bytes(
        survey_xlsx(
            [
                person(name="陈新"),
                person(name="刘错", phone="12345"),
                person(name="杨好"),
                person(name="王缺", id_number=None),
            ]
        )
    )
    log_in(page, township_officer_a.username)
    page.goto("/registry/import/")
    page.get_by_role("link", name="上传登记表").click()
    page.get_by_label("登记表文件").set_input_files(str(path))
    page.get_by_role("button", name="上传并检查").click()

    expect(page.get_by_text("正在检查文件，尚未写入任何数据")).to_be_visible()
    batch = ImportBatch.objects.get()
    tasks.analyse_batch.call(batch.pk)  # the worker picks the job up
    # The page polls, sees the check is over and shows the preview.
    expect(page.get_by_role("button", name="确认导入（3 人）")).to_be_visible()
    expect(page.locator("[data-count=new]")).to_have_text("3")
    expect(page.locator("[data-count=rejected]")).to_have_text("1")
    # A phone that cannot be read keeps the person; the value waits to be checked.
    expect(page.locator("#partial").get_by_text("无法识别的电话号码“12345”")).to_be_visible()
    expect(page.locator("#rejected").get_by_text("身份证号为空")).to_be_visible()
    assert not Person.objects.filter(name="陈新").exists()

    page.get_by_role("button", name="确认导入（3 人）").click()
    expect(page.get_by_text("已确认，等待后台开始导入")).to_be_visible()
    # Half-way through, as the job reports it.
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.RUNNING, rows_done=1, rate=1.0
    )
    expect(page.get_by_text(re.compile(r"已处理 1 / 3 行"))).to_be_visible()
    expect(page.locator("progress")).to_have_attribute("value", "33")
    ImportBatch.objects.filter(pk=batch.pk).update(status=BatchStatus.QUEUED)
    tasks.write_batch.call(batch.pk)
    expect(page.get_by_text(re.compile("导入人才信息库"))).to_be_visible()
    assert Person.objects.filter(name__in=["陈新", "杨好"], township=township_a).count() == 2
    kept = Person.objects.get(name="刘错")
    assert kept.phone == "" and kept.other_info == {"联系电话": "12345"}

    # The report holds the rejected people's rows: an export, approved by a county officer.
    page.get_by_role("link", name="下载错误报告").click()
    expect(page.get_by_text("导出：导入错误报告")).to_be_visible()
    page.get_by_label("导出用途").fill("修改后重新上传")
    page.get_by_role("button", name="提交导出申请").click()
    expect(page.get_by_text("须由另一位县委组织部干部审批")).to_be_visible()
    approve_export(ExportRequest.objects.get(kind="survey_report"))
    page.reload()
    with page.expect_download() as download_info:
        page.get_by_role("button", name="下载").click()
    download = download_info.value
    assert download.suggested_filename == "错误报告-忠州街道登记表.xlsx"
    workbook = load_workbook(io.BytesIO(Path(download.path()).read_bytes()))
    rows = list(workbook["未导入的行"].iter_rows(values_only=True))
    assert rows[2][1] == "王缺"
    assert "身份证号为空" in rows[2][-1]
    partial = list(workbook["部分字段待核实"].iter_rows(values_only=True))
    assert partial[2][:4] == (4, "G", "联系电话", "12345")
