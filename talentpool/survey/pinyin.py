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

from functools import cache

from talentpool.text import _SURNAME_READINGS, pinyin_full, pinyin_initials

__all__ = ["name_pinyin"]


def _keep_ascii(chunk: str) -> list[str]:
    return [char.lower() for char in chunk if char.isascii() and char.isalnum()]


def _is_han(char: str) -> bool:
    code = ord(char)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF


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
    return any(text[i:j] in phrases for i in range(n - 1) for j in range(i + 2, n + 1))


def name_pinyin(name: str) -> tuple[str, str]:
    """(name_initials, name_pinyin) of a name already cleaned by clean_name(), truncated to the
    lengths of the Person fields as fill_derived() does."""
    rest = name
    initials: list[str] = []
    full: list[str] = []
    for surname, readings in _SURNAME_READINGS.items():
        if name.startswith(surname):
            full = list(readings)
            initials = [r[0] for r in readings]
            rest = name[len(surname) :]
            break
    if not rest or not all(map(_is_han, rest)) or (len(rest) > 1 and _has_phrase(rest)):
        return pinyin_initials(name)[:50], pinyin_full(name)[:200]
    for char in rest:
        char_initial, char_full = _char(char)
        initials.append(char_initial)
        full.append(char_full)
    return "".join(initials)[:50], "".join(full)[:200]
