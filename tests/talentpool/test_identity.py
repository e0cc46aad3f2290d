import dataclasses
import random
from datetime import date, timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.utils.translation import trans_null
from stdnum.cn import ric

from talentpool.identity import (
    IdInfo,
    InvalidIdNumber,
    InvalidPhone,
    check_character,
    make_id_number,
    mask_id_number,
    mask_phone,
    normalize_id_number,
    normalize_phone,
    parse_id_number,
    validate_id_number,
    validate_phone,
)

TODAY = date(2025, 6, 1)


def rendered(message: object) -> str:
    """Render a lazy message as its msgid, with or without configured settings."""
    with mock.patch("django.utils.translation._trans", trans_null):
        return str(message)


def with_check(first17: str) -> str:
    return first17 + check_character(first17)


def invalid_reason_and_message(raw: str | None) -> tuple[str, str]:
    with pytest.raises(InvalidIdNumber) as caught:
        parse_id_number(raw, today=TODAY)
    return caught.value.reason, rendered(caught.value.message)


def test_known_sample_number_is_valid() -> None:
    info = parse_id_number("11010519491231002X", today=TODAY)
    assert info == IdInfo(
        number="11010519491231002X",
        birth_date=date(1949, 12, 31),
        gender="2",
        area_code="110105",
    )


def test_id_info_is_immutable() -> None:
    info = parse_id_number("11010519491231002X", today=TODAY)
    with pytest.raises(dataclasses.FrozenInstanceError):
        info.number = "x"  # type: ignore[misc]


def test_odd_seventeenth_digit_is_male() -> None:
    assert parse_id_number(with_check("50023319900101123"), today=TODAY).gender == "1"


def test_even_seventeenth_digit_is_female() -> None:
    assert parse_id_number(with_check("50023319900101124"), today=TODAY).gender == "2"


def test_normalize_id_number_folds_fullwidth_spaces_and_lower_case_x() -> None:
    raw = "\u200b１１０１０５ 1949\u30001231\u00a0002ｘ\ufeff"
    assert normalize_id_number(raw) == "11010519491231002X"


def test_normalize_id_number_does_not_validate() -> None:
    assert normalize_id_number("abc") == "ABC"


def test_lower_case_x_is_accepted() -> None:
    assert parse_id_number("11010519491231002x", today=TODAY).number == "11010519491231002X"


def test_fullwidth_digits_are_accepted() -> None:
    info = parse_id_number("１１０１０５１９４９１２３１００２Ｘ", today=TODAY)
    assert info.number == "11010519491231002X"


@pytest.mark.parametrize("raw", [None, "", "   ", "\u3000\u200b"])
def test_empty_id_is_missing(raw: str | None) -> None:
    reason, message = invalid_reason_and_message(raw)
    assert reason == "missing_id"
    assert message == "请填写身份证号"


@pytest.mark.parametrize("raw", ["1101051949123100", "1101051949123100212", "1234567"])
def test_id_with_wrong_length_is_invalid(raw: str) -> None:
    reason, message = invalid_reason_and_message(raw)
    assert reason == "invalid_id"
    assert message == f"身份证号应为18位，当前为{len(raw)}位"


@pytest.mark.parametrize("raw", ["11010519491231002Y", "1101051949-1231002X", "11010519491231OO2X"])
def test_id_with_bad_characters_is_invalid(raw: str) -> None:
    reason, message = invalid_reason_and_message(raw)
    assert reason == "invalid_id"
    assert message == "身份证号只能包含数字，最后一位可以是X"


def test_id_with_x_before_the_last_position_is_invalid() -> None:
    reason, message = invalid_reason_and_message("1101051949123100X2")
    assert reason == "invalid_id"
    assert "X只能出现在最后一位" in message


@pytest.mark.parametrize("province", ["99", "00", "10", "16", "20", "38", "47", "55", "66", "72"])
def test_id_with_unknown_province_is_invalid(province: str) -> None:
    reason, message = invalid_reason_and_message(with_check(f"{province}010519491231002"))
    assert reason == "invalid_id"
    assert message == f"身份证号前两位“{province}”不是有效的省级行政区划代码"


@pytest.mark.parametrize(
    "province",
    ["11", "15", "21", "23", "31", "37", "41", "46", "50", "54", "61", "65", "71", "81", "82"],
)
def test_id_with_any_listed_province_is_valid(province: str) -> None:
    assert parse_id_number(with_check(f"{province}010519491231002"), today=TODAY)


@pytest.mark.parametrize("birth", ["19900230", "19901301", "19900000", "20230229"])
def test_id_with_impossible_birth_date_is_invalid(birth: str) -> None:
    reason, message = invalid_reason_and_message(with_check(f"500233{birth}123"))
    assert reason == "invalid_id"
    assert message == f"身份证号中的出生日期“{birth}”不存在"


def test_leap_day_birth_date_is_valid() -> None:
    info = parse_id_number(with_check("50023320000229123"), today=TODAY)
    assert info.birth_date == date(2000, 2, 29)


