"""The reserve pool: entering after approval, one membership, leaving, lists, export."""

from datetime import date
from io import BytesIO
from urllib.parse import urlencode

import pytest
from django.db import IntegrityError
from django.urls import reverse
from openpyxl import load_workbook

from candidates import actions
from candidates.models import LeaveReason, PoolMembership, Status
from tests.candidates.factories import (
    make_candidate,
    make_incumbency,
    make_membership,
    make_nomination,
    make_post,
    put_at,
)
from tests.factories import approve_export, grant_personal_data, make_person


def test_county_enters_an_approved_nomination_into_the_pool(
    client, county_officer, township_officer_a, township_a, village_a
):
    post = make_post(village_a, "secretary")
    nomination = put_at(
        make_nomination(
            make_candidate(township_a, village_a),
            village_a,
            actor=township_officer_a,
            post_kind="secretary",
        ),
        Status.APPROVED,
    )
    client.force_login(county_officer)
    form = client.get(reverse("candidates:enter_pool", args=[nomination.pk])).content.decode()
    assert "书记后备" in form and f'value="{post.pk}"' in form

    response = client.post(
        reverse("candidates:enter_pool", args=[nomination.pk]),
        {
            "version": nomination.version,
            "category": "secretary",
            "level": "township",
            "readiness": "now",
            "posts": [post.pk],
            "entered_on": "2026-06-01",
        },
    )

    membership = PoolMembership.objects.get()
    assert response.status_code == 302 and response.url == membership.get_absolute_url()
    assert (membership.person, membership.village, membership.nomination) == (
        nomination.person,
        village_a,
        nomination,
    )
    assert list(membership.posts.all()) == [post]
    nomination.refresh_from_db()
    assert nomination.status == Status.POOLED
    assert membership.events.filter(pgh_label="insert").exists()


def test_only_approved_nominations_enter_the_pool(
    county_officer, township_officer_a, township_a, village_a
):
    nomination = put_at(
        make_nomination(make_candidate(township_a, village_a), village_a, actor=township_officer_a),
        Status.COUNTY,
    )
    with pytest.raises(actions.ActionRefused, match="不能执行“入库”"):
        actions.enter_pool(
            nomination,
            actor=county_officer,
            expected_version=1,
            category="member",
            level="township",
            readiness="soon",
            posts=[],
            entered_on=date(2026, 6, 1),
        )


def test_someone_already_in_the_pool_is_told_so(
    county_officer, township_officer_a, township_a, village_a
):
    person = make_candidate(township_a, village_a)
    make_membership(person, village_a)
    nomination = put_at(
        make_nomination(person, village_a, actor=township_officer_a), Status.APPROVED
    )
    with pytest.raises(actions.ActionRefused, match="已在后备干部库中（香山村 委员后备）"):
        actions.enter_pool(
            nomination,
            actor=county_officer,
            expected_version=1,
            category="member",
            level="township",
            readiness="soon",
            posts=[],
            entered_on=date(2026, 6, 1),
        )


def test_the_database_allows_one_active_membership_per_person(township_a, village_a):
    person = make_person(township_a, village_a)
    make_membership(person, village_a, left_on=date(2025, 12, 1), leave_reason="moved")
    make_membership(person, village_a)
    with pytest.raises(IntegrityError):
        make_membership(person, village_a, category="director")


def test_the_database_refuses_leaving_without_a_reason(township_a, village_a):
    membership = make_membership(make_person(township_a, village_a), village_a)
    with pytest.raises(IntegrityError):
        PoolMembership.objects.filter(pk=membership.pk).update(left_on=date(2026, 1, 1))


