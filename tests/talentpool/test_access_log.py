"""The access log: the auditor reads it with identifiers masked; nobody can change it."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from talentpool import security
from talentpool.models import AccessAction, AccessLog
from tests.factories import make_person


@pytest.fixture
def logged(county_officer, township_a):
    person = make_person(township_a, name="张维维")
    security.log_access(
        county_officer,
        AccessAction.SEARCH_ID,
        person=person,
        detail={"query": person.id_number, "results": 1},
    )
    return person


def test_auditor_reads_the_access_log_with_masked_names_and_numbers(client, auditor, logged):
    client.force_login(auditor)
    response = client.get(reverse("audit:access"), {"action": "search_id"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "county" in body
    assert "张**" in body
    assert "张维维" not in body
    assert logged.id_number not in body
    assert logged.id_number[:6] in body


def test_access_log_filters_by_user(client, auditor, logged):
    client.force_login(auditor)
    response = client.get(reverse("audit:access"), {"username": "nobody"})
    assert response.context["page"].paginator.count == 0


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE talentpool_accesslog SET reason = 'x'",
        "DELETE FROM talentpool_accesslog",
        "TRUNCATE talentpool_accesslog",
    ],
)
def test_access_log_rows_cannot_be_changed_or_removed(logged, statement):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL talentpool.allow_truncate = 'off'")
        cursor.execute(statement)
    assert AccessLog.objects.count() == 1


def test_every_audit_table_refuses_truncate(db):
    tables = security.append_only_tables()
    assert "talentpool_accesslog" in tables
    assert "talentpool_personevent" in tables
    for table in tables:
        assert security.truncate_is_refused(table), table


def test_migrate_revokes_writes_on_the_logs_from_the_application_role(db, settings):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = 'talentpool_app_test'")
        if not cursor.fetchone():
            cursor.execute("CREATE ROLE talentpool_app_test NOLOGIN")
        cursor.execute(
            "GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON talentpool_accesslog "
            "TO talentpool_app_test"
        )
    settings.DB_APP_ROLE = "talentpool_app_test"
    security.protect_logs()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT privilege_type FROM information_schema.role_table_grants "
            "WHERE grantee = 'talentpool_app_test' AND table_name = 'talentpool_accesslog'"
        )
        privileges = {row[0] for row in cursor.fetchall()}
    assert privileges == {"SELECT", "INSERT"}
