"""Organisation: units (inspected units and functional departments) and people."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model, Timestamps, choice, fk
from .enums import UNIT_KINDS


class Unit(Timestamps, Model):
    """A 二级单位 to be inspected, or a 职能部门 that briefs, seconds staff and receives transfers."""

    __tablename__ = "unit"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(100), unique=True, nullable=False)
    short_name: Mapped[str | None] = mapped_column(sa.String(30))
    kind: Mapped[str] = mapped_column(choice("unit_kind", UNIT_KINDS), nullable=False, index=True)
    party_org_name: Mapped[str | None] = mapped_column(sa.String(100))  # 被巡察党组织, e.g. 机械工程学院党委
    staff_count: Mapped[int | None] = mapped_column(sa.Integer)  # 教职工总人数 (三（二）2 attendance rule)
    parent_id: Mapped[int | None] = fk("unit.id", ondelete="SET NULL")
    # 六（二）: 纪委监察室, 组织部, 审计室 … receive transferred clues.
    is_receiving: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)
    contact: Mapped[str | None] = mapped_column(sa.String(100))

    parent: Mapped[Unit | None] = relationship(remote_side=[id])

    def __str__(self) -> str:
        return self.name


class Person(Timestamps, Model):
    """Anyone named in the process; `username` links the FAB login that is this person (API.md scope)."""

    __tablename__ = "person"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50), nullable=False, index=True)
    unit_id: Mapped[int | None] = fk("unit.id", ondelete="SET NULL")
    title: Mapped[str | None] = mapped_column(sa.String(100))  # 职务
    rank: Mapped[str | None] = mapped_column(sa.String(50))  # 职级
    political_status: Mapped[str | None] = mapped_column(sa.String(20))  # 政治面貌
    phone: Mapped[str | None] = mapped_column(sa.String(30))
    is_leadership: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)  # 领导班子成员
    username: Mapped[str | None] = mapped_column(sa.String(100), unique=True)
    # 回避: a unit this person has declared a conflict of interest with (not to be on a team inspecting it)
    conflict_unit_id: Mapped[int | None] = fk("unit.id", ondelete="SET NULL")

    unit: Mapped[Unit | None] = relationship(lazy="selectin", foreign_keys=[unit_id])
    conflict_unit: Mapped[Unit | None] = relationship(foreign_keys=[conflict_unit_id])

    def __str__(self) -> str:
        return f"{self.name}（{self.unit.name}）" if self.unit else self.name
