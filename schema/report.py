"""四、巡察报告 and 五、结果反馈: findings, recommendations, reports, feedback and its 签收单."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model, Timestamps, choice, fk
from .enums import ASPECTS, SIGNER_ROLES
from .fieldwork import Clue, Material, Petition, Talk
from .inspection import Inspection
from .org import Person


def _link(name: str, left: str, right: str) -> sa.Table:
    return sa.Table(
        name,
        Model.metadata,
        sa.Column(f"{left}_id", sa.ForeignKey(f"{left}.id", ondelete="CASCADE"), primary_key=True),
        sa.Column(f"{right}_id", sa.ForeignKey(f"{right}.id", ondelete="CASCADE"), primary_key=True, index=True),
    )


finding_talk = _link("finding_talk", "finding", "talk")
finding_clue = _link("finding_clue", "finding", "clue")
finding_petition = _link("finding_petition", "finding", "petition")
finding_material = _link("finding_material", "finding", "material")
recommendation_finding = _link("recommendation_finding", "recommendation", "finding")


class Finding(Timestamps, Model):
    """发现的问题 under one of the six aspects (四（一）2), 有观点、有事例、有数据、有分析."""

    __tablename__ = "finding"
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = fk("inspection.id", ondelete="CASCADE", nullable=False)
    aspect: Mapped[str] = mapped_column(choice("aspect", ASPECTS), nullable=False, index=True)
    seq: Mapped[int | None] = mapped_column(sa.Integer)
    summary: Mapped[str] = mapped_column(sa.String(500), nullable=False)
    detail: Mapped[str | None] = mapped_column(sa.Text)
    is_general: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)  # 普遍性、倾向性 → 提交类

    inspection: Mapped[Inspection] = relationship(lazy="selectin")
    talks: Mapped[list[Talk]] = relationship(secondary=finding_talk)
    clues: Mapped[list[Clue]] = relationship(secondary=finding_clue)
    petitions: Mapped[list[Petition]] = relationship(secondary=finding_petition)
    materials: Mapped[list[Material]] = relationship(secondary=finding_material)

    def __str__(self) -> str:
        return f"【{self.aspect}】{self.summary[:40]}"


class Recommendation(Timestamps, Model):
    """意见建议, 与问题相对应 (四（一）3)."""

    __tablename__ = "recommendation"
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = fk("inspection.id", ondelete="CASCADE", nullable=False)
    seq: Mapped[int | None] = mapped_column(sa.Integer)
    text: Mapped[str] = mapped_column(sa.Text, nullable=False)

    inspection: Mapped[Inspection] = relationship(lazy="selectin")
    findings: Mapped[list[Finding]] = relationship(secondary=recommendation_finding)

    def __str__(self) -> str:
        return self.text[:40]


class InspectionReport(Timestamps, Model):
    """巡察情况报告 (附件17), 总体篇幅一般在3000字左右; 征求巡察办意见, 领导小组审阅后向常委会汇报."""

    __tablename__ = "inspection_report"
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = fk("inspection.id", ondelete="CASCADE", nullable=False, unique=True)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    basic_situation: Mapped[str | None] = mapped_column(sa.Text)
    body: Mapped[str | None] = mapped_column(sa.Text)
    drafted_on: Mapped[date | None] = mapped_column(sa.Date)
    office_reviewed_on: Mapped[date | None] = mapped_column(sa.Date)
    leader_reviewed_on: Mapped[date | None] = mapped_column(sa.Date)
    special_report: Mapped[str | None] = mapped_column(sa.Text)  # 四（一）4 专题报告

    inspection: Mapped[Inspection] = relationship(lazy="selectin")

    def __str__(self) -> str:
        return self.title


class TalkReport(Timestamps, Model):
    """个别谈话情况报告 (附件18): 对党组织的评价, 对领导班子成员的评价, 原汁原味."""

    __tablename__ = "talk_report"
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = fk("inspection.id", ondelete="CASCADE", nullable=False, unique=True)
    org_evaluation: Mapped[str | None] = mapped_column(sa.Text)
    leader_evaluations: Mapped[str | None] = mapped_column(sa.Text)
    drafted_on: Mapped[date | None] = mapped_column(sa.Date)

    inspection: Mapped[Inspection] = relationship(lazy="selectin")

    def __str__(self) -> str:
        return f"{self.inspection}个别谈话情况报告"


class Feedback(Timestamps, Model):
    """反馈意见 (附件19) and 反馈工作方案 (附件20); the three sessions are meetings of kind 个别/班子/大会反馈."""

    __tablename__ = "feedback"
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = fk("inspection.id", ondelete="CASCADE", nullable=False, unique=True)
    doc_no: Mapped[str | None] = mapped_column(sa.String(50))
    overall: Mapped[str | None] = mapped_column(sa.Text)  # 总体评价
    opinion: Mapped[str | None] = mapped_column(sa.Text)  # 整改意见
    requirements: Mapped[str | None] = mapped_column(sa.Text)  # 整改要求
    plan: Mapped[str | None] = mapped_column(sa.Text)  # 反馈工作方案: 时间, 对象, 方式, 参加人员
    leading_group_approved_on: Mapped[date | None] = mapped_column(sa.Date)

    inspection: Mapped[Inspection] = relationship(lazy="selectin")
    signatures: Mapped[list[FeedbackSignature]] = relationship(back_populates="feedback", cascade="all, delete-orphan")

    def __str__(self) -> str:
        return f"{self.inspection}反馈意见"


class FeedbackSignature(Timestamps, Model):
    """五（三）1 签收单 (附件22): 组长, 被巡察党组织主要负责人, 巡察办负责人 each sign."""

    __tablename__ = "feedback_signature"
    __table_args__ = (sa.UniqueConstraint("feedback_id", "signer_role"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    feedback_id: Mapped[int] = fk("feedback.id", ondelete="CASCADE", nullable=False)
    signer_role: Mapped[str] = mapped_column(choice("signer_role", SIGNER_ROLES), nullable=False)
    person_id: Mapped[int | None] = fk("person.id", ondelete="SET NULL")
    signed_on: Mapped[date | None] = mapped_column(sa.Date)

    feedback: Mapped[Feedback] = relationship(back_populates="signatures")
    person: Mapped[Person | None] = relationship()

    def __str__(self) -> str:
        return f"{self.signer_role}签字"
