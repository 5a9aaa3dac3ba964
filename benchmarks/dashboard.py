"""Dashboard benchmark: each 领导看板 query and the home page's queries on PostgreSQL at 1,000,000 clues and
1,000,000 rectification items.

Not a test. Builds (or, when it is already there, reuses) the database `xct_bench_dashboard` on
postgresql://postgres@127.0.0.1:5432: setup + demo data, then in bulk with generate_series: 80 more units, two
rounds a year 2022–2026 with 8 teams each, every unit inspected about twice in the 届 (one per round at most),
transfers per inspection and receiving department, and the rows counted: clues (status spread over the 分类处置
steps, sent ones in their transfer's list), rectification items (status spread), findings (200,000) and the change
history (1,000,000 rows, 200 actors). The demo team leader `zuzhang` is made a member of one generated team per
round, so the team-scope figures read a realistic share.

Prints, for each chart of app.dashboards and for the home page (app.home), the median of 3 runs as each demo user
(every role, each with its own row scope: seeds.demo.DEMO_USERS), and for the slowest statement of a query over
300 ms its EXPLAIN (ANALYZE) plan.

    .venv/bin/python benchmarks/dashboard.py [--clues 1000000] [--items 1000000] [--rebuild] [--database-url URL]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa

from benchmarks.pgdb import PG_SERVER, create_database, database_exists
DB_NAME = "xct_bench_dashboard"
YEARS = range(2022, 2027)
TEAMS_PER_ROUND = 8
EXTRA_UNITS = 80
SLOW_MS = 300


def ensure_database(url: str | None, rebuild: bool) -> tuple[str, bool]:
    """(url, fresh): the database to use and whether it must be filled."""
    if url:
        return url, rebuild
    if rebuild or not database_exists(DB_NAME):
        return create_database(DB_NAME), True
    return f"{PG_SERVER}/{DB_NAME}", False


def filled(db, clues: int) -> bool:
    try:
        return (db.session.scalar(sa.text("SELECT count(*) FROM clue")) or 0) >= clues
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        return False


def build(db, clues: int, items: int) -> None:
    """The bulk rows, one INSERT … SELECT FROM generate_series each (seconds, not minutes)."""
    steps = [
        ("units", f"""
            INSERT INTO unit (name, short_name, kind, is_receiving, created_at, updated_at)
            SELECT '压测单位' || g, '压测' || g, (ARRAY['教学科研单位','党政管理部门','其他直属机构'])[1 + g % 3],
                   false, now(), now()
            FROM generate_series(1, {EXTRA_UNITS}) g"""),
        ("rounds", f"""
            INSERT INTO round (name, year, kind, starts_on, ends_on, created_at, updated_at)
            SELECT y || '年压测第' || r || '轮', y, '常规', make_date(y, 3 + (r - 1) * 6, 1),
                   make_date(y, 5 + (r - 1) * 6, 28), now(), now()
            FROM generate_series({YEARS.start}, {YEARS.stop - 1}) y, generate_series(1, 2) r"""),
        ("teams", f"""
            INSERT INTO team (round_id, name, created_at, updated_at)
            SELECT r.id, '压测第' || t || '组', now(), now()
            FROM round r, generate_series(1, {TEAMS_PER_ROUND}) t WHERE r.name LIKE '%压测%'"""),
        ("zuzhang in one team per round", """
            INSERT INTO team_member (team_id, person_id, role, created_at, updated_at)
            SELECT t.id, (SELECT id FROM person WHERE username = 'zuzhang'), '组长', now(), now()
            FROM team t WHERE t.name = '压测第1组'"""),
        # each unit in about 2 of the 10 rounds: unit k in round j when (k + j) % 5 = 0
        ("inspections", f"""
            INSERT INTO inspection (round_id, team_id, unit_id, entry_date, work_start, work_end, created_at, updated_at)
            SELECT r.id,
                   (SELECT t.id FROM team t WHERE t.round_id = r.id ORDER BY t.id
                    OFFSET (u.rn % {TEAMS_PER_ROUND}) LIMIT 1),
                   u.id, r.starts_on, r.starts_on + 1, r.ends_on, now(), now()
            FROM (SELECT id, row_number() OVER (ORDER BY id) rn FROM unit) u,
                 (SELECT id, starts_on, ends_on, row_number() OVER (ORDER BY id) rn FROM round
                  WHERE name LIKE '%压测%') r
            WHERE (u.rn + r.rn) % 5 = 0"""),
        ("transfers", """
            INSERT INTO transfer (inspection_id, department_id, doc_no, transferred_on, received_on, created_at,
                                  updated_at)
            SELECT i.id, d.id, '压测移送' || i.id || '-' || d.id, i.work_end + 30,
                   CASE WHEN i.id % 7 = 0 THEN NULL ELSE i.work_end + 33 END, now(), now()
            FROM inspection i JOIN round r ON r.id = i.round_id, unit d
            WHERE d.is_receiving AND r.name LIKE '%压测%'"""),
        ("clues", f"""
            INSERT INTO clue (inspection_id, code, source, category, involves_leadership, summary, status,
                              department_id, created_at, updated_at)
            SELECT ins[(1 + (g * 7919) % cardinality(ins))::int], 'YC' || g,
                   (ARRAY['信访','谈话','调阅资料','走访调研','问卷','其他'])[1 + g % 6],
                   (ARRAY['违纪违法','作风','民主集中制','三重一大','干部选拔任用','财务管理','其他'])[1 + g % 7],
                   g % 9 = 0, '压测线索', st, CASE WHEN st IN ('登记', '拟处置') THEN NULL
                                                   ELSE deps[(1 + g % cardinality(deps))::int] END, now(), now()
            FROM generate_series(1::bigint, {clues}) g
            CROSS JOIN (SELECT array_agg(i.id ORDER BY i.id) ins FROM inspection i JOIN round r ON r.id = i.round_id
                        WHERE r.name LIKE '%压测%') a
            CROSS JOIN (SELECT array_agg(id ORDER BY id) deps FROM unit WHERE is_receiving) b
            CROSS JOIN LATERAL (SELECT (ARRAY['登记','拟处置','巡察办审核','党委决定','已移送','已移送','已办结',
                                              '已办结','已办结','已办结'])[1 + (g * 31) % 10] st) s"""),
        ("transfer lists", """
            INSERT INTO transfer_clue (transfer_id, clue_id)
            SELECT t.id, c.id FROM clue c
            JOIN transfer t ON t.inspection_id = c.inspection_id AND t.department_id = c.department_id
            WHERE c.status IN ('已移送', '已办结') AND c.code LIKE 'YC%'"""),
        ("findings", """
            INSERT INTO finding (inspection_id, aspect, seq, summary, is_general, created_at, updated_at)
            SELECT ins[(1 + (g * 104729) % cardinality(ins))::int],
                   (ARRAY['党的领导','党的建设','全面从严治党','党风廉政建设和反腐败斗争','重点领域风险防控','整改落实',
                          '其他'])[1 + g % 7], (g % 50)::int, '压测问题' || g, g % 11 = 0, now(), now()
            FROM generate_series(1::bigint, 200000) g
            CROSS JOIN (SELECT array_agg(i.id ORDER BY i.id) ins FROM inspection i JOIN round r ON r.id = i.round_id
                        WHERE r.name LIKE '%压测%') a"""),
        ("rectification items", f"""
            INSERT INTO rectification_item (inspection_id, seq, task, phase, due_date, status, publishable,
                                            created_at, updated_at)
            SELECT ins[(1 + (g * 15485863) % cardinality(ins))::int], (g % 100)::int, '压测整改任务' || g,
                   (ARRAY['立行立改','限期整改','长期坚持'])[1 + g % 3], date '2022-06-01' + (g % 1700)::int,
                   (ARRAY['已销号','已销号','已销号','已销号','整改中','整改中','待审核','未启动','退回','反弹'])
                       [1 + (g * 13) % 10], true, now(), now()
            FROM generate_series(1::bigint, {items}) g
            CROSS JOIN (SELECT array_agg(i.id ORDER BY i.id) ins FROM inspection i JOIN round r ON r.id = i.round_id
                        WHERE r.name LIKE '%压测%') a"""),
        ("change history", """
            INSERT INTO change_log (at, actor, entity, entity_id, entity_label, operation, changes)
            SELECT timestamp '2024-01-01' + g * interval '60 seconds',
                   CASE WHEN g % 200 = 0 THEN 'zuzhang' WHEN g % 200 = 1 THEN 'office' ELSE 'user' || g % 200 END,
                   'clue', (1 + g % 1000000)::int, 'YC' || (1 + g % 1000000), '修改', '{}'
            FROM generate_series(1::bigint, 1000000) g"""),
    ]
    for name, statement in steps:
        started = time.perf_counter()
        count = db.session.execute(sa.text(statement)).rowcount
        db.session.commit()
        print(f"  {name}: {count:,} 行，{time.perf_counter() - started:.1f} 秒", flush=True)
    vacuum(db)


def vacuum(db) -> None:
    """VACUUM ANALYZE: statistics for the planner and the visibility map that index-only scans need."""
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))


class Statements:
    """Every SQL statement run while active, with its time: the slowest one gets an EXPLAIN."""

    def __init__(self, engine):
        self.engine, self.rows, self.active = engine, [], False
        sa.event.listen(engine, "before_cursor_execute", self._before)
        sa.event.listen(engine, "after_cursor_execute", self._after)

    def _before(self, conn, cursor, statement, params, context, many):
        conn.info["t0"] = time.perf_counter()

    def _after(self, conn, cursor, statement, params, context, many):
        if self.active:
            self.rows.append((time.perf_counter() - conn.info["t0"], statement, params))


def median_ms(fn, statements: Statements) -> float:
    from app.extensions import db

    times = []
    statements.rows = []
    for _ in range(3):
        db.session.expire_all()
        statements.active = True
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
        statements.active = False
    return statistics.median(times)


def explain(db, statements: Statements) -> list[str]:
    seconds, statement, params = max(statements.rows, key=lambda r: r[0])
    with db.engine.connect() as conn:
        cursor = conn.connection.cursor()
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS OFF, TIMING OFF) " + statement, params)
        plan = [row[0] for row in cursor.fetchall()]
    return [f"    最慢语句 {seconds * 1000:.0f} ms：{' '.join(statement.split())[:160]}…"] + \
        ["    " + line for line in plan[:14]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clues", type=int, default=1_000_000)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--rebuild", action="store_true", help="删除并重建压测数据库")
    parser.add_argument("--database-url")
    args = parser.parse_args()

    from flask import g

    from app import create_app
    from app.commands.setup import run_setup
    from app.dashboards import CHARTS
    from app.extensions import db
    from app.home import recent_records, review_queues
    from seeds.demo import load_demo

    url, fresh = ensure_database(args.database_url, args.rebuild)
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url, STORAGE_DIR=tempfile.mkdtemp())
    with app.app_context():
        if fresh or not filled(db, args.clues):
            print(f"建库：{url}", flush=True)
            run_setup()
            load_demo()
            build(db, args.clues, args.items)
            from app.audit import acting_as
            from app.commands.deadlines import scan

            with acting_as("压测：期限扫描"):
                started = time.perf_counter()
                scan()
                print(f"  期限扫描：{time.perf_counter() - started:.1f} 秒", flush=True)
        else:
            from flask_migrate import upgrade

            print(f"沿用已有的压测数据库：{url}（先升级到最新迁移）")
            upgrade(directory=app.extensions["migrate"].directory)
            vacuum(db)
        counts = {t: db.session.scalar(sa.text(f"SELECT count(*) FROM {t}"))  # noqa: S608 - fixed table names
                  for t in ("unit", "inspection", "clue", "transfer_clue", "rectification_item", "finding",
                            "deadline", "change_log")}
        print("数据量：" + "，".join(f"{t} {n:,}" for t, n in counts.items()))
        statements = Statements(db.engine)
        sm = app.appbuilder.sm
        from seeds.demo import DEMO_USERS

        viewers = {who: sm.find_user(username=who) for who in DEMO_USERS}  # every role, each with its own scope
        print(f"\n{'查询':<34}" + "".join(f"{v:>12}" for v in viewers))
        notes = []
        with app.test_request_context("/"):
            for name, fn in [*CHARTS.items(), ("home: 即将到期", None), ("home: 待我处理", review_queues),
                             ("home: 我最近处理的记录", recent_records)]:
                cells = []
                for label, user in viewers.items():
                    g.user = user
                    if fn is None:
                        from views.deadlines import my_deadlines

                        ms = median_ms(lambda u=user: my_deadlines(u, limit=10), statements)
                    else:
                        ms = median_ms(lambda f=fn, u=user: f(u), statements)
                    cells.append(f"{ms:>9.1f} ms")
                    if ms > SLOW_MS:
                        notes.append(f"  {name}，{label}：{ms:.0f} ms")
                        notes += explain(db, statements)
                print(f"{name:<36}" + "".join(cells), flush=True)
        if notes:
            print("\nEXPLAIN（超过 %d ms 的查询）：" % SLOW_MS)
            print("\n".join(notes))


if __name__ == "__main__":
    main()
