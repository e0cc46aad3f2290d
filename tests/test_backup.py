"""`make backup` / `make restore`: a demo database dumped and restored into a fresh database
has the same rows in every table and the same registry, byte for byte."""

from __future__ import annotations

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection

from talentpool import backup
from talentpool.models import Person

pytestmark = pytest.mark.django_db(transaction=True)


def _snapshot(dbname: str) -> tuple[dict[str, int], str]:
    env = backup.connection_env(dbname=dbname)
    params = {"host": env.get("PGHOST"), "port": env.get("PGPORT"), "user": env.get("PGUSER")}
    if env.get("PGPASSWORD"):
        params["password"] = env["PGPASSWORD"]
    with psycopg.connect(dbname=dbname, **params) as conn:
        tables = [
            row[0]
            for row in conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
            )
        ]
        counts = {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608
        checksum = conn.execute(
            "SELECT md5(string_agg(p::text, '|' ORDER BY p.id)) FROM talentpool_person p"
        ).fetchone()[0]
    return counts, checksum


def test_backup_and_restore_round_trip_the_demo_database(tmp_path):
    call_command("seed_demo", people=200, verbosity=0)
    people = Person.objects.count()
    assert people >= 200  # the later stages' demo adds incumbents
    source = connection.settings_dict["NAME"]
    target = f"{source}_restore"
    dump = backup.dump(tmp_path / "demo.dump")
    assert dump.stat().st_size > 10_000
    backup.drop_database(target)
    backup.create_database(target)
    try:
        backup.restore(dump, dbname=target)
        before, after = _snapshot(source), _snapshot(target)
    finally:
        backup.drop_database(target)
    counts, checksum = before
    assert counts["talentpool_person"] == people
    assert counts["talentpool_village"] > 200
    assert after == (counts, checksum)


def test_backup_command_writes_a_custom_format_dump(tmp_path):
    out = tmp_path / "one.dump"
    call_command("backup_db", output=out, verbosity=0)
    assert out.read_bytes()[:5] == b"PGDMP"
    assert not list(tmp_path.glob("*.partial"))


def test_restore_of_a_broken_file_changes_nothing(tmp_path, township_a):
    from django.core.management.base import CommandError

    from tests.factories import make_person

    make_person(township_a)
    broken = tmp_path / "broken.dump"
    broken.write_bytes(b"PGDMP not really")
    with pytest.raises(CommandError, match="恢复失败"):
        call_command("restore_db", str(broken), yes=True)
    assert Person.objects.count() == 1
