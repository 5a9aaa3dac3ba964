"""三（三）（四） 开展巡察: petitions, clues, talks, materials, visits, deep dives, urgent reports, 立行立改.

Talks, petitions, clues and materials are confidential (DOMAIN.md §6).
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model, Timestamps, choice, fk
from .enums import (
    CLASSIFICATIONS,
    CLUE_CATEGORIES,
    CLUE_SOURCES,
    CLUE_STATUSES,
    CUSTODY_EVENTS,
    DISPOSALS,
    FIX_STATUSES,
    PETITION_CHANNELS,
    PETITION_TRIAGE,
    URGENT_RECIPIENTS,
)
from .inspection import Inspection, SurveyResponse
from .org import Person, Unit

talk_interviewer = sa.Table(
    "talk_interviewer",
    Model.metadata,
    sa.Column("talk_id", sa.ForeignKey("talk.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("person_id", sa.ForeignKey("person.id", ondelete="CASCADE"), primary_key=True, index=True),
)

clue_person = sa.Table(
    "clue_person",
    Model.metadata,
    sa.Column("clue_id", sa.ForeignKey("clue.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("person_id", sa.ForeignKey("person.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class Petition(Timestamps, Model):
    """三（三）4 受理信访 (附件11)."""

    __tablename__ = "petition"
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = fk("inspection.id", ondelete="CASCADE", nullable=False)
    code: Mapped[str | None] = mapped_column(sa.String(30), index=True)  # 编号
    channel: Mapped[str] = mapped_column(choice("petition_channel", PETITION_CHANNELS), nullable=False, index=True)
    received_on: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    is_anonymous: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)
    # The petitioner's identity: hidden on every path unless revealed with a recorded reason (app.audit.identity_columns).
    petitioner_name: Mapped[str | None] = mapped_column(sa.String(50), info={"identity": True})
    petitioner_contact: Mapped[str | None] = mapped_column(sa.String(100), info={"identity": True})
    subject_name: Mapped[str | None] = mapped_column(sa.String(100))  # 被反映人
    summary: Mapped[str] = mapped_column(sa.Text, nullable=False)
    registered_by_id: Mapped[int | None] = fk("person.id", ondelete="SET NULL")
    triage: Mapped[str] = mapped_column(choice("petition_triage", PETITION_TRIAGE), default="待处理", nullable=False, index=True)
    triage_reason: Mapped[str | None] = mapped_column(sa.String(500))
    duplicate_of_id: Mapped[int | None] = fk("petition.id", ondelete="SET NULL")
    # 码上巡察 (网络 channel): the submitter holds a receipt code and a passphrase (stored only hashed) that show the
    # status and the team's reply; nothing about the submitter's address, browser or cookie is kept.
    receipt_code: Mapped[str | None] = mapped_column(sa.String(20), unique=True)
    passphrase_hash: Mapped[str | None] = mapped_column(sa.String(256), info={"credential": True})
    reply: Mapped[str | None] = mapped_column(sa.Text)  # 巡察组答复 (step 答复信访人)
    replied_on: Mapped[date | None] = mapped_column(sa.Date)
    replied_by_id: Mapped[int | None] = fk("person.id", ondelete="SET NULL")
    suspected_duplicate: Mapped[bool] = mapped_column(sa.Boolean, default=False, server_default=sa.false(),
                                                      nullable=False)  # same matter already submitted online

    inspection: Mapped[Inspection] = relationship(lazy="selectin")
    registered_by: Mapped[Person | None] = relationship(foreign_keys=[registered_by_id])
    replied_by: Mapped[Person | None] = relationship(foreign_keys=[replied_by_id])
    duplicate_of: Mapped[Petition | None] = relationship(remote_side=[id])
    attachments: Mapped[list["Document"]] = relationship("Document", secondary="petition_document")  # noqa: F821

    def __str__(self) -> str:
        return self.code or f"信访 #{self.id}"


class Talk(Timestamps, Model):
    """三（三）5 个别谈话 (附件13, 14): 两人一组, 单独谈话须经组长同意; 记录由组长审阅."""

    __tablename__ = "talk"
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = fk("inspection.id", ondelete="CASCADE", nullable=False)
    interviewee_id: Mapped[int] = fk("person.id", nullable=False)
    held_on: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    place: Mapped[str | None] = mapped_column(sa.String(100))
    interviewee_category: Mapped[str | None] = mapped_column(sa.String(50))  # 谈话对象类别
    outline: Mapped[str | None] = mapped_column(sa.Text)  # 附件13
    record: Mapped[str | None] = mapped_column(sa.Text)  # 附件14, 原汁原味
    recorder_id: Mapped[int | None] = fk("person.id", ondelete="SET NULL")
    single_approved_by_id: Mapped[int | None] = fk("person.id", ondelete="SET NULL")
    single_approved_on: Mapped[date | None] = mapped_column(sa.Date)
    reviewed_by_id: Mapped[int | None] = fk("person.id", ondelete="SET NULL")
    reviewed_on: Mapped[date | None] = mapped_column(sa.Date)

    inspection: Mapped[Inspection] = relationship(lazy="selectin")
    interviewee: Mapped[Person] = relationship(lazy="selectin", foreign_keys=[interviewee_id])
    interviewers: Mapped[list[Person]] = relationship(secondary=talk_interviewer)
    recorder: Mapped[Person | None] = relationship(foreign_keys=[recorder_id])
    single_approved_by: Mapped[Person | None] = relationship(foreign_keys=[single_approved_by_id])
    reviewed_by: Mapped[Person | None] = relationship(foreign_keys=[reviewed_by_id])

    def __str__(self) -> str:
        # A displayed name (dropdowns, links, history) carries no confidential content: not the interviewee.
        return f"个别谈话 #{self.id}（{self.held_on}）"


class Material(Timestamps, Model):
    """三（三）6 调阅资料 (附件15): 重要资料须经组长批准, 专人保管, 及时归还, 涉密按保密规定."""

    __tablename__ = "material"
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = fk("inspection.id", ondelete="CASCADE", nullable=False)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    provider_unit_id: Mapped[int | None] = fk("unit.id", ondelete="SET NULL")
    provider_name: Mapped[str | None] = mapped_column(sa.String(50))
    copies: Mapped[int | None] = mapped_column(sa.Integer)
    pages: Mapped[int | None] = mapped_column(sa.Integer)
    received_on: Mapped[date | None] = mapped_column(sa.Date, index=True)
    received_by_id: Mapped[int | None] = fk("person.id", ondelete="SET NULL")
    classification: Mapped[str] = mapped_column(choice("classification", CLASSIFICATIONS), default="非密", nullable=False)
    is_original: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)
    is_important: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)
    approved_by_id: Mapped[int | None] = fk("person.id", ondelete="SET NULL")
    approved_on: Mapped[date | None] = mapped_column(sa.Date)
    custodian_id: Mapped[int | None] = fk("person.id", ondelete="SET NULL")
    returned_on: Mapped[date | None] = mapped_column(sa.Date)
    note: Mapped[str | None] = mapped_column(sa.String(500))

    inspection: Mapped[Inspection] = relationship(lazy="selectin")
    provider_unit: Mapped[Unit | None] = relationship()
    received_by: Mapped[Person | None] = relationship(foreign_keys=[received_by_id])
    approved_by: Mapped[Person | None] = relationship(foreign_keys=[approved_by_id])
    custodian: Mapped[Person | None] = relationship(foreign_keys=[custodian_id])
    custody_events: Mapped[list[CustodyEvent]] = relationship(back_populates="material", cascade="all, delete-orphan")

    def __str__(self) -> str:
        # not the material's name: a displayed name carries no confidential content (the page shows it to readers)
        return f"调阅资料 #{self.id}（{self.received_on or '未登记接收日期'}）"


class CustodyEvent(Timestamps, Model):
    __tablename__ = "custody_event"
    id: Mapped[int] = mapped_column(primary_key=True)
    material_id: Mapped[int] = fk("material.id", ondelete="CASCADE", nullable=False)
    kind: Mapped[str] = mapped_column(choice("custody_kind", CUSTODY_EVENTS), nullable=False)
    happened_on: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    handled_by_id: Mapped[int | None] = fk("person.id", ondelete="SET NULL")
    note: Mapped[str | None] = mapped_column(sa.String(500))

    material: Mapped[Material] = relationship(back_populates="custody_events")
    handled_by: Mapped[Person | None] = relationship()

    def __str__(self) -> str:
        return f"{self.kind} {self.happened_on}"


class Visit(Timestamps, Model):
    """三（三）7 走访调研 (附件16), 经巡察组组长批准."""

    __tablename__ = "visit"
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = fk("inspection.id", ondelete="CASCADE", nullable=False)
    target: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    held_on: Mapped[date | None] = mapped_column(sa.Date, index=True)
    place: Mapped[str | None] = mapped_column(sa.String(100))
    participants: Mapped[str | None] = mapped_column(sa.String(500))
    topic: Mapped[str | None] = mapped_column(sa.String(200))
    findings: Mapped[str | None] = mapped_column(sa.Text)
    approved_by_id: Mapped[int | None] = fk("person.id", ondelete="SET NULL")
    approved_on: Mapped[date | None] = mapped_column(sa.Date)  # the step 组长批准走访调研 (issue 13)
    recorder_id: Mapped[int | None] = fk("person.id", ondelete="SET NULL")

    inspection: Mapped[Inspection] = relationship(lazy="selectin")
    approved_by: Mapped[Person | None] = relationship(foreign_keys=[approved_by_id])
    recorder: Mapped[Person | None] = relationship(foreign_keys=[recorder_id])

    def __str__(self) -> str:
        return f"走访{self.target}"


class Clue(Timestamps, Model):
    """问题线索, routed by rule (六（二）) and transferred after the 学校党委 decides."""

    __tablename__ = "clue"
    # 领导看板 (app.dashboards): clues counted per inspection, state and department from the index alone
    __table_args__ = (
        sa.Index("ix_clue_inspection_status_department", "inspection_id", "status", "department_id"),
        # the clues a team still sees (六（二）3), counted the same way
        sa.Index("ix_clue_unsent", "inspection_id", "status", "department_id",
                 postgresql_where=sa.text("transferred_on IS NULL"), sqlite_where=sa.text("transferred_on IS NULL")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = fk("inspection.id", ondelete="CASCADE", nullable=False)
    code: Mapped[str | None] = mapped_column(sa.String(30), index=True)
    source: Mapped[str] = mapped_column(choice("clue_source", CLUE_SOURCES), nullable=False, index=True)
    petition_id: Mapped[int | None] = fk("petition.id", ondelete="SET NULL")
    talk_id: Mapped[int | None] = fk("talk.id", ondelete="SET NULL")
    material_id: Mapped[int | None] = fk("material.id", ondelete="SET NULL")
    visit_id: Mapped[int | None] = fk("visit.id", ondelete="SET NULL")
    survey_response_id: Mapped[int | None] = fk("survey_response.id", ondelete="SET NULL")
    category: Mapped[str] = mapped_column(choice("clue_category", CLUE_CATEGORIES), nullable=False, index=True)
    involves_leadership: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False, index=True)
    summary: Mapped[str] = mapped_column(sa.Text, nullable=False)
    status: Mapped[str] = mapped_column(choice("clue_status", CLUE_STATUSES), default="登记", nullable=False, index=True)
    disposal: Mapped[str | None] = mapped_column(choice("disposal", DISPOSALS), index=True)
    department_id: Mapped[int | None] = fk("unit.id", ondelete="SET NULL")  # 接收部门
    routing_rule_id: Mapped[int | None] = fk("routing_rule.id", ondelete="SET NULL")  # the rule that matched
    proposal_reason: Mapped[str | None] = mapped_column(sa.String(500))  # why the team departs from the rule
    decision_on: Mapped[date | None] = mapped_column(sa.Date)  # 学校党委分类处置的决定
    decision_meeting: Mapped[str | None] = mapped_column(sa.String(100))
    decision: Mapped[str | None] = mapped_column(sa.String(500))
    # The day the first sent transfer listing the clue left (六（二）3); NULL while it is with the team. Written by
    # the database's triggers on transfer_clue and transfer (migration 0005n), never by the application.
    transferred_on: Mapped[date | None] = mapped_column(sa.Date)

    inspection: Mapped[Inspection] = relationship(lazy="selectin")
    petition: Mapped[Petition | None] = relationship()
    talk: Mapped[Talk | None] = relationship()
    material: Mapped[Material | None] = relationship()
    visit: Mapped[Visit | None] = relationship()
    survey_response: Mapped[SurveyResponse | None] = relationship()
    department: Mapped[Unit | None] = relationship(lazy="selectin")
    routing_rule = relationship("RoutingRule")
    persons: Mapped[list[Person]] = relationship(secondary=clue_person)
    exhibits: Mapped[list["ClueExhibit"]] = relationship(  # noqa: F821  the transfer package (六（二）2)
        "ClueExhibit", back_populates="clue", cascade="all, delete-orphan")

    def __str__(self) -> str:
        return self.code or f"线索 #{self.id}"


class DeepDive(Timestamps, Model):
    """三（三）9 深入了解: 指定专人负责, 工作方案报组长审批后实施, 结束后起草情况报告."""

    __tablename__ = "deep_dive"
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = fk("inspection.id", ondelete="CASCADE", nullable=False)
    topic: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    owner_id: Mapped[int | None] = fk("person.id", ondelete="SET NULL")
    plan: Mapped[str | None] = mapped_column(sa.Text)
    plan_approved_by_id: Mapped[int | None] = fk("person.id", ondelete="SET NULL")
    plan_approved_on: Mapped[date | None] = mapped_column(sa.Date)
    report: Mapped[str | None] = mapped_column(sa.Text)
    finished_on: Mapped[date | None] = mapped_column(sa.Date, index=True)

    inspection: Mapped[Inspection] = relationship(lazy="selectin")
    owner: Mapped[Person | None] = relationship(foreign_keys=[owner_id])
    plan_approved_by: Mapped[Person | None] = relationship(foreign_keys=[plan_approved_by_id])

    def __str__(self) -> str:
        return self.topic


class UrgentReport(Timestamps, Model):
    """三（四）1 重要情况报告: 向领导小组有关领导汇报, 必要时组长直接向党委书记汇报."""

    __tablename__ = "urgent_report"
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = fk("inspection.id", ondelete="CASCADE", nullable=False)
    reported_on: Mapped[date] = mapped_column(sa.Date, nullable=False, index=True)
    recipient: Mapped[str] = mapped_column(choice("urgent_recipient", URGENT_RECIPIENTS), nullable=False)
    reporter_id: Mapped[int | None] = fk("person.id", ondelete="SET NULL")
    summary: Mapped[str] = mapped_column(sa.Text, nullable=False)
    instructions: Mapped[str | None] = mapped_column(sa.Text)  # 领导批示 / 工作意见

    inspection: Mapped[Inspection] = relationship(lazy="selectin")
    reporter: Mapped[Person | None] = relationship()

    def __str__(self) -> str:
        return f"重要情况报告 {self.reported_on}"


class ImmediateFix(Timestamps, Model):
    """三（四）2 立行立改, and 六（二）5 处理意见 for problems 师生反映强烈 that can be fixed at once."""

    __tablename__ = "immediate_fix"
    id: Mapped[int] = mapped_column(primary_key=True)
    inspection_id: Mapped[int] = fk("inspection.id", ondelete="CASCADE", nullable=False)
    clue_id: Mapped[int | None] = fk("clue.id", ondelete="SET NULL")
    issue: Mapped[str] = mapped_column(sa.Text, nullable=False)
    requirement: Mapped[str | None] = mapped_column(sa.Text)
    raised_on: Mapped[date | None] = mapped_column(sa.Date, index=True)
    is_major: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)  # 重大、敏感: 报领导小组同意
    leading_group_approved_on: Mapped[date | None] = mapped_column(sa.Date)
    status: Mapped[str] = mapped_column(choice("fix_status", FIX_STATUSES), default="已提出", nullable=False, index=True)
    closed_on: Mapped[date | None] = mapped_column(sa.Date)
    result: Mapped[str | None] = mapped_column(sa.Text)

    inspection: Mapped[Inspection] = relationship(lazy="selectin")
    clue: Mapped[Clue | None] = relationship()

    def __str__(self) -> str:
        return (self.issue or "")[:30]
