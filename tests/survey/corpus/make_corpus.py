"""Build the corpus of township survey workbooks and the result each must give.

    .venv/bin/python tests/survey/corpus/make_corpus.py

Writes files/<name> (xlsx with openpyxl; xls and ods converted from an openpyxl xlsx by
LibreOffice headless, `soffice`, Debian package libreoffice-calc-nogui; csv in UTF-8 with and
without BOM and in GB18030) and expected/<name>.json. Deterministic: the same run gives the
same people, headings and expectations; the binary files differ only in their timestamps.

The expectations are worked out here from the people as generated, never by running the
import: they say what a careful clerk would read from each sheet. Every person is synthetic
(demo names, ID numbers of 忠县 (500233) with valid GB 11643 check characters).
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl import Workbook
from openpyxl.utils import get_column_letter

HERE = Path(__file__).resolve().parent
FILES = HERE / "files"
EXPECTED = HERE / "expected"

# The township the test creates (tests/conftest.py's township_a) and its villages.
TOWNSHIP = {
    "code": "500233001000",
    "name": "忠州街道",
    "villages": ["香山村", "白公社区", "桃源村", "新政村"],
}
AREA = "500233"

JSON_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "id_number",
    "phone",
    "village",
    "political_status",
    "education",
    "school_major",
    "work_place",
    "industry_unit",
    "skills",
    "is_veteran",
    "return_intention",
    "village_post_intention",
    "remark",
)

# ---------------------------------------------------------------------------
# ID numbers (GB 11643-1999), written out here so the oracle does not lean on the code
# under test.

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def check_character(first17: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def id_number(birth: datetime.date, sequence: int, gender: str) -> str:
    gender_digit = (sequence % 5) * 2 + (1 if gender == "1" else 0)
    first17 = f"{AREA}{birth:%Y%m%d}{sequence % 100:02d}{gender_digit}"
    return first17 + check_character(first17)


# ---------------------------------------------------------------------------
# People: what a clerk typed and what the import must make of it

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余"
GIVEN = "明芳伟娜强敏静丽军磊洋勇艳杰娟涛超霞平刚桂英华玉兰萍红梅鑫宇浩然思雨佳欣"

# (typed, expected label) pairs
ETHNICITY = [
    ("汉族", "汉族"),
    ("汉", "汉族"),
    ("土家族", "土家族"),
    ("汉族", "汉族"),
    ("土家", "土家族"),
]
ETHNICITY += [("苗族", "苗族"), ("汉", "汉族")]
POLITICAL = [("群众", "群众"), ("中共党员", "中共党员"), ("党员", "中共党员"), ("群众", "群众")]
POLITICAL += [("团员", "共青团员"), ("共青团员", "共青团员"), ("预备党员", "中共预备党员")]
EDUCATION = [("大专", "大专"), ("本科", "本科"), ("高中", "高中"), ("大学本科", "本科")]
EDUCATION += [("中专", "中专"), ("初中", "初中"), ("大专", "大专")]
WILLING = [("愿意", "愿意"), ("不愿意", "不愿意"), ("考虑中", "考虑中"), ("有意向", "有意向")]
WILLING += [("愿意", "愿意")]
YES_NO_WILLING = [("是", "愿意"), ("否", "不愿意")]
VETERAN = [("否", False), ("否", False), ("是", True), (None, None), ("否", False)]
VILLAGES_TYPED = [
    ("香山村", "香山村"),
    ("白公社区", "白公社区"),
    ("香山", "香山村"),
    ("桃源村", "桃源村"),
    ("新政村", "新政村"),
    ("忠州街道新政村", "新政村"),
]
SCHOOLS = ["重庆三峡学院 机电一体化", "重庆工程职业技术学院/建筑工程", "忠县职教中心", None]
SCHOOLS += ["西南大学 农学", "重庆电子工程职业学院 计算机应用"]
WORK_PLACES = ["广东深圳", "浙江宁波", "重庆渝北区", "江苏苏州", "福建厦门", "四川成都", None]
INDUSTRIES = ["电子厂 技术员", "建筑业/项目部施工员", "物流公司 司机", "餐饮 厨师"]
INDUSTRIES += ["个体经营 水果店", "教育培训 教师", None]
SKILLS = ["电工", "驾驶（B照）", "电商运营", None, "厨艺", "种植养殖"]
REMARKS = [None, None, "长期在外", None, "已婚，育有一子", None, None]
MARITAL = ["已婚", "未婚"]


@dataclass
class Person:
    typed: dict[str, object]  # field or extra key -> the cell as typed (None: blank)
    expected: dict[str, object] | None  # the accepted row's JSON fields; None if rejected
    reason: str | None = None
    partial: list[tuple[str, str]] = field(default_factory=list)  # (field, value as typed)


def make_people(fileno: int, count: int, style: dict) -> list[Person]:
    people: list[Person] = []
    names: set[str] = set()
    for i in range(count):
        k = fileno * 7 + i
        gender = "2" if k % 3 == 0 else "1"
        birth = datetime.date(1975 + (k * 5) % 27, 1 + (k * 7) % 12, 1 + (k * 11) % 28)
        number = id_number(birth, i + 1, gender)
        name = SURNAMES[k % len(SURNAMES)] + GIVEN[(k * 3) % len(GIVEN)]
        if k % 2:
            name += GIVEN[(k * 5 + 1) % len(GIVEN)]
        while name in names:
            name += GIVEN[(k + len(name)) % len(GIVEN)]
        names.add(name)
        eth = ETHNICITY[k % len(ETHNICITY)]
        pol = POLITICAL[k % len(POLITICAL)]
        edu = EDUCATION[k % len(EDUCATION)]
        ret = WILLING[k % len(WILLING)]
        post = (YES_NO_WILLING if style.get("post") == "yes_no" else WILLING)[
            (k + 2) % (2 if style.get("post") == "yes_no" else len(WILLING))
        ]
        vet = VETERAN[k % len(VETERAN)]
        village = VILLAGES_TYPED[k % len(VILLAGES_TYPED)]
        if style.get("village") == "address":
            village = (f"忠州街道{village[1]}", village[1])
        phone_digits = f"1{3 + k % 6}{(k * 7919) % 10**9:09d}"
        phone: object = phone_digits
        if style.get("phone") == "int" or (style.get("phone") == "mixed" and k % 2):
            phone = int(phone_digits)
        expected_phone: str | None = phone_digits
        if k % 9 == 4:
            phone, expected_phone = None, None
        typed = {
            "seq": i + 1,
            "name": name,
            "gender": "男" if gender == "1" else "女",
            "ethnicity": eth[0],
            "birth_date": _birth_cell(birth, style.get("birth", "dot"), k),
            "id_number": number,
            "phone": phone,
            "village": village[0],
            "political_status": pol[0],
            "education": edu[0],
            "school_major": SCHOOLS[k % len(SCHOOLS)],
            "work_place": WORK_PLACES[k % len(WORK_PLACES)],
            "industry_unit": INDUSTRIES[k % len(INDUSTRIES)],
            "skills": SKILLS[k % len(SKILLS)],
            "is_veteran": vet[0],
            "return_intention": ret[0],
            "village_post_intention": post[0],
            "remark": REMARKS[k % len(REMARKS)],
            "x:address": f"{village[1]}{1 + k % 9}组{10 + k % 40}号",
            "x:wechat": f"wx_{phone_digits[-6:]}" if k % 3 else None,
            "x:height": 155 + (k * 13) % 30,
            "x:marital": MARITAL[k % 2],
            "x:qq": str(10000000 + k * 7919),
        }
        expected = {
            "name": name,
            "gender": "男" if gender == "1" else "女",
            "ethnicity": eth[1],
            "birth_date": birth.isoformat(),
            "id_number": number,
            "phone": expected_phone,
            "village": village[1],
            "political_status": pol[1],
            "education": edu[1],
            "school_major": typed["school_major"],
            "work_place": typed["work_place"],
            "industry_unit": typed["industry_unit"],
            "skills": typed["skills"],
            "is_veteran": vet[1],
            "return_intention": ret[1],
            "village_post_intention": post[1],
            "remark": typed["remark"],
        }
        people.append(Person(typed, expected))
    return people


def _birth_cell(birth: datetime.date, style: str, k: int) -> object:
    if style == "mixed":
        style = ("dot", "cn", "date", "blank")[k % 4]
    if style == "mixed_text":
        style = ("dot", "cn", "iso", "slash")[k % 4]
    return {
        "dot": f"{birth.year}.{birth.month:02d}",
        "cn": f"{birth.year}年{birth.month}月",
        "date": birth,
        "iso": birth.isoformat(),
        "slash": f"{birth.year}/{birth.month}/{birth.day}",
        "blank": None,
    }[style]


def apply_special(people: list[Person], index: int, kind: str) -> None:
    """Turn people[index] into one of the cases a clerk's sheet holds."""
    p = people[index]
    number = str(p.typed["id_number"])
    if kind == "invalid_id":
        wrong = "0" if number[-1] != "0" else "1"
        p.typed["id_number"] = number[:-1] + wrong
        p.expected, p.reason = None, "invalid_id"
    elif kind == "legacy_15_digit_id":
        p.typed["id_number"] = number[:6] + number[8:17]
        p.expected, p.reason = None, "legacy_15_digit_id"
    elif kind == "missing_name":
        p.typed["name"] = None
        p.expected, p.reason = None, "missing_name"
    elif kind == "id_gender_mismatch":
        p.typed["gender"] = "女" if p.typed["gender"] == "男" else "男"
        p.expected, p.reason = None, "id_gender_mismatch"
    elif kind == "id_birthdate_mismatch":
        year = int(number[6:10]) + 1
        p.typed["birth_date"] = f"{year}.{number[10:12]}"
        p.expected, p.reason = None, "id_birthdate_mismatch"
    elif kind == "bad_date":
        p.typed["birth_date"] = f"{number[6:10]}年13月"
        p.expected, p.reason = None, "bad_date"
    elif kind == "id_digits_lost":
        p.typed["id_number"] = int(number[:17] + ("0" if number[17] == "X" else number[17]))
        p.expected, p.reason = None, "id_digits_lost"
    elif kind == "duplicate_in_file":
        # The same ID typed for the person above, under another name: both rows are refused.
        p.typed["id_number"] = people[index - 1].typed["id_number"]
        for q in (people[index - 1], p):
            q.expected, q.reason = None, "duplicate_in_file"
    elif kind == "name_with_space":
        name = str(p.typed["name"])
        p.typed["name"] = name[0] + " " + name[1:]
    elif kind == "democratic_party":
        p.typed["political_status"] = "民主党派"
        p.expected["political_status"] = "民主党派"
        p.partial.append(("political_status", "民主党派"))
    elif kind in ("函授本科", "在读研究生"):
        p.typed["education"] = kind
        p.expected["education"] = None
        p.partial.append(("education", kind))
    elif kind == "unknown_ethnicity":
        p.typed["ethnicity"] = "穿青人"
        p.expected["ethnicity"] = None
        p.partial.append(("ethnicity", "穿青人"))
    else:
        raise ValueError(kind)


