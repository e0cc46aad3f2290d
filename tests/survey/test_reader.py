"""Tests of the spreadsheet-reading layer of the survey import (talentpool.survey.reader)."""

from __future__ import annotations

import codecs
import datetime
import io
import random
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from talentpool.survey import reader
from talentpool.survey.reader import (
    FIELDS,
    HEADER_SYNONYMS,
    FileRejected,
    SurveySheet,
    normalise_header,
    read_survey,
)

from .conftest import (
    FIXTURES,
    TITLE,
    ZX_COLUMNS,
    as_xlsm,
    person,
    rewrite_zip,
    simple_workbook,
    to_bytes,
    with_lying_size,
    zero_bomb,
    zhongxian_sheet,
    zhongxian_workbook,
)

ID = "500233199001011234"


def read_bytes(data: bytes, filename: str = "登记表.xlsx", **kwargs: object) -> SurveySheet:
    return read_survey(io.BytesIO(data), filename=filename, **kwargs)


def rejected(data: bytes, filename: str = "登记表.xlsx", **kwargs: object) -> FileRejected:
    with pytest.raises(FileRejected) as info:
        read_bytes(data, filename, **kwargs)
    return info.value


# ---------------------------------------------------------------------------
# The Zhongxian form


@pytest.fixture(scope="module")
def zhongxian() -> tuple[SurveySheet, list]:
    sheet = read_bytes(to_bytes(zhongxian_workbook()))
    return sheet, list(sheet.rows)


def test_zhongxian_form_picks_the_form_sheet(zhongxian):
    sheet, _ = zhongxian
    assert sheet.sheet_name == "在外人员登记表"
    assert sheet.warnings == ["已忽略隐藏工作表“字典”"]


def test_zhongxian_two_level_header(zhongxian):
    sheet, _ = zhongxian
    assert sheet.header_row == 4
    assert sheet.columns == ZX_COLUMNS
    assert set(sheet.columns) == set(FIELDS)
    assert sheet.extra_columns == [(7, "联系方式/微信")]
    assert sheet.header[:8] == [
        "序号",
        "姓  名",
        "性别",
        "民族",
        "出生年月",
        "身份证号码（18位）*",
        "联系方式/手机号",
        "联系方式/微信",
    ]
    assert sheet.header[9] == "政治\n面貌"
    assert sheet.header[12:15] == ["务工情况/务工地点", "务工情况/从事行业及单位", "特\u3000长"]


def test_zhongxian_people_rows_and_ignored_rows(zhongxian):
    sheet, rows = zhongxian
    # Title, 填表单位, two header rows and the example take rows 1-5.
    assert [r.number for r in rows] == list(range(6, 36))
    assert sheet.ignored == [(5, "example"), (36, "total"), (37, "blank"), (38, "footer")]
    for i, row in enumerate(rows):
        assert row.values["name"] == person(i)[1]
        assert set(row.values) == set(FIELDS)
        assert len(row.raw) == 19
    assert rows[1].values["id_number"] == person(1)[5]
    assert rows[3].values["remark"] == " 长期在外 "  # normalising is the next layer's job
    assert rows[0].raw[7] == "wx0"  # the unmapped 微信 column is still in raw


def test_zhongxian_cell_types(zhongxian):
    _, rows = zhongxian
    first = rows[0].values
    assert first["seq"] == 1
    assert isinstance(first["id_number"], float | int)
    assert first["id_number"] == pytest.approx(5.00233199001011e17, rel=1e-14)
    assert first["phone"] == 13812345678
    assert first["birth_date"] == datetime.date(1980, 1, 1)
    assert first["gender"] == "男"
    assert rows[1].values["remark"] is None


def test_rows_are_streamed_and_ignored_completes_on_exhaustion():
    sheet = read_bytes(to_bytes(zhongxian_workbook()))
    assert isinstance(sheet.rows, Iterator)
    next(sheet.rows)
    assert (36, "total") not in sheet.ignored
    rest = list(sheet.rows)
    assert len(rest) == 29
    assert sheet.ignored[-1] == (38, "footer")


