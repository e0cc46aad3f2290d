"""Reading a session's sign-in sheet (签到表) from Excel and matching its rows to the course's
enrolment, so attendance can be previewed and then recorded.

A row is matched by ID number when it has a valid one, otherwise by name within the course's
enrolment (never against the whole registry). Each row that cannot be matched says why, in
words the township clerk can act on.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from python_calamine import CalamineWorkbook, SheetVisibleEnum

from talentpool.headings import (
    FieldSpec,
    HeadingMatcher,
    find_header_row,
    heading_key,
    unused_column_warnings,
)
from talentpool.identity import InvalidIdNumber, parse_id_number
from talentpool.survey.fields import FIELD_SPECS
from talentpool.survey.reader import FileRejected, vet_workbook
from talentpool.text import clean_name, clean_text, remove_whitespace, to_halfwidth
from training.models import AttendanceStatus, Enrolment

MAX_ROWS = 2000

# The sign-in sheet's columns and the headings they are known by (read like the survey's:
# talentpool.headings).
SIGNIN_FIELDS = (
    FieldSpec("name", "姓名", ("学员姓名", "名字", "参训人员", "参训人员姓名"), personal=True),
    FIELD_SPECS["id_number"],  # the survey's: every way a form writes the ID number
    FieldSpec(
        "status",
        "出勤情况",
        ("出勤", "考勤", "考勤情况", "状态", "签到情况", "到会情况", "出勤状态", "到课情况"),
    ),
    FieldSpec(
        "signature",
        "签到",
        ("签名", "本人签字", "签字", "签到签名", "学员签名", "签到栏", "本人签名"),
    ),
)
MATCHER = HeadingMatcher(SIGNIN_FIELDS)
NAME_HEADINGS = frozenset(heading_key(h) for h in SIGNIN_FIELDS[0].known)

STATUS_WORDS = {
    AttendanceStatus.PRESENT: (
        "出勤",
        "到",
        "已到",
        "到会",
        "参加",
        "已参加",
        "是",
        "签到",
        "已签到",
        "√",
        "✓",
        "✔",
        "1",
    ),
    AttendanceStatus.ABSENT: (
        "缺勤",
        "缺",
        "缺席",
        "未到",
        "未参加",
        "否",
        "旷课",
        "未签到",
        "×",
        "✗",
        "✘",
        "0",
    ),
    AttendanceStatus.LEAVE: ("请假", "假", "事假", "病假", "公假", "已请假"),
}
_STATUS_LOOKUP = {word: status for status, words in STATUS_WORDS.items() for word in words}
# Rows of totals, signatures and notes below the table are not people.
_NOT_A_NAME = re.compile(r"合计|总计|小计|填表|审核|制表|负责人|说明|备注|[:：]")


class SheetRejected(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class SheetRow:
    line: int  # the row number as Excel shows it
    name: str
    id_text: str
    status: str | None
    problem: str = ""  # why the row's status could not be read


@dataclass
class SignInSheet:
    rows: list[SheetRow]
    # One sentence for each filled column the sheet has that was not read.
    warnings: list[str] = field(default_factory=list)


@dataclass
class Match:
    row: SheetRow
    enrolment: Enrolment
    status: str
    note: str = ""


@dataclass
class Unmatched:
    row: SheetRow
    reason: str


@dataclass
class Preview:
    matched: list[Match] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)
    missing: list[Enrolment] = field(default_factory=list)  # enrolled but not on the sheet
    warnings: list[str] = field(default_factory=list)  # columns of the sheet not read


def _check_package(data: bytes) -> None:
    """Refuse what calamine must not open: zip bombs, sheets whose grid would take more memory
    than the machine has, damaged and encrypted containers (the survey import's checks)."""
    try:
        vet_workbook(io.BytesIO(data))
    except FileRejected as exc:
        raise SheetRejected(exc.message) from None


def read_sheet(data: bytes) -> SignInSheet:
    """The people rows of the first visible sheet that has a 姓名 column, and a warning for each
    filled column that was not read."""
    _check_package(data)
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except Exception:  # calamine raises several types for unreadable or encrypted files
        raise SheetRejected(
            _("无法读取该文件：请确认是未加密的 Excel 文件（.xlsx 或 .xls）。")
        ) from None
    for meta in workbook.sheets_metadata:
        if meta.visible != SheetVisibleEnum.Visible:
            continue
        rows = _sheet_rows(workbook, meta.name)
        header = find_header_row(rows, MATCHER, required={"name"})
        if header is not None:
            people = _people_rows(rows, header.index, header.columns)
            unused = header.unused(rows[header.index + 1 :])
            return SignInSheet(people, unused_column_warnings(unused))
    raise SheetRejected(_("没有找到“姓名”列：请确认签到表的表头有“姓名”一栏。"))


def _sheet_rows(workbook: CalamineWorkbook, name: str) -> list[list[object]]:
    try:
        return workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except BaseException as exc:
        # pyo3 turns a Rust panic on a malformed sheet into PanicException, a BaseException.
        if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        raise SheetRejected(_("文件已损坏，无法打开，请用 Excel 另存后重新上传。")) from None


def _cell(row: list[object], index: int | None) -> object:
    if index is None or index >= len(row):
        return ""
    return row[index]


def _people_rows(rows: list[list[object]], header: int, columns: dict[str, int]) -> list[SheetRow]:
    people = []
    for offset, row in enumerate(rows[header + 1 :], start=header + 2):
        name = clean_name(_cell(row, columns["name"]))
        if not name or _NOT_A_NAME.search(name) or heading_key(name) in NAME_HEADINGS:
            continue
        if len(people) >= MAX_ROWS:
            raise SheetRejected(_("签到表超过%(n)s行，请检查是否选错了文件。") % {"n": MAX_ROWS})
        id_value = _cell(row, columns.get("id_number"))
        # Excel keeps long numbers as floating point: the last digits are gone.
        id_text = "" if isinstance(id_value, float) else clean_text(id_value)
        status, problem = _status(row, columns)
        people.append(SheetRow(offset, name, id_text, status, problem))
    return people


def _status(row: list[object], columns: dict[str, int]) -> tuple[str | None, str]:
    if "status" in columns:
        raw = clean_text(_cell(row, columns["status"]))
        if isinstance(_cell(row, columns["status"]), float):
            raw = str(int(_cell(row, columns["status"])))
        if raw:
            word = remove_whitespace(to_halfwidth(raw))
            if word in _STATUS_LOOKUP:
                return _STATUS_LOOKUP[word], ""
            return None, _("出勤情况“%(v)s”无法识别（可填：出勤、缺勤、请假）") % {"v": raw}
    if "signature" in columns:
        signed = clean_text(_cell(row, columns["signature"]))
        return (AttendanceStatus.PRESENT if signed else AttendanceStatus.ABSENT), ""
    if "status" in columns:
        return None, _("未填写出勤情况")
    # A bare list of names: being on the sign-in sheet means being there.
    return AttendanceStatus.PRESENT, ""


def match_rows(rows: list[SheetRow], enrolments: list[Enrolment]) -> Preview:
    """Match sheet rows to `enrolments` (with persons loaded); no database access."""
    by_id = {e.person.id_number: e for e in enrolments}
    by_name: dict[str, list[Enrolment]] = {}
    for e in enrolments:
        by_name.setdefault(clean_name(e.person.name), []).append(e)
    preview = Preview()
    seen: dict[int, int] = {}  # enrolment id -> sheet line
    for row in rows:
        enrolment, note, reason = _find(row, by_id, by_name)
        if enrolment is None:
            preview.unmatched.append(Unmatched(row, reason))
            continue
        if enrolment.pk in seen:
            preview.unmatched.append(
                Unmatched(
                    row, _("与第%(line)s行是同一学员，重复出现") % {"line": seen[enrolment.pk]}
                )
            )
            continue
        if row.status is None:
            preview.unmatched.append(Unmatched(row, row.problem))
            continue
        seen[enrolment.pk] = row.line
        preview.matched.append(Match(row, enrolment, row.status, note))
    preview.missing = [e for e in enrolments if e.pk not in seen]
    return preview


def _find(row: SheetRow, by_id: dict, by_name: dict) -> tuple[Enrolment | None, str, str]:
    note = ""
    if row.id_text:
        try:
            number = parse_id_number(row.id_text).number
        except InvalidIdNumber as exc:
            note = _("身份证号有误（%(why)s），已按姓名匹配") % {"why": exc.message}
        else:
            enrolment = by_id.get(number)
            if enrolment is None:
                return None, "", _("身份证号与本培训的报名学员都不相符")
            if clean_name(enrolment.person.name) != row.name:
                note = _("姓名与报名信息不一致（报名为%(name)s），已按身份证号匹配") % {
                    "name": enrolment.person.name
                }
            return enrolment, note, ""
    candidates = by_name.get(row.name, [])
    if not candidates:
        return None, "", _("本培训的报名学员中没有此人")
    if len(candidates) > 1:
        return (
            None,
            "",
            _("报名学员中有%(n)s人同名，请在签到表中填写身份证号") % {"n": len(candidates)},
        )
    return candidates[0], note, ""
