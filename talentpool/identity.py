"""Resident ID numbers (GB 11643-1999) and phone numbers: parsing, validation, masking."""

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from talentpool.text import remove_whitespace, to_halfwidth

# GB/T 2260 province-level codes, including Taiwan, Hong Kong and Macao.
PROVINCE_CODES = frozenset(
    [*range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47), *range(50, 55)]
    + [*range(61, 66), 71, 81, 82]
)
_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
_EARLIEST_BIRTH = date(1900, 1, 1)


class InvalidIdNumber(ValueError):
    """reason is one of "missing_id", "invalid_id", "legacy_15_digit_id"."""

    def __init__(self, reason: str, message: object, upgraded: str | None = None) -> None:
        self.reason = reason
        self.message = message
        self.upgraded = upgraded
        super().__init__(message)


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: date
    gender: str  # "1" male, "2" female: GB/T 2261.1 codes, from the parity of the 17th digit
    area_code: str


def normalize_id_number(raw: str) -> str:
    """Fold full-width characters, drop every kind of whitespace and upper-case x; no checks."""
    return remove_whitespace(to_halfwidth(raw)).upper()


def check_character(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 17 digits."""
    if not re.fullmatch(r"[0-9]{17}", first17):
        raise ValueError("first17 must be 17 ASCII digits")
    remainder = (12 - sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11) % 11
    return "X" if remainder == 10 else str(remainder)


def _invalid(message: object) -> InvalidIdNumber:
    return InvalidIdNumber("invalid_id", message)


def _check_area_and_birth(number: str, birth_text: str, today: date) -> date:
    province = number[:2]
    if int(province) not in PROVINCE_CODES:
        raise _invalid(
            format_lazy(_("身份证号前两位“{code}”不是有效的省级行政区划代码"), code=province)
        )
    try:
        birth_date = date(int(birth_text[:4]), int(birth_text[4:6]), int(birth_text[6:]))
    except ValueError:
        raise _invalid(
            format_lazy(_("身份证号中的出生日期“{date}”不存在"), date=birth_text)
        ) from None
    if birth_date > today:
        raise _invalid(format_lazy(_("身份证号中的出生日期“{date}”晚于今天"), date=birth_text))
    if birth_date < _EARLIEST_BIRTH:
        raise _invalid(format_lazy(_("身份证号中的出生日期“{date}”早于1900年"), date=birth_text))
    return birth_date


def parse_id_number(raw: str | None, *, today: date | None = None) -> IdInfo:
    """Validate a resident ID number and read the birth date and gender from it."""
    number = normalize_id_number(raw or "")
    if not number:
        raise InvalidIdNumber("missing_id", _("请填写身份证号"))
    today = today or timezone.localdate()
    if not re.fullmatch(r"[0-9X]+", number):
        raise _invalid(_("身份证号只能包含数字，最后一位可以是X"))
    if len(number) == 15:
        if not number.isdigit():
            raise _invalid(_("15位旧身份证号只能包含数字"))
        # Every 15-digit number was issued to someone born in the 1900s.
        first17 = f"{number[:6]}19{number[6:]}"
        _check_area_and_birth(number, first17[6:14], today)
        upgraded = first17 + check_character(first17)
        raise InvalidIdNumber(
            "legacy_15_digit_id",
            format_lazy(_("这是15位旧身份证号，请改为18位：{number}"), number=upgraded),
            upgraded=upgraded,
        )
    if len(number) != 18:
        raise _invalid(format_lazy(_("身份证号应为18位，当前为{count}位"), count=len(number)))
    if "X" in number[:17]:
        raise _invalid(_("身份证号中的X只能出现在最后一位"))
    birth_date = _check_area_and_birth(number, number[6:14], today)
    # The expected character is deliberately not shown: when another digit is mistyped,
    # "fixing" the last one would turn a detectable error into a wrong but valid number.
    if number[17] != check_character(number[:17]):
        raise _invalid(_("身份证号校验位不正确，请逐位核对"))
    gender = "1" if int(number[16]) % 2 else "2"
    return IdInfo(number=number, birth_date=birth_date, gender=gender, area_code=number[:6])


def make_id_number(area_code: str, birth_date: date, sequence: int, gender: str) -> str:
    """Build a checksum-valid number for demo and test data.

    sequence (0-99) gives the 15th-16th digits and also varies the 17th digit, whose parity
    carries the gender.
    """
    if not re.fullmatch(r"[0-9]{6}", area_code):
        raise ValueError("area_code must be 6 digits")
    if not 0 <= sequence <= 99:
        raise ValueError("sequence must be between 0 and 99")
    if gender not in ("1", "2"):
        raise ValueError('gender must be "1" or "2"')
    gender_digit = (sequence % 5) * 2 + (1 if gender == "1" else 0)
    first17 = f"{area_code}{birth_date:%Y%m%d}{sequence:02d}{gender_digit}"
    return first17 + check_character(first17)


def validate_id_number(value: str) -> None:
    """Django field validator."""
    try:
        parse_id_number(value)
    except InvalidIdNumber as exc:
        raise ValidationError(exc.message, code=exc.reason) from None


def mask_id_number(number: str | None) -> str:
    """Keep the area code and the last four characters: 500233********123X."""
    if not number:
        return ""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


class InvalidPhone(ValueError):
    def __init__(self, message: object) -> None:
        self.message = message
        super().__init__(message)


_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_INTEGRAL_FLOAT = re.compile(r"\A([0-9]+)\.0+\Z")
_SEPARATORS = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff\-\u2010-\u2015.()]+")


def _invalid_phone(raw: object) -> InvalidPhone:
    return InvalidPhone(
        format_lazy(
            _("无法识别的电话号码“{phone}”：应为11位手机号或带区号的固定电话，如023-54321234"),
            phone=raw,
        )
    )


def _landline(digits: str) -> str | None:
    # Two-digit area codes are exactly 10 and 20-29; every other area code has three digits.
    if len(digits) < 3 or digits[0] != "0":
        return None
    area_length = 3 if digits[1] in "12" else 4
    area, local = digits[:area_length], digits[area_length:]
    if digits[1] == "1" and area != "010":
        return None
    if not re.fullmatch(r"[2-9][0-9]{6,7}", local):
        return None
    return f"{area}-{local}"


def normalize_phone(raw: str | int | float | None) -> str | None:
    """Return "13812345678" for a mobile or "023-54321234" (optionally "-123") for a landline.

    An 11-digit string starting with 0 is read as a landline (02354321234 -> 023-54321234),
    since no mobile number starts with 0.
    """
    if raw is None:
        return None
    invalid = _invalid_phone(raw)
    if isinstance(raw, bool):
        raise invalid
    if isinstance(raw, float):
        if not raw.is_integer():
            raise invalid
        raw = int(raw)
    text = to_halfwidth(str(raw)).strip()
    # Spreadsheet cells formatted as numbers arrive as "13812345678.0" after a text export.
    text = _INTEGRAL_FLOAT.sub(r"\1", text)
    text = _SEPARATORS.sub(" ", text).strip()
    if not text:
        return None
    has_plus = text.startswith("+")
    groups = text.removeprefix("+").split()
    if not groups or not all(re.fullmatch(r"[0-9]+", group) for group in groups):
        raise invalid
    digits = "".join(groups)

    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and _MOBILE.fullmatch(digits[len(prefix) :]):
            return digits[len(prefix) :]
    if has_plus:
        # Only mainland numbers are accepted; "+86 23 ..." drops the trunk 0 of the area code.
        if not digits.startswith("86"):
            raise invalid
        digits = "0" + digits.removeprefix("86")
    if _MOBILE.fullmatch(digits):
        return digits
    if landline := _landline(digits):
        return landline
    # An extension is only recognisable when a separator sets it apart from the local number.
    if (
        len(groups) > 1
        and len(groups[-1]) <= 6
        and (landline := _landline(digits[: -len(groups[-1])]))
    ):
        return f"{landline}-{groups[-1]}"
    raise invalid


def validate_phone(value: str) -> None:
    """Django field validator."""
    try:
        normalize_phone(value)
    except InvalidPhone as exc:
        raise ValidationError(exc.message, code="invalid_phone") from None


def mask_phone(phone: str | None) -> str:
    """Mobile 138****5678; landline keeps the area code and the last two digits: 023-******34."""
    if not phone:
        return ""
    try:
        normalized = normalize_phone(phone)
    except InvalidPhone:
        return "*" * len(str(phone))
    if normalized is None:
        return ""
    if "-" not in normalized:
        return normalized[:3] + "****" + normalized[-4:]
    area, local, *extension = normalized.split("-")
    masked = f"{area}-{'*' * (len(local) - 2)}{local[-2:]}"
    return masked + "".join(f"-{'*' * len(part)}" for part in extension)
