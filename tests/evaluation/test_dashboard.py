"""The dashboards: the county's numbers on the page and in the Excel exports."""

import io

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from evaluation import views
from tests.evaluation.conftest import BEFORE, CHANGEOVER
from tests.evaluation.factories import make_reserve, make_review, make_round
from tests.evaluation.tables import as_page_text, normalised, page_tables

DATES = {"before": f"{BEFORE:%Y-%m-%d}", "after": f"{CHANGEOVER:%Y-%m-%d}"}


def test_county_dashboard_compares_the_committees_on_two_dates(client, county_officer, committees):
    client.force_login(county_officer)
    response = client.get(reverse("evaluation:dashboard"), DATES)
    assert response.status_code == 200
    tables = page_tables(response.content.decode())
    committee = {row[0]: row[1:] for row in tables["committee"][1:]}
    assert committee["人数"] == ["4", "4", "0"]
    assert committee["平均年龄（岁）"] == ["46.5", "35.5", "-11.0"]
    assert committee["大专及以上学历占比（%）"] == ["50.0", "75.0", "25.0"]
    townships = {row[0]: row for row in tables["committee_townships"][1:]}
    assert townships["忠州街道"][2:4] == ["46.7", "33.33"]
    assert townships["忠州街道"][5:7] == ["32.0", "66.67"]


def test_the_dashboard_defaults_to_the_last_changeover(client, county_officer, committees):
    client.force_login(county_officer)
    body = client.get(reverse("evaluation:dashboard")).content.decode()
    assert 'value="2026-03-14"' in body and 'value="2026-03-15"' in body


def test_dates_in_the_wrong_order_fall_back_with_a_message(client, county_officer, committees):
    client.force_login(county_officer)
    response = client.get(
        reverse("evaluation:dashboard"), {"before": "2026-05-01", "after": "2026-01-01"}
    )
    body = response.content.decode()
    assert "较早日期须早于较晚日期" in body
    assert 'value="2026-03-14"' in body


@pytest.mark.parametrize("persona", ["county_officer", "township_officer_a"])
def test_every_export_holds_exactly_the_pages_figures(
    client, request, persona, committees, county_round
):
    reserve = make_reserve(committees["township_a"], committees["village_a"], name="甲")
    make_review(county_round, reserve, "competent", status="submitted")
    client.force_login(request.getfixturevalue(persona))
    tables = page_tables(client.get(reverse("evaluation:dashboard"), DATES).content.decode())
    assert len(tables) >= 8
    for key, rows in tables.items():
        response = client.get(reverse("evaluation:export"), {"figure": key, **DATES})
        assert response.status_code == 200
        sheet = load_workbook(io.BytesIO(response.content)).active
        exported = [
            [as_page_text(v) for v in row] for row in sheet.iter_rows(min_row=5, values_only=True)
        ]
        if rows[1:] == [["暂无数据"]]:
            rows = rows[:1]
        assert exported == normalised(rows), key


def test_export_of_everything_has_a_sheet_per_figure(client, leader, committees):
    client.force_login(leader)
    tables = page_tables(client.get(reverse("evaluation:dashboard"), DATES).content.decode())
    response = client.get(reverse("evaluation:export"), {"figure": "all", **DATES})
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) == len(tables)
    assert client.get(reverse("evaluation:export"), {"figure": "nope"}).status_code == 404


def test_township_officer_sees_only_their_own_township(
    client, township_officer_a, reserve_a, reserve_b
):
    client.force_login(township_officer_a)
    body = client.get(reverse("evaluation:dashboard")).content.decode()
    tables = page_tables(body)
    pool = {row[0]: row[1] for row in tables["pool"][1:]}
    assert pool["在库后备干部"] == "1"
    assert "pool_townships" not in tables  # no other township's rows
    assert "任家镇" not in body


def test_front_page_is_the_dashboard_for_readers_and_the_core_page_for_others(
    county_officer, mentor, auditor
):
    factory = RequestFactory()
    for user, marker in (
        (county_office := county_officer, "村级后备干部工作统计"),
        (mentor, "帮带对象"),
        (auditor, "查看审计日志"),
    ):
        request = factory.get("/")
        request.user = user
        response = views.home(request)
        assert response.status_code == 200
        assert marker in response.content.decode(), user.role
    assert county_office.role == "county"


def test_dashboard_query_count_is_flat(
    client,
    county_officer,
    township_a,
    village_a,
    township_b,
    village_b,
    django_assert_max_num_queries,
):
    client.force_login(county_officer)
    round_ = make_round()

    def count(start, stop) -> int:
        for i in range(start, stop):
            for township, village in ((township_a, village_a), (township_b, village_b)):
                member = make_reserve(township, village, name=f"后备{i}")
                make_review(round_, member, "competent", status="submitted")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("evaluation:dashboard")).status_code == 200
        return len(ctx.captured_queries)

    client.get(reverse("evaluation:dashboard"))  # first-request work (session, settings rows)
    assert count(0, 2) == count(2, 20)


def test_structure_page_shows_the_committees_by_township(client, leader, committees, township_a):
    client.force_login(leader)
    response = client.get(reverse("evaluation:structure"), {"township": township_a.pk, **DATES})
    tables = page_tables(response.content.decode())
    assert set(tables) == {"committee", "committee_ages"}  # one township: no per-township table
    committee = {row[0]: row[1:] for row in tables["committee"][1:]}
    assert committee["平均年龄（岁）"] == ["46.7", "32.0", "-14.7"]
    assert "忠州街道村“两委”班子结构" in response.content.decode()


def test_the_election_dates_are_labelled_before_and_after_the_changeover(
    client, county_officer, committees
):
    client.force_login(county_officer)
    body = client.get(reverse("evaluation:dashboard")).content.decode()
    assert "2026-03-14（换届前）" in body and "2026-03-15（换届后）" in body


def test_other_compared_dates_are_labelled_by_their_dates(client, county_officer, committees):
    client.force_login(county_officer)
    body = client.get(
        reverse("evaluation:dashboard"), {"before": "2015-01-01", "after": "2026-03-14"}
    ).content.decode()
    assert "换届前" not in body and "换届后" not in body
    assert "<th>2015-01-01</th>" in body or ">2015-01-01<" in body
    assert "2015-01-01平均年龄" in body and "2026-03-14平均年龄" in body
