from unittest import mock

import pytest
from django.utils.translation import trans_null

from talentpool.codes import (
    COLLEGE_OR_ABOVE,
    PARTY_MEMBER,
    Education,
    Ethnicity,
    Gender,
    PoliticalStatus,
    UnknownCode,
    Willingness,
    education_rank,
    parse_bool_mark,
    parse_education,
    parse_ethnicity,
    parse_gender,
    parse_political_status,
    parse_willingness,
)


def rendered(message: object) -> str:
    """Render a lazy message as its msgid, with or without configured settings."""
    with mock.patch("django.utils.translation._trans", trans_null):
        return str(message)


STANDARD_ETHNICITIES = [
    "汉族",
    "蒙古族",
    "回族",
    "藏族",
    "维吾尔族",
    "苗族",
    "彝族",
    "壮族",
    "布依族",
    "朝鲜族",
    "满族",
    "侗族",
    "瑶族",
    "白族",
    "土家族",
    "哈尼族",
    "哈萨克族",
    "傣族",
    "黎族",
    "傈僳族",
    "佤族",
    "畲族",
    "高山族",
    "拉祜族",
    "水族",
    "东乡族",
    "纳西族",
    "景颇族",
    "柯尔克孜族",
    "土族",
    "达斡尔族",
    "仫佬族",
    "羌族",
    "布朗族",
    "撒拉族",
    "毛南族",
    "仡佬族",
    "锡伯族",
    "阿昌族",
    "普米族",
    "塔吉克族",
    "怒族",
    "乌孜别克族",
    "俄罗斯族",
    "鄂温克族",
    "德昂族",
    "保安族",
    "裕固族",
    "京族",
    "塔塔尔族",
    "独龙族",
    "鄂伦春族",
    "赫哲族",
    "门巴族",
    "珞巴族",
    "基诺族",
]


def test_standard_ethnicity_list_has_56_groups() -> None:
    assert len(STANDARD_ETHNICITIES) == 56 == len(set(STANDARD_ETHNICITIES))


def test_all_56_ethnicities_have_their_standard_codes_in_order() -> None:
    labels = {member.value: rendered(member.label) for member in Ethnicity}
    expected = {f"{i:02d}": label for i, label in enumerate(STANDARD_ETHNICITIES, start=1)}
    expected |= {"97": "其他", "98": "外国血统中国籍人士"}
    assert labels == expected
    assert list(labels) == list(expected)


@pytest.mark.parametrize("choices", [Gender, Ethnicity, Education, PoliticalStatus, Willingness])
def test_codes_are_unique_and_member_names_are_ascii(choices: type) -> None:
    assert len(choices.__members__) == len(set(choices.values)) == len(choices.values)
    assert all(name.isascii() and name.isupper() for name in choices.__members__)


@pytest.mark.parametrize(
    ("choices", "parse"),
    [
        (Gender, parse_gender),
        (Ethnicity, parse_ethnicity),
        (Education, parse_education),
        (PoliticalStatus, parse_political_status),
        (Willingness, parse_willingness),
    ],
)
def test_every_label_and_bare_code_parses_to_its_code(choices: type, parse: object) -> None:
    for member in choices:
        assert parse(rendered(member.label)) == member.value
        assert parse(member.value) == member.value


def test_gender_codes_follow_gb_t_2261() -> None:
    assert Gender.values == ["0", "1", "2", "9"]
    assert [rendered(label) for label in Gender.labels] == [
        "未知的性别",
        "男",
        "女",
        "未说明的性别",
    ]


def test_education_codes_follow_gb_t_4658() -> None:
    assert dict(zip(Education.values, map(rendered, Education.labels), strict=True)) == {
        "10": "研究生",
        "20": "本科",
        "30": "大专",
        "40": "中专",
        "44": "职高",
        "47": "技校",
        "60": "高中",
        "70": "初中",
        "80": "小学",
        "90": "其他",
    }


def test_political_status_codes_follow_gb_t_4762() -> None:
    # The GB/T 4762 codes, then the category a form may name without naming the party.
    assert PoliticalStatus.values == [*(f"{i:02d}" for i in range(1, 14)), "dp"]
    assert rendered(PoliticalStatus("dp").label) == "民主党派"
    assert rendered(PoliticalStatus("12").label) == "无党派人士"
    assert rendered(PoliticalStatus("13").label) == "群众"


