"""Survey import of a county-sized survey (default 300,000 rows, BENCH_SURVEY_ROWS).

In one run, on this machine: the project's import end to end (`manage.py import_survey`: read,
normalise, compare, stage, write with the audit trail) into a fresh township, the same file
again (all unchanged), django-import-export's default import of a 20,000-row sample, and a bare
COPY of the same rows into talentpool_person; each as rows/s and as a ratio to COPY, with the
import's peak memory. The survey file is generated once (openpyxl, write-only) and kept in
var/bench/. Every person the benchmark writes is removed again at the end (the first import's by
the project's own rollback, which is timed too).
"""

from __future__ import annotations

import datetime
import os
import random
import subprocess
import sys
import time
from pathlib import Path

from bench import report

ROWS = int(os.environ.get("BENCH_SURVEY_ROWS", "300000"))
SAMPLE = 20_000
BAD_SHARE = 0.03
FILE_VERSION = 1
SEED = 500233
# Townships that exist only in the benchmark database.
SURVEY_TOWNSHIP = ("500233901000", "基准测试镇")
DIE_TOWNSHIP = ("500233902000", "基准对照镇")
COPY_TOWNSHIP = ("500233903000", "基准复制镇")
IMPORT_TOWNSHIPS = tuple(code for code, _name in (SURVEY_TOWNSHIP, DIE_TOWNSHIP, COPY_TOWNSHIP))
VILLAGES = 24

HEADER = [
    "序号",
    "姓名",
    "性别",
    "民族",
    "出生年月",
    "身份证号码",
    "联系电话",
    "户籍所在村（社区）",
    "政治面貌",
    "文化程度",
    "毕业院校及专业",
    "务工地点",
    "从事行业及单位",
    "特长",
    "是否退役军人",
    "返乡意愿",
    "到村任职意愿",
    "备注",
]


# ---------------------------------------------------------------------------
# The survey file


def survey_file() -> Path:
    from django.conf import settings

    folder = Path(settings.VAR_DIR) / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"survey-{ROWS}-v{FILE_VERSION}.xlsx"
    if not path.exists():
        started = time.perf_counter()
        partial = path.with_suffix(".partial")
        generate(partial, ROWS)
        partial.rename(path)
        report("import.generate", time.perf_counter() - started, "s")
    return path


def generate(path: Path, rows: int) -> None:
    """A township's survey as clerks fill it in: a title, the header, `rows` people, a few
    per cent of them with the mistakes real sheets have, a total row and a footer."""
    from openpyxl import Workbook

    from talentpool.data import names
    from talentpool.identity import make_id_number

    rng = random.Random(SEED)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("在外人员登记表")
    ws.append([f"忠县{SURVEY_TOWNSHIP[1]}在外人员、返乡人员信息登记表"])
    ws.append(["填表单位：                填表时间：2026年3月10日"])
    ws.append(HEADER)
    today = datetime.date(2026, 6, 30)
    seen: set[str] = set()
    previous: tuple[str, str] | None = None
    written = 0
    while written < rows:
        gender = "1" if rng.random() < 0.62 else "2"
        birth = today - datetime.timedelta(days=rng.randrange(18 * 365, 62 * 365))
        number = make_id_number(f"5002{rng.randrange(100):02d}", birth, rng.randrange(100), gender)
        if number in seen:
            continue
        seen.add(number)
        written += 1
        name = names.make_name(rng, gender)
        province, city = rng.choice(names.WORK_PLACES)
        row: list[object] = [
            written,
            name,
            "男" if gender == "1" else "女",
            "汉族" if rng.random() < 0.94 else "土家族",
            f"{birth.year}.{birth.month:02d}" if rng.random() < 0.7 else birth,
            number,
            f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
            f"基准{rng.randrange(1, VILLAGES + 1):02d}村" if rng.random() < 0.97 else "新合并村",
            rng.choice(["群众", "群众", "党员", "团员", "中共党员", "预备党员"]),
            rng.choice(["初中", "高中", "中专", "大专", "专科", "本科", "大学本科", "研究生"]),
            "/".join(rng.choice(names.MAJORS)),
            province + (city if city != province else ""),
            f"{rng.choice(names.INDUSTRIES)}/{rng.choice(names.UNITS)}",
            "、".join(rng.sample(names.SKILLS, rng.randint(0, 2))),
            "是" if gender == "1" and rng.random() < 0.08 else "否",
            rng.choice(["愿意", "有意向", "考虑中", "不愿意", None]),
            rng.choice(["愿意", "有意向", "考虑中", "不愿意", None]),
            rng.choice(names.REMARKS) if rng.random() < 0.2 else None,
        ]
        if rng.random() < BAD_SHARE:
            _spoil(row, rng, previous)
        previous = (row[5], row[1]) if isinstance(row[5], str) else previous
        ws.append(row)
    ws.append(["合计", f"{rows}人"])
    ws.append([])
    ws.append(["填表人：刘会计", None, None, None, "审核人：", None, "联系电话：023-54451234"])
    wb.save(path)