def test_leaving_the_pool_needs_a_reason_and_records_it(
    client, township_officer_a, township_a, village_a
):
    membership = make_membership(make_person(township_a, village_a), village_a)
    client.force_login(township_officer_a)
    url = reverse("candidates:member_leave", args=[membership.pk])

    refused = client.post(url, {"left_on": "2026-06-01", "reason": ""})
    assert "出库须选择原因" in refused.content.decode()
    assert PoolMembership.objects.get(pk=membership.pk).left_on is None

    data = {"left_on": "2026-06-01", "reason": "unfit", "note": "年度考核不合格"}
    asked = client.post(url, data).content.decode()
    assert "确认出库" in asked and "自2026-06-01起离开后备干部库" in asked
    assert PoolMembership.objects.get(pk=membership.pk).left_on is None
    response = client.post(url, {**data, "confirmed": "1"})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.left_on, membership.leave_reason) == (date(2026, 6, 1), LeaveReason.UNFIT)
    assert membership.version == 2
    assert membership.events.filter(pgh_label="update", leave_reason="unfit").exists()
    assert (
        actions.leave_pool(
            membership, actor=township_officer_a, left_on=date(2026, 6, 2), reason="moved"
        )
        is False
    )


def test_other_is_a_reason_only_with_an_explanation(township_officer_a, township_a, village_a):
    membership = make_membership(make_person(township_a, village_a), village_a)
    with pytest.raises(actions.ActionRefused, match="请填写说明"):
        actions.leave_pool(
            membership, actor=township_officer_a, left_on=date(2026, 6, 1), reason="other"
        )


def test_a_reserve_who_takes_up_a_post_leaves_the_pool_as_promoted(
    township_officer_a, township_a, village_a
):
    post = make_post(village_a, "director")
    old = make_incumbency(post, make_person(township_a, village_a, name="老主任"))
    reserve = make_person(township_a, village_a, name="新主任")
    membership = make_membership(reserve, village_a, [post])
    actions.appoint(
        post,
        reserve,
        actor=township_officer_a,
        started_on=date(2026, 6, 1),
        appointed_how="election",
    )
    old.refresh_from_db()
    membership.refresh_from_db()
    assert (old.ended_on, old.end_reason) == (date(2026, 6, 1), "election")
    assert membership.leave_reason == LeaveReason.PROMOTED and membership.left_on == date(
        2026, 6, 1
    )


def _three_members(township_a, township_b, village_a, village_b):
    make_membership(
        make_person(
            township_a, village_a, name="党员甲", political_status="01", education="20", gender="1"
        ),
        village_a,
        readiness="now",
    )
    make_membership(
        make_person(
            township_a,
            village_a,
            name="群众乙",
            political_status="13",
            education="70",
            gender="2",
            birth_date=date(1970, 1, 1),
            is_veteran=True,
            residence="returned",
        ),
        village_a,
        category="director",
    )
    make_membership(make_person(township_b, village_b, name="乙镇丙"), village_b)


@pytest.mark.parametrize(
    ("filters", "shown"),
    [
        ({}, {"党员甲", "群众乙"}),
        ({"party": "1"}, {"党员甲"}),
        ({"party": "0"}, {"群众乙"}),
        ({"education": "college"}, {"党员甲"}),
        ({"gender": "2"}, {"群众乙"}),
        ({"veteran": "1"}, {"群众乙"}),
        ({"returnee": "1"}, {"群众乙"}),
        ({"readiness": "now"}, {"党员甲"}),
        ({"category": "director"}, {"群众乙"}),
        ({"age_band": "55+"}, {"群众乙"}),
        ({"q": "dyj"}, {"党员甲"}),
    ],
)
def test_pool_list_filters_within_the_township(
    client, township_officer_a, township_a, township_b, village_a, village_b, filters, shown
):
    _three_members(township_a, township_b, village_a, village_b)
    client.force_login(township_officer_a)
    body = client.get(reverse("candidates:pool"), filters).content.decode()
    for name in ("党员甲", "群众乙", "乙镇丙"):
        assert (name in body) == (name in shown), name


