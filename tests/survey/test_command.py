"""`manage.py import_survey`: the same pipeline from the command line, with --json."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from talentpool.models import Person
from talentpool.survey.models import BatchStatus, ImportBatch

from .conftest import FIXTURES
from .factories import first_row, new_id, person, survey_xlsx

pytestmark = pytest.mark.django_db


def run(path, township, *args: str) -> str:
    out = io.StringIO()
    call_command("import_survey", str(path), "--township", township.code, *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def survey_file(tmp_path):
    def make(people, name="登记表.xlsx"):
        path = tmp_path / name
        path.write_bytes(survey_xlsx(people))
        return path

    return make


def test_json_prints_accepted_rejected_ignored_and_warnings_by_excel_row(
    township_a, village_a, survey_file
):
    number = new_id()
    path = survey_file(
        [
            person(
                name="张维",
                id_number=number,
                political_status="党员",
                education="大学本科",
                phone=13812345678,
                village="香山",
                remark="+1",
            ),
            person(name="李四", id_number="500233900503123"),
            person(name="王五", village="桃源村", ethnicity=None),
        ]
    )
    result = json.loads(run(path, township_a, "--json", "--dry-run"))
    assert set(result) == {
        "file_error",
        "accepted",
        "rejected",
        "ignored",
        "warnings",
        "columns",
        "partial",
    }
    assert result["file_error"] is None
    first = result["accepted"][0]
    assert first == {
        "row": first_row(),
        "name": "张维",
        "gender": "男",
        "ethnicity": "汉族",
        "birth_date": "1990-05-03",
        "id_number": number,
        "phone": "13812345678",
        "village": "香山村",
        "political_status": "中共党员",
        "education": "本科",
        "school_major": "重庆三峡学院 机电一体化",
        "work_place": "广东深圳",
        "industry_unit": "电子厂 技术员",
        "skills": "电工",
        "is_veteran": False,
        "return_intention": "愿意",
        "village_post_intention": "有意向",
        "remark": "+1",
    }
    third = result["accepted"][1]
    assert third["row"] == first_row() + 2
    assert third["village"] == "桃源村"
    assert third["ethnicity"] is None
    (rejected,) = result["rejected"]
    assert rejected["row"] == first_row() + 1
    assert rejected["reason"] == "legacy_15_digit_id"
    assert "请改为18位" in rejected["message"]
    assert any("桃源村" in w or "对不上" in w for w in result["warnings"])


def test_dry_run_writes_nothing_at_all(township_a, survey_file):
    path = survey_file([person(), person()])
    batches, people = ImportBatch.objects.count(), Person.objects.count()
    output = run(path, township_a, "--dry-run")
    assert "检查完成（未写入）：新增 2" in output
    assert (ImportBatch.objects.count(), Person.objects.count()) == (batches, people)


def test_without_dry_run_the_file_is_imported_as_a_batch(township_a, survey_file):
    path = survey_file([person(name="甲"), person(name="乙")])
    output = run(path, township_a)
    assert "导入完成：新增 2" in output
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.DONE
    assert batch.source == "command"
    assert batch.file.name.startswith("uploads/survey/")
    assert batch.file.name != path.name
    assert Person.objects.filter(township=township_a, name__in=["甲", "乙"]).count() == 2
    # Again: the same file, recognised, everything unchanged.
    assert "无变化 2" in run(path, township_a)
    assert ImportBatch.objects.latest("pk").repeat_of == batch


def test_a_whole_file_failure_is_json_not_a_traceback(township_a, tmp_path):
    path = tmp_path / "登记表.xlsx"
    path.write_bytes(b"%PDF-1.4 not a sheet")
    result = json.loads(run(path, township_a, "--json"))
    assert result["file_error"]["reason"] == "not_a_spreadsheet"
    assert result["accepted"] == [] and result["rejected"] == []
    with pytest.raises(CommandError, match="PDF"):
        run(path, township_a, "--dry-run")


def test_ignored_rows_are_listed_with_their_kind(township_a, tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["序号", "姓名", "身份证号码"])
    ws.append(["示例", "张三", new_id()])
    ws.append([1, "王明", new_id()])
    ws.append([])
    ws.append(["合计", "1人"])
    ws.append(["填表人：刘会计"])
    path = tmp_path / "x.xlsx"
    wb.save(path)
    result = json.loads(run(path, township_a, "--json", "--dry-run"))
    assert result["ignored"] == [
        {"row": 2, "kind": "example"},
        {"row": 4, "kind": "blank"},
        {"row": 5, "kind": "total"},
        {"row": 6, "kind": "footer"},
    ]
    assert [a["row"] for a in result["accepted"]] == [3]


def test_a_legacy_xls_from_libreoffice_goes_through_the_same_rules(township_a):
    """The committed LibreOffice .xls (see fixtures/make_fixtures.sh): a hand-typed ID whose
    check character is wrong, and an ID typed as a number."""
    path = FIXTURES / "lo_survey.xls"
    result = json.loads(run(path, township_a, "--json", "--dry-run"))
    assert result["accepted"] == []
    assert [(r["row"], r["reason"]) for r in result["rejected"]] == [
        (7, "invalid_id"),
        (8, "id_digits_lost"),
    ]
    assert "校验位" in result["rejected"][0]["message"]
    assert result["ignored"] == [
        {"row": 9, "kind": "total"},
        {"row": 10, "kind": "blank"},
        {"row": 11, "kind": "footer"},
    ]


def test_an_unknown_township_is_a_clear_error(tmp_path, db):
    path = tmp_path / "a.xlsx"
    path.write_bytes(b"x")
    with pytest.raises(CommandError, match="没有区划代码为 500233999000 的乡镇"):
        call_command("import_survey", str(path), "--township", "500233999000")
