"""Each normalising rule of the survey import: what is normalised, and what refuses its row."""

from __future__ import annotations

import datetime

import pytest

from talentpool.identity import check_character, make_id_number, parse_id_number
from talentpool.survey.normalize import (
    FIELD_LABELS,
    Accepted,
    Rejected,
    RowNormaliser,
    _BirthCache,
    birth_date_readings,
    fast_id_number,
    json_values,
    village_key,
)
from talentpool.survey.reader import SurveyRow

TODAY = datetime.date(2026, 6, 30)
BIRTH = datetime.date(1990, 5, 3)
ID = make_id_number("500233", BIRTH, 12, "1")  # a man born 1990-05-03
VILLAGES = [(1, "香山社区"), (2, "石宝村"), (3, "新政村"), (4, "新政社区")]


def normalise(**cells: object) -> Accepted | Rejected:
    """One row with just these cells (name and ID default to a valid man's)."""
    cells.setdefault("name", "张维")
    cells.setdefault("id_number", ID)
    columns = {fld: index for index, fld in enumerate(cells)}
    header = [FIELD_LABELS[fld] for fld in cells]
    normaliser = RowNormaliser(
        columns=columns, header=header, villages=VILLAGES, township_name="忠州街道", today=TODAY
    )
    return normaliser(SurveyRow(7, dict(cells), list(cells.values())))


def accepted(**cells: object) -> dict[str, object]:
    result = normalise(**cells)
    assert isinstance(result, Accepted), result
    return result.values


def refused(**cells: object) -> Rejected:
    result = normalise(**cells)
    assert isinstance(result, Rejected), result
    return result


# ---------------------------------------------------------------------------
# Names


@pytest.mark.parametrize(
    ("cell", "name"),
    [
        (" 张维 ", "张维"),
        ("张\u3000维", "张维"),
        ("张\u00a0维", "张维"),
        ("张\u200b维", "张维"),
        ("\ufeff张维\u200b", "张维"),
        ("𠮷野家", "𠮷野家"),  # outside the BMP, kept exactly
        ("阿依古丽·买买提", "阿依古丽·买买提"),
        ("阿依古丽 ・ 买买提", "阿依古丽·买买提"),
    ],
)
def test_names_lose_every_kind_of_space_and_keep_rare_characters(cell, name):
    assert accepted(name=cell)["name"] == name


@pytest.mark.parametrize("cell", [None, "", "  ", "\u3000", "\u200b"])
def test_a_row_without_a_name_is_refused(cell):
    row = refused(name=cell)
    assert row.reason == "missing_name"
    assert row.message == "姓名为空"


def test_a_refused_row_keeps_its_cells_exactly_as_read():
    row = refused(name=None, remark=" 原样 ")
    assert row.raw == [None, " 原样 ", ID]
    assert row.row == 7


# ---------------------------------------------------------------------------
# ID numbers


@pytest.mark.parametrize(
    "cell",
    [
        ID,
        f" {ID} ",
        ID.translate(str.maketrans("0123456789", "０１２３４５６７８９")),
        f"{ID[:6]} {ID[6:14]} {ID[14:]}",
    ],
)
def test_id_numbers_are_folded_to_half_width_without_spaces(cell):
    assert accepted(id_number=cell)["id_number"] == ID


def test_a_lower_case_x_is_upper_cased():
    number = next(
        make_id_number("500233", BIRTH, n, "2")
        for n in range(100)
        if make_id_number("500233", BIRTH, n, "2").endswith("X")
    )
    values = accepted(id_number=number.lower(), gender="女")
    assert values["id_number"] == number


def test_the_birth_date_and_gender_come_from_the_id():
    values = accepted()
    assert values["birth_date"] == BIRTH
    assert values["gender"] == "1"


def test_an_id_stored_as_a_number_has_lost_digits_and_is_refused():
    row = refused(id_number=float(ID))
    assert row.reason == "id_digits_lost"
    assert "文本" in row.message and "重新输入或从原始资料粘贴" in row.message
    assert "第A列“身份证号码”" in row.message


def test_an_id_number_cell_is_refused_even_when_its_check_character_passes():
    # Excel keeps 15 significant digits, so the last three read as 000: find a number whose
    # check character happens to be right for those zeros.
    first17 = next(
        candidate
        for area in range(500233, 500299)
        for n in range(10)
        if check_character(candidate := f"{area}19900503{n}00") == "0"
    )
    number = int(first17 + "0")
    assert parse_id_number(str(number)).number == str(number)  # would pass as text
    assert refused(id_number=number).reason == "id_digits_lost"
    assert refused(id_number=float(number)).reason == "id_digits_lost"


