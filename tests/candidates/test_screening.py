"""Screening against the checklist in force: automatic checks, manual ticks, the negative list."""

from datetime import date

import pytest
from django.urls import reverse

from candidates import actions
from candidates.models import CheckResult, Decision, ItemKind, Rule, Status
from tests.candidates.factories import (
    clear_manual_checks,
    last_event,
    make_candidate,
    make_nomination,
)
from tests.factories import make_person


def _check(nomination, rule):
    return nomination.checks.select_related("item").get(item__rule=rule)


def test_a_nomination_is_screened_against_the_checklist_in_force(
    township_officer_a, township_a, village_a
):
    nomination = make_nomination(
        make_candidate(township_a, village_a), village_a, actor=township_officer_a
    )
    assert nomination.checklist.version == 1
    assert nomination.checks.filter(item__kind=ItemKind.QUALIFICATION).count() == 10
    assert nomination.checks.filter(item__kind=ItemKind.NEGATIVE).count() == 10
    automatic = nomination.checks.filter(automatic=True)
    assert automatic.count() == 4
    assert set(automatic.values_list("result", flat=True)) == {CheckResult.OK}
    assert nomination.status == Status.SCREENING


def test_age_outside_the_posts_range_fails_with_the_figures(
    township_officer_a, township_a, village_a
):
    older = make_candidate(township_a, village_a, birth_date=date(1970, 1, 1))
    nomination = make_nomination(older, village_a, actor=township_officer_a, post_kind="secretary")
    check = _check(nomination, Rule.AGE)
    assert check.result == CheckResult.PROBLEM
    assert "村党组织书记要求22-45岁" in check.evidence


def test_education_below_the_minimum_fails(township_officer_a, township_a, village_a):
    person = make_candidate(township_a, village_a, education="70")
    check = _check(make_nomination(person, village_a, actor=township_officer_a), Rule.EDUCATION)
    assert check.result == CheckResult.PROBLEM
    assert check.evidence == "学历初中（要求高中及以上）"


def test_secondary_vocational_school_counts_as_high_school(
    township_officer_a, township_a, village_a
):
    person = make_candidate(township_a, village_a, education="40")
    check = _check(make_nomination(person, village_a, actor=township_officer_a), Rule.EDUCATION)
    assert check.result == CheckResult.OK


def test_party_posts_require_a_party_member_and_other_posts_do_not(
    township_officer_a, township_a, village_a
):
    masses = make_candidate(township_a, village_a, political_status="13")
    party_post = make_nomination(masses, village_a, actor=township_officer_a, post_kind="secretary")
    other_post = make_nomination(masses, village_a, actor=township_officer_a, post_kind="director")
    assert _check(party_post, Rule.PARTY).result == CheckResult.PROBLEM
    assert "须为中共党员" in _check(party_post, Rule.PARTY).evidence
    assert _check(other_post, Rule.PARTY).result == CheckResult.OK


def test_someone_from_another_township_fails_the_residence_check(
    county_officer, township_a, township_b, village_a
):
    outsider = make_candidate(township_b, name="外乡人")
    check = _check(make_nomination(outsider, village_a, actor=county_officer), Rule.RESIDENCE)
    assert check.result == CheckResult.PROBLEM
    assert "任家镇" in check.evidence


def test_screening_cannot_pass_while_manual_checks_are_open(
    township_officer_a, township_a, village_a
):
    nomination = make_nomination(
        make_candidate(township_a, village_a), village_a, actor=township_officer_a
    )
    with pytest.raises(actions.ActionRefused, match="尚未核查：资格条件1"):
        actions.decide(nomination, Decision.PASS, actor=township_officer_a, expected_version=1)


def test_screening_cannot_pass_when_an_automatic_check_fails(
    township_officer_a, township_a, village_a
):
    nomination = make_nomination(
        make_candidate(township_a, village_a, education="80"), village_a, actor=township_officer_a
    )
    clear_manual_checks(nomination, township_officer_a)
    with pytest.raises(actions.ActionRefused, match="资格条件不符合：4. 文化程度"):
        actions.decide(nomination, Decision.PASS, actor=township_officer_a, expected_version=1)


def test_automatic_checks_are_decided_again_from_the_corrected_registry(
    township_officer_a, township_a, village_a
):
    person = make_candidate(township_a, village_a, education="80")
    nomination = make_nomination(person, village_a, actor=township_officer_a)
    clear_manual_checks(nomination, township_officer_a)
    person.education = "20"
    person.save()
    actions.decide(nomination, Decision.PASS, actor=township_officer_a, expected_version=1)
    assert nomination.status == Status.VILLAGE
    assert _check(nomination, Rule.EDUCATION).result == CheckResult.OK


