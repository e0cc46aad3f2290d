"""The audit trail catches every write path: a form, bulk_create, update() and raw SQL."""

import pytest
from django.db import connection
from django.urls import reverse
from pghistory.models import Events

from talentpool.models import Person
from tests.factories import grant_personal_data, make_person


def person_events(person):
    return Events.objects.tracks(person).order_by("pgh_created_at", "pgh_id")


def test_form_edit_is_audited_with_user_and_page(client, county_officer, township_a, village_a):
    person = make_person(township_a, village_a, skills="")
    officer = grant_personal_data(county_officer)
    client.force_login(officer)
    url = reverse("registry:edit", args=[person.pk])
    response = client.post(
        url,
        {
            "name": person.name,
            "id_number": person.id_number,
            "ethnicity": "01",
            "township": township_a.pk,
            "village": village_a.pk,
            "residence": "away",
            "skills": "柑橘种植",
            "version": person.version,
        },
    )
    assert response.status_code == 302
    update = person_events(person).filter(pgh_label="update").get()
    assert update.pgh_diff["skills"] == ["", "柑橘种植"]
    assert update.pgh_context["user"] == officer.pk
    assert update.pgh_context["url"] == url


def test_bulk_create_update_and_raw_sql_are_audited(township_a):
    people = Person.objects.bulk_create([make_person(township_a, name="甲", save=False)])
    Person.objects.filter(pk=people[0].pk).update(skills="电商")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE talentpool_person SET remark = %s WHERE id = %s", ["备注", people[0].pk]
        )
        cursor.execute("DELETE FROM talentpool_person WHERE id = %s", [people[0].pk])
    labels = [e.pgh_label for e in person_events(people[0])]
    assert labels == ["insert", "update", "update", "delete"]


def test_audit_rows_cannot_be_changed_or_deleted(township_a):
    from django.db import DatabaseError, transaction

    make_person(township_a)
    statements = (
        "UPDATE talentpool_personevent SET name = 'x'",
        "DELETE FROM talentpool_personevent",
    )
    for statement in statements:
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert _event_count() == 1


def _event_count() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM talentpool_personevent")
        return cursor.fetchone()[0]


def test_auditor_searches_the_trail_and_sees_masked_identifiers(client, auditor, township_a):
    person = make_person(township_a, phone="13812345678")
    client.force_login(auditor)
    response = client.get(reverse("audit:list"), {"model": "talentpool.Person"})
    body = response.content.decode()
    assert response.status_code == 200
    assert f"#{person.pk}" in body
    assert person.id_number not in body
    assert "13812345678" not in body
    assert "138****5678" in body


def test_audit_filter_by_user(client, auditor, county_officer, township_a):
    make_person(township_a)
    client.force_login(auditor)
    response = client.get(reverse("audit:list"), {"username": county_officer.username})
    assert response.context["page"].paginator.count == 0
