"""The benchmarks' own PostgreSQL databases on the local server (trust auth, user postgres): made empty, and dropped
whoever is still connected to them."""

from __future__ import annotations

import sqlalchemy as sa

PG_SERVER = "postgresql://postgres@127.0.0.1:5432"


def _admin(*statements: str, **params):
    """`statements` run on the server's maintenance database; the last one's first value, if it returns rows."""
    engine = sa.create_engine(f"{PG_SERVER}/postgres", isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for statement in statements:
            result = conn.execute(sa.text(statement), params)
        value = result.scalar() if result.returns_rows else None
    engine.dispose()
    return value


def database_exists(name: str) -> bool:
    return bool(_admin("SELECT 1 FROM pg_database WHERE datname = :name", name=name))


def create_database(name: str) -> str:
    """The URL of an empty database `name` (one an earlier run left under that name is dropped first)."""
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"')
    return f"{PG_SERVER}/{name}"


def drop_database(name: str) -> None:
    _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