def _screening_post(client, nomination, **changes):
    data = {}
    for check in nomination.checks.filter(automatic=False):
        data[f"result_{check.pk}"] = check.result
        data[f"evidence_{check.pk}"] = check.evidence
    data.update(changes)
    return client.post(reverse("candidates:screening", args=[nomination.pk]), data, follow=True)


def test_a_negative_list_hit_stops_the_nomination_naming_the_item(
    client, township_officer_a, township_a, village_a
):
    nomination = make_nomination(
        make_candidate(township_a, village_a), village_a, actor=township_officer_a
    )
    check = nomination.checks.get(item__kind=ItemKind.NEGATIVE, item__number=4)
    client.force_login(township_officer_a)

    response = _screening_post(
        client,
        nomination,
        **{
            f"result_{check.pk}": "problem",
            f"evidence_{check.pk}": "经查询信用中国，列为失信被执行人",
        },
    )

    assert "推荐已终止：命中负面清单第4条：被列为失信被执行人的" in response.content.decode()
    nomination.refresh_from_db()
    check.refresh_from_db()
    assert nomination.status == Status.DISQUALIFIED
    assert check.result == CheckResult.PROBLEM and check.checked_by == township_officer_a
    event = last_event(nomination)
    assert event.decision == Decision.DISQUALIFY
    assert "被列为失信被执行人的" in event.note
    assert check.events.filter(pgh_label="update", result="problem").exists()


def test_all_manual_checks_are_ticked_in_one_form_with_a_common_note(
    client, township_officer_a, township_a, village_a
):
    nomination = make_nomination(
        make_candidate(township_a, village_a), village_a, actor=township_officer_a
    )
    manual = list(nomination.checks.filter(automatic=False))
    client.force_login(township_officer_a)

    _screening_post(
        client,
        nomination,
        common_evidence="经村党组织和派出所核查",
        **{f"result_{c.pk}": "ok" for c in manual},
    )

    results = set(nomination.checks.filter(automatic=False).values_list("result", "evidence"))
    assert results == {("ok", "经村党组织和派出所核查")}
    assert len(manual) == 16


def test_a_manual_check_needs_evidence(client, township_officer_a, township_a, village_a):
    nomination = make_nomination(
        make_candidate(township_a, village_a), village_a, actor=township_officer_a
    )
    check = nomination.checks.filter(automatic=False).first()
    client.force_login(township_officer_a)
    response = _screening_post(client, nomination, **{f"result_{check.pk}": "ok"})
    assert response.status_code == 400
    assert "请填写核查依据" in response.content.decode()
    check.refresh_from_db()
    assert check.result == CheckResult.PENDING


def test_automatic_checks_cannot_be_overridden_by_hand(township_officer_a, township_a, village_a):
    nomination = make_nomination(
        make_candidate(township_a, village_a), village_a, actor=township_officer_a
    )
    with pytest.raises(actions.ActionRefused, match="由系统根据人才信息库数据判定"):
        actions.record_check(
            _check(nomination, Rule.AGE), result="problem", evidence="x", actor=township_officer_a
        )


def test_ticking_the_same_result_again_changes_nothing(township_officer_a, township_a, village_a):
    nomination = make_nomination(
        make_candidate(township_a, village_a), village_a, actor=township_officer_a
    )
    check = nomination.checks.filter(automatic=False).first()
    actions.record_check(check, result="ok", evidence="符合", actor=township_officer_a)
    before = check.events.count()
    actions.record_check(check, result="ok", evidence="符合", actor=township_officer_a)
    assert check.events.count() == before


def test_township_b_cannot_tick_township_as_checks(
    client, township_officer_a, township_officer_b, township_a, village_a
):
    nomination = make_nomination(
        make_candidate(township_a, village_a), village_a, actor=township_officer_a
    )
    check = nomination.checks.filter(automatic=False).first()
    client.force_login(township_officer_b)
    response = client.post(
        reverse("candidates:screening", args=[nomination.pk]),
        {f"result_{check.pk}": "ok", f"evidence_{check.pk}": "符合"},
    )
    assert response.status_code == 404


def test_the_county_stage_is_for_the_county_to_screen(
    client, township_officer_a, township_a, village_a
):
    from tests.candidates.factories import put_at

    nomination = put_at(
        make_nomination(make_candidate(township_a, village_a), village_a, actor=township_officer_a),
        Status.COUNTY,
    )
    with pytest.raises(actions.ActionRefused, match="县级联审阶段由县委组织部核查"):
        actions.record_check(
            nomination.checks.filter(automatic=False).first(),
            result="ok",
            evidence="x",
            actor=township_officer_a,
        )


