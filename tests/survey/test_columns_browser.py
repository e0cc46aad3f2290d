"""A column the system does not know: the officer is asked in the preview, maps it, confirms, and
next month's upload of the same form asks nothing - in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from talentpool.models import Person
from talentpool.survey import tasks
from talentpool.survey.models import ImportBatch, SurveyLayout
from tests.browser import log_in

from .factories import HEADER, KEYS, person, survey_xlsx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The township's own form: 务工地点 written as 打工城市, which no field is known by.
OWN_HEADER = [
    ("打工城市" if key == "work_place" else text) for key, text in zip(KEYS, HEADER, strict=True)
]


@pytest.fixture
def jobs_wait(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


def upload(page, path) -> ImportBatch:
    page.goto("/registry/import/upload/")
    page.get_by_label("登记表文件").set_input_files(str(path))
    page.get_by_role("button", name="上传并检查").click()
    expect(page.get_by_text("正在检查文件，尚未写入任何数据")).to_be_visible()
    batch = ImportBatch.objects.latest("pk")
    tasks.analyse_batch.call(batch.pk)
    return batch


def test_an_unknown_filled_column_is_asked_mapped_and_remembered(
    page, jobs_wait, township_a, village_a, township_officer_a, tmp_path
):
    first = tmp_path / "十一月.xlsx"
    first.write_bytes(survey_xlsx([person(name="陈新", work_place="广东深圳")], header=OWN_HEADER))
    log_in(page, township_officer_a.username)
    batch = upload(page, first)

    questions = page.locator("#columns-questions")
    expect(questions).to_be_visible()
    expect(questions.get_by_text("第L列“打工城市”")).to_be_visible()
    expect(questions.get_by_text("“广东深圳”")).to_be_visible()
    # Nothing can be confirmed while a filled column is unanswered.
    expect(page.get_by_role("button", name="确认导入（1 人）")).to_have_count(0)

    questions.get_by_label("第L列“打工城市”").select_option(label="务工地点")
    questions.get_by_role("button", name="保存选择并重新检查").click()
    expect(page.get_by_text("正在检查文件，尚未写入任何数据")).to_be_visible()
    tasks.analyse_batch.call(batch.pk)
    expect(page.get_by_role("button", name="确认导入（1 人）")).to_be_visible()
    expect(page.locator("#columns-questions")).to_have_count(0)
    expect(page.locator("tr[data-column=L]")).to_contain_text("务工地点")

    page.get_by_role("button", name="确认导入（1 人）").click()
    tasks.write_batch.call(batch.pk)
    expect(page.get_by_text("导入人才信息库")).to_be_visible()
    assert Person.objects.get(name="陈新").work_place == "广东深圳"
    assert SurveyLayout.objects.get(township=township_a).answers == {"打工城市": "work_place"}

    # Next month, the same form: no question, the column is read as 务工地点.
    second = tmp_path / "十二月.xlsx"
    second.write_bytes(survey_xlsx([person(name="杨好", work_place="浙江宁波")], header=OWN_HEADER))
    batch = upload(page, second)
    expect(page.get_by_role("button", name="确认导入（1 人）")).to_be_visible()
    expect(page.locator("#columns-questions")).to_have_count(0)
    page.get_by_role("button", name="确认导入（1 人）").click()
    tasks.write_batch.call(batch.pk)
    expect(page.get_by_text("导入人才信息库")).to_be_visible()
    assert Person.objects.get(name="杨好").work_place == "浙江宁波"
