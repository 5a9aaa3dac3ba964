"""六（二）移送类 and 六（三）提交类: routing rules, transfers to departments, submissions."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model, Timestamps, choice, fk
from .document import Document
from .enums import CLUE_CATEGORIES, DISPOSALS, EXHIBIT_KINDS, SUBMISSION_STATUSES, TRANSFER_HANDLING
from .fieldwork import Clue
from .inspection import Inspection
from .org import Unit
from .plan import Round

transfer_clue = sa.Table(
    "transfer_clue",
    Model.metadata,
    sa.Column("transfer_id", sa.ForeignKey("transfer.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("clue_id", sa.ForeignKey("clue.id", ondelete="CASCADE"), primary_key=True, index=True),
)

submission_clue = sa.Table(
    "submission_clue",
    Model.metadata,
    sa.Column("submission_id", sa.ForeignKey("submission.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("clue_id", sa.ForeignKey("clue.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class ClueExhibit(Timestamps, Model):
    """One item of a clue's transfer package (六（二）2): a file of one kind, or the stated reason it is absent."""

    __tablename__ = "clue_exhibit"
    __table_args__ = (
        sa.CheckConstraint("document_id IS NOT NULL OR absent_reason IS NOT NULL", name="file_or_reason"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    clue_id: Mapped[int] = fk("clue.id", ondelete="CASCADE", nullable=False)
    kind: Mapped[str] = mapped_column(choice("exhibit_kind", EXHIBIT_KINDS), nullable=False)
    document_id: Mapped[int | None] = fk("document.id", ondelete="RESTRICT")
    absent_reason: Mapped[str | None] = mapped_column(sa.String(300))
    note: Mapped[str | None] = mapped_column(sa.String(300))

    clue: Mapped[Clue] = relationship(back_populates="exhibits")
    document: Mapped[Document | None] = relationship(lazy="selectin")

    def __str__(self) -> str:
        # not the file's name, which may name a person: a displayed name carries no confidential content
        return f"{self.kind}：{'已附文件' if self.document_id else '缺（' + (self.absent_reason or '') + '）'}"


class RoutingRule(Timestamps, Model):
    """category × involves_leadership → department, evaluated by priority, first match wins (DOMAIN.md §5)."""

    __tablename__ = "routing_rule"
    id: Mapped[int] = mapped_column(primary_key=True)
    priority: Mapped[int] = mapped_column(sa.Integer, nullable=False, index=True)
    category: Mapped[str | None] = mapped_column(choice("routing_category", CLUE_CATEGORIES))  # null: any
    involves_leadership: Mapped[bool | None] = mapped_column(sa.Boolean)  # null: either
    department_id: Mapped[int | None] = fk("unit.id", ondelete="SET NULL")  # null: 相关部门, chosen by hand
    disposal: Mapped[str] = mapped_column(choice("routing_disposal", DISPOSALS), default="移送类", nullable=False)
    clause: Mapped[str | None] = mapped_column(sa.String(300))  # the procedure's words behind the rule
    is_active: Mapped[bool] = mapped_column(sa.Boolean, default=True, nullable=False)

    department: Mapped[Unit | None] = relationship(lazy="selectin")

    def __str__(self) -> str:
        return f"规则{self.priority}：{self.category or '任意类别'} → {self.department or '相关部门'}"


class Transfer(Timestamps, Model):
    """A batch of clues handed to one department with its list (附件12); 3 months to report (D10)."""

    __tablename__ = "transfer"
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int | None] = fk("inspection.id", ondelete="SET NULL")
    department_id: Mapped[int] = fk("unit.id", nullable=False)
    doc_no: Mapped[str | None] = mapped_column(sa.String(50))
    transferred_on: Mapped[date | None] = mapped_column(sa.Date, index=True)
    received_on: Mapped[date | None] = mapped_column(sa.Date, index=True)  # D10 anchor
    handed_by: Mapped[str | None] = mapped_column(sa.String(50))
    received_by: Mapped[str | None] = mapped_column(sa.String(50))
    handling: Mapped[str | None] = mapped_column(choice("transfer_handling", TRANSFER_HANDLING))
    result: Mapped[str | None] = mapped_column(sa.Text)
    reported_on: Mapped[date | None] = mapped_column(sa.Date)  # 办理情况报领导小组

    inspection: Mapped[Inspection | None] = relationship(lazy="selectin")
    department: Mapped[Unit] = relationship(lazy="selectin")
    clues: Mapped[list[Clue]] = relationship(secondary=transfer_clue)

    @property
    def stage(self) -> str:
        """Where the batch stands: built, sent, acknowledged (D10 runs), reported."""
        if self.transferred_on is None:
            return "待移送"
        if self.received_on is None:
            return "待签收"
        return "办理中" if self.reported_on is None else "已报告"

    def __str__(self) -> str:
        return f"移送{self.department}（{self.transferred_on or '未移送'}）"


class Submission(Timestamps, Model):
    """提交类: special report on general problems to the 党委 or a department; 3 months to report (D11)."""

    __tablename__ = "submission"
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int | None] = fk("round.id", ondelete="SET NULL")
    inspection_id: Mapped[int | None] = fk("inspection.id", ondelete="SET NULL")
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    summary: Mapped[str | None] = mapped_column(sa.Text)
    department_id: Mapped[int | None] = fk("unit.id", ondelete="SET NULL")  # null: 学校党委
    is_good_practice: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)  # 典型经验
    received_on: Mapped[date | None] = mapped_column(sa.Date, index=True)  # D11 anchor
    status: Mapped[str] = mapped_column(choice("submission_status", SUBMISSION_STATUSES), default="已提交", nullable=False, index=True)
    reported_on: Mapped[date | None] = mapped_column(sa.Date)
    result: Mapped[str | None] = mapped_column(sa.Text)

    round: Mapped[Round | None] = relationship()
    inspection: Mapped[Inspection | None] = relationship(lazy="selectin")
    department: Mapped[Unit | None] = relationship(lazy="selectin")
    clues: Mapped[list[Clue]] = relationship(secondary=submission_clue)  # the 提交类 clues it answers

    def __str__(self) -> str:
        return self.title
