"""Thin rq jobs that take ids or dates and call commands; the queue, the worker, and the job rows.

With `REDIS_URL` set, jobs go to named queues worked by `flask --app app worker`; without it they run in-process.
A job a user asks for (a large export, …) is first a `schema.Job` row, committed, then sent: a Redis that is down
leaves the row 排队 and unsent, and `resend` sends it when the worker starts or the daily scan runs. A job left 运行中
past its timeout (its worker was killed) is sent again by `resend` too: a job is idempotent, its result replaced.

Faults (issue 18): every Redis call of a page gives up after 1 s. The worker reconciles the rows against Redis when it
starts and every JOB_RECONCILE_SECONDS (`reconcile`): a row 排队 whose rq job vanished (Redis restarted empty) is sent
again, and a row 运行中 whose run stopped beating (its worker was killed: a running job refreshes a short-lived Redis key
every few seconds) is sent again once, so it is re-run within a minute or two instead of after rq's hour-long timeout.
A job writes its temporary files under STORAGE_DIR/tmp, removed when it ends or, after a kill, when it runs again.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
import time
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
KINDS = {"list_export": (EXPORTS, "jobs.exports.list_export_job"),
         "document_pdf": (EXPORTS, "jobs.exports.document_pdf_job")}


def redis_connection():
    from redis import Redis

    url = current_app.config.get("REDIS_URL")
    # A page must not wait on a Redis that is down or hung (FAB_NOTES: enqueue blocks ~4 s, then raises; a stopped
    # Redis without a socket time-out blocks for ever). The worker's own blocking reads get a longer one from rq.
    return Redis.from_url(url, socket_connect_timeout=1, socket_timeout=1) if url else None


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


ALIVE_KEY = "xct:job-alive:{}"  # set while a run is under way, expiring JOB_ALIVE_SECONDS after its last beat
RECONCILE_LOCK = "xct:reconcile"  # one worker at a time reconciles: two would send a dead job twice


def send(job, replace: bool = False) -> bool:
    """Put the job on its queue under a key made of its id (sent twice, it still runs as one job); False if Redis
    cannot be reached, the row then stays unsent. `replace` first drops rq's record of an earlier run, which a killed
    worker leaves "started": rq's registry cleanup would otherwise later mark the new run failed."""
    from redis.exceptions import RedisError
    from rq.exceptions import NoSuchJobError
    from rq.job import Job as RqJob

    from app.uow import transaction

    queue_name, func = KINDS[job.kind]
    try:
        target = queue(queue_name)
        if replace:
            try:
                RqJob.fetch(f"job-{job.id}", connection=target.connection).delete()
            except NoSuchJobError:
                pass
        rq_job = target.enqueue(func, job.id, job_id=f"job-{job.id}", job_timeout=JOB_TIMEOUT,
                                result_ttl=86400, failure_ttl=7 * 86400)
    except RedisError as exc:
        log.warning("Redis 不可用，任务 %s 已记录，稍后重新发送：%s", job.id, exc)
        return False
    with transaction():
        job.rq_job_id = rq_job.id
    return True


def resend() -> int:
    """`flask jobs resend` and the worker's start: the same as `reconcile`."""
    return reconcile()


def reconcile() -> int:
    """Send again every job row that Redis lost: recorded while Redis was down (排队, never sent), sent but gone from
    Redis (restarted empty), or 运行中 with no run beating for it (its worker was killed) or past its timeout.
    Answers how many went. Runs on the worker's start and every JOB_RECONCILE_SECONDS."""
    from datetime import timedelta

    import sqlalchemy as sa
    from redis.exceptions import RedisError
    from rq.job import Job as RqJob

    from app.extensions import db
    from schema import Job
    from schema.base import utcnow

    connection = redis_connection()
    if connection is None:
        return 0
    try:
        if not connection.set(RECONCILE_LOCK, "1", nx=True, ex=30):
            return 0
    except RedisError as exc:
        log.warning("Redis 不可用，暂不核对任务：%s", exc)
        return 0
    try:
        now = utcnow()
        stale = now - timedelta(seconds=STALE_AFTER)
        quiet = now - timedelta(seconds=current_app.config.get("JOB_ALIVE_SECONDS", 30))
        sent = 0
        for job in db.session.scalars(sa.select(Job).where(Job.state.in_(("排队", "运行中"))).order_by(Job.id)):
            if job.state == "排队":
                due = job.rq_job_id is None or not RqJob.exists(job.rq_job_id, connection=connection)
            else:
                started = job.started_at or now
                dead = started < quiet and not connection.exists(ALIVE_KEY.format(job.id))
                due = dead or started < stale
            if due:
                log.warning("任务 %s（%s）在 Redis 中已丢失或无人执行，重新发送", job.id, job.state)
                job.state = "排队"
                sent += send(job, replace=True)
        return sent
    except RedisError as exc:
        log.warning("Redis 不可用，暂停核对任务：%s", exc)
        return 0
    finally:
        try:
            connection.delete(RECONCILE_LOCK)
        except RedisError:
            pass


