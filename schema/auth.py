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