def test_interested_is_distinct_from_willing() -> None:
    assert Willingness.INTERESTED != Willingness.WILLING
    assert rendered(Willingness.INTERESTED.label) == "有意向"
    assert parse_willingness("有意向") == "interested"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        *[(word, "1") for word in ["男", "男性", "M", "m", "male", "MALE"]],
        *[(word, "2") for word in ["女", "女性", "F", "f", "female"]],
        ("未知的性别", "0"),
        ("未说明的性别", "9"),
    ],
)
def test_gender_synonyms(text: str, code: str) -> None:
    assert parse_gender(text) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("汉族", "01"),
        ("汉", "01"),
        ("蒙古", "02"),
        ("维吾尔", "05"),
        ("高山", "23"),
        ("土家", "15"),
        ("土", "30"),
        ("基诺", "56"),
        ("其他", "97"),
        ("外国血统中国籍人士", "98"),
    ],
)
def test_ethnicity_synonyms(text: str, code: str) -> None:
    assert parse_ethnicity(text) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        *[
            (w, "10")
            for w in ["研究生", "硕士", "博士", "硕士研究生", "博士研究生", "研究生及以上"]
        ],
        *[(w, "20") for w in ["本科", "大学本科", "大学", "学士"]],
        *[(w, "30") for w in ["大专", "专科", "大学专科", "高职", "高职高专"]],
        *[(w, "40") for w in ["中专", "中等专科", "中等专业学校"]],
        *[(w, "44") for w in ["职高", "职业高中"]],
        *[(w, "47") for w in ["技校", "技工学校"]],
        *[(w, "60") for w in ["高中", "普通高中"]],
        *[(w, "70") for w in ["初中", "初级中学"]],
        ("小学", "80"),
        ("其他", "90"),
    ],
)
def test_education_synonyms(text: str, code: str) -> None:
    assert parse_education(text) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        *[(w, "01") for w in ["中共党员", "党员", "中国共产党党员", "共产党员"]],
        *[(w, "02") for w in ["中共预备党员", "预备党员", "中国共产党预备党员"]],
        *[(w, "03") for w in ["共青团员", "团员", "中国共产主义青年团团员"]],
        ("中国国民党革命委员会会员", "04"),
        ("中国民主同盟盟员", "05"),
        ("中国民主建国会会员", "06"),
        ("中国民主促进会会员", "07"),
        ("中国农工民主党党员", "08"),
        ("中国致公党党员", "09"),
        ("九三学社社员", "10"),
        ("台湾民主自治同盟盟员", "11"),
        *[(w, "12") for w in ["无党派", "无党派人士", "无党派民主人士"]],
        *[(w, "13") for w in ["群众", "普通群众"]],
    ],
)
def test_political_status_synonyms(text: str, code: str) -> None:
    assert parse_political_status(text) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        *[(w, "willing") for w in ["愿意", "是", "愿"]],
        *[(w, "interested") for w in ["有意向", "有意愿"]],
        *[(w, "considering") for w in ["考虑中", "考虑", "待定"]],
        *[(w, "unwilling") for w in ["不愿意", "否", "不愿"]],
    ],
)
def test_willingness_synonyms(text: str, code: str) -> None:
    assert parse_willingness(text) == code


@pytest.mark.parametrize(
    "text", [" 本科 ", "本\u3000科", "\u00a0本科", "\u200b本科\ufeff", "本 科\n"]
)
def test_lookup_ignores_every_kind_of_whitespace(text: str) -> None:
    assert parse_education(text) == "20"


def test_lookup_folds_fullwidth_ascii() -> None:
    assert parse_gender("Ｍ") == "1"
    assert parse_gender("ｆｅｍａｌｅ") == "2"
    assert parse_education("２０") == "20"


@pytest.mark.parametrize(
    "parse",
    [parse_gender, parse_ethnicity, parse_education, parse_political_status, parse_willingness],
)
@pytest.mark.parametrize("text", [None, "", "  ", "\u3000\u200b"])
def test_empty_input_parses_to_none(parse: object, text: str | None) -> None:
    assert parse(text) is None


