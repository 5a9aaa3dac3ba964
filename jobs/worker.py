"""The rq worker of `flask --app app worker`: rq's SimpleWorker that also reconciles the job rows with Redis."""

from __future__ import annotations

import logging

from rq import SimpleWorker

from . import clean_temp, reconcile

log = logging.getLogger(__name__)


class XctWorker(SimpleWorker):
    """Runs jobs in this process, inside the command's app context (no fork: database pools stay valid).

    rq runs its maintenance (registry cleanup) on start and every `maintenance_interval`; here it also sends again
    the jobs Redis lost or a killed worker left (jobs.reconcile), so they do not wait for a person or an hour."""

    def run_maintenance_tasks(self):
        super().run_maintenance_tasks()
        try:
            sent = reconcile()
            if sent:
                log.warning("已重新发送 %s 个任务", sent)
            clean_temp()
        except Exception:  # a database hiccup must not stop the worker; the next round tries again
            log.exception("核对任务失败")


def make_worker(queues, interval: int) -> XctWorker:
    # rq wakes from its blocking read every worker_ttl - 15 s; maintenance can run no more often than that.
    return XctWorker(queues, connection=queues[0].connection, maintenance_interval=interval,
                     worker_ttl=interval + 15)
