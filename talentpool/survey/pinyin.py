"""Pinyin keys of names for imports: the same strings as Person.fill_derived(), an order of
magnitude faster.

talentpool.text runs pypinyin's word segmentation and style conversion on every call (about
70 microseconds a name); its cache helps a registry whose names repeat, but a county survey of
300,000 people holds some 190,000 different names. A name in which no two or more characters
form a word of pypinyin's phrase dictionary is converted character by character by pypinyin
too, so for those names the per-character readings (cached) give the identical result; every
other name goes through talentpool.text. tests/survey/test_pinyin.py holds the two together.
"""

from __future__ import annotations

import re
from functools import cache

from talentpool.text import _SURNAME_READINGS, pinyin_full, pinyin_initials

__all__ = ["name_pinyin"]


def _keep_ascii(chunk: str) -> list[str]:
    return [char.lower() for char in chunk if char.isascii() and char.isalnum()]


# Only the basic block and extension A are converted character by character.
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]+")

# The surnames read differently, by length: a two-character surname is matched before the
# one-character surname it starts with (单于 before 单), as talentpool.text does.
_SURNAMES = {
    length: {
        surname: (readings, [r[0] for r in readings])
        for surname, readings in _SURNAME_READINGS.items()
        if len(surname) == length
    }
    for length in (2, 1)
}
assert sum(map(len, _SURNAMES.values())) == len(_SURNAME_READINGS)


@cache  # a few thousand characters in all
def _char(char: str) -> tuple[str, str]:
    from pypinyin import Style, lazy_pinyin  # loaded on first use, as in talentpool.text

    full = "".join(lazy_pinyin(char, style=Style.NORMAL, errors=_keep_ascii))
    initials = "".join(lazy_pinyin(char, style=Style.FIRST_LETTER, errors=_keep_ascii))
    return initials, full


@cache
def _phrases() -> dict:
    from pypinyin.constants import PHRASES_DICT

    return PHRASES_DICT


def _has_phrase(text: str) -> bool:
    phrases = _phrases()
    n = len(text)
    for i in range(n - 1):
        for j in range(i + 2, n + 1):
            if text[i:j] in phrases:
                return True
    return False


def name_pinyin(name: str) -> tuple[str, str]:
    """(name_initials, name_pinyin) of a name already cleaned by clean_name(), truncated to the
    lengths of the Person fields as fill_derived() does."""
    rest = name
    initials: list[str] = []
    full: list[str] = []
    for length, surnames in _SURNAMES.items():
        hit = surnames.get(name[:length])
        if hit is not None:
            full, initials = list(hit[0]), list(hit[1])
            rest = name[length:]
            break
    if not rest or not _HAN.fullmatch(rest) or (len(rest) > 1 and _has_phrase(rest)):
        return pinyin_initials(name)[:50], pinyin_full(name)[:200]
    for char in rest:
        char_initial, char_full = _char(char)
        initials.append(char_initial)
        full.append(char_full)
    return "".join(initials)[:50], "".join(full)[:200]