@pytest.mark.parametrize("kind", ["path", "str", "file"])
def test_sources(tmp_path: Path, kind: str):
    path = tmp_path / "survey.xlsx"
    path.write_bytes(to_bytes(zhongxian_workbook(people=2)))
    if kind == "path":
        sheet = read_survey(path, filename=path.name)
    elif kind == "str":
        sheet = read_survey(str(path), filename=path.name)
    else:
        with path.open("rb") as fh:
            sheet = read_survey(fh, filename=path.name)
    assert [r.number for r in sheet.rows] == [6, 7]


# ---------------------------------------------------------------------------
# Finding the header and the data


def test_blank_rows_above_title_keep_excel_row_numbers():
    wb = simple_workbook([])
    ws = wb.active
    # Data start in row 4, column B: calamine trims both, Excel numbers must survive.
    ws["B4"] = TITLE
    for col, text in enumerate(["序号", "姓名", "身份证号", "联系电话"], start=2):
        ws.cell(row=5, column=col, value=text)
    for r, name in ((6, "王明"), (8, "李芳")):
        for col, value in enumerate([r - 5, name, ID, "13800000000"], start=2):
            ws.cell(row=r, column=col, value=value)
    sheet = read_bytes(to_bytes(wb))
    assert sheet.header_row == 5
    assert sheet.columns == {"seq": 1, "name": 2, "id_number": 3, "phone": 4}
    assert sheet.header == ["", "序号", "姓名", "身份证号", "联系电话"]
    rows = list(sheet.rows)
    assert [(r.number, r.values["name"]) for r in rows] == [(6, "王明"), (8, "李芳")]
    assert rows[0].raw == [None, 1, "王明", ID, "13800000000"]
    assert sheet.ignored == [(7, "blank")]


def test_columns_in_any_order_with_blank_and_extra_columns():
    sheet = read_bytes(
        to_bytes(
            simple_workbook(
                [
                    ["身份证号", None, "微信号", "姓名", "所属村", "家庭住址", "性别"],
                    [ID, "无表头的值", "wx", "王明", "石宝村", "忠县", "男"],
                ]
            )
        )
    )
    assert sheet.columns == {"id_number": 0, "name": 3, "village": 4, "gender": 6}
    assert sheet.extra_columns == [(2, "微信号"), (5, "家庭住址")]
    (row,) = sheet.rows
    assert row.values == {"id_number": ID, "name": "王明", "village": "石宝村", "gender": "男"}
    assert row.raw[1] == "无表头的值"


def test_duplicate_columns_keep_the_first():
    sheet = read_bytes(
        to_bytes(
            simple_workbook(
                [
                    ["姓名", "身份证号", "联系电话", "手机"],
                    ["王明", ID, "13800000000", "13900000000"],
                ]
            )
        )
    )
    assert sheet.columns["phone"] == 2
    assert sheet.extra_columns == [(3, "手机")]
    assert sheet.warnings == ["第D列“手机”与第C列“联系电话”是同一项，已使用第C列，第D列未导入"]


def test_two_level_header_without_merge_information():
    # Some WPS users unmerge the header before sending; the group text then stands only
    # over the first sub-header.
    wb = simple_workbook([])
    zhongxian_sheet(wb.active, people=3, merges=False)
    sheet = read_bytes(to_bytes(wb))
    assert sheet.header_row == 4
    assert sheet.columns == ZX_COLUMNS
    assert sheet.header[6:8] == ["联系方式/手机号", "联系方式/微信"]
    assert sheet.header[12:14] == ["务工情况/务工地点", "务工情况/从事行业及单位"]
    assert [r.number for r in sheet.rows] == [6, 7, 8]


def test_header_merged_down_over_an_empty_second_row():
    wb = simple_workbook([["姓名", "身份证号"], [], ["王明", ID]])
    wb.active.merge_cells("A1:A2")
    wb.active.merge_cells("B1:B2")
    sheet = read_bytes(to_bytes(wb))
    assert sheet.header_row == 2
    assert sheet.ignored == []
    assert [r.number for r in sheet.rows] == [3]


def test_first_person_row_is_not_taken_for_sub_headers():
    sheet = read_bytes(
        to_bytes(simple_workbook([["姓名", "身份证号", "专业"], ["王明", ID, "会计"]]))
    )
    assert sheet.header_row == 1
    assert [r.values["school_major"] for r in sheet.rows] == ["会计"]


