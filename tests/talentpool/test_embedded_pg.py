"""The embedded PostgreSQL: a fresh data folder is initialised, started on the first connection,
serves a real PostgreSQL with pg_trgm, and is stopped cleanly when its last user exits."""

import subprocess
import sys
import textwrap

from django.db import connection


def test_the_suite_runs_on_real_postgresql(db):
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version_num')::int")
        assert cursor.fetchone()[0] >= 150000
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() is not None


def test_a_fresh_data_folder_starts_and_stops_cleanly(tmp_path):
    pgdata = tmp_path / "pg"
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from talentpool.embedded_pg import ensure_server
        import psycopg
        params = ensure_server(Path({str(pgdata)!r}), "fresh_db")
        with psycopg.connect(dbname="fresh_db", **params) as conn:
            print(conn.execute("select current_database()").fetchone()[0])
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "fresh_db"
    assert (pgdata / "PG_VERSION").exists()
    # the process that started the server was its only user, so it stopped it on exit
    assert not (pgdata / "postmaster.pid").exists()