def test_id_with_future_birth_date_is_invalid() -> None:
    reason, message = invalid_reason_and_message(with_check("50023320250602123"))
    assert reason == "invalid_id"
    assert message == "身份证号中的出生日期“20250602”晚于今天"


def test_id_born_today_is_valid() -> None:
    assert parse_id_number(with_check("50023320250601123"), today=TODAY).birth_date == TODAY


def test_future_check_uses_the_real_date_by_default() -> None:
    tomorrow = date.today() + timedelta(days=1)
    with pytest.raises(InvalidIdNumber):
        parse_id_number(make_id_number("500233", tomorrow, 1, "1"))


def test_id_born_before_1900_is_invalid() -> None:
    reason, message = invalid_reason_and_message(with_check("50023318991231123"))
    assert reason == "invalid_id"
    assert "早于1900年" in message


def test_id_with_bad_check_character_is_invalid() -> None:
    number = "11010519491231002X"
    for wrong in "0123456789":
        reason, message = invalid_reason_and_message(number[:17] + wrong)
        assert reason == "invalid_id"
        assert message == "身份证号校验位不正确，请逐位核对"


def test_id_with_a_mistyped_digit_is_invalid() -> None:
    reason, _ = invalid_reason_and_message("11010519491231003X")
    assert reason == "invalid_id"


def test_legacy_15_digit_id_is_rejected_with_the_upgraded_number() -> None:
    with pytest.raises(InvalidIdNumber) as caught:
        parse_id_number("110105491231002", today=TODAY)
    assert caught.value.reason == "legacy_15_digit_id"
    assert caught.value.upgraded == "11010519491231002X"
    assert rendered(caught.value.message) == "这是15位旧身份证号，请改为18位：11010519491231002X"


def test_upgraded_legacy_number_passes_parse_id_number() -> None:
    rng = random.Random(15)
    for _ in range(50):
        birth = date(1900, 1, 1) + timedelta(days=rng.randrange(36500))
        legacy = f"500233{birth:%y%m%d}{rng.randrange(1000):03d}"
        with pytest.raises(InvalidIdNumber) as caught:
            parse_id_number(legacy, today=TODAY)
        assert caught.value.reason == "legacy_15_digit_id"
        info = parse_id_number(caught.value.upgraded, today=TODAY)
        assert info.birth_date == birth
        assert ric.calc_check_digit(caught.value.upgraded) == caught.value.upgraded[-1]


def test_legacy_15_digit_id_with_bad_date_is_invalid_not_legacy() -> None:
    reason, message = invalid_reason_and_message("500233900230123")
    assert reason == "invalid_id"
    assert message == "身份证号中的出生日期“19900230”不存在"


def test_legacy_15_digit_id_with_unknown_province_is_invalid() -> None:
    reason, _ = invalid_reason_and_message("990105491231002")
    assert reason == "invalid_id"


def test_invalid_id_number_is_a_value_error_without_upgrade() -> None:
    with pytest.raises(ValueError) as caught:
        parse_id_number("123", today=TODAY)
    assert isinstance(caught.value, InvalidIdNumber)
    assert caught.value.upgraded is None


def test_check_character_agrees_with_stdnum_on_random_numbers() -> None:
    rng = random.Random(11643)
    for _ in range(500):
        first17 = "".join(rng.choice("0123456789") for _ in range(17))
        assert check_character(first17) == ric.calc_check_digit(first17 + "0")


def test_parse_agrees_with_stdnum_checksum_on_random_numbers() -> None:
    rng = random.Random(7064)
    for _ in range(300):
        birth = date(1930, 1, 1) + timedelta(days=rng.randrange(30000))
        first17 = f"500233{birth:%Y%m%d}{rng.randrange(1000):03d}"
        last = rng.choice("0123456789X")
        stdnum_ok = ric.calc_check_digit(first17 + last) == last
        try:
            parse_id_number(first17 + last, today=TODAY)
        except InvalidIdNumber as exc:
            assert not stdnum_ok, rendered(exc.message)
        else:
            assert stdnum_ok


@pytest.mark.parametrize("first17", ["12345678901234567", "00000000000000000"])
def test_check_character_handles_known_values(first17: str) -> None:
    assert check_character(first17) == ric.calc_check_digit(first17 + "0")


@pytest.mark.parametrize("bad", ["", "1234", "1234567890123456X", "123456789012345678"])
def test_check_character_requires_17_digits(bad: str) -> None:
    with pytest.raises(ValueError):
        check_character(bad)


def test_make_id_number_round_trips_with_gender_and_birth_date() -> None:
    rng = random.Random(2261)
    seen = set()
    for sequence in range(100):
        for gender in ("1", "2"):
            birth = date(1950, 1, 1) + timedelta(days=rng.randrange(25000))
            number = make_id_number("500233", birth, sequence, gender)
            info = parse_id_number(number, today=TODAY)
            assert info == IdInfo(number, birth, gender, "500233")
            assert number[14:16] == f"{sequence:02d}"
            seen.add(number[16])
    assert seen == set("0123456789")


