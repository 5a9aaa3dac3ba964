"""Change history and read log (DOMAIN.md §6): who wrote or read which record, when, from which address.

Change history is written by one session event, so every path that writes through the ORM session (screens, the
REST API, jobs, imports, seeds, the CLI) is covered without knowing it. ``after_flush`` sees each record of the
flush with its attribute history still in place and its id assigned, and inserts the rows on the flush's own
connection: they commit or roll back with the change itself.

Deliberately not logged:

- ``StatusEvent``, ``ChangeLog``, ``ReadLog``: logs themselves.
- ``Deadline``, ``Notification``: caches the daily scan recomputes from logged records and rules with Core bulk
  statements (every inspection's twelve clocks, each night); a log of them would repeat the scan, not record a
  decision.
- Core statements run past the ORM (``session.execute(insert(...))``): only those caches and the calendar that
  ``setup`` generates from the chinesecalendar package use them; calendar edits and imports go through the ORM.
- FAB's ``ab_*`` tables (users, roles, permissions): not business records, and they hold password hashes; nor
  ``UserSession`` (app.sessions), touched on every request and holding session token hashes; nor ``LoginThrottle``
  (app.security), written by every failed login, anonymous ones included; nor ``CasTicket`` (app.sso), a session's
  CAS ticket as a hash, written at every CAS login.
- Rows removed by the database's ON DELETE CASCADE: the parent's 删除 row stands for them.

Outside a request the actor is whoever ``acting_as`` names (a job, a seed, a command), otherwise "系统".
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from itertools import islice

import sqlalchemy as sa
from flask import g, has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import MANYTOMANY, MANYTOONE, Session

from schema import (
    ChangeLog,
    Clue,
    Deadline,
    DeadlineInput,
    Material,
    Notification,
    Petition,
    ReadLog,
    ReferenceStamp,
    SearchEntry,
    StatusEvent,
    Talk,
    UserSession,
)
from schema.auth import CasTicket, LoginThrottle
from schema.base import utcnow

SYSTEM = "系统"
ANONYMOUS = "匿名"
MASK = "已隐藏"  # what every path shows of a petitioner's identity until it is revealed with a reason
CREATED, UPDATED, DELETED = "新增", "修改", "删除"

# Logs, sessions, and what is derived from the records (the search index, whose `secret` holds a petitioner's name in
# clear; the deadline scan's inputs; the reference stamp, which the database's triggers renew): their change is the
# record's own change, logged there.
UNLOGGED = frozenset({StatusEvent, ChangeLog, ReadLog, Deadline, Notification, UserSession, LoginThrottle,
                      CasTicket, SearchEntry, DeadlineInput, ReferenceStamp})
STAMPS = frozenset({"created_at", "updated_at"})  # kept by the database layer: noise in every row

# "Talk records and clues are confidential: ... every read of one is recorded" (DOMAIN.md §6); petitions and
# materials are confidential too (schema.fieldwork).
READ_LOGGED = frozenset({Talk, Petition, Clue, Material})
PAGE, API, EXPORT, DOWNLOAD = "页面", "接口", "导出", "下载"

_acting: ContextVar[str | None] = ContextVar("xct_acting_as", default=None)
_addressless: ContextVar[bool] = ContextVar("xct_addressless", default=False)


@contextmanager
def acting_as(name: str, *, record_address: bool = True) -> Iterator[None]:
    """Writes and reads inside the block are recorded under `name`, e.g. ``acting_as("系统任务：期限扫描")``.

    ``record_address=False`` keeps the request's address out of the history too: an anonymous online petition
    (码上巡察, app.commands.intake) must leave nothing that identifies its sender."""
    token, bare = _acting.set(name), _addressless.set(not record_address)
    try:
        yield
    finally:
        _acting.reset(token)
        _addressless.reset(bare)


def current_actor() -> tuple[str, str | None]:
    """(who, remote address): the named actor, else the signed-in user of the request, else "系统"."""
    addr = request.remote_addr if has_request_context() and not _addressless.get() else None
    named = _acting.get()
    if named:
        return named, addr
    if not has_request_context():
        return SYSTEM, None
    user = getattr(g, "user", None)
    if user is None:
        from flask_login import current_user

        user = current_user
    if getattr(user, "is_authenticated", False):
        return user.username, addr
    return ANONYMOUS, addr


def _marked(model: type, mark: str) -> frozenset[str]:
    table = getattr(model, "__table__", None)
    return frozenset(c.key for c in table.columns if c.info.get(mark)) if table is not None else frozenset()


def identity_columns(model: type) -> frozenset[str]:
    """Columns marked ``info={"identity": True}``: hidden on every path, stored masked in the change history."""
    return _marked(model, "identity")


def credential_columns(model: type) -> frozenset[str]:
    """Columns marked ``info={"credential": True}`` (a public page's token, a passphrase's hash): stored masked in the
    change history, which whoever reads the record reads too."""
    return _marked(model, "credential")


def is_logged(model: type) -> bool:
    return model.__module__.startswith("schema.") and model not in UNLOGGED


# ---------------------------------------------------------------- change history


def _pk(obj):
    # Not state.identity: a record inserted by this flush gets its identity key only after after_flush.
    return sa.inspect(obj).mapper.primary_key_from_instance(obj)[0]


def _label(obj) -> str:
    try:
        return str(obj)[:200]
    except Exception:  # noqa: BLE001 - a __str__ that needs a row already deleted in this flush
        return f"{type(obj).__tablename__} #{_pk(obj)}"


def _ref(obj) -> dict | None:
    return None if obj is None else {"id": _pk(obj), "text": _label(obj)}


def _json(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "（二进制内容）"
    if isinstance(value, (list, tuple, set)):
        return [_json(v) for v in value]
    return str(value)


def _references(mapper) -> dict[str, object]:
    """Foreign-key column key → its many-to-one relationship: a changed FK is shown as the record it points to."""
    refs = {}
    for rel in mapper.relationships:
        if rel.direction is MANYTOONE and len(rel.local_columns) == 1:
            column = next(iter(rel.local_columns))
            refs.setdefault(mapper.get_property_by_column(column).key, rel)
    return refs


def _target(session: Session, rel, state, pk):
    """The related record of a FK value: the loaded relation when it matches, else from the identity map/database."""
    if pk is None:
        return None
    loaded = state.dict.get(rel.key)
    if loaded is not None and _pk(loaded) == pk:
        return loaded
    return session.get(rel.mapper.class_, pk)


def _changes(session: Session, obj, operation: str) -> dict[str, list]:
    """field → [old, new] of one record of the flush."""
    state = sa.inspect(obj)
    mapper = state.mapper
    refs = _references(mapper)
    hidden = identity_columns(mapper.class_) | credential_columns(mapper.class_)
    changes: dict[str, list] = {}
    for attr in mapper.column_attrs:
        key = attr.key
        if key in STAMPS or (key == "id" and operation != DELETED):
            continue
        if operation == UPDATED:
            hist = state.attrs[key].history
            if not hist.has_changes():
                continue
            old, new = (hist.deleted[0] if hist.deleted else None), (hist.added[0] if hist.added else None)
        else:  # a new record shows every value it was given, a deleted one every value it had (as loaded)
            value = state.dict.get(key)
            if value is None:
                continue
            old, new = (None, value) if operation == CREATED else (value, None)
        if key in hidden:
            changes[key] = [MASK if old else old, MASK if new else new]
        elif key in refs:
            rel = refs[key]
            changes[rel.key] = [_ref(_target(session, rel, state, v)) for v in (old, new)]
        else:
            changes[key] = [_json(old), _json(new)]
    # Many-to-one relations are covered by their FK column (set through the relation, the flush moves the column
    # and its history before after_flush); one-to-many ones by the children's own rows.
    for rel in mapper.relationships:
        if rel.viewonly or rel.direction is not MANYTOMANY:
            continue
        hist = state.attrs[rel.key].history
        if operation == UPDATED and (hist.added or hist.deleted):
            before = [*hist.unchanged, *hist.deleted]
            after = [*hist.unchanged, *hist.added]
        elif operation != UPDATED and state.dict.get(rel.key):
            before, after = ([], list(state.dict[rel.key])) if operation == CREATED else (list(state.dict[rel.key]), [])
        else:
            continue
        changes[rel.key] = [[_ref(o) for o in before], [_ref(o) for o in after]]
    return changes


def _change_rows(session: Session) -> list[dict]:
    actor, addr = current_actor()
    at = utcnow()
    rows = []
    for objects, operation in ((session.new, CREATED), (session.dirty, UPDATED), (session.deleted, DELETED)):
        for obj in objects:
            if not is_logged(type(obj)) or (operation == UPDATED and not session.is_modified(obj)):
                continue
            changes = _changes(session, obj, operation)
            if operation == UPDATED and not changes:
                continue  # only the timestamps moved
            rows.append({"at": at, "actor": actor[:100], "remote_addr": addr, "entity": obj.__tablename__,
                         "entity_id": _pk(obj), "entity_label": _label(obj), "operation": operation,
                         "changes": changes})
    return rows


def _after_flush(session: Session, _flush_context) -> None:
    rows = _change_rows(session)
    if rows:
        session.connection().execute(ChangeLog.__table__.insert(), rows)


# ---------------------------------------------------------------- read log


READ_BATCH = 5000  # read-log rows per INSERT when a large export is recorded


def _read_rows(model: type, ids: Iterable[int], channel: str, reason: str | None) -> Iterator[dict]:
    """The read-log rows of the current actor reading `ids`, made one at a time as the ids come."""
    actor, addr = current_actor()
    path = request.path[:300] if has_request_context() else None
    at = utcnow()
    for pk in ids:
        yield {"at": at, "actor": actor[:100], "remote_addr": addr, "entity": model.__tablename__,
               "entity_id": int(pk), "channel": channel, "path": path, "reason": reason}


def record_read(model: type, ids: Iterable[int], channel: str, reason: str | None = None) -> int:
    """Record that the current actor read these records of `model` through `channel` (页面/接口/导出/下载).

    A no-op for models that are not confidential (READ_LOGGED), so every screen and API may call it. Inside a
    request the rows are written, and committed, once the response is ready (``write_reads``, an after-request
    hook), so a page pays one INSERT however many lists it shows; outside one they are written at once.
    Returns the number of rows recorded.
    """
    if model not in READ_LOGGED:
        return 0
    if not has_request_context():
        return _write(_read_rows(model, ids, channel, reason))
    rows = list(_read_rows(model, ids, channel, reason))
    g.setdefault("_xct_reads", []).extend(rows)
    return len(rows)


def record_reads_now(model: type, ids: Iterable[int], channel: str, reason: str | None = None) -> int:
    """record_read for any number of ids (a list export of 200,000 rows): written at once, READ_BATCH rows per
    INSERT as `ids` yields them, all in one transaction, so the memory is one batch's and the log has all of the
    rows or, if writing fails, none. Returns the number of rows recorded."""
    if model not in READ_LOGGED:
        return 0
    return _write(_read_rows(model, ids, channel, reason))


def write_reads() -> None:
    """Write the reads the current request recorded so far (before showing what must not be shown unrecorded)."""
    _write(g.pop("_xct_reads", None) if has_request_context() else None)


def _write(rows: Iterable[dict] | None) -> int:
    """Insert `rows` READ_BATCH at a time on a transaction of its own; answers how many."""
    if not rows:
        return 0
    from app.extensions import db

    rows, written = iter(rows), 0
    # Its own connection and transaction: committing the request's session here would store whatever else that
    # session holds (a view's flushed but unfinished work) as a side effect of logging a read.
    with db.engine.begin() as connection:
        while batch := list(islice(rows, READ_BATCH)):
            connection.execute(ReadLog.__table__.insert(), batch)
            written += len(batch)
    return written


def _after_request(response):
    # A refused request read nothing; a read that cannot be recorded fails the request (the error page, no data).
    if response.status_code < 400:
        write_reads()
    elif has_request_context():
        g.pop("_xct_reads", None)
    return response


def register(app) -> None:
    """Install the change history on every ORM session (once per process) and the read log on `app`."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
    app.after_request(_after_request)