# ---------------------------------------------------------------------------
# Layouts: the columns of a form, as (heading, key, group)

EXTRA_HEADINGS = {
    "x:address": "家庭住址",
    "x:wechat": "微信号",
    "x:height": "身高（cm）",
    "x:marital": "婚姻状况",
    "x:qq": "QQ号",
}


@dataclass
class Col:
    heading: str | None
    key: str | None  # a field, an "x:" extra, or None for a column nobody fills
    group: str | None = None


def cols(*items: tuple) -> list[Col]:
    return [Col(*item) for item in items]


TEMPLATE = cols(
    ("序号", "seq"),
    ("姓名", "name"),
    ("性别", "gender"),
    ("民族", "ethnicity"),
    ("出生年月", "birth_date"),
    ("身份证号码", "id_number"),
    ("联系电话", "phone"),
    ("户籍所在村（社区）", "village"),
    ("政治面貌", "political_status"),
    ("文化程度", "education"),
    ("毕业院校及专业", "school_major"),
    ("务工地点", "work_place"),
    ("从事行业及单位", "industry_unit"),
    ("特长", "skills"),
    ("是否退役军人", "is_veteran"),
    ("返乡意愿", "return_intention"),
    ("到村任职意愿", "village_post_intention"),
    ("备注", "remark"),
)

