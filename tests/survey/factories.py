"""Survey files and batches for the import tests, built in memory."""

from __future__ import annotations

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from talentpool.identity import make_id_number
from talentpool.survey import actions
from talentpool.survey.fields import FIELD_LABELS, FIELDS
from talentpool.survey.models import ImportBatch

# The template's header (the columns `import_survey --json` prints, after 序号): the one field
# table's labels.
HEADER = [FIELD_LABELS[fld] for fld in FIELDS]
KEYS = list(FIELDS)

_serial = iter(range(1, 10_000_000))


def new_id(birth: datetime.date = datetime.date(1990, 5, 3), gender: str = "1") -> str:
    n = next(_serial)
    return make_id_number(f"5002{n // 100 % 100:02d}", birth, n % 100, gender)


def person(**values: object) -> dict[str, object]:
    """One row of the template, as a clerk fills it in; keyword arguments override cells."""
    birth = values.pop("birth", datetime.date(1990, 5, 3))
    gender = values.pop("gender_code", "1")
    row: dict[str, object] = {
        "name": "张维",
        "gender": "男" if gender == "1" else "女",
        "ethnicity": "汉族",
        "birth_date": f"{birth.year}.{birth.month:02d}",
        "id_number": new_id(birth, gender),
        "phone": "13812345678",
        "village": "香山村",
        "political_status": "群众",
        "education": "大专",
        "school_major": "重庆三峡学院 机电一体化",
        "work_place": "广东深圳",
        "industry_unit": "电子厂 技术员",
        "skills": "电工",
        "is_veteran": "否",
        "return_intention": "愿意",
        "village_post_intention": "有意向",
        "remark": None,
    }
    row.update(values)
    return row


def survey_xlsx(
    people: list[dict[str, object]], *, header: list[str] | None = None, title: bool = True
) -> bytes:
    """A workbook as townships send it: a title row, the header, one row per person."""
    wb = Workbook()
    ws = wb.active
    ws.title = "登记表"
    if title:
        ws.append(["忠州街道在外人员信息登记表"])
    ws.append(header or HEADER)
    for seq, values in enumerate(people, 1):
        ws.append([seq if key == "seq" else values.get(key) for key in KEYS])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str) and cell.value.startswith("="):
                # Typed as text ('=...), not a formula.
                cell.data_type = "s"
                cell.quotePrefix = True
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def first_row(title: bool = True) -> int:
    """The Excel row number of the first person in survey_xlsx()."""
    return 3 if title else 2


def upload(data: bytes, *, township, user, name: str = "登记表.xlsx") -> ImportBatch:
    """Upload through the action (the analysis job runs at once in tests)."""
    batch = actions.upload_survey(SimpleUploadedFile(name, data), township=township, actor=user)
    batch.refresh_from_db()
    return batch
