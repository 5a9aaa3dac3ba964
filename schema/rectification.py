"""六（一）整改类 and 七、督查督办: the rectification, its ledger (台账) rows, and supervision records."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model, Timestamps, choice, fk
from .enums import RECTIFICATION_PHASES, RECTIFICATION_STATUSES, SUPERVISION_KINDS
from .inspection import Inspection
from .org import Person
from .report import Finding

rectification_evidence = sa.Table(
    "rectification_evidence",
    Model.metadata,
    sa.Column("item_id", sa.ForeignKey("rectification_item.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("document_id", sa.ForeignKey("document.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Rectification(Timestamps, Model):
    """The unit's rectification: 专题民主生活会 (D7), plan (D8), report (D9), public notice."""

    __tablename__ = "rectification"
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = fk("inspection.id", ondelete="CASCADE", nullable=False, unique=True)
    first_responsible_id: Mapped[int | None] = fk("person.id", ondelete="SET NULL")  # 党组织主要负责人, 第一责任人
    plan_submitted_on: Mapped[date | None] = mapped_column(sa.Date, index=True)
    report_submitted_on: Mapped[date | None] = mapped_column(sa.Date, index=True)
    report_approved_on: Mapped[date | None] = mapped_column(sa.Date)  # 领导小组批准
    notice_text: Mapped[str | None] = mapped_column(sa.Text)  # 整改情况通报稿
    notice_unpublishable: Mapped[str | None] = mapped_column(sa.Text)  # 不宜公开事项的说明
    notice_published_on: Mapped[date | None] = mapped_column(sa.Date)

    inspection: Mapped[Inspection] = relationship(lazy="selectin")
    first_responsible: Mapped[Person | None] = relationship()

    def __str__(self) -> str:
        return f"{self.inspection}整改"


class RectificationItem(Timestamps, Model):
    """One row of the 台账: 问题清单 (problem), 责任清单 (responsible), 任务清单 (task, measures, due date)."""

    __tablename__ = "rectification_item"
    # 领导看板 (app.dashboards): 台账 rows counted per inspection and status from the index alone
    __table_args__ = (sa.Index("ix_rectification_item_inspection_status", "inspection_id", "status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = fk("inspection.id", ondelete="CASCADE", nullable=False)
    finding_id: Mapped[int | None] = fk("finding.id", ondelete="SET NULL")
    previous_item_id: Mapped[int | None] = fk("rectification_item.id", ondelete="SET NULL")  # 回头看
    seq: Mapped[int | None] = mapped_column(sa.Integer)
    problem: Mapped[str | None] = mapped_column(sa.Text)
    task: Mapped[str] = mapped_column(sa.Text, nullable=False)
    measures: Mapped[str | None] = mapped_column(sa.Text)
    responsible_id: Mapped[int | None] = fk("person.id", ondelete="SET NULL")
    leader_id: Mapped[int | None] = fk("person.id", ondelete="SET NULL")  # 分管领导
    phase: Mapped[str | None] = mapped_column(choice("rectification_phase", RECTIFICATION_PHASES))
    due_date: Mapped[date | None] = mapped_column(sa.Date, index=True)
    status: Mapped[str] = mapped_column(
        choice("rectification_status", RECTIFICATION_STATUSES), default="未启动", nullable=False, index=True
    )
    progress: Mapped[str | None] = mapped_column(sa.Text)
    completed_on: Mapped[date | None] = mapped_column(sa.Date)
    reviewed_by_id: Mapped[int | None] = fk("person.id", ondelete="SET NULL")
    reviewed_on: Mapped[date | None] = mapped_column(sa.Date)
    publishable: Mapped[bool] = mapped_column(sa.Boolean, default=True, nullable=False)

    inspection: Mapped[Inspection] = relationship(lazy="selectin")
    finding: Mapped[Finding | None] = relationship()
    previous_item: Mapped[RectificationItem | None] = relationship(remote_side=[id])
    responsible: Mapped[Person | None] = relationship(foreign_keys=[responsible_id])
    leader: Mapped[Person | None] = relationship(foreign_keys=[leader_id])
    reviewed_by: Mapped[Person | None] = relationship(foreign_keys=[reviewed_by_id])
    evidence = relationship("Document", secondary=rectification_evidence)

    def __str__(self) -> str:
        return (self.task or "")[:40]


class Supervision(Timestamps, Model):
    """七 督查督办: 督办, 听取整改汇报, 成效评价, 回头看."""

    __tablename__ = "supervision"
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = fk("inspection.id", ondelete="CASCADE", nullable=False)
    kind: Mapped[str] = mapped_column(choice("supervision_kind", SUPERVISION_KINDS), nullable=False, index=True)
    held_on: Mapped[date | None] = mapped_column(sa.Date, index=True)
    supervisor: Mapped[str | None] = mapped_column(sa.String(50))  # 巡察办 / 党委办公室
    content: Mapped[str | None] = mapped_column(sa.Text)
    result: Mapped[str | None] = mapped_column(sa.Text)

    inspection: Mapped[Inspection] = relationship(lazy="selectin")
    items: Mapped[list[RectificationItem]] = relationship(secondary="supervision_item")  # 督办的台账事项 (optional)

    def __str__(self) -> str:
        return f"{self.kind} {self.held_on or ''}"
