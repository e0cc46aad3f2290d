"""The review sheet: a whole township's round on one screen."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pghistory.models import Events

from evaluation.models import Review
from tests.evaluation.factories import make_reserve, make_review, row_data


def sheet_url(round, township=None) -> str:
    url = reverse("evaluation:round_sheet", args=[round.pk])
    return f"{url}?township={township.pk}" if township else url


def test_township_officer_sees_every_own_reserve_and_no_other(
    client, township_officer_a, county_round, reserve_a, reserve_b, township_a, village_a
):
    make_reserve(township_a, village_a, name="赵强")
    client.force_login(township_officer_a)
    response = client.get(sheet_url(county_round))
    body = response.content.decode()
    assert response.status_code == 200
    assert "李明" in body and "赵强" in body
    assert "王芳" not in body
    assert body.count('<tr id="row-') == 2
    assert 'aria-label="李明 思想政治"' in body


def test_saving_the_sheet_keeps_drafts_and_submitting_sends_them_on(
    client, township_officer_a, county_round, reserve_a
):
    client.force_login(township_officer_a)
    response = client.post(
        sheet_url(county_round), row_data(reserve_a, county_round, action="save")
    )
    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.status, review.conclusion, review.entered_by) == (
        "draft",
        "competent",
        township_officer_a,
    )
    assert Events.objects.tracks(review).get().pgh_context["user"] == township_officer_a.pk

    data = row_data(
        reserve_a,
        county_round,
        value=91,
        conclusion="excellent",
        version=review.version,
        action="submit",
    )
    asked = client.post(sheet_url(county_round), data).content.decode()
    # the row is saved, and submitting asks first
    assert "提交1人的考核（李明）到县委组织部确认" in asked
    review.refresh_from_db()
    assert (review.status, review.conclusion) == ("draft", "excellent")
    response = client.post(
        reverse("evaluation:round_submit", args=[county_round.pk]), {"confirmed": "1"}, follow=True
    )
    assert "已提交1人的考核" in response.content.decode()
    review.refresh_from_db()
    assert (review.status, review.conclusion, review.score) == ("submitted", "excellent", 91)
    assert review.submitted_by == township_officer_a


def test_a_bad_score_saves_nothing_and_says_why(
    client, township_officer_a, county_round, reserve_a, township_a, village_a
):
    other = make_reserve(township_a, village_a, name="赵强")
    client.force_login(township_officer_a)
    data = {**row_data(reserve_a, county_round), **row_data(other, county_round, value=120)}
    response = client.post(sheet_url(county_round), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "分数不能大于100" in body
    assert "有1行未能保存" in body
    assert not Review.objects.exists()


def test_a_stale_row_is_refused(client, township_officer_a, county_round, reserve_a):
    client.force_login(township_officer_a)
    client.post(sheet_url(county_round), row_data(reserve_a, county_round))
    client.post(sheet_url(county_round), row_data(reserve_a, county_round, value=70, version=1))
    response = client.post(
        sheet_url(county_round), row_data(reserve_a, county_round, value=60, version=1)
    )
    assert "刚被他人修改" in response.content.decode()
    assert Review.objects.get().scores["ability"] == 70


def test_a_row_saves_by_itself_with_htmx(client, township_officer_a, county_round, reserve_a):
    client.force_login(township_officer_a)
    url = reverse("evaluation:round_row", args=[county_round.pk, reserve_a.pk])
    response = client.post(url, row_data(reserve_a, county_round), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert response.status_code == 200
    assert "<tr" not in body  # the status cell only: the row's inputs stay as typed
    assert "已保存" in body
    assert f'name="m{reserve_a.pk}-version" value="1"' in body and 'hx-swap-oob="true"' in body
    assert Review.objects.get().status == "draft"


def test_a_bad_value_in_a_row_says_what_is_wrong(
    client, township_officer_a, county_round, reserve_a
):
    client.force_login(township_officer_a)
    url = reverse("evaluation:round_row", args=[county_round.pk, reserve_a.pk])
    data = row_data(reserve_a, county_round, value=101)
    body = client.post(url, data, HTTP_HX_REQUEST="true").content.decode()
    assert "未保存。思想政治：分数不能大于100。" in body
    assert not Review.objects.exists()


def test_another_townships_reserve_in_the_form_fields_is_ignored(
    client, township_officer_a, county_round, reserve_a, reserve_b
):
    client.force_login(township_officer_a)
    data = {**row_data(reserve_a, county_round), **row_data(reserve_b, county_round)}
    assert client.post(sheet_url(county_round), data).status_code == 302
    assert list(Review.objects.values_list("membership_id", flat=True)) == [reserve_a.pk]
    url = reverse("evaluation:round_row", args=[county_round.pk, reserve_b.pk])
    assert client.post(url, row_data(reserve_b, county_round)).status_code == 404
    assert (
        client.post(
            reverse("evaluation:round_submit", args=[county_round.pk])
            + f"?township={reserve_b.village.township_id}",
            {"confirmed": "1"},
        ).status_code
        == 302
    )  # a township officer's sheet is always their own
    assert not Review.objects.filter(membership=reserve_b).exists()


def test_submitted_rows_are_read_only(client, township_officer_a, county_round, reserve_a):
    make_review(county_round, reserve_a, "competent", status="submitted")
    client.force_login(township_officer_a)
    body = client.get(sheet_url(county_round)).content.decode()
    assert f'name="m{reserve_a.pk}-conclusion"' not in body
    response = client.post(
        sheet_url(county_round), row_data(reserve_a, county_round, conclusion="excellent")
    )
    assert response.status_code == 302
    assert Review.objects.get().conclusion == "competent"


def test_county_officer_opens_a_townships_sheet_of_a_county_round(
    client, county_officer, county_round, reserve_a, township_a
):
    client.force_login(county_officer)
    assert client.get(sheet_url(county_round)).status_code == 404  # which township?
    assert client.get(sheet_url(county_round, township_a)).status_code == 200


def test_sheet_query_count_is_flat(client, township_officer_a, county_round, township_a, village_a):
    client.force_login(township_officer_a)

    def count(n_before: int, n: int) -> int:
        for i in range(n_before, n):
            member = make_reserve(township_a, village_a, name=f"后备{i}")
            if i % 2:
                make_review(county_round, member, "competent", status="draft")
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(sheet_url(county_round)).status_code == 200
        return len(ctx.captured_queries)

    client.get(sheet_url(county_round))  # first-request work (session, settings rows)
    assert count(0, 4) == count(4, 30)


def test_submitting_an_unfinished_sheet_names_the_rows_left_empty_first(
    client, township_officer_a, county_round, reserve_a, township_a, village_a
):
    make_reserve(township_a, village_a, name="赵强")
    make_reserve(township_a, village_a, name="钱芳")
    client.force_login(township_officer_a)
    asked = client.post(
        sheet_url(county_round), row_data(reserve_a, county_round, action="submit")
    ).content.decode()
    assert "提交1人的考核（李明）" in asked
    assert "还有2行未填完（" in asked and "赵强" in asked and "钱芳" in asked
    assert Review.objects.get().status == "draft"  # saved, not submitted
