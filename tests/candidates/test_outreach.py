"""Outreach to returnees: events with attendees, visits, follow-ups, prospects, homecomings."""

from datetime import date

from django.urls import reverse

from candidates.models import Homecoming, OutreachContact, OutreachEvent
from talentpool.models import Person
from tests.factories import make_person


def _event(township, officer, **fields):
    fields.setdefault("kind", "returnee")
    fields.setdefault("held_on", date(2026, 2, 10))
    return OutreachEvent.objects.create(township=township, created_by=officer, **fields)


def test_township_officer_records_a_symposium_for_their_township(
    client, township_officer_a, township_a, township_b
):
    client.force_login(township_officer_a)
    response = client.post(
        reverse("candidates:outreach_event_create"),
        {
            "township": township_b.pk,
            "kind": "returnee",
            "occasion": "spring",
            "held_on": "2026-02-12",
            "policy_list_given": "on",
            "offered": "发放返乡创业优惠政策清单",
        },
    )
    event = OutreachEvent.objects.get()
    assert response.status_code == 302 and response.url == event.get_absolute_url()
    assert event.township == township_a  # the field is fixed to the officer's township
    assert event.policy_list_given and event.created_by == township_officer_a


def test_attendees_come_from_the_registry_with_their_response(
    client, township_officer_a, township_a, village_a
):
    event = _event(township_a, township_officer_a)
    person = make_person(township_a, village_a, name="返乡青年")
    client.force_login(township_officer_a)
    url = reverse("candidates:outreach_event", args=[event.pk])
    assert "已选择：返乡青年" in client.get(url, {"person": person.pk}).content.decode()

    response = client.post(
        url, {"person": person.pk, "response": "serve", "follow_up_on": "2026-03-01"}
    )

    assert response.status_code == 302
    contact = OutreachContact.objects.get()
    assert (contact.event, contact.kind, contact.response) == (event, "event", "serve")
    assert contact.contacted_on == event.held_on
    again = client.post(url, {"person": person.pk, "response": "serve"})
    assert "已在参会名单中" in again.content.decode()
    assert OutreachContact.objects.count() == 1


def test_another_townships_person_cannot_attend(client, township_officer_a, township_a, township_b):
    event = _event(township_a, township_officer_a)
    outsider = make_person(township_b, name="外乡人")
    client.force_login(township_officer_a)
    response = client.post(
        reverse("candidates:outreach_event", args=[event.pk]), {"person": outsider.pk}
    )
    assert "不在您的管辖范围内" in response.content.decode()
    assert not OutreachContact.objects.exists()


def test_a_home_visit_with_a_follow_up_shows_when_due(
    client, township_officer_a, township_a, village_a
):
    person = make_person(township_a, village_a, name="在外老板")
    client.force_login(township_officer_a)
    response = client.post(
        reverse("candidates:contact_create"),
        {
            "person": person.pk,
            "kind": "home",
            "contacted_on": "2026-01-20",
            "response": "considering",
            "follow_up_on": "2026-02-01",
        },
    )
    assert response.status_code == 302
    assert "在外老板" in client.get(reverse("candidates:outreach")).content.decode()


def test_prospects_are_promising_out_migrants_not_yet_contacted(
    client, township_officer_a, township_a, village_a
):
    make_person(township_a, village_a, name="大学生", education="20", birth_date=date(1998, 1, 1))
    make_person(
        township_a, village_a, name="党员", political_status="01", birth_date=date(1990, 1, 1)
    )
    make_person(township_a, village_a, name="太年长", education="20", birth_date=date(1970, 1, 1))
    make_person(township_a, village_a, name="不愿回", education="20", return_intention="unwilling")
    make_person(township_a, village_a, name="已返乡", education="20", residence="returned")
    contacted = make_person(township_a, village_a, name="曾联系者", education="20")
    OutreachContact.objects.create(
        township=township_a,
        person=contacted,
        kind="phone",
        contacted_on=date(2026, 1, 5),
        created_by=township_officer_a,
    )
    client.force_login(township_officer_a)
    body = client.get(reverse("candidates:prospects")).content.decode()
    for name, shown in [
        ("大学生", True),
        ("党员", True),
        ("太年长", False),
        ("不愿回", False),
        ("已返乡", False),
        ("曾联系者", False),
    ]:
        assert (name in body) == shown, name


def test_recording_a_homecoming_marks_the_person_returned(
    client, township_officer_a, township_a, village_a
):
    person = make_person(township_a, village_a, name="回乡人", residence="away")
    client.force_login(township_officer_a)
    response = client.post(
        reverse("candidates:homecoming", args=[person.pk]),
        {"returned_on": "2026-03-01", "plan": "创业"},
    )
    assert response.status_code == 302
    person = Person.objects.get(pk=person.pk)
    assert person.residence == "returned" and person.version == 2
    assert Homecoming.objects.get().returned_on == date(2026, 3, 1)
    assert person.events.filter(pgh_label="update", residence="returned").exists()


def test_county_sees_outreach_per_township(
    client, county_officer, township_officer_a, township_a, township_b, village_a
):
    event = _event(township_a, township_officer_a)
    person = make_person(township_a, village_a)
    OutreachContact.objects.create(
        township=township_a,
        person=person,
        event=event,
        kind="event",
        contacted_on=event.held_on,
        response="return",
        created_by=township_officer_a,
    )
    client.force_login(county_officer)
    rows = {
        t.name: rest
        for t, *rest in client.get(reverse("candidates:outreach")).context["per_township"]
    }
    assert rows["忠州街道"] == [1, 1, 1, 0]
    assert rows["任家镇"] == [0, 0, 0, 0]