def test_wps_like_file():
    wb = simple_workbook(
        [
            ["＊姓　名", "身份证号码＊", "手机号码：", "学历（最高）", "现工作地"],
            ["王明", ID, "13800000000", "本科", "重庆"],
        ],
        title="Sheet1",
    )
    ws = wb.active
    # WPS saves formatting for rows nobody filled in.
    from openpyxl.styles import Font

    for r in range(3, 60):
        ws.cell(row=r, column=1).font = Font(bold=True)
    data = rewrite_zip(
        to_bytes(wb),
        replace={
            "docProps/app.xml": (
                b'<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
                b'extended-properties"><Application>WPS \xe8\xa1\xa8\xe6\xa0\xbc</Application>'
                b"</Properties>"
            )
        },
    )
    sheet = read_bytes(data, filename="登记表(1).xlsx")
    assert sheet.columns == {
        "name": 0,
        "id_number": 1,
        "phone": 2,
        "education": 3,
        "work_place": 4,
    }
    assert [r.number for r in sheet.rows] == [2]
    assert all(kind == "blank" for _, kind in sheet.ignored)


def test_instruction_sheet_and_hidden_sheets_are_skipped():
    wb = zhongxian_workbook(people=1)
    very_hidden = wb.create_sheet("旧数据", 0)
    very_hidden.append(["姓名", "身份证号"])
    very_hidden.append(["不该导入", ID])
    very_hidden.sheet_state = "veryHidden"
    sheet = read_bytes(to_bytes(wb))
    assert sheet.sheet_name == "在外人员登记表"
    assert sheet.warnings == ["已忽略隐藏工作表“旧数据”", "已忽略隐藏工作表“字典”"]


def test_second_sheet_with_people_is_reported():
    wb = simple_workbook([["姓名", "身份证号"], ["王明", ID]], title="石宝村")
    ws = wb.create_sheet("新政村")
    ws.append(["姓名", "身份证号"])
    ws.append(["李芳", ID])
    sheet = read_bytes(to_bytes(wb))
    assert sheet.sheet_name == "石宝村"
    assert len(sheet.warnings) == 1
    assert "新政村" in sheet.warnings[0] and "只导入了“石宝村”" in sheet.warnings[0]


def test_header_must_be_within_the_first_20_rows():
    rows: list[list[object]] = [[f"说明第{i}行"] for i in range(20)]
    rows += [["姓名", "身份证号"], ["王明", ID]]
    assert rejected(to_bytes(simple_workbook(rows))).reason == "no_header"
    rows = (
        [[f"说明第{i}行"] for i in range(19)] + [[None]] * 5 + [["姓名", "身份证号"], ["王明", ID]]
    )
    assert read_bytes(to_bytes(simple_workbook(rows))).header_row == 25


# ---------------------------------------------------------------------------
# Rows that are not people


def test_seq_only_example_total_and_footer_rows():
    header = ["序号", "姓名", "身份证号", "备注"]
    sheet = read_bytes(
        to_bytes(
            simple_workbook(
                [
                    header,
                    ["例", "张三", ID, None],  # 2 example
                    [None, "（示例）李四", ID, None],  # 3 example
                    [1, "王明", ID, None],  # 4 person
                    [2, None, None, "  "],  # 5 seq_only (a stray space is not a value)
                    [3, None, None, None],  # 6 seq_only
                    [None, None, "小 计", None],  # 7 total
                    [None, None, None, None],  # 8 blank
                    ["合计：", "1人", None, None],  # 9 total
                    [None, "注：1、本表由村委会填写；", None, None],  # 10 footer
                    ["2、身份证号填18位。", None, None, None],  # 11 footer (note continues)
                    [4, "补录人员", ID, None],  # 12 person appended below the footer
                    ["审核人：", None, None, None],  # 13 footer
                    ["zzz", None, None, None],  # 14 footer (after the footer, no name/ID)
                ]
            )
        )
    )
    rows = list(sheet.rows)
    assert [(r.number, r.values["name"]) for r in rows] == [(4, "王明"), (12, "补录人员")]
    assert sheet.ignored == [
        (2, "example"),
        (3, "example"),
        (5, "seq_only"),
        (6, "seq_only"),
        (7, "total"),
        (8, "blank"),
        (9, "total"),
        (10, "footer"),
        (11, "footer"),
        (13, "footer"),
        (14, "footer"),
    ]


