"""Spreadsheet-reading layer of the survey import.

Finds the people rows in a township's survey workbook (xlsx/xlsm/xls/ods/csv) and hands
them on with their values exactly as read; validating and normalising the values is the
job of the next layer. Everything that makes a whole file unusable is raised as
``FileRejected`` with a message the township clerk can act on.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import functools
import hashlib
import io
import os
import re
import struct
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain, repeat
from operator import add, is_not, itemgetter
from pathlib import Path
from typing import BinaryIO

from python_calamine import (
    CalamineSheet,
    CalamineWorkbook,
    PasswordError,
    SheetTypeEnum,
    SheetVisibleEnum,
)

from talentpool.headings import CONTAINED, WORD, column_letter, heading_key
from talentpool.survey.fields import FIELDS, HEADER_SYNONYMS, MATCHER, OTHER, SKIP

__all__ = [
    "FIELDS",
    "OTHER",
    "SKIP",
    "Column",
    "HEADER_SYNONYMS",
    "FileRejected",
    "SurveyRow",
    "SurveySheet",
    "normalise_header",
    "read_survey",
]

HEADER_SCAN_ROWS = 20  # non-blank rows searched for the header, title rows included
MAX_ZIP_MEMBERS = 10_000
MAX_ZIP_TOTAL_SIZE = 500 * 1024 * 1024
MAX_ZIP_RATIO = 200
ZIP_RATIO_MIN_SIZE = 1024 * 1024
# calamine holds a sheet as one dense rows x columns grid and aborts the whole process (not
# an exception) when that allocation fails, so a single stray value in XFD1048576 must be
# refused before calamine sees it. 30M cells is ~1.2 GB; 300,000 x 18 is 5.4M.
MAX_SHEET_CELLS = 30_000_000

TOTAL_WORDS = frozenset({"合计", "总计", "小计"})
FOOTER_PREFIXES = (
    "填表人",
    "填报人",
    "制表人",
    "审核人",
    "负责人",
    "注：",
    "注:",
    "说明：",
    "说明:",
)
EXAMPLE_SEQ_WORDS = frozenset({"示例", "例"})
EXAMPLE_NAME_PREFIXES = ("示例", "（示例）", "(示例)")

_HELP_SAVE_AS = "请用 Excel 或 WPS 打开后“另存为”Excel 工作簿（.xlsx）再上传。"


class FileRejected(Exception):
    """The whole file cannot be imported; ``message`` tells the clerk what to do."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(reason, message)
        self.reason = reason
        self.message = message

    def __str__(self) -> str:
        return self.message


@dataclass
class SurveyRow:
    number: int
    values: dict[str, object]
    raw: list[object]


@dataclass
class SurveySheet:
    sheet_name: str
    header_row: int
    header: list[str]
    columns: dict[str, int]
    extra_columns: list[tuple[int, str]]
    ignored: list[tuple[int, str]]
    rows: Iterator[SurveyRow] | list[SurveyRow]
    warnings: list[str] = field(default_factory=list)
    # Every column with its heading and field; the counts of values are complete once `rows`
    # has been read to the end.
    column_list: list[Column] = field(default_factory=list)
    # The header layout's fingerprint: the same form next month has the same one.
    layout: str = ""

    @property
    def other_columns(self) -> list[Column]:
        """Columns no field takes whose values are kept as the person's other information."""
        return [c for c in self.column_list if c.kept_as_other]

    def unanswered(self) -> list[Column]:
        """Filled columns no field takes and nobody has answered for (read the rows first)."""
        return [c for c in self.column_list if c.needs_answer]


# ---------------------------------------------------------------------------
# Header matching


_WHITESPACE = re.compile(r"\s+")


def normalise_header(text: object) -> str:
    """Reduce a header cell to the form headings are compared in (talentpool.headings)."""
    return heading_key(text)


def _field_for(text: str) -> str | None:
    return MATCHER.field_for(text) if text else None


_col_letter = column_letter


def _is_blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _cell_text(value: object) -> str:
    return "" if value is None else str(value).strip()


@dataclass
class Column:
    """One column of the sheet as the preview lists it: its heading, the field it feeds (or
    none), the user's answer for it (a field, SKIP or OTHER; None: not asked yet), and how many
    people rows hold a value in it, with a few of those values."""

    index: int
    heading: str
    field: str | None = None
    answer: str | None = None
    rival: int | None = None  # the column that took this column's field (the same heading twice)
    filled: int = 0
    samples: list[str] = dataclasses.field(default_factory=list)

    @property
    def letter(self) -> str:
        return column_letter(self.index)

    @property
    def key(self) -> str:
        """What a remembered answer is keyed by: the heading as compared, or the column letter
        for a column with no heading."""
        return heading_key(self.heading) or f"#{self.letter}"

    @property
    def kept_as_other(self) -> bool:
        return self.field is None and self.answer != SKIP

    @property
    def needs_answer(self) -> bool:
        return self.field is None and self.answer is None and self.filled > 0

    def as_json(self) -> dict[str, object]:
        return {
            "column": self.letter,
            "heading": self.heading,
            "field": self.field,
            "filled_rows": self.filled,
        }


@dataclass
class _Header:
    last_row_index: int  # index into the buffered rows of the (last) header row
    header_row: int
    header: list[str]
    columns: dict[str, int]
    extra_columns: list[tuple[int, str]]
    warnings: list[str]
    column_list: list[Column] = field(default_factory=list)
    layout: str = ""


Answers = dict[str, str] | Callable[[str], dict[str, str]] | None


def _layout(columns: list[Column]) -> str:
    keys = "|".join(c.key for c in columns if c.heading)
    return hashlib.sha1(keys.encode(), usedforsecurity=False).hexdigest()


Row = tuple[int, list[object]]  # (Excel row number, cells from column A)
Merge = tuple[tuple[int, int], tuple[int, int]]


