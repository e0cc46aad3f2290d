"""The evaluation workbooks write what people typed as text, never as a formula."""

import io
from types import SimpleNamespace

from openpyxl import load_workbook

from evaluation import sheets


def test_text_that_looks_like_a_formula_stays_text():
    figure = SimpleNamespace(
        title="考核结论",
        note="",
        columns=["姓名", "评语", "得分"],
        table=lambda: [["王明", '=HYPERLINK("http://x","点")', 90], ["李四", "-好", 80]],
        total=None,
    )
    buffer = io.BytesIO()
    sheets.figures_workbook([figure], "全县").save(buffer)
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    formula, minus, score = sheet["B6"], sheet["B7"], sheet["C6"]
    assert (formula.value, formula.data_type) == ('=HYPERLINK("http://x","点")', "s")
    assert formula.quotePrefix and minus.quotePrefix
    assert (minus.value, minus.data_type) == ("-好", "s")
    assert (score.value, score.data_type, score.quotePrefix) == (90, "n", False)
