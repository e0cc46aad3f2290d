"""Django database backend: the stock PostgreSQL backend, pointed at the embedded server."""

from pathlib import Path

from django.db.backends.postgresql import base

from talentpool.embedded_pg import ensure_server


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict:
        params = super().get_connection_params()
        # The app database must exist before `migrate` connects; test databases (and the
        # "postgres" maintenance database Django uses to create them) are left to Django.
        name = self.settings_dict["NAME"]
        create = name if name and not name.startswith("test_") else None
        params.update(ensure_server(Path(self.settings_dict["EMBEDDED_PGDATA"]), create))
        return params