def _find_header(
    rows: Iterator[Row], merges: list[Merge] | None, answers: Answers = None
) -> tuple[_Header | None, list[Row]]:
    """Scan the top of a sheet for the people header.

    Returns the header and every row consumed so far (so the caller can carry on after
    the header without re-reading).
    """
    buffered: list[Row] = []

    def get(i: int) -> Row | None:
        while len(buffered) <= i:
            nxt = next(rows, None)
            if nxt is None:
                return None
            buffered.append(nxt)
        return buffered[i]

    non_blank = 0
    i = 0
    previous: Row | None = None
    previous_index = -1
    while non_blank < HEADER_SCAN_ROWS:
        row = get(i)
        if row is None:
            break
        number, cells = row
        if not all(_is_blank(v) for v in cells):
            non_blank += 1
            texts = [_cell_text(v) if isinstance(v, str) else "" for v in cells]
            top_fields = MATCHER.assign(texts)
            if _looks_like_header(texts, top_fields):
                if previous is not None and _groups_over(previous, row, merges):
                    # The name and ID headings are the lower row of a two-level header whose
                    # upper row holds group names (基本情况 over 姓名…身份证号) and the
                    # headings merged down over both rows (序号, 政治面貌).
                    header = _build_header(
                        previous_index, previous, row, None, {}, merges, answers, lower=True
                    )
                    if header is not None:
                        return header, buffered
                header = _build_header(i, row, get(i + 1), previous, top_fields, merges, answers)
                if header is not None:
                    return header, buffered
            previous, previous_index = row, i
        i += 1
    return None, buffered


def _looks_like_header(texts: list[str], assigned: dict[int, str]) -> bool:
    """Name and ID columns, either headed in known words or in a row of at least three recognised
    headings (a line of instructions, 姓名 | 与身份证一致, is not a header)."""
    by_field = {fld: c for c, fld in assigned.items()}
    if "name" not in by_field or "id_number" not in by_field:
        return False
    if len(assigned) >= 3:
        return True
    return all(
        MATCHER.scores(texts[by_field[fld]]).get(fld, 0) >= WORD for fld in ("name", "id_number")
    )


def _build_header(
    index: int,
    top_row: Row,
    next_row: Row | None,
    above: Row | None,
    top_fields: dict[int, str],
    merges: list[Merge] | None,
    answers: Answers,
    *,
    lower: bool = False,
) -> _Header | None:
    """The header whose (upper) row is `top_row`; `lower`: `next_row` is its lower row."""
    top_number, top_cells = top_row
    top = [_cell_text(v) for v in top_cells]
    sub: list[str] = []
    last_index, header_row = index, top_number
    if lower and next_row is not None:
        sub = [_cell_text(v) for v in next_row[1]]
        last_index, header_row = index + 1, next_row[0]
    elif next_row is not None:
        kind = _second_header_row_kind(top_number - 1, top_fields, next_row[1], merges)
        if kind == "sub":
            sub = [_cell_text(v) for v in next_row[1]]
            last_index, header_row = index + 1, next_row[0]
        elif kind == "merged_blank":
            last_index, header_row = index + 1, next_row[0]
    width = max(len(top), len(sub))
    top += [""] * (width - len(top))
    sub += [""] * (width - len(sub))

    if any(sub):
        group = _fill_groups(top, sub, top_number - 1, merges)
        display = [
            f"{g}/{s}" if g and s and g != s else (s or g) for g, s in zip(group, sub, strict=True)
        ]
        # The sub-header is the more specific text ('手机号' under '联系方式'); the group
        # only names the column where nothing stands below it (vertically merged cells).
        keys = [s or g for g, s in zip(group, sub, strict=True)]
        groups = [g if s else "" for g, s in zip(group, sub, strict=True)]
    else:
        display = top
        keys = top
        groups = _groups_above(above, top_number - 1, width, merges)

    columns_list = [Column(c, display[c]) for c in range(width)]
    layout = _layout(columns_list)
    given = (answers(layout) if callable(answers) else answers) or {}
    forced: dict[int, str | None] = {}
    for column in columns_list:
        # A two-level heading may be answered by its lower part alone (微信 for 联系方式/微信).
        answer = given.get(column.key) or given.get(column.key.rsplit("/", 1)[-1])
        if answer is not None:
            column.answer = answer
            forced[column.index] = answer if answer in MATCHER.fields else None
    assigned = MATCHER.assign(keys, groups, forced=forced)
    columns = {fld: c for c, fld in assigned.items()}
    if "name" not in columns or "id_number" not in columns:
        return None
    extra: list[tuple[int, str]] = []
    warnings: list[str] = []
    for column in columns_list:
        column.field = assigned.get(column.index)
        if column.field is not None or column.answer is not None:
            continue
        if display[column.index]:
            extra.append((column.index, display[column.index]))
        best = _direct_field(keys[column.index])
        if best is not None and best in columns:
            first = columns[best]
            column.rival = first
            warnings.append(
                f"第{_col_letter(column.index)}列“{display[column.index]}”与第{_col_letter(first)}列"
                f"“{display[first]}”是同一项，已使用第{_col_letter(first)}列，"
                f"第{_col_letter(column.index)}列未导入"
            )
    return _Header(last_index, header_row, display, columns, extra, warnings, columns_list, layout)


def _direct_field(text: str) -> str | None:
    """The field a heading names by its own words (not through its group)."""
    scores = {f: s for f, s in MATCHER.scores(text).items() if s >= CONTAINED}
    return max(scores, key=scores.__getitem__) if scores else None


def _groups_over(above: Row, row: Row, merges: list[Merge] | None) -> bool:
    """Whether the row just above a header row is the upper row of the same header: text cells
    only, at least two different ones (a title is one), and either merged down into the header
    row or standing over a blank heading (the merge lost)."""
    if above[0] != row[0] - 1:
        return False
    texts = [_cell_text(v) if isinstance(v, str) else "" for v in above[1]]
    if any(not _is_blank(v) and not isinstance(v, str) for v in above[1]):
        return False
    if len({t for t in texts if t}) < 2:
        return False
    r0 = above[0] - 1
    if any(m[0][0] == r0 and m[1][0] >= r0 + 1 for m in merges or ()):
        return True
    below = row[1]
    return any(t and (c >= len(below) or _is_blank(below[c])) for c, t in enumerate(texts))


