"""The county decides on what the reviews propose."""

from django.urls import reverse

from evaluation.models import Proposal
from tests.evaluation.factories import make_review


def make_proposal(round, membership, kind="remove"):
    review = make_review(round, membership, "incompetent" if kind == "remove" else "excellent")
    return Proposal.objects.create(
        kind=kind,
        review=review,
        membership=membership,
        person=membership.person,
        township_id=review.township_id,
        reason="2026年度考核不称职",
    )


def test_county_officer_accepts_a_removal_on_the_list(
    client, county_officer, county_round, reserve_a
):
    proposal = make_proposal(county_round, reserve_a)
    client.force_login(county_officer)
    body = client.get(reverse("evaluation:proposal_list")).content.decode()
    assert "采纳：调整出库" in body
    response = client.post(reverse("evaluation:proposal_accept", args=[proposal.pk]), follow=True)
    assert "已将李明调整出库" in response.content.decode()
    reserve_a.refresh_from_db()
    assert reserve_a.leave_reason == "unfit"


def test_township_and_leader_cannot_decide(
    client, township_officer_a, leader, county_round, reserve_a
):
    proposal = make_proposal(county_round, reserve_a)
    for user in (township_officer_a, leader):
        client.force_login(user)
        assert (
            client.post(reverse("evaluation:proposal_accept", args=[proposal.pk])).status_code
            == 403
        )
        assert (
            client.post(
                reverse("evaluation:proposal_dismiss", args=[proposal.pk]), {"note": "x"}
            ).status_code
            == 403
        )
    proposal.refresh_from_db()
    assert proposal.status == "open"


def test_township_officer_sees_only_their_townships_proposals(
    client, township_officer_a, county_round, reserve_a, reserve_b
):
    make_proposal(county_round, reserve_a)
    make_proposal(county_round, reserve_b)
    client.force_login(township_officer_a)
    body = client.get(reverse("evaluation:proposal_list")).content.decode()
    assert "李明" in body and "王芳" not in body


def test_dismissing_needs_a_reason(client, county_officer, county_round, reserve_a):
    proposal = make_proposal(county_round, reserve_a)
    client.force_login(county_officer)
    url = reverse("evaluation:proposal_dismiss", args=[proposal.pk])
    assert "不予采纳须填写处理意见" in client.post(url, {"note": " "}, follow=True).content.decode()
    client.post(url, {"note": "已整改到位"})
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decision_note) == ("dismissed", "已整改到位")
