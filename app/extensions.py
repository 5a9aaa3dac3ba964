"""Unbound extensions; bound to an app in create_app()."""

import sqlite3

import sqlalchemy as sa
from flask_appbuilder.models.sqla.base import SQLA
from flask_migrate import Migrate
from flask_wtf.csrf import CSRFProtect

from schema.base import Model

# FAB's SQLA must share FAB's metadata, or Flask-Migrate sees no tables (FAB_NOTES "Wiring").
db = SQLA(metadata=Model.metadata)
migrate = Migrate()
csrf = CSRFProtect()


@sa.event.listens_for(sa.engine.Engine, "connect")
def _sqlite_wal(dbapi_connection, _record):
    # SQLite (development, tests) lets one connection write while another reads only in WAL mode: an export job
    # reports its progress while its query is still streaming rows. PostgreSQL needs nothing of the kind.
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.execute("PRAGMA journal_mode=WAL")


def skip_commit_flush(engine: sa.Engine) -> None:
    """Commits of `engine`'s connections return before the disk has the data (DB_DURABLE_COMMITS = False: tests
    only). SQLite's synchronous=OFF and PostgreSQL's per-session synchronous_commit=off both keep the database
    consistent — only the last commits before a machine crash may be lost, which a throwaway test database does not
    mind — and save the fsync every commit otherwise waits for (~3.5 ms here). The server's settings are not touched.
    """

    @sa.event.listens_for(engine, "connect")
    def _no_flush(dbapi_connection, _record):
        if isinstance(dbapi_connection, sqlite3.Connection):
            dbapi_connection.execute("PRAGMA synchronous=OFF")
            return
        # outside a transaction: a SET inside one that the pool later rolls back would be undone
        autocommit, dbapi_connection.autocommit = dbapi_connection.autocommit, True
        cursor = dbapi_connection.cursor()
        cursor.execute("SET synchronous_commit TO off")
        cursor.close()
        dbapi_connection.autocommit = autocommit
