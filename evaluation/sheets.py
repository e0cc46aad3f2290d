"""Excel workbooks in and out: dashboard figures, the review round's template and its import,
and the reserve roster (后备干部名册)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from urllib.parse import quote

from django.db.models import Exists, OuterRef, Q
from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from candidates.models import PoolMembership
from evaluation.models import Conclusion, Grade, Review, ReviewRound, Scoring
from talentpool.exports import looks_like_formula
from talentpool.headings import (
    SCAN_ROWS,
    FieldSpec,
    HeadingMatcher,
    find_header_row,
    heading_key,
    unused_column_warnings,
)
from talentpool.models import Township

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")
THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
MAX_IMPORT_ROWS = 5000


def xlsx_response(workbook: Workbook, filename: str) -> HttpResponse:
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    # RFC 6266: the ASCII fallback for old clients, the UTF-8 name for the rest.
    response["Content-Disposition"] = (
        f"attachment; filename=\"export.xlsx\"; filename*=UTF-8''{quote(filename)}"
    )
    response["Cache-Control"] = "no-store"
    return response


def _sheet_title(text: str, used: set[str]) -> str:
    title = "".join(c for c in text if c not in "[]:*?/\\")[:28] or "Sheet"
    base, n = title, 2
    while title in used:
        title = f"{base[:26]}{n}"
        n += 1
    used.add(title)
    return title


def _write_table(sheet, top: int, columns: list[str], rows: list[list], bold_last=False) -> None:
    for col, name in enumerate(columns, start=1):
        cell = sheet.cell(row=top, column=col, value=name)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for r, row in enumerate(rows, start=top + 1):
        for col, value in enumerate(row, start=1):
            if isinstance(value, Decimal):
                value = float(value)
            cell = sheet.cell(row=r, column=col, value=value)
            if isinstance(value, str):
                # Text stays text: openpyxl would write "=..." (a comment, a unit's name) as a
                # formula for the spreadsheet to run (CSV/Excel injection).
                cell.data_type = "s"
                cell.quotePrefix = looks_like_formula(value)
            cell.border = BORDER
            if bold_last and r == top + len(rows):
                cell.font = Font(bold=True)
    for col, name in enumerate(columns, start=1):
        width = max([len(str(name))] + [len(str(row[col - 1] or "")) for row in rows[:200]])
        sheet.column_dimensions[get_column_letter(col)].width = min(max(width * 2 + 2, 8), 50)
    sheet.freeze_panes = sheet.cell(row=top + 1, column=2)


def figures_workbook(figures, heading: str) -> Workbook:
    """One sheet a figure: its title, what it covers, then exactly the page's table."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    used: set[str] = set()
    for figure in figures:
        sheet = workbook.create_sheet(_sheet_title(figure.title, used))
        sheet.cell(row=1, column=1, value=figure.title).font = Font(bold=True, size=14)
        sheet.cell(row=2, column=1, value=heading)
        if figure.note:
            sheet.cell(row=3, column=1, value=figure.note)
        _write_table(sheet, 5, figure.columns, figure.table(), bold_last=bool(figure.total))
    if not workbook.sheetnames:
        workbook.create_sheet(_("无数据"))
    return workbook


# --- The review round's template and import ---------------------------------------------------

ID_HEADER = "编号"
NAME_HEADER = "姓名"
# No identifiers beyond the name: the sheet is a work list, matched back by 编号.
FIXED_HEADERS = [ID_HEADER, NAME_HEADER, "村（社区）", "后备类别"]
CONCLUSION_HEADER = "考核结论"
REVIEWER_HEADER = "考核人"
EVIDENCE_HEADER = "主要事实依据"
GRADE_WORDS = {**{g.label: g.value for g in Grade}, **{g.value: g.value for g in Grade}}
CONCLUSION_WORDS = {str(c.label): c.value for c in Conclusion}


def sheet_members(round: ReviewRound, township: Township):
    """The reserves on the sheet: active ones in the pool by the end of the period, and anyone
    already reviewed in the round."""
    reviewed = Review.objects.filter(round=round, membership=OuterRef("pk"))
    return (
        PoolMembership.objects.filter(village__township=township)
        .filter(Q(left_on__isnull=True, entered_on__lte=round.ends_on) | Exists(reviewed))
        .select_related("person", "village")
        .order_by("village__code", "person__name", "pk")
    )


