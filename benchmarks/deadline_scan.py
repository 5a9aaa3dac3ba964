"""Daily-scan benchmark: time and memory of `scan()` over many inspections, and of one inspection's deadlines.

Not a test: it builds a database (setup + demo data), generates N inspections in bulk with realistic dates
(2024–2026: finished and archived, in the field, only planned, overdue) and their work plans, rectifications,
archive volumes, 专题民主生活会, transfers and submissions, then runs the daily scan twice on the same day
(the second run must write no notification and recompute nothing), once more after one inspection's date
changed (it must recompute exactly that one) and once the next day, and times `inspection_deadlines(id)` as the per-page figure.

    .venv/bin/python benchmarks/deadline_scan.py [--inspections 100000] [--database-url URL]

Default database: a fresh PostgreSQL database xct_bench_scan_<random> on postgresql://postgres@127.0.0.1:5432,
dropped at the end (--keep leaves it). With --database-url (e.g. sqlite:///tmp/x.db) that database is used and
left in place; it must be empty or hold only what `setup` and the demo data put there.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import math
import os
import pstats
import random
import resource
import statistics
import sys
import tempfile
import threading
import time
import tracemalloc
import uuid
import warnings
from collections import Counter
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa

from benchmarks.pgdb import PG_SERVER, create_database, drop_database

TODAY = date(2026, 11, 26)
CHUNK = 5_000
TEAMS_PER_ROUND = 10
LEADER_POOL = 300  # persons with a login who lead (组长) or deputise (副组长) the generated teams
FIRST_ROUND_START = date(2024, 1, 8)
LAST_ROUND_START = date(2027, 1, 18)  # a few rounds lie beyond the calendar table (2026): 日历未知
NOW = datetime(2026, 11, 26, 8, 0, 0)
STAMP = {"created_at": NOW, "updated_at": NOW}

# Shares of all inspections (the brief's averages); children need the parent date, so the generator divides
# by the share of inspections that have it.
SHARE_WORK_PLAN, SHARE_RECTIFICATION, SHARE_ARCHIVE, SHARE_DEMOCRATIC = 0.80, 0.50, 0.30, 0.50
SHARE_MOBILISATION = 0.50  # 动员会 rows: not read by the scan's clocks, but the meeting subquery filters them out
TRANSFERS_PER_INSPECTION, SUBMISSIONS_PER_INSPECTION = 0.10, 0.02


# ------------------------------------------------------------------------------------------------ memory


def rss_mb() -> float:
    """Current resident set size (Linux /proc), else the peak."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return peak_rss_mb()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class RssSampler(threading.Thread):
    """Samples the RSS every 20 ms while running: the peak of one measured call, not of the whole process."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak = rss_mb()
        self._stop_event = threading.Event()

    def run(self):
        while not self._stop_event.wait(0.02):
            self.peak = max(self.peak, rss_mb())

    def stop(self) -> float:
        self._stop_event.set()
        self.join()
        self.peak = max(self.peak, rss_mb())
        return self.peak


# ------------------------------------------------------------------------------------------------ databases




# ------------------------------------------------------------------------------------------------ data


class Generator:
    """Bulk rows with explicit ids (max(id)+1 onwards), inserted with Core in chunks of CHUNK."""

    TABLES = ("unit", "person", "round", "team", "team_member", "inspection", "work_plan", "rectification",
              "archive_volume", "meeting", "transfer", "submission")

    def __init__(self, conn: sa.Connection, metadata: sa.MetaData, n: int, units_per_round: int, seed: int):
        self.conn, self.md, self.n = conn, metadata, n
        self.per_round = max(1, min(units_per_round, n))
        self.rounds = math.ceil(n / self.per_round)
        self.rng = random.Random(seed)
        self.next_id = {t: (conn.execute(sa.select(sa.func.max(metadata.tables[t].c.id))).scalar() or 0) + 1
                        for t in self.TABLES}
        self.pending: dict[str, list[dict]] = {t: [] for t in self.TABLES}
        self.counts: Counter[str] = Counter()
        self.phases: Counter[str] = Counter()

    def add(self, table: str, **row) -> int:
        rid = self.next_id[table]
        self.next_id[table] += 1
        self.pending[table].append({"id": rid, **row})
        if len(self.pending[table]) >= CHUNK:
            self.flush_all()  # parents too, in order: a child's chunk may fill before its parents'
        return rid

    def flush(self, table: str) -> None:
        rows = self.pending[table]
        if rows:
            keys = set().union(*rows)  # executemany needs the same keys in every row
            rows = [r if len(r) == len(keys) else {**dict.fromkeys(keys), **r} for r in rows]
            self.conn.execute(self.md.tables[table].insert(), rows)
            self.counts[table] += len(rows)
            self.pending[table] = []

    def flush_all(self) -> None:
        for t in self.TABLES:  # parents first: foreign keys are checked per statement
            self.flush(t)

    def maybe(self, p: float) -> bool:
        return self.rng.random() < p

    def days(self, a: int, b: int) -> timedelta:
        return timedelta(days=self.rng.randint(a, b))

    # -- the generation

    def run(self) -> Counter[str]:
        rng = self.rng
        receiving = list(self.conn.execute(sa.select(self.md.tables["unit"].c.id)
                                           .where(self.md.tables["unit"].c.is_receiving.is_(True))).scalars())
        units, liaisons = [], []
        for i in range(self.per_round):
            uid = self.add("unit", name=f"基准单位{i + 1:04d}", short_name=f"基准{i + 1}", kind="教学科研单位",
                           party_org_name=f"基准单位{i + 1:04d}党委", staff_count=rng.randint(30, 400),
                           is_receiving=False, **STAMP)
            units.append(uid)
        self.flush("unit")
        for i, uid in enumerate(units):
            liaisons.append(self.add("person", name=f"联络员{i + 1}", unit_id=uid, title="党委办公室主任",
                                     is_leadership=False, username=f"bench_lly_{i + 1:04d}", **STAMP))
        leaders = [self.add("person", name=f"组长{i + 1}", title="巡察专员", is_leadership=False,
                            username=f"bench_zz_{i + 1:04d}", **STAMP) for i in range(LEADER_POOL)]
        for i, dept in enumerate(receiving):
            self.add("person", name=f"部门联系人{i + 1}", unit_id=dept, is_leadership=False,
                     username=f"bench_bm_{i + 1:04d}", **STAMP)
        self.flush("person")

        span = (LAST_ROUND_START - FIRST_ROUND_START).days
        for r in range(self.rounds):
            start = FIRST_ROUND_START + timedelta(days=span * r // max(1, self.rounds - 1))
            rid = self.add("round", name=f"基准{start.year}年第{r + 1}轮巡察", year=start.year,
                           kind="回头看" if r % 7 == 6 else "常规", starts_on=start, ends_on=start + timedelta(days=120),
                           **STAMP)
            teams = []
            for k in range(TEAMS_PER_ROUND):
                tid = self.add("team", round_id=rid, name=f"第{k + 1}巡察组", **STAMP)
                teams.append(tid)
                slot = r * TEAMS_PER_ROUND + k
                self.add("team_member", team_id=tid, person_id=leaders[slot % LEADER_POOL], role="组长", **STAMP)
                self.add("team_member", team_id=tid, person_id=leaders[(slot + LEADER_POOL // 2) % LEADER_POOL],
                         role="副组长", **STAMP)
            in_round = min(self.per_round, self.n - r * self.per_round)
            for j in range(in_round):
                self.inspection(rid, start, teams[j * TEAMS_PER_ROUND // self.per_round], units[j], liaisons[j],
                                receiving)
        self.flush_all()
        return self.counts

    def inspection(self, round_id, round_start, team_id, unit_id, liaison_id, receiving) -> None:
        rng, maybe, days = self.rng, self.maybe, self.days

        def past(day: date | None, p: float = 1.0) -> date | None:
            """The date if it has happened by TODAY (and, with probability 1-p, was forgotten: overdue)."""
            return day if day is not None and day <= TODAY and maybe(p) else None

        work_start = round_start + days(0, 10)
        entry = work_start + timedelta(days=rng.choice((0, 0, 0, 1, 2)))
        complete = maybe(0.85)  # every obligation met; otherwise each one may be missing (→ overdue)
        p = 1.0 if complete else 0.7
        notice = past(work_start - days(3, 7), p)
        work_end = past(work_start + days(25, 40), 1.0 if complete else 0.9)
        committee = past(work_end + days(7, 20), p) if work_end else None
        feedback = past(committee + days(3, 10), p) if committee else None
        feedback_done = past(feedback + days(0, 5), 1.0 if complete else 0.9) if feedback else None
        iid = self.add(
            "inspection", round_id=round_id, team_id=team_id, unit_id=unit_id, liaison_id=liaison_id,
            notice_no=f"巡察通知〔{work_start.year}〕{rng.randint(1, 99)}号" if notice else None,
            notice_date=notice, entry_date=entry, work_start=work_start, work_end=work_end,
            committee_report_date=committee, feedback_date=feedback, feedback_done_date=feedback_done,
            meeting_list_received_on=past(entry + days(0, 3), p), **STAMP,
        )
        self.phases["已完成反馈" if feedback_done else "反馈阶段" if feedback else "报告阶段" if work_end
                    else "进驻中" if work_start <= TODAY else "计划中"] += 1
        if not complete:
            self.phases["（有遗漏日期）"] += 1

        if maybe(SHARE_WORK_PLAN):
            filed = entry - days(1, 10) if complete or maybe(0.7) else entry + days(1, 6)  # some filed late
            self.add("work_plan", inspection_id=iid, tasks="了解单位基本情况，听取汇报，个别谈话",
                     filed_on=past(filed, p), **STAMP)
        if entry <= TODAY and maybe(SHARE_MOBILISATION):
            self.add("meeting", round_id=round_id, inspection_id=iid, kind="动员会", title="巡察动员会",
                     held_on=entry, expected_count=60, present_count=rng.randint(45, 60), **STAMP)
        if feedback:
            share = 0.85  # roughly the share of inspections that have had their feedback
            if maybe(SHARE_RECTIFICATION / share):
                self.add("rectification", inspection_id=iid, plan_submitted_on=past(feedback + days(5, 14), p),
                         report_submitted_on=past(feedback + days(50, 70), p), **STAMP)
            if maybe(SHARE_DEMOCRATIC / share):
                self.add("meeting", round_id=round_id, inspection_id=iid, kind="专题民主生活会",
                         title="巡察整改专题民主生活会", held_on=past(feedback + days(3, 10), p), **STAMP)
            if feedback_done and maybe(SHARE_ARCHIVE / 0.8):
                self.add("archive_volume", inspection_id=iid, volume_no=f"XC-{iid}", title="巡察档案",
                         handed_over_on=past(feedback_done + days(10, 40), p), **STAMP)
            for _ in range(self._poisson(TRANSFERS_PER_INSPECTION / share)):
                received = past(feedback + days(5, 60))
                self.add("transfer", inspection_id=iid, department_id=rng.choice(receiving),
                         transferred_on=received - days(0, 3) if received else None, received_on=received,
                         reported_on=past(received + days(30, 110), 0.75) if received else None, **STAMP)
            for _ in range(self._poisson(SUBMISSIONS_PER_INSPECTION / share)):
                received = past(feedback + days(5, 60))
                reported = past(received + days(30, 110), 0.6) if received else None
                self.add("submission", round_id=round_id, inspection_id=iid, title="关于共性问题的专题报告",
                         department_id=rng.choice(receiving) if maybe(0.8) else None, is_good_practice=False,
                         received_on=received, status="已报告" if reported else "办理中", reported_on=reported,
                         **STAMP)

    def _poisson(self, lam: float) -> int:
        """Small-λ Poisson (Knuth)."""
        limit, k, prod = math.exp(-lam), 0, self.rng.random()
        while prod > limit:
            k += 1
            prod *= self.rng.random()
        return k


def fix_sequences(conn: sa.Connection, tables) -> None:
    for t in tables:
        conn.execute(sa.text(
            f"SELECT setval(pg_get_serial_sequence(:t, 'id'), max(id)) FROM \"{t}\" HAVING max(id) IS NOT NULL"
        ), {"t": f'"{t}"'})


# ------------------------------------------------------------------------------------------------ measuring


def count(table) -> int:
    from app.extensions import db

    return db.session.execute(sa.select(sa.func.count()).select_from(table)).scalar()


def status_counts() -> dict[str, int]:
    from app.extensions import db
    from schema import Deadline

    return dict(db.session.execute(sa.select(Deadline.status, sa.func.count()).group_by(Deadline.status)).all())


def timed_scan(label: str, use_tracemalloc: bool, day: date = TODAY) -> dict:
    from app.commands.deadlines import scan_report
    from app.extensions import db
    from schema import Deadline, Notification

    db.session.remove()
    before = rss_mb()
    sampler = RssSampler()
    sampler.start()
    if use_tracemalloc:
        tracemalloc.start()
    t0 = time.perf_counter()
    result, recomputed = scan_report(day)
    wall = time.perf_counter() - t0
    traced = tracemalloc.get_traced_memory()[1] / 2**20 if use_tracemalloc else None
    if use_tracemalloc:
        tracemalloc.stop()
    peak = sampler.stop()
    after = rss_mb()
    db.session.remove()
    rows, notes = count(Deadline.__table__), count(Notification.__table__)
    statuses = status_counts()
    from app.rules.deadlines import STATUS_LABELS

    print(f"\n{label}（scan({day.isoformat()})）")
    print(f"  耗时：{wall:.1f} s；重新计算的对象（巡察、移送、提交事项）：{recomputed:,}")
    print(f"  deadline 表行数：{rows:,}")
    print("  状态：" + "，".join(f"{STATUS_LABELS.get(k, k)} {v:,}" for k, v in sorted(statuses.items(), key=lambda kv: -kv[1])))
    returned = {k: v for k, v in result.items() if k != "notifications"}
    if returned != statuses:
        print(f"  ! scan 返回的计数与表中不一致：{returned}")
    print(f"  新写通知：{result.get('notifications', 0):,}（notification 表共 {notes:,} 行）")
    print(f"  内存：扫描前 RSS {before:.0f} MB，扫描中峰值 {peak:.0f} MB（增长 {peak - before:+.0f} MB），"
          f"扫描后 {after:.0f} MB；进程峰值 RSS {peak_rss_mb():.0f} MB")
    if traced is not None:
        print(f"  tracemalloc 峰值（Python 分配）：{traced:.0f} MB（开启 tracemalloc 后耗时偏高）")
    return {"wall": wall, "rows": rows, "recomputed": recomputed, "notifications": result.get("notifications", 0), "growth": peak - before,
            "peak": peak}


def change_one() -> None:
    """Move one inspection's work start by a day, as an edit on the inspection screen would."""
    from app.extensions import db
    from schema import Inspection

    iid = db.session.scalar(sa.select(sa.func.min(Inspection.id)).where(Inspection.work_start.is_not(None)))
    db.session.execute(sa.update(Inspection).where(Inspection.id == iid)
                       .values(work_start=Inspection.work_start + timedelta(days=1)))
    db.session.commit()
    db.session.remove()


