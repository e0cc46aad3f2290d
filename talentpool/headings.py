"""Reading a spreadsheet's column headings the way a clerk does.

Every spreadsheet that comes in (the township survey, training sign-in sheets, review workbooks,
division codes, rosters) names its columns in its own words: 外出务工地点 for 务工地点,
从事行业/工作单位 for 从事行业及单位, a line break or a full-width space inside a cell, a note in
brackets. A ``HeadingMatcher`` built from one table of fields and their known headings scores each
(column, field) pair and gives each field its best column and each column at most one field:

- an exact known heading beats one of the heading's words (the parts between / 、 及 和 与 and
  brackets), which beats a known heading the text merely contains; within a kind, the longer known
  heading wins (外出务工地点 contains both 务工地点 and 地点);
- a group heading over the column (a two-level header's 务工情况 over 地点) is context: joined to
  the column's own heading it may name the field when the heading alone does not;
- a heading about another person (紧急联系人电话, 推荐人姓名) never stands for the person's own
  name, ID number or phone by containing those words.

The caller keeps whatever no field takes, so nothing is dropped without being listed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = [
    "FieldSpec",
    "HeadingMatcher",
    "Match",
    "column_letter",
    "heading_key",
    "heading_words",
]

# Characters that take no room but break a plain comparison; NFKC keeps them.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_SPACE = re.compile(rf"[\s{_INVISIBLE}]+")
_BRACKETS = str.maketrans(dict.fromkeys("【〔[{<《", "(") | dict.fromkeys("】〕]}>》", ")"))
_BRACKETED = re.compile(r"\([^()]*\)")
_UNCLOSED = re.compile(r"\(.*$")
_LEADING_NUMBER = re.compile(r"^(?:[0-9]{1,2}[.、)]|[一二三四五六七八九十]{1,2}[、.])(?=\D)")
_EDGE = "*:：#"
# Word breaks inside a heading: 从事行业/工作单位, 工作单位及从事行业, 姓名、性别.
_SEPARATORS = re.compile(r"[()/\\|、,，;；+&＆]|及|和|与|或")
# Words that make a heading about somebody else.
OTHER_PERSON_WORDS = (
    "联系人",
    "推荐人",
    "介绍人",
    "担保人",
    "监护人",
    "紧急",
    "家长",
    "父亲",
    "母亲",
    "配偶",
    "户主",
    "亲属",
    "填表人",
    "经办人",
    "审核人",
)
# Trailing words of a group heading that add nothing when joined to the heading below.
_GROUP_TAILS = ("基本情况", "情况", "信息", "状况", "基本")

EXACT, WORD, CONTAINED, GROUP = 4000, 3000, 2000, 1000
FORCED = 10_000


def heading_key(text: object) -> str:
    """A heading as it is compared: NFKC, no whitespace of any kind, unified brackets with their
    notes removed (身份证号码（18位） is 身份证号码), no '*' or ':' at the ends."""
    if text is None:
        return ""
    s = _squashed(text)
    previous = None
    while previous != s:  # nested brackets: innermost first
        previous = s
        s = _BRACKETED.sub("", s)
    s = _UNCLOSED.sub("", s)
    return s.strip(_EDGE)


def heading_words(text: object) -> list[str]:
    """The heading's words: its parts between separators and brackets, bracketed notes included
    (户籍所在村（社区） gives 户籍所在村 and 社区)."""
    if text is None:
        return []
    return [w.strip(_EDGE) for w in _SEPARATORS.split(_squashed(text)) if w.strip(_EDGE)]


def _squashed(text: object) -> str:
    s = unicodedata.normalize("NFKC", str(text)).translate(_BRACKETS)
    s = _SPACE.sub("", s)
    s = _LEADING_NUMBER.sub("", s)
    return s.strip(_EDGE)


def column_letter(index: int) -> str:
    """0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


@dataclass(frozen=True)
class FieldSpec:
    """A field a spreadsheet may carry: its name, the heading a blank form writes (its label), and
    every other heading it is known by. ``personal``: the person's own identity (name, ID number,
    phone...), never matched by a heading about somebody else."""

    name: str
    label: str
    headings: tuple[str, ...] = ()
    personal: bool = False

    @property
    def known(self) -> tuple[str, ...]:
        return (self.label, *self.headings)


@dataclass(frozen=True)
class Match:
    column: int
    field: str
    score: int


