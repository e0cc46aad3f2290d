"""双培养: party membership steps in order, and the registry's political status kept in step."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from pghistory.models import Events

from talentpool.models import Person
from tests.training.factories import make_reserve
from training.actions import ActionRefused, record_party_step
from training.models import PartyStep, PartyStepKind

S = PartyStepKind


@pytest.fixture
def youth(township_a, village_a):
    return make_reserve(
        township_a, village_a, name="周杰", birth_date=date(1998, 4, 2), political_status="13"
    )


def post_step(client, person, step, on, **extra):
    url = reverse("training:party_step_create", args=[person.pk])
    return client.post(url, {"step": int(step), "date": on.isoformat(), **extra})


def test_steps_are_recorded_in_order_with_the_contact_person(client, township_officer_a, youth):
    client.force_login(township_officer_a)
    response = post_step(client, youth, S.APPLICANT, date(2024, 3, 1), contact_person="王书记")
    assert response.status_code == 302
    step = PartyStep.objects.get()
    assert (step.step, step.contact_person, step.recorded_by) == (1, "王书记", township_officer_a)
    event = Events.objects.tracks(step).get()
    assert event.pgh_context["user"] == township_officer_a.pk


def test_a_step_out_of_order_is_refused_with_the_expected_next_step(
    client, township_officer_a, youth
):
    client.force_login(township_officer_a)
    post_step(client, youth, S.APPLICANT, date(2024, 3, 1))
    response = post_step(client, youth, S.CANDIDATE, date(2024, 9, 1))
    assert response.status_code == 200
    assert "发展步骤须按顺序登记：下一步应为“入党积极分子”，不能直接登记“发展对象”。" in (
        response.content.decode()
    )
    assert PartyStep.objects.count() == 1


def test_a_step_dated_before_the_previous_one_is_refused(township_officer_a, youth):
    record_party_step(youth, S.APPLICANT, date(2024, 3, 1), actor=township_officer_a)
    with pytest.raises(ActionRefused, match="日期不能早于上一步“入党申请人”的日期（2024-03-01）"):
        record_party_step(youth, S.ACTIVIST, date(2024, 2, 1), actor=township_officer_a)


def test_recording_a_step_twice_is_refused(township_officer_a, youth):
    record_party_step(youth, S.APPLICANT, date(2024, 3, 1), actor=township_officer_a)
    with pytest.raises(ActionRefused, match="已于2024-03-01登记，不能重复登记"):
        record_party_step(youth, S.APPLICANT, date(2024, 3, 1), actor=township_officer_a)


def test_becoming_probationary_then_full_member_updates_the_registry(
    client, township_officer_a, youth
):
    for step, on in [
        (S.APPLICANT, date(2023, 3, 1)),
        (S.ACTIVIST, date(2023, 9, 1)),
        (S.CANDIDATE, date(2024, 9, 1)),
    ]:
        record_party_step(youth, step, on, actor=township_officer_a)
    version = Person.objects.get(pk=youth.pk).version
    client.force_login(township_officer_a)
    response = post_step(client, youth, S.PROBATIONARY, date(2024, 12, 1))
    assert response.status_code == 302
    youth.refresh_from_db()
    assert (youth.political_status, youth.party_join_date) == ("02", date(2024, 12, 1))
    assert youth.version == version + 1  # an edit form open on the old version will notice
    update = Events.objects.tracks(youth).filter(pgh_label="update").latest("pgh_created_at")
    assert update.pgh_diff["political_status"] == ["13", "02"]
    assert update.pgh_context["action"] == "training.record_party_step"

    early = post_step(client, youth, S.FULL_MEMBER, date(2025, 11, 30))
    assert "预备期为一年：2024-12-01成为预备党员，转正日期不能早于2025-12-01。" in (
        early.content.decode()
    )
    post_step(client, youth, S.FULL_MEMBER, date(2025, 12, 1))
    youth.refresh_from_db()
    # 入党时间 stays the day of becoming a probationary member.
    assert (youth.political_status, youth.party_join_date) == ("01", date(2024, 12, 1))


def test_a_probationary_member_without_recorded_steps_can_only_become_a_full_member(
    township_officer_a, township_a
):
    person = make_reserve(
        township_a, political_status="02", party_join_date=date(2025, 1, 10), name="党员甲"
    )
    with pytest.raises(ActionRefused, match="政治面貌已是“中共预备党员”"):
        record_party_step(person, S.APPLICANT, date(2025, 3, 1), actor=township_officer_a)
    record_party_step(person, S.FULL_MEMBER, date(2026, 1, 10), actor=township_officer_a)
    person.refresh_from_db()
    assert person.political_status == "01"


def test_applicants_must_be_eighteen(township_officer_a, township_a):
    young = make_reserve(
        township_a, birth_date=date.today() - timedelta(days=17 * 365), name="少年"
    )
    with pytest.raises(ActionRefused, match="申请入党须年满十八周岁"):
        record_party_step(young, S.APPLICANT, date.today(), actor=township_officer_a)


def test_township_officer_cannot_record_steps_for_another_township(
    client, township_officer_b, youth
):
    client.force_login(township_officer_b)
    assert post_step(client, youth, S.APPLICANT, date(2024, 3, 1)).status_code == 404
    assert not PartyStep.objects.exists()