WPS_FORM = cols(
    ("序号", "seq"),
    ("姓名", "name"),
    ("性别", "gender"),
    ("民族", "ethnicity"),
    ("出生年月", "birth_date"),
    ("身份证号码（18位）", "id_number"),
    ("联系电话", "phone"),
    ("所在村", "village"),
    ("政治面貌", "political_status"),
    ("学历", "education"),
    ("毕业院校", "school_major"),
    ("外出务工地点", "work_place"),
    ("从事行业/工作单位", "industry_unit"),
    ("特长", "skills"),
    ("是否退役军人", "is_veteran"),
    ("返乡意愿", "return_intention"),
    ("村任职意愿", "village_post_intention"),
    ("家庭住址", "x:address"),
    ("备注", "remark"),
)

EXCEL_JOINED = cols(
    ("姓名", "name"),
    ("身份证号码（18位）", "id_number"),
    ("性别", "gender"),
    ("出生年月", "birth_date"),
    ("民族", "ethnicity"),
    ("户籍地址", "village"),
    ("手机号码", "phone"),
    ("政治面貌", "political_status"),
    ("文化程度", "education"),
    ("毕业学校及专业", "school_major"),
    ("工作单位及从事行业", "industry_unit"),
    ("外出地点", "work_place"),
    ("是否愿意到村任职", "village_post_intention"),
    ("返乡意愿", "return_intention"),
    ("技能特长", "skills"),
    ("退役军人", "is_veteran"),
    ("备注", "remark"),
)

WHITESPACE_FORM = cols(
    ("序\u3000号", "seq"),
    ("姓\u200b名", "name"),
    ("性  别", "gender"),
    ("民\u00a0族", "ethnicity"),
    ("出生\n年月", "birth_date"),
    ("身份证\n号码（18位）", "id_number"),
    ("联系\u3000电话", "phone"),
    ("户籍所在村\n（社区）", "village"),
    ("政治\n面貌", "political_status"),
    ("文化\n程度", "education"),
    ("毕业院校\n及专业", "school_major"),
    ("外出务工\n地点", "work_place"),
    ("从事行业\n/工作单位", "industry_unit"),
    ("特\u3000长", "skills"),
    ("是否退役\n军人", "is_veteran"),
    ("返乡\u00a0意愿", "return_intention"),
    ("村任职\n意愿", "village_post_intention"),
    ("备\u200b注", "remark"),
)

GROUPED = cols(
    ("序号", "seq"),
    ("姓名", "name", "基本情况"),
    ("性别", "gender", "基本情况"),
    ("民族", "ethnicity", "基本情况"),
    ("出生年月", "birth_date", "基本情况"),
    ("身份证号码", "id_number", "基本情况"),
    ("手机号", "phone", "联系方式"),
    ("微信号", "x:wechat", "联系方式"),
    ("户籍所在村", "village"),
    ("政治面貌", "political_status"),
    ("文化程度", "education", "学历情况"),
    ("毕业学校及专业", "school_major", "学历情况"),
    ("外出务工地点", "work_place", "务工情况"),
    ("从事行业/工作单位", "industry_unit", "务工情况"),
    ("特长", "skills"),
    ("是否退役军人", "is_veteran"),
    ("返乡意愿", "return_intention", "意愿情况"),
    ("村任职意愿", "village_post_intention", "意愿情况"),
    ("备注", "remark"),
)

