"""Exports of personal data: a township officer's wait for a county officer's approval; the
download works once, for 24 hours, and the file says who exported it and when."""

import io
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from talentpool.models import AccessAction, AccessLog, ExportRequest, ExportStatus, Role
from tests.factories import approve_export, grant_personal_data, make_person, make_user


@pytest.fixture
def people(township_a, township_b, village_a):
    make_person(township_a, village_a, name="张维", phone="13812345678", education="20")
    make_person(township_a, village_a, name="=HYPERLINK(1)", education="70")
    make_person(township_b, name="王五", education="20")


def _request(client, query="", reason="报送年度后备干部名册"):
    url = reverse("security:export_new") + "?kind=registry" + (f"&{query}" if query else "")
    return client.post(url, {"reason": reason})


def _download(client, export):
    return client.post(reverse("security:export_download", args=[export.pk]))


def test_export_page_shows_row_count_and_asks_for_a_purpose(client, township_officer_a, people):
    client.force_login(township_officer_a)
    url = reverse("security:export_new")
    page = client.get(url, {"kind": "registry", "education": "20"})
    assert page.status_code == 200
    assert page.context["row_count"] == 1
    assert "学历：大学本科" in page.content.decode() or "学历" in page.context["params_text"]
    short = client.post(url + "?kind=registry", {"reason": "用"})
    assert short.status_code == 200
    assert not ExportRequest.objects.exists()


def test_township_export_waits_for_county_approval(
    client, township_officer_a, county_officer, people
):
    client.force_login(township_officer_a)
    response = _request(client, "education=20")
    assert response.status_code == 302
    export = ExportRequest.objects.get()
    assert export.status == ExportStatus.REQUESTED
    assert export.row_count == 1
    assert export.params == {"education": ["20"]}
    assert _download(client, export).status_code == 302  # refused: not approved
    export.refresh_from_db()
    assert export.status == ExportStatus.REQUESTED

    client.force_login(county_officer)
    listing = client.get(reverse("security:exports")).content.decode()
    assert "报送年度后备干部名册" in listing
    decided = client.post(
        reverse("security:export_decide", args=[export.pk]),
        {"decision": "approve", "note": "同意"},
    )
    assert decided.status_code == 302
    export.refresh_from_db()
    assert export.status == ExportStatus.APPROVED
    assert export.decided_by == county_officer
    assert export.expires_at - timezone.now() > timedelta(hours=23)
    # Only the requester downloads.
    assert _download(client, export).status_code == 302
    export.refresh_from_db()
    assert export.status == ExportStatus.APPROVED

    client.force_login(township_officer_a)
    file = _download(client, export)
    assert file.status_code == 200
    assert file["Content-Type"].startswith("application/vnd.openxmlformats")
    export.refresh_from_db()
    assert export.status == ExportStatus.DOWNLOADED
    actions = list(AccessLog.objects.order_by("id").values_list("action", flat=True))
    assert actions == [
        AccessAction.EXPORT_REQUEST,
        AccessAction.EXPORT_DECIDE,
        AccessAction.EXPORT_DOWNLOAD,
    ]
    assert AccessLog.objects.get(action=AccessAction.EXPORT_DOWNLOAD).detail["rows"] == 1


def test_the_download_link_works_once(client, county_officer, people):
    client.force_login(county_officer)
    _request(client)
    export = ExportRequest.objects.get()
    assert export.status == ExportStatus.REQUESTED  # a county officer's too
    approve_export(export)
    assert _download(client, export).status_code == 200
    again = _download(client, export)
    assert again.status_code == 302
    assert "不能下载" in client.get(again.url).content.decode()


def test_the_download_link_expires(client, county_officer, people):
    client.force_login(county_officer)
    _request(client)
    approve_export(ExportRequest.objects.get())
    ExportRequest.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    export = ExportRequest.objects.get()
    assert _download(client, export).status_code == 302
    client.get(reverse("security:exports"))
    export.refresh_from_db()
    assert export.status == ExportStatus.EXPIRED