def test_scientific_notation_from_a_csv_is_digits_lost():
    assert refused(id_number="5.00233E+17").reason == "id_digits_lost"


def test_a_15_digit_id_is_refused_with_its_18_digit_form():
    row = refused(id_number="500233900503123")
    assert row.reason == "legacy_15_digit_id"
    upgraded = "50023319900503123"
    assert upgraded + check_character(upgraded) in row.message
    # Typed as a number, 15 digits survive Excel: the same answer.
    assert refused(id_number=500233900503123).reason == "legacy_15_digit_id"


@pytest.mark.parametrize(
    ("cell", "says"),
    [
        (ID[:17], "应为18位"),
        (ID[:16] + "A" + ID[17], "只能包含数字"),
        ("99" + ID[2:], "省级行政区划代码"),
        (make_id_number("500233", BIRTH, 12, "1")[:10] + "1332" + ID[14:], "不存在"),
        ("50023320991231001X", "晚于今天"),
        (ID[:17] + ("0" if ID[17] != "0" else "1"), "校验位"),
        ("X" * 18, "X只能出现在最后一位"),
    ],
)
def test_invalid_ids_are_refused_with_the_reason(cell, says):
    row = refused(id_number=cell)
    assert row.reason == "invalid_id"
    assert says in row.message


@pytest.mark.parametrize("cell", [None, "", " ", "\u3000"])
def test_a_row_without_an_id_is_refused(cell):
    assert refused(id_number=cell).reason == "missing_id"


def test_the_fast_id_check_agrees_with_parse_id_number():
    births = _BirthCache(TODAY)
    numbers = [
        make_id_number(
            f"5002{n % 40:02d}", BIRTH + datetime.timedelta(days=n * 37), n % 100, "12"[n % 2]
        )
        for n in range(400)
    ]
    numbers += [n[:17] + ("0" if n[17] == "1" else "1") for n in numbers[:200]]
    numbers += ["11" + n[2:] for n in numbers[:50]] + ["00" + n[2:] for n in numbers[:50]]
    for number in numbers:
        try:
            info = parse_id_number(number, today=TODAY)
        except ValueError:
            assert fast_id_number(number, births) is None, number
        else:
            fast = fast_id_number(number, births)
            assert fast is None or fast == (info.birth_date, info.gender), number


# ---------------------------------------------------------------------------
# 出生年月 against the ID


@pytest.mark.parametrize(
    "cell",
    [
        datetime.date(1990, 5, 3),
        datetime.datetime(1990, 5, 3),
        datetime.date(1990, 5, 1),  # "1990/5" typed into Excel becomes the 1st
        32996,  # Excel serial of 1990-05-03
        32996.5,
        1990.05,
        1990.5,
        "1990.05",
        "1990.5",
        "1990年5月",
        "1990年05月03日",
        "1990-5-3",
        "1990/5/3",
        "1990.5.3",
        "19900503",
        19900503,
        "199005",
        199005,
        90.5,
        "90.5",
        1990,
        "不详",
        "未知",
        "",
        None,
    ],
)
def test_birth_date_cells_that_agree_with_the_id_are_accepted(cell):
    assert accepted(birth_date=cell)["birth_date"] == BIRTH


@pytest.mark.parametrize("month", [1, 10])
def test_1990_point_1_is_january_or_october(month):
    number = make_id_number("500233", datetime.date(1990, month, 9), 3, "1")
    assert accepted(id_number=number, birth_date=1990.1)["birth_date"].month == month
    assert accepted(id_number=number, birth_date="1990.1")["birth_date"].month == month
    other = make_id_number("500233", datetime.date(1990, 11, 9), 3, "1")
    assert refused(id_number=other, birth_date=1990.1).reason == "id_birthdate_mismatch"


@pytest.mark.parametrize(
    "cell", ["1990.13", 1990.13, "1990.02.30", "1990-2-30", "abc", "1990年13月", True]
)
def test_unreadable_birth_dates_are_refused(cell):
    row = refused(birth_date=cell)
    assert row.reason == "bad_date"
    assert "不是有效的日期" in row.message


@pytest.mark.parametrize(
    "cell", ["1990.06", 1990.06, datetime.date(1991, 5, 3), "1990-5-4", "19900504", 1989]
)
def test_a_birth_date_the_id_contradicts_is_refused(cell):
    row = refused(birth_date=cell)
    assert row.reason == "id_birthdate_mismatch"
    assert "1990年5月3日" in row.message


def test_two_digit_years_read_in_either_century():
    assert birth_date_readings("05.3", TODAY) == frozenset({(1905, 3, None), (2005, 3, None)})
    assert birth_date_readings("90.5", TODAY) == frozenset({(1990, 5, None)})