# Group rows as the Zhongxian template has them: name and ID stand alone.
GROUPED_WORK_ONLY = cols(
    ("序号", "seq"),
    ("姓名", "name"),
    ("性别", "gender"),
    ("出生年月", "birth_date"),
    ("身份证号", "id_number"),
    ("联系电话", "phone"),
    ("所属村", "village"),
    ("政治面貌", "political_status"),
    ("学历", "education", "学历情况"),
    ("毕业学校及专业", "school_major", "学历情况"),
    ("外出地点", "work_place", "务工情况"),
    ("工作单位及从事行业", "industry_unit", "务工情况"),
    ("返乡意愿", "return_intention", "意愿情况"),
    ("是否愿意到村任职", "village_post_intention", "意愿情况"),
    ("备注", "remark"),
)

MINIMAL = cols(
    ("姓名", "name"),
    ("公民身份号码", "id_number"),
    ("联系方式", "phone"),
    ("村（社区）", "village"),
    ("村任职意愿", "village_post_intention"),
)


def shuffled(layout: list[Col], order: list[int]) -> list[Col]:
    return [layout[i] for i in order]


# ---------------------------------------------------------------------------
# Files


@dataclass
class Spec:
    name: str  # file name, extension gives the format
    varies: str
    layout: list[Col] = field(default_factory=list)
    count: int = 8
    style: dict = field(default_factory=dict)
    specials: dict[int, str] = field(default_factory=dict)
    above: list[object] = field(default_factory=list)  # rows above the header
    header: str = "single"  # single | merged | repeated
    start_col: int = 0
    example: bool = False
    total: bool = False
    footer: bool = False
    blank_after: int | None = None  # a blank row after this person
    sheets: tuple[str, ...] = ("data",)
    data_sheet: str = "登记表"
    file_error: str | None = None
    raw_rows: list[list[object]] | None = None  # a refused file's cells, as is
    encoding: str = "utf-8"  # of a csv file


TITLE = "忠县忠州街道在外人员信息登记表"
INSTRUCTIONS = [
    "本表由村（社区）填写，镇党建办汇总；",
    "姓名与身份证一致，不得使用简称；",
    "身份证号码填写18位，末位X大写；",
    "出生年月按“1990年5月”格式填写；",
    "联系电话填写本人常用手机号；",
    "所在村填写户籍所在村（社区）；",
    "政治面貌填写中共党员、中共预备党员、共青团员、群众等；",
    "学历填写最高学历；",
    "外出务工地点填写到县（市、区）；",
    "从事行业/工作单位填写行业及单位名称；",
    "特长填写技能、证书等；",
    "村任职意愿填写愿意、有意向、考虑中、不愿意；",
    "家庭住址填写到组；",
    "请于3月20日前报镇党建办，电子版发邮箱。",
]
UNIT_LINE = "填报单位：忠州街道香山村（盖章）\u3000\u3000\u3000\u3000填报日期：2025年3月10日"

