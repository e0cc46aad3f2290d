"""The nomination state machine: every allowed transition, the refused ones, repeats and races."""

from datetime import date

import pytest
from django.utils import timezone

from candidates import actions
from candidates.models import (
    TRANSITIONS,
    Consultation,
    Decision,
    Nomination,
    ReviewEvent,
    Status,
)
from tests.candidates.factories import (
    clear_manual_checks,
    last_event,
    make_candidate,
    make_nomination,
    put_at,
)

VIEWS = {"party_member_views": "党员一致认可", "villager_views": "群众评价好"}


@pytest.fixture
def nomination(township_officer_a, township_a, village_a):
    return make_nomination(
        make_candidate(township_a, village_a), village_a, actor=township_officer_a
    )


def _consulted(nomination, actor, answer="clear"):
    Consultation.objects.create(
        nomination=nomination,
        department="police",
        asked_on=date(2026, 5, 1),
        answer=answer,
        answered_on=date(2026, 5, 8),
        note="" if answer == "clear" else "有治安处罚记录",
        recorded_by=actor,
    )


def _actor_for(status, decision, personas, colleague_a):
    if status == Status.COUNTY or decision == Decision.ENTER_POOL:
        return personas["county"]
    if status == Status.TOWNSHIP:
        return colleague_a  # not the officer who entered it
    return personas["township_a"]


FORM_TRANSITIONS = sorted(
    (s, d) for (s, d) in TRANSITIONS if d not in (Decision.DISQUALIFY, Decision.ENTER_POOL)
)


@pytest.mark.parametrize(("status", "decision"), FORM_TRANSITIONS)
def test_every_allowed_transition_moves_the_nomination_and_writes_its_event(
    nomination, personas, colleague_a, status, decision
):
    clear_manual_checks(nomination, personas["township_a"])
    put_at(nomination, status)
    if status == Status.COUNTY:
        _consulted(nomination, personas["county"])
    actor = _actor_for(status, decision, personas, colleague_a)

    event = actions.decide(
        nomination,
        decision,
        actor=actor,
        expected_version=nomination.version,
        note="理由充分",
        **(VIEWS if status == Status.VILLAGE else {}),
    )

    nomination.refresh_from_db()
    assert nomination.status == TRANSITIONS[(status, decision)]
    assert event == last_event(nomination)
    assert (event.from_status, event.to_status, event.decision) == (
        status,
        nomination.status,
        decision,
    )
    assert event.actor == actor
    assert event.version == nomination.version
    # the row-level audit trail has the change as well
    assert nomination.events.filter(pgh_label="update", status=nomination.status).exists()


@pytest.mark.parametrize(
    "status",
    [Status.APPROVED, Status.POOLED, Status.REJECTED, Status.DISQUALIFIED, Status.WITHDRAWN],
)
def test_no_review_decision_is_taken_once_the_review_is_over(nomination, county_officer, status):
    put_at(nomination, status)
    for decision in (Decision.PASS, Decision.SEND_BACK, Decision.REJECT):
        with pytest.raises(actions.ActionRefused, match="当前环节"):
            actions.decide(nomination, decision, actor=county_officer, expected_version=1, note="x")
    assert Nomination.objects.get(pk=nomination.pk).status == status


def test_withdrawing_is_not_possible_at_the_county_stage(nomination, county_officer):
    put_at(nomination, Status.COUNTY)
    with pytest.raises(actions.ActionRefused, match="不能执行“撤回”"):
        actions.decide(
            nomination, Decision.WITHDRAW, actor=county_officer, expected_version=1, note="撤回"
        )


def test_township_officer_cannot_decide_at_the_county_stage(nomination, colleague_a):
    put_at(nomination, Status.COUNTY)
    with pytest.raises(actions.ActionRefused, match="县级联审由县委组织部办理"):
        actions.decide(nomination, Decision.PASS, actor=colleague_a, expected_version=1)


def test_county_officer_does_not_take_the_township_preliminary_review(nomination, county_officer):
    put_at(nomination, Status.TOWNSHIP)
    with pytest.raises(actions.ActionRefused, match="乡镇初审由乡镇"):
        actions.decide(nomination, Decision.PASS, actor=county_officer, expected_version=1)


def test_other_townships_officer_cannot_decide(nomination, township_officer_b):
    put_at(nomination, Status.TOWNSHIP)
    with pytest.raises(actions.ActionRefused, match="只能处理本乡镇"):
        actions.decide(nomination, Decision.PASS, actor=township_officer_b, expected_version=1)


@pytest.mark.parametrize("role", ["leader", "mentor", "auditor"])
def test_readers_and_other_roles_cannot_decide(nomination, personas, role):
    with pytest.raises(actions.ActionRefused):
        actions.decide(nomination, Decision.WITHDRAW, actor=personas[role], expected_version=1)


def test_nobody_approves_a_nomination_they_entered(nomination, township_officer_a):
    put_at(nomination, Status.TOWNSHIP)
    with pytest.raises(actions.ActionRefused, match="不能审批自己录入的推荐"):
        actions.decide(nomination, Decision.PASS, actor=township_officer_a, expected_version=1)
    assert ReviewEvent.objects.filter(nomination=nomination).count() == 1  # only the submission


