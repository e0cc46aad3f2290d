"""Normalising layer of the survey import: one SurveyRow in, an accepted record or a refusal out.

A value a careful clerk would normalise unambiguously is normalised (spaces, full-width digits,
synonyms of coded values, phones stored as numbers); a damaged or ambiguous one refuses its row
with a reason code and a Chinese message saying what to fix, and is never silently altered.
Rules that need the database or the whole file (an ID registered elsewhere, the same ID twice in
the file) belong to the pipeline.

The import runs this once per row of surveys with hundreds of thousands of rows, so the common
case takes fast paths: coded values, dates and village names are looked up once per distinct cell
value, and ID numbers and phones that are already in their standard form are checked without the
general parsers. Anything unusual goes through talentpool.identity / talentpool.codes, which stay
the definition of what is valid (tests hold the fast paths to them).
"""

from __future__ import annotations

import datetime
import operator
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from talentpool import codes
from talentpool.identity import (
    PROVINCE_CODES,
    InvalidIdNumber,
    InvalidPhone,
    check_character,
    normalize_id_number,
    normalize_phone,
    parse_id_number,
)
from talentpool.survey.fields import FIELD_LABELS
from talentpool.survey.fields import FIELDS as READER_FIELDS
from talentpool.text import (
    LONG_TEXT_MAX_LENGTH,
    ZERO_WIDTH,
    clean_name,
    clean_text,
    remove_whitespace,
    to_halfwidth,
)

__all__ = [
    "FIELD_LABELS",
    "JSON_FIELDS",
    "Accepted",
    "Rejected",
    "RowNormaliser",
    "birth_date_readings",
    "cell_text",
    "fast_id_number",
    "json_values",
    "village_key",
]

# The keys of an accepted row in `import_survey --json`, in the template's column order: the
# reader's fields without the serial number.
JSON_FIELDS = READER_FIELDS[1:]

# Longest text each Person column holds; a longer cell refuses its row rather than being cut.
MAX_LENGTHS = {
    "name": 50,
    "school_major": 200,
    "work_place": 100,
    "industry_unit": 200,
    "skills": 500,
    "remark": LONG_TEXT_MAX_LENGTH,
    "village_text": 50,
}
# Longest text kept of one value in the person's other information.
MAX_OTHER_LENGTH = 2000
FREE_TEXT_FIELDS = ("school_major", "work_place", "industry_unit", "skills", "remark")

# Words that mean "not known" in a 出生年月 cell: no cross-check then.
UNKNOWN_DATE_WORDS = frozenset({"不详", "不祥", "未知", "不清楚", "无", "/", "-", "—", "－", "--"})


@dataclass(slots=True)
class Accepted:
    """A row whose person can be identified. `values` holds model values (codes, not labels);
    None means the cell was blank: a blank cell never erases what the registry holds. `raw` is
    the row as read, in case the registry or the rest of the file refuses it after all.
    `partial`: values that could not be coded or stored as written, each (column, field, value,
    message), listed under 部分字段待核实; the text as written is kept in `values["other_info"]`."""

    row: int
    values: dict[str, object]
    raw: list[object]
    partial: list[tuple[str, str, str, str]] | None = None


@dataclass(slots=True)
class Rejected:
    row: int
    reason: str
    message: str
    raw: list[object]
    # A valid ID number and the cleaned name, when the row has them (for duplicate checks).
    id_number: str | None = None
    name: str | None = None


@dataclass(slots=True)
class _Problem:
    reason: str
    message: str
    # Set for a value that does not stop the person being registered: its field and the text.
    fld: str | None = None
    value: str | None = None


# Reasons that keep the person: the value stays out of its coded field (or takes the nearest
# honest code) and is kept as written. Only what identifies the person refuses a row.
PARTIAL_REASONS = frozenset({"unknown_code", "invalid_phone", "too_long", "invalid_characters"})


# ---------------------------------------------------------------------------
# Cell values