def test_a_person_without_education_on_record_is_told_to_complete_it(
    township_officer_a, township_a, village_a
):
    person = make_person(township_a, village_a, name="无学历", political_status="01")
    check = _check(make_nomination(person, village_a, actor=township_officer_a), Rule.EDUCATION)
    assert check.result == CheckResult.PROBLEM
    assert "未登记学历" in check.evidence


def test_county_publishes_a_new_version_and_old_nominations_keep_theirs(
    client, county_officer, township_officer_a, township_a, village_a
):
    from candidates.models import Checklist

    earlier = make_nomination(
        make_candidate(township_a, village_a), village_a, actor=township_officer_a
    )
    client.force_login(county_officer)
    form = client.get(reverse("candidates:checklist_new")).content.decode()
    assert "被列为失信被执行人的" in form
    data = {
        "title": "2026年新版清单",
        "effective_from": "2026-01-01",
        "qualifications": "坚决拥护党的领导\n热心服务群众",
        "negatives": "受过刑事处罚的\n\n被列为失信被执行人的",
    }
    for kind in (
        "secretary",
        "deputy_secretary",
        "party_member",
        "director",
        "deputy_director",
        "committee_member",
    ):
        data.update({f"{kind}_min_age": 18, f"{kind}_max_age": 40, f"{kind}_min_education": "30"})

    response = client.post(reverse("candidates:checklist_new"), data)

    assert response.status_code == 302
    current = Checklist.objects.in_force()
    assert (current.version, current.title) == (2, "2026年新版清单")
    assert current.items.filter(kind="qualification").count() == 6  # 4 automatic + 2
    assert list(current.items.filter(kind="negative").values_list("text", flat=True)) == [
        "受过刑事处罚的",
        "被列为失信被执行人的",
    ]
    later = make_nomination(
        make_candidate(township_a, village_a, name="新人"), village_a, actor=township_officer_a
    )
    assert later.checklist == current and later.checks.count() == 8
    assert _check(later, Rule.EDUCATION).evidence == "学历大专（要求大专及以上）"
    earlier.refresh_from_db()
    assert earlier.checklist.version == 1 and earlier.checks.count() == 20


def test_only_the_county_publishes_checklists(client, township_officer_a):
    client.force_login(township_officer_a)
    assert client.post(reverse("candidates:checklist_new"), {"title": "x"}).status_code == 403


def test_all_ok_ticks_the_open_checks_and_keeps_the_exceptions_marked_one_by_one(
    client, township_officer_a, township_a, village_a
):
    nomination = make_nomination(
        make_candidate(township_a, village_a), village_a, actor=township_officer_a
    )
    manual = list(nomination.checks.filter(automatic=False).select_related("item"))
    exception = next(c for c in manual if c.item.kind == ItemKind.QUALIFICATION)
    client.force_login(township_officer_a)

    marks = {f"result_{c.pk}": "pending" for c in manual}
    marks.update({f"result_{exception.pk}": "problem", f"evidence_{exception.pk}": "常年在外"})
    _screening_post(client, nomination, common_evidence="经村党组织核查", all_ok="1", **marks)

    results = dict(nomination.checks.filter(automatic=False).values_list("pk", "result"))
    assert results.pop(exception.pk) == "problem"
    assert set(results.values()) == {"ok"} and len(results) == 15
    assert last_event(nomination).actor == township_officer_a


def test_all_ok_without_a_common_note_asks_for_it_beside_the_field(
    client, township_officer_a, township_a, village_a
):
    nomination = make_nomination(
        make_candidate(township_a, village_a), village_a, actor=township_officer_a
    )
    manual = list(nomination.checks.filter(automatic=False))
    client.force_login(township_officer_a)
    response = _screening_post(
        client, nomination, all_ok="1", **{f"result_{c.pk}": "pending" for c in manual}
    )
    assert response.status_code == 400
    assert "选择“全部符合”时，请填写共同核查依据" in response.content.decode()
    assert set(nomination.checks.filter(automatic=False).values_list("result", flat=True)) == {
        "pending"
    }


def test_passing_an_unfinished_screening_marks_each_open_check_beside_it(
    client, township_officer_a, township_a, village_a
):
    nomination = make_nomination(
        make_candidate(township_a, village_a), village_a, actor=township_officer_a
    )
    client.force_login(township_officer_a)
    response = client.post(
        reverse("candidates:decide", args=[nomination.pk]),
        {"version": nomination.version, "decision": "pass", "decided_on": "2026-05-01"},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert "还有16项须处理，已在资格审查清单中逐项标出" in body
    assert body.count("尚未核查：请选择结果并填写核查依据") == 16
    assert "尚未核查：资格条件" not in body  # no wall of text
    # the decision sits after the checklist it depends on
    assert body.index('id="checks"') < body.index('id="decision"')
    nomination.refresh_from_db()
    assert nomination.status == Status.SCREENING
