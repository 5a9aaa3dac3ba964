"""Export benchmark: speed and memory growth of an Excel export of 200,000 list rows, run as a background job.

Not a test: it builds a database (setup + demo data), adds N petitions to one inspection of a team member's team,
then runs the export job of the 信访受理 list for that team member (row scope and the list's order applied, rows
streamed by xlsxwriter's constant_memory mode, one read-log row per exported petition) in this process, and prints
rows per second (wall clock, and per CPU-second of this process: the machine may be busy with others), the growth
of the process's RSS during the export (its peak, sampled every 10 ms, over its size before), and in a second run
the peak of Python allocations (tracemalloc: it slows the run down). Goal (issue 18 item 3): ≥ 20,000 rows/s and
≤ 64 MiB growth at 200,000 rows.

    cd <checkout> && PYTHONPATH=$PWD .venv/bin/python benchmarks/export_list.py [--rows 200000] [--database-url URL]

Default database: a fresh SQLite file in a temporary directory. With a PostgreSQL URL pass an empty database (the
script migrates and loads it, and leaves it there).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import threading
import time
import tracemalloc
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

USER = "zuyuan"  # a TeamMember: the export carries the row scope's subqueries
CHUNK = 5_000


def _load_rows(db, m, n: int) -> int:
    """n petitions in the first inspection of USER's team whose archive is not handed over (after 八（二） the team
    exports nothing of it: the file would be nearly empty); answers its id."""
    teams = sa.select(m.TeamMember.team_id).join(m.Person, m.Person.id == m.TeamMember.person_id).where(
        m.Person.username == USER)
    handed = sa.select(m.ArchiveVolume.inspection_id).where(m.ArchiveVolume.handed_over_on.is_not(None))
    inspection_id = db.session.scalar(sa.select(m.Inspection.id).where(
        m.Inspection.team_id.in_(teams), m.Inspection.id.not_in(handed)).order_by(m.Inspection.id).limit(1))
    assert inspection_id is not None, "演示数据中该组没有未移交档案的巡察"
    channels = ("来信", "来电", "来访", "意见箱", "邮箱", "网络")
    start, stamp = date(2026, 1, 1), datetime(2026, 1, 1, 8, 0)
    for first in range(0, n, CHUNK):
        db.session.execute(sa.insert(m.Petition), [
            {"inspection_id": inspection_id, "code": f"BX-{i:06d}", "channel": channels[i % 6],
             "received_on": start + timedelta(days=i % 300), "is_anonymous": i % 3 == 0,
             "subject_name": f"被反映人{i % 997}", "summary": f"反映的问题第 {i} 件：" + "情况说明" * 10,
             "triage": "待处理", "created_at": stamp, "updated_at": stamp}
            for i in range(first, min(first + CHUNK, n))])
        db.session.commit()
    return inspection_id


def _rss() -> int:
    """The process's resident set size now, in bytes."""
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


class PeakRss:
    """The highest RSS seen while the block runs, sampled every 10 ms by a thread."""

    def __enter__(self):
        self.start = self.peak = _rss()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.01):
            self.peak = max(self.peak, _rss())

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss())


def _run(app, db, m) -> tuple[int, float, float]:
    """One export job of the whole 信访受理 list: (job id, wall seconds, CPU seconds)."""
    from jobs.exports import list_export_job

    job = m.Job(kind="list_export", title="导出：信访件列表", owner=USER,
                params={"view": "PetitionView", "path": "/petitionview/export", "query": ""})
    db.session.add(job)
    db.session.commit()
    started, cpu = time.perf_counter(), _cpu()
    list_export_job(job.id)
    return job.id, time.perf_counter() - started, _cpu() - cpu


def _cpu() -> float:
    """CPU seconds of this process so far (user and system, all threads). From getrusage: on this project's test
    machine time.process_time() was seen to jump (20 s of CPU in a 6.5 s single-threaded run) where getrusage did
    not."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _check(app, db, m, job_id: int) -> tuple[int, int]:
    """(rows in the file, read-log rows of the export): the job finished and its file opens."""
    db.session.expire_all()
    job = db.session.get(m.Job, job_id)
    assert job.state == "完成", job.error
    import openpyxl

    book = openpyxl.load_workbook(Path(app.config["STORAGE_DIR"]) / job.result.storage_name, read_only=True)
    rows = book.worksheets[0].max_row - 1
    book.close()
    reads = db.session.scalar(sa.select(sa.func.count()).select_from(m.ReadLog).where(
        m.ReadLog.channel == "导出", m.ReadLog.entity == "petition", m.ReadLog.at >= job.started_at))
    return rows, reads


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        import schema as m
        from app import create_app
        from app.commands.setup import run_setup
        from app.extensions import db
        from seeds.demo import load_demo

        app = create_app("production", SQLALCHEMY_DATABASE_URI=url, STORAGE_DIR=f"{tmp}/storage", REDIS_URL=None)
        with app.app_context():
            run_setup()
            load_demo()
            started = time.perf_counter()
            _load_rows(db, m, args.rows)
            print(f"数据库：{db.engine.dialect.name}；生成 {args.rows} 件信访：{time.perf_counter() - started:.1f} 秒")
            with PeakRss() as rss:
                job_id, seconds, cpu = _run(app, db, m)
            rows, reads = _check(app, db, m, job_id)
            # the generated petitions are all in the file (a benchmark of a near-empty file measures nothing)
            assert rows >= args.rows and reads == rows, (rows, reads)
            growth = (rss.peak - rss.start) / 2**20
            print(f"导出（{USER}，行范围与列表排序）：{rows} 行，读取记录 {reads} 条；{seconds:.1f} 秒，"
                  f"{rows / seconds:,.0f} 行/秒（每 CPU 秒 {rows / cpu:,.0f} 行）")
            print(f"进程 RSS：导出前 {rss.start / 2**20:.0f} MiB，导出中峰值 {rss.peak / 2**20:.0f} MiB，"
                  f"增长 {growth:.1f} MiB")
            tracemalloc.start()
            job_id, seconds, _ = _run(app, db, m)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            rows, _ = _check(app, db, m, job_id)
            print(f"再次导出（tracemalloc 开启）：{rows} 行，{seconds:.1f} 秒，Python 分配峰值 {peak / 2**20:.1f} MiB")
            print(f"目标（≥ 20,000 行/秒，增长 ≤ 64 MiB）：速度{'达到' if rows / cpu >= 20_000 else '未达到'}"
                  f"（按 CPU 时间），内存{'达到' if growth <= 64 else '未达到'}")
            db.session.remove()
            db.engine.dispose()


if __name__ == "__main__":
    main()
