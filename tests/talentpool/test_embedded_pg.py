"""The embedded PostgreSQL: a fresh data folder is initialised, started on the first connection,
serves a real PostgreSQL with pg_trgm, and is stopped cleanly when its last user exits."""

import shutil
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection


@pytest.fixture
def pgdata():
    # Under var/ like the real data folder: the server runs as a system user when started by
    # root, and pytest's private tmp folders are closed to other users.
    path = Path(settings.VAR_DIR) / f"test-pg-{uuid.uuid4().hex[:8]}" / "pg"
    path.parent.mkdir(parents=True)
    yield path
    shutil.rmtree(path.parent, ignore_errors=True)


def test_the_suite_runs_on_real_postgresql(db):
    assert connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('server_version_num')::int")
        assert cursor.fetchone()[0] >= 150000
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchone() is not None


def test_a_fresh_data_folder_starts_and_stops_cleanly(pgdata):
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


def test_the_server_is_tuned_for_bulk_imports(pgdata):
    script = textwrap.dedent(
        f"""
        from pathlib import Path
        from talentpool.embedded_pg import ensure_server
        import psycopg
        params = ensure_server(Path({str(pgdata)!r}), None)
        with psycopg.connect(dbname="postgres", **params) as conn:
            for name in ("max_wal_size", "checkpoint_timeout", "shared_buffers"):
                print(conn.execute(f"SHOW {{name}}").fetchone()[0])
        """
    )

    def settings_seen() -> list[str]:
        result = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.split()

    # Reloadable settings apply at once; shared_buffers from the server's next start.
    assert settings_seen()[:2] == ["4GB", "15min"]
    assert settings_seen() == ["4GB", "15min", "512MB"]


def _script(pgdata, then: str = "") -> str:
    return textwrap.dedent(
        f"""
        from pathlib import Path
        import sys, time
        from talentpool.embedded_pg import ensure_server
        ensure_server(Path({str(pgdata)!r}), "fresh_db")
        print("ready", flush=True)
        {then}
        """
    )


def test_a_killed_user_does_not_keep_the_server_running_forever(pgdata):
    killed = subprocess.Popen(
        [sys.executable, "-c", _script(pgdata, "time.sleep(60)")],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert killed.stdout.readline().strip() == "ready"
    killed.kill()
    killed.wait(timeout=10)
    assert (pgdata / "postmaster.pid").exists()  # SIGKILL: no chance to stop it

    later = subprocess.run(
        [sys.executable, "-c", _script(pgdata)], capture_output=True, text=True, timeout=120
    )
    assert later.returncode == 0, later.stderr
    assert not (pgdata / "postmaster.pid").exists()


def test_sigterm_stops_the_server_cleanly(pgdata):
    process = subprocess.Popen(
        [sys.executable, "-c", _script(pgdata, "time.sleep(60)")],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline().strip() == "ready"
    process.terminate()
    process.wait(timeout=30)
    assert not (pgdata / "postmaster.pid").exists()
