"""五、结果反馈 and 七、督查督办, the records the feedback and the 回头看 add: feedback items (反馈事项), who attended
each feedback session, the check of each previous rectification item (反弹检查), and the items a 督办 concerns."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model, Timestamps, choice, fk
from .enums import ATTENDEE_ROLES, REBOUND_RESULTS
from .inspection import Inspection, Meeting
from .org import Person
from .rectification import RectificationItem
from .report import Finding, Recommendation

feedback_item_recommendation = sa.Table(
    "feedback_item_recommendation",
    Model.metadata,
    sa.Column("feedback_item_id", sa.ForeignKey("feedback_item.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("recommendation_id", sa.ForeignKey("recommendation.id", ondelete="CASCADE"), primary_key=True,
              index=True),
)

supervision_item = sa.Table(
    "supervision_item",
    Model.metadata,
    sa.Column("supervision_id", sa.ForeignKey("supervision.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("item_id", sa.ForeignKey("rectification_item.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class FeedbackItem(Timestamps, Model):
    """反馈事项: one problem of the 反馈意见 (五（一） "根据巡察情况报告起草反馈意见"), drawn from a finding, with the
    recommendations that answer it; the ledger (六（一）3 问题清单) is started from these."""

    __tablename__ = "feedback_item"
    __table_args__ = (sa.UniqueConstraint("inspection_id", "finding_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = fk("inspection.id", ondelete="CASCADE", nullable=False)
    finding_id: Mapped[int | None] = fk("finding.id", ondelete="SET NULL")
    seq: Mapped[int | None] = mapped_column(sa.Integer)
    problem: Mapped[str] = mapped_column(sa.Text, nullable=False)
    requirement: Mapped[str | None] = mapped_column(sa.Text)  # 整改要求, from the recommendations

    inspection: Mapped[Inspection] = relationship(lazy="selectin")
    finding: Mapped[Finding | None] = relationship()
    recommendations: Mapped[list[Recommendation]] = relationship(secondary=feedback_item_recommendation)

    def __str__(self) -> str:
        return f"{self.seq or ''}. {(self.problem or '')[:40]}"


class MeetingAttendee(Timestamps, Model):
    """A person at a meeting, in the capacity the procedure names (五（三）: 巡察组组长, 巡察办负责同志 …)."""

    __tablename__ = "meeting_attendee"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = fk("meeting.id", ondelete="CASCADE", nullable=False)
    person_id: Mapped[int] = fk("person.id", ondelete="CASCADE", nullable=False)
    role: Mapped[str] = mapped_column(choice("attendee_role", ATTENDEE_ROLES), nullable=False)
    note: Mapped[str | None] = mapped_column(sa.String(200))

    meeting: Mapped[Meeting] = relationship()
    person: Mapped[Person] = relationship()

    def __str__(self) -> str:
        return f"{self.person.name if self.person else ''}（{self.role}）"


class ReboundCheck(Timestamps, Model):
    """七（二） "巡察组对被巡察单位开展新一轮巡察，应当首先对上一轮巡察整改落实情况进行监督检查": one previous ledger
    row checked by the new inspection, 已巩固 or 反弹; a 反弹 may open a new ledger row (its previous_item)."""

    __tablename__ = "rebound_check"
    __table_args__ = (sa.UniqueConstraint("inspection_id", "previous_item_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = fk("inspection.id", ondelete="CASCADE", nullable=False)
    previous_item_id: Mapped[int] = fk("rectification_item.id", ondelete="CASCADE", nullable=False)
    result: Mapped[str] = mapped_column(choice("rebound_result", REBOUND_RESULTS), nullable=False, index=True)
    note: Mapped[str | None] = mapped_column(sa.Text)
    checked_on: Mapped[date | None] = mapped_column(sa.Date)
    checked_by_id: Mapped[int | None] = fk("person.id", ondelete="SET NULL")
    new_item_id: Mapped[int | None] = fk("rectification_item.id", ondelete="SET NULL")

    inspection: Mapped[Inspection] = relationship(lazy="selectin")
    previous_item: Mapped[RectificationItem] = relationship(foreign_keys=[previous_item_id])
    new_item: Mapped[RectificationItem | None] = relationship(foreign_keys=[new_item_id])
    checked_by: Mapped[Person | None] = relationship()

    def __str__(self) -> str:
        return f"{self.result}：{self.previous_item.task[:30] if self.previous_item else ''}"

