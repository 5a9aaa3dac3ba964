"""Background jobs (large exports, …): one row per request, the key that makes a re-run replace its result."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import Model, choice, fk, utcnow
from .document import Document
from .enums import JOB_STATES


class Job(Model):
    """A job as the user asked for it. `rq_job_id` is None while the job is not (yet) on a Redis queue."""

    __tablename__ = "job"
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(30), nullable=False)  # the runner in jobs.RUNNERS
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    owner: Mapped[str] = mapped_column(sa.String(100), nullable=False, index=True)  # ab_user.username
    params: Mapped[dict] = mapped_column(sa.JSON, nullable=False, default=dict)
    state: Mapped[str] = mapped_column(choice("job_state", JOB_STATES), nullable=False, default="排队", index=True)
    progress: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    result_id: Mapped[int | None] = fk("document.id", ondelete="SET NULL")
    error: Mapped[str | None] = mapped_column(sa.Text)
    rq_job_id: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, nullable=False)
    started_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    finished_at: Mapped[datetime | None] = mapped_column(sa.DateTime)

    result: Mapped[Document | None] = relationship()

    def __str__(self) -> str:
        return f"{self.title}（{self.state}）"