def round_rows(round: ReviewRound, township) -> list[list]:
    """The sheet's rows as the .xlsx template has them."""
    members = list(sheet_members(round, township))
    reviews = {
        r.membership_id: r for r in Review.objects.filter(round=round, membership__in=members)
    }
    grade_labels = {"A": "好", "B": "较好", "C": "一般", "D": "差"}
    rows = []
    for member in members:
        review = reviews.get(member.pk)
        scores = review.scores if review else {}
        values = []
        for key in round.dimension_keys:
            value = scores.get(key)
            values.append(grade_labels.get(value, value) if isinstance(value, str) else value)
        rows.append(
            [
                member.pk,
                member.person.name,
                member.village.name,
                member.get_category_display(),
                *values,
                review.get_conclusion_display() if review and review.conclusion else None,
                review.reviewer if review else None,
                review.evidence if review else None,
            ]
        )
    return rows


def round_headers(round: ReviewRound) -> list[str]:
    return [
        *FIXED_HEADERS,
        *[d["label"] for d in round.dimensions],
        CONCLUSION_HEADER,
        REVIEWER_HEADER,
        EVIDENCE_HEADER,
    ]


def round_workbook(round: ReviewRound, township_name: str, rows: list[list]) -> Workbook:
    """The sheet a township fills in: one row per reserve, today's values already in it.
    Drop-down lists for grades and conclusions; scores limited to whole numbers 0-100."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("考核结果")
    headers = round_headers(round)
    sheet.cell(
        row=1, column=1, value=f"{round.name} 考核结果录入表（{township_name}）"
    ).font = Font(bold=True, size=14)
    _write_table(sheet, 2, headers, rows)
    last = max(len(rows) + 2, 3) + 200
    first_dim = len(FIXED_HEADERS) + 1
    last_dim = first_dim + len(round.dimensions) - 1
    dims = f"{get_column_letter(first_dim)}3:{get_column_letter(last_dim)}{last}"
    if round.scoring == Scoring.GRADE:
        rule = DataValidation(
            type="list",
            formula1='"' + ",".join(str(g.label) for g in Grade) + '"',
            allow_blank=True,
        )
    else:
        rule = DataValidation(
            type="whole", operator="between", formula1="0", formula2="100", allow_blank=True
        )
        rule.error = "请填写0到100之间的整数"
    rule.add(dims)
    sheet.add_data_validation(rule)
    conclusion_col = get_column_letter(last_dim + 1)
    conclusions = DataValidation(
        type="list", formula1='"' + ",".join(CONCLUSION_WORDS) + '"', allow_blank=True
    )
    conclusions.add(f"{conclusion_col}3:{conclusion_col}{last}")
    sheet.add_data_validation(conclusions)
    sheet.column_dimensions[get_column_letter(len(headers))].width = 40
    return workbook


@dataclass
class ImportedRow:
    line: int
    membership_id: int | None
    name: str
    scores: dict = field(default_factory=dict)
    conclusion: str = ""
    reviewer: str = ""
    evidence: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def conclusion_label(self) -> str:
        return str(Conclusion(self.conclusion).label) if self.conclusion else ""

    def payload(self) -> dict:
        return {
            "membership": self.membership_id,
            "scores": self.scores,
            "conclusion": self.conclusion,
            "reviewer": self.reviewer,
            "evidence": self.evidence,
        }


class WorkbookRejected(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


# The template's headings and the other ways a township may write them; each round adds its
# dimensions' labels (read with the survey's matcher: talentpool.headings).
KNOWN_HEADINGS = {
    ID_HEADER: ("序号编号", "人员编号"),
    NAME_HEADER: ("后备干部姓名", "人员姓名"),
    "村（社区）": ("村", "所在村", "村社区"),
    "后备类别": ("类别", "后备岗位"),
    CONCLUSION_HEADER: ("结论", "考核结果", "考核等次", "等次"),
    REVIEWER_HEADER: ("考核人员", "评议人", "考核负责人"),
    EVIDENCE_HEADER: ("事实依据", "主要事迹", "依据", "主要表现"),
}


def _matcher(round: ReviewRound) -> HeadingMatcher:
    specs = [FieldSpec(h, h, others) for h, others in KNOWN_HEADINGS.items()]
    known = {heading_key(h) for spec in specs for h in spec.known}
    specs += [
        FieldSpec(d["label"], d["label"])
        for d in round.dimensions
        if heading_key(d["label"]) not in known
    ]
    return HeadingMatcher(specs)


def read_round_workbook(
    round: ReviewRound, upload, members: dict[int, tuple[str, bool]]
) -> tuple[list[ImportedRow], list[str]]:
    """Read a filled-in template. `members` maps the membership ids this sheet may write
    (id -> (name, editable)); every problem is a Chinese sentence naming the row. Also returns
    a warning for each filled column that was not read."""
    try:
        workbook = load_workbook(upload, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable file gets the same answer
        raise WorkbookRejected(_("无法读取该文件，请确认是用Excel保存的 .xlsx 文件。")) from None
    try:
        sheet = workbook.worksheets[0]
        lines = []
        for line in sheet.iter_rows(values_only=True):
            lines.append(line)
            if len(lines) > MAX_IMPORT_ROWS + SCAN_ROWS:
                raise WorkbookRejected(_("一次最多导入%(n)s行。") % {"n": MAX_IMPORT_ROWS})
    finally:
        workbook.close()
    header = find_header_row(lines, _matcher(round), required={ID_HEADER, NAME_HEADER})
    if header is None:
        raise WorkbookRejected(
            _("没有找到表头：前20行中应有“编号”和“姓名”两列。请使用本页下载的模板。")
        )
    after = lines[header.index + 1 :]
    rows = _read_rows(round, iter(after), header.index + 1, header.columns, members)
    return rows, unused_column_warnings(header.unused(after))


def _read_rows(round, lines, header_line, columns, members) -> list[ImportedRow]:
    missing = [
        h for h in [d["label"] for d in round.dimensions] + [CONCLUSION_HEADER] if h not in columns
    ]
    if missing:
        raise WorkbookRejected(
            _("表头缺少：%(cols)s。请使用本轮考核的模板。") % {"cols": "、".join(missing)}
        )
    rows: list[ImportedRow] = []
    seen: dict[int, int] = {}
    for line_no, line in enumerate(lines, start=header_line + 1):
        if len(rows) >= MAX_IMPORT_ROWS:
            raise WorkbookRejected(_("一次最多导入%(n)s行。") % {"n": MAX_IMPORT_ROWS})
        cells = list(line)

        def get(header: str, cells=cells) -> str:
            i = columns.get(header)
            return _text(cells[i]) if i is not None and i < len(cells) else ""

        if not any(_text(c) for c in cells):
            continue
        row = ImportedRow(line_no, None, get(NAME_HEADER))
        raw_id = get(ID_HEADER)
        values_given = any(get(d["label"]) for d in round.dimensions) or get(CONCLUSION_HEADER)
        if not raw_id.isdigit():
            row.errors.append(_("“编号”应为模板中的数字，不要修改或删除。"))
        else:
            row.membership_id = int(raw_id)
            member = members.get(row.membership_id)
            if member is None:
                row.errors.append(_("编号%(id)s不是本乡镇本轮考核的后备干部。") % {"id": raw_id})
            else:
                name, editable = member
                if row.name and row.name != name:
                    row.errors.append(
                        _("编号%(id)s对应的是%(name)s，与填写的姓名“%(given)s”不符。")
                        % {"id": raw_id, "name": name, "given": row.name}
                    )
                if not editable:
                    row.errors.append(_("%(name)s的考核已提交，不能再导入修改。") % {"name": name})
                if row.membership_id in seen:
                    row.errors.append(
                        _("编号%(id)s与第%(line)s行重复。")
                        % {"id": raw_id, "line": seen[row.membership_id]}
                    )
                seen.setdefault(row.membership_id, line_no)
        if not values_given and not row.errors:
            continue  # a reserve not yet reviewed: left as it is
        for dimension in round.dimensions:
            value = get(dimension["label"])
            if not value:
                row.errors.append(_("“%(dim)s”未填写。") % {"dim": dimension["label"]})
                continue
            parsed = _parse_score(round, value)
            if parsed is None:
                if round.scoring == Scoring.GRADE:
                    row.errors.append(
                        _("“%(dim)s”应为好、较好、一般或差，而不是“%(v)s”。")
                        % {"dim": dimension["label"], "v": value}
                    )
                else:
                    row.errors.append(
                        _("“%(dim)s”应为0到100之间的整数，而不是“%(v)s”。")
                        % {"dim": dimension["label"], "v": value}
                    )
            else:
                row.scores[dimension["key"]] = parsed
        conclusion = get(CONCLUSION_HEADER)
        row.conclusion = CONCLUSION_WORDS.get(conclusion, "")
        if not row.conclusion:
            row.errors.append(
                _("“考核结论”应为优秀、称职、基本称职或不称职，而不是“%(v)s”。") % {"v": conclusion}
                if conclusion
                else _("“考核结论”未填写。")
            )
        row.reviewer = get(REVIEWER_HEADER)[:100]
        row.evidence = get(EVIDENCE_HEADER)[:2000]
        rows.append(row)
    return rows


def _parse_score(round: ReviewRound, value: str):
    if round.scoring == Scoring.GRADE:
        return GRADE_WORDS.get(value)
    try:
        number = Decimal(value)
    except InvalidOperation:
        return None
    if number != number.to_integral_value() or not (0 <= number <= 100):
        return None
    return int(number)
