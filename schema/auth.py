"""Login sessions: the server side of a session cookie, so a session can be ended on every app host at once."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Model, fk, utcnow


class UserSession(Model):
    """One signed-in browser. The cookie holds a random id; only its SHA-256 is stored, so a copy of this table
    signs nobody in. Deleting the row ends the session (app.sessions)."""

    __tablename__ = "user_session"
    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    user_id: Mapped[int] = fk("ab_user.id", ondelete="CASCADE", nullable=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, nullable=False)
    last_seen_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, nullable=False)


class LoginThrottle(Model):
    """Wrong passwords typed for one login name (known or not, so an unknown name behaves like a real one): after
    LOGIN_MAX_FAILURES in a row the name is refused for a while that doubles with each lock (app.security)."""

    __tablename__ = "login_throttle"
    name: Mapped[str] = mapped_column(sa.String(256), primary_key=True)  # as typed, lower-cased
    failures: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)  # since the last lock
    locks: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)  # locks in a row: the back-off's power
    locked_until: Mapped[datetime | None] = mapped_column(sa.DateTime, nullable=True)
