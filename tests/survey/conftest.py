"""Builders for the survey workbooks the reader tests feed in.

Everything is made in memory with openpyxl or zipfile, except what only a real office
suite can write (legacy .xls, cached formula values, an encrypted package): those are
committed under fixtures/ together with make_fixtures.sh. The pipeline's and pages' tests use
tests/survey/factories.py and the fixtures at the end of this file.
"""

from __future__ import annotations

import datetime
import io
import struct
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

FIXTURES = Path(__file__).parent / "fixtures"

TITLE = "忠县忠州街道在外人员信息登记表"

# Zhongxian form, header row 3 with groups, sub-headers in row 4 (columns A..S).
ZX_TOP = [
    "序号",
    "姓  名",
    "性别",
    "民族",
    "出生年月",
    "身份证号码（18位）*",
    "联系方式",
    None,
    "户籍所在村（社区）",
    "政治\n面貌",
    "文化程度",
    "毕业院校及专业",
    "务工情况",
    None,
    "特\u3000长",
    "是否退役军人",
    "返乡意愿",
    "到村任职意愿",
    "备注",
]
ZX_SUB = {6: "手机号", 7: "微信", 12: "务工地点", 13: "从事行业及单位"}
ZX_COLUMNS = {
    "seq": 0,
    "name": 1,
    "gender": 2,
    "ethnicity": 3,
    "birth_date": 4,
    "id_number": 5,
    "phone": 6,
    "village": 8,
    "political_status": 9,
    "education": 10,
    "school_major": 11,
    "work_place": 12,
    "industry_unit": 13,
    "skills": 14,
    "is_veteran": 15,
    "return_intention": 16,
    "village_post_intention": 17,
    "remark": 18,
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
GIVEN = "明芳伟娜强敏静丽军磊洋勇艳杰娟涛超霞平刚桂英华玉兰萍红梅"


def person(i: int) -> list[object]:
    """The i-th (0-based) person of the Zhongxian form, as the clerk typed them."""
    birth = datetime.date(1980 + i % 20, 1 + i % 12, 1 + i % 28)
    id_number: object = f"500233{birth:%Y%m%d}{i:03d}{i % 10}"
    phone: object = f"138{i:08d}"
    if i == 0:
        # Typed without the leading apostrophe, so Excel stored them as numbers.
        id_number = 500233199001011234
        phone = 13812345678
    return [
        i + 1,
        SURNAMES[i % len(SURNAMES)] + GIVEN[i * 7 % len(GIVEN)],
        "男" if i % 2 == 0 else "女",
        "汉族" if i % 5 else "土家族",
        birth,
        id_number,
        phone,
        f"wx{i}" if i % 3 == 0 else None,
        "白公社区" if i % 2 else "石宝村",
        "中共党员" if i % 4 == 0 else "群众",
        "大专",
        "重庆三峡学院 机电一体化",
        "广东省深圳市",
        "电子厂 技术员",
        "电工",
        "是" if i == 7 else "否",
        "愿意",
        "视情况",
        " 长期在外 " if i == 3 else None,  # spaces around 备注 stay as typed
    ]


def zhongxian_sheet(ws: Worksheet, people: int = 30, *, merges: bool = True) -> None:
    ws.append([TITLE])
    ws.append(["填表单位：忠州街道白公社区\u3000\u3000\u3000\u3000填表时间：2025年3月10日"])
    ws.append(ZX_TOP)
    ws.append([ZX_SUB.get(c) for c in range(len(ZX_TOP))])
    ws.append(
        ["示例", "张三", "男", "汉族", "1990.01", "500233199001011234", "13800000000"]
        + [None, "白公社区", "群众", "大专", "", "广东深圳", "电子厂", "", "否", "愿意", "愿意"]
    )
    for i in range(people):
        ws.append(person(i))
    ws.append(["合计", None, f"{people}人"])
    ws.append([])
    ws.append(["填表人：刘会计", None, None, None, "审核人：", None, "联系电话：023-54451234"])
    if merges:
        ws.merge_cells("A1:S1")
        ws.merge_cells("A2:S2")
        ws.merge_cells("G3:H3")
        ws.merge_cells("M3:N3")
        for letter in "ABCDEFIJKLOPQRS":
            ws.merge_cells(f"{letter}3:{letter}4")


def zhongxian_workbook(people: int = 30) -> Workbook:
    """Instruction sheet first, the form, then a hidden dictionary sheet, as templates do."""
    wb = Workbook()
    notes = wb.active
    notes.title = "填表说明"
    notes.append(["填表说明"])
    # Field explanations laid out vertically must not pass for a header row.
    notes.append(["姓名", "与身份证一致"])
    notes.append(["身份证号", "18位，末位X大写"])
    zhongxian_sheet(wb.create_sheet("在外人员登记表"), people)
    dictionary = wb.create_sheet("字典")
    for row in (["政治面貌", "中共党员", "群众"], ["性别", "男", "女"]):
        dictionary.append(row)
    dictionary.sheet_state = "hidden"
    return wb


def simple_workbook(rows: Sequence[Sequence[object]], title: str = "Sheet1") -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(list(row))
    return wb


def to_bytes(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def rewrite_zip(
    data: bytes,
    add: dict[str, bytes] | None = None,
    replace: dict[str, bytes] | None = None,
    content_types: dict[str, str] | None = None,
) -> bytes:
    """Copy a package, adding/replacing members and content-type overrides."""
    add = add or {}
    replace = replace or {}
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = replace.get(info.filename, src.read(info.filename))
            if info.filename == "[Content_Types].xml" and content_types:
                overrides = "".join(
                    f'<Override PartName="{part}" ContentType="{ctype}"/>'
                    for part, ctype in content_types.items()
                )
                member = member.replace(b"</Types>", overrides.encode() + b"</Types>")
            dst.writestr(info.filename, member)
        for name, member in add.items():
            dst.writestr(name, member)
    return out.getvalue()


def as_xlsm(data: bytes) -> bytes:
    """Turn an openpyxl xlsx into what Excel saves as .xlsm (a VBA project inside)."""
    ct = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"
    package = rewrite_zip(
        data,
        add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)},
        content_types={"/xl/vbaProject.bin": "application/vnd.ms-office.vbaProject"},
    )
    return package.replace(
        b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml", ct.encode()
    )


