"""Checks for the demo data files (no database, no Django settings)."""

import csv
import random
import re
from pathlib import Path

from talentpool.data import names

CSV_PATH = Path(__file__).resolve().parents[2] / "talentpool" / "data" / "divisions_500233.csv"
COUNTY = "500233000000"


def _rows():
    with CSV_PATH.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == ["code", "name"]
        return list(reader)


def _split(rows):
    townships = [r for r in rows if r["code"].endswith("000") and r["code"] != COUNTY]
    villages = [r for r in rows if not r["code"].endswith("000")]
    return townships, villages


def test_csv_codes_are_12_digits_unique_and_sorted():
    rows = _rows()
    codes = [r["code"] for r in rows]
    assert all(re.fullmatch(r"\d{12}", c) for c in codes)
    assert len(codes) == len(set(codes))
    assert codes[0] == COUNTY and rows[0]["name"] == "忠县"
    assert codes == sorted(codes)


def test_names_non_empty():
    assert all(r["name"].strip() == r["name"] and r["name"] for r in _rows())


def test_hierarchy_and_counts():
    rows = _rows()
    townships, villages = _split(rows)
    assert len(rows) == 1 + len(townships) + len(villages)
    assert sum(r["code"].endswith("000000") for r in rows) == 1
    township_prefixes = {r["code"][:9] for r in townships}
    assert all(r["code"].startswith("500233") for r in townships)
    assert all(r["code"][:9] in township_prefixes for r in villages)
    assert len(townships) >= 20
    assert len(villages) >= 200
    # Every township has at least one village or community.
    assert township_prefixes == {r["code"][:9] for r in villages}


def test_township_and_village_suffixes():
    townships, villages = _split(_rows())
    assert all(r["name"].endswith(("街道", "镇", "乡")) for r in townships)
    assert all(r["name"].endswith(("村", "社区")) for r in villages)


def test_make_name_deterministic():
    genders = ["1", "2"] * 50
    first = [names.make_name(random.Random(42), g) for g in genders]
    second = [names.make_name(random.Random(42), g) for g in genders]
    assert first == second
    rng_a, rng_b = random.Random(7), random.Random(7)
    assert [names.make_name(rng_a, g) for g in genders] == [
        names.make_name(rng_b, g) for g in genders
    ]


def test_make_name_shape():
    rng = random.Random(2024)
    surnames = {s for s, _ in names.SURNAMES}
    for i in range(2000):
        name = names.make_name(rng, "1" if i % 2 else "2")
        assert 2 <= len(name) <= 4
        assert name[:1] in surnames or name[:2] in surnames


def test_make_name_rejects_bad_gender():
    try:
        names.make_name(random.Random(0), "3")
    except ValueError:
        pass
    else:
        raise AssertionError("expected ValueError")


def test_registry_lists():
    assert len(names.MALE_CHARS) >= 60
    assert len(names.FEMALE_CHARS) >= 60
    assert len(names.NEUTRAL_CHARS) >= 60
    assert all(len(p) == 2 and all(p) for p in names.WORK_PLACES)
    assert all(len(p) == 2 and all(p) for p in names.MAJORS)
    for seq in (names.INDUSTRIES, names.UNITS, names.SKILLS, names.REMARKS):
        assert seq and all(isinstance(x, str) and x for x in seq)
