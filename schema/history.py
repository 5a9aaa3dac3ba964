"""Status-event history: every status move of any record (who, when, from, to, note)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Model, utcnow


class StatusEvent(Model):
    __tablename__ = "status_event"
    __table_args__ = (sa.Index("ix_status_event_entity", "entity", "entity_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(sa.String(50), nullable=False)  # table name
    entity_id: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    field: Mapped[str] = mapped_column(sa.String(50), default="status", nullable=False)
    from_value: Mapped[str | None] = mapped_column(sa.String(50))
    to_value: Mapped[str] = mapped_column(sa.String(50), nullable=False)
    actor: Mapped[str | None] = mapped_column(sa.String(100))
    at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, nullable=False, index=True)
    note: Mapped[str | None] = mapped_column(sa.String(500))

    def __str__(self) -> str:
        return f"{self.entity}#{self.entity_id} {self.from_value or ''}→{self.to_value}"
