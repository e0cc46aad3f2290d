"""Importing a session's sign-in sheet: rows matched by ID number or, within the course's
enrolment, by name; a preview first; clear Chinese reasons for the rows left out."""

import io
import zipfile
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from tests.training.factories import enrol, make_course, make_reserve, mark
from training.models import Attendance
from training.signin import SheetRejected, match_rows, read_sheet


def workbook(rows, *, title_rows=1) -> bytes:
    wb = Workbook()
    ws = wb.active
    for _ in range(title_rows):
        ws.append(["忠县2026年村级后备干部农村电商培训班签到表"])
    for row in rows:
        ws.append(list(row))
    hidden = wb.create_sheet("字典")
    hidden.append(["姓名", "出勤情况"])
    hidden.sheet_state = "hidden"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def upload(content: bytes, name: str = "签到表.xlsx"):
    return SimpleUploadedFile(name, content)


@pytest.fixture
def course(township_a, village_a):
    course = make_course(township_a, sessions=[(date(2026, 3, 1), "4")])
    people = [
        make_reserve(township_a, village_a, name="张维"),
        make_reserve(township_a, village_a, name="李娜"),
        make_reserve(township_a, village_a, name="王芳"),
        make_reserve(township_a, village_a, name="王芳"),
        make_reserve(township_a, village_a, name="赵强"),
    ]
    for person in people:
        enrol(course, person)
    return course


def test_rows_are_matched_by_id_number_then_by_name_with_reasons_for_the_rest(course):
    zhang, li, wang1, wang2, zhao = [e.person for e in course.enrolments.order_by("pk")]
    sheet = workbook(
        [
            ["序号", "姓 名", "身份证号码", "出勤情况（出勤/缺勤/请假）"],
            [1, "张伟", zhang.id_number, "出勤"],  # name mistyped, ID right
            [2, "李 娜", "", "请假"],
            [3, "王芳", "", "√"],  # two enrolled people share the name
            [4, "陈明", "", "出勤"],  # not enrolled
            [5, "赵强", "", "迟到"],  # status not understood
            [6, "李娜", "", "出勤"],  # second row for the same person
            ["合计", "", "", "6人"],
        ]
    )
    preview = match_rows(read_sheet(sheet).rows, list(course.enrolments.select_related("person")))
    assert [(m.enrolment.person.name, m.status) for m in preview.matched] == [
        ("张维", "present"),
        ("李娜", "leave"),
    ]
    assert "姓名与报名信息不一致" in preview.matched[0].note
    assert [(u.row.line, u.reason) for u in preview.unmatched] == [
        (5, "报名学员中有2人同名，请在签到表中填写身份证号"),
        (6, "本培训的报名学员中没有此人"),
        (7, "出勤情况“迟到”无法识别（可填：出勤、缺勤、请假）"),
        (8, "与第4行是同一学员，重复出现"),
    ]
    assert {e.person.name for e in preview.missing} == {"王芳", "赵强"}


def test_a_signature_column_marks_signed_rows_present_and_blank_ones_absent(course):
    sheet = workbook([["姓名", "本人签字"], ["张维", "张维"], ["李娜", None]], title_rows=0)
    rows = read_sheet(sheet).rows
    assert [(r.name, r.status) for r in rows] == [("张维", "present"), ("李娜", "absent")]


def test_an_id_number_stored_as_a_number_falls_back_to_the_name(course):
    zhang = course.enrolments.get(person__name="张维").person
    # Typed without the leading apostrophe, Excel keeps a float: the last digits are gone.
    sheet = workbook([["姓名", "身份证号"], ["张维", float(zhang.id_number[:17] + "0")]])
    preview = match_rows(read_sheet(sheet).rows, list(course.enrolments.select_related("person")))
    assert [m.enrolment.person.name for m in preview.matched] == ["张维"]


def test_a_sheet_without_a_name_column_is_rejected_with_a_reason():
    with pytest.raises(SheetRejected, match="没有找到“姓名”列"):
        read_sheet(workbook([["编号", "单位"], [1, "县委组织部"]]))