def cell_text(value: object) -> str:
    """A cell's value as the text a clerk sees in it (15 digits at most for a number)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.15g}"
    if isinstance(value, datetime.datetime):
        if value.time() == datetime.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


_EDGE_CHARS = frozenset(ZERO_WIDTH)


# What a clerk writes for "nothing to say here" in a column of choices: no value, not an answer.
PLACEHOLDERS = frozenset({"/", "\\", "-", "--", "—", "——", "－", "_", "无填写", "暂无信息"})


def _placeholder(value: object) -> bool:
    # Runs on every phone cell: a placeholder is a few characters at most.
    return type(value) is str and len(value) < 8 and to_halfwidth(value).strip() in PLACEHOLDERS


def _blank(value: object) -> bool:
    """None, or text of nothing but whitespace of any kind."""
    if value is None:
        return True
    if isinstance(value, str):
        if value and not value[0].isspace() and value[0] not in _EDGE_CHARS:
            return False
        return not clean_text(value)
    return False


def _clean_free_text(value: object) -> str:
    """Free text keeps every character as typed; only surrounding whitespace goes."""
    text = value if isinstance(value, str) else cell_text(value)
    if text and not (
        text[0].isspace() or text[-1].isspace() or text[0] in _EDGE_CHARS or text[-1] in _EDGE_CHARS
    ):
        return text
    return clean_text(text)


# ---------------------------------------------------------------------------
# ID numbers

_ID18 = re.compile(r"[1-9][0-9]{16}[0-9X]")
_SCIENTIFIC = re.compile(r"[0-9](?:\.[0-9]+)?E\+?[0-9]{1,2}", re.IGNORECASE)
_PROVINCES = frozenset(str(code) for code in PROVINCE_CODES)
_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_DIGIT_OFFSET = 48 * sum(_WEIGHTS)
_CHECK = "10X98765432"
_EARLIEST_BIRTH = datetime.date(1900, 1, 1)


class _BirthCache(dict):
    """YYYYMMDD -> date, or None when it is no date of birth an ID can hold on `today`."""

    def __init__(self, today: datetime.date) -> None:
        super().__init__()
        self.today = today

    def __missing__(self, text: str) -> datetime.date | None:
        try:
            birth = datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            birth = None
        if birth is not None and not _EARLIEST_BIRTH <= birth <= self.today:
            birth = None
        self[text] = birth
        return birth


def fast_id_number(text: str, births: _BirthCache) -> tuple[datetime.date, str] | None:
    """(birth date, gender code) of an 18-character ID number already in standard form, or
    None when it is not a valid one in that form (then parse_id_number() says why)."""
    if len(text) != 18 or not _ID18.fullmatch(text) or text[:2] not in _PROVINCES:
        return None
    birth = births[text[6:14]]
    if birth is None:
        return None
    total = sum(map(operator.mul, _WEIGHTS, text.encode()[:17])) - _DIGIT_OFFSET
    if _CHECK[total % 11] != text[17]:
        return None
    return birth, "1" if (ord(text[16]) - 48) % 2 else "2"


def _digits_lost_message(col: str) -> str:
    return _(
        "%(col)s的身份证号被 Excel 存成了数字，超过15位的部分已经变成0或显示为科学计数法"
        "（如5.00233E+17），无法还原。请把该列设置为“文本”格式（右键—设置单元格格式—文本），"
        "再重新输入或从原始资料粘贴身份证号，保存后重新上传。"
    ) % {"col": col}


# ---------------------------------------------------------------------------
# 出生年月: every reading of a cell, for the cross-check against the ID

# (year, month or None, day or None); BAD marks a cell that is no date at all.
Reading = tuple[int, int | None, int | None]
BAD = "bad"

_EXCEL_EPOCH = datetime.date(1899, 12, 30)
# 1990.05, 1990-5-3, 1990/5/3, 1990年5月, 1990年5月3日, 90.5, 1990年
_DATE_TEXT = re.compile(
    r"(?P<y>[0-9]{4}|[0-9]{2})"
    r"(?:年|(?P<sep>[年./\-])(?P<m>[0-9]{1,2})(?:月|(?:月|[./\-])(?P<d>[0-9]{1,2})日?)?)?"
)


def _years(text: str, today: datetime.date) -> list[int]:
    year = int(text)
    if len(text) == 4:
        return [year]
    # A two-digit year ('90.5'): whichever century puts the date in the past.
    return [y for y in (1900 + year, 2000 + year) if y <= today.year]


def _valid(year: int, month: int | None, day: int | None) -> bool:
    if month is None:
        return year >= 1900
    if not 1 <= month <= 12:
        return False
    if day is None:
        return True
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def _from_date(value: datetime.date) -> frozenset[Reading]:
    # A date cell on the 1st usually is a month typed as '1990/5', which Excel stores as a date.
    if value.day == 1:
        return frozenset({(value.year, value.month, None)})
    return frozenset({(value.year, value.month, value.day)})


def _from_digits(text: str, today: datetime.date) -> frozenset[Reading] | str:
    if len(text) == 8:
        reading: Reading = (int(text[:4]), int(text[4:6]), int(text[6:]))
    elif len(text) == 6:
        reading = (int(text[:4]), int(text[4:6]), None)
    elif len(text) == 4:
        reading = (int(text), None, None)
    else:
        return BAD
    return frozenset({reading}) if _valid(*reading) else BAD


def birth_date_readings(value: object, today: datetime.date) -> frozenset[Reading] | str | None:
    """Every date a 出生年月 cell can mean; None when it says nothing, BAD when unreadable.

    A number such as 1990.1 may be 1990.10 that lost its trailing 0 in Excel, so it reads as
    January or October; a two-digit year as whichever century lies in the past.
    """
    if value is None or isinstance(value, bool):
        return None if value is None else BAD
    if isinstance(value, datetime.datetime):
        return _from_date(value.date())
    if isinstance(value, datetime.date):
        return _from_date(value)
    if isinstance(value, int | float):
        if isinstance(value, float) and not value.is_integer():
            if 10000 <= value < 100000:  # a date-time serial
                return _from_date(_EXCEL_EPOCH + datetime.timedelta(days=int(value)))
            return _from_text(repr(value), today)
        number = int(value)
        if 10000 <= number < 100000:
            return _from_date(_EXCEL_EPOCH + datetime.timedelta(days=number))
        return _from_digits(str(number), today)
    if not isinstance(value, str):
        return BAD
    text = remove_whitespace(to_halfwidth(value))
    if not text or text in UNKNOWN_DATE_WORDS:
        return None
    return _from_text(text, today)


def _from_text(text: str, today: datetime.date) -> frozenset[Reading] | str:
    if text.isdigit():
        return _from_digits(text, today)
    match = _DATE_TEXT.fullmatch(text)
    if match is None:
        return BAD
    years = _years(match["y"], today)
    month, day = match["m"], match["d"]
    if month is None:
        months: list[int | None] = [None]
    elif match["sep"] == "." and day is None and month == "1":
        # 1990.1 may be 1990.10 whose 0 Excel dropped; 1990.2 cannot be 1990.20.
        months = [1, 10]
    else:
        months = [int(month)]
    day_number = int(day) if day else None
    readings = frozenset(
        (y, m, day_number) for y in years for m in months if _valid(y, m, day_number)
    )
    return readings or BAD


def _matches(readings: frozenset[Reading], birth: datetime.date) -> bool:
    for year, month, day in readings:
        if (
            year == birth.year
            and (month is None or month == birth.month)
            and (day is None or day == birth.day)
        ):
            return True
    return False


# ---------------------------------------------------------------------------
# Villages


_VILLAGE_SUFFIXES = ("村民委员会", "居民委员会", "村委会", "居委会", "社区", "村")


def village_key(name: str, township_name: str = "") -> str:
    """The part of a village name clerks agree on: 香山村, 香山 and 忠州街道香山村 all give 香山."""
    key = remove_whitespace(to_halfwidth(name))
    township_key = remove_whitespace(township_name)
    if township_key and key.startswith(township_key) and len(key) > len(township_key):
        key = key[len(township_key) :]
    for suffix in _VILLAGE_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)]
    return key


class _VillageMatcher:
    def __init__(self, villages: Iterable[tuple[int, str]], township_name: str) -> None:
        self.township_name = township_name
        self.exact: dict[str, int] = {}
        by_key: dict[str, set[int]] = {}
        for pk, name in villages:
            self.exact[remove_whitespace(name)] = pk
            by_key.setdefault(village_key(name, township_name), set()).add(pk)
        # Two villages with the same stem (石宝村 and 石宝社区) leave the stem unmatched.
        self.by_key = {key: next(iter(pks)) for key, pks in by_key.items() if len(pks) == 1}
        self.cache: dict[str, int | None] = {}

    def __call__(self, text: str) -> int | None:
        try:
            return self.cache[text]
        except KeyError:
            pass
        compact = remove_whitespace(to_halfwidth(text))
        pk = self.exact.get(compact)
        if pk is None:
            pk = self.by_key.get(village_key(compact, self.township_name))
        if pk is None and len(compact) > 3:
            pk = self._within(compact)
        self.cache[text] = pk
        return pk

    def _within(self, address: str) -> int | None:
        """An address that names one village of the township in full (忠县石宝镇石宝村3组)."""
        names = [name for name in self.exact if len(name) >= 2 and name in address]
        # 新石宝村 names 石宝村 too: the longer name is the village meant.
        pks = {self.exact[n] for n in names if not any(n != m and n in m for m in names)}
        return pks.pop() if len(pks) == 1 else None


# ---------------------------------------------------------------------------
# Coded columns


class _Codes:
    """A code table's parser with the answer for each distinct cell value remembered."""

    def __init__(self, parse: Callable[[str | None], object]) -> None:
        self.parse = parse
        self.cache: dict[object, tuple[object, bool]] = {}

    def __call__(self, value: object) -> tuple[object, bool]:
        """(code, True) or (None, False) when the value is no listed synonym."""
        # 1, 1.0 and True are equal as dict keys but read differently.
        key = value if type(value) is str else (type(value), value)
        try:
            return self.cache[key]
        except KeyError:
            pass
        try:
            answer = (self.parse(cell_text(value)), True)
        except codes.UnknownCode:
            answer = (None, False)
        self.cache[key] = answer
        return answer