SPECS = [
    Spec(
        "01_template_headings.xlsx",
        "the blank template's own headings, title row above (control: passes today)",
        TEMPLATE,
        count=10,
        above=[TITLE],
        style={"birth": "dot"},
    ),
    Spec(
        "02_wps_outside_headings.xlsx",
        "外出务工地点, 从事行业/工作单位, 村任职意愿, 身份证号码（18位）; title and 填报单位 line "
        "above (header row 3); an extra 家庭住址 column",
        WPS_FORM,
        count=12,
        above=[TITLE, UNIT_LINE],
        style={"birth": "cn", "phone": "int"},
        specials={3: "name_with_space"},
    ),
    Spec(
        "03_excel_joined_headings.xlsx",
        "joined and reworded headings (工作单位及从事行业, 是否愿意到村任职 with 是/否, 外出地点, "
        "户籍地址, 毕业学校及专业, 技能特长, 退役军人), columns in another order, header in row 1",
        EXCEL_JOINED,
        count=10,
        style={"birth": "date", "post": "yes_no", "village": "address"},
    ),
    Spec(
        "04_whitespace_in_headings.xlsx",
        "line breaks inside heading cells, U+3000, NBSP, zero-width spaces, full-width brackets, "
        "double spaces; header row 2 under a merged title",
        WHITESPACE_FORM,
        count=9,
        above=[TITLE],
        style={"birth": "mixed", "phone": "mixed"},
    ),
    Spec(
        "05_two_level_merged.xlsx",
        "two-level header: groups 基本情况 (over name and ID too), 联系方式 (over 手机号 and an "
        "extra 微信号), 学历情况, 务工情况, 意愿情况 in merged cells; ungrouped headings merged "
        "down; title and unit lines above (header rows 3-4)",
        GROUPED,
        count=10,
        above=[TITLE, UNIT_LINE],
        header="merged",
        style={"birth": "dot"},
    ),
    Spec(
        "06_two_level_repeated.xlsx",
        "the same two-level header with the merges undone and filled (WPS 取消合并并填充): group "
        "names repeated over each column, ungrouped headings repeated in both rows",
        GROUPED,
        count=10,
        above=[TITLE],
        header="repeated",
        style={"birth": "cn", "phone": "int"},
    ),
    Spec(
        "07_two_level_merged_legacy.xls",
        "legacy .xls (BIFF8, LibreOffice) with a two-level merged header, groups over name and "
        "ID, a 示例 row, a 合计 row and a 填表人 footer",
        GROUPED,
        count=9,
        above=[TITLE, UNIT_LINE],
        header="merged",
        example=True,
        total=True,
        footer=True,
        style={"birth": "date"},
    ),
    Spec(
        "08_two_level_name_alone.xlsx",
        "two-level header in which name and ID stand alone (merged down) and the groups hold "
        "reworded headings (外出地点, 工作单位及从事行业, 是否愿意到村任职)",
        GROUPED_WORK_ONLY,
        count=8,
        above=[TITLE],
        header="merged",
        style={"birth": "dot", "post": "yes_no"},
    ),
    Spec(
        "09_header_row_12.xlsx",
        "header in row 12: title, unit line, blank rows and six numbered instruction lines above",
        WPS_FORM,
        count=8,
        above=[
            TITLE,
            UNIT_LINE,
            None,
            "填表要求：",
            "1、身份证号码请填写18位，末位X大写；",
            "2、出生年月按“1990.05”格式填写；",
            "3、政治面貌填写中共党员、共青团员、群众等；",
            "4、务工地点填写到县（市、区）；",
            "5、意愿填写愿意、有意向、考虑中、不愿意；",
            "6、请于3月20日前报镇党建办。",
            None,
        ],
        style={"birth": "dot"},
    ),
    Spec(
        "10_several_sheets.xlsx",
        "填表说明 sheet first (field names listed vertically), the data sheet second, a hidden "
        "字典 sheet of choices, a 汇总 sheet after",
        TEMPLATE,
        count=8,
        above=[TITLE],
        sheets=("notes", "data", "dict", "summary"),
        data_sheet="在外人员",
        style={"birth": "cn"},
    ),
    Spec(
        "11_example_total_footer.xlsx",
        "a 示例 row under the header, a blank row between people, a 合计 row and 填表人/审核人 "
        "footer lines; reworded headings",
        WPS_FORM,
        count=10,
        above=[TITLE],
        example=True,
        total=True,
        footer=True,
        blank_after=4,
        style={"birth": "dot"},
    ),
    Spec(
        "12_extra_and_blank_columns.xlsx",
        "table starts in column B; extra filled columns (微信号, 身高（cm）, 婚姻状况, QQ号), a "
        "column without heading or values, a 备用 column left empty",
        cols(
            ("序号", "seq"),
            ("姓名", "name"),
            ("性别", "gender"),
            ("身份证号码", "id_number"),
            ("出生年月", "birth_date"),
            ("微信号", "x:wechat"),
            ("联系电话", "phone"),
            (None, None),
            ("身高（cm）", "x:height"),
            ("户籍所在村", "village"),
            ("婚姻状况", "x:marital"),
            ("政治面貌", "political_status"),
            ("文化程度", "education"),
            ("外出务工地点", "work_place"),
            ("从事行业/工作单位", "industry_unit"),
            ("QQ号", "x:qq"),
            ("备用", None),
            ("村任职意愿", "village_post_intention"),
        ),
        count=9,
        start_col=1,
        above=[TITLE],
        style={"birth": "dot"},
    ),
    Spec(
        "13_values_as_typed.xlsx",
        "values as clerks type them: phones as numbers, birth dates as real date cells, "
        "1990.05 and 1990年5月, 汉/汉族/土家, 党员/团员/预备党员, 是/否/blank veteran; template "
        "headings in another column order",
        shuffled(TEMPLATE, [0, 1, 5, 2, 4, 3, 7, 6, 9, 8, 10, 12, 11, 13, 16, 15, 14, 17]),
        count=14,
        above=[TITLE],
        style={"birth": "mixed", "phone": "int"},
    ),
    Spec(
        "14_uncodable_values.xlsx",
        "values that cannot be coded but keep the person: 政治面貌 民主党派, 文化程度 函授本科 and "
        "在读研究生, 民族 穿青人",
        WPS_FORM,
        count=10,
        above=[TITLE],
        style={"birth": "dot"},
        specials={1: "democratic_party", 3: "函授本科", 5: "在读研究生", 7: "unknown_ethnicity"},
    ),
    Spec(
        "15_rows_refused.xlsx",
        "rows that must be refused (wrong check character, 15-digit ID, no name, gender and birth "
        "date against the ID, unreadable date, an ID typed as a number, one ID under two names) "
        "among people who must be kept",
        TEMPLATE,
        count=16,
        above=[TITLE],
        style={"birth": "dot"},
        specials={
            1: "invalid_id",
            3: "legacy_15_digit_id",
            5: "missing_name",
            6: "id_gender_mismatch",
            8: "id_birthdate_mismatch",
            10: "bad_date",
            12: "id_digits_lost",
            14: "duplicate_in_file",
        },
    ),
    Spec(
        "16_utf8.csv",
        "CSV in UTF-8 without BOM, reworded headings, dates as text in four spellings",
        WPS_FORM,
        count=10,
        style={"birth": "mixed_text"},
    ),
    Spec(
        "17_utf8_bom.csv",
        "CSV in UTF-8 with BOM, a title row above the header, a 合计 row and a 填表人 footer",
        EXCEL_JOINED,
        count=9,
        above=[TITLE],
        total=True,
        footer=True,
        encoding="utf-8-sig",
        style={"birth": "dot", "post": "yes_no", "village": "address"},
    ),
    Spec(
        "18_gb18030.csv",
        "CSV in GB18030 (as Excel saves CSV on Chinese Windows), two extra columns, a 示例 row",
        cols(
            ("序号", "seq"),
            ("姓名", "name"),
            ("性别", "gender"),
            ("民族", "ethnicity"),
            ("身份证号码（18位）", "id_number"),
            ("联系电话", "phone"),
            ("家庭住址", "x:address"),
            ("户籍所在村", "village"),
            ("政治面貌", "political_status"),
            ("学历", "education"),
            ("外出务工地点", "work_place"),
            ("从事行业/工作单位", "industry_unit"),
            ("婚姻状况", "x:marital"),
            ("村任职意愿", "village_post_intention"),
            ("返乡意愿", "return_intention"),
        ),
        count=10,
        example=True,
        encoding="gb18030",
        style={"birth": "cn"},
    ),
    Spec(
        "19_gb18030_uncodable.csv",
        "CSV in GB18030 with uncodable values and refused rows",
        TEMPLATE,
        count=10,
        above=[TITLE],
        encoding="gb18030",
        style={"birth": "dot"},
        specials={2: "democratic_party", 4: "函授本科", 6: "invalid_id", 8: "missing_name"},
    ),
    Spec(
        "20_libreoffice.ods",
        "ODS from LibreOffice: 填表说明 first, hidden 字典 sheet, shuffled reworded headings",
        shuffled(EXCEL_JOINED, [1, 0, 2, 4, 3, 6, 5, 7, 8, 9, 11, 10, 13, 12, 14, 15, 16]),
        count=9,
        above=[TITLE],
        sheets=("notes", "data", "dict"),
        style={"birth": "date", "post": "yes_no", "village": "address"},
    ),
    Spec(
        "21_ods_two_level.ods",
        "ODS with a two-level merged header (groups over name and ID), an extra 微信号 column, "
        "an uncodable education value",
        GROUPED,
        count=9,
        above=[TITLE, UNIT_LINE],
        header="merged",
        style={"birth": "dot"},
        specials={2: "在读研究生"},
    ),
    Spec(
        "22_legacy_single_header.xls",
        "legacy .xls (LibreOffice): title rows, reworded headings, a hidden 字典 sheet, "
        "a 示例 row, phones as numbers",
        WPS_FORM,
        count=10,
        above=[TITLE, UNIT_LINE],
        sheets=("data", "dict"),
        example=True,
        style={"birth": "date", "phone": "int"},
    ),
    Spec(
        "23_legacy_two_level_repeated.xls",
        "legacy .xls (LibreOffice) with a two-level header whose group names are repeated, not "
        "merged; a refused row and an uncodable 政治面貌",
        GROUPED,
        count=9,
        above=[TITLE],
        header="repeated",
        style={"birth": "cn"},
        specials={3: "democratic_party", 6: "legacy_15_digit_id"},
    ),
    Spec(
        "24_minimal_columns.xlsx",
        "a short form: 姓名, 公民身份号码, 联系方式, 村（社区）, 村任职意愿 only; "
        "every other field null",
        MINIMAL,
        count=8,
        style={"phone": "int"},
    ),
    Spec(
        "25_whitespace_two_level.xlsx",
        "two-level merged header whose headings hold line breaks and U+3000, table from column B",
        [
            Col(c.heading.replace("意愿", "\n意愿").replace("姓名", "姓\u3000名"), c.key, c.group)
            if c.heading
            else c
            for c in GROUPED
        ],
        count=8,
        start_col=1,
        above=[TITLE],
        header="merged",
        style={"birth": "dot"},
    ),
    Spec(
        "26_no_header.xlsx",
        "refused: a village statistics sheet with no people header (no_header)",
        file_error="no_header",
        raw_rows=[
            ["忠州街道外出人员统计表"],
            ["序号", "村（社区）名称", "总户数", "外出务工人数", "返乡人数", "备注"],
            [1, "香山村", 412, 156, 12, None],
            [2, "白公社区", 980, 210, 31, None],
            ["合计", None, 1392, 366, 43, None],
        ],
    ),
    Spec(
        "27_no_data_rows.xlsx",
        "refused: the blank form with only its 示例 row and a 合计 row (no_data_rows)",
        file_error="no_data_rows",
        raw_rows=[
            [TITLE],
            [h.heading for h in WPS_FORM],
            [
                "示例",
                "张三",
                "男",
                "汉族",
                "1990.01",
                "500233199001011234",
                "13800000000",
                "香山村",
            ],
            ["合计", "0人"],
            [],
            ["填表人：", None, None, "审核人："],
        ],
    ),
    Spec(
        "28_no_header.csv",
        "refused: a UTF-8 CSV holding a notice, no table of people (no_header)",
        file_error="no_header",
        raw_rows=[
            ["关于报送在外人员信息的通知"],
            ["各村（社区）："],
            ["请于3月20日前将在外人员信息登记表报镇党建办。"],
            ["忠州街道党建办"],
        ],
    ),
    Spec(
        "29_header_row_18.xlsx",
        "header in row 18, under a title, a unit line and fourteen numbered instructions written "
        "on the form itself",
        WPS_FORM,
        count=8,
        above=[TITLE, UNIT_LINE, "填表说明："]
        + [f"{n}、{text}" for n, text in enumerate(INSTRUCTIONS, 1)],
        style={"birth": "cn", "phone": "int"},
    ),
    Spec(
        "30_instructions_sheet_with_headings.xlsx",
        "a visible 填表说明 sheet first whose explanations are laid out under the column headings "
        "(姓名, 身份证号码, ... in one row); the people are on the second sheet",
        WPS_FORM,
        count=8,
        above=[TITLE],
        sheets=("notes_wide", "data", "dict"),
        data_sheet="人员信息",
        style={"birth": "dot"},
    ),
]