def _groups_above(
    above: Row | None, top_r0: int, width: int, merges: list[Merge] | None
) -> list[str] | None:
    """Group names in the row just above a one-row header (学历情况 over 学历, 毕业院校), filled
    across their merged or repeated cells; None when that row is a title, not groups."""
    if above is None or above[0] != top_r0:  # not the row just above
        return None
    cells = [_cell_text(v) if isinstance(v, str) else "" for v in above[1]][:width]
    cells += [""] * (width - len(cells))
    if len({c for c in cells if c}) < 2 or any(MATCHER.exact.get(heading_key(c)) for c in cells):
        return None
    groups = list(cells)
    for (r0, c0), (_r1, c1) in merges or ():
        if r0 == top_r0 - 1 and c1 > c0:
            for c in range(c0 + 1, min(c1 + 1, width)):
                groups[c] = groups[c] or groups[c0]
    return groups


def _second_header_row_kind(
    top_r0: int, top_fields: dict[int, str], cells: list[object], merges: list[Merge] | None
) -> str | None:
    """Tell whether the row below a header row still belongs to the header.

    "sub": it holds sub-headers under merged group cells; "merged_blank": it is empty but
    covered by header cells merged downwards; None: it is the first row after the header.
    """
    header_merges = [m for m in merges or () if m[0][0] == top_r0]
    filled = [(c, v) for c, v in enumerate(cells) if not _is_blank(v)]
    if not filled:
        return "merged_blank" if any(m[1][0] > top_r0 for m in header_merges) else None
    if not all(isinstance(v, str) for _, v in filled):
        return None
    # Name and ID are never grouped with other columns, so below them a two-level header
    # has nothing, while a data row has the person's name or ID.
    for c, fld in top_fields.items():
        if fld in ("name", "id_number") and c < len(cells) and not _is_blank(cells[c]):
            return None
    for (r0, c0), (r1, c1) in header_merges:
        if r1 > r0 or (c1 > c0 and any(c0 <= c <= c1 for c, _ in filled)):
            return "sub"
    if any(_field_for(_cell_text(v)) for _, v in filled):
        return "sub"
    return None


def _fill_groups(
    top: list[str], sub: list[str], top_r0: int, merges: list[Merge] | None
) -> list[str]:
    group = list(top)
    horizontal = [m for m in merges or () if m[0][0] == top_r0 and m[1][1] > m[0][1]]
    if horizontal:
        for (_, c0), (_, c1) in horizontal:
            for c in range(c0 + 1, min(c1 + 1, len(group))):
                if not group[c]:
                    group[c] = group[c0]
        return group
    # No merge information (csv, ods, or a sheet whose merges were lost): a blank group
    # cell with a sub-header belongs to the nearest group on its left that has one too.
    current = ""
    for c in range(len(group)):
        if group[c]:
            current = group[c] if sub[c] else ""
        elif sub[c] and current:
            group[c] = current
        else:
            current = ""
    return group


# ---------------------------------------------------------------------------
# Row classification


def _squash(value: object) -> str:
    return _WHITESPACE.sub("", value) if isinstance(value, str) else ""


# First characters of the marker words, so that the common case (a person's row) costs a
# set lookup per test instead of a regex substitution.
_FOOTER_FIRST = frozenset(p[0] for p in FOOTER_PREFIXES)
_EXAMPLE_NAME_FIRST = frozenset(p[0] for p in EXAMPLE_NAME_PREFIXES)
_EXAMPLE_SEQ_FIRST = frozenset(w[0] for w in EXAMPLE_SEQ_WORDS)


def _marked(value: object, first_chars: frozenset[str]) -> str:
    """The cell's text without whitespace if it could start a marker word, else ''."""
    if not isinstance(value, str):
        return ""
    stripped = value.lstrip()
    return _WHITESPACE.sub("", stripped) if stripped[:1] in first_chars else ""


def _is_total_word(value: str) -> bool:
    return _squash(value).rstrip(":：") in TOTAL_WORDS


def _people(
    rows: Iterable[Row], header: _Header, width: int, ignored: list[tuple[int, str]]
) -> Iterator[SurveyRow]:
    columns = header.columns
    fields = tuple(columns)
    pick = itemgetter(*columns.values())  # at least name and ID, so it returns a tuple
    name_c = columns["name"]
    id_c = columns["id_number"]
    seq_c = columns.get("seq")
    # Total rows put 合计 in their first cells, counted from where the table starts.
    first_col = min((c for c, text in enumerate(header.header) if text), default=0)
    after_footer = False
    listed = header.column_list
    filled = [0] * width
    # Columns no field takes still want sample values (to help the user say what they hold).
    wanting = {c.index for c in listed if c.field is None}
    try:
        for number, raw in rows:
            if len(raw) < width:
                raw = raw + [None] * (width - len(raw))
            kind = _row_kind(raw, first_col, seq_c, name_c, id_c, after_footer)
            if kind is None and number <= header.header_row + 2 and _column_numbers(raw):
                kind = "column_numbers"
            if kind is None:
                if len(raw) < len(filled):  # shorter than a row with values further right
                    raw = raw + [None] * (len(filled) - len(raw))
                elif len(raw) > len(filled):
                    # Values right of the last heading: columns of their own, no heading.
                    for c in range(len(filled), len(raw)):
                        listed.append(Column(c, ""))
                        wanting.add(c)
                    filled = filled + [0] * (len(raw) - len(filled))
                # Counted in C (map), not cell by cell: this runs for every cell of a county.
                filled = list(map(add, filled, map(is_not, raw, _NONES)))
                if wanting:
                    _sample(raw, listed, wanting)
                yield SurveyRow(number, dict(zip(fields, pick(raw), strict=True)), raw)
                continue
            if kind == "footer":
                after_footer = True
            ignored.append((number, kind))
    finally:
        for column in listed:
            column.filled = filled[column.index] if column.index < len(filled) else 0


SAMPLES = 3
_NONES = repeat(None)


def _sample(raw: list[object], listed: list[Column], wanting: set[int]) -> None:
    for c in list(wanting):
        value = raw[c] if c < len(raw) else None
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        text = _cell_text(value)[:40]
        samples = listed[c].samples
        if text not in samples:
            samples.append(text)
            if len(samples) >= SAMPLES:
                wanting.discard(c)