def _spoil(row: list[object], rng: random.Random, previous: tuple[str, str] | None) -> None:
    kind = rng.randrange(8)
    if kind == 0:
        row[1] = None  # missing_name
    elif kind == 1:
        row[5] = float(str(row[5]).replace("X", "0"))  # typed as a number: digits lost
    elif kind == 2:
        number = str(row[5])
        row[5] = number[:6] + number[8:17]  # the old 15-digit form
    elif kind == 3:
        number = str(row[5])
        row[5] = number[:17] + ("0" if number[17] != "0" else "1")  # bad check character
    elif kind == 4:
        row[4] = "1900.13"  # no such month
    elif kind == 5:
        row[8] = "党员同志"  # no listed synonym
    elif kind == 6:
        row[6] = "1380013800"  # ten digits
    elif previous is not None:
        row[5], row[1] = previous[0], row[1]  # the same ID as the row before, another name


# ---------------------------------------------------------------------------
# Places


def _township(code: str, name: str):
    from talentpool import demo
    from talentpool.models import County, Township, Village

    if not County.objects.exists():
        demo.seed_places()
    county = County.objects.order_by("code").first()
    township, _created = Township.objects.get_or_create(
        code=code, defaults={"name": name, "county": county}
    )
    for serial in range(1, VILLAGES + 1):
        Village.objects.get_or_create(
            code=f"{code[:9]}{serial:03d}",
            defaults={"name": f"基准{serial:02d}村", "township": township},
        )
    return township


def _remove_people(township) -> float:
    """Delete a benchmark township's people (audited, like any delete); returns seconds.

    Only people nothing else refers to: the other benches seed village posts, incumbents and pool
    members in every village, these townships' included when they already exist, and a bench may
    run after any other (the imported people are never referred to)."""
    from django.db import connection, models, transaction

    from talentpool.models import Person

    held = [
        f"NOT EXISTS (SELECT 1 FROM {rel.related_model._meta.db_table} r "  # noqa: S608
        f"WHERE r.{rel.field.column} = p.id)"
        for rel in Person._meta.related_objects
        if rel.on_delete is models.PROTECT
    ]
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "DELETE FROM talentpool_person p WHERE p.township_id = %s"  # noqa: S608 - model names
            + "".join(f" AND {clause}" for clause in held),
            [township.pk],
        )
    return time.perf_counter() - started


def _settle() -> None:
    """Vacuum what the removals left behind and checkpoint, so that each timed run starts from
    the same state (a county's registry is not mass-deleted before its imports)."""
    from django.db import connection

    with connection.cursor() as cursor:
        for table in ("talentpool_person", "talentpool_personevent", "talentpool_importrow"):
            cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute("CHECKPOINT")


# ---------------------------------------------------------------------------
# The runs


def _import(path: Path, township) -> tuple[float, int, dict]:
    """`manage.py import_survey` in a process of its own: wall time, its peak RSS (MB) and the
    batch it made."""
    from talentpool.survey.models import ImportBatch

    manage = Path(__file__).resolve().parent.parent / "manage.py"
    started = time.perf_counter()
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, str(manage), "import_survey", str(path), "--township", township.code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=os.environ.copy(),
    )
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    out, err = process.stdout.read().decode(), process.stderr.read().decode()
    if status != 0:
        raise RuntimeError(f"import_survey failed:\n{out}\n{err}")
    batch = ImportBatch.objects.filter(township=township).latest("pk")
    counts = {
        "rows": batch.data_rows,
        "new": batch.new_count,
        "updated": batch.updated_count,
        "unchanged": batch.unchanged_count,
        "rejected": batch.rejected_count,
        "batch": batch.pk,
    }
    return seconds, usage.ru_maxrss // 1024, counts


def _read_only(path: Path) -> float:
    """The reader alone over the file (the floor under both imports), in a process of its own."""
    code = (
        "import sys, time\n"
        "from talentpool.survey.reader import read_survey\n"
        "t = time.perf_counter()\n"
        "n = sum(1 for _ in read_survey(sys.argv[1], filename='s.xlsx').rows)\n"
        "print(n / (time.perf_counter() - t))\n"
    )
    out = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    return float(out.stdout.strip())


