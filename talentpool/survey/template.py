"""The blank survey template (.xlsx) townships fill in: an instructions sheet, the form with its
header row and drop-down lists for the coded columns, and a hidden 字典 sheet feeding the lists.

The ID and phone columns are formatted as text, so that Excel keeps all 18 digits and leading
zeros. Only column formats are set, not empty formatted cells, so the sheet's used range stays
the header: nothing but the filled rows is read back.
"""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from talentpool import codes
from talentpool.survey.export import TEMPLATE_FIELDS, TEMPLATE_HEADER

FORM_SHEET = "登记表"
DICTIONARY_SHEET = "字典"
HEADER_ROW = 3
# Rows of the form that carry the drop-down lists.
FORM_ROWS = 5000

REQUIRED = {"name", "id_number"}
TEXT_FIELDS = {"id_number", "phone"}
WIDTHS = {
    "seq": 6,
    "name": 10,
    "gender": 6,
    "ethnicity": 8,
    "birth_date": 10,
    "id_number": 21,
    "phone": 14,
    "village": 14,
    "remark": 24,
    "industry_unit": 20,
    "school_major": 20,
}


def _choices(choice_class, *, skip: tuple[str, ...] = ()) -> list[str]:
    return [str(label) for value, label in choice_class.choices if value not in skip]


def dictionary(village_names: list[str]) -> dict[str, list[str]]:
    """The drop-down lists by field, in the standard codes' order."""
    yes_no = [_("是"), _("否")]
    lists = {
        "gender": [_("男"), _("女")],
        "ethnicity": _choices(codes.Ethnicity),
        "political_status": _choices(codes.PoliticalStatus),
        "education": _choices(codes.Education),
        "is_veteran": yes_no,
        "return_intention": _choices(codes.Willingness),
        "village_post_intention": _choices(codes.Willingness),
    }
    if village_names:
        lists["village"] = village_names
    return lists


INSTRUCTIONS = [
    "填表说明",
    "1. 请在“登记表”工作表中，从第4行开始每行填写一人，不要改动表头（第3行）。",
    "2. 姓名、身份证号码为必填项；身份证号码填18位，末位X大写。该列已设为文本格式，"
    "请直接输入或粘贴，不要改为数字格式，否则后几位会丢失。",
    "3. 出生日期以身份证号码为准，出生年月一栏可按“1990.05”填写，仅用于核对，不详可留空。",
    "4. 性别、民族、政治面貌、文化程度、是否退役军人、返乡意愿、到村任职意愿请从下拉列表中选择。",
    "5. 联系电话填写11位手机号，或带区号的固定电话（如023-54321234）。",
    "6. 户籍所在村（社区）请从下拉列表中选择本乡镇（街道）的村（社区）名称。",
    "7. 空着的单元格不会清除系统中已有的信息；要修改某人信息，重新填写该项后上传即可。",
    "8. 同一身份证号只填一行。表格末尾的合计行、填表人等说明行系统会自动忽略。",
    "9. 上传后系统先显示检查结果（新增、更新、无变化、有问题的行），确认后才写入。"
    "有问题的行可下载“错误报告”，修改后重新上传。",
]


def blank_template(*, township_name: str = "", village_names: list[str] | None = None) -> bytes:
    wb = Workbook()
    notes = wb.active
    notes.title = "填表说明"
    notes.column_dimensions["A"].width = 110
    for index, line in enumerate(INSTRUCTIONS):
        cell = notes.cell(row=index + 1, column=1, value=line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if index == 0:
            cell.font = Font(bold=True, size=14)

    form = wb.create_sheet(FORM_SHEET)
    wb.active = wb.index(form)
    lists = dictionary(village_names or [])
    _write_dictionary(wb.create_sheet(DICTIONARY_SHEET), lists)

    last = get_column_letter(len(TEMPLATE_FIELDS))
    title = (
        f"{township_name}在外人员、返乡人员信息登记表"
        if township_name
        else "在外人员、返乡人员信息登记表"
    )
    form["A1"] = title
    form["A1"].font = Font(bold=True, size=14)
    form["A1"].alignment = Alignment(horizontal="center")
    form.merge_cells(f"A1:{last}1")
    form["A2"] = "填表单位：" + " " * 20 + "填表人：" + " " * 14 + "填表时间：    年  月  日"
    form.merge_cells(f"A2:{last}2")

    thin = Side(style="thin", color="999999")
    header_fill = PatternFill("solid", fgColor="DDEBF7")
    for index, (fld, text) in enumerate(zip(TEMPLATE_FIELDS, TEMPLATE_HEADER, strict=True)):
        column = index + 1
        letter = get_column_letter(column)
        cell = form.cell(
            row=HEADER_ROW, column=column, value=f"{text}*" if fld in REQUIRED else text
        )
        cell.font = Font(bold=True, color="C00000" if fld in REQUIRED else "000000")
        cell.fill = header_fill
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(top=thin, bottom=thin, left=thin, right=thin)
        dimension = form.column_dimensions[letter]
        dimension.width = WIDTHS.get(fld, 12)
        if fld in TEXT_FIELDS:
            # The column's own format: a cell typed in later is text, all 18 digits kept.
            dimension.number_format = "@"
    form.freeze_panes = f"C{HEADER_ROW + 1}"

    first, end = HEADER_ROW + 1, HEADER_ROW + FORM_ROWS
    for fld, position in _list_columns(lists):
        index = TEMPLATE_FIELDS.index(fld)
        letter = get_column_letter(index + 1)
        source = get_column_letter(position + 1)
        validation = DataValidation(
            type="list",
            formula1=f"'{DICTIONARY_SHEET}'!${source}$2:${source}${len(lists[fld]) + 1}",
            allow_blank=True,
            showErrorMessage=True,
            # New villages do appear: a name outside the list is allowed after a warning.
            errorStyle="warning" if fld == "village" else "stop",
            errorTitle=_("请从下拉列表中选择"),
            error=_("%(title)s请从下拉列表中选择。") % {"title": FIELD_LABELS_PLAIN[fld]},
        )
        validation.add(f"{letter}{first}:{letter}{end}")
        form.add_data_validation(validation)

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


FIELD_LABELS_PLAIN = dict(zip(TEMPLATE_FIELDS, TEMPLATE_HEADER, strict=True))


def _list_columns(lists: dict[str, list[str]]) -> list[tuple[str, int]]:
    return [(fld, position) for position, fld in enumerate(lists)]


def _write_dictionary(sheet, lists: dict[str, list[str]]) -> None:
    for position, (fld, values) in enumerate(lists.items()):
        column = position + 1
        sheet.cell(row=1, column=column, value=FIELD_LABELS_PLAIN[fld])
        for offset, value in enumerate(values):
            sheet.cell(row=offset + 2, column=column, value=value)
    sheet.sheet_state = "hidden"
