"""Declarative base shared with FAB's ab_* tables, the constraint naming convention, and column helpers."""

from __future__ import annotations

from datetime import date, datetime, timezone

import sqlalchemy as sa
from flask_appbuilder.models.sqla import Model
from sqlalchemy.orm import Mapped, mapped_column

# Set before the first table of ours is declared, so every constraint has a stable name in migrations.
Model.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# The range of a database INTEGER column (ids and foreign keys included) on SQLite and PostgreSQL alike: a value
# beyond it is refused by the database (or its driver), so input is checked against it first.
INT_MIN, INT_MAX = -(2**31), 2**31 - 1


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def choice(name: str, values: tuple[str, ...], **kw) -> sa.Enum:
    """A string enum stored as its Chinese value (API.md reads and writes the same value), checked in the DB."""
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=max(len(v) for v in values) * 2 + 4, **kw)


def fk(target: str, *, ondelete: str = "RESTRICT", nullable: bool = True, **kw):
    """A foreign key column that is always indexed and says what happens on delete."""
    return mapped_column(sa.ForeignKey(target, ondelete=ondelete), nullable=nullable, index=True, **kw)


class Timestamps:
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, onupdate=utcnow, nullable=False)


__all__ = ["Model", "Timestamps", "choice", "fk", "utcnow", "date", "datetime"]
