"""The daily deadline scan as an rq job, worked by a real rq worker on a real Redis (skipped, saying why, without one)."""

from __future__ import annotations

import os
from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa

import schema as m

REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/14")


@pytest.fixture()
def redis_app(app):
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except RedisError as exc:
        if os.environ.get("REQUIRE_REDIS"):
            pytest.fail(f"Redis 不可用（{REDIS_TEST_URL}）：{exc}")
        pytest.skip(f"Redis 不可用（{REDIS_TEST_URL}）：{exc.__class__.__name__}")
    Redis.from_url(REDIS_TEST_URL).flushdb()
    app.config["REDIS_URL"] = REDIS_TEST_URL
    app.config["DEADLINE_SCAN_AT"] = time(0, 0)  # today's run is due whatever the hour, tomorrow's is not
    yield app
    app.config["REDIS_URL"] = None
    app.config.pop("DEADLINE_SCAN_AT")
    Redis.from_url(REDIS_TEST_URL).flushdb()


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
