"""Reviews move draft -> submitted -> confirmed, and confirmation proposes the pool's response."""

from datetime import date

import pytest
from pghistory.models import Events

from evaluation.actions import (
    ReviewEntry,
    StaleReview,
    accept_proposal,
    confirm_reviews,
    dismiss_proposal,
    return_reviews,
    save_review_draft,
    submit_reviews,
)
from evaluation.models import Proposal, Review
from tests.evaluation.factories import make_reserve, make_review, make_round

SCORES = {"political": 90, "ability": 85, "style": 80, "reputation": 75}


def entry(conclusion="competent", **scores) -> ReviewEntry:
    return ReviewEntry({**SCORES, **scores}, conclusion, "镇考核组", "完成产业项目")


def review_of(round, membership, conclusion, officer, county_officer) -> Review:
    review = save_review_draft(round, membership, entry(conclusion), actor=officer)
    submit_reviews(round, membership.village.township_id, actor=officer)
    confirm_reviews(round, membership.village.township_id, actor=county_officer)
    review.refresh_from_db()
    return review


def test_a_draft_keeps_the_scores_and_their_mean(county_round, reserve_a, township_officer_a):
    review = save_review_draft(county_round, reserve_a, entry(), actor=township_officer_a)
    review.refresh_from_db()
    assert review.status == "draft"
    assert review.scores == SCORES
    assert str(review.score) == "82.5"
    assert review.person_id == reserve_a.person_id
    assert review.township_id == reserve_a.village.township_id
    event = Events.objects.tracks(review).get()
    assert event.pgh_label == "insert"
    assert event.pgh_context["action"] == "evaluation.save_review_draft"
    assert event.pgh_context["actor"] == township_officer_a.pk


def test_saving_over_someone_elses_change_is_refused(county_round, reserve_a, township_officer_a):
    review = save_review_draft(county_round, reserve_a, entry(), actor=township_officer_a)
    save_review_draft(
        county_round,
        reserve_a,
        entry("excellent"),
        actor=township_officer_a,
        expected_version=review.version,
    )
    with pytest.raises(StaleReview):
        save_review_draft(
            county_round,
            reserve_a,
            entry("basic"),
            actor=township_officer_a,
            expected_version=review.version,
        )
    review.refresh_from_db()
    assert review.conclusion == "excellent"


def test_saving_unchanged_values_writes_nothing(county_round, reserve_a, township_officer_a):
    review = save_review_draft(county_round, reserve_a, entry(), actor=township_officer_a)
    again = save_review_draft(county_round, reserve_a, entry(), actor=township_officer_a)
    assert again.version == review.version
    assert Events.objects.tracks(review).count() == 1


def test_only_complete_drafts_are_submitted(
    county_round, reserve_a, township_a, village_a, township_officer_a
):
    other = make_reserve(township_a, village_a, name="赵强")
    save_review_draft(county_round, reserve_a, entry(), actor=township_officer_a)
    save_review_draft(county_round, other, entry(reputation=None), actor=township_officer_a)
    result = submit_reviews(county_round, township_a.pk, actor=township_officer_a)
    assert (result.submitted, result.incomplete) == (1, ["赵强"])
    statuses = dict(Review.objects.values_list("membership__person__name", "status"))
    assert statuses == {"李明": "submitted", "赵强": "draft"}
    again = submit_reviews(county_round, township_a.pk, actor=township_officer_a)
    assert again.submitted == 0


def test_submitted_reviews_cannot_be_edited(county_round, reserve_a, township_officer_a):
    from evaluation.actions import ActionRefused

    save_review_draft(county_round, reserve_a, entry(), actor=township_officer_a)
    submit_reviews(county_round, reserve_a.village.township_id, actor=township_officer_a)
    with pytest.raises(ActionRefused, match="已提交"):
        save_review_draft(county_round, reserve_a, entry("excellent"), actor=township_officer_a)


def test_returned_reviews_are_drafts_again_with_the_note(
    county_round, reserve_a, township_a, township_officer_a, county_officer
):
    save_review_draft(county_round, reserve_a, entry("excellent"), actor=township_officer_a)
    submit_reviews(county_round, township_a.pk, actor=township_officer_a)
    assert return_reviews(county_round, township_a.pk, "优秀比例过高", actor=county_officer) == 1
    review = Review.objects.get()
    assert (review.status, review.return_note) == ("draft", "优秀比例过高")
    assert return_reviews(county_round, township_a.pk, "again", actor=county_officer) == 0