def _row_kind(
    raw: list[object],
    first_col: int,
    seq_c: int | None,
    name_c: int,
    id_c: int,
    after_footer: bool,
) -> str | None:
    """Why a row is not a person, or None if it is one. Runs once per row: kept lean."""
    first = None
    for value in raw:
        if value is not None and (not isinstance(value, str) or value.strip()):
            first = value
            break
    if first is None:
        return "blank"
    if _marked(first, _FOOTER_FIRST).startswith(FOOTER_PREFIXES):
        return "footer"
    nameless = _is_blank(raw[name_c]) and _is_blank(raw[id_c])
    if after_footer and nameless:
        # Notes under a '注：' line go on over several rows ('1、…', '2、…'); a row with
        # a name or ID is still a person someone appended below the footer.
        return "footer"
    for value in raw[first_col : first_col + 3]:
        if isinstance(value, str) and "计" in value and _is_total_word(value):
            return "total"
    if _is_example(raw, seq_c, name_c):
        return "example"
    if (
        nameless
        and seq_c is not None
        and first is raw[seq_c]
        and all(_is_blank(v) for i, v in enumerate(raw) if i != seq_c)
    ):
        return "seq_only"
    return None


def _column_numbers(raw: list[object]) -> bool:
    """A row of column numbers under the header (1 2 3 … or （1）（2）…), as official forms
    number their columns."""
    numbers = []
    for value in raw:
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        text = _cell_text(value).strip("()（）")
        if isinstance(value, float) and value.is_integer():
            text = str(int(value))
        if not text.isdigit():
            return False
        numbers.append(int(text))
    return len(numbers) >= 3 and numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def _is_example(raw: list[object], seq_c: int | None, name_c: int) -> bool:
    if seq_c is not None:
        seq = _marked(raw[seq_c], _EXAMPLE_SEQ_FIRST)
        if seq in EXAMPLE_SEQ_WORDS or seq.startswith("示例"):
            return True
    return _marked(raw[name_c], _EXAMPLE_NAME_FIRST).startswith(EXAMPLE_NAME_PREFIXES)


def _assemble(
    sheet_name: str,
    header: _Header,
    buffered: list[Row],
    rest: Iterator[Row],
    warnings: list[str],
) -> SurveySheet:
    ignored: list[tuple[int, str]] = []
    width = len(header.header)
    people = _people(chain(buffered[header.last_row_index + 1 :], rest), header, width, ignored)
    # Peek the first person so that a form with nothing filled in is rejected now rather
    # than half-way through an import.
    first = next(people, None)
    if first is None:
        raise FileRejected(
            "no_data_rows",
            f"工作表“{sheet_name}”找到了表头（第{header.header_row}行），但表头下面没有人员信息。"
            "请确认人员信息已填写在表头下方，不是只填了示例行或合计行，然后重新上传。",
        )
    return SurveySheet(
        sheet_name=sheet_name,
        header_row=header.header_row,
        header=header.header,
        columns=header.columns,
        extra_columns=header.extra_columns,
        ignored=ignored,
        rows=chain((first,), people),
        warnings=warnings + header.warnings,
        column_list=header.column_list,
        layout=header.layout,
    )


def _no_header(extra: str = "") -> FileRejected:
    return FileRejected(
        "no_header",
        "没有找到人员表头：表格前 20 行中需要有一行同时包含“姓名”列和“身份证号”列"
        "（也可写作“身份证号码”“公民身份号码”）。请检查表头是否被改动或删除，"
        "或是否选错了文件。" + extra,
    )


# ---------------------------------------------------------------------------
# File handling


def read_survey(
    source: str | Path | BinaryIO,
    *,
    filename: str,
    max_bytes: int = 50 * 1024 * 1024,
    answers: Answers = None,
) -> SurveySheet:
    """Open a survey file and locate its people rows.

    ``filename`` is the name the clerk uploaded, used only to tell a renamed text file
    apart from a CSV; the format itself is recognised from the content. Every problem with
    the file's content raises FileRejected; a path that cannot be opened at all is the
    caller's bug and raises OSError as usual. ``answers``: what the user chose for columns
    by Column.key (a field name, SKIP or OTHER).
    """
    if isinstance(source, (str, Path)):
        size = os.stat(source).st_size
        _check_size(size, max_bytes)
        with open(source, "rb") as fh:
            return _read_stream(fh, filename, Path(source), answers)
    stream = _seekable(source, max_bytes)
    return _read_stream(stream, filename, None, answers)


def _check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise FileRejected(
            "file_too_large",
            f"文件太大（{size / 1024 / 1024:.1f} MB），最大允许 {max_bytes / 1024 / 1024:.0f} MB。"
            "请删除表格中的图片和无关工作表，或按村拆分成几个文件后分别上传。",
        )


def _seekable(source: BinaryIO, max_bytes: int) -> BinaryIO:
    seekable = getattr(source, "seekable", None)
    if seekable is not None and seekable():
        source.seek(0, os.SEEK_END)
        _check_size(source.tell(), max_bytes)
        source.seek(0)
        return source
    buffer = io.BytesIO()
    # Raw streams may return less than asked for; read until EOF or one byte past the limit.
    while chunk := source.read(max_bytes + 1 - buffer.tell()):
        buffer.write(chunk)
        if buffer.tell() > max_bytes:
            break
    _check_size(buffer.tell(), max_bytes)
    buffer.seek(0)
    return buffer


_MAGIC_REJECTS: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "这是一个 PDF 文件"),
    (b"\x89PNG", "这是一张图片"),
    (b"\xff\xd8\xff", "这是一张图片"),
    (b"GIF8", "这是一张图片"),
    (b"Rar!", "这是一个压缩包"),
    (b"7z\xbc\xaf", "这是一个压缩包"),
    (b"\x1f\x8b", "这是一个压缩包"),
)

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"


def _not_a_spreadsheet(what: str) -> FileRejected:
    return FileRejected("not_a_spreadsheet", f"{what}，不是可以导入的表格文件。{_HELP_SAVE_AS}")


def _damaged() -> FileRejected:
    return FileRejected(
        "not_a_spreadsheet",
        "文件已损坏或不完整（可能没有下载或传输完整），无法打开。"
        "请用 Excel 或 WPS 打开确认内容无误后重新保存，再上传。",
    )