def test_bad_rows_are_still_data_rows():
    sheet = read_bytes(
        to_bytes(
            simple_workbook([["序号", "姓名", "身份证号"], [1, None, "abc"], [2, "王明", None]])
        )
    )
    assert [r.number for r in sheet.rows] == [2, 3]


def test_other_cell_types_are_kept():
    when = datetime.datetime(2024, 5, 6, 7, 8, 9)
    sheet = read_bytes(
        to_bytes(
            simple_workbook(
                [["姓名", "身份证号", "出生日期", "是否退役军人"], ["王明", ID, when, True]]
            )
        )
    )
    (row,) = sheet.rows
    assert row.values["birth_date"] == when
    assert row.values["is_veteran"] is True


# ---------------------------------------------------------------------------
# Header normalisation


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("姓  名", "姓名"),
        ("政治\n面貌", "政治面貌"),
        ("特\u3000长", "特长"),
        ("身份证号（18位）", "身份证号"),
        ("出生年月(公历)", "出生年月"),
        ("出生年月【yyyy.mm】", "出生年月"),
        ("身份证号*", "身份证号"),
        ("身份证号＊", "身份证号"),
        ("*姓名", "姓名"),
        ("备注：", "备注"),
        ("联系电话:", "联系电话"),
        ("身份证号（必填（18位））", "身份证号"),
        ("身份证号（18位", "身份证号"),
        (None, ""),
        (2025, "2025"),
    ],
)
def test_normalise_header(text: object, expected: str):
    assert normalise_header(text) == expected


def test_every_synonym_maps_to_its_field():
    assert set(HEADER_SYNONYMS) == set(FIELDS)
    for fld, synonyms in HEADER_SYNONYMS.items():
        for synonym in synonyms:
            assert reader._field_for(synonym) == fld, synonym
            assert reader._field_for(f" {synonym}（必填）* ") == fld, synonym


# ---------------------------------------------------------------------------
# Other formats


def test_xlsm_macros_are_ignored_with_a_warning():
    data = as_xlsm(to_bytes(zhongxian_workbook(people=2)))
    sheet = read_bytes(data, filename="登记表.xlsm")
    assert "文件中含有宏（VBA 代码），宏没有运行，已忽略，只读取了单元格中的内容" in sheet.warnings
    assert len(list(sheet.rows)) == 2


def test_external_links_are_not_followed():
    data = rewrite_zip(
        to_bytes(simple_workbook([["姓名", "身份证号"], ["王明", ID]])),
        add={"xl/externalLinks/externalLink1.xml": b"<externalLink/>"},
    )
    sheet = read_bytes(data)
    assert any("外部链接" in w for w in sheet.warnings)


@pytest.mark.parametrize("extension", ["xls", "ods", "xlsx"])
def test_libreoffice_files(extension: str):
    """Real files written by LibreOffice (see fixtures/make_fixtures.sh)."""
    path = FIXTURES / f"lo_survey.{extension}"
    sheet = read_survey(path, filename=path.name)
    assert sheet.sheet_name == "登记表"
    assert sheet.warnings == ["已忽略隐藏工作表“字典”"]
    assert sheet.header_row == 6  # two empty rows, title, 填表单位, two header rows
    assert sheet.header[5:7] == ["联系方式/手机号", "联系方式/微信"]
    assert sheet.extra_columns == [(6, "联系方式/微信")]
    first, second = sheet.rows
    assert (first.number, second.number) == (7, 8)
    assert sheet.ignored == [(9, "total"), (10, "blank"), (11, "footer")]
    # =B7&"x": the value LibreOffice cached when it saved the file.
    assert first.values["remark"] == "李明x"
    assert first.values["id_number"] == "500233199005011234"
    assert first.values["phone"] == 13812345678
    assert first.values["birth_date"] == datetime.date(1990, 5, 1)
    assert isinstance(second.values["id_number"], float)
    assert second.values["id_number"] == pytest.approx(500233199106021245, rel=1e-14)
    assert second.values["phone"] == "13900001111"


def test_xls_is_recognised_by_content_not_extension():
    data = (FIXTURES / "lo_survey.xls").read_bytes()
    assert data[:4] == b"\xd0\xcf\x11\xe0"
    assert len(list(read_bytes(data, filename="登记表.xlsx").rows)) == 2


