"""The printable records: 一人一档 registration form and the reserve roster."""

import io
from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from candidates.models import Nomination
from evaluation.actions import Appointment, appoint_to_post
from tests.candidates.factories import make_post
from tests.evaluation.factories import make_reserve, make_review, make_round
from tests.factories import approve_export, grant_personal_data


def test_the_registration_form_has_every_section_and_masks_the_id(
    client, township_officer_a, county_officer, reserve_a, village_a
):
    make_review(make_round(), reserve_a, "excellent")
    post = make_post(village_a, "secretary")
    appoint_to_post(
        reserve_a.person, Appointment(post, "election", date(2026, 3, 15)), actor=county_officer
    )
    person = reserve_a.person
    client.force_login(township_officer_a)
    response = client.get(reverse("evaluation:person_record", args=[person.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    for section in (
        "村级后备干部登记表",
        "照片",
        "推荐情况",
        "考核情况",
        "培训情况",
        "岗位锻炼",
        "工作实绩",
        "任职经历",
    ):
        assert section in body, section
    assert "2026年度后备干部考核：<strong>优秀</strong>" in body
    assert "香山村村党组织书记（选举产生）" in body
    assert person.id_number not in body
    assert person.id_number_for(township_officer_a) in body
    assert "@media print" not in body  # the print rules live in static/css/evaluation.css
    # The right alone is not enough: the full number shows once a reason is given (reveal).
    client.force_login(grant_personal_data(county_officer))
    url = reverse("evaluation:person_record", args=[person.pk])
    assert person.id_number not in client.get(url).content.decode()
    client.post(reverse("security:reveal", args=[person.pk]), {"reason": "核对身份"})
    assert person.id_number in client.get(url).content.decode()


def test_the_print_stylesheet_sets_a4_pages(settings):
    from pathlib import Path

    css = (Path(settings.BASE_DIR) / "static" / "css" / "evaluation.css").read_text()
    assert "@media print" in css and "size: A4" in css


def test_registration_form_query_count_does_not_grow_with_records(
    client, county_officer, reserve_a, village_a
):
    client.force_login(county_officer)
    url = reverse("evaluation:person_record", args=[reserve_a.person_id])

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    client.get(url)  # first-request work (session, settings rows)
    first = count()
    for year in (2023, 2024, 2025):
        round_ = make_round(f"{year}年度", starts_on=date(year, 1, 1), ends_on=date(year, 12, 31))
        make_review(round_, reserve_a, "competent")
        Nomination.objects.create(
            person=reserve_a.person,
            township=village_a.township,
            village=village_a,
            post_kind="committee_member",
            year=year,
            channel="self",
            recommender_name="本人",
            reason="热心公益",
            created_by=county_officer,
        )
    assert count() == first


def test_the_roster_page_lists_the_townships_reserves(
    client, township_officer_a, reserve_a, reserve_b, township_a, village_a
):
    make_reserve(township_a, village_a, name="赵强", education="20")
    client.force_login(township_officer_a)
    body = client.get(reverse("evaluation:roster")).content.decode()
    assert "忠州街道村级后备干部名册" in body
    assert "李明" in body and "赵强" in body and "王芳" not in body
    assert reserve_a.person.id_number not in body
    assert f"{reverse('security:export_new')}?kind=roster" in body


def test_the_roster_export_goes_through_approval_with_the_pages_rows(
    client, county_officer, reserve_a, reserve_b, township_a
):
    from talentpool.models import ExportRequest

    officer = grant_personal_data(county_officer)
    client.force_login(officer)
    page = client.get(reverse("evaluation:roster"), {"township": township_a.pk}).content.decode()
    response = client.post(
        reverse("security:export_new") + f"?kind=roster&township={township_a.pk}",
        {"reason": "换届人选研判"},
    )
    assert response.status_code == 302
    export = ExportRequest.objects.get()
    assert (export.kind, export.status, export.row_count) == ("roster", "requested", 1)
    approve_export(export)
    download = client.post(reverse("security:export_download", args=[export.pk]))
    sheet = load_workbook(io.BytesIO(download.content)).active
    rows = [r for r in sheet.iter_rows(values_only=True) if r and r[1] == "李明"]
    assert len(rows) == 1
    assert rows[0][9] == reserve_a.person.id_number  # approved: in full for the right holder
    assert "李明" in page and "王芳" not in page


def test_county_roster_can_be_narrowed_to_a_township(
    client, leader, reserve_a, reserve_b, township_b
):
    client.force_login(leader)
    body = client.get(reverse("evaluation:roster"), {"township": township_b.pk}).content.decode()
    assert "任家镇村级后备干部名册" in body
    assert "王芳" in body and "李明" not in body


def test_the_grid_places_reserves_by_review_and_readiness(
    client, county_officer, township_a, village_a
):
    round_ = make_round()
    star = make_reserve(township_a, village_a, name="星", readiness="now")
    make_review(round_, star, "excellent")
    weak = make_reserve(township_a, village_a, name="弱", readiness="later")
    make_review(round_, weak, "basic")
    make_reserve(township_a, village_a, name="新")
    client.force_login(county_officer)
    body = client.get(reverse("evaluation:grid")).content.decode()
    high_now = body.split('data-cell="high-now"')[1].split("</div>\n  \n")[0]
    assert "星" in high_now and "弱" not in high_now
    low_later = body.split('data-cell="low-later"')[1]
    assert "弱" in low_later.split("data-cell")[0]
    assert "尚无已确认考核结论（1 人）" in body


def test_the_person_page_offers_the_printable_record(client, county_officer, reserve_a):
    client.force_login(county_officer)
    body = client.get(reserve_a.person.get_absolute_url()).content.decode()
    record = reverse("evaluation:person_record", args=[reserve_a.person_id])
    assert f'href="{record}"' in body
    assert "打印一人一档登记表" in body


def test_every_roster_name_links_to_the_person_page(client, township_officer_a, reserve_a):
    client.force_login(township_officer_a)
    body = client.get(reverse("evaluation:roster")).content.decode()
    assert f'<a href="{reserve_a.person.get_absolute_url()}">李明</a>' in body


def test_the_stage_pages_name_the_person_with_a_link_to_the_person_page(
    client, county_officer, reserve_a
):
    person = reserve_a.person
    link = f'<a href="{person.get_absolute_url()}">李明</a>'
    client.force_login(county_officer)
    for url in (
        reverse("candidates:member", args=[reserve_a.pk]),
        reverse("evaluation:person_record", args=[person.pk]),
        reverse("evaluation:appoint", args=[person.pk]),
    ):
        assert link in client.get(url).content.decode(), url


def test_the_roster_export_rows_stay_plain_lists(county_officer, reserve_a):
    from evaluation import exports

    headers, rows = exports.rows(county_officer, {})
    (row,) = list(rows)
    assert row[1] == "李明" and len(row) == len(headers)
