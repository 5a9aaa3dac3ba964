"""八、立卷归档: archive volume per inspection, its items (附件24), and destruction records."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model, Timestamps, choice, fk
from .enums import ARCHIVE_KINDS, CLASSIFICATIONS, RETENTION_PERIODS
from .inspection import Inspection


class ArchiveVolume(Timestamps, Model):
    """反馈工作结束后1个月内向巡察办移交本次巡察的档案 (D12)."""

    __tablename__ = "archive_volume"
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = fk("inspection.id", ondelete="CASCADE", nullable=False, unique=True)
    volume_no: Mapped[str | None] = mapped_column(sa.String(50))  # 全宗/案卷号
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    handed_over_on: Mapped[date | None] = mapped_column(sa.Date, index=True)
    handed_by: Mapped[str | None] = mapped_column(sa.String(50))
    received_by: Mapped[str | None] = mapped_column(sa.String(50))

    inspection: Mapped[Inspection] = relationship(lazy="selectin")
    items: Mapped[list[ArchiveItem]] = relationship(back_populates="volume", cascade="all, delete-orphan", order_by="ArchiveItem.seq")

    def __str__(self) -> str:
        return self.title


class ArchiveItem(Timestamps, Model):
    __tablename__ = "archive_item"
    __table_args__ = (sa.UniqueConstraint("volume_id", "seq"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    volume_id: Mapped[int] = fk("archive_volume.id", ondelete="CASCADE", nullable=False)
    seq: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    formed_on: Mapped[date | None] = mapped_column(sa.Date)
    copies: Mapped[int | None] = mapped_column(sa.Integer)
    pages: Mapped[int | None] = mapped_column(sa.Integer)
    classification: Mapped[str] = mapped_column(choice("archive_classification", CLASSIFICATIONS), default="非密", nullable=False)
    retention: Mapped[str | None] = mapped_column(choice("retention", RETENTION_PERIODS))
    kind: Mapped[str] = mapped_column(choice("archive_kind", ARCHIVE_KINDS), nullable=False, index=True)  # 文书 / 业务
    document_id: Mapped[int | None] = fk("document.id", ondelete="SET NULL")
    note: Mapped[str | None] = mapped_column(sa.String(200))

    volume: Mapped[ArchiveVolume] = relationship(back_populates="items")
    document = relationship("Document")

    def __str__(self) -> str:
        return self.title


class DestructionRecord(Timestamps, Model):
    """对不需要归档的材料要及时销毁 (八（二）1)."""

    __tablename__ = "destruction_record"
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = fk("inspection.id", ondelete="CASCADE", nullable=False)
    material_title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    destroyed_on: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    method: Mapped[str | None] = mapped_column(sa.String(50))  # 粉碎 / 删除电子版
    destroyed_by: Mapped[str | None] = mapped_column(sa.String(50))
    witness: Mapped[str | None] = mapped_column(sa.String(50))

    inspection: Mapped[Inspection] = relationship(lazy="selectin")

    def __str__(self) -> str:
        return f"销毁{self.material_title}"
