"""一、启动巡察: annual plan with its approvals and nominations, rounds, teams and members."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model, Timestamps, choice, fk
from .enums import APPROVAL_BODIES, ROUND_KINDS, TEAM_ROLES
from .org import Person, Unit


class AnnualPlan(Timestamps, Model):
    """一（一）1: 巡察办拟定年度巡察工作计划 … 报领导小组、党委常委会审批."""

    __tablename__ = "annual_plan"
    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(sa.Integer, unique=True, nullable=False)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    targets: Mapped[str | None] = mapped_column(sa.Text)  # 本轮巡察对象名单
    task_plan: Mapped[str | None] = mapped_column(sa.Text)  # 巡察任务方案

    approvals: Mapped[list[PlanApproval]] = relationship(back_populates="plan", cascade="all, delete-orphan")
    nominations: Mapped[list[LeaderNomination]] = relationship(back_populates="plan", cascade="all, delete-orphan")
    rounds: Mapped[list[Round]] = relationship(back_populates="plan")

    def __str__(self) -> str:
        return self.title


class PlanApproval(Timestamps, Model):
    __tablename__ = "plan_approval"
    __table_args__ = (sa.UniqueConstraint("plan_id", "body"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = fk("annual_plan.id", ondelete="CASCADE", nullable=False)
    body: Mapped[str] = mapped_column(choice("approval_body", APPROVAL_BODIES), nullable=False)
    approved_on: Mapped[date | None] = mapped_column(sa.Date, index=True)
    meeting_name: Mapped[str | None] = mapped_column(sa.String(100))  # e.g. 党委常委会2026年第5次会议
    note: Mapped[str | None] = mapped_column(sa.Text)

    plan: Mapped[AnnualPlan] = relationship(back_populates="approvals")

    def __str__(self) -> str:
        return f"{self.body}审批"


class LeaderNomination(Timestamps, Model):
    """本轮组长建议人选."""

    __tablename__ = "leader_nomination"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = fk("annual_plan.id", ondelete="CASCADE", nullable=False)
    person_id: Mapped[int] = fk("person.id", nullable=False)
    note: Mapped[str | None] = mapped_column(sa.String(200))

    plan: Mapped[AnnualPlan] = relationship(back_populates="nominations")
    person: Mapped[Person] = relationship(lazy="selectin")

    def __str__(self) -> str:
        return str(self.person)


class Round(Timestamps, Model):
    """本轮巡察; a 回头看 round links the round it revisits (七)."""

    __tablename__ = "round"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int | None] = fk("annual_plan.id", ondelete="SET NULL")
    name: Mapped[str] = mapped_column(sa.String(100), unique=True, nullable=False)
    year: Mapped[int] = mapped_column(sa.Integer, nullable=False, index=True)
    kind: Mapped[str] = mapped_column(choice("round_kind", ROUND_KINDS), nullable=False, index=True)
    starts_on: Mapped[date | None] = mapped_column(sa.Date, index=True)
    ends_on: Mapped[date | None] = mapped_column(sa.Date)
    previous_round_id: Mapped[int | None] = fk("round.id", ondelete="SET NULL")
    note: Mapped[str | None] = mapped_column(sa.Text)

    plan: Mapped[AnnualPlan | None] = relationship(back_populates="rounds")
    previous_round: Mapped[Round | None] = relationship(remote_side=[id])
    teams: Mapped[list[Team]] = relationship(back_populates="round")

    def __str__(self) -> str:
        return self.name


class Team(Timestamps, Model):
    """一（一）2: 巡察组, 组长负责制."""

    __tablename__ = "team"
    __table_args__ = (sa.UniqueConstraint("round_id", "name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = fk("round.id", nullable=False)
    name: Mapped[str] = mapped_column(sa.String(50), nullable=False)
    phone: Mapped[str | None] = mapped_column(sa.String(30))
    email: Mapped[str | None] = mapped_column(sa.String(100))
    reception: Mapped[str | None] = mapped_column(sa.String(200))  # 信访接待地点和时间
    mailbox_location: Mapped[str | None] = mapped_column(sa.String(200))  # 意见箱位置

    round: Mapped[Round] = relationship(lazy="selectin", back_populates="teams")
    members: Mapped[list[TeamMember]] = relationship(back_populates="team", cascade="all, delete-orphan")

    def __str__(self) -> str:
        return f"{self.round.name}{self.name}" if self.round else self.name


class TeamMember(Timestamps, Model):
    __tablename__ = "team_member"
    __table_args__ = (sa.UniqueConstraint("team_id", "person_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = fk("team.id", ondelete="CASCADE", nullable=False)
    person_id: Mapped[int] = fk("person.id", nullable=False)
    role: Mapped[str] = mapped_column(choice("team_role", TEAM_ROLES), nullable=False, index=True)
    seconded_from_id: Mapped[int | None] = fk("unit.id", ondelete="SET NULL")  # 抽调单位
    duties: Mapped[str | None] = mapped_column(sa.String(200))  # 分工
    commitment_signed_on: Mapped[date | None] = mapped_column(sa.Date)  # 工作纪律承诺书
    # 回避豁免: 巡察办's reason for keeping on the team a person of (or in conflict with) an inspected unit
    exemption_reason: Mapped[str | None] = mapped_column(sa.String(500))

    team: Mapped[Team] = relationship(back_populates="members")
    person: Mapped[Person] = relationship(lazy="selectin")
    seconded_from: Mapped[Unit | None] = relationship()

    def __str__(self) -> str:
        return f"{self.person.name}（{self.role}）" if self.person else self.role