def test_pool_list_query_count_is_flat(client, county_officer, township_a, village_a):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    post = make_post(village_a, "secretary")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("candidates:pool")).status_code == 200
        return len(ctx.captured_queries)

    def add(n, start):
        for i in range(start, start + n):
            make_membership(make_person(township_a, village_a, name=f"后备{i}"), village_a, [post])

    client.force_login(county_officer)
    add(3, 0)
    small = count()
    add(27, 3)
    assert count() == small


def _export(client, **filters):
    """Ask for the pool export as a county officer, have another approve it, download it."""
    from talentpool.models import ExportRequest

    url = reverse("security:export_new")
    assert (
        client.post(
            f"{url}?{urlencode({'kind': 'pool', **filters})}", {"reason": "报送年度后备干部名册"}
        ).status_code
        == 302
    )
    export = approve_export(ExportRequest.objects.latest("pk"))
    response = client.post(reverse("security:export_download", args=[export.pk]))
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.content)).active
    return list(sheet.iter_rows(values_only=True))[1:]  # below the provenance row


def test_export_honours_filters_and_scope_and_masks_without_the_right(
    township_officer_a, township_a, township_b, village_a, village_b
):
    from candidates import exports

    _three_members(township_a, township_b, village_a, village_b)

    headers, rows = exports.rows(township_officer_a, {"party": ["1"]})
    rows = list(rows)

    assert headers[2] == "姓名"
    assert [r[2] for r in rows] == ["党员甲"]
    assert "*" in rows[0][5]
    assert exports.count(township_officer_a, {}) == 2
    assert exports.describe({"party": ["1"]}) == "中共党员：是"


def test_county_downloads_the_approved_pool_export_with_identifiers(
    client, county_officer, township_a, township_b, village_a, village_b
):
    _three_members(township_a, township_b, village_a, village_b)
    client.force_login(grant_personal_data(county_officer))

    rows = _export(client, category="member")

    assert rows[0][2] == "姓名"
    assert {r[2] for r in rows[1:]} == {"党员甲", "乙镇丙"}
    assert all("*" not in r[5] for r in rows[1:])


def test_editing_a_member_uses_the_version(client, township_officer_a, township_a, village_a):
    membership = make_membership(make_person(township_a, village_a), village_a)
    client.force_login(township_officer_a)
    url = reverse("candidates:member_edit", args=[membership.pk])
    data = {"version": 1, "category": "director", "level": "village", "readiness": "now"}
    assert client.post(url, data).status_code == 302
    stale = client.post(url, {**data, "readiness": "later"})
    assert "该记录刚被他人修改" in stale.content.decode()
    membership.refresh_from_db()
    assert (membership.readiness, membership.version) == ("now", 2)


def test_update_membership_sets_the_posts_or_refuses_a_stale_version(
    township_officer_a, township_a, village_a
):
    membership = make_membership(make_person(township_a, village_a), village_a)
    post = make_post(village_a, "secretary")
    change = {"category": "director", "level": "village", "readiness": "now", "posts": [post]}
    actions.update_membership(membership, actor=township_officer_a, expected_version=1, **change)
    membership.refresh_from_db()
    assert (membership.readiness, membership.version) == ("now", 2)
    assert list(membership.posts.all()) == [post]
    with pytest.raises(actions.Conflict):
        actions.update_membership(
            membership, actor=township_officer_a, expected_version=1, **{**change, "posts": []}
        )
    assert list(membership.posts.all()) == [post]


@pytest.mark.parametrize("field", ["posts"])
def test_posts_of_another_village_are_refused(
    client, township_officer_a, township_a, township_b, village_a, village_b, field
):
    membership = make_membership(make_person(township_a, village_a), village_a)
    elsewhere = make_post(village_b, "secretary")
    client.force_login(township_officer_a)
    response = client.post(
        reverse("candidates:member_edit", args=[membership.pk]),
        {
            "version": 1,
            "category": "member",
            "level": "village",
            "readiness": "now",
            field: [elsewhere.pk],
        },
    )
    assert response.status_code == 200 and "有效的选项" in response.content.decode()
    assert not membership.posts.exists()