# ---------------------------------------------------------------------------
# 性别 and coded columns


@pytest.mark.parametrize("cell", ["男", "男性", "M", " m ", "Male"])
def test_gender_synonyms(cell):
    assert accepted(gender=cell)["gender"] == "1"


def test_a_gender_the_id_contradicts_is_refused():
    row = refused(gender="女")
    assert row.reason == "id_gender_mismatch"
    assert "男性" in row.message


@pytest.mark.parametrize(
    ("field", "cell", "code"),
    [
        ("political_status", "党员", "01"),
        ("political_status", "中国共产党党员", "01"),
        ("political_status", "中共党员", "01"),
        ("political_status", "预备党员", "02"),
        ("political_status", "团员", "03"),
        ("political_status", "群众", "13"),
        ("education", "专科", "30"),
        ("education", "大学专科", "30"),
        ("education", "大专", "30"),
        ("education", "大学本科", "20"),
        ("education", "硕士", "10"),
        ("education", "研究生", "10"),
        ("education", "小学", "80"),
        ("education", "初中", "70"),
        ("education", "高中", "60"),
        ("education", "中专", "40"),
        ("education", "职高", "44"),
        ("ethnicity", "汉", "01"),
        ("ethnicity", "汉族", "01"),
        ("ethnicity", "土家族", "15"),
        ("ethnicity", "土家", "15"),
        ("is_veteran", "是", True),
        ("is_veteran", "√", True),
        ("is_veteran", "否", False),
        ("is_veteran", True, True),
        ("return_intention", "有意向", "interested"),
        ("return_intention", "愿意", "willing"),
        ("village_post_intention", "不愿意", "unwilling"),
    ],
)
def test_coded_values_map_through_the_synonym_tables(field, cell, code):
    assert accepted(**{field: cell})[field] == code


def test_intention_keeps_interested_apart_from_willing():
    assert (
        accepted(return_intention="有意向")["return_intention"]
        != accepted(return_intention="愿意")["return_intention"]
    )


@pytest.mark.parametrize(
    ("field", "cell", "column"),
    [
        ("political_status", "党员同志", "政治面貌"),
        ("education", "大学", None),  # 大学 is a listed synonym of 本科: accepted
        ("education", "博士后", "文化程度"),
        ("ethnicity", "火星族", "民族"),
        ("is_veteran", "也许", "是否退役军人"),
        ("return_intention", "一般", "返乡意愿"),
        ("gender", "不男不女", "性别"),
    ],
)
def test_an_unknown_coded_value_keeps_the_person_naming_column_and_value(field, cell, column):
    result = normalise(**{field: cell})
    assert isinstance(result, Accepted), result
    if column is None:
        assert not result.partial
        return
    ((letter, fld, value, message),) = result.partial
    assert (letter, fld, value) == ("A", field, cell)  # the cell given first is column A
    assert column in message and cell in message and "第A列" in message
    # The code stays empty (gender comes from the ID number); the text is kept as written.
    assert result.values[field] == ("1" if field == "gender" else None)
    assert result.values["other_info"] == {column: cell}


def test_democratic_party_without_a_party_is_the_category_and_asks_to_check():
    result = normalise(political_status="民主党派")
    assert isinstance(result, Accepted)
    assert result.values["political_status"] == "dp"
    ((letter, fld, value, message),) = result.partial
    assert (letter, fld, value) == ("A", "political_status", "民主党派")
    assert "具体党派" in message


def test_a_blank_coded_cell_is_no_value_not_a_default():
    values = accepted(ethnicity=None, political_status="  ", is_veteran="")
    assert values["ethnicity"] is None
    assert values["political_status"] is None
    assert values["is_veteran"] is None


# ---------------------------------------------------------------------------
# Phones


@pytest.mark.parametrize(
    "cell",
    [
        13812345678,
        13812345678.0,
        "13812345678",
        "138 1234 5678",
        "+86 138-1234-5678",
        "0086-13812345678",
    ],
)
def test_phones_become_digits_and_a_number_cell_is_not_point_zero(cell):
    assert accepted(phone=cell)["phone"] == "13812345678"


def test_landlines_keep_their_area_code():
    assert accepted(phone="023-54321234")["phone"] == "023-54321234"


def test_an_unreadable_phone_keeps_the_person_and_the_text():
    result = normalise(phone="12345")
    assert isinstance(result, Accepted)
    assert result.values["phone"] is None
    ((_letter, fld, value, message),) = result.partial
    assert (fld, value) == ("phone", "12345") and "联系电话" in message
    assert result.values["other_info"] == {"联系电话": "12345"}


# ---------------------------------------------------------------------------
# Free text


