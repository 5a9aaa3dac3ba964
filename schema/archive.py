"""八、立卷归档: archive volume per inspection, its items (附件24), and destruction records."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model, Timestamps, choice, fk
from .enums import ARCHIVE_KINDS, ARCHIVE_RECORD_TYPES, ARCHIVE_STAGES, CLASSIFICATIONS, RETENTION_PERIODS
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
    # 八（二）2 巡察办…做好涉密材料等的回收和管理: at handover every stored file is checked against its SHA-256.
    verified_count: Mapped[int | None] = mapped_column(sa.Integer)  # files whose checksum matched
    verified_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    verified_by: Mapped[str | None] = mapped_column(sa.String(100))
    override_reason: Mapped[str | None] = mapped_column(sa.Text)  # 巡察办's reason to accept with items missing

    inspection: Mapped[Inspection] = relationship(lazy="selectin")
    items: Mapped[list[ArchiveItem]] = relationship(back_populates="volume", cascade="all, delete-orphan", order_by="ArchiveItem.seq")

    def __str__(self) -> str:
        return self.title


class ArchiveRequirement(Timestamps, Model):
    """One document an inspection's archive must hold (八（一）), by stage; rows are data (系统设置 → 归档要求).

    Recognised by a Document of `attachment_no` (generated or uploaded) or, when `record_type` is set, by the
    inspection's records of that type; `applies_if` limits it to inspections that have such records.
    """

    __tablename__ = "archive_requirement"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(10), nullable=False, unique=True)
    stage: Mapped[str] = mapped_column(choice("archive_stage", ARCHIVE_STAGES), nullable=False)
    seq: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    title: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    kind: Mapped[str] = mapped_column(choice("archive_kind", ARCHIVE_KINDS), nullable=False)  # 文书 / 业务
    attachment_no: Mapped[int | None] = mapped_column(sa.Integer)
    record_type: Mapped[str | None] = mapped_column(choice("archive_record_type", ARCHIVE_RECORD_TYPES))
    applies_if: Mapped[str | None] = mapped_column(choice("archive_applies_if", ARCHIVE_RECORD_TYPES))
    clause: Mapped[str | None] = mapped_column(sa.Text)
    is_active: Mapped[bool] = mapped_column(sa.Boolean, default=True, nullable=False)

    @property
    def name(self) -> str:
        return f"附件{self.attachment_no} {self.title}" if self.attachment_no else self.title

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


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
    requirement_id: Mapped[int | None] = fk("archive_requirement.id", ondelete="SET NULL")  # what it answers

    volume: Mapped[ArchiveVolume] = relationship(back_populates="items")
    document = relationship("Document")
    requirement: Mapped[ArchiveRequirement | None] = relationship()

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
    # A stored file destroyed with it: its row stays (the name, SHA-256 and history are the trace), the file goes.
    document_id: Mapped[int | None] = fk("document.id", ondelete="SET NULL")
    document_sha256: Mapped[str | None] = mapped_column(sa.String(64))

    inspection: Mapped[Inspection] = relationship(lazy="selectin")
    document = relationship("Document")

    def __str__(self) -> str:
        return f"销毁{self.material_title}"
