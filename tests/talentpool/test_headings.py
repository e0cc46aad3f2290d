"""Column headings read as a clerk reads them (talentpool.headings, with the survey's fields)."""

from __future__ import annotations

import pytest

from talentpool.headings import FieldSpec, HeadingMatcher, heading_key, heading_words
from talentpool.survey.fields import MATCHER, SURVEY_FIELDS


@pytest.mark.parametrize(
    ("heading", "field"),
    [
        # More words around a known heading, or two known headings joined.
        ("外出务工地点", "work_place"),
        ("外出地点", "work_place"),
        ("从事行业/工作单位", "industry_unit"),
        ("工作单位及从事行业", "industry_unit"),
        ("村任职意愿", "village_post_intention"),
        ("是否愿意到村任职", "village_post_intention"),
        ("户籍地址", "village"),
        ("毕业学校及专业", "school_major"),
        ("毕业院校及所学专业", "school_major"),
        ("居民身份证号码", "id_number"),
        ("现从事行业", "industry_unit"),
        # Whitespace of every kind, line breaks, notes in brackets of every kind.
        ("姓\u3000名", "name"),
        ("联系\u00a0电话", "phone"),
        ("姓\u200b名", "name"),
        ("公民身份\n证号码", "id_number"),
        ("身份证号码【18位】", "id_number"),
        ("出生年月（例：1990.01）", "birth_date"),
        ("政治面貌(党员/群众)", "political_status"),
        ("*1.姓名", "name"),
    ],
)
def test_a_heading_names_its_field(heading: str, field: str):
    assert MATCHER.field_for(heading) == field


@pytest.mark.parametrize(
    "heading", ["紧急联系人电话", "推荐人姓名", "家长身份证号", "家庭住址", "微信号"]
)
def test_headings_about_somebody_else_or_nothing_known_name_no_field(heading: str):
    assert MATCHER.field_for(heading) is None


def test_an_exact_heading_beats_one_that_merely_contains_it():
    assert MATCHER.assign(["联系电话", "家庭电话"]) == {0: "phone"}
    assert MATCHER.assign(["专业特长", "所学专业"]) == {0: "skills", 1: "school_major"}
    assert MATCHER.assign(["外出务工地点", "务工地点"]) == {1: "work_place"}


def test_each_field_takes_one_column_and_each_column_one_field():
    assigned = MATCHER.assign(["务工地点及单位", "工作单位"])
    assert assigned == {0: "work_place", 1: "industry_unit"}


def test_a_group_heading_decides_what_a_bare_heading_means():
    groups = ["务工情况", "务工情况", "意愿情况", "意愿情况"]
    assigned = MATCHER.assign(["地点", "单位", "返乡", "任职"], groups)
    assert assigned == {
        0: "work_place",
        1: "industry_unit",
        2: "return_intention",
        3: "village_post_intention",
    }
    # Without the group, 地点 alone names nothing.
    assert MATCHER.field_for("地点") is None


def test_a_sentence_is_not_a_heading():
    assert MATCHER.field_for("请填写身份证号码，末位X大写。") is None


def test_a_forced_answer_wins_and_frees_the_field_elsewhere():
    assert MATCHER.assign(["务工地点", "打工城市"], forced={1: "work_place"}) == {1: "work_place"}
    assert MATCHER.assign(["务工地点"], forced={0: None}) == {}


def test_heading_key_and_words():
    assert heading_key(" 户籍所在村（社区）* ") == "户籍所在村"
    assert heading_words("从事行业/工作单位") == ["从事行业", "工作单位"]
    assert heading_words("户籍所在村（社区）") == ["户籍所在村", "社区"]


def test_one_table_never_gives_a_heading_to_two_fields():
    with pytest.raises(ValueError, match="two fields"):
        HeadingMatcher([FieldSpec("a", "地点"), FieldSpec("b", "地 点")])
    # The survey's own table is consistent, and every label and heading finds its field.
    for spec in SURVEY_FIELDS:
        for heading in spec.known:
            assert MATCHER.field_for(heading) == spec.name, heading
