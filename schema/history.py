"""History: status moves (StatusEvent), every write of a business record (ChangeLog), every read of a confidential
one (ReadLog)."""

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


CHANGE_OPERATIONS = ("新增", "修改", "删除")


class ChangeLog(Model):
    """One create, update or delete of a business record, whatever path wrote it (app.audit); append-only.

    `changes` maps each changed field to [old, new] (JSON values; a relation as {"id", "text"}, a to-many relation
    as a list of them). Fields marked as a petitioner's identity are stored as "已隐藏", never their value.
    """

    __tablename__ = "change_log"
    __table_args__ = (sa.Index("ix_change_log_entity", "entity", "entity_id"),
                      # a user's newest changes (the home page's 我最近处理的记录) read from the index's end
                      sa.Index("ix_change_log_actor_at", "actor", "at", "id"))
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, nullable=False, index=True)
    actor: Mapped[str] = mapped_column(sa.String(100), nullable=False)  # username, or a named job
    remote_addr: Mapped[str | None] = mapped_column(sa.String(64))  # None outside a request
    entity: Mapped[str] = mapped_column(sa.String(50), nullable=False)  # table name
    entity_id: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    entity_label: Mapped[str] = mapped_column(sa.String(200), nullable=False)  # str() of the record
    operation: Mapped[str] = mapped_column(sa.String(10), nullable=False)  # CHANGE_OPERATIONS
    changes: Mapped[dict] = mapped_column(sa.JSON, nullable=False)

    def __str__(self) -> str:
        return f"{self.operation} {self.entity_label}"


READ_CHANNELS = ("页面", "接口", "导出", "下载")


class ReadLog(Model):
    """One read of one confidential record (talk, petition, clue, material); append-only.

    A list page writes one row per record it shows. `reason` is set when the petitioner's identity was revealed.
    """

    __tablename__ = "read_log"
    __table_args__ = (sa.Index("ix_read_log_entity", "entity", "entity_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, nullable=False, index=True)
    actor: Mapped[str] = mapped_column(sa.String(100), nullable=False, index=True)
    remote_addr: Mapped[str | None] = mapped_column(sa.String(64))
    entity: Mapped[str] = mapped_column(sa.String(50), nullable=False)
    entity_id: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    channel: Mapped[str] = mapped_column(sa.String(10), nullable=False)  # READ_CHANNELS
    path: Mapped[str | None] = mapped_column(sa.String(300))  # the request path
    reason: Mapped[str | None] = mapped_column(sa.String(500))  # why the identity of a petitioner was revealed

    def __str__(self) -> str:
        return f"{self.actor} {self.channel} {self.entity}#{self.entity_id}"