def _beating(job_id: int):
    """Start refreshing the job's alive key every third of its life; answers the function that stops it."""
    from redis.exceptions import RedisError

    connection = redis_connection()
    if connection is None:
        return lambda: None
    ttl = int(current_app.config.get("JOB_ALIVE_SECONDS", 30))
    key, stop = ALIVE_KEY.format(job_id), threading.Event()

    def beat() -> None:
        while True:
            try:
                connection.set(key, "1", ex=ttl)
            except RedisError:
                pass  # Redis back later: the next beat sets it again
            if stop.wait(ttl / 3):
                return

    threading.Thread(target=beat, name=f"job-{job_id}-beat", daemon=True).start()

    def end() -> None:
        stop.set()
        try:
            connection.delete(key)
        except RedisError:
            pass

    return end


def temp_root() -> Path:
    """STORAGE_DIR/tmp: a job's work files live beside the storage (same disk, known place), not in the system's."""
    root = Path(current_app.config["STORAGE_DIR"]) / "tmp"
    root.mkdir(parents=True, exist_ok=True)
    return root


def clean_temp(older_than: float = JOB_TIMEOUT) -> int:
    """Remove work folders left by killed runs (any older than a job may run); answers how many."""
    removed, limit = 0, time.time() - older_than
    for folder in temp_root().glob("job-*"):
        if folder.stat().st_mtime < limit:
            shutil.rmtree(folder, ignore_errors=True)
            removed += 1
    return removed


def run(job_id: int, work: Callable[..., tuple[Path, str]]) -> None:
    """Run job row `job_id`: `work(job, tmp_dir, progress)` writes a file and answers (its path, its name[, the
    result's own Document fields: 密级, contents]); the file becomes the job's result Document. A re-run (after a killed worker, or resent) replaces the earlier result, so a
    job has one result however often it runs."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.storage import storage_path, store
    from app.uow import after_commit, transaction
    from schema import Job
    from schema.base import utcnow

    job = db.session.get(Job, job_id)
    if job is None:
        return
    for leftover in temp_root().glob(f"job-{job_id}-*"):  # an earlier run of this job was killed mid-way
        shutil.rmtree(leftover, ignore_errors=True)
    with transaction():
        job.state, job.progress, job.error = "运行中", 0, None
        job.started_at, job.finished_at = utcnow(), None

    def progress(percent: int) -> None:
        # on its own connection: the job's session is in the middle of reading the rows
        with db.engine.begin() as conn:
            conn.execute(sa.update(Job).where(Job.id == job_id).values(progress=min(percent, 99)))

    stop_beating = _beating(job_id)
    try:
        with transaction(), tempfile.TemporaryDirectory(prefix=f"job-{job_id}-", dir=temp_root()) as tmp:
            path, name, *fields = work(job, Path(tmp), progress)
            old = job.result
            job.result = store(path, name, uploaded_by=job.owner, is_generated=True, **(fields[0] if fields else {}))
            if old is not None:
                db.session.delete(old)
                if old.storage_name != job.result.storage_name:  # the earlier result's file goes once this commits
                    after_commit(lambda gone=old.storage_name: storage_path(gone).unlink(missing_ok=True))
            job.state, job.progress, job.finished_at = "完成", 100, utcnow()
    except Exception as exc:
        log.exception("任务 %s 失败", job_id)
        with transaction():
            job = db.session.get(Job, job_id)
            job.state, job.finished_at = "失败", utcnow()
            job.error = str(exc) or exc.__class__.__name__
    finally:
        stop_beating()