class HeadingMatcher:
    def __init__(self, fields: Sequence[FieldSpec]) -> None:
        self.fields = {f.name: f for f in fields}
        self.exact: dict[str, str] = {}
        for spec in fields:
            for heading in spec.known:
                key = heading_key(heading)
                if self.exact.setdefault(key, spec.name) != spec.name:
                    raise ValueError(f"heading {heading!r} is known for two fields")
        # Longest first, so that the first contained heading found for a field is its best.
        self.by_length = sorted(self.exact.items(), key=lambda kv: -len(kv[0]))
        self._cache: dict[tuple[str, str], dict[str, int]] = {}

    def field_for(self, text: object) -> str | None:
        """The field a lone heading names best, or None."""
        scores = self.scores(text)
        return max(scores, key=scores.__getitem__) if scores else None

    def scores(self, text: object, group: object = None) -> dict[str, int]:
        """Every field the heading may stand for, with its score (higher is surer)."""
        key = (str(text or ""), str(group or ""))
        cached = self._cache.get(key)
        if cached is None:
            cached = self._cache[key] = self._score(*key)
        return cached

    def _score(self, text: str, group: str) -> dict[str, int]:
        scores: dict[str, int] = {}

        def offer(field: str, score: int) -> None:
            if score > scores.get(field, 0):
                scores[field] = score

        whole = heading_key(text)
        if not whole:
            return scores
        about_other = any(w in whole for w in OTHER_PERSON_WORDS)
        # A sentence (an instruction, a note) is not a heading: only its exact words count.
        sentence = len(whole) > 20 or any(p in whole for p in "，。；！？,;!?")
        if whole in self.exact:
            offer(self.exact[whole], EXACT + len(whole))
        for word in heading_words(text):
            if word != whole and word in self.exact:
                offer(self.exact[word], WORD + len(word))
        if sentence:
            return scores
        for known, field in self.by_length:
            if len(known) >= 2 and known in whole and known != whole:
                if about_other and self.fields[field].personal:
                    continue
                offer(field, CONTAINED + len(known))
        core = _group_core(group)
        if core and core not in whole:
            for joined in (core + whole, whole + core):
                if joined in self.exact:
                    offer(self.exact[joined], GROUP + 500 + len(joined))
                    continue
                for known, field in self.by_length:
                    if len(known) >= 3 and known in joined and known not in whole:
                        if about_other and self.fields[field].personal:
                            continue
                        offer(field, GROUP + len(known))
        return scores

    def assign(
        self,
        headings: Sequence[object],
        groups: Sequence[object] | None = None,
        *,
        forced: Mapping[int, str | None] | None = None,
    ) -> dict[int, str]:
        """Column index -> field: each field its best column, each column one field at most.
        ``forced``: columns whose field the user chose (None: the column takes no field)."""
        forced = forced or {}
        candidates: list[Match] = []
        for column, text in enumerate(headings):
            if column in forced:
                if forced[column] is not None:
                    candidates.append(Match(column, forced[column], FORCED))
                continue
            group = groups[column] if groups and column < len(groups) else None
            for field, score in self.scores(text, group).items():
                candidates.append(Match(column, field, score))
        candidates.sort(key=lambda m: (-m.score, m.column))
        taken: dict[int, str] = {}
        used: set[str] = set()
        for match in candidates:
            if match.column in taken or match.field in used:
                continue
            taken[match.column] = match.field
            used.add(match.field)
        return dict(sorted(taken.items()))

    def rivals(self, headings: Sequence[object], assigned: Mapping[int, str]) -> dict[int, int]:
        """Columns left without a field whose own heading names a field another column took with
        the same heading (two 联系电话 columns): column -> the column that took it."""
        by_field = {field: column for column, field in assigned.items()}
        out: dict[int, int] = {}
        for column, text in enumerate(headings):
            if column in assigned:
                continue
            key = heading_key(text)
            field = self.exact.get(key)
            if field in by_field and heading_key(headings[by_field[field]]) == key:
                out[column] = by_field[field]
        return out


def _group_core(group: object) -> str:
    core = heading_key(group) if group else ""
    for tail in _GROUP_TAILS:
        if core.endswith(tail) and len(core) > len(tail):
            return core[: -len(tail)]
    return core


# ---------------------------------------------------------------------------
# A table's header row, for the smaller spreadsheets (sign-in sheets, review workbooks, code
# lists): found the same way as the survey's, and every filled column it does not use listed.

SCAN_ROWS = 20


@dataclass
class HeaderRow:
    index: int  # position of the header row in the rows given
    columns: dict[str, int]  # field -> column
    headings: list[str]

    def unused(self, rows: Iterable[Sequence[object]]) -> list[tuple[int, str, int]]:
        """(column, heading, rows with a value) of each filled column no field takes."""
        used = set(self.columns.values())
        filled: dict[int, int] = {}
        for row in rows:
            for c, value in enumerate(row):
                if c not in used and value is not None and str(value).strip():
                    filled[c] = filled.get(c, 0) + 1
        return [
            (c, self.headings[c] if c < len(self.headings) else "", n)
            for c, n in sorted(filled.items())
        ]


def find_header_row(
    rows: Sequence[Sequence[object]],
    matcher: HeadingMatcher,
    *,
    required: Iterable[str],
    scan: int = SCAN_ROWS,
) -> HeaderRow | None:
    """The first of the top `scan` rows whose headings give every required field."""
    required = set(required)
    for index, row in enumerate(rows[:scan]):
        headings = ["" if v is None else str(v).strip() for v in row]
        texts = [h if isinstance(v, str) else "" for h, v in zip(headings, row, strict=True)]
        assigned = matcher.assign(texts)
        columns = {field: c for c, field in assigned.items()}
        if required <= set(columns):
            return HeaderRow(index, columns, headings)
    return None


def unused_column_warnings(unused: Iterable[tuple[int, str, int]]) -> list[str]:
    """One sentence per filled column that was not read, so that nothing is dropped unsaid."""
    from django.utils.translation import gettext as _

    return [
        _("第%(letter)s列“%(heading)s”有%(n)s行填写了内容，但没有对应的项目，未读取。")
        % {"letter": column_letter(c), "heading": heading or _("（无表头）"), "n": n}
        for c, heading, n in unused
    ]