def test_a_file_that_is_not_a_workbook_is_rejected():
    with pytest.raises(SheetRejected, match="无法读取该文件"):
        read_sheet("姓名,出勤\n张维,出勤".encode())
    with pytest.raises(SheetRejected, match="文件已损坏"):
        read_sheet(b"PK\x03\x04 not really a zip")


def test_a_sheet_too_large_to_open_is_rejected_before_it_is_read():
    # One value typed into the last cell of a sheet would make the reader allocate a grid of
    # 17 billion cells; the survey import's checks refuse it from the package alone.
    wb = Workbook()
    wb.active.append(["姓名", "出勤情况"])
    wb.active["XFD1048576"] = "误填"
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(SheetRejected, match="表格范围过大"):
        read_sheet(buf.getvalue())


def test_a_zip_bomb_is_rejected():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("xl/workbook.xml", "<workbook/>")
        package.writestr("xl/media/padding.bin", bytes(5 * 1024 * 1024))
    with pytest.raises(SheetRejected, match="结构异常"):
        read_sheet(buf.getvalue())


def test_upload_previews_without_writing_and_confirm_writes(client, township_officer_a, course):
    session = course.sessions.get()
    zhao = course.enrolments.get(person__name="赵强")
    mark(zhao, session, "present")
    url = reverse("training:attendance_import", args=[session.pk])
    client.force_login(township_officer_a)
    sheet = workbook([["姓名", "签到"], ["张维", "张维"], ["李娜", ""], ["陈明", "陈明"]])
    response = client.post(url, {"file": upload(sheet), "absent_if_missing": "on"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "已匹配 2 行，未能匹配 1 行" in body and "本培训的报名学员中没有此人" in body
    assert Attendance.objects.count() == 1  # nothing written yet

    zhang = course.enrolments.get(person__name="张维")
    li = course.enrolments.get(person__name="李娜")
    wangs = course.enrolments.filter(person__name="王芳")
    confirm = {"confirm": "1", f"mark-{zhang.pk}": "present", f"mark-{li.pk}": "absent"}
    confirm |= {f"mark-{w.pk}": "absent" for w in wangs} | {f"mark-{zhao.pk}": "absent"}
    response = client.post(url, confirm)
    assert response.status_code == 302
    statuses = dict(Attendance.objects.values_list("enrolment__person__name", "status"))
    assert statuses == {"张维": "present", "李娜": "absent", "王芳": "absent", "赵强": "absent"}


def test_confirmation_ignores_enrolments_of_other_courses(
    client, township_officer_a, course, township_a
):
    other = make_course(township_a, title="别的班", sessions=[(date(2026, 3, 5), "2")])
    stranger = enrol(other, make_reserve(township_a, name="别班学员"))
    client.force_login(township_officer_a)
    url = reverse("training:attendance_import", args=[course.sessions.get().pk])
    client.post(url, {"confirm": "1", f"mark-{stranger.pk}": "present"})
    assert not Attendance.objects.exists()


def test_upload_of_a_non_excel_file_is_refused_with_a_message(client, township_officer_a, course):
    client.force_login(township_officer_a)
    url = reverse("training:attendance_import", args=[course.sessions.get().pk])
    response = client.post(url, {"file": upload(b"name,status", "签到表.csv")})
    assert "请上传 Excel 文件（.xlsx 或 .xls）。" in response.content.decode()


def test_headings_are_read_like_the_surveys_and_unread_columns_are_named(course):
    sheet = workbook(
        [
            ["序号", "参训人员\n姓名", "联系电话", "到课情况（出勤/缺勤）"],
            [1, "张维", "13800000000", "出勤"],
            [2, "李娜", None, "缺勤"],
        ]
    )
    read = read_sheet(sheet)
    assert [(r.name, r.status) for r in read.rows] == [("张维", "present"), ("李娜", "absent")]
    # 序号 and 联系电话 are filled but not read: said, not dropped in silence.
    assert read.warnings == [
        "第A列“序号”有2行填写了内容，但没有对应的项目，未读取。",
        "第C列“联系电话”有1行填写了内容，但没有对应的项目，未读取。",
    ]
