"""Every workbook of the township corpus (tests/survey/corpus/) through `import_survey --dry-run
--json`, person by person and field by field.

The corpus and its expected results come from corpus/make_corpus.py: forms worded, laid out
and saved the way township clerks send them. A failure lists every difference (workbook, row,
field, expected, got) rather than stopping at the first.
"""

from __future__ import annotations

import io
import json
import re
import unicodedata
from pathlib import Path

import pytest
from django.core.management import call_command

from tests.factories import make_township, make_village

pytestmark = pytest.mark.django_db

CORPUS = Path(__file__).parent / "corpus"
CASES = sorted((CORPUS / "expected").glob("*.json"))
MAX_LISTED = 80


def run_dry(path: Path, township_code: str) -> dict:
    out = io.StringIO()
    call_command(
        "import_survey", str(path), "--township", township_code, "--dry-run", "--json", stdout=out
    )
    return json.loads(out.getvalue())


def make_corpus_township(place: dict):
    township = make_township(place["code"], place["name"])
    for serial, name in enumerate(place["villages"], 201):
        make_village(township, serial, name)
    return township


_INVISIBLE = re.compile(r"[\s\u200b-\u200d\u2060\ufeff]+")
_NOTE = re.compile(r"\([^()]*\)")


def compact(text: object) -> str:
    """A heading or message as compared here: NFKC, no whitespace of any kind."""
    return _INVISIBLE.sub("", unicodedata.normalize("NFKC", str(text or "")))


def heading_key(text: object) -> str:
    """What a listing or warning must contain to name a heading: 身高（cm） may be named
    身高 or 身高（cm）."""
    return _NOTE.sub("", compact(text))


def differences(expected: dict, got: dict) -> list[str]:
    """Everything in which the command's JSON departs from the expected result."""
    diffs: list[str] = []
    error = got.get("file_error")
    if expected["file_error"]:
        reason = (error or {}).get("reason")
        if reason != expected["file_error"]:
            diffs.append(f"file_error: expected {expected['file_error']!r}, got {reason!r}")
        if got.get("accepted"):
            diffs.append(f"a refused file accepted {len(got['accepted'])} rows")
        return diffs
    if error:
        return [f"file refused ({error.get('reason')}): {error.get('message')}"]

    # Accepted people, field by field
    want = {row["row"]: row for row in expected["accepted"]}
    have = {row["row"]: row for row in got.get("accepted", [])}
    for number in sorted(want.keys() - have.keys()):
        diffs.append(f"row {number} ({want[number]['name']}): expected accepted, not accepted")
    for number in sorted(have.keys() - want.keys()):
        diffs.append(f"row {number}: accepted but not expected ({have[number].get('name')!r})")
    for number in sorted(want.keys() & have.keys()):
        for fld, value in want[number].items():
            if fld == "row":
                continue
            if fld not in have[number]:
                diffs.append(f"row {number} {fld}: expected {value!r}, key missing")
            elif have[number][fld] != value:
                diffs.append(f"row {number} {fld}: expected {value!r}, got {have[number][fld]!r}")

    # Refused rows and their reasons
    want_rejected = {row["row"]: row["reason"] for row in expected["rejected"]}
    have_rejected = {row["row"]: row["reason"] for row in got.get("rejected", [])}
    for number in sorted(want_rejected.keys() | have_rejected.keys()):
        if want_rejected.get(number) != have_rejected.get(number):
            diffs.append(
                f"row {number} refusal: expected {want_rejected.get(number)!r}, "
                f"got {have_rejected.get(number)!r}"
            )

    # Values kept as written that no code fits: 部分字段待核实
    want_partial = {(p["row"], p["column"], p["field"], p["value"]) for p in expected["partial"]}
    if "partial" not in got and want_partial:
        diffs.append(f"no 'partial' key; expected {sorted(want_partial)}")
    else:
        have_partial = {
            (p.get("row"), p.get("column"), p.get("field"), p.get("value"))
            for p in got.get("partial", [])
        }
        for item in sorted(want_partial - have_partial):
            diffs.append(f"partial: expected {item}, not reported")
        for item in sorted(have_partial - want_partial, key=str):
            diffs.append(f"partial: reported {item}, not expected")

    # Filled columns no field takes: listed with field null, and each warned about
    columns = got.get("columns")
    if columns is None and expected["unmapped_columns"]:
        diffs.append("no 'columns' key in the JSON")
        columns = []
    by_letter = {c.get("column"): c for c in columns or []}
    warnings = [compact(w) for w in got.get("warnings", [])]
    for unmapped in expected["unmapped_columns"]:
        letter, heading = unmapped["column"], heading_key(unmapped["heading"])
        column = by_letter.get(letter)
        if column is None:
            diffs.append(f"column {letter} “{unmapped['heading']}”: not listed in 'columns'")
        else:
            if heading not in compact(column.get("heading")):
                diffs.append(
                    f"column {letter}: expected heading “{unmapped['heading']}”, "
                    f"got {column.get('heading')!r}"
                )
            if column.get("field") is not None:
                diffs.append(
                    f"column {letter} “{unmapped['heading']}”: expected field null, "
                    f"got {column.get('field')!r}"
                )
            if column.get("filled_rows") != unmapped["filled_rows"]:
                diffs.append(
                    f"column {letter} “{unmapped['heading']}”: expected filled_rows "
                    f"{unmapped['filled_rows']}, got {column.get('filled_rows')!r}"
                )
        if not any(heading in warning for warning in warnings):
            diffs.append(f"column {letter} “{unmapped['heading']}”: no warning names it")
    return diffs


@pytest.mark.parametrize("case", CASES, ids=lambda path: path.name.removesuffix(".json"))
def test_corpus_workbook_imports_every_person_field_by_field(case: Path):
    expected = json.loads(case.read_text(encoding="utf-8"))
    township = make_corpus_township(expected["township"])
    got = run_dry(CORPUS / "files" / expected["file"], township.code)
    diffs = differences(expected, got)
    listed = "\n".join(f"  {line}" for line in diffs[:MAX_LISTED])
    more = f"\n  ... and {len(diffs) - MAX_LISTED} more" if len(diffs) > MAX_LISTED else ""
    assert not diffs, (
        f"{expected['file']} ({expected['varies']}): {len(diffs)} differences\n{listed}{more}"
    )


def test_corpus_is_large_and_varied_enough():
    """The issue asks for 20 workbooks at least, in every format townships send."""
    files = sorted((CORPUS / "files").iterdir())
    assert len(CASES) == len(files) >= 24
    assert {f.suffix for f in files} == {".xlsx", ".xls", ".ods", ".csv"}
    assert sum(f.stat().st_size for f in files) < 2 * 1024 * 1024
    for case in CASES:
        expected = json.loads(case.read_text(encoding="utf-8"))
        assert (CORPUS / "files" / expected["file"]).is_file()
        assert expected["file_error"] or expected["accepted"]
