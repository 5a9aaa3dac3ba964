"""Background jobs as use cases: the Job row the user follows on 后台任务, handed to the queue only once committed.

The queue itself (jobs.submit) sits above the commands; the caller passes it in as `enqueue`, so that this layer
decides what a job is and when it may start without importing the layer that runs it.
"""

from __future__ import annotations

from collections.abc import Callable

from app.extensions import db
from app.uow import after_commit, transaction
from schema import Job


@transaction
def start_job(kind: str, title: str, owner: str, params: dict, enqueue: Callable[[Job], object]) -> Job:
    """Record a job and enqueue it after the commit: the worker must find the row it is given."""
    job = Job(kind=kind, title=title, owner=owner, params=params)
    db.session.add(job)
    after_commit(lambda: enqueue(job))
    return job


def start_list_export(title: str, owner: str, view: str, path: str, query: str,
                      enqueue: Callable[[Job], object]) -> Job:
    """导出 a list longer than EXPORT_SYNC_MAX_ROWS: a list_export job replaying the list's request (path, query)."""
    return start_job("list_export", f"导出：{title}", owner, {"view": view, "path": path, "query": query}, enqueue)
