"""The registry in the template's columns: through the export approval of talentpool.exports as
.xlsx, and as .csv; filters, scope, masking and formula neutralising."""

from __future__ import annotations

import codecs
import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from talentpool.exports import looks_like_formula
from talentpool.models import AccessLog, ExportRequest
from talentpool.survey.export import TEMPLATE_HEADER, csv_value
from tests.factories import approve_export, grant_personal_data, make_person

pytestmark = pytest.mark.django_db

REASON = "报送年度后备干部名册"


@pytest.fixture
def people(township_a, township_b, village_a):
    return [
        make_person(
            township_a,
            village_a,
            name="张本科",
            education="20",
            phone="13812345678",
            remark='=HYPERLINK("http://x")',
            skills="+86 电工",
        ),
        make_person(township_a, village_a, name="李高中", education="60"),
        make_person(township_b, name="王外镇", education="20"),
    ]


def request_export(client, **filters) -> ExportRequest:
    query = "&".join(f"{k}={v}" for k, v in {"kind": "survey", **filters}.items())
    response = client.post(f"{reverse('security:export_new')}?{query}", {"reason": REASON})
    assert response.status_code == 302, response.content.decode()[:500]
    return ExportRequest.objects.latest("pk")


def test_a_county_officer_exports_the_filtered_registry_in_the_template_columns(
    client, county_officer, people
):
    county = grant_personal_data(county_officer)
    client.force_login(county)
    export = request_export(client, education="20")
    assert export.status == "requested"
    approve_export(export)
    assert export.row_count == 2
    response = client.post(reverse("security:export_download", args=[export.pk]))
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    assert "导出人" in rows[0][0]
    assert list(rows[1]) == TEMPLATE_HEADER
    names = {row[1] for row in rows[2:]}
    assert names == {"张本科", "王外镇"}
    zhang = next(row for row in rows[2:] if row[1] == "张本科")
    assert zhang[5] == people[0].id_number  # full, for a user with the right
    assert zhang[9] == "本科"


def test_a_township_officer_needs_approval_and_gets_masked_own_township_rows_as_csv(
    client, township_officer_a, county_officer, people
):
    client.force_login(township_officer_a)
    export = request_export(client)
    assert export.status == "requested"
    url = reverse("survey:export_csv", args=[export.pk])
    refused = client.post(url)
    assert (
        refused.status_code == 302
        and not AccessLog.objects.filter(action="export_download").exists()
    )
    client.force_login(county_officer)
    client.post(reverse("security:export_decide", args=[export.pk]), {"decision": "approve"})
    client.force_login(township_officer_a)
    response = client.post(url)
    assert response["Content-Type"].startswith("text/csv")
    data = b"".join(response.streaming_content)
    assert data.startswith(codecs.BOM_UTF8)
    lines = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert "导出人" in lines[0][0]
    assert lines[1] == TEMPLATE_HEADER
    by_name = {line[1]: line for line in lines[2:]}
    assert set(by_name) == {"张本科", "李高中"}  # not township B's
    zhang = by_name["张本科"]
    assert zhang[5] == people[0].id_number[:6] + "********" + people[0].id_number[-4:]
    assert zhang[6] == "138****5678"
    assert zhang[13] == "'+86 电工"
    assert zhang[17] == '\'=HYPERLINK("http://x")'
    log = AccessLog.objects.get(action="export_download")
    assert log.detail["format"] == "csv" and log.detail["export"] == export.pk
    # The link works once.
    assert client.post(url).status_code == 302


def test_another_users_export_cannot_be_downloaded_as_csv(
    client, county_officer, township_officer_a, people
):
    client.force_login(county_officer)
    export = request_export(client)
    client.force_login(township_officer_a)
    assert client.post(reverse("survey:export_csv", args=[export.pk])).status_code == 404


def test_only_survey_exports_are_served_as_csv(client, county_officer, people):
    client.force_login(county_officer)
    response = client.post(f"{reverse('security:export_new')}?kind=registry", {"reason": REASON})
    assert response.status_code == 302
    export = ExportRequest.objects.latest("pk")
    assert client.post(reverse("survey:export_csv", args=[export.pk])).status_code == 404


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("=1+1", "'=1+1"),
        ("+8613800000000", "'+8613800000000"),
        ("-", "'-"),
        ("@a", "'@a"),
        ("普通文字", "普通文字"),
        ("a=b", "a=b"),
        (None, ""),
    ],
)
def test_csv_neutralises_formula_starts(value, shown):
    assert csv_value(value) == shown
    assert looks_like_formula(value) == (shown != value and value is not None)