@pytest.mark.parametrize(
    "text",
    [
        "=SUM(A1:A9)",
        "+8613800000000",
        "-1",
        "@某某",
        "长期在外👍🏻🇨🇳",
        "家里有<b>老人</b>",
        "x" * 500,
    ],
)
def test_free_text_is_stored_exactly_as_typed(text):
    values = accepted(remark=text, skills=text[:500], industry_unit=text[:200])
    assert values["remark"] == text
    assert values["skills"] == text[:500]


def test_free_text_loses_only_surrounding_spaces():
    assert accepted(remark="\u3000 家中 有事 \u200b")["remark"] == "家中 有事"


def test_numbers_and_dates_in_free_text_are_written_as_shown():
    values = accepted(remark=12.0, work_place=datetime.date(2024, 5, 1))
    assert values["remark"] == "12"
    assert values["work_place"] == "2024-05-01"


def test_text_longer_than_the_registry_holds_is_kept_whole_as_other_information_not_cut():
    result = normalise(skills="电" * 501)
    assert isinstance(result, Accepted)
    assert result.values["skills"] is None
    assert result.values["other_info"] == {"特长": "电" * 501}
    ((_letter, fld, _value, message),) = result.partial
    assert fld == "skills" and "500" in message


def test_a_name_longer_than_the_registry_holds_refuses_the_row():
    assert refused(name="张" * 51).reason == "too_long"


def test_a_nul_character_is_removed_and_the_row_marked_for_checking():
    result = normalise(remark="a\x00b")
    assert isinstance(result, Accepted)
    assert result.values["remark"] == "ab"
    assert result.partial[0][1] == "remark"


def test_columns_no_field_takes_are_kept_as_other_information():
    normaliser = RowNormaliser(
        columns={"name": 0, "id_number": 1},
        header=["姓名", "身份证号", "微信号", "身高"],
        today=TODAY,
        other_columns=[(2, "微信号"), (3, "身高")],
    )
    result = normaliser(
        SurveyRow(5, {"name": "张维", "id_number": ID}, ["张维", ID, " wx1 ", None])
    )
    assert isinstance(result, Accepted)
    assert result.values["other_info"] == {"微信号": "wx1"}


def test_every_problem_of_a_row_is_listed():
    row = refused(phone="12345", education="博士后", gender="女")
    assert row.reason == "id_gender_mismatch"  # the first problem gives the reason code
    assert row.message.count("；") == 2
    assert "联系电话" in row.message and "博士后" in row.message


# ---------------------------------------------------------------------------
# Villages


@pytest.mark.parametrize(
    ("cell", "village_id"),
    [("香山社区", 1), ("香山", 1), (" 香山社区 ", 1), ("忠州街道石宝村", 2), ("石宝村委会", 2)],
)
def test_village_names_match_the_townships_villages(cell, village_id):
    values = accepted(village=cell)
    assert values["village_id"] == village_id
    assert values["village_text"] == ""


def test_an_unmatched_village_keeps_the_raw_text():
    values = accepted(village="桃源村")
    assert values["village_id"] is None
    assert values["village_text"] == "桃源村"
    assert values["village_given"] is True


def test_a_stem_two_villages_share_is_not_guessed():
    assert accepted(village="新政")["village_id"] is None
    assert accepted(village="新政村")["village_id"] == 3


def test_village_key():
    assert village_key("忠州街道香山社区", "忠州街道") == "香山"
    assert village_key("村") == "村"


# ---------------------------------------------------------------------------
# The JSON form of an accepted row


def test_json_values_use_chinese_labels_and_iso_dates():
    values = accepted(
        political_status="党员",
        education="大学本科",
        return_intention="有意向",
        village="香山",
        is_veteran="√",
    )
    out = json_values(values, {1: "香山社区"})
    assert out["gender"] == "男"
    assert out["political_status"] == "中共党员"
    assert out["education"] == "本科"
    assert out["return_intention"] == "有意向"
    assert out["birth_date"] == "1990-05-03"
    assert out["village"] == "香山社区"
    assert out["is_veteran"] is True
    assert out["phone"] is None


@pytest.mark.parametrize("cell", ["/", "-", "—", " ／ "])
def test_a_placeholder_in_a_column_of_choices_is_no_value(cell):
    result = normalise(political_status=cell, is_veteran=cell, return_intention=cell)
    assert isinstance(result, Accepted) and not result.partial
    assert result.values["political_status"] is None
    assert result.values["is_veteran"] is None


def test_an_address_that_names_one_village_finds_it():
    assert accepted(village="忠县忠州街道石宝村3组")["village_id"] == 2
    # Two villages named: left as written.
    values = accepted(village="石宝村、新政村")
    assert values["village_id"] is None and values["village_text"] == "石宝村、新政村"