CODED_FIELDS: dict[str, Callable] = {
    "ethnicity": codes.parse_ethnicity,
    "political_status": codes.parse_political_status,
    "education": codes.parse_education,
    "return_intention": codes.parse_willingness,
    "village_post_intention": codes.parse_willingness,
}
_CODE_HINTS = {
    "gender": "男、女",
    "ethnicity": "汉族、土家族、苗族等民族全称或简称",
    "political_status": "中共党员、中共预备党员、共青团员、群众、民主党派名称、无党派人士",
    "education": "研究生、本科、大专、中专、职高、技校、高中、初中、小学、其他",
    "return_intention": "愿意、有意向、考虑中、不愿意",
    "village_post_intention": "愿意、有意向、考虑中、不愿意",
    "is_veteran": "是、否",
}
_CHOICES = {
    "gender": codes.Gender,
    "ethnicity": codes.Ethnicity,
    "political_status": codes.PoliticalStatus,
    "education": codes.Education,
    "return_intention": codes.Willingness,
    "village_post_intention": codes.Willingness,
}


def _label(fld: str, code: object) -> object:
    if code is None or fld not in _CHOICES:
        return code
    return str(_CHOICES[fld](code).label)


def json_values(values: dict[str, object], village_names: dict[int, str]) -> dict[str, object]:
    """An accepted row's values as `import_survey --json` prints them: Chinese labels for coded
    values, ISO dates, null for blank cells."""
    out: dict[str, object] = {}
    for fld in JSON_FIELDS:
        if fld == "village":
            vid = values.get("village_id")
            out[fld] = village_names.get(vid) if vid else values.get("village_text")
        elif fld == "birth_date":
            out[fld] = values["birth_date"].isoformat()
        else:
            out[fld] = _label(fld, values.get(fld))
    return out


