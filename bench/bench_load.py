"""Load: 50 concurrent users (locust, headless, loopback only) against gunicorn with the
production settings (DEBUG off, manifest static files, whitenoise, the strict middleware), on
the bench database. Prints requests, errors, p95 latency and throughput.

Environment: BENCH_LOAD_USERS (50), BENCH_LOAD_SECONDS (60), BENCH_LOAD_WORKERS (3). Two-factor
sign-in is off for the run (REQUIRE_2FA=false): locust signs in with passwords. Statistics are
reset once all users are signed in (50 PBKDF2 checks take tens of seconds on two cores), so the
figures describe the working load."""

from __future__ import annotations

import csv
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

from bench import report

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Load#bench2026"  # noqa: S105 - bench accounts in the bench database only


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _accounts() -> list[dict]:
    from axes.models import AccessAttempt
    from django.utils import timezone

    from talentpool.models import Role, Township, User

    townships = list(Township.objects.order_by("code")[:20])
    accounts = []
    for i in range(40):
        accounts.append(("township", f"load_t{i:02d}", townships[i % len(townships)]))
    for i in range(10):
        accounts.append(("county", f"load_c{i:02d}", None))
    result = []
    for role, username, township in accounts:
        user, _created = User.objects.get_or_create(
            username=username, defaults={"role": role, "township": township}
        )
        user.role, user.township, user.is_active = role, township, True
        user.must_change_password = False
        user.set_password(PASSWORD)
        user.password_changed_at = timezone.now()
        user.save()
        result.append({"username": username, "password": PASSWORD, "role": role})
    AccessAttempt.objects.filter(username__startswith="load_").delete()
    assert Role.TOWNSHIP == "township"
    return result


def _database_url() -> str:
    from django.db import connection

    params = connection.get_connection_params()
    # The server listens on a Unix socket: its folder goes in the query string.
    name = connection.settings_dict["NAME"]
    query = f"host={quote(str(params['host']), safe='/')}&port={params['port']}"
    return f"postgres://{params['user']}@/{name}?{query}"


def _wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer at {url}")


def run() -> None:
    from bench.bench_registry import ensure_people

    users = int(os.environ.get("BENCH_LOAD_USERS", "50"))
    seconds = int(os.environ.get("BENCH_LOAD_SECONDS", "60"))
    workers = os.environ.get("BENCH_LOAD_WORKERS", "3")
    ensure_people(int(os.environ.get("BENCH_LOAD_PEOPLE", "5000")))
    work = Path(tempfile.mkdtemp(prefix="tp-load-"))
    accounts_file = work / "accounts.json"
    accounts_file.write_text(json.dumps(_accounts()), encoding="utf-8")
    port = _free_port()
    env = dict(
        os.environ,
        DATABASE_URL=_database_url(),
        DEBUG="false",
        HTTPS="false",
        REQUIRE_2FA="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_ROOT=str(work / "static"),
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        LOG_LEVEL="WARNING",
        BENCH_ACCOUNTS=str(accounts_file),
    )
    env.pop("EMBEDDED_DB_NAME", None)
    python = sys.executable
    subprocess.run(  # noqa: S603 - our own commands
        [python, "manage.py", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server = subprocess.Popen(  # noqa: S603
        [
            str(Path(python).parent / "gunicorn"),
            "talentpool.wsgi",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--threads=4",
            "--worker-class=gthread",
            "--log-level=warning",
            # Keep idle connections longer than a user's think time (locustfile: 0.5-2 s): with
            # gunicorn's default of 2 s the server closes a connection just as the client sends
            # its next request on it, and the client sees "connection reset by peer".
            "--keep-alive=10",
            # A request slower than this is cut off (and counted as an error by locust).
            "--timeout=60",
        ],
        cwd=ROOT,
        env=env,
    )
    stats = work / "stats"
    try:
        _wait_for(f"http://127.0.0.1:{port}/accounts/login/")
        started = time.perf_counter()
        subprocess.run(  # noqa: S603
            [
                str(Path(python).parent / "locust"),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                f"--users={users}",
                f"--spawn-rate={max(1, users // 10)}",
                # Sign-ins (PBKDF2, deliberately slow) happen while users are spawned; the
                # figures are for the steady state after that.
                "--reset-stats",
                f"--run-time={seconds}s",
                "--stop-timeout=5",
                f"--host=http://127.0.0.1:{port}",
                f"--csv={stats}",
                "--only-summary",
                "--loglevel=WARNING",
            ],
            cwd=ROOT,
            env=env,
            check=False,
            timeout=seconds + 120,
            stdout=subprocess.DEVNULL,
        )
        elapsed = time.perf_counter() - started
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    with open(f"{stats}_stats.csv", encoding="utf-8") as f:
        rows = {row["Name"]: row for row in csv.DictReader(f)}
    total = rows["Aggregated"]
    from talentpool.models import Person

    report("load.people", Person.objects.count(), "people")
    report("load.users", users, "users")
    report("load.seconds", seconds, "s")
    report("load.requests", int(total["Request Count"]), "requests")
    report("load.errors", int(total["Failure Count"]), "errors")
    report("load.p50", float(total["50%"]), "ms")
    report("load.p95", float(total["95%"]), "ms")
    report("load.p99", float(total["99%"]), "ms")
    report("load.rps", float(total["Requests/s"]), "req/s")
    for name, row in sorted(rows.items()):
        if name != "Aggregated" and int(row["Request Count"]):
            slug = name.strip("/").replace("/", ".").replace(" ", "") or "root"
            report(f"load.p95.{slug}", float(row["95%"]), "ms")
    report("load.wall", elapsed, "s")