# ---------------------------------------------------------------------------
# Writing


def build_people(number: int, spec: Spec) -> list[Person]:
    people = make_people(number, spec.count, spec.style)
    for index, kind in sorted(spec.specials.items()):
        apply_special(people, index, kind)
    return people


def cell_value(person: Person, key: str | None, *, text: bool) -> object:
    if key is None:
        return None
    value = person.typed.get(key)
    if text and isinstance(value, datetime.date):
        return value.isoformat()
    if text and value is not None:
        return str(value)
    return value


def header_rows(spec: Spec) -> list[list[object]]:
    if spec.header == "single":
        return [[c.heading for c in spec.layout]]
    top: list[object] = []
    sub: list[object] = []
    for c in spec.layout:
        if c.group:
            top.append(c.group)
            sub.append(c.heading)
        elif spec.header == "merged":
            top.append(c.heading)
            sub.append(None)
        else:
            top.append(c.heading)
            sub.append(c.heading)
    if spec.header == "merged":
        # Only the first cell of a merged group holds its text.
        for i in range(len(top) - 1, 0, -1):
            if spec.layout[i].group and spec.layout[i].group == spec.layout[i - 1].group:
                top[i] = None
    return [top, sub]


@dataclass
class Sheet:
    rows: list[list[object]]
    merges: list[str]
    # Excel row number of each person, in order
    person_rows: list[int]