def test_the_file_names_who_exported_it_and_when(client, county_officer, people):
    officer = grant_personal_data(county_officer)
    client.force_login(officer)
    _request(client, "education=20")
    export = approve_export(ExportRequest.objects.get())
    workbook = load_workbook(io.BytesIO(_download(client, export).content))
    sheet = workbook.active
    first = sheet.cell(1, 1).value
    assert "导出人：王组织（county）" in first
    assert timezone.localtime().strftime("%Y-%m-%d") in first
    assert "用途：报送年度后备干部名册" in first
    assert workbook.properties.creator == "county"
    assert "导出人" in workbook.properties.description
    assert sheet.cell(2, 1).value == "姓名"
    rows = {row[0]: row for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert set(rows) == {"张维", "王五"}
    # Approved and logged: a user with the right gets full identifiers.
    assert rows["张维"][5] == "13812345678"


def test_township_officer_without_the_right_gets_masked_identifiers(
    client, township_officer_a, county_officer, people
):
    client.force_login(township_officer_a)
    _request(client)
    export = ExportRequest.objects.get()
    client.force_login(county_officer)
    client.post(reverse("security:export_decide", args=[export.pk]), {"decision": "approve"})
    client.force_login(township_officer_a)
    sheet = load_workbook(io.BytesIO(_download(client, export).content)).active
    values = [c.value for row in sheet.iter_rows(min_row=3) for c in row]
    assert "138****5678" in values
    assert "王五" not in values  # township B's person is out of scope
    # A name that looks like a formula stays text.
    assert "'=HYPERLINK(1)" in values


def test_rejected_export_cannot_be_downloaded(client, township_officer_a, county_officer, people):
    client.force_login(township_officer_a)
    _request(client)
    export = ExportRequest.objects.get()
    client.force_login(county_officer)
    client.post(reverse("security:export_decide", args=[export.pk]), {"decision": "reject"})
    client.post(reverse("security:export_decide", args=[export.pk]), {"decision": "approve"})
    export.refresh_from_db()
    assert export.status == ExportStatus.REJECTED
    client.force_login(township_officer_a)
    assert _download(client, export).status_code == 302


def test_township_officer_cannot_decide_and_other_township_cannot_see(
    client, township_officer_a, township_officer_b, people
):
    client.force_login(township_officer_a)
    _request(client)
    export = ExportRequest.objects.get()
    response = client.post(
        reverse("security:export_decide", args=[export.pk]), {"decision": "approve"}
    )
    assert response.status_code == 403
    client.force_login(township_officer_b)
    assert export.title not in client.get(reverse("security:exports")).content.decode() or (
        not client.get(reverse("security:exports")).context["page"].object_list
    )
    assert _download(client, export).status_code == 404
    export.refresh_from_db()
    assert export.status == ExportStatus.REQUESTED


def test_unknown_export_kind_is_404_and_mentor_may_not_export_the_registry(client, mentor):
    client.force_login(mentor)
    url = reverse("security:export_new")
    assert client.get(url, {"kind": "nothing"}).status_code == 404
    assert client.get(url, {"kind": "registry"}).status_code == 403


# --- Two people for every export; the scope the approver reads is the scope exported ----------


def test_a_county_officers_own_export_waits_for_another_county_officer(
    client, county_officer, people
):
    officer = grant_personal_data(county_officer)
    client.force_login(officer)
    page = client.get(reverse("security:export_new"), {"kind": "registry"}).content.decode()
    assert "申请人以外的一位县委组织部干部审批" in page
    _request(client)
    export = ExportRequest.objects.get()
    assert export.status == ExportStatus.REQUESTED
    assert _download(client, export).status_code == 302  # nothing to download yet
    listing = client.get(reverse("security:exports")).content.decode()
    assert reverse("security:export_decide", args=[export.pk]) not in listing
    refused = client.post(
        reverse("security:export_decide", args=[export.pk]), {"decision": "approve"}, follow=True
    )
    assert "不能审批自己的导出申请" in refused.content.decode()
    export.refresh_from_db()
    assert export.status == ExportStatus.REQUESTED
    assert export.decided_by is None
    assert not AccessLog.objects.filter(action=AccessAction.EXPORT_DECIDE).exists()

    colleague = grant_personal_data(make_user("county2", Role.COUNTY, last_name="赵"))
    client.force_login(colleague)
    listing = client.get(reverse("security:exports")).content.decode()
    assert reverse("security:export_decide", args=[export.pk]) in listing
    client.post(reverse("security:export_decide", args=[export.pk]), {"decision": "approve"})
    export.refresh_from_db()
    assert (export.status, export.decided_by) == (ExportStatus.APPROVED, colleague)
    client.force_login(officer)
    assert _download(client, export).status_code == 200


@pytest.mark.parametrize("role", [Role.COUNTY, Role.TOWNSHIP, Role.LEADER, Role.MENTOR])
def test_the_requester_never_decides_their_own_export_whatever_their_role(
    rf, township_a, people, role
):
    from talentpool import exports

    user = make_user(f"asker_{role}", role, township=township_a)
    export = ExportRequest.objects.create(
        kind="registry", title="人才信息库", reason="核对", requested_by=user
    )
    request = rf.post("/")
    request.user = user
    assert not exports.decide_export(request, export, approve=True)
    export.refresh_from_db()
    assert export.status == ExportStatus.REQUESTED and export.decided_by is None
    assert not AccessLog.objects.exists()


@pytest.mark.parametrize(
    ("kind", "field"),
    [
        ("registry", "township"),
        ("registry", "village"),
        ("survey", "township"),
        ("pool", "township"),
        ("pool", "village"),
        ("roster", "township"),
    ],
)
def test_a_filter_outside_the_requesters_scope_is_refused_not_described(
    client, township_officer_a, township_b, village_b, people, kind, field
):
    client.force_login(township_officer_a)
    value = township_b.pk if field == "township" else village_b.pk
    url = f"{reverse('security:export_new')}?kind={kind}&{field}={value}"
    page = client.get(url)
    assert page.status_code == 400
    body = page.content.decode()
    assert "不能按这些条件导出" in body
    assert "任家镇" not in body and "桥亭村" not in body
    filed = client.post(url, {"reason": "报送年度后备干部名册"})
    assert filed.status_code == 400
    assert not ExportRequest.objects.exists()
    assert not AccessLog.objects.exists()


def test_the_approver_reads_the_scope_that_is_exported(client, county_officer, township_a, people):
    client.force_login(county_officer)
    page = client.get(
        reverse("security:export_new"), {"kind": "registry", "township": township_a.pk}
    )
    assert page.context["params_text"] == "乡镇（街道）：忠州街道"
    assert page.context["row_count"] == 2
    _request(client, f"township={township_a.pk}")
    export = approve_export(ExportRequest.objects.get())
    assert (export.params_text, export.row_count) == ("乡镇（街道）：忠州街道", 2)
    sheet = load_workbook(io.BytesIO(_download(client, export).content)).active
    names = {row[0] for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert names == {"张维", "'=HYPERLINK(1)"}
