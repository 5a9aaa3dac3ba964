"""Reference data admins keep, held in memory by each process until the database says it changed.

The deadline rules, the calendar, the active templates, the repeat rules, the archive requirements and FAB's
permissions are read by nearly every page and change only when an admin edits them. Migration 0005o keeps a random
value in reference_stamp that the database renews, inside the writing transaction, on every write to those tables:
a reader sees a new stamp exactly when it sees the new rows, on every host. A value kept here is reused while the
stamp is the one it was read under, so a page reads one stamp (issue 18: ≤ 15 statements a page) instead of each
table. Values are plain data, never ORM rows (a row belongs to one session).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa
from flask import g, has_request_context, request

from app.extensions import db
from schema import ReferenceStamp

T = TypeVar("T")

# (database, name) → (stamp, value). The database is part of the key: one process may serve several (the tests).
_kept: dict[tuple[str, str], tuple[str, object]] = {}


def stamp() -> str:
    """The current stamp: read once per GET (a reading request writes no reference data; kept in g), on every call
    elsewhere, so that a write and a later read in one transaction agree."""
    reading = has_request_context() and request.method in ("GET", "HEAD")
    if reading and "_xct_reference_stamp" in g:
        return g._xct_reference_stamp
    value = db.session.scalar(sa.select(ReferenceStamp.stamp).where(ReferenceStamp.id == 1)) or ""
    if reading:
        g._xct_reference_stamp = value
    return value


def kept(name: str, load: Callable[[], T]) -> T:
    """`load()`'s value, read afresh only when the stamp changed since it was last read under `name`."""
    current = stamp()  # before the rows: a value read after a newer commit is only ever reloaded, never kept stale
    key = (str(db.engine.url), name)
    held = _kept.get(key)
    if held is None or held[0] != current:
        held = (current, load())
        _kept[key] = held
    return held[1]  # type: ignore[return-value]
