"""The audit trail: database triggers (django-pghistory) record every insert, update and delete of
business data, whatever wrote it (a form, bulk_create, update(), raw SQL, COPY), with the context
of the request (user, URL) or the command. Event tables are append-only: triggers refuse UPDATE
and DELETE on them (PGHISTORY_APPEND_ONLY)."""

from __future__ import annotations

import pghistory


def audited(model=None, *, level=None):
    """Class decorator: track inserts, updates and deletes of `model` in its event table.

    `@audited` uses row-level triggers (one event INSERT per row). `@audited(level=
    pghistory.Statement)` is for tables written in bulk: one INSERT ... SELECT per statement
    from its transition table, which writes a 300,000-row survey import into the registry about
    twice as fast (`make bench BENCH=import`) and still records every row. Only Person needs
    it, and changing a model's triggers costs a migration that re-renders its related models.
    """

    def track(model):
        return pghistory.track(
            pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent(), level=level
        )(model)

    return track(model) if model is not None else track
