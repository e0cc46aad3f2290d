"""Scheduled jobs of the security rules (django-tasks). A timer runs the management commands of
the same names daily (see SECURITY.md); the tasks let the app or a scheduler enqueue them."""

from __future__ import annotations

from django_tasks import task


@task()
def disable_idle_accounts() -> int:
    from talentpool.retention import disable_idle_accounts as run

    return len(run())


@task()
def purge_expired_files() -> int:
    from talentpool.retention import purge_expired_files as run

    return run().deleted