def lay_out(spec: Spec, people: list[Person], *, text: bool) -> Sheet:
    pad = [None] * spec.start_col
    width = len(spec.layout)
    rows: list[list[object]] = []
    merges: list[str] = []

    def span(r: int, c0: int, r1: int, c1: int) -> str:
        first = get_column_letter(spec.start_col + c0 + 1)
        last = get_column_letter(spec.start_col + c1 + 1)
        return f"{first}{r}:{last}{r1}"

    for line in spec.above:
        rows.append([] if line is None else pad + [line])
        if line is not None and not text:
            merges.append(span(len(rows), 0, len(rows), width - 1))
    heads = header_rows(spec)
    top_row = len(rows) + 1
    for head in heads:
        rows.append(pad + head)
    if spec.header == "merged":
        c = 0
        while c < width:
            group = spec.layout[c].group
            if group:
                end = c
                while end + 1 < width and spec.layout[end + 1].group == group:
                    end += 1
                if end > c:
                    merges.append(span(top_row, c, top_row, end))
                c = end + 1
            else:
                merges.append(span(top_row, c, top_row + 1, c))
                c += 1
    if spec.example:
        example = dict(people[0].typed)
        example.update(seq="示例", name="张三", id_number="500233199001011234")
        for key in list(example):
            if key.startswith("x:"):
                example[key] = None
        row = []
        for c in spec.layout:
            value = example.get(c.key) if c.key else None
            if c.key == "name" and not any(col.key == "seq" for col in spec.layout):
                value = "（示例）张三"
            row.append(str(value) if text and value is not None else value)
        rows.append(pad + row)
    person_rows = []
    for i, person in enumerate(people):
        rows.append(pad + [cell_value(person, c.key, text=text) for c in spec.layout])
        person_rows.append(len(rows))
        if spec.blank_after == i:
            rows.append([])
    if spec.total:
        rows.append(pad + ["合计", f"{len(people)}人"])
    if spec.footer:
        rows.append([])
        rows.append(
            pad + ["填表人：刘会计", None, None, "审核人：", None, "联系电话：023-54451234"]
        )
    return Sheet(rows, merges, person_rows)