def _people_rows(township) -> list[tuple]:
    """The rows the import wrote, as the columns of talentpool_person (for COPY and the sample)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(PERSON_COLUMNS)} FROM talentpool_person "  # noqa: S608
            "WHERE township_id = %s ORDER BY id",
            [township.pk],
        )
        return cursor.fetchall()


PERSON_COLUMNS = (
    "name",
    "name_initials",
    "name_pinyin",
    "gender",
    "ethnicity",
    "birth_date",
    "id_number",
    "phone",
    "village_text",
    "residence",
    "work_place",
    "industry_unit",
    "education",
    "school_major",
    "political_status",
    "is_veteran",
    "skills",
    "return_intention",
    "village_post_intention",
    "remark",
)


def _bare_copy(rows: list[tuple], township) -> float:
    """COPY of the rows into talentpool_person (its indexes and audit triggers included, as
    for any write); returns seconds."""
    from django.db import connection, transaction
    from django.utils import timezone

    now = timezone.now()
    columns = ", ".join(
        (*PERSON_COLUMNS, "other_info", "township_id", "created_at", "updated_at", "version")
    )
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with cursor.cursor.copy(f"COPY talentpool_person ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*row, "{}", township.pk, now, now, 1))
    return time.perf_counter() - started


def _django_import_export(rows: list[tuple], township) -> float:
    """django-import-export's default import (a ModelResource, one row at a time) of a sample;
    returns seconds."""
    import tablib
    from import_export import fields, resources, widgets

    from talentpool.models import Person, Township

    class PersonResource(resources.ModelResource):
        township = fields.Field(
            attribute="township",
            column_name="township",
            widget=widgets.ForeignKeyWidget(Township, "code"),
        )

        class Meta:
            model = Person
            import_id_fields = ["id_number"]
            fields = [*PERSON_COLUMNS, "birth_date", "township"]

    dataset = tablib.Dataset(headers=[*PERSON_COLUMNS, "township"])
    for row in rows:
        dataset.append([*row, township.code])
    started = time.perf_counter()
    result = PersonResource().import_data(dataset, dry_run=False, raise_errors=True)
    seconds = time.perf_counter() - started
    assert result.totals["new"] == len(rows), result.totals
    return seconds


def run() -> None:
    from talentpool.survey import pipeline
    from talentpool.survey.models import ImportBatch

    path = survey_file()
    survey = _township(*SURVEY_TOWNSHIP)
    die = _township(*DIE_TOWNSHIP)
    copied = _township(*COPY_TOWNSHIP)
    for township in (survey, die, copied):  # left behind by an interrupted run
        _remove_people(township)
    _settle()
    report("import.rows", ROWS, "rows")
    report("import.read", _read_only(path), "rows/s")

    seconds, peak, counts = _import(path, survey)
    report("import.survey.seconds", seconds, "s")
    report("import.survey.new", counts["new"], "rows")
    report("import.survey.rejected", counts["rejected"], "rows")
    survey_rate = counts["rows"] / seconds

    re_seconds, re_peak, re_counts = _import(path, survey)
    assert re_counts["unchanged"] == counts["new"], re_counts
    report("import.reimport.seconds", re_seconds, "s")

    # The same people go through each way in turn: ID numbers are unique in the registry.
    rows = _people_rows(survey)
    started = time.perf_counter()
    first = ImportBatch.objects.get(pk=counts["batch"])
    block = pipeline.rollback(first, actor_id=None)
    assert not block, block
    rollback_seconds = time.perf_counter() - started

    _settle()
    sample_seconds = _django_import_export(rows[:SAMPLE], die)
    _remove_people(die)
    _settle()

    copy_seconds = _bare_copy(rows, copied)
    copy_rate = len(rows) / copy_seconds

    report("import.survey", survey_rate, "rows/s")
    report("import.survey.ratio_to_copy", survey_rate / copy_rate, "x")
    report("import.reimport", re_counts["rows"] / re_seconds, "rows/s")
    report("import.reimport.ratio_to_copy", re_counts["rows"] / re_seconds / copy_rate, "x")
    report("import.django_import_export", SAMPLE / sample_seconds, "rows/s")
    report("import.django_import_export.ratio_to_copy", SAMPLE / sample_seconds / copy_rate, "x")
    report("import.copy", copy_rate, "rows/s")
    report("import.rollback", len(rows) / rollback_seconds, "rows/s")
    report("import.peak_memory", max(peak, re_peak), "MB")

    _remove_people(copied)
    ImportBatch.objects.filter(township__in=[survey, die, copied]).delete()
