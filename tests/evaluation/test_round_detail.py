"""The round page: progress, calibration across townships, and the county's confirmation."""

from django.urls import reverse

from evaluation.models import Proposal, Review, ReviewRound
from tests.evaluation.factories import make_reserve, make_review


def test_county_officer_confirms_a_townships_reviews(
    client, county_officer, county_round, reserve_a, township_a
):
    review = make_review(county_round, reserve_a, "incompetent", status="submitted")
    client.force_login(county_officer)
    url = reverse("evaluation:round_confirm", args=[county_round.pk])
    asked = client.post(url, {"township": township_a.pk}).content.decode()
    assert "确认1人的考核结果，确认后不能再修改" in asked
    assert "对1人提出调整出库建议：李明" in asked
    review.refresh_from_db()
    assert review.status == "submitted" and not Proposal.objects.exists()
    response = client.post(url, {"township": township_a.pk, "confirmed": "1"}, follow=True)
    assert "已确认忠州街道1人的考核结果；提出调整出库建议1人" in response.content.decode()
    review.refresh_from_db()
    assert (review.status, review.confirmed_by) == ("confirmed", county_officer)
    assert Proposal.objects.get().kind == "remove"


def test_township_officer_cannot_confirm(
    client, township_officer_a, county_round, reserve_a, township_a
):
    make_review(county_round, reserve_a, "excellent", status="submitted")
    client.force_login(township_officer_a)
    for name in ("evaluation:round_confirm", "evaluation:round_return"):
        response = client.post(
            reverse(name, args=[county_round.pk]), {"township": township_a.pk, "note": "x"}
        )
        assert response.status_code == 403
    assert Review.objects.get().status == "submitted"


def test_confirming_a_township_outside_the_round_is_refused(
    client, county_officer, round_a, township_b, reserve_b
):
    make_review(round_a, reserve_b, "excellent", status="submitted")  # a stray row, say
    client.force_login(county_officer)
    response = client.post(
        reverse("evaluation:round_confirm", args=[round_a.pk]),
        {"township": township_b.pk},
        follow=True,
    )
    assert "请选择本轮考核范围内的乡镇（街道）" in response.content.decode()
    assert Review.objects.get().status == "submitted"


def test_returning_needs_a_note(client, county_officer, county_round, reserve_a, township_a):
    make_review(county_round, reserve_a, "excellent", status="submitted")
    client.force_login(county_officer)
    url = reverse("evaluation:round_return", args=[county_round.pk])
    response = client.post(url, {"township": township_a.pk, "note": ""}, follow=True)
    assert "退回须选择乡镇（街道）并填写退回意见" in response.content.decode()
    assert Review.objects.get().status == "submitted"
    client.post(url, {"township": township_a.pk, "note": "优秀比例偏高，请复核"})
    review = Review.objects.get()
    assert (review.status, review.return_note) == ("draft", "优秀比例偏高，请复核")


def test_calibration_flags_a_township_marking_far_above_the_county(
    client, county_officer, county_round, township_a, village_a, township_b, village_b
):
    for i in range(3):
        make_review(
            county_round,
            make_reserve(township_a, village_a, name=f"甲{i}"),
            "excellent",
            status="submitted",
            score=95,
        )
    for i in range(6):
        make_review(
            county_round,
            make_reserve(township_b, village_b, name=f"乙{i}"),
            "competent",
            status="submitted",
            score=78,
        )
    client.force_login(county_officer)
    body = client.get(reverse("evaluation:round_detail", args=[county_round.pk])).content.decode()
    assert "优秀比例明显高于全县" in body
    assert "平均分明显高于全县" in body
    assert "平均分明显低于全县" in body
    # county: 3 of 9 excellent; mean (3*95 + 6*78) / 9 = 83.7
    assert "3（33.33）" in body and "83.7" in body


def test_township_officer_creates_a_round_for_their_own_township_only(
    client, township_officer_a, township_a, township_b
):
    client.force_login(township_officer_a)
    data = {
        "name": "二季度回头看",
        "period": "quarter",
        "starts_on": "2026-04-01",
        "ends_on": "2026-06-30",
        "scoring": "grade",
        "dimensions_text": "思想政治\n履职能力\n廉洁自律",
        "township": township_b.pk,
    }
    response = client.post(reverse("evaluation:round_create"), data)
    assert "选择一个有效的选项" in response.content.decode()
    assert not ReviewRound.objects.exists()
    response = client.post(reverse("evaluation:round_create"), {**data, "township": township_a.pk})
    round = ReviewRound.objects.get()
    assert response.status_code == 302
    assert round.township == township_a
    assert round.dimensions == [
        {"key": "political", "label": "思想政治"},
        {"key": "ability", "label": "履职能力"},
        {"key": "d3", "label": "廉洁自律"},
    ]


def test_round_dates_out_of_order_are_refused(client, county_officer):
    client.force_login(county_officer)
    data = {
        "name": "年度考核",
        "period": "year",
        "starts_on": "2026-12-31",
        "ends_on": "2026-01-01",
        "scoring": "score",
        "dimensions_text": "思想政治",
    }
    response = client.post(reverse("evaluation:round_create"), data)
    assert "考核期止不能早于考核期起" in response.content.decode()


def test_round_pages_query_counts_are_flat(
    client, county_officer, county_round, township_a, village_a, township_b, village_b
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from evaluation.actions import confirm_reviews

    client.force_login(county_officer)
    urls = [
        reverse("evaluation:round_list"),
        reverse("evaluation:round_detail", args=[county_round.pk]),
        reverse("evaluation:proposal_list"),
        reverse("evaluation:grid"),
    ]

    def counts(start, stop) -> list[int]:
        for i in range(start, stop):
            for township, village in ((township_a, village_a), (township_b, village_b)):
                member = make_reserve(township, village, name=f"后备{i}")
                make_review(county_round, member, "incompetent", status="submitted")
        confirm_reviews(county_round, township_a.pk, actor=county_officer)
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            result.append(len(ctx.captured_queries))
        return result

    client.get(urls[0])  # first-request work (session, settings rows)
    assert counts(0, 2) == counts(2, 15)


def test_whoever_entered_the_results_does_not_confirm_them(
    client, county_officer, county_round, reserve_a, township_a
):
    from talentpool.models import Role
    from tests.factories import make_user

    review = make_review(county_round, reserve_a, "excellent", status="submitted")
    Review.objects.filter(pk=review.pk).update(entered_by=county_officer)
    colleague = make_user("county2", Role.COUNTY, last_name="赵")
    client.force_login(county_officer)
    url = reverse("evaluation:round_confirm", args=[county_round.pk])

    response = client.post(url, {"township": township_a.pk, "confirmed": "1"}, follow=True)

    body = response.content.decode()
    assert "不能确认自己录入或提交的考核结果：须由县委组织部另一名工作人员确认（赵" in body
    review.refresh_from_db()
    assert (review.status, review.confirmed_by) == ("submitted", None)
    assert not Proposal.objects.exists()

    client.force_login(colleague)
    client.post(url, {"township": township_a.pk, "confirmed": "1"})
    review.refresh_from_db()
    assert (review.status, review.confirmed_by) == ("confirmed", colleague)