def median_ms(fn, runs: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def per_page(runs: int) -> None:
    from app.commands.deadlines import _inspection_query, inspection_deadlines, load_calendar, load_rules
    from app.extensions import db
    from schema import CalendarDay, Inspection

    iid = db.session.scalar(sa.select(Inspection.id).where(Inspection.work_start <= TODAY)
                            .order_by(Inspection.work_start.desc()).limit(1).offset(5_000))
    iid = iid or db.session.scalar(sa.select(sa.func.max(Inspection.id)))
    n = len(inspection_deadlines(iid, TODAY))
    total = median_ms(lambda: inspection_deadlines(iid, TODAY), runs)
    query = median_ms(lambda: db.session.execute(_inspection_query([iid])).first(), runs)
    rules = median_ms(load_rules, runs)
    calendar = median_ms(load_calendar, runs)
    print(f"\n单个巡察的期限（inspection_deadlines({iid})，{n} 条，{runs} 次中位数）：{total:.1f} ms")
    print(f"  其中：巡察查询 {query:.1f} ms，读期限规则 {rules:.1f} ms，读工作日历（{count(CalendarDay.__table__):,} 天）{calendar:.1f} ms")
    db.session.remove()


def profile_scan(top: int) -> None:
    from app.commands.deadlines import scan
    from app.extensions import db

    db.session.remove()
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    scan(TODAY)
    prof.disable()
    wall = time.perf_counter() - t0
    db.session.remove()
    for key in ("cumulative", "tottime"):
        out = io.StringIO()
        pstats.Stats(prof, stream=out).strip_dirs().sort_stats(key).print_stats(top)
        lines = out.getvalue().splitlines()
        start = next((i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls")), 0)
        print(f"\ncProfile（第三次扫描，开启分析后 {wall:.1f} s），按 {'累计' if key == 'cumulative' else '自身'}耗时前 {top}：")
        print("\n".join(lines[start:start + top + 1]))


# ------------------------------------------------------------------------------------------------ main


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inspections", type=int, default=100_000, help="生成的巡察数（默认 100000）")
    parser.add_argument("--units-per-round", type=int, default=100, help="每轮巡察的单位数（默认 100；轮数 = 巡察数 ÷ 此数）")
    parser.add_argument("--database-url", default=None,
                        help=f"数据库地址；默认在 {PG_SERVER} 上新建 xct_bench_scan_<随机> 并在结束时删除")
    parser.add_argument("--keep", action="store_true", help="结束时不删除新建的 PostgreSQL 数据库")
    parser.add_argument("--page-runs", type=int, default=20, help="单个巡察期限计时次数（默认 20）")
    parser.add_argument("--seed", type=int, default=2026, help="随机种子")
    parser.add_argument("--tracemalloc", action="store_true", help="两次扫描都开启 tracemalloc（耗时明显变长）")
    parser.add_argument("--profile", action="store_true", help="再扫描一次并用 cProfile 打印耗时前 20 的函数")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", message="The HMAC key is")  # the test config's short SECRET_KEY

    tmp = tempfile.TemporaryDirectory(prefix="xct-bench-scan-")
    created = None
    if args.database_url:
        url = args.database_url
        if url.startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://"):]
    else:
        created = f"xct_bench_scan_{uuid.uuid4().hex[:10]}"
        url = create_database(created)
    try:
        return run(args, url, str(Path(tmp.name) / "storage"))
    finally:
        if created and not args.keep:
            drop_database(created)
            print(f"\n已删除数据库 {created}")
        elif created:
            print(f"\n保留数据库 {created}（--keep）")
        tmp.cleanup()


def run(args, url: str, storage: str) -> int:
    from app import create_app
    from app.commands.setup import run_setup
    from app.extensions import db
    from seeds.demo import load_demo

    app = create_app("test", SQLALCHEMY_DATABASE_URI=url, STORAGE_DIR=storage)
    print(f"数据库：{sa.engine.make_url(url).render_as_string(hide_password=True)}")
    print(f"扫描日期：{TODAY.isoformat()}；巡察数：{args.inspections:,}；CPU 核数：{os.cpu_count()}")
    with app.app_context():
        t0 = time.perf_counter()
        run_setup()
        load_demo()
        db.session.commit()
        db.session.remove()
        print(f"建库、基础数据与演示数据：{time.perf_counter() - t0:.1f} s")

        engine = db.engine
        t0 = time.perf_counter()
        with engine.begin() as conn:
            gen = Generator(conn, db.metadata, args.inspections, args.units_per_round, args.seed)
            counts = gen.run()
            if engine.dialect.name == "postgresql":
                fix_sequences(conn, Generator.TABLES)
        gen_s = time.perf_counter() - t0
        t1 = time.perf_counter()
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text("ANALYZE"))
        else:
            with engine.begin() as conn:
                conn.execute(sa.text("ANALYZE"))
        analyze_s = time.perf_counter() - t1
        print(f"\n生成数据：{sum(counts.values()):,} 行，{gen_s:.1f} s（另 ANALYZE {analyze_s:.1f} s）；"
              f"{gen.rounds:,} 轮 × 每轮 {gen.per_round} 个单位")
        for table in Generator.TABLES:
            print(f"  {table:<15} {counts[table]:>9,}")
        n = max(1, counts["inspection"])
        gaps = gen.phases.pop("（有遗漏日期）", 0)
        print("  阶段：" + "，".join(f"{k} {v:,}（{v / n:.0%}）" for k, v in gen.phases.most_common())
              + f"；其中有遗漏日期（会逾期）的 {gaps:,}（{gaps / n:.0%}）")
        print(f"  每个巡察平均：工作方案 {counts['work_plan'] / n:.2f}，整改 {counts['rectification'] / n:.2f}，"
              f"档案 {counts['archive_volume'] / n:.2f}，会议 {counts['meeting'] / n:.2f}（含动员会）")
        print(f"  生成后 RSS {rss_mb():.0f} MB，进程峰值 {peak_rss_mb():.0f} MB")

        first = timed_scan("第一次扫描（全量写入）", args.tracemalloc)
        second = timed_scan("第二次扫描（同一天重跑）", args.tracemalloc)
        ok = second["notifications"] == 0 and second["rows"] == first["rows"]
        print(f"\n幂等：{'是' if ok else '否'}（第二次新写通知 {second['notifications']}，"
              f"deadline 行数 {first['rows']:,} → {second['rows']:,}）")

        change_one()
        third = timed_scan("第三次扫描（同一天，改动一个巡察的日期后）", args.tracemalloc)
        ok = ok and third["recomputed"] == 1
        timed_scan("第四次扫描（次日：只重算按天计数的对象）", args.tracemalloc, TODAY + timedelta(days=1))

        per_page(args.page_runs)
        if args.profile:
            profile_scan(20)
        print(f"\n进程峰值内存（RSS）：{peak_rss_mb():.0f} MB")
        db.session.remove()
        db.engine.dispose()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
