"""The audit trail: database triggers (django-pghistory) record every insert, update and delete of
business data, whatever wrote it (a form, bulk_create, update(), raw SQL, COPY), with the context
of the request (user, URL) or the command. Event tables are append-only: triggers refuse UPDATE
and DELETE on them (PGHISTORY_APPEND_ONLY)."""

from __future__ import annotations

import pghistory


def audited(model):
    """Class decorator: track inserts, updates and deletes of `model` in its event table."""
    return pghistory.track(
        pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent()
    )(model)