def write_workbook(path: Path, spec: Spec, sheet: Sheet | None) -> None:
    wb = Workbook()
    first = True
    for kind in spec.sheets:
        ws = wb.active if first else wb.create_sheet()
        first = False
        if kind == "data":
            ws.title = spec.data_sheet
            rows = sheet.rows if sheet else spec.raw_rows
            for row in rows:
                ws.append(list(row))
            for merge in sheet.merges if sheet else ():
                ws.merge_cells(merge)
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, datetime.date):
                        cell.number_format = "yyyy-mm-dd"
        elif kind == "notes":
            ws.title = "填表说明"
            ws.append(["填表说明"])
            ws.append(["姓名", "与身份证一致"])
            ws.append(["身份证号码", "18位，末位X大写"])
            ws.append(["出生年月", "按1990.05填写"])
        elif kind == "notes_wide":
            ws.title = "填表说明"
            ws.append(["填表说明"])
            ws.append([c.heading for c in spec.layout])
            ws.append(
                ["填写序号", "与身份证一致", "男/女", "填写全称", "1990年5月"]
                + ["18位，末位X大写", "手机号", "户籍所在村"]
            )
        elif kind == "dict":
            ws.title = "字典"
            ws.append(["政治面貌", "中共党员", "中共预备党员", "共青团员", "群众"])
            ws.append(["性别", "男", "女"])
            ws.append(["意愿", "愿意", "有意向", "考虑中", "不愿意"])
            ws.sheet_state = "hidden"
        elif kind == "summary":
            ws.title = "汇总"
            ws.append(["村（社区）", "人数"])
            ws.append(["香山村", 3])
            ws.append(["合计", 8])
    wb.save(path)


def write_csv(path: Path, rows: list[list[object]], encoding: str) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    path.write_bytes(buffer.getvalue().encode(encoding))


def convert(source: Path, fmt: str, target: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        sys.exit("soffice not found: apt-get install libreoffice-calc-nogui")
    with tempfile.TemporaryDirectory() as out, tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--norestore",
                "--convert-to",
                fmt,
                "--outdir",
                out,
                str(source),
            ],
            check=True,
            capture_output=True,
        )
        shutil.move(Path(out) / f"{source.stem}.{fmt}", target)


def expected_result(spec: Spec, people: list[Person], sheet: Sheet | None) -> dict:
    result: dict = {
        "file": spec.name,
        "varies": spec.varies,
        "township": TOWNSHIP,
        "file_error": spec.file_error,
        "accepted": [],
        "rejected": [],
        "partial": [],
        "unmapped_columns": [],
    }
    if sheet is None:
        return result
    letters = {
        c.key: get_column_letter(spec.start_col + i + 1) for i, c in enumerate(spec.layout) if c.key
    }
    fields = {c.key for c in spec.layout if c.key}
    for person, row in zip(people, sheet.person_rows, strict=True):
        if person.expected is None:
            result["rejected"].append({"row": row, "reason": person.reason})
            continue
        values = {f: (person.expected[f] if f in fields else None) for f in JSON_FIELDS}
        # Gender and birth date come from the ID number whether or not the sheet has them.
        values["gender"] = person.expected["gender"]
        values["birth_date"] = person.expected["birth_date"]
        result["accepted"].append({"row": row, **values})
        for fld, value in person.partial:
            result["partial"].append(
                {"row": row, "column": letters[fld], "field": fld, "value": value}
            )
    for i, c in enumerate(spec.layout):
        if c.key and c.key.startswith("x:"):
            filled = sum(1 for p in people if p.typed.get(c.key) not in (None, ""))
            if filled:
                result["unmapped_columns"].append(
                    {
                        "column": get_column_letter(spec.start_col + i + 1),
                        "heading": c.heading,
                        "filled_rows": filled,
                    }
                )
    return result


def main(names: list[str]) -> None:
    """Write every file (deleting what no spec names any more), or only the files named."""
    unknown = set(names) - {spec.name for spec in SPECS}
    if unknown:
        sys.exit(f"no such file in SPECS: {', '.join(sorted(unknown))}")
    FILES.mkdir(exist_ok=True)
    EXPECTED.mkdir(exist_ok=True)
    if not names:
        for old in [*FILES.iterdir(), *EXPECTED.iterdir()]:
            old.unlink()
    with tempfile.TemporaryDirectory() as work_dir:
        work = Path(work_dir)
        for number, spec in enumerate(SPECS, 1):
            if names and spec.name not in names:
                continue
            target = FILES / spec.name
            suffix = target.suffix.lstrip(".")
            people = build_people(number, spec) if spec.raw_rows is None else []
            sheet = None
            if spec.raw_rows is None:
                sheet = lay_out(spec, people, text=suffix == "csv")
            if suffix == "csv":
                rows = sheet.rows if sheet else spec.raw_rows
                write_csv(target, rows, spec.encoding)
            elif suffix == "xlsx":
                write_workbook(target, spec, sheet)
            else:
                source = work / f"{target.stem}.xlsx"
                write_workbook(source, spec, sheet)
                convert(source, suffix, target)
            expected = expected_result(spec, people, sheet)
            (EXPECTED / f"{spec.name}.json").write_text(
                json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
            )
            print(
                f"{spec.name}: {len(expected['accepted'])} accepted, "
                f"{len(expected['rejected'])} refused rows, {spec.file_error or ''}"
            )


if __name__ == "__main__":
    main(sys.argv[1:])
