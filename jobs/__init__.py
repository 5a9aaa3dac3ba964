"""Thin rq jobs that take ids or dates and call commands; the queue, the worker, and the job rows.

With `REDIS_URL` set, jobs go to named queues worked by `flask --app app worker`; without it they run in-process.
A job a user asks for (a large export, …) is first a `schema.Job` row, committed, then sent: a Redis that is down
leaves the row 排队 and unsent, and `resend` sends it when the worker starts or the daily scan runs. A job left 运行中
past its timeout (its worker was killed) is sent again by `resend` too: a job is idempotent, its result replaced.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable
from importlib import import_module
from pathlib import Path

from flask import current_app, has_app_context

log = logging.getLogger(__name__)

QUEUE = "default"
EXPORTS = "exports"
QUEUES = (QUEUE, EXPORTS)
JOB_TIMEOUT = 3600  # seconds rq lets a job run; a row 运行中 for longer than this (and a margin) lost its worker
STALE_AFTER = JOB_TIMEOUT + 600

# Job.kind → (its queue, the rq function that runs it with the job's id)
KINDS = {"list_export": (EXPORTS, "jobs.exports.list_export_job")}


def redis_connection():
    from redis import Redis

    url = current_app.config.get("REDIS_URL")
    # A page must not wait on a Redis that is down (FAB_NOTES: enqueue blocks ~4 s, then raises).
    return Redis.from_url(url, socket_connect_timeout=1, socket_timeout=5) if url else None


def queue(name: str = QUEUE):
    from rq import Queue

    connection = redis_connection()
    return Queue(name, connection=connection) if connection is not None else None


def in_app(func):
    """Run a job inside an app context: the worker's own, or a new app for a job started elsewhere."""

    def wrapper(*args, **kwargs):
        if has_app_context():
            return func(*args, **kwargs)
        from app import create_app

        with create_app().app_context():
            return func(*args, **kwargs)

    wrapper.__name__ = func.__name__
    wrapper.__qualname__ = func.__qualname__
    wrapper.__module__ = func.__module__
    wrapper.__doc__ = func.__doc__
    return wrapper


# ---- job rows ----


def submit(job) -> None:
    """Start a committed job row: on its Redis queue, or here and now without Redis."""
    if not current_app.config.get("REDIS_URL"):
        module, name = KINDS[job.kind][1].rsplit(".", 1)
        getattr(import_module(module), name)(job.id)
    else:
        send(job)


def send(job) -> bool:
    """Put the job on its queue under a key made of its id (sent twice, it still runs as one job); False if Redis
    cannot be reached, the row then stays unsent."""
    from redis.exceptions import RedisError

    from app.extensions import db

    queue_name, func = KINDS[job.kind]
    try:
        rq_job = queue(queue_name).enqueue(func, job.id, job_id=f"job-{job.id}", job_timeout=JOB_TIMEOUT,
                                           result_ttl=86400, failure_ttl=7 * 86400)
    except RedisError as exc:
        log.warning("Redis 不可用，任务 %s 已记录，稍后重新发送：%s", job.id, exc)
        return False
    job.rq_job_id = rq_job.id
    db.session.commit()
    return True


def resend() -> int:
    """Send every job recorded while Redis was down, and again every job left 运行中 longer than STALE_AFTER (its
    worker died: rq would not run it again); answers how many went."""
    from datetime import timedelta

    import sqlalchemy as sa

    from app.extensions import db
    from schema import Job
    from schema.base import utcnow

    stale = utcnow() - timedelta(seconds=STALE_AFTER)
    jobs = db.session.scalars(sa.select(Job).where(sa.or_(
        sa.and_(Job.state == "排队", Job.rq_job_id.is_(None)),
        sa.and_(Job.state == "运行中", Job.started_at < stale),
    )).order_by(Job.id)).all()
    for job in jobs:
        job.state = "排队"
    return sum(send(job) for job in jobs)


def run(job_id: int, work: Callable[..., tuple[Path, str]]) -> None:
    """Run job row `job_id`: `work(job, tmp_dir, progress)` writes a file and answers (its path, its name); the file
    becomes the job's result Document. A re-run (after a killed worker, or resent) replaces the earlier result, so a
    job has one result however often it runs."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.storage import storage_path, store
    from schema import Job
    from schema.base import utcnow

    job = db.session.get(Job, job_id)
    if job is None:
        return
    job.state, job.progress, job.error = "运行中", 0, None
    job.started_at, job.finished_at = utcnow(), None
    db.session.commit()

    def progress(percent: int) -> None:
        # on its own connection: the job's session is in the middle of reading the rows
        with db.engine.begin() as conn:
            conn.execute(sa.update(Job).where(Job.id == job_id).values(progress=min(percent, 99)))

    try:
        with tempfile.TemporaryDirectory() as tmp:
            path, name = work(job, Path(tmp), progress)
            old = job.result
            job.result = store(path, name, uploaded_by=job.owner, is_generated=True)
            if old is not None:
                db.session.delete(old)
                storage_path(old.storage_name).unlink(missing_ok=True)
        job.state, job.progress, job.finished_at = "完成", 100, utcnow()
        db.session.commit()
    except Exception as exc:
        db.session.rollback()
        log.exception("任务 %s 失败", job_id)
        job = db.session.get(Job, job_id)
        job.state, job.finished_at = "失败", utcnow()
        job.error = str(exc) or exc.__class__.__name__
        db.session.commit()
