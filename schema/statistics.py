"""九、成果共享: 巡察情况通报 (bulletins) and the rules that flag 重复出现的问题 (普遍性、倾向性问题)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model, Timestamps, choice, fk
from .document import Document
from .enums import REPEAT_FIELDS, REPEAT_SCOPES
from .org import Unit
from .plan import Round
from .transfer import Submission

bulletin_recipient = sa.Table(
    "bulletin_recipient",
    Model.metadata,
    sa.Column("bulletin_id", sa.ForeignKey("bulletin.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("unit_id", sa.ForeignKey("unit.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Bulletin(Timestamps, Model):
    """九（一）巡察情况通报: 巡察办定期向领导小组成员单位以及有关职能部门通报巡察工作开展情况以及发现的主要问题.

    The period is a year, or one round of it; issuing notifies the recipients' users and files the Word document."""

    __tablename__ = "bulletin"
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(sa.Integer, nullable=False, index=True)
    round_id: Mapped[int | None] = fk("round.id", ondelete="SET NULL")  # null: the whole year
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    content: Mapped[str | None] = mapped_column(sa.Text)  # drafted from the period's figures and main problems
    issued_on: Mapped[date | None] = mapped_column(sa.Date, index=True)
    document_id: Mapped[int | None] = fk("document.id", ondelete="SET NULL")  # the issued Word document
    round: Mapped[Round | None] = relationship(lazy="selectin")
    document: Mapped[Document | None] = relationship()
    recipients: Mapped[list[Unit]] = relationship(secondary=bulletin_recipient)

    @property
    def period(self) -> str:
        return self.round.name if self.round else f"{self.year}年度"

    def __str__(self) -> str:
        return self.title


class RepeatRule(Timestamps, Model):
    """When a problem counts as recurring: the same aspect (Finding.aspect) or category (Clue.category) at one
    unit in at least `threshold` rounds, or at at least `threshold` units of one round (rules as rows)."""

    __tablename__ = "repeat_rule"
    __table_args__ = (sa.UniqueConstraint("scope", "field"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(choice("repeat_scope", REPEAT_SCOPES), nullable=False)
    field: Mapped[str] = mapped_column(choice("repeat_field", REPEAT_FIELDS), nullable=False)
    threshold: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    is_active: Mapped[bool] = mapped_column(sa.Boolean, default=True, nullable=False)
    clause: Mapped[str | None] = mapped_column(sa.String(300))

    def __str__(self) -> str:
        unit = "个轮次" if self.scope == "同一单位跨轮次" else "个单位"
        return f"{self.scope}·{self.field}（不少于{self.threshold}{unit}）"


class RepeatSubmission(Model):
    """The Submission made from one flag of a round (round + field + value), so a flag is offered only once."""

    __tablename__ = "repeat_submission"
    __table_args__ = (sa.UniqueConstraint("round_id", "field", "value"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = fk("round.id", ondelete="CASCADE", nullable=False)
    field: Mapped[str] = mapped_column(choice("repeat_submission_field", REPEAT_FIELDS), nullable=False)
    value: Mapped[str] = mapped_column(sa.String(50), nullable=False)
    submission_id: Mapped[int] = fk("submission.id", ondelete="CASCADE", nullable=False)
    submission: Mapped[Submission] = relationship()
