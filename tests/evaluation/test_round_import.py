"""Importing a round from Excel: the template, the preview with reasons, then the write."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from evaluation.models import Review
from talentpool.models import ExportRequest
from tests.evaluation.factories import make_reserve, make_review
from tests.factories import approve_export


def template_rows(client, round) -> tuple[list, list[list]]:
    """The sheet's .xlsx, through the export approval: asked for, approved, downloaded."""
    asked = client.get(reverse("evaluation:round_workbook", args=[round.pk]))
    assert asked.status_code == 302
    assert client.post(asked.url, {"reason": "填写考核结果"}).status_code == 302
    export = approve_export(ExportRequest.objects.latest("pk"))
    assert (export.kind, export.params["round"]) == ("review_sheet", [str(round.pk)])
    response = client.post(reverse("security:export_download", args=[export.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
    return rows[0], rows[1:]


def upload(client, round, header, rows):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["考核结果录入表"])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    file = SimpleUploadedFile("考核.xlsx", buffer.getvalue())
    return client.post(reverse("evaluation:round_import", args=[round.pk]), {"file": file})


def test_the_template_lists_the_reserves_without_identifiers(
    client, township_officer_a, county_round, reserve_a, reserve_b
):
    client.force_login(township_officer_a)
    header, rows = template_rows(client, county_round)
    assert header == [
        "编号",
        "姓名",
        "村（社区）",
        "后备类别",
        "思想政治",
        "履职能力",
        "工作作风",
        "群众口碑",
        "考核结论",
        "考核人",
        "主要事实依据",
    ]
    assert [(r[0], r[1]) for r in rows] == [(reserve_a.pk, "李明")]
    assert reserve_a.person.id_number[-4:] not in str(rows)


def test_import_previews_bad_rows_with_reasons_and_writes_the_good_ones(
    client, township_officer_a, county_round, reserve_a, reserve_b, township_a, village_a
):
    second = make_reserve(township_a, village_a, name="赵强")
    third = make_reserve(township_a, village_a, name="钱进")
    client.force_login(township_officer_a)
    header, _rows = template_rows(client, county_round)
    rows = [
        [reserve_a.pk, "李明", "", "", 90, 88, 85, "80", "称职", "镇考核组", "表现良好"],
        [second.pk, "赵强", "", "", 120, 88, 85, 80, "称职", "", ""],
        [reserve_b.pk, "王芳", "", "", 90, 90, 90, 90, "优秀", "", ""],
        [third.pk, "孙进", "", "", 90, 90, 90, 90, "很好", "", ""],
    ]
    response = upload(client, county_round, header, rows)
    body = response.content.decode()
    assert response.status_code == 200
    assert "共读到 1 条有效记录，3 条有问题" in body
    assert "第4行：“思想政治”应为0到100之间的整数，而不是“120”。" in body
    assert f"第5行：编号{reserve_b.pk}不是本乡镇本轮考核的后备干部。" in body
    assert f"编号{third.pk}对应的是钱进，与填写的姓名“孙进”不符。" in body
    assert "“考核结论”应为优秀、称职、基本称职或不称职，而不是“很好”。" in body
    assert not Review.objects.exists()  # the preview writes nothing

    payload = body.split('name="payload" value="')[1].split('"')[0]
    response = client.post(
        reverse("evaluation:round_import", args=[county_round.pk]), {"payload": payload}
    )
    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.membership, review.status, review.conclusion) == (
        reserve_a,
        "draft",
        "competent",
    )
    assert review.scores == {"political": 90, "ability": 88, "style": 85, "reputation": 80}
    assert review.entered_by == township_officer_a


def test_submitted_reviews_are_not_overwritten_by_an_import(
    client, township_officer_a, county_round, reserve_a
):
    make_review(county_round, reserve_a, "competent", status="submitted")
    client.force_login(township_officer_a)
    header, _rows = template_rows(client, county_round)
    row = [reserve_a.pk, "李明", "", "", 90, 90, 90, 90, "优秀", "", ""]
    body = upload(client, county_round, header, [row]).content.decode()
    assert "李明的考核已提交，不能再导入修改。" in body


def test_a_file_that_is_not_a_workbook_is_refused_in_chinese(
    client, township_officer_a, county_round
):
    client.force_login(township_officer_a)
    url = reverse("evaluation:round_import", args=[county_round.pk])
    fake = SimpleUploadedFile("结果.xlsx", b"not a zip")
    assert "无法读取该文件" in client.post(url, {"file": fake}).content.decode()
    # The reader's package checks run before openpyxl opens anything: a zip bomb is refused.
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("xl/workbook.xml", b"<workbook/>")
        package.writestr("xl/worksheets/sheet1.xml", b"\0" * (5 * 1024 * 1024))
    bombed = SimpleUploadedFile("结果.xlsx", bomb.getvalue())
    assert "为安全起见已拒绝" in client.post(url, {"file": bombed}).content.decode()
    old = SimpleUploadedFile("结果.xls", b"\xd0\xcf\x11\xe0")
    assert "请上传 .xlsx 格式" in client.post(url, {"file": old}).content.decode()


def test_a_sheet_without_the_header_is_refused(client, township_officer_a, county_round):
    client.force_login(township_officer_a)
    body = upload(client, county_round, ["序号", "名字"], [[1, "李明"]]).content.decode()
    assert "没有找到表头" in body


def test_a_tampered_preview_is_refused(client, township_officer_a, county_round, reserve_a):
    client.force_login(township_officer_a)
    response = client.post(
        reverse("evaluation:round_import", args=[county_round.pk]),
        {"payload": "forged"},
        follow=True,
    )
    assert "预览已过期或内容被改动" in response.content.decode()
    assert not Review.objects.exists()


def test_headings_worded_differently_are_read_and_unread_columns_named(
    client, township_officer_a, county_round, reserve_a
):
    client.force_login(township_officer_a)
    header, _rows = template_rows(client, county_round)
    # The township retyped two headings and added a column of its own.
    header = ["编号", "后备干部\n姓名", *header[2:8], "考核等次", *header[9:], "联系人"]
    rows = [[reserve_a.pk, "李明", "", "", 90, 88, 85, 80, "称职", "", "", "张三"]]
    body = upload(client, county_round, header, rows).content.decode()
    assert "共读到 1 条有效记录，0 条有问题" in body
    assert "第L列“联系人”有1行填写了内容，但没有对应的项目，未读取。" in body
    assert not Review.objects.exists()


def test_the_sheet_export_names_its_scope_and_refuses_another_township(
    client, township_officer_a, county_officer, county_round, reserve_a, township_b
):
    url = reverse("security:export_new")
    client.force_login(township_officer_a)
    asked = client.get(reverse("evaluation:round_workbook", args=[county_round.pk]))
    page = client.get(asked.url)
    assert page.context["params_text"] == f"考核：{county_round.name}；乡镇：忠州街道"
    assert page.context["row_count"] == 1
    other = f"{url}?kind=review_sheet&round={county_round.pk}&township={township_b.pk}"
    assert client.get(other).status_code == 400
    assert client.post(other, {"reason": "填写考核结果"}).status_code == 400
    # A county-wide round's sheet is one township's: the county officer must name it.
    client.force_login(county_officer)
    whole = client.get(f"{url}?kind=review_sheet&round={county_round.pk}")
    assert whole.status_code == 400
    assert "全县的考核须选择乡镇（街道）" in whole.content.decode()
    assert not ExportRequest.objects.exists()