def test_xlsx_named_xls_is_read():
    data = to_bytes(simple_workbook([["姓名", "身份证号"], ["王明", ID]]))
    assert len(list(read_bytes(data, filename="登记表.xls").rows)) == 1


@pytest.mark.parametrize(
    ("name", "data", "people"),
    [
        ("登记表.xls", lambda: to_bytes(simple_workbook([["姓名", "身份证号"], ["王明", ID]])), 1),
        ("登记表.xlsx", lambda: (FIXTURES / "lo_survey.xls").read_bytes(), 2),
    ],
)
def test_a_stored_file_whose_extension_does_not_match_is_read_by_content(
    tmp_path, name, data, people
):
    # A path is opened in place by its extension; a mismatch falls back to the content.
    path = tmp_path / name
    path.write_bytes(data())
    assert len(list(read_survey(path, filename=name).rows)) == people


CSV_TEXT = (
    "在外人员信息登记表,,,\r\n"
    "序号,姓名,身份证号,联系电话\r\n"
    "1,王明,500233199001011234,13800000000\r\n"
    '2,"䶮 李",50023319900101123X,\r\n'
    ",,,\r\n"
    "合计,2,,\r\n"
)


@pytest.mark.parametrize(
    "data",
    [
        codecs.BOM_UTF8 + CSV_TEXT.encode("utf-8"),
        CSV_TEXT.encode("utf-8"),
        CSV_TEXT.encode("gb18030"),  # 䶮 is outside GBK: proves GB18030, not GBK
    ],
    ids=["utf8-bom", "utf8", "gb18030"],
)
def test_csv(data: bytes):
    sheet = read_bytes(data, filename="登记表.csv")
    assert sheet.sheet_name == "CSV"
    assert sheet.header_row == 2
    rows = list(sheet.rows)
    assert [r.number for r in rows] == [3, 4]
    assert rows[0].values == {
        "seq": "1",
        "name": "王明",
        "id_number": "500233199001011234",
        "phone": "13800000000",
    }
    assert rows[1].values["name"] == "䶮 李"
    assert rows[1].values["phone"] is None
    assert sheet.ignored == [(5, "blank"), (6, "total")]


def test_csv_quoted_line_break_counts_as_one_row():
    data = '姓名,身份证号,备注\n王明,1,"第一行\n第二行"\n李芳,2,\n'.encode()
    sheet = read_bytes(data, filename="x.csv")
    assert [(r.number, r.values["name"]) for r in sheet.rows] == [(2, "王明"), (3, "李芳")]


def test_tab_separated_text():
    data = "在外人员名单\n姓名\t身份证号\n王明\t1\n".encode("gb18030")
    assert [r.values["name"] for r in read_bytes(data, filename="导出.txt").rows] == ["王明"]


def test_excel_unicode_text_export():
    data = "姓名\t身份证号\r\n王明\t500233199001011234\r\n".encode("utf-16")
    assert data[:2] == codecs.BOM_UTF16_LE
    (row,) = read_bytes(data, filename="登记表.txt").rows
    assert row.values == {"name": "王明", "id_number": ID}


# ---------------------------------------------------------------------------
# Whole-file rejections


def test_file_too_large_is_checked_before_parsing(tmp_path: Path):
    path = tmp_path / "big.xlsx"
    path.write_bytes(b"not even a spreadsheet" * 10)
    with pytest.raises(FileRejected) as info:
        read_survey(path, filename=path.name, max_bytes=100)
    assert info.value.reason == "file_too_large"
    assert "MB" in info.value.message
    assert rejected(b"x" * 101, max_bytes=100).reason == "file_too_large"


def test_file_too_large_from_a_stream_that_cannot_seek():
    class Upload:
        def __init__(self, data: bytes) -> None:
            self._buf = io.BytesIO(data)

        def read(self, size: int = -1) -> bytes:
            return self._buf.read(size)

    with pytest.raises(FileRejected) as info:
        read_survey(Upload(b"x" * 101), filename="a.xlsx", max_bytes=100)  # type: ignore[arg-type]
    assert info.value.reason == "file_too_large"
    data = to_bytes(simple_workbook([["姓名", "身份证号"], ["王明", ID]]))
    sheet = read_survey(Upload(data), filename="a.xlsx")  # type: ignore[arg-type]
    assert len(list(sheet.rows)) == 1