def _encrypted() -> FileRejected:
    return FileRejected(
        "not_a_spreadsheet",
        "文件设置了打开密码（已加密），无法读取。请用 Excel 或 WPS 输入密码打开后，"
        "在“文件—信息（或文档加密）”中删除密码，保存后重新上传。",
    )


def _read_stream(
    fh: BinaryIO, filename: str, path: Path | None = None, answers: Answers = None
) -> SurveySheet:
    head = fh.read(8)
    fh.seek(0)
    if head.startswith(_ZIP_MAGIC):
        warnings = _inspect_zip(fh)
        return _read_workbook(fh, warnings, path, answers)
    if head.startswith(_OLE2_MAGIC):
        warnings = _inspect_ole2(fh)
        return _read_workbook(fh, warnings, path, answers)
    if not head:
        raise FileRejected("not_a_spreadsheet", "文件是空的（0 字节）。请检查是否选对了文件。")
    for magic, what in _MAGIC_REJECTS:
        if head.startswith(magic):
            raise _not_a_spreadsheet(what)
    return _read_text(fh.read(), filename, answers)


def is_zip(head: bytes) -> bool:
    """Whether a file's first bytes are a zip container's (an OOXML or ODS package)."""
    return head.startswith(_ZIP_MAGIC)


def is_ole2(head: bytes) -> bool:
    """Whether a file's first bytes are an OLE2 compound file's (.xls, .doc)."""
    return head.startswith(_OLE2_MAGIC)


def vet_workbook(fh: BinaryIO) -> list[str]:
    """Vet a workbook container (an OOXML/ODS zip or an OLE2 .xls) before calamine opens it:
    zip bombs, grids too large to allocate, damaged or encrypted files raise FileRejected;
    returns warnings (macros, external links). Anything else is left to the caller."""
    head = fh.read(8)
    fh.seek(0)
    if head.startswith(_ZIP_MAGIC):
        return _inspect_zip(fh)
    if head.startswith(_OLE2_MAGIC):
        return _inspect_ole2(fh)
    return []


def _zip_bomb() -> FileRejected:
    return FileRejected(
        "zip_bomb",
        "文件内部结构异常（解压后体积远超正常表格），为安全起见已拒绝。"
        f"{_HELP_SAVE_AS}如果仍然不行，请把表格内容复制到新建的工作簿中再上传。",
    )


def _zip_entry_count(fh: BinaryIO) -> int | None:
    """Entry count from the end-of-central-directory record, or None if there is none.

    Read before zipfile parses the directory, which builds an object per entry.
    """
    fh.seek(0, os.SEEK_END)
    size = fh.tell()
    fh.seek(max(0, size - 22 - 65535))
    tail = fh.read()
    fh.seek(0)
    pos = tail.rfind(b"PK\x05\x06")
    if pos < 0 or pos + 22 > len(tail):
        return None
    return struct.unpack_from("<H", tail, pos + 10)[0]


def vet_word_document(fh: BinaryIO) -> None:
    """Vet a Word file with the same container checks as a workbook: a .docx package (zip
    bombs, encryption, a damaged or lying member, the main document part present) or an OLE2
    .doc (a readable compound file holding a WordDocument stream). Raises FileRejected."""
    head = fh.read(8)
    fh.seek(0)
    if head.startswith(_ZIP_MAGIC):
        zf, infos = _open_zip_package(fh)
        if "word/document.xml" not in {i.filename for i in infos}:
            raise FileRejected(
                "not_a_document", "这个文件是压缩包或其他 Office 文档，不是 Word 文档。"
            )
        _inflate_parsed(zf, infos)
        fh.seek(0)
        return
    if head.startswith(_OLE2_MAGIC):
        data = fh.read()
        fh.seek(0)
        try:
            cfb = _Cfb(data)
            if cfb.has("EncryptionInfo") or cfb.has("EncryptedPackage"):
                raise _encrypted()
            if cfb.stream("WordDocument") is None:
                raise FileRejected("not_a_document", "这是一个 Office 文件，但不是 Word 文档。")
        except FileRejected:
            raise
        except (ValueError, struct.error, IndexError, OverflowError):
            raise _damaged() from None
        return
    raise FileRejected("not_a_document", "文件内容不是 Word 文档。")


def _open_zip_package(fh: BinaryIO) -> tuple[zipfile.ZipFile, list[zipfile.ZipInfo]]:
    """Open an OOXML/ODS package from its zip directory, refusing zip bombs, encrypted
    members and a damaged directory before anything is inflated."""
    count = _zip_entry_count(fh)
    # 0xFFFF means the real count is in a zip64 record: no workbook has that many parts.
    if count is not None and count > MAX_ZIP_MEMBERS:
        raise _zip_bomb()
    try:
        zf = zipfile.ZipFile(fh)
        infos = zf.infolist()
    except Exception:
        raise _damaged() from None
    bomb = _zip_bomb()
    if len(infos) > MAX_ZIP_MEMBERS:
        raise bomb
    if sum(i.file_size for i in infos) > MAX_ZIP_TOTAL_SIZE:
        raise bomb
    for info in infos:
        if info.file_size > ZIP_RATIO_MIN_SIZE and info.file_size > MAX_ZIP_RATIO * max(
            info.compress_size, 1
        ):
            raise bomb
        if info.flag_bits & 0x1:
            raise _encrypted()
    return zf, infos


def _inspect_zip(fh: BinaryIO) -> list[str]:
    """Vet an OOXML/ODS package from its zip directory before calamine inflates anything."""
    zf, infos = _open_zip_package(fh)
    names = {i.filename for i in infos}
    if "xl/workbook.bin" in names:
        raise _not_a_spreadsheet("这是 Excel 二进制工作簿（.xlsb）")
    if not ("xl/workbook.xml" in names or ("content.xml" in names and _is_ods(zf))):
        raise _not_a_spreadsheet("这个文件是压缩包或其他 Office 文档")
    _inflate_parsed(zf, infos)
    warnings: list[str] = []
    if "xl/vbaProject.bin" in names or any(n.startswith("Basic/") for n in names):
        warnings.append("文件中含有宏（VBA 代码），宏没有运行，已忽略，只读取了单元格中的内容")
    if any(n.startswith("xl/externalLinks/") for n in names):
        warnings.append("文件中有引用其他文件的外部链接，已按文件中保存的数值读取，没有更新链接")
    fh.seek(0)
    return warnings