# ---------------------------------------------------------------------------
# The row normaliser


class RowNormaliser:
    """Turns SurveyRows of one sheet into Accepted or Rejected, remembering what it has seen of
    repeated cell values. `columns` and `header` are the SurveySheet's."""

    def __init__(
        self,
        *,
        columns: dict[str, int],
        header: list[str],
        villages: Iterable[tuple[int, str]] = (),
        township_name: str = "",
        today: datetime.date | None = None,
        other_columns: Iterable[tuple[int, str]] = (),
    ) -> None:
        self.columns = columns
        self.header = header
        # Columns no field takes, kept as the person's other information under their heading.
        self.other_columns = list(other_columns)
        self.today = today or timezone.localdate()
        self.births = _BirthCache(self.today)
        self.gender = _Codes(codes.parse_gender)
        self.coded = {fld: _Codes(parse) for fld, parse in CODED_FIELDS.items()}
        self.veteran = _Codes(codes.parse_bool_mark)
        self.dates: dict[object, object] = {}
        self.village = _VillageMatcher(villages, township_name)
        self.villages_seen: dict[str, tuple[int | None, str]] = {}
        self.coded_items = [(fld, self.coded[fld]) for fld in CODED_FIELDS if fld in columns]
        self.absent_coded = [fld for fld in CODED_FIELDS if fld not in columns]
        self.col = {fld: self.column(fld) for fld in FIELD_LABELS}

    def column(self, fld: str) -> str:
        """How a message names a column: 第J列“政治面貌”."""
        index = self.columns.get(fld)
        if index is None:
            return f"“{FIELD_LABELS[fld]}”"
        title = clean_text(self.header[index]) if index < len(self.header) else ""
        title = re.sub(r"\s+", "", title) or FIELD_LABELS[fld]
        return _("第%(letter)s列“%(title)s”") % {
            "letter": get_column_letter(index + 1),
            "title": title,
        }

    def __call__(self, row) -> Accepted | Rejected:
        values_in = row.values
        problems: list[_Problem] = []
        out: dict[str, object] = {}

        # 姓名
        raw_name = values_in.get("name")
        if isinstance(raw_name, str) and raw_name and not _NAME_NEEDS_CLEANING.search(raw_name):
            name = raw_name
        else:
            name = clean_name(cell_text(raw_name)) if raw_name is not None else ""
        if not name:
            problems.append(_Problem("missing_name", _("姓名为空")))
        elif len(name) > MAX_LENGTHS["name"]:
            problems.append(self._too_long("name", name, keeps_person=False))
        out["name"] = name

        # 身份证号
        id_number, id_info = self._id_number(values_in.get("id_number"), problems)
        out["id_number"] = id_number
        if id_info is not None:
            out["birth_date"], out["gender"] = id_info
            self._cross_check(values_in, id_info, problems)

        # 联系电话: a phone typed as a number arrives as int or float, never as '...0'.
        phone = values_in.get("phone")
        if _blank(phone):
            out["phone"] = None
        elif isinstance(phone, str) and len(phone) == 11 and _MOBILE.fullmatch(phone):
            out["phone"] = phone
        else:
            try:
                out["phone"] = normalize_phone(phone)
            except InvalidPhone as exc:
                out["phone"] = None
                if not _placeholder(phone):  # "/" or "-" says nothing, it is no wrong number
                    problems.append(
                        _Problem(
                            "invalid_phone",
                            f"{self.col['phone']}：{exc.message}",
                            "phone",
                            clean_text(cell_text(phone)),
                        )
                    )

        # Coded columns: a survey repeats a handful of values; each is parsed once.
        for fld in self.absent_coded:
            out[fld] = None
        for fld, parse in self.coded_items:
            value = values_in.get(fld)
            if value is None:
                out[fld] = None
                continue
            answer = parse.cache.get(value) if type(value) is str else None
            if answer is None:
                if _blank(value) or _placeholder(value):
                    out[fld] = None
                    continue
                answer = parse(value)
            code, ok = answer
            if not ok:
                problems.append(self._unknown(fld, value))
            elif code == codes.PoliticalStatus.DEMOCRATIC_PARTY and fld == "political_status":
                problems.append(self._unnamed_party(value))
            out[fld] = code
        veteran = values_in.get("is_veteran")
        if isinstance(veteran, bool):
            out["is_veteran"] = veteran
        elif _blank(veteran):
            out["is_veteran"] = None
        else:
            mark, ok = self.veteran(veteran)
            if not ok and not _placeholder(veteran):
                problems.append(self._unknown("is_veteran", veteran))
            out["is_veteran"] = mark

        # 户籍所在村
        village = values_in.get("village")
        if _blank(village):
            out["village_given"] = False
            out["village_id"] = None
            out["village_text"] = None
        else:
            matched = self.villages_seen.get(village) if type(village) is str else None
            if matched is None:
                text = clean_text(cell_text(village))
                vid = self.village(text)
                matched = (vid, "" if vid else text)
                if type(village) is str:
                    self.villages_seen[village] = matched
            out["village_given"] = True
            out["village_id"], out["village_text"] = matched
            if matched[0] is None and len(matched[1]) > MAX_LENGTHS["village_text"]:
                problems.append(self._too_long("village", matched[1], MAX_LENGTHS["village_text"]))
                out["village_given"] = False
                out["village_id"] = out["village_text"] = None

        # Free text, kept as typed
        for fld in FREE_TEXT_FIELDS:
            value = values_in.get(fld)
            if value is None:
                out[fld] = None
                continue
            if (
                type(value) is str
                and value
                and not (value[0].isspace() or value[-1].isspace())
                and value[0] not in _EDGE_CHARS
                and value[-1] not in _EDGE_CHARS
            ):
                text = value  # the common case: nothing to trim
            else:
                text = _clean_free_text(value)
                if not text:
                    out[fld] = None
                    continue
            if "\x00" in text:
                # PostgreSQL text cannot hold NUL; only a CSV file can carry one.
                text = text.replace("\x00", "")
                problems.append(
                    _Problem(
                        "invalid_characters",
                        _("%(col)s含有不可见的控制字符（NUL），已删除，请核对")
                        % {"col": self.col[fld]},
                        fld,
                        text,
                    )
                )
            if len(text) > MAX_LENGTHS[fld]:
                problems.append(self._too_long(fld, text))
                text = None
            out[fld] = text
        if "\x00" in name or "\x00" in (out["village_text"] or ""):
            problems.append(
                _Problem("invalid_characters", _("含有不可见的控制字符（NUL），请删除后重新上传"))
            )

        blocking = [p for p in problems if p.fld is None]
        if blocking:
            return Rejected(
                row.number,
                blocking[0].reason,
                "；".join(p.message for p in blocking + [p for p in problems if p.fld]),
                row.raw,
                id_number if id_info is not None else None,
                name or None,
            )
        other = self._other(row.raw) if self.other_columns else None
        partial = None
        if problems:
            partial = []
            other = other or {}
            for p in problems:
                partial.append((self.letter(p.fld), p.fld, p.value or "", p.message))
                other[self.title(p.fld)] = p.value or ""
        out["other_info"] = other or None
        return Accepted(row.number, out, row.raw, partial)

    def _other(self, raw: list[object]) -> dict[str, str] | None:
        other: dict[str, str] = {}
        for index, key in self.other_columns:
            value = raw[index] if index < len(raw) else None
            if value is None or (type(value) is str and not value.strip()):
                continue
            text = _clean_free_text(value).replace("\x00", "")
            if text:
                other[key] = text[:MAX_OTHER_LENGTH]
        return other or None

    def letter(self, fld: str) -> str:
        index = self.columns.get(fld)
        return "" if index is None else get_column_letter(index + 1)

    def title(self, fld: str) -> str:
        """The column's heading as the sheet wrote it (the template's when it has none)."""
        index = self.columns.get(fld)
        title = (
            clean_text(self.header[index]) if index is not None and index < len(self.header) else ""
        )
        return re.sub(r"\s+", "", title) or FIELD_LABELS[fld]

    # -- pieces ------------------------------------------------------------------

    def _id_number(
        self, value: object, problems: list[_Problem]
    ) -> tuple[str | None, tuple[datetime.date, str] | None]:
        col = self.col["id_number"]
        if _blank(value):
            problems.append(_Problem("missing_id", _("身份证号为空")))
            return None, None
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            problems.append(
                _Problem(
                    "invalid_id",
                    _("%(col)s不是身份证号（“%(v)s”）")
                    % {
                        "col": col,
                        "v": cell_text(value),
                    },
                )
            )
            return None, None
        if isinstance(value, int | float):
            if isinstance(value, float) and not value.is_integer():
                problems.append(
                    _Problem(
                        "invalid_id",
                        _("%(col)s不是身份证号（“%(v)s”）")
                        % {
                            "col": col,
                            "v": cell_text(value),
                        },
                    )
                )
                return None, None
            text = str(int(value))
            if len(text) >= 16:
                # A double holds 15 significant digits: the rest is gone, even if the check
                # character happens to pass.
                problems.append(_Problem("id_digits_lost", _digits_lost_message(col)))
                return None, None
        else:
            text = value
        info = fast_id_number(text, self.births)
        if info is not None:
            return text, info
        compact = normalize_id_number(text)
        if _SCIENTIFIC.fullmatch(compact):
            problems.append(_Problem("id_digits_lost", _digits_lost_message(col)))
            return None, None
        try:
            parsed = parse_id_number(compact, today=self.today)
        except InvalidIdNumber as exc:
            message = str(exc.message)
            if exc.reason == "invalid_id":
                message = _("%(col)s有误：%(message)s（当前为“%(v)s”）") % {
                    "col": col,
                    "message": message,
                    "v": cell_text(value),
                }
            problems.append(_Problem(exc.reason, message))
            return None, None
        return parsed.number, (parsed.birth_date, parsed.gender)

    def _cross_check(
        self, values_in: dict, id_info: tuple[datetime.date, str], problems: list[_Problem]
    ) -> None:
        birth, gender = id_info
        value = values_in.get("birth_date")
        if value is not None:
            key = value if type(value) is str else (type(value), value)
            try:
                readings = self.dates[key]
            except KeyError:
                readings = self.dates[key] = birth_date_readings(value, self.today)
            if readings == BAD:
                problems.append(
                    _Problem(
                        "bad_date",
                        _(
                            "%(col)s“%(v)s”不是有效的日期，请按“1990.05”或“1990年5月”填写"
                            "（出生日期以身份证号为准，不详可留空）"
                        )
                        % {"col": self.col["birth_date"], "v": cell_text(value)},
                    )
                )
            elif readings is not None and not _matches(readings, birth):
                problems.append(
                    _Problem(
                        "id_birthdate_mismatch",
                        _("%(col)s“%(v)s”与身份证号中的出生日期%(y)s年%(m)s月%(d)s日不一致")
                        % {
                            "col": self.col["birth_date"],
                            "v": cell_text(value),
                            "y": birth.year,
                            "m": birth.month,
                            "d": birth.day,
                        },
                    )
                )
        value = values_in.get("gender")
        if not _blank(value):
            code, ok = self.gender(value)
            if not ok:
                problems.append(self._unknown("gender", value))
            elif code in ("1", "2") and code != gender:
                problems.append(
                    _Problem(
                        "id_gender_mismatch",
                        _("%(col)s“%(v)s”与身份证号不一致（身份证号第17位表示%(g)s性）")
                        % {
                            "col": self.col["gender"],
                            "v": clean_text(cell_text(value)),
                            "g": _("男") if gender == "1" else _("女"),
                        },
                    )
                )

    def _unknown(self, fld: str, value: object) -> _Problem:
        text = clean_text(cell_text(value))
        return _Problem(
            "unknown_code",
            _("%(col)s的值“%(v)s”无法识别，已原样保存，该项暂空，请核实（可填写：%(hint)s）")
            % {"col": self.col[fld], "v": text, "hint": _CODE_HINTS[fld]},
            fld,
            text,
        )

    def _unnamed_party(self, value: object) -> _Problem:
        text = clean_text(cell_text(value))
        return _Problem(
            "unknown_code",
            _("%(col)s的值“%(v)s”没有写明哪个民主党派，已按“民主党派”登记，请核实具体党派")
            % {"col": self.col["political_status"], "v": text},
            "political_status",
            text,
        )

    def _too_long(
        self, fld: str, text: str, limit: int | None = None, *, keeps_person: bool = True
    ) -> _Problem:
        limit = limit or MAX_LENGTHS[fld]
        if not keeps_person:
            return _Problem(
                "too_long",
                _("%(col)s超过%(limit)s个字（当前%(n)s个字），请精简后重新上传")
                % {"col": self.col[fld], "limit": limit, "n": len(text)},
            )
        return _Problem(
            "too_long",
            _("%(col)s超过%(limit)s个字（当前%(n)s个字），已原样保存为其他信息，该项暂空，请精简")
            % {"col": self.col[fld], "limit": limit, "n": len(text)},
            fld,
            text,
        )


_MOBILE = re.compile(r"1[3-9][0-9]{9}")
# Anything clean_name() would change: whitespace of every kind and the look-alike dots.
_NAME_NEEDS_CLEANING = re.compile(rf"[\s{ZERO_WIDTH}\u30fb\u2027\u2022\uff65]")

# Keep the check-character table in step with talentpool.identity.
assert check_character("11010519491231002") == "X"
assert _CHECK[(sum(w * 1 for w in _WEIGHTS)) % 11] == check_character("1" * 17)
