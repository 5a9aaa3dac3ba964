"""The daily deadline scan as an rq job, worked by a real rq worker on a real Redis (skipped, saying why, without one)."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

import schema as m


def test_worker_runs_the_scan_and_schedules_the_next(redis_app):
    from rq import SimpleWorker

    from app.extensions import db
    from jobs import queue
    from jobs.deadlines import schedule_next

    with redis_app.app_context():
        db.session.execute(sa.delete(m.Deadline))
        db.session.commit()
        today = date.today()
        job_id = schedule_next(today)
        assert schedule_next(today) == job_id  # same day twice: one job
        q = queue()
        assert q.scheduled_job_registry.get_job_ids() == [job_id]
        SimpleWorker([q], connection=q.connection).work(burst=True, with_scheduler=True)
        job = q.fetch_job(job_id)
        assert job.is_finished, job.get_status()
        assert db.session.scalar(sa.select(sa.func.count(m.Deadline.id))) > 0
        tomorrow = f"deadline-scan-{(today + timedelta(days=1)).isoformat()}"
        assert q.scheduled_job_registry.get_job_ids() == [tomorrow]
