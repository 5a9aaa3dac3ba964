"""Server-side login sessions: idle timeout, absolute lifetime, and revocation that holds on every app host.

Flask's session is a signed cookie that stays valid for its whole lifetime and survives logout (FAB_NOTES). Here the
cookie carries a random session id and a ``user_session`` row decides whether it still signs anyone in: the row is
deleted on logout, when the user is disabled or their password changes, and when it was idle longer than
SESSION_IDLE_TIMEOUT or is older than PERMANENT_SESSION_LIFETIME. The database is shared by every host, so a copied
cookie stops working everywhere at once. A JWT carries `password_mark`: a password change revokes the tokens issued
before it too.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import Flask, current_app, flash, has_request_context, request, session
from flask_appbuilder.security.sqla.models import User
from flask_login import user_logged_in, user_logged_out
from sqlalchemy.orm import Session as OrmSession

from schema.auth import UserSession
from schema.base import utcnow

from .extensions import db
from .uow import transaction

SESSION_KEY = "_xct_sid"
# last_seen_at is written at most this often: one UPDATE a minute per browser instead of one per request.
TOUCH_EVERY = timedelta(minutes=1)


def now() -> datetime:
    """The clock every expiry reads (tests move it)."""
    return utcnow()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _expired(row: UserSession, at: datetime) -> bool:
    config = current_app.config
    return at - row.last_seen_at > config["SESSION_IDLE_TIMEOUT"] or \
        at - row.created_at > config["PERMANENT_SESSION_LIFETIME"]


def start(user) -> None:
    """A new session for `user` (called on every form login); drops the user's sessions that have expired."""
    at = now()
    config = current_app.config
    token = secrets.token_urlsafe(32)
    with transaction():
        db.session.execute(sa.delete(UserSession).where(
            UserSession.user_id == user.id,
            sa.or_(UserSession.last_seen_at < at - config["SESSION_IDLE_TIMEOUT"],
                   UserSession.created_at < at - config["PERMANENT_SESSION_LIFETIME"]),
        ))
        db.session.add(UserSession(token_hash=_hash(token), user_id=user.id, created_at=at, last_seen_at=at))
    session[SESSION_KEY] = token
    session.permanent = True  # the cookie itself also expires after PERMANENT_SESSION_LIFETIME


def signed_in(user_model, user_id: int, options=()):
    """The active user `user_id` if the request's session cookie still belongs to a live session of theirs (its idle
    clock refreshed), else None: the session row and the user (with `options`) in one statement."""
    token = session.get(SESSION_KEY)
    found = db.session.execute(
        sa.select(UserSession, user_model).join(user_model, user_model.id == UserSession.user_id)
        .where(UserSession.token_hash == _hash(token)).options(*options)).unique().first() if token else None
    row, user = found or (None, None)
    if user is not None and not user.is_active:
        return None
    at = now()
    if row is not None and row.user_id == user_id and not _expired(row, at):
        if at - row.last_seen_at >= TOUCH_EVERY:
            with transaction():
                row.last_seen_at = at
        return user
    if row is not None and _expired(row, at):
        with transaction():
            db.session.delete(row)
        if not request.path.startswith("/api/"):
            flash("登录已超时，请重新登录", "warning")
    for key in (SESSION_KEY, "_user_id", "_fresh", "_id"):  # Flask-Login's keys: the cookie signs nobody in now
        session.pop(key, None)
    return None


def end() -> None:
    """End the request's session (logout): the same cookie, copied anywhere, no longer signs anyone in."""
    token = session.pop(SESSION_KEY, None)
    if token:
        with transaction():
            db.session.execute(sa.delete(UserSession).where(UserSession.token_hash == _hash(token)))


def _revoke_on_account_change(orm_session, _flush_context, _instances) -> None:
    """Disabling a user ends all their sessions; a password change (Admin reset, own reset, CLI) all but the one
    that made it, so changing one's own password does not sign one out."""
    token = session.get(SESSION_KEY) if has_request_context() else None
    keep = _hash(token) if token else None
    for obj in orm_session.dirty:
        if not isinstance(obj, User) or obj.id is None:
            continue
        state = sa.inspect(obj)
        active, password = state.attrs.active.history, state.attrs.password.history
        disabled = bool(active.added) and not active.added[0]
        if disabled or password.added:
            with orm_session.no_autoflush:
                for row in orm_session.scalars(sa.select(UserSession).where(UserSession.user_id == obj.id)):
                    if disabled or row.token_hash != keep:
                        orm_session.delete(row)


def password_mark(user_id) -> str | None:
    """A short fingerprint of the user's stored password hash, carried in every JWT this app issues: a token (access
    or refresh) whose mark no longer matches was issued before a password change and is revoked (app.web)."""
    user = db.session.get(User, int(user_id)) if str(user_id).isdigit() else None
    return hashlib.sha256(user.password.encode()).hexdigest()[:16] if user is not None and user.password else None


def init_app(app: Flask) -> None:
    user_logged_in.connect(lambda _app, user, **_kw: start(user), app, weak=False)
    user_logged_out.connect(lambda _app, **_kw: end(), app, weak=False)
    if not sa.event.contains(OrmSession, "before_flush", _revoke_on_account_change):
        sa.event.listen(OrmSession, "before_flush", _revoke_on_account_change)