@pytest.mark.parametrize(
    ("area_code", "sequence", "gender"),
    [
        ("50023", 1, "1"),
        ("50023X", 1, "1"),
        ("500233", 100, "1"),
        ("500233", -1, "2"),
        ("500233", 1, "0"),
    ],
)
def test_make_id_number_rejects_bad_arguments(area_code: str, sequence: int, gender: str) -> None:
    with pytest.raises(ValueError):
        make_id_number(area_code, date(1990, 1, 1), sequence, gender)


def test_validate_id_number_accepts_a_valid_number() -> None:
    validate_id_number("11010519491231002X")


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "missing_id"),
        ("11010519491231002", "invalid_id"),
        ("110105491231002", "legacy_15_digit_id"),
    ],
)
def test_validate_id_number_raises_validation_error_with_reason_code(raw: str, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        validate_id_number(raw)
    assert caught.value.code == code


def test_validation_error_carries_the_chinese_message() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_id_number("110105491231002")
    assert rendered(caught.value.message) == "这是15位旧身份证号，请改为18位：11010519491231002X"


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678",
        "138 1234 5678",
        "138-1234-5678",
        "138.1234.5678",
        "(138)12345678",
        "+86 138-1234-5678",
        "+8613812345678",
        "0086 13812345678",
        "8613812345678",
        "１３８１２３４５６７８",
        "\u200b138\u30001234\u00a05678\ufeff",
        13812345678,
        13812345678.0,
        "13812345678.0",
    ],
)
def test_mobile_numbers_are_normalised(raw: str | int | float) -> None:
    assert normalize_phone(raw) == "13812345678"


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("023-54321234", "023-54321234"),
        ("023 5432 1234", "023-54321234"),
        ("(023)54321234", "023-54321234"),
        ("０２３－５４３２１２３４", "023-54321234"),
        ("010-62345678", "010-62345678"),
        ("0755-26543210", "0755-26543210"),
        ("075526543210", "0755-26543210"),
        ("0851-8765432", "0851-8765432"),
        ("+86 23 5432 1234", "023-54321234"),
        ("023-54321234-123", "023-54321234-123"),
        ("023 54321234 123", "023-54321234-123"),
    ],
)
def test_landlines_are_normalised_with_a_hyphen_after_the_area_code(
    raw: str, normalized: str
) -> None:
    assert normalize_phone(raw) == normalized


def test_eleven_digit_string_starting_with_zero_is_a_landline() -> None:
    assert normalize_phone("02354321234") == "023-54321234"


@pytest.mark.parametrize("raw", [None, "", "   ", "\u3000\u200b"])
def test_empty_phone_is_none(raw: str | None) -> None:
    assert normalize_phone(raw) is None


@pytest.mark.parametrize(
    "raw",
    [
        "12345",
        "138123456789",
        "1381234567",
        "12812345678",
        "23812345678",
        "abc",
        "138-1234-567a",
        "023-1234",
        "023-123456789",
        "023-12345678",
        "011-62345678",
        "0235432123412",
        "+1 202 555 0100",
        "+86 12345",
        "13812345678 ext 1",
        13812345678.5,
        2354321234,
        True,
    ],
)
def test_invalid_phones_raise(raw: str | int | float) -> None:
    with pytest.raises(InvalidPhone) as caught:
        normalize_phone(raw)
    assert isinstance(caught.value, ValueError)
    assert rendered(caught.value.message).startswith("无法识别的电话号码")


def test_validate_phone_accepts_valid_and_empty_values() -> None:
    validate_phone("138 1234 5678")
    validate_phone("")


def test_validate_phone_raises_validation_error() -> None:
    with pytest.raises(ValidationError) as caught:
        validate_phone("12345")
    assert caught.value.code == "invalid_phone"
    assert "12345" in rendered(caught.value.message)


def test_mask_id_number_keeps_first_six_and_last_four() -> None:
    assert mask_id_number("50023319900101123X") == "500233********123X"


def test_mask_id_number_preserves_length() -> None:
    assert mask_id_number("110105491231002") == "110105*****1002"


@pytest.mark.parametrize("value", ["", None])
def test_mask_id_number_of_empty_is_empty(value: str | None) -> None:
    assert mask_id_number(value) == ""


def test_mask_id_number_hides_short_garbage_entirely() -> None:
    assert mask_id_number("12345") == "*****"


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        ("023-54321234", "023-******34"),
        ("0755-2654321", "0755-*****21"),
        ("023-54321234-123", "023-******34-***"),
        ("+86 138 1234 5678", "138****5678"),
        ("", ""),
        (None, ""),
        ("not a phone", "***********"),
    ],
)
def test_mask_phone(phone: str | None, masked: str) -> None:
    assert mask_phone(phone) == masked
