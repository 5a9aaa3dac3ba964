"""The unit of work: the one place that commits the request's (or job's, or CLI's) database session.

Modelled on Superset's ``@transaction`` (superset/utils/decorators.py): a command, a view or the CLI wraps its work
in ``transaction()``; it commits when the block (or decorated function) returns and rolls back on any exception.
Side effects that must not happen unless the data they go with is stored — deleting a file, enqueueing an rq job,
sending mail — are registered with ``after_commit(fn)`` and run only once the commit succeeded (never on rollback,
never when the commit itself fails).

Nested use joins the outer unit: only the outermost commits, and the hooks of the whole unit run after that one
commit. An inner failure propagates; a caller that catches it inside the outer unit takes responsibility for what
the inner block had already changed (as in Superset).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db

log = logging.getLogger(__name__)

_DEPTH = "xct_uow_depth"
_HOOKS = "xct_uow_after_commit"


def _session() -> Session:
    return db.session()  # the scoped session's current Session: its `info` lives as long as it does


def in_transaction() -> bool:
    """True inside a ``transaction()`` block of the current session."""
    return _session().info.get(_DEPTH, 0) > 0


@contextmanager
def _unit() -> Iterator[Session]:
    session = _session()
    depth = session.info.get(_DEPTH, 0)
    session.info[_DEPTH] = depth + 1
    if depth:  # joins the outer unit: it commits
        try:
            yield session
        finally:
            session.info[_DEPTH] = depth
        return
    session.info[_HOOKS] = []
    try:
        yield session
        session.commit()
    except BaseException:
        session.info.pop(_HOOKS, None)  # nothing was stored: nothing may follow
        session.rollback()
        raise
    finally:
        session.info[_DEPTH] = 0
    for hook in session.info.pop(_HOOKS, None) or []:
        hook()


def transaction(fn: Callable | None = None):
    """``with transaction():`` or ``@transaction``: commit on success, roll back on any exception, then run the
    unit's after-commit hooks. Nested units join the outermost, which alone commits."""
    if fn is None:
        return _unit()

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with _unit():
            return fn(*args, **kwargs)

    return wrapper


def after_commit(hook: Callable[[], object]) -> None:
    """Run `hook()` once the current unit of work has committed; dropped if it rolls back.

    Outside a unit there is no commit to wait for that this module would see: refusing is safer than running a
    file deletion before data that may yet be rolled back.
    """
    session = _session()
    if not session.info.get(_DEPTH):
        raise RuntimeError("after_commit() must be called inside transaction()")
    session.info.setdefault(_HOOKS, []).append(hook)


def _forget_hooks(session: Session, previous_transaction) -> None:
    # A rollback inside the unit (e.g. a view refusing a record) undoes the writes the hooks went with; a
    # savepoint's rollback (begin_nested) undoes only its own part.
    if session.info.get(_HOOKS) and not previous_transaction.nested:
        session.info[_HOOKS] = []


def register() -> None:
    """Install the rollback listener once per process."""
    if not event.contains(Session, "after_soft_rollback", _forget_hooks):
        event.listen(Session, "after_soft_rollback", _forget_hooks)
