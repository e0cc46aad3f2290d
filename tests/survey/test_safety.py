"""Hostile workbooks: XML entity bombs, formulas meant for a spreadsheet program, and the
libraries' XML parsers."""

from __future__ import annotations

import io
import time
import zipfile

import openpyxl.xml

from talentpool.survey.export import xlsx_cell
from talentpool.survey.reader import FileRejected, read_survey

from .conftest import rewrite_zip, simple_workbook, to_bytes

LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 2 else "") + ";") * 10}">'
        for n in range(2, 10)
    )
    + "]>"
)


def test_openpyxl_parses_through_defusedxml():
    # The template, reports and tests read workbooks with openpyxl: never with entity expansion.
    assert openpyxl.xml.DEFUSEDXML is True


def test_an_entity_expansion_bomb_in_a_sheet_is_refused_at_once():
    data = to_bytes(simple_workbook([["姓名", "身份证号"], ["王明", "500233199001011234"]]))
    sheet = zipfile.ZipFile(io.BytesIO(data)).read("xl/worksheets/sheet1.xml").decode()
    body = sheet[sheet.index("<worksheet") :].replace("王明", "&lol9;")
    bomb = rewrite_zip(data, replace={"xl/worksheets/sheet1.xml": (LAUGHS + body).encode()})
    started = time.perf_counter()
    try:
        sheet_read = read_survey(io.BytesIO(bomb), filename="a.xlsx")
        names = [row.values["name"] for row in sheet_read.rows]
    except FileRejected as exc:
        assert exc.reason == "not_a_spreadsheet"
    else:
        assert all(len(str(name)) < 100 for name in names)  # never expanded
    assert time.perf_counter() - started < 2


def test_a_dde_formula_is_never_run_and_leaves_as_text(tmp_path):
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("x")
    cell = xlsx_cell(ws, "=cmd|' /C calc'!A0")
    assert cell.data_type == "s" and cell.quotePrefix is True
    ws.append([cell])
    path = tmp_path / "x.xlsx"
    wb.save(path)
    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml
