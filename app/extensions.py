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