@pytest.mark.parametrize(
    ("data", "filename", "says"),
    [
        (CSV_TEXT.encode(), "登记表.xlsx", "纯文本"),
        (CSV_TEXT.encode("gb18030"), "登记表.xls", "纯文本"),
        (b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "登记表.xlsx", "PDF"),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "登记表.xlsx", "图片"),
        (b"\xff\xd8\xff\xe0" + bytes(100), "登记表.csv", "图片"),
        (random.Random(1).randbytes(5000), "登记表.xlsx", "无法识别"),
        (random.Random(2).randbytes(5000), "登记表.csv", "无法识别"),
        ("<html><body><table><tr><td>姓名</td></tr></table>".encode(), "导出.xls", "网页"),
        (b"MIME-Version: 1.0\r\nContent-Type: multipart/related\r\n", "登记表.xls", "网页"),
        (b"", "登记表.xlsx", "空的"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2000), "登记表.xls", "损坏"),
    ],
    ids=[
        "csv-named-xlsx",
        "csv-named-xls",
        "pdf",
        "png",
        "jpeg-named-csv",
        "random-xlsx",
        "random-csv",
        "html-named-xls",
        "mht-named-xls",
        "empty",
        "ole2-junk",
    ],
)
def test_not_a_spreadsheet(data: bytes, filename: str, says: str):
    error = rejected(data, filename)
    assert error.reason == "not_a_spreadsheet"
    assert says in error.message


