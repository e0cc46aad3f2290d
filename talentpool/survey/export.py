"""Spreadsheets the survey pages hand out: the error report of a batch and the registry in the
template's columns (as .xlsx through talentpool.exports, and as .csv).

Text typed by townships is stored exactly as typed, including text starting with = + - @; it is
made harmless here, when it leaves for a spreadsheet program: in .xlsx such a cell is written as
text (never a formula) with Excel's quote prefix, in .csv it gets a leading apostrophe.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import io
from collections.abc import Iterable, Iterator

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from talentpool import codes
from talentpool.exports import looks_like_formula
from talentpool.survey.models import ImportBatch, ImportRow, RowAction
from talentpool.survey.normalize import FIELD_LABELS, JSON_FIELDS
from talentpool.survey.pipeline import decode_cell

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"


# The template's columns, in order: 序号 then the fields `import_survey --json` prints.
TEMPLATE_FIELDS = ("seq", *JSON_FIELDS)
TEMPLATE_HEADER = [FIELD_LABELS[f] for f in TEMPLATE_FIELDS]


def xlsx_cell(sheet, value: object, *, number_format: str | None = None) -> WriteOnlyCell:
    """A write-only cell holding `value` as data: text stays text whatever it starts with."""
    if isinstance(value, str):
        # Characters XML cannot carry (a CSV may hold them) are shown as U+FFFD.
        value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"
        if looks_like_formula(value):
            cell.quotePrefix = True
    if number_format:
        cell.number_format = number_format
    elif isinstance(value, datetime.datetime):
        cell.number_format = "yyyy-mm-dd hh:mm"
    elif isinstance(value, datetime.date):
        cell.number_format = "yyyy-mm-dd"
    return cell


def csv_value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    text = str(value)
    return "'" + text if looks_like_formula(text) else text


def csv_bytes(lines: Iterable[Iterable[object]]) -> Iterator[bytes]:
    """UTF-8 with a BOM, CRLF line ends: what Excel opens without asking about the encoding."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    yield codecs.BOM_UTF8
    for line in lines:
        writer.writerow([csv_value(v) for v in line])
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


# ---------------------------------------------------------------------------
# The error report


REASON_HEADER = "原因"
ROW_HEADER = "原行号"
_RED = PatternFill("solid", fgColor="FCE4E4")


def error_report(batch: ImportBatch) -> bytes:
    """The batch's rejected (and skipped) rows exactly as uploaded, with 原行号 and 原因 added:
    the township corrects them here or in its own file and uploads again."""
    header = list(batch.report.get("header") or [])
    width = len(header)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("未导入的行"))
    id_column = _column_of(header, FIELD_LABELS["id_number"])
    phone_column = _column_of(header, FIELD_LABELS["phone"])
    for index in range(width + 2):
        ws.column_dimensions[get_column_letter(index + 1)].width = 16
    ws.column_dimensions[get_column_letter(width + 2)].width = 60
    ws.freeze_panes = "A3"
    note = xlsx_cell(
        ws,
        _("以下是“%(name)s”中未导入的行（原样保留），原因见最后一列。修改后可直接上传本表。")
        % {"name": batch.original_name},
    )
    note.font = Font(bold=True)
    ws.append([note])
    titles = [xlsx_cell(ws, text) for text in [*header, ROW_HEADER, REASON_HEADER]]
    for cell in titles:
        cell.font = Font(bold=True)
    ws.append(titles)
    rows = (
        ImportRow.objects.filter(batch=batch, action__in=[RowAction.REJECTED, RowAction.SKIPPED])
        .order_by("row_number")
        .values_list("row_number", "raw", "message")
    )
    for number, raw, message in rows.iterator(chunk_size=2000):
        cells = [decode_cell(v) for v in (raw or [])][:width]
        cells += [None] * (width - len(cells))
        out = []
        for index, value in enumerate(cells):
            text_column = index in (id_column, phone_column)
            out.append(xlsx_cell(ws, value, number_format="@" if text_column else None))
        out.append(xlsx_cell(ws, number))
        reason = xlsx_cell(ws, message)
        reason.fill = _RED
        reason.alignment = Alignment(wrap_text=True)
        out.append(reason)
        ws.append(out)
    partial = batch.report.get("partial") or []
    if partial:
        _partial_sheet(wb.create_sheet(_("部分字段待核实")), batch, partial)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _partial_sheet(ws, batch: ImportBatch, partial: list[list]) -> None:
    """Rows that were imported with values kept as written: the township checks them."""
    for letter, width in zip("ABCDE", (8, 8, 16, 24, 70), strict=True):
        ws.column_dimensions[letter].width = width
    note = xlsx_cell(
        ws,
        _("以下人员已导入，但个别项无法识别或无法按原样登记，原文已保存为其他信息，请核实。"),
    )
    note.font = Font(bold=True)
    ws.append([note])
    titles = [
        xlsx_cell(ws, t) for t in (ROW_HEADER, _("列"), _("项目"), _("填写的内容"), _("说明"))
    ]
    for cell in titles:
        cell.font = Font(bold=True)
    ws.append(titles)
    for row, letter, fld, value, message in partial:
        ws.append(
            [
                xlsx_cell(ws, row),
                xlsx_cell(ws, letter),
                xlsx_cell(ws, FIELD_LABELS.get(fld, fld)),
                xlsx_cell(ws, value, number_format="@"),
                xlsx_cell(ws, message),
            ]
        )


def _column_of(header: list[str], title: str) -> int | None:
    try:
        return header.index(title)
    except ValueError:
        return None


# ---------------------------------------------------------------------------
# The registry in the template's columns


def _label(choices, code: str) -> str:
    if not code:
        return ""
    try:
        return str(choices(code).label)
    except ValueError:
        return code


def registry_people(user, params: dict):
    from talentpool.exports import as_query
    from talentpool.forms import RegistryFilterForm
    from talentpool.models import Person

    form = RegistryFilterForm(as_query(params), user=user)
    return form.filter(Person.objects.in_scope(user)).select_related("village")


def registry_rows(user, params: dict) -> tuple[list[str], Iterator[list[object]]]:
    """The template's header and one row per person in `user`'s scope matching the registry
    list's filters; ID numbers and phones in full only for users with the right."""
    yes, no = _("是"), _("否")

    def rows() -> Iterator[list[object]]:
        people = registry_people(user, params).iterator(chunk_size=2000)
        for seq, p in enumerate(people, 1):
            yield [
                seq,
                p.name,
                _label(codes.Gender, p.gender),
                _label(codes.Ethnicity, p.ethnicity),
                p.birth_date_for(user, granted=True),
                p.id_number_for(user, granted=True),
                p.phone_for(user, granted=True),
                p.village_label,
                _label(codes.PoliticalStatus, p.political_status),
                _label(codes.Education, p.education),
                p.school_major,
                p.work_place,
                p.industry_unit,
                p.skills,
                yes if p.is_veteran else no,
                _label(codes.Willingness, p.return_intention),
                _label(codes.Willingness, p.village_post_intention),
                p.remark,
            ]

    return list(TEMPLATE_HEADER), rows()


def registry_csv(user, params: dict, *, first_line: str = "") -> Iterator[bytes]:
    header, rows = registry_rows(user, params)
    lines: list[Iterable[object]] = [[first_line]] if first_line else []
    return csv_bytes(_chain(lines, header, rows))


def _chain(lines, header, rows):
    yield from lines
    yield header
    yield from rows
