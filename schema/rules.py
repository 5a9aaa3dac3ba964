"""Rules as rows: the working-day calendar and the deadline rules D1–D12 (DOMAIN.md §3)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Model, Timestamps, choice
from .enums import DEADLINE_ANCHORS, DIRECTIONS, TIME_UNITS


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
    clause: Mapped[str | None] = mapped_column(sa.String(300))  # the procedure's words
    is_active: Mapped[bool] = mapped_column(sa.Boolean, default=True, nullable=False)

    def __str__(self) -> str:
        return f"{self.code} {self.title}"
