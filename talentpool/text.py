"""Text hygiene for values typed or pasted by county staff, and pinyin keys for name search."""

import re
from functools import lru_cache

# Zero-width characters are not matched by \s but arrive with text copied from web pages and
# WeChat, and are invisible in Excel, so they are treated as whitespace everywhere.
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_SPACE_CLASS = rf"[\s{ZERO_WIDTH}]"
_SPACE_RUN = re.compile(rf"{_SPACE_CLASS}+")
_EDGE_SPACE = re.compile(rf"\A{_SPACE_CLASS}+|{_SPACE_CLASS}+\Z")
_ZERO_WIDTH_RUN = re.compile(f"[{ZERO_WIDTH}]+")

MIDDLE_DOT = "\u00b7"
# Input methods and fonts produce several look-alike dots between the parts of Uyghur and
# other transliterated names; only U+00B7 is the one the public security registry uses.
_DOT_VARIANTS = "\u30fb\u2027\u2022\uff65\u00b7"
_DOT_RUN = re.compile(rf"{_SPACE_CLASS}*[{_DOT_VARIANTS}]{_SPACE_CLASS}*")

_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}

# Surnames whose reading differs from the character's most common reading. pypinyin 0.55 has
# no surname mode, and a name always starts with the surname, so only the prefix is corrected.
_SURNAME_READINGS = {
    "尉迟": ["yu", "chi"],
    "万俟": ["mo", "qi"],
    "单于": ["chan", "yu"],
    "单": ["shan"],
    "曾": ["zeng"],
    "区": ["ou"],
    "仇": ["qiu"],
    "解": ["xie"],
    "朴": ["piao"],
    "查": ["zha"],
    "盖": ["ge"],
    "覃": ["qin"],
    "翟": ["zhai"],
    "缪": ["miao"],
    "乐": ["yue"],
    "员": ["yun"],
    "秘": ["bi"],
    "种": ["chong"],
    "繁": ["po"],
    "折": ["she"],
    "隗": ["wei"],
    "召": ["shao"],
    "阚": ["kan"],
    "牟": ["mu"],
}


def remove_whitespace(raw: str) -> str:
    """Remove every whitespace and zero-width character, including those inside the text."""
    return _SPACE_RUN.sub("", raw)


def clean_text(raw: object) -> str:
    """Strip whitespace of every kind from both ends; the inner text is kept exactly."""
    if raw is None:
        return ""
    return _EDGE_SPACE.sub("", str(raw))


def to_halfwidth(s: str) -> str:
    """Fold full-width ASCII variants and the ideographic space to their half-width forms."""
    return s.translate(_HALFWIDTH)


def is_cjk(char: str) -> bool:
    code = ord(char)
    return (
        0x3400 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x3FFFF
        or code == 0x3007
    )


def clean_name(raw: object) -> str:
    """Normalise a person's name: no spaces between Chinese characters, one standard middle dot.

    A Latin-script name keeps single spaces between its words.
    """
    name = _ZERO_WIDTH_RUN.sub("", clean_text(raw))
    name = _DOT_RUN.sub(MIDDLE_DOT, name)

    def replace(match: re.Match[str]) -> str:
        before = name[match.start() - 1]
        after = name[match.end()]
        return "" if is_cjk(before) and is_cjk(after) else " "

    return _SPACE_RUN.sub(replace, name)


def _name_syllables(name: str, *, initials: bool) -> list[str]:
    # pypinyin's dictionaries take some 55 MB once loaded: only processes that make pinyin
    # keys (saving a person, an import) pay for them, and an import only after its
    # spreadsheet has been parsed, which is its memory peak.
    from pypinyin import Style, lazy_pinyin

    style = Style.FIRST_LETTER if initials else Style.NORMAL
    name = to_halfwidth(clean_name(name))

    def keep_ascii(chunk: str) -> list[str]:
        return [char.lower() for char in chunk if char.isascii() and char.isalnum()]

    prefix: list[str] = []
    for surname, readings in _SURNAME_READINGS.items():
        if name.startswith(surname):
            prefix = [r[0] for r in readings] if initials else readings
            name = name[len(surname) :]
            break
    return prefix + lazy_pinyin(name, style=style, errors=keep_ascii)


@lru_cache(maxsize=65536)  # names repeat a lot in a county; imports call this per row
def pinyin_initials(name: str) -> str:
    """Lower-case pinyin initials without separators: 张维 -> "zw", 阿依古丽·买买提 -> "ayglmmt"."""
    return "".join(_name_syllables(name, initials=True))


@lru_cache(maxsize=65536)
def pinyin_full(name: str) -> str:
    """Lower-case toneless pinyin without separators: 张维 -> "zhangwei"."""
    return "".join(_name_syllables(name, initials=False))


# --- Free text typed by users: always a limit, checked by the model and by its forms ----------

# A note, an opinion, a reason: about four pages of Chinese.
NOTE_MAX_LENGTH = 2000
# A description, the minutes of a meeting, a person's 备注 (as long as a survey cell may be).
LONG_TEXT_MAX_LENGTH = 5000


def limited_text(verbose_name=None, *, max_length: int = NOTE_MAX_LENGTH, **kwargs):
    """A TextField with a maximum length. Django passes a TextField's max_length to its form
    field (which refuses longer text with a Chinese message and shows it again) but does not
    check it in the model: the validator does that, for full_clean and the admin."""
    from django.core.validators import MaxLengthValidator
    from django.db import models

    return models.TextField(
        verbose_name,
        max_length=max_length,
        validators=[MaxLengthValidator(max_length), *kwargs.pop("validators", [])],
        **kwargs,
    )