def test_incompetent_proposes_moving_the_person_out(
    county_round, reserve_a, township_officer_a, county_officer
):
    review = review_of(county_round, reserve_a, "incompetent", township_officer_a, county_officer)
    assert review.status == "confirmed"
    assert review.confirmed_by == county_officer
    proposal = Proposal.objects.get()
    assert (proposal.kind, proposal.status, proposal.membership_id) == (
        "remove",
        "open",
        reserve_a.pk,
    )
    assert "不称职" in proposal.reason
    # Nothing happens to the pool until the county accepts.
    reserve_a.refresh_from_db()
    assert reserve_a.left_on is None
    update = Events.objects.tracks(review).filter(pgh_label="update").last()
    assert update.pgh_context["action"] == "evaluation.confirm_reviews"


def test_confirming_twice_changes_nothing(
    county_round, reserve_a, township_a, township_officer_a, county_officer
):
    review = review_of(county_round, reserve_a, "incompetent", township_officer_a, county_officer)
    events = Events.objects.tracks(review).count()
    result = confirm_reviews(county_round, township_a.pk, actor=county_officer)
    assert result.confirmed == 0
    assert Proposal.objects.count() == 1
    assert Events.objects.tracks(review).count() == events


def test_basic_twice_in_a_row_proposes_removal(reserve_a, township_officer_a, county_officer):
    last_year = make_round("2025年度", starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31))
    make_review(last_year, reserve_a, "basic")
    this_year = make_round("2026年度")
    review_of(this_year, reserve_a, "basic", township_officer_a, county_officer)
    proposal = Proposal.objects.get()
    assert proposal.kind == "remove"
    assert "连续两次" in proposal.reason


def test_basic_twice_proposes_nothing_when_the_round_says_so(
    reserve_a, township_officer_a, county_officer
):
    last_year = make_round("2025年度", starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31))
    make_review(last_year, reserve_a, "basic")
    this_year = make_round("2026年度", remove_after_two_basic=False)
    review_of(this_year, reserve_a, "basic", township_officer_a, county_officer)
    assert not Proposal.objects.exists()


def test_basic_after_competent_proposes_nothing(reserve_a, township_officer_a, county_officer):
    last_year = make_round("2025年度", starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31))
    make_review(last_year, reserve_a, "competent")
    review_of(make_round("2026年度"), reserve_a, "basic", township_officer_a, county_officer)
    assert not Proposal.objects.exists()


def test_excellent_flags_for_promotion_and_acceptance_makes_them_ready_now(
    county_round, reserve_a, township_officer_a, county_officer
):
    review_of(county_round, reserve_a, "excellent", township_officer_a, county_officer)
    proposal = Proposal.objects.get()
    assert (proposal.kind, proposal.status) == ("promote", "open")
    assert accept_proposal(proposal, actor=county_officer) is True
    reserve_a.refresh_from_db()
    proposal.refresh_from_db()
    assert reserve_a.readiness == "now"
    assert reserve_a.left_on is None
    assert proposal.status == "accepted"


def test_accepting_a_removal_closes_the_membership_as_unfit(
    county_round, reserve_a, township_officer_a, county_officer
):
    review_of(county_round, reserve_a, "incompetent", township_officer_a, county_officer)
    proposal = Proposal.objects.get()
    assert accept_proposal(proposal, actor=county_officer, on=date(2026, 12, 20)) is True
    reserve_a.refresh_from_db()
    proposal.refresh_from_db()
    assert (reserve_a.left_on, reserve_a.leave_reason) == (date(2026, 12, 20), "unfit")
    assert "不称职" in reserve_a.leave_note
    assert (proposal.status, proposal.decided_by) == ("accepted", county_officer)
    event = Events.objects.tracks(reserve_a).filter(pgh_label="update").last()
    assert event.pgh_context["action"] == "evaluation.accept_proposal"
    assert accept_proposal(proposal, actor=county_officer) is False


def test_a_dismissed_proposal_leaves_the_pool_alone(
    county_round, reserve_a, township_officer_a, county_officer
):
    review_of(county_round, reserve_a, "incompetent", township_officer_a, county_officer)
    proposal = Proposal.objects.get()
    assert dismiss_proposal(proposal, actor=county_officer, note="已整改") is True
    assert dismiss_proposal(proposal, actor=county_officer, note="again") is False
    proposal.refresh_from_db()
    reserve_a.refresh_from_db()
    assert (proposal.status, proposal.decision_note) == ("dismissed", "已整改")
    assert reserve_a.left_on is None