def _inflate_parsed(zf: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """The directory's sizes are only claims; inflate what will be parsed, stopping at the
    declared size (zipfile does, then checks the CRC), so a lying entry fails here."""
    try:
        for info in infos:
            if _parsed_by_calamine(info.filename):
                _inflate_and_measure(zf, info)
    except FileRejected:
        raise
    except Exception:
        raise _damaged() from None


def _is_ods(zf: zipfile.ZipFile) -> bool:
    try:
        with zf.open("mimetype") as m:
            return m.read(100).startswith(b"application/vnd.oasis.opendocument.spreadsheet")
    except Exception:
        return False


def _parsed_by_calamine(name: str) -> bool:
    if name.endswith("vbaProject.bin") or "/embeddings/" in name or "/media/" in name:
        return False
    return name.endswith((".xml", ".rels", ".bin"))


_ROW_REF = re.compile(rb'<row r="([0-9]+)"')
# References to columns past Z, in any attribute order or case; most forms have none, so
# this costs one fast scan. Single-letter columns need no scan: 26 x 1,048,576 fits.
_WIDE_CELL_REF = re.compile(rb' r="([A-Za-z]{2,3})([0-9]+)"')


def _inflate_and_measure(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    """Inflate one member; for a worksheet also bound the grid calamine will allocate."""
    worksheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
    max_row = 0
    max_col = 26  # single-letter columns cost nothing to bound
    tail = b""
    with zf.open(info) as member:
        while chunk := member.read(1 << 20):
            if not worksheet:
                continue
            # Carry a few bytes over so that a reference cut by the chunk edge is still seen.
            text = tail + chunk
            rows = _ROW_REF.findall(text)
            if rows:
                max_row = max(max_row, *map(int, rows))
            for letters, row in _WIDE_CELL_REF.findall(text):
                max_col = max(max_col, _col_number(letters.upper()))
                max_row = max(max_row, int(row))
            tail = text[-32:]
    if max_row * max_col > MAX_SHEET_CELLS:
        raise FileRejected(
            "file_too_large",
            f"表格中有内容填在很远的单元格里（最远到第{max_row}行、"
            f"第{_col_letter(max_col - 1)}列），"
            "表格范围过大，无法读取。请在 Excel 或 WPS 中按 Ctrl+End 找到最后一个单元格，"
            "删除多余的行和列后保存，再重新上传。",
        )


def _col_number(letters: bytes) -> int:
    number = 0
    for byte in letters:
        number = number * 26 + byte - 64
    return number


_CFB_END = 0xFFFFFFFE
_CFB_FREE = 0xFFFFFFFF
_CFB_STREAM = 2


class _Cfb:
    """Just enough of [MS-CFB] (the OLE2 container of .xls) to vet it before calamine.

    calamine trusts the sizes and counts it finds here when it reserves memory, and a
    failed reservation aborts the process; so every count must fit in the file. Raises
    ValueError, struct.error or IndexError on anything inconsistent.
    """

    def __init__(self, data: bytes) -> None:
        shift, mini_shift = struct.unpack_from("<HH", data, 30)
        if shift not in (9, 12) or mini_shift != 6:
            raise ValueError("bad sector size")
        self.data = data
        self.size = 1 << shift
        self.count = -(-(len(data) - self.size) // self.size)
        (n_dir, n_fat, dir_start, _, cutoff, minifat_start, n_minifat, difat_start, n_difat) = (
            struct.unpack_from("<9I", data, 40)
        )
        # Version 3 files leave the directory count unused, and some writers leave junk there.
        counts = (n_fat, n_minifat, n_difat) if shift == 9 else (n_dir, n_fat, n_minifat, n_difat)
        if self.count <= 0 or max(counts) > self.count:
            raise ValueError("header counts exceed the file")
        self.cutoff = cutoff
        self.minifat_start = minifat_start
        difat = list(struct.unpack_from("<109I", data, 76))
        sid = difat_start
        while sid not in (_CFB_END, _CFB_FREE):
            if len(difat) > self.count * self.size:
                raise ValueError("DIFAT loop")
            ids = self._ints(sid)
            difat.extend(ids[:-1])
            sid = ids[-1]
        fat_sectors = [sid for sid in difat if sid not in (_CFB_END, _CFB_FREE)]
        if len(fat_sectors) > self.count:
            raise ValueError("FAT larger than the file")
        self.fat: list[int] = []
        for sid in fat_sectors:
            self.fat.extend(self._ints(sid))
        directory = self._chain(dir_start)
        self.entries: list[tuple[str, int, int, int]] = []
        for off in range(0, len(directory) - 127, 128):
            name_len, kind = struct.unpack_from("<HB", directory, off + 64)
            name = directory[off : off + max(0, min(name_len, 64) - 2)].decode(
                "utf-16-le", "replace"
            )
            start, size = struct.unpack_from("<II", directory, off + 116)
            if self.size == 4096:
                size = struct.unpack_from("<Q", directory, off + 120)[0]
            if kind in (1, 2, 5) and size > len(data):
                raise ValueError("stream larger than the file")
            self.entries.append((name, kind, start, size))
        if not self.entries:
            raise ValueError("no root entry")

    def _sector(self, sid: int) -> bytes:
        if sid >= self.count:
            raise ValueError("sector outside the file")
        start = (sid + 1) * self.size
        return self.data[start : start + self.size]

    def _ints(self, sid: int) -> tuple[int, ...]:
        return struct.unpack(f"<{self.size // 4}I", self._sector(sid))

    def _chain(self, sid: int) -> bytes:
        parts: list[bytes] = []
        while sid != _CFB_END:
            if sid >= len(self.fat) or len(parts) > self.count:
                raise ValueError("broken sector chain")
            parts.append(self._sector(sid))
            sid = self.fat[sid]
        return b"".join(parts)

    def has(self, name: str) -> bool:
        return any(entry[0] == name for entry in self.entries)

    def stream(self, name: str) -> bytes | None:
        for entry_name, kind, sid, size in self.entries:
            if entry_name != name or kind != _CFB_STREAM:
                continue
            if size >= self.cutoff:
                return self._chain(sid)[:size]
            mini = self._chain(self.entries[0][2])
            minifat = self._chain(self.minifat_start)
            links = struct.unpack(f"<{len(minifat) // 4}I", minifat)
            parts: list[bytes] = []
            while sid != _CFB_END:
                if sid >= len(links) or len(parts) > len(mini) // 64:
                    raise ValueError("broken mini stream chain")
                parts.append(mini[sid * 64 : sid * 64 + 64])
                sid = links[sid]
            return b"".join(parts)[:size]
        return None


# BIFF records that put a value in a cell: FORMULA, LABELSST, NUMBER, LABEL, BOOLERR, RK.
_BIFF_CELLS = frozenset({0x0006, 0x00FD, 0x0203, 0x0204, 0x0205, 0x027E})
_BIFF_MULRK = 0x00BD
_BIFF_SST = 0x00FC
_BIFF_DIMENSIONS = 0x0200
_BIFF_MAX_COL = 255  # column IV: the most a legacy workbook can have
_BIFF_MAX_ROW = 65535


def _check_biff(stream: bytes) -> None:
    """Refuse records whose numbers would make calamine allocate without bound.

    A damaged column number (up to 65535) turns into a 65536 x 65536 grid, a used range
    whose first row lies after its last wraps around into billions of reserved cells, and a
    damaged shared-string count into a reservation of billions of strings.
    """
    unpack = struct.unpack_from
    size = len(stream)
    off = 0
    while off + 4 <= size:
        kind, length = unpack("<HH", stream, off)
        body = off + 4
        col = -1
        if kind in _BIFF_CELLS and length >= 4:
            col = unpack("<H", stream, body + 2)[0]
        elif kind == _BIFF_MULRK and length >= 6:
            col = unpack("<H", stream, body + length - 2)[0]  # the last column it covers
        elif (
            kind == _BIFF_SST and length >= 8 and not 0 <= unpack("<i", stream, body + 4)[0] <= size
        ):
            raise ValueError("shared string count out of range")
        elif kind == _BIFF_DIMENSIONS and length in (10, 14):
            fmt = "<IIHH" if length == 14 else "<HHHH"
            first_row, end_row, first_col, end_col = unpack(fmt, stream, body)
            if not (
                first_row <= end_row <= _BIFF_MAX_ROW + 1
                and first_col <= end_col <= _BIFF_MAX_COL + 1
            ):
                raise ValueError("used range out of order")
        if col > _BIFF_MAX_COL:
            raise ValueError("cell column out of range")
        off = body + length


def _inspect_ole2(fh: BinaryIO) -> list[str]:
    data = fh.read()
    fh.seek(0)
    try:
        cfb = _Cfb(data)
        # A password-protected xlsx is an OLE2 container holding the encrypted package.
        if cfb.has("EncryptionInfo") or cfb.has("EncryptedPackage"):
            raise _encrypted()
        workbook = cfb.stream("Workbook") or cfb.stream("Book")
        if workbook is None:
            raise _not_a_spreadsheet("这是一个 Office 文档，但不是 Excel 表格")
        _check_biff(workbook)
    except FileRejected:
        raise
    except (ValueError, struct.error, IndexError, OverflowError):
        raise _damaged() from None
    if cfb.has("_VBA_PROJECT_CUR"):
        return ["文件中含有宏（VBA 代码），宏没有运行，已忽略，只读取了单元格中的内容"]
    return []


def _read_workbook(
    fh: BinaryIO,
    warnings: list[str],
    path: Path | None = None,
    answers: Answers = None,
) -> SurveySheet:
    try:
        workbook = _open_workbook(fh, path)
    except PasswordError:
        raise _encrypted() from None
    except MemoryError:
        raise _too_big_to_open() from None
    except BaseException as exc:
        # pyo3 turns Rust panics on malformed files into PanicException, a BaseException.
        if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        raise _damaged() from None
    try:
        return _choose_sheet(workbook, warnings, answers)
    finally:
        workbook.close()


def _open_workbook(fh: BinaryIO, path: Path | None) -> CalamineWorkbook:
    """calamine reads a file object into memory whole (a county survey: some 40 MB more at the
    import's peak, the sheet's parse), but opens a path in place. A path is opened by its
    extension, so a workbook whose extension does not match its content (an .xlsx saved as
    .xls) is read from the file object, which calamine recognises by content."""
    if path is not None and path.suffix.lower() in _PATH_FORMATS:
        try:
            return CalamineWorkbook.from_path(str(path))
        except PasswordError:
            raise
        except BaseException as exc:
            if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
                raise
    fh.seek(0)
    return CalamineWorkbook.from_filelike(fh)


# What calamine opens by a path's extension.
_PATH_FORMATS = (".xlsx", ".xlsm", ".xls", ".ods")


def _too_big_to_open() -> FileRejected:
    return FileRejected(
        "file_too_large",
        "文件内容太多，超出了系统一次能读取的范围。请按村拆分成几个文件后分别上传。",
    )


def _load_sheet(workbook: CalamineWorkbook, name: str) -> CalamineSheet:
    try:
        return workbook.get_sheet_by_name(name)
    except PasswordError:
        raise _encrypted() from None
    except MemoryError:
        raise _too_big_to_open() from None
    except BaseException as exc:
        if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
            raise
        raise _damaged() from None


# Sheet names of instructions and examples: chosen only when no other sheet has a header.
_NOT_DATA_SHEET = ("说明", "填表", "示例", "样表", "样例", "范例", "字典", "代码", "选项")


def _choose_sheet(
    workbook: CalamineWorkbook, warnings: list[str], answers: Answers = None
) -> SurveySheet:
    visible: list[str] = []
    hidden: list[str] = []
    for meta in workbook.sheets_metadata:
        if meta.typ != SheetTypeEnum.WorkSheet:
            continue
        if meta.visible == SheetVisibleEnum.Visible:
            visible.append(meta.name)
        else:
            hidden.append(meta.name)
            warnings.append(f"已忽略隐藏工作表“{meta.name}”")

    # The data sheet: the sheet with a people header that is not named like instructions or an
    # example, the one with the most recognised columns and then the most rows; the first on a tie.
    # Only the best so far stays loaded (a county's sheet takes hundreds of MB in calamine).
    best = None
    found: list[str] = []
    for position, name in enumerate(visible):
        sheet = _load_sheet(workbook, name)
        rows = _sheet_rows(sheet)
        header, buffered = _find_header(rows, sheet.merged_cell_ranges, answers)
        if header is None:
            del sheet, rows, buffered
            continue
        found.append(name)
        aside = any(word in name for word in _NOT_DATA_SHEET)
        rank = (not aside, len(header.columns), sheet.height, -position)
        if best is None or rank > best[0]:
            best = None  # let go of the previous candidate before keeping this one
            best = (rank, name, header, buffered, rows)
        else:
            del sheet, rows, buffered
    if best is not None:
        _rank, name, header, buffered, rows = best
        for other in found:
            if other != name:
                warnings.append(
                    f"工作表“{other}”也有人员表头，但一次只导入一张工作表，本次只导入了“{name}”。"
                    f"“{other}”中的人员请另存为单独的文件后再上传"
                )
        return _assemble(name, header, buffered, rows, warnings)

    hint = ""
    hidden_with_header = [n for n in hidden if _has_header(workbook, n)]
    if hidden_with_header:
        hint = f"隐藏的工作表“{hidden_with_header[0]}”中有人员表头，请取消隐藏后重新保存再上传。"
    raise _no_header(hint)


def _has_header(workbook: CalamineWorkbook, name: str) -> bool:
    """For advice only: a sheet that cannot be read just does not count."""
    try:
        return _find_header(_sheet_rows(_load_sheet(workbook, name)), None)[0] is not None
    except FileRejected:
        return False


@functools.cache
def _calamine_layout() -> tuple[bool, bool]:
    """How python-calamine's iter_rows() reports a sheet whose data starts below/right of A1.

    Returns (pads_rows, pads_columns): whether the rows above, and the columns left of, the
    first used cell are included. python-calamine 0.9.1 pads rows but not columns, while its
    to_python() drops both; it is probed rather than assumed because the clerk finds a
    rejected person by the Excel row number, which a silent change would shift.
    """
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(_probe_xlsx())).get_sheet_by_index(0)
    rows = list(sheet.iter_rows())
    return len(rows) == 3, len(rows[-1]) == 2


def _probe_xlsx() -> bytes:
    rel_ns = "http://schemas.openxmlformats.org/package/2006/relationships"
    doc_rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    main_ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    ct = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    members = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{ct}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{ct}.worksheet+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{rel_ns}"><Relationship Id="rId1" '
            f'Type="{doc_rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{main_ns}" xmlns:r="{doc_rel}"><sheets>'
            '<sheet name="p" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{rel_ns}"><Relationship Id="rId1" '
            f'Type="{doc_rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{main_ns}"><sheetData><row r="3">'
            '<c r="B3" t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>'
        ),
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in members.items():
            zf.writestr(name, text)
    return buf.getvalue()


def _sheet_rows(sheet: CalamineSheet) -> Iterator[Row]:
    """Rows of a calamine sheet numbered as Excel shows them, cells indexed from column A."""
    start = sheet.start
    if start is None:
        return
    r0, c0 = start
    pads_rows, pads_columns = _calamine_layout()
    rows = iter(sheet.iter_rows())
    if pads_rows:
        for _ in range(r0):
            next(rows, None)
    prefix: list[object] = [] if pads_columns else [None] * c0
    # calamine gives '' for empty and error cells alike; both are "nothing here".
    if prefix:
        for number, cells in enumerate(rows, r0 + 1):
            yield number, prefix + [None if v == "" else v for v in cells]
    else:
        for number, cells in enumerate(rows, r0 + 1):
            yield number, [None if v == "" else v for v in cells]


# ---------------------------------------------------------------------------
# CSV and other text


_TEXT_EXTENSIONS = (".csv", ".txt", ".tsv")


def _read_text(data: bytes, filename: str, answers: Answers = None) -> SurveySheet:
    # Excel's "Unicode 文本" export is UTF-16 with a BOM; anything else with NULs is binary.
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE))
    if not utf16 and b"\0" in data[:65536]:
        raise _not_a_spreadsheet("无法识别这个文件的格式")
    sample = data[:4096].decode("utf-16", "replace").encode() if utf16 else data[:4096]
    sample = sample.lstrip(codecs.BOM_UTF8).lstrip().lower()
    # Web systems export HTML tables named .xls, and Excel saves "单个文件网页" as MHT.
    if sample.startswith((b"<html", b"<!doctype", b"<table", b"<?xml", b"<meta", b"mime-version")):
        raise FileRejected(
            "not_a_spreadsheet",
            "这个文件实际是网页（HTML/XML）格式，只是扩展名写成了表格。" + _HELP_SAVE_AS,
        )
    extension = os.path.splitext(filename)[1].lower()
    if extension not in _TEXT_EXTENSIONS:
        raise FileRejected(
            "not_a_spreadsheet",
            f"文件扩展名是“{extension or '无'}”，但内容是纯文本（可能是 CSV 文件被改了扩展名），"
            "不是 Excel 表格。" + _HELP_SAVE_AS,
        )
    text = _decode(data, utf16)
    del data
    head = text[:8192]
    delimiter = "\t" if head.count("\t") > head.count(",") else ","
    # Excel shows a CSV record per row, so record numbers are the row numbers even when a
    # quoted cell spans several lines.
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = _csv_rows(reader)
    header, buffered = _find_header(rows, None, answers)
    if header is None:
        raise _no_header()
    return _assemble("CSV", header, buffered, rows, [])


def _decode(data: bytes, utf16: bool) -> str:
    if utf16:
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise _damaged() from None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise FileRejected(
            "not_a_spreadsheet",
            "无法识别 CSV 文件的文字编码（支持 UTF-8、GBK/GB18030 和 Unicode 文本）。"
            + _HELP_SAVE_AS,
        ) from None


def _csv_rows(reader: Iterator[list[str]]) -> Iterator[Row]:
    number = 0
    try:
        for number, cells in enumerate(reader, 1):
            yield number, [v if v != "" else None for v in cells]
    except csv.Error:
        raise FileRejected(
            "not_a_spreadsheet",
            f"CSV 文件第 {number + 1} 行格式有误（引号不配对或单元格过长），无法继续读取。"
            + _HELP_SAVE_AS,
        ) from None