def test_truncated_zip():
    data = to_bytes(zhongxian_workbook())
    error = rejected(data[: len(data) // 2])
    assert error.reason == "not_a_spreadsheet"
    assert "损坏或不完整" in error.message


def test_damaged_sheet_xml():
    data = rewrite_zip(
        to_bytes(simple_workbook([["姓名", "身份证号"], ["王明", ID]])),
        replace={"xl/worksheets/sheet1.xml": b"<worksheet><sheetData><row><c r="},
    )
    assert rejected(data).reason == "not_a_spreadsheet"


def test_zip_that_is_no_workbook():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<w:document/>")
    assert rejected(buf.getvalue()).reason == "not_a_spreadsheet"


def test_encrypted_workbook():
    """An xlsx saved with an open password (made by msoffcrypto-tool, see make_fixtures.sh)."""
    data = (FIXTURES / "encrypted.xlsx").read_bytes()
    assert reader._Cfb(data).has("EncryptionInfo")
    error = rejected(data)
    assert error.reason == "not_a_spreadsheet"
    assert "密码" in error.message


def test_zip_bomb_by_total_size(tmp_path: Path):
    path = tmp_path / "bomb.xlsx"
    zero_bomb(path)
    assert path.stat().st_size < 1024 * 1024
    with pytest.raises(FileRejected) as info:
        read_survey(path, filename=path.name)
    assert info.value.reason == "zip_bomb"


def test_zip_bomb_by_ratio():
    data = rewrite_zip(
        to_bytes(simple_workbook([["姓名", "身份证号"], ["王明", ID]])),
        add={"xl/media/padding.bin": bytes(5 * 1024 * 1024)},
    )
    assert rejected(data).reason == "zip_bomb"


def test_zip_bomb_by_member_count():
    members = {f"xl/printerSettings/p{i}.bin": b"" for i in range(10_001)}
    data = rewrite_zip(to_bytes(simple_workbook([["姓名", "身份证号"], ["王明", ID]])), add=members)
    assert rejected(data).reason == "zip_bomb"


def test_zip_member_larger_than_its_directory_entry_claims():
    # The directory says 2 KB, so the ratio and total checks pass; inflating it for real
    # finds out before calamine gets to it.
    big_sheet = to_bytes(
        simple_workbook([["姓名", "身份证号"]] + [["王明", ID]] * 2000),
    )
    data = with_lying_size(big_sheet, "xl/worksheets/sheet1.xml", 2048)
    assert rejected(data).reason == "not_a_spreadsheet"


# calamine allocates a sheet as one dense grid and aborts the process (no exception) when
# that fails: if one of these tests ever crashes the test run, a guard has gone missing.


def test_value_in_the_last_cell_of_an_xlsx_is_refused():
    wb = simple_workbook([["姓名", "身份证号"], ["王明", ID]])
    wb.active["XFD1048576"] = "误填"
    error = rejected(to_bytes(wb))
    assert error.reason == "file_too_large"
    assert "第1048576行、第XFD列" in error.message and "Ctrl+End" in error.message


def test_wide_but_reasonable_xlsx_is_read():
    wb = simple_workbook([["姓名", "身份证号"], ["王明", ID]])
    wb.active["AZ2"] = "备用列"
    wb.active["A3000"] = "末行"
    assert len(list(read_bytes(to_bytes(wb)).rows)) == 2


def lo_xls_with(offset: int, patch: bytes) -> bytes:
    data = bytearray((FIXTURES / "lo_survey.xls").read_bytes())
    data[offset : offset + len(patch)] = patch
    return bytes(data)


def test_xls_cell_with_a_damaged_column_number_is_refused():
    data = (FIXTURES / "lo_survey.xls").read_bytes()
    # The LABELSST record of 李明 (row 6, column 1, 0-based). Moved to row and column 0xFFFF
    # it makes calamine 0.9.1 allocate a 65536 x 65536 grid (137 GB) and abort.
    record = data.index(b"\xfd\x00\x0a\x00\x06\x00\x01\x00")
    damaged = lo_xls_with(record + 4, b"\xff\xff\xff\xff")
    assert rejected(damaged, "a.xls").reason == "not_a_spreadsheet"


def test_xls_used_range_with_rows_out_of_order_is_refused():
    data = (FIXTURES / "lo_survey.xls").read_bytes()
    # DIMENSIONS of the 填表说明 sheet: rows 0..2. With the first row set past the last,
    # calamine 0.9.1 reserves (2 - 64000) cells, wrapped to 4 billion, and aborts.
    record = data.index(b"\x00\x02\x0e\x00\x00\x00\x00\x00\x02\x00\x00\x00")
    damaged = lo_xls_with(record + 4, b"\x00\xfa")
    assert rejected(damaged, "a.xls").reason == "not_a_spreadsheet"


@pytest.mark.parametrize("offset", [44, 64, 72], ids=["fat", "minifat", "difat"])
def test_xls_header_counts_larger_than_the_file_are_refused(offset: int):
    error = rejected(lo_xls_with(offset, b"\x00\xff\xff\x7f"), "a.xls")
    assert error.reason == "not_a_spreadsheet"


def test_no_header():
    data = to_bytes(simple_workbook([["名单"], ["王明", "500233199001011234"]]))
    error = rejected(data)
    assert error.reason == "no_header"
    assert "姓名" in error.message and "身份证号" in error.message


def test_no_header_points_at_a_hidden_sheet():
    wb = simple_workbook([["说明"]])
    hidden = wb.create_sheet("名单")
    hidden.append(["姓名", "身份证号"])
    hidden.sheet_state = "hidden"
    error = rejected(to_bytes(wb))
    assert error.reason == "no_header"
    assert "隐藏的工作表“名单”" in error.message


def test_no_header_in_csv():
    assert rejected(b"a,b\n1,2\n", "x.csv").reason == "no_header"


def test_no_data_rows():
    data = to_bytes(
        simple_workbook(
            [[TITLE], ["序号", "姓名", "身份证号"], ["示例", "张三", ID], [1], [2], ["合计", 0]]
        )
    )
    error = rejected(data)
    assert error.reason == "no_data_rows"
    assert "第2行" in error.message


def test_file_rejected_carries_reason_and_message():
    error = FileRejected("no_header", "没有找到表头")
    assert (error.reason, error.message, str(error)) == (
        "no_header",
        "没有找到表头",
        "没有找到表头",
    )


def test_calamine_layout_probe_matches_installed_calamine():
    # python-calamine 0.9.1 pads the rows above the data but not the columns left of it.
    assert reader._calamine_layout() == (True, False)


def test_a_row_of_column_numbers_under_the_header_is_not_a_person():
    rows = [
        ["序号", "姓名", "性别", "身份证号"],
        ["（1）", "（2）", "（3）", "（4）"],
        [1, "王明", "男", ID],
    ]
    sheet = read_bytes(to_bytes(simple_workbook(rows)))
    assert [row.number for row in sheet.rows] == [3]
    assert sheet.ignored == [(2, "column_numbers")]
    sheet = read_bytes(to_bytes(simple_workbook([rows[0], [1, 2, 3, 4], rows[2]])))
    assert [row.number for row in sheet.rows] == [3]