@pytest.mark.parametrize(
    ("parse", "text"),
    [
        (parse_education, "初中及以下"),
        (parse_education, "文盲"),
        (parse_education, "大学生"),
        (parse_gender, "x"),
        (parse_gender, "不详"),
        (parse_ethnicity, "汉人"),
        (parse_ethnicity, "1"),
        (parse_political_status, "党员（预备）"),
        (parse_willingness, "有意"),
        (parse_willingness, "Willing?"),
    ],
)
def test_unknown_values_raise_instead_of_defaulting(parse: object, text: str) -> None:
    with pytest.raises(UnknownCode):
        parse(text)


def test_unknown_code_names_the_field_and_the_value() -> None:
    with pytest.raises(UnknownCode) as caught:
        parse_education(" 初中及以下 ")
    assert isinstance(caught.value, ValueError)
    assert caught.value.field == "education"
    assert caught.value.text == " 初中及以下 "
    assert rendered(caught.value.message) == "无法识别的学历“初中及以下”"


def test_unknown_political_status_message_is_chinese() -> None:
    with pytest.raises(UnknownCode) as caught:
        parse_political_status("党外人士")
    assert rendered(caught.value.message) == "无法识别的政治面貌“党外人士”"


@pytest.mark.parametrize("text", ["是", "√", "✓", "Y", "y", "yes", "YES", "1", "有", "１"])
def test_bool_mark_yes(text: str) -> None:
    assert parse_bool_mark(text) is True


@pytest.mark.parametrize("text", ["否", "×", "N", "n", "no", "No", "0", "无", "空", " 否 "])
def test_bool_mark_no(text: str) -> None:
    assert parse_bool_mark(text) is False


@pytest.mark.parametrize("text", [None, "", " \u3000"])
def test_empty_bool_mark_is_none(text: str | None) -> None:
    assert parse_bool_mark(text) is None


@pytest.mark.parametrize("text", ["不详", "x", "2", "可能", "true"])
def test_unknown_bool_mark_raises(text: str) -> None:
    with pytest.raises(UnknownCode) as caught:
        parse_bool_mark(text)
    assert caught.value.field == "bool_mark"


def test_college_or_above_is_postgraduate_bachelor_and_junior_college() -> None:
    assert frozenset({"10", "20", "30"}) == COLLEGE_OR_ABOVE
    assert isinstance(COLLEGE_OR_ABOVE, frozenset)


def test_party_member_includes_probationary_members() -> None:
    assert frozenset({"01", "02"}) == PARTY_MEMBER
    assert isinstance(PARTY_MEMBER, frozenset)


def test_education_rank_orders_levels() -> None:
    ranks = [education_rank(code) for code in ["90", "80", "70", "60", "30", "20", "10"]]
    assert ranks == sorted(ranks)
    assert len(set(ranks)) == len(ranks)


def test_upper_secondary_schools_rank_alike() -> None:
    assert {education_rank(code) for code in ["40", "44", "47", "60"]} == {education_rank("60")}


def test_education_rank_accepts_choice_members() -> None:
    assert education_rank(Education.BACHELOR) == education_rank("20")


@pytest.mark.parametrize("code", [None, "", "99", "本科"])
def test_unknown_education_ranks_zero(code: str | None) -> None:
    assert education_rank(code) == 0


def test_every_education_code_ranks_above_unknown() -> None:
    assert all(education_rank(code) > 0 for code in Education.values)


@pytest.mark.parametrize(
    ("parse", "text", "code"),
    [
        (parse_education, "本科学历", "20"),
        (parse_education, "大专毕业", "30"),
        (parse_political_status, "民盟", "05"),
        (parse_political_status, "九三学社", "10"),
        (parse_political_status, "民主党派", "dp"),
        (parse_willingness, "暂不考虑", "unwilling"),
        (parse_willingness, "视情况", "considering"),
    ],
)
def test_words_clerks_add_or_shorten_are_read(parse, text: str, code: str) -> None:
    assert parse(text) == code
