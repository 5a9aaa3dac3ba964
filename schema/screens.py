"""界面配置: how an administrator reshaped one list screen (columns, their order and labels, default filters and
sort), applied on the next request by views.base.XctModelView without a release."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Model, Timestamps


class ScreenSetting(Timestamps, Model):
    """One screen's setting; no row, or a row whose fields are empty (恢复默认), means the screen as coded.

    `version` grows with every save (and every reset), so each host's cache of the resolved setting knows when it
    is stale by one cheap read (views.base.screen_layout).
    """

    __tablename__ = "screen_setting"
    id: Mapped[int] = mapped_column(primary_key=True)
    screen: Mapped[str] = mapped_column(sa.String(100), unique=True, nullable=False)  # the view's class name
    columns: Mapped[list | None] = mapped_column(sa.JSON)  # list column names, in order
    labels: Mapped[dict | None] = mapped_column(sa.JSON)  # column → label
    filters: Mapped[list | None] = mapped_column(sa.JSON)  # [{"col", "opr", "value"}] (REST filter names)
    order_column: Mapped[str | None] = mapped_column(sa.String(100))
    order_direction: Mapped[str | None] = mapped_column(sa.String(4))
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)
    changed_by: Mapped[str | None] = mapped_column(sa.String(100))

    def __str__(self) -> str:
        return f"界面配置：{self.screen}"
