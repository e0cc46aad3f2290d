import pytest

from talentpool.text import clean_name, clean_text, pinyin_full, pinyin_initials, to_halfwidth


def test_clean_text_turns_none_into_empty_string() -> None:
    assert clean_text(None) == ""


@pytest.mark.parametrize(
    "raw",
    [
        "  张维  ",
        "\t张维\n",
        "\u3000张维\u3000",
        "\u00a0张维\u00a0",
        "\u200b张维\u200c",
        "\u200d张维\ufeff",
        "\ufeff \u3000\u200b张维\u00a0\u200b ",
    ],
)
def test_clean_text_strips_every_kind_of_edge_whitespace(raw: str) -> None:
    assert clean_text(raw) == "张维"


@pytest.mark.parametrize(
    "inner",
    ["张  维", "a\u3000b", "😀 微笑", "𠮷野家", "=SUM(A1:A2)", "+8613812345678", "-1", "@cmd"],
)
def test_clean_text_keeps_inner_text_exactly(inner: str) -> None:
    assert clean_text(f" \u3000{inner}\u200b ") == inner


def test_clean_text_converts_non_strings() -> None:
    assert clean_text(42) == "42"


@pytest.mark.parametrize(
    "raw",
    ["张维", "张  维", "张\u3000维", "张\u00a0维", "张\u200b维", " 张 \t维\ufeff", "\u3000张\n维"],
)
def test_clean_name_removes_whitespace_between_chinese_characters(raw: str) -> None:
    assert clean_name(raw) == "张维"


@pytest.mark.parametrize("dot", ["\u00b7", "\u30fb", "\u2027", "\u2022", "\uff65"])
def test_clean_name_normalises_middle_dot_variants(dot: str) -> None:
    assert clean_name(f"阿依古丽{dot}买买提") == "阿依古丽\u00b7买买提"


def test_clean_name_removes_spaces_around_the_middle_dot() -> None:
    assert clean_name("阿依古丽 ・ 买买提") == "阿依古丽·买买提"


def test_clean_name_keeps_characters_outside_the_bmp() -> None:
    assert clean_name(" 𠮷 田 ") == "𠮷田"


def test_clean_name_collapses_spaces_in_latin_names() -> None:
    assert clean_name("  John \u3000 Smith ") == "John Smith"
    assert clean_name("Mary\tJane  Watson") == "Mary Jane Watson"


def test_clean_name_of_none_is_empty() -> None:
    assert clean_name(None) == ""


def test_to_halfwidth_folds_fullwidth_ascii_and_ideographic_space() -> None:
    assert to_halfwidth("ＡＢＣ　１２３！～ｘ") == "ABC 123!~x"


def test_to_halfwidth_leaves_cjk_punctuation_alone() -> None:
    assert to_halfwidth("张维、。「」") == "张维、。「」"


def test_to_halfwidth_folds_fullwidth_comma() -> None:
    assert to_halfwidth("张维，李明") == "张维,李明"


@pytest.mark.parametrize(
    ("name", "initials"),
    [
        ("张维", "zw"),
        ("张 维", "zw"),
        ("阿依古丽·买买提", "ayglmmt"),
        ("单雄信", "sxx"),
        ("曾国藩", "zgf"),
        ("尉迟恭", "ycg"),
        ("John Smith", "johnsmith"),
        ("Ａ张", "az"),
        ("𠮷田", "t"),
        ("", ""),
    ],
)
def test_pinyin_initials(name: str, initials: str) -> None:
    assert pinyin_initials(name) == initials


@pytest.mark.parametrize(
    ("name", "full"),
    [
        ("张维", "zhangwei"),
        ("单雄信", "shanxiongxin"),
        ("解放", "xiefang"),
        ("吕丽", "lvli"),
        ("阿依古丽·买买提", "ayigulimaimaiti"),
        ("王2", "wang2"),
    ],
)
def test_pinyin_full(name: str, full: str) -> None:
    assert pinyin_full(name) == full


def test_surname_reading_applies_only_to_the_first_character() -> None:
    assert pinyin_full("王单") == "wangdan"
