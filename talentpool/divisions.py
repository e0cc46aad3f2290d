"""Loading a county's statistical division codes (统计用区划代码) from a code list."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from talentpool.headings import FieldSpec, HeadingMatcher, find_header_row, unused_column_warnings
from talentpool.models import County, DivisionLevel, Township, Village, division_level

CODE = re.compile(r"^[0-9]{12}$")


class DivisionFileError(ValueError):
    pass


# A code list's columns: found by their headings where it has any (统计用区划代码, 名称 in any
# order, among other columns), else the code first and the name second.
CODE_LIST_FIELDS = (
    FieldSpec("code", "区划代码", ("代码", "统计用区划代码", "行政区划代码", "code", "编码")),
    FieldSpec("name", "名称", ("区划名称", "单位名称", "name", "地名", "行政区划名称")),
)
_MATCHER = HeadingMatcher(CODE_LIST_FIELDS)


def read_code_list(path: Path, warnings: list[str] | None = None) -> list[tuple[str, str]]:
    """(code, name) rows from an .xlsx or .csv; blank rows are skipped. `warnings` receives a
    sentence for each filled column that was not read."""
    if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
        from python_calamine import CalamineWorkbook

        try:
            sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
        except Exception as exc:  # calamine raises its own types for damaged files
            raise DivisionFileError(_("无法读取表格文件：%(e)s") % {"e": exc}) from None
        rows = [[_cell(c) for c in row] for row in sheet]
    else:
        raw = path.read_bytes()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                text = raw.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
        else:
            raise DivisionFileError(_("文件编码无法识别，请保存为 UTF-8 或 GB18030 编码的 CSV。"))
        rows = list(csv.reader(io.StringIO(text)))
    header = find_header_row(rows, _MATCHER, required={"code", "name"}, scan=5)
    if header is not None:
        code_c, name_c = header.columns["code"], header.columns["name"]
        if warnings is not None:
            warnings += unused_column_warnings(header.unused(rows[header.index + 1 :]))
        rows = [
            [row[code_c] if code_c < len(row) else "", row[name_c] if name_c < len(row) else ""]
            for row in rows[header.index + 1 :]
        ]
        first = header.index + 2
    else:
        rows = [row[:2] for row in rows]
        first = 1
    result = []
    for number, row in enumerate(rows, start=first):
        if len(row) < 2 or not (row[0] or "").strip():
            continue
        code, name = row[0].strip(), (row[1] or "").strip()
        if not CODE.match(code):
            if number == 1 and header is None:
                continue  # a header the matcher did not know
            raise DivisionFileError(
                _("第%(n)s行的区划代码“%(c)s”不是12位数字。") % {"n": number, "c": code}
            )
        if not name:
            raise DivisionFileError(_("第%(n)s行缺少名称。") % {"n": number})
        result.append((code, name))
    return result


def _cell(value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


@transaction.atomic
def load_divisions(rows: Iterable[tuple[str, str]]) -> dict[str, int]:
    """Create or rename the county, townships and villages in `rows`; returns counts by level.

    Parents must come before children (sorted by code). Nothing is deleted: people and posts
    refer to places, and a code dropped from a new edition stays until staff retire it."""
    counts = {"county": 0, "township": 0, "village": 0}
    counties: dict[str, County] = {c.code[:6]: c for c in County.objects.all()}
    townships: dict[str, Township] = {t.code[:9]: t for t in Township.objects.all()}
    for code, name in sorted(rows):
        level = division_level(code)
        if level == DivisionLevel.COUNTY:
            county, _created = County.objects.update_or_create(code=code, defaults={"name": name})
            counties[code[:6]] = county
        elif level == DivisionLevel.TOWNSHIP:
            county = counties.get(code[:6])
            if county is None:
                raise DivisionFileError(
                    _("乡镇“%(n)s”（%(c)s）所属的县不在文件中。") % {"n": name, "c": code}
                )
            township, _created = Township.objects.update_or_create(
                code=code, defaults={"name": name, "county": county}
            )
            townships[code[:9]] = township
        else:
            township = townships.get(code[:9])
            if township is None:
                raise DivisionFileError(
                    _("村“%(n)s”（%(c)s）所属的乡镇不在文件中。") % {"n": name, "c": code}
                )
            Village.objects.update_or_create(
                code=code, defaults={"name": name, "township": township}
            )
        counts[level] += 1
    return counts
