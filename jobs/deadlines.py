"""The daily deadline scan (DOMAIN.md §3) as an rq job that schedules its own next run."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from flask import current_app

from . import in_app, queue, resend

SCAN_AT = time(2, 0)  # local time of the daily run
ACTOR = "系统任务：期限扫描"  # who the change history names for what the scan writes


def _job_id(day: date) -> str:
    return f"deadline-scan-{day.isoformat()}"


@in_app
def scan_job(day: str | None = None) -> dict[str, int]:
    """Recompute every deadline as of `day` (ISO, default today) and notify; then schedule tomorrow's run and send
    the jobs recorded while Redis was down.

    Idempotent: run twice for one day it writes the same rows and no second notification.
    """
    from app.audit import acting_as
    from app.commands.deadlines import scan

    today = date.fromisoformat(day) if day else date.today()
    with acting_as(ACTOR):
        counts = scan(today)
    schedule_next(today + timedelta(days=1))
    resend()  # Redis is back: send what was recorded while it was down
    return counts


def schedule_next(day: date) -> str | None:
    """Put the scan of `day` on the queue's schedule (same id → never twice); None without Redis."""
    q = queue()
    if q is None:
        return None
    when = datetime.combine(day, current_app.config.get("DEADLINE_SCAN_AT", SCAN_AT))
    job_id = _job_id(day)
    if job_id not in q.scheduled_job_registry.get_job_ids():
        q.enqueue_at(when, scan_job, day.isoformat(), job_id=job_id, result_ttl=7 * 86400)
    return job_id
