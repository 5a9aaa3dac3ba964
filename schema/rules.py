"""Rules as rows: the working-day calendar, the deadline rules D1–D12 (DOMAIN.md §3), computed deadlines, notifications."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model, Timestamps, choice, fk, utcnow
from .enums import CODED_MODELS, CODED_MODELS_LABELS, DEADLINE_ANCHORS, DEADLINE_STATUSES, DIRECTIONS, RESPONSIBLE_PARTIES, STATUS_ENTITIES, TIME_UNITS


class CalendarDay(Model):
    """One day of the Chinese calendar: weekends and legal holidays off, 调休 weekend days on."""

    __tablename__ = "calendar_day"
    id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(sa.Date, unique=True, nullable=False)
    is_workday: Mapped[bool] = mapped_column(sa.Boolean, nullable=False)
    note: Mapped[str | None] = mapped_column(sa.String(50))  # 国庆节 / 春节调休 …

    def __str__(self) -> str:
        return self.day.isoformat()


class DeadlineRule(Timestamps, Model):
    __tablename__ = "deadline_rule"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(10), unique=True, nullable=False)
    title: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    anchor: Mapped[str] = mapped_column(choice("deadline_anchor", DEADLINE_ANCHORS), nullable=False)
    direction: Mapped[str] = mapped_column(choice("deadline_direction", DIRECTIONS), nullable=False)
    offset: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    offset_max: Mapped[int | None] = mapped_column(sa.Integer)  # the window's far end (D2: 5 working days)
    time_unit: Mapped[str] = mapped_column(choice("deadline_unit", TIME_UNITS), nullable=False)
    warn_only: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)  # D3 "about one month"
    done_field: Mapped[str | None] = mapped_column(sa.String(60))  # the record date that fulfils it
    responsible: Mapped[str] = mapped_column(  # who is told when it comes due
        choice("deadline_responsible", RESPONSIBLE_PARTIES), default="巡察组", server_default="巡察组", nullable=False
    )
    clause: Mapped[str | None] = mapped_column(sa.String(300))  # the procedure's words
    is_active: Mapped[bool] = mapped_column(sa.Boolean, default=True, nullable=False)

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class Deadline(Model):
    """A computed deadline as of the last scan (app.rules.deadlines.compute), for the 期限预警 screen and 待办.

    One row per (subject, rule); `subject` is "inspection:<id>", "transfer:<id>" or "submission:<id>".
    round/team/unit are copied from the inspection so the screen filters on small tables.
    """

    __tablename__ = "deadline"
    __table_args__ = (sa.UniqueConstraint("subject", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    subject: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    code: Mapped[str] = mapped_column(sa.String(10), nullable=False, index=True)
    title: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    inspection_id: Mapped[int | None] = fk("inspection.id", ondelete="CASCADE")
    transfer_id: Mapped[int | None] = fk("transfer.id", ondelete="CASCADE")
    submission_id: Mapped[int | None] = fk("submission.id", ondelete="CASCADE")
    round_id: Mapped[int | None] = fk("round.id", ondelete="CASCADE")
    team_id: Mapped[int | None] = fk("team.id", ondelete="CASCADE")
    unit_id: Mapped[int | None] = fk("unit.id", ondelete="CASCADE")
    department_id: Mapped[int | None] = fk("unit.id", ondelete="CASCADE")
    earliest: Mapped[date | None] = mapped_column(sa.Date)
    due: Mapped[date | None] = mapped_column(sa.Date, index=True)
    status: Mapped[str] = mapped_column(choice("deadline_status", DEADLINE_STATUSES), nullable=False, index=True)
    done_on: Mapped[date | None] = mapped_column(sa.Date)
    level: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    message: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    computed_on: Mapped[date] = mapped_column(sa.Date, nullable=False)

    inspection = relationship("Inspection")
    transfer = relationship("Transfer")
    submission = relationship("Submission")
    round = relationship("Round")
    team = relationship("Team")
    unit = relationship("Unit", foreign_keys=[unit_id])
    department = relationship("Unit", foreign_keys=[department_id])

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class DeadlineInput(Model):
    """What the last scan computed one subject's deadlines from, so the daily scan recomputes only the subjects whose
    dates changed or whose results depend on the day (app.commands.deadlines.scan)."""

    __tablename__ = "deadline_input"
    subject: Mapped[str] = mapped_column(sa.String(40), primary_key=True)  # as in deadline.subject
    fingerprint: Mapped[str] = mapped_column(sa.String(32), nullable=False)  # of its dates, the rules and the calendar
    dated_on: Mapped[date | None] = mapped_column(sa.Date)  # the scan day when a result counts days, else empty
    scanned_at: Mapped[datetime] = mapped_column(sa.DateTime, nullable=False, index=True)  # which scan recomputed it


class Notification(Model):
    """An in-app message to one login; `key` makes the daily scan idempotent (one message per state)."""

    __tablename__ = "notification"
    __table_args__ = (sa.UniqueConstraint("username", "key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(100), nullable=False, index=True)
    key: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    message: Mapped[str] = mapped_column(sa.String(500), nullable=False)
    link: Mapped[str | None] = mapped_column(sa.String(200))
    level: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, nullable=False, index=True)
    read_at: Mapped[datetime | None] = mapped_column(sa.DateTime)

    def __str__(self) -> str:
        return self.title


class StatusTransition(Timestamps, Model):
    """One allowed status move of one kind of record, and which roles may make it (STYLE.md: one transition table).

    `app.rules.transitions.find` reads these rows; every move writes a StatusEvent.
    """

    __tablename__ = "status_transition"
    __table_args__ = (sa.UniqueConstraint("entity", "from_status", "to_status"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(choice("transition_entity", STATUS_ENTITIES), nullable=False)
    from_status: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    to_status: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    action: Mapped[str] = mapped_column(sa.String(30), nullable=False)  # the button's words
    roles: Mapped[str] = mapped_column(sa.String(200), nullable=False)  # comma-separated role names
    note_required: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)
    clause: Mapped[str | None] = mapped_column(sa.String(300))
    is_active: Mapped[bool] = mapped_column(sa.Boolean, default=True, nullable=False)

    def __str__(self) -> str:
        return f"{self.action}：{self.from_status}→{self.to_status}"


class CodeRule(Timestamps, Model):
    """信访编号 / 线索编号: the pattern a new record's code is generated from when it is left blank (app.rules.codes);
    admins edit it under 系统设置 (issue 14 item 2)."""

    __tablename__ = "code_rule"
    id: Mapped[int] = mapped_column(primary_key=True)
    model: Mapped[str] = mapped_column(choice("code_rule_model", CODED_MODELS), nullable=False, unique=True)
    pattern: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    is_active: Mapped[bool] = mapped_column(sa.Boolean, default=True, nullable=False)

    def __str__(self) -> str:
        return f"{CODED_MODELS_LABELS.get(self.model, self.model)}：{self.pattern}"


class ReferenceStamp(Model):
    """One row: a random value the database renews on every write to the reference tables admins keep (triggers of
    migration 0005o), so each process keeps those tables in memory while it holds (app.reference)."""

    __tablename__ = "reference_stamp"
    id: Mapped[int] = mapped_column(primary_key=True)
    stamp: Mapped[str] = mapped_column(sa.String(40), nullable=False)
