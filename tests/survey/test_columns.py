"""Every column of a survey is accounted for: listed in the preview, a filled column no field
takes asked about before confirming, the answer remembered for the township's form, and what no
field takes kept with the person (tests of the page, the action and the command line)."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from talentpool.models import Person
from talentpool.survey import pipeline
from talentpool.survey.actions import answer_columns, confirm_batch
from talentpool.survey.fields import OTHER, SKIP
from talentpool.survey.models import BatchStatus, ImportBatch, ImportRow, SurveyLayout
from tests.factories import make_person

from .factories import HEADER, KEYS, person, survey_xlsx, upload

pytestmark = pytest.mark.django_db

# The township's form: 务工地点 headed 打工城市, which no field is known by, and 备注 headed 微信号.
OWN_HEADER = [
    {"work_place": "打工城市", "remark": "微信号"}.get(key, text)
    for key, text in zip(KEYS, HEADER, strict=True)
]


def own_form(*people: dict) -> bytes:
    return survey_xlsx(list(people), header=OWN_HEADER)


def columns(batch: ImportBatch) -> dict[str, dict]:
    return {c["heading"]: c for c in batch.report["columns"]}


def test_the_preview_lists_every_column_with_its_field_count_and_masked_samples(
    township_a, village_a, township_officer_a
):
    data = own_form(
        person(name="陈新", work_place="广东深圳", remark="wx_13912345678"),
        person(name="杨好", work_place=None, remark=None),
    )
    batch = upload(data, township=township_a, user=township_officer_a)
    listed = columns(batch)
    assert listed["姓名"].items() >= {"column": "B", "field": "name", "filled_rows": 2}.items()
    assert listed["打工城市"]["field"] is None and listed["打工城市"]["filled_rows"] == 1
    assert listed["打工城市"]["samples"] == ["广东深圳"]
    # A sample that could be a phone or an ID number is masked; mapped columns show none.
    assert listed["微信号"]["samples"] == ["wx_139****5678"]
    assert listed["联系电话"]["samples"] == []
    assert [c["heading"] for c in batch.unanswered_columns] == ["打工城市", "微信号"]
    warnings = [w for w in batch.report["warnings"] if "没有对应的登记项" in w]
    assert len(warnings) == 2 and "第L列“打工城市”有1行" in warnings[0]


def test_a_filled_column_no_field_takes_must_be_answered_before_confirming(
    client, township_a, village_a, township_officer_a
):
    batch = upload(
        own_form(person(name="陈新", work_place="广东深圳")),
        township=township_a,
        user=township_officer_a,
    )
    assert confirm_batch(batch, actor=township_officer_a) == "unanswered"
    client.force_login(township_officer_a)
    page = client.get(batch.get_absolute_url()).content.decode()
    assert "请先确认这些列如何处理" in page
    assert reverse("survey:confirm", args=[batch.pk]) not in page
    response = client.post(reverse("survey:confirm", args=[batch.pk]), follow=True)
    assert "还有填写了内容的列没有对应的登记项" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PREVIEWED


def test_answers_are_applied_remembered_for_the_layout_and_asked_no_more(
    client, township_a, village_a, township_officer_a
):
    batch = upload(
        own_form(person(name="陈新", work_place="广东深圳", remark="wx1")),
        township=township_a,
        user=township_officer_a,
    )
    client.force_login(township_officer_a)
    response = client.post(
        reverse("survey:columns", args=[batch.pk]), {"col_L": "work_place", "col_R": OTHER}
    )
    assert response.status_code == 302
    batch.refresh_from_db()  # checked again at once (tasks run immediately in tests)
    assert batch.status == BatchStatus.PREVIEWED
    assert columns(batch)["打工城市"]["field"] == "work_place"
    assert not batch.unanswered_columns
    layout = SurveyLayout.objects.get(township=township_a)
    assert layout.answers == {"打工城市": "work_place", "微信号": OTHER}
    assert layout.updated_by == township_officer_a
    assert confirm_batch(batch, actor=township_officer_a) is None
    chen = Person.objects.get(name="陈新")
    assert chen.work_place == "广东深圳" and chen.other_info == {"微信号": "wx1"}

    again = upload(
        own_form(person(name="杨好", work_place="浙江宁波", remark="wx2")),
        township=township_a,
        user=township_officer_a,
    )
    assert again.report["layout"] == layout.layout
    assert not again.unanswered_columns
    assert confirm_batch(again, actor=township_officer_a) is None
    yang = Person.objects.get(name="杨好")
    assert yang.work_place == "浙江宁波" and yang.other_info == {"微信号": "wx2"}


def test_a_column_marked_not_to_import_is_not_stored(township_a, village_a, township_officer_a):
    batch = upload(
        own_form(person(name="陈新", work_place="广东深圳", remark="wx1")),
        township=township_a,
        user=township_officer_a,
    )
    assert answer_columns(batch, {"打工城市": SKIP, "微信号": SKIP}, actor=township_officer_a)
    batch.refresh_from_db()
    assert confirm_batch(batch, actor=township_officer_a) is None
    assert Person.objects.get(name="陈新").other_info == {}
    assert any("已按选择不导入" in w for w in batch.report["warnings"])


def test_one_field_cannot_be_given_to_two_columns(
    client, township_a, village_a, township_officer_a
):
    batch = upload(
        own_form(person(name="陈新", work_place="广东深圳", remark="wx1")),
        township=township_a,
        user=township_officer_a,
    )
    client.force_login(township_officer_a)
    response = client.post(
        reverse("survey:columns", args=[batch.pk]), {"col_L": "work_place", "col_R": "work_place"}
    )
    assert response.status_code == 400
    assert "同一登记项只能对应一列" in response.content.decode()
    batch.refresh_from_db()
    assert batch.status == BatchStatus.PREVIEWED and batch.answers == {}
    assert not SurveyLayout.objects.exists()


def test_another_township_cannot_answer_and_readers_may_not(
    client, township_a, village_a, township_officer_a, township_officer_b, leader
):
    batch = upload(
        own_form(person(name="陈新", work_place="广东深圳")),
        township=township_a,
        user=township_officer_a,
    )
    url = reverse("survey:columns", args=[batch.pk])
    client.force_login(township_officer_b)
    assert client.post(url, {"col_L": OTHER}).status_code == 404
    client.force_login(leader)
    assert client.post(url, {"col_L": OTHER}).status_code == 403
    batch.refresh_from_db()
    assert batch.answers == {} and batch.status == BatchStatus.PREVIEWED
    assert not SurveyLayout.objects.exists()


def test_other_information_of_an_update_is_merged_and_restored_by_a_rollback(
    township_a, village_a, county_officer
):
    existing = make_person(township_a, village_a, name="王明")
    existing.other_info = {"身高": "170", "微信号": "old"}
    existing.save()
    data = own_form(
        person(
            name="王明",
            id_number=existing.id_number,
            birth=existing.birth_date,
            work_place=None,
            remark="new",
        )
    )
    batch = upload(data, township=township_a, user=county_officer)
    assert answer_columns(batch, {"微信号": OTHER}, actor=county_officer)
    batch.refresh_from_db()
    assert confirm_batch(batch, actor=county_officer) is None
    existing.refresh_from_db()
    assert existing.other_info == {"身高": "170", "微信号": "new"}
    row = ImportRow.objects.get(batch=batch, person_id=existing.pk)
    assert row.changes["other_info"][0] == {"身高": "170", "微信号": "old"}
    batch.refresh_from_db()
    assert not pipeline.rollback(batch, actor_id=county_officer.pk)
    existing.refresh_from_db()
    assert existing.other_info == {"身高": "170", "微信号": "old"}


# ---------------------------------------------------------------------------
# The command line


def run(path, township, *args: str) -> dict:
    out = io.StringIO()
    call_command(
        "import_survey", str(path), "--township", township.code, "--json", *args, stdout=out
    )
    return json.loads(out.getvalue())


def test_the_command_lists_columns_warns_of_each_unmapped_one_and_takes_map(
    tmp_path, township_a, village_a
):
    path = tmp_path / "登记表.xlsx"
    path.write_bytes(own_form(person(name="陈新", work_place="广东深圳", remark="wx1")))
    result = run(path, township_a, "--dry-run")
    by_heading = {c["heading"]: c for c in result["columns"]}
    assert by_heading["打工城市"] == {
        "column": "L",
        "heading": "打工城市",
        "field": None,
        "filled_rows": 1,
    }
    assert by_heading["姓名"]["field"] == "name"
    assert sum("没有对应的登记项" in w for w in result["warnings"]) == 2
    (accepted,) = result["accepted"]
    assert accepted["work_place"] is None

    result = run(
        path, township_a, "--dry-run", "--map", "打工城市=务工地点", "--map", "微信号=不导入"
    )
    (accepted,) = result["accepted"]
    assert accepted["work_place"] == "广东深圳"
    assert {c["heading"]: c["field"] for c in result["columns"]}["打工城市"] == "work_place"
    assert not any("没有对应的登记项" in w for w in result["warnings"])
    assert not Person.objects.exists()


def test_the_command_lists_values_kept_as_written(tmp_path, township_a, village_a):
    path = tmp_path / "登记表.xlsx"
    path.write_bytes(survey_xlsx([person(name="陈新", political_status="民主党派")]))
    result = run(path, township_a, "--dry-run")
    (accepted,) = result["accepted"]
    assert accepted["political_status"] == "民主党派"
    (item,) = result["partial"]
    expected = {"column": "I", "field": "political_status", "value": "民主党派"}
    assert item.items() >= expected.items()
    assert result["rejected"] == []


def test_the_preview_shows_a_change_of_other_information_in_words(
    client, township_a, village_a, county_officer
):
    existing = make_person(township_a, village_a, name="王明")
    existing.other_info = {"微信号": "old"}
    existing.save()
    row = person(
        name="王明", id_number=existing.id_number, birth=existing.birth_date, work_place=None
    )
    batch = upload(own_form(row | {"remark": "new"}), township=township_a, user=county_officer)
    assert answer_columns(batch, {"微信号": OTHER}, actor=county_officer)
    client.force_login(county_officer)
    body = client.get(batch.get_absolute_url()).content.decode()
    changes = body.split('id="changes"')[1].split("</section>")[0]
    assert "其他信息" in changes and "微信号：old" in changes and "微信号：new" in changes


def test_values_kept_as_written_are_masked_on_the_page(
    client, township_a, village_a, township_officer_a
):
    batch = upload(
        survey_xlsx([person(name="陈新", phone="1380013800")]),
        township=township_a,
        user=township_officer_a,
    )
    assert batch.report["partial"][0][3] == "1380013800"  # the report keeps it for the clerk
    client.force_login(township_officer_a)
    body = client.get(batch.get_absolute_url()).content.decode()
    section = body.split('id="partial"')[1].split("</section>")[0]
    assert "138***3800" in section and "1380013800" not in section
