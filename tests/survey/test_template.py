"""The blank template: instructions, header, drop-downs from a hidden 字典 sheet, text-formatted
ID and phone columns; and it imports cleanly once filled in."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from talentpool.survey.export import TEMPLATE_HEADER
from talentpool.survey.models import BatchStatus
from talentpool.survey.template import HEADER_ROW, blank_template
from tests.factories import make_village

from .factories import new_id, upload

pytestmark = pytest.mark.django_db


def test_the_template_has_instructions_a_header_and_lists(township_a, village_a):
    wb = load_workbook(
        io.BytesIO(blank_template(township_name="忠州街道", village_names=["香山村", "石宝村"]))
    )
    assert wb.sheetnames == ["填表说明", "登记表", "字典"]
    assert wb["字典"].sheet_state == "hidden"
    assert wb.active.title == "登记表"
    assert "填表说明" in wb["填表说明"]["A1"].value
    form = wb["登记表"]
    header = [c.value for c in form[HEADER_ROW]]
    assert header[1] == "姓名*" and header[5] == "身份证号码*"
    assert [h.rstrip("*") for h in header] == TEMPLATE_HEADER
    assert form.column_dimensions["F"].number_format == "@"  # 身份证号码
    assert form.column_dimensions["G"].number_format == "@"  # 联系电话
    lists = {
        str(dv.sqref).split(":")[0].rstrip("0123456789"): dv.formula1
        for dv in form.data_validations.dataValidation
    }
    assert set(lists) == {"C", "D", "H", "I", "J", "O", "P", "Q"}
    dictionary = wb["字典"]
    column = lists["I"].split("!")[1].split(":")[0].replace("$", "")[0]
    political = [c.value for c in dictionary[column]][1:]
    assert "中共党员" in political and "群众" in political
    villages_column = lists["H"].split("!")[1][1]
    villages = [c.value for c in dictionary[villages_column]][1:]
    assert [v for v in villages if v] == ["香山村", "石宝村"]
    assert lists["H"].endswith("$3")  # the list covers exactly the two names
    assert form.max_row == HEADER_ROW  # nothing below the header until a clerk fills it in


def test_a_filled_in_template_imports_cleanly(township_a, village_a, township_officer_a):
    make_village(township_a, 202, "石宝村")
    wb = load_workbook(
        io.BytesIO(blank_template(township_name="忠州街道", village_names=["香山村", "石宝村"]))
    )
    form = wb["登记表"]
    numbers = [new_id(), new_id()]
    form.append(
        [
            1,
            "张维",
            "男",
            "汉族",
            "1990.05",
            numbers[0],
            "13812345678",
            "香山村",
            "中共党员",
            "本科",
            "西南大学 农学",
            "广东深圳",
            "电子厂 技术员",
            "电工",
            "是",
            "愿意",
            "有意向",
            "党员先锋",
        ]
    )
    form.append(
        [
            2,
            "李强",
            "男",
            "土家族",
            "1990.05",
            numbers[1],
            "13912345678",
            "石宝村",
            "群众",
            "初中",
            None,
            "浙江宁波",
            "服装厂",
            None,
            "否",
            "考虑中",
            "不愿意",
            None,
        ]
    )
    buffer = io.BytesIO()
    wb.save(buffer)
    batch = upload(buffer.getvalue(), township=township_a, user=township_officer_a)
    assert batch.status == BatchStatus.PREVIEWED
    assert (batch.new_count, batch.rejected_count, batch.ignored_count) == (2, 0, 0)
    assert batch.report["warnings"] == ["已忽略隐藏工作表“字典”"]
    assert batch.report["unmatched_villages"] == []


def test_the_template_download_carries_the_townships_villages(
    client, township_a, township_b, village_a, village_b, township_officer_a, county_officer
):
    client.force_login(township_officer_a)
    # A township officer's template is their own township's, whatever the query says.
    response = client.get(reverse("survey:template"), {"township": township_b.pk})
    assert "attachment" in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(response.content))
    values = {c.value for row in wb["字典"].iter_rows() for c in row}
    assert village_a.name in values and village_b.name not in values
    client.force_login(county_officer)
    wb = load_workbook(
        io.BytesIO(client.get(reverse("survey:template"), {"township": township_b.pk}).content)
    )
    values = {c.value for row in wb["字典"].iter_rows() for c in row}
    assert village_b.name in values