def test_county_officer_cannot_approve_a_nomination_they_entered(
    county_officer, township_a, village_a
):
    nomination = make_nomination(
        make_candidate(township_a, village_a), village_a, actor=county_officer
    )
    put_at(nomination, Status.COUNTY)
    _consulted(nomination, county_officer)
    with pytest.raises(actions.ActionRefused, match="不能审批自己录入的推荐"):
        actions.decide(nomination, Decision.PASS, actor=county_officer, expected_version=1)


def test_sending_back_or_rejecting_needs_a_reason(nomination, colleague_a):
    put_at(nomination, Status.TOWNSHIP)
    for decision in (Decision.SEND_BACK, Decision.REJECT):
        with pytest.raises(actions.ActionRefused, match="请填写理由"):
            actions.decide(nomination, decision, actor=colleague_a, expected_version=1, note=" ")


def test_village_stage_passes_only_with_party_members_and_villagers_views(
    nomination, township_officer_a
):
    put_at(nomination, Status.VILLAGE)
    with pytest.raises(actions.ActionRefused, match="党员意见和群众意见"):
        actions.decide(
            nomination,
            Decision.PASS,
            actor=township_officer_a,
            expected_version=1,
            party_member_views="认可",
        )
    event = actions.decide(
        nomination,
        Decision.PASS,
        actor=township_officer_a,
        expected_version=1,
        party_members_heard=23,
        villagers_heard=41,
        **VIEWS,
    )
    assert (event.party_members_heard, event.villagers_heard) == (23, 41)
    assert event.villager_views == "群众评价好"


def test_county_stage_passes_only_when_every_department_answered_clear(nomination, county_officer):
    put_at(nomination, Status.COUNTY)
    with pytest.raises(actions.ActionRefused, match="至少征求一个部门"):
        actions.decide(nomination, Decision.PASS, actor=county_officer, expected_version=1)
    _consulted(nomination, county_officer, answer="issue")
    with pytest.raises(actions.ActionRefused, match="公安反馈有问题"):
        actions.decide(nomination, Decision.PASS, actor=county_officer, expected_version=1)
    Consultation.objects.filter(nomination=nomination).update(answer="pending", answered_on=None)
    with pytest.raises(actions.ActionRefused, match="尚未回复"):
        actions.decide(nomination, Decision.PASS, actor=county_officer, expected_version=1)


def test_repeating_a_decision_changes_nothing(nomination, colleague_a):
    put_at(nomination, Status.TOWNSHIP)
    first = actions.decide(nomination, Decision.PASS, actor=colleague_a, expected_version=1)
    again = actions.decide(nomination, Decision.PASS, actor=colleague_a, expected_version=1)
    assert first is not None and again is None
    nomination.refresh_from_db()
    assert (nomination.status, nomination.version) == (Status.COUNTY, 2)
    assert nomination.review_events.filter(decision=Decision.PASS).count() == 1


def test_of_two_reviewers_acting_at_once_exactly_one_succeeds(nomination, colleague_a, township_a):
    from talentpool.models import Role
    from tests.factories import make_user

    third = make_user("officer_a3", Role.TOWNSHIP, township=township_a, last_name="吴")
    put_at(nomination, Status.TOWNSHIP)
    seen_version = nomination.version  # both opened the page at this version

    actions.decide(nomination, Decision.PASS, actor=colleague_a, expected_version=seen_version)
    with pytest.raises(actions.Conflict) as refused:
        actions.decide(
            nomination, Decision.REJECT, actor=third, expected_version=seen_version, note="不同意"
        )

    assert "已由周" in refused.value.message and "您的操作未保存" in refused.value.message
    nomination.refresh_from_db()
    assert nomination.status == Status.COUNTY
    assert not nomination.review_events.filter(actor=third).exists()


def test_the_compare_and_set_refuses_a_stale_status_even_without_the_lock(nomination, colleague_a):
    put_at(nomination, Status.TOWNSHIP)
    stale = Nomination.objects.get(pk=nomination.pk)
    Nomination.objects.filter(pk=nomination.pk).update(version=5)
    with pytest.raises(actions.Conflict):
        actions._transition(stale, Decision.PASS, actor=colleague_a)
    assert Nomination.objects.get(pk=nomination.pk).status == Status.TOWNSHIP


def test_the_whole_way_from_recommendation_to_the_pool(
    township_officer_a, colleague_a, county_officer, county_colleague, township_a, village_a
):
    nomination = make_nomination(
        make_candidate(township_a, village_a), village_a, actor=township_officer_a
    )
    clear_manual_checks(nomination, township_officer_a)
    actions.decide(
        nomination, Decision.PASS, actor=township_officer_a, expected_version=nomination.version
    )
    actions.decide(
        nomination,
        Decision.PASS,
        actor=township_officer_a,
        expected_version=nomination.version,
        **VIEWS,
    )
    actions.decide(
        nomination, Decision.PASS, actor=colleague_a, expected_version=nomination.version
    )
    _consulted(nomination, county_officer)
    actions.decide(
        nomination, Decision.PASS, actor=county_colleague, expected_version=nomination.version
    )
    membership = actions.enter_pool(
        nomination,
        actor=county_officer,
        expected_version=nomination.version,
        category="member",
        level="township",
        readiness="soon",
        posts=[],
        entered_on=timezone.localdate(),
    )
    nomination.refresh_from_db()
    assert nomination.status == Status.POOLED
    assert membership.nomination == nomination and membership.is_active
    decisions = list(nomination.review_events.order_by("pk").values_list("decision", flat=True))
    assert decisions == ["submit", "pass", "pass", "pass", "pass", "enter_pool"]
