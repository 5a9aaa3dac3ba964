"""Login sessions (the server side of a session cookie, so a session can be ended on every app host at once), the
login throttle, and 统一身份认证: the group → role mapping and the CAS tickets sessions were opened with."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from flask_appbuilder.security.sqla.models import Role
from sqlalchemy.orm import Mapped, mapped_column, relationship

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


class SsoGroupRole(Model):
    """统一身份认证的组角色映射: a directory group (an LDAP group DN, or a CAS attribute value naming one) gives its
    members a role. Read on every SSO login (app.sso.roles_mapping) and edited by Admin (views.sso); a user's roles
    follow their groups at each SSO login."""

    __tablename__ = "sso_group_role"
    __table_args__ = (sa.UniqueConstraint("group_dn", "role_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    group_dn: Mapped[str] = mapped_column(sa.String(500), nullable=False, index=True)  # normalised (app.sso.norm_dn)
    role_id: Mapped[int] = fk("ab_role.id", ondelete="CASCADE", nullable=False)
    note: Mapped[str | None] = mapped_column(sa.String(200))

    role: Mapped[Role] = relationship(Role, lazy="joined")

    def __str__(self) -> str:
        return f"{self.group_dn} → {self.role}"


class CasTicket(Model):
    """The CAS service ticket a session was opened with, so the CAS server's single logout (a logoutRequest naming
    the ticket) ends that session. Both are stored as SHA-256 only, like user_session's token."""

    __tablename__ = "cas_ticket"
    ticket_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    session_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False, index=True)  # user_session.token_hash
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, nullable=False)