def zero_bomb(path: Path, size: int = 600 * 1024 * 1024) -> None:
    """A package whose sheet inflates to `size` bytes of zeros, written in well under 1 MB.

    zipfile would spend seconds deflating 600 MB, so the deflate stream is assembled
    from one fully-flushed block of zeros repeated (identical once the window is all
    zeros) and the zip headers are written by hand; zipfile then appends the rest.
    """
    chunk_size = 1 << 20
    chunk = bytes(chunk_size)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    repeat = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    count = size // chunk_size
    stream = first + repeat * (count - 1) + compressor.flush()
    crc = 0
    for _ in range(count):
        crc = zlib.crc32(chunk, crc)
    usize = count * chunk_size
    name = b"xl/worksheets/sheet1.xml"
    local = struct.pack(
        "<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(stream), usize, len(name), 0
    )
    central = struct.pack(
        "<IHHHHHHIIIHHHHHII",
        0x02014B50,
        20,
        20,
        0,
        8,
        0,
        0x21,
        crc,
        len(stream),
        usize,
        len(name),
        0,
        0,
        0,
        0,
        0,
        0,
    )
    body = local + name + stream
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central) + len(name), len(body), 0)
    path.write_bytes(body + central + name + end)
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")


def with_lying_size(data: bytes, member: str, declared: int) -> bytes:
    """Patch a member's uncompressed size in both local and central headers."""
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(member)
    patched = bytearray(data)
    struct.pack_into("<I", patched, info.header_offset + 22, declared)
    pos = patched.find(b"PK\x01\x02")
    while pos != -1:
        (name_len,) = struct.unpack_from("<H", patched, pos + 28)
        if patched[pos + 46 : pos + 46 + name_len] == member.encode():
            struct.pack_into("<I", patched, pos + 24, declared)
            break
        pos = patched.find(b"PK\x01\x02", pos + 4)
    return bytes(patched)


# ---------------------------------------------------------------------------
# Fixtures for the import pipeline and pages


@pytest.fixture(autouse=True)
def survey_settings(settings, tmp_path):
    """Imports run on the test's own connection (no worker thread: the test's transaction is
    invisible to other connections) and files go to a temporary MEDIA_ROOT."""
    settings.SURVEY_IMPORT_THREADS = False
    settings.MEDIA_ROOT = tmp_path / "media"
