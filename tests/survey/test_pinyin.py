"""The import's fast pinyin gives exactly what Person.fill_derived() stores."""

import random

from talentpool.data import names
from talentpool.survey.pinyin import name_pinyin
from talentpool.text import pinyin_full, pinyin_initials

SPECIAL = [
    "曾国藩",  # surname reading differs from the common one
    "单于明",  # two-character surname
    "尉迟敬德",
    "阿依古丽·买买提",  # middle dot: the general path
    "𠮷野家",  # outside the BMP
    "王建国",  # 建国 is a word with its own reading data
    "李长江",
    "张重阳",
    "区长",
    "覃",
    "䶮明",  # CJK extension A
    "Li Ming",
]


def test_fast_pinyin_matches_fill_derived_for_many_names():
    rng = random.Random(2026)
    people = [names.make_name(rng, rng.choice("12")) for _ in range(3000)] + SPECIAL
    for name in people:
        assert name_pinyin(name) == (pinyin_initials(name)[:50], pinyin_full(name)[:200]), name
