"""Search benchmark (issue 17 §3): p95 of a two- and a four-character query within a TeamMember's scope on
PostgreSQL, and the size of the pg_trgm index. Goal: p95 ≤ 100 ms at 1,000,000 records.

Not a test. Creates its own database `xct_bench_search` on postgresql://postgres@127.0.0.1:5432 (migrated, setup,
demo data), fills it in bulk with generate_series — 300 more units, two rounds a year 2022–2026 with 16 teams each,
every unit inspected about twice, and `--records` talks, petitions, clues, findings, materials and meetings of
realistic Chinese text (6–12 phrases of inspection findings each) — writes their search_entry rows with one
INSERT … SELECT (the same shape app.search.entry gives: title, then the text; the petitioner in `secret`), and
drops the database at the end (`--keep` leaves it). The demo 组员 `zuyuan` serves in one generated team in each
of the two 2026 rounds, so the scope is a realistic share.

    .venv/bin/python benchmarks/search.py [--records 1000000] [--runs 10] [--keep] [--reuse] [--serial] [--office]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa

from benchmarks.pgdb import PG_SERVER, create_database, drop_database

DB_NAME = "xct_bench_search"
GOAL_MS = 100
PAIRS = ("经费", "采购", "党费", "招生", "合同")  # two characters: no trigram; common words, thousands of hits
FOURS = ("科研经费", "干部选拔", "固定资产", "廉洁风险", "公务接待")
PHRASES = (
    "学院党委落实全面从严治党主体责任不到位", "科研经费报销审核把关不严", "三重一大事项未经集体研究决定",
    "干部选拔任用程序不规范", "实验室设备采购指定供应商", "公务接待超标准列支", "基层党组织换届不及时",
    "意识形态工作责任制落实不力", "财务管理制度执行不严格", "食堂采购账目不清", "固定资产管理混乱",
    "招生录取工作监督不到位", "违规发放津贴补贴", "党费收缴使用不规范", "组织生活会质量不高",
    "巡视整改落实不彻底", "师德师风建设存在薄弱环节", "合同管理存在廉洁风险", "基建工程变更审批不规范",
    "学生资助评定程序不透明", "校办企业监管缺位", "国有资产出租出借未经审批", "民主推荐范围不符合规定",
    "领导干部个人有关事项报告不实", "形式主义官僚主义问题突出", "会议记录不完整", "谈话对象反映",
    "群众来信反映", "经查阅资料发现", "存在较大廉洁风险", "需进一步核实", "建议移送纪委监察室",
    "整改措施针对性不强", "日常监督存在盲区", "科研项目结题验收走过场", "横向课题经费管理不规范",
    "研究生招生导师权力过大", "职称评审程序不严", "后勤服务外包管理不规范", "网络安全管理责任不落实",
)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
# type → (share of the records, the text column written, the search title's prefix)
TYPES = {
    "talk": (0.25, "record", "个别谈话"), "petition": (0.20, "summary", "信访"), "clue": (0.15, "summary", "线索"),
    "finding": (0.20, "detail", "问题"), "material": (0.10, "note", "调阅资料"), "meeting": (0.10, "minutes", "会议"),
}


def _array(items) -> str:
    return "ARRAY[" + ",".join(f"'{p}'" for p in items) + "]"


def _text(seed: str) -> str:
    """6–12 phrases picked by a hash of the row number: SQL for a realistic record text."""
    return (f"array_to_string(ARRAY(SELECT ({_array(PHRASES)})[1 + (({seed}) * 7919 + k * 104729) % {len(PHRASES)}]"
            f" FROM generate_series(1, 6 + ({seed}) % 7) k), '，') || '。'")




def _copy_rows(db, table: str, count: int, overrides: dict[str, str]) -> int:
    """`count` copies of the table's first row, with `overrides` (column → SQL over g, ins) in place."""
    columns = [c for c in sa.inspect(db.engine).get_columns(table) if c["name"] != "id"]
    select = ", ".join(overrides.get(c["name"], f"t0.{c['name']}") for c in columns)
    statement = f"""
        INSERT INTO {table} ({", ".join(c["name"] for c in columns)})
        SELECT {select} FROM (SELECT * FROM {table} ORDER BY id LIMIT 1) t0,
             generate_series(1::bigint, {count}) g,
             (SELECT array_agg(i.id ORDER BY i.id) ins FROM inspection i JOIN round r ON r.id = i.round_id
              WHERE r.name LIKE '%压测%') a"""
    return db.session.execute(sa.text(statement)).rowcount


def build(db, records: int) -> None:
    steps = [
        ("units", """INSERT INTO unit (name, short_name, kind, is_receiving, created_at, updated_at)
            SELECT '压测单位' || g, '压测' || g, (ARRAY['教学科研单位','党政管理部门','其他直属机构'])[1 + g % 3],
                   false, now(), now() FROM generate_series(1, 300) g"""),
        ("rounds", """INSERT INTO round (name, year, kind, starts_on, ends_on, created_at, updated_at)
            SELECT y || '年压测第' || r || '轮', y, '常规', make_date(y, 3 + (r - 1) * 6, 1),
                   make_date(y, 5 + (r - 1) * 6, 28), now(), now()
            FROM generate_series(2022, 2026) y, generate_series(1, 2) r"""),
        ("teams", """INSERT INTO team (round_id, name, created_at, updated_at)
            SELECT r.id, '压测第' || t || '组', now(), now()
            FROM round r, generate_series(1, 16) t WHERE r.name LIKE '%压测%'"""),
        ("zuyuan in one team of each 2026 round", """
            INSERT INTO team_member (team_id, person_id, role, created_at, updated_at)
            SELECT t.id, (SELECT id FROM person WHERE username = 'zuyuan'), '成员', now(), now()
            FROM team t JOIN round r ON r.id = t.round_id WHERE t.name = '压测第1组' AND r.year = 2026
              AND r.name LIKE '%压测%'"""),
        ("inspections", """
            INSERT INTO inspection (round_id, team_id, unit_id, entry_date, work_start, work_end, created_at,
                                    updated_at)
            SELECT r.id, (SELECT t.id FROM team t WHERE t.round_id = r.id ORDER BY t.id OFFSET (u.rn % 16) LIMIT 1),
                   u.id, r.starts_on, r.starts_on + 1, r.ends_on, now(), now()
            FROM (SELECT id, row_number() OVER (ORDER BY id) rn FROM unit) u,
                 (SELECT id, starts_on, ends_on, row_number() OVER (ORDER BY id) rn FROM round
                  WHERE name LIKE '%压测%') r
            WHERE (u.rn + r.rn) % 5 = 0"""),
    ]
    for name, statement in steps:
        _timed(db, name, lambda s=statement: db.session.execute(sa.text(s)).rowcount)
    for table, (share, column, _) in TYPES.items():
        # an inspection's records are written during its 进驻, so they lie together: consecutive rows, one inspection
        ins = f"ins[(1 + (g - 1) * cardinality(ins) / {max(1, int(records * share))})::int]"
        overrides = {"inspection_id": ins, column: _text("g"), "created_at": "now()", "updated_at": "now()"}
        if table == "petition":
            overrides["petitioner_name"] = f"substr('{SURNAMES}', 1 + (g % 20)::int, 1) || '某' || g"
        if table == "clue":
            overrides["code"] = "'YC' || g"
        if table == "meeting":
            overrides["round_id"] = "NULL"
        _timed(db, table, lambda t=table, n=int(records * share), o=overrides: _copy_rows(db, t, n, o))
    # A GIN index built once over the filled table is many times faster than one maintained row by row.
    db.session.execute(sa.text("DROP INDEX ix_search_entry_body_trgm; DROP INDEX ix_search_entry_secret_trgm"))
    for table, (_, column, label) in TYPES.items():
        secret = "petitioner_name" if table == "petition" else "NULL"
        _timed(db, f"search_entry ← {table}", lambda t=table, c=column, lb=label, s=secret: db.session.execute(sa.text(
            f"""INSERT INTO search_entry (entity, entity_id, title, body, secret)
                SELECT '{t}', id, '{lb} #' || id, '{lb} #' || id || E'\\n' || coalesce({c}, ''), {s} FROM {t}
                WHERE id NOT IN (SELECT entity_id FROM search_entry WHERE entity = '{t}')""")).rowcount)
    for column in ("body", "secret"):  # as migration 0005g makes them
        _timed(db, f"GIN 索引 {column}", lambda c=column: db.session.execute(sa.text(
            f"CREATE INDEX ix_search_entry_{c}_trgm ON search_entry USING gin ({c} gin_trgm_ops)")).rowcount)
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))


def _timed(db, name: str, fn) -> None:
    started = time.perf_counter()
    count = fn()
    db.session.commit()
    print(f"  {name}: {count:,} 行，{time.perf_counter() - started:.1f} 秒", flush=True)


def _backend_cpu(db, serial: bool):
    """A function answering the CPU seconds the session's PostgreSQL process has used (from /proc: the server is on
    this machine), 0 where /proc cannot tell. Wall time on a shared machine measures the other work as well; CPU time
    is what the query itself costs. /proc counts in clock ticks (10 ms): only the mean over many runs is exact. `serial`: no parallel workers for this session, whose CPU would not be counted."""
    if serial:
        db.session.execute(sa.text("SET max_parallel_workers_per_gather = 0"))
    pid = db.session.scalar(sa.text("SELECT pg_backend_pid()"))
    ticks = os.sysconf("SC_CLK_TCK")

    def used() -> float:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / ticks  # utime, stime

    return used


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else samples[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=1_000_000, help="生成的记录数（默认 1,000,000）")
    parser.add_argument("--runs", type=int, default=10, help="每个检索词运行次数")
    parser.add_argument("--keep", action="store_true", help="保留压测数据库")
    parser.add_argument("--reuse", action="store_true", help="沿用 --keep 留下的压测数据库，只测检索")
    parser.add_argument("--serial", action="store_true", help="不用并行工作进程（CPU 时间才完整）")
    parser.add_argument("--office", action="store_true", help="也测巡察办（不限范围：命中数十万条时计数要几秒）")
    args = parser.parse_args()

    from flask import g

    from app import create_app
    from app.commands.search import search
    from app.commands.setup import run_setup
    from app.extensions import db
    from seeds.demo import load_demo

    url = f"{PG_SERVER}/{DB_NAME}" if args.reuse else create_database(DB_NAME)
    app = create_app("test", SQLALCHEMY_DATABASE_URI=url, STORAGE_DIR=tempfile.mkdtemp())
    try:
        with app.app_context():
            if not args.reuse:
                print(f"建库：{url}", flush=True)
                run_setup()
                load_demo()
                build(db, args.records)
            entries = db.session.scalar(sa.text("SELECT count(*) FROM search_entry"))
            sizes = db.session.execute(sa.text(
                "SELECT pg_size_pretty(pg_relation_size('ix_search_entry_body_trgm')),"
                " pg_size_pretty(pg_relation_size('ix_search_entry_secret_trgm')),"
                " pg_size_pretty(pg_table_size('search_entry'))")).one()
            print(f"检索索引：search_entry {entries:,} 行（表 {sizes[2]}），正文 pg_trgm GIN 索引 {sizes[0]}，"
                  f"信访人 GIN 索引 {sizes[1]}")
            # 2 cores shared with other work: the figures below scale with the load; say what it was
            print("系统负载（1/5/15 分钟）：" + " / ".join(f"{x:.1f}" for x in os.getloadavg()))
            sm = app.appbuilder.sm
            viewers = [("zuyuan", "组员（本组范围）")] + ([("office", "巡察办（不限范围）")] if args.office else [])
            for username, label in viewers:
                user = sm.find_user(username=username)
                with app.test_request_context("/api/v1/search"):
                    g.user = user
                    print(f"\n{label}")
                    backend = _backend_cpu(db, serial=args.serial)
                    for name, words in (("两字", PAIRS), ("四字", FOURS)):
                        samples, cpu, counts = [], [], []
                        for _ in range(args.runs):
                            for q in words:
                                db.session.expire_all()
                                started, used = time.perf_counter(), time.process_time() + backend()
                                counts.append(search(user, q)["count"])
                                samples.append((time.perf_counter() - started) * 1000)
                                cpu.append((time.process_time() + backend() - used) * 1000)
                        verdict = "达标" if p95(samples) <= GOAL_MS else "未达标"
                        print(f"  {name}（{'、'.join(words)}）：p95 {p95(samples):.1f} ms，中位 "
                              f"{statistics.median(samples):.1f} ms，命中 {min(counts):,}–{max(counts):,} 条"
                              f"（目标 ≤ {GOAL_MS} ms：{verdict}）；平均 CPU 时间 {statistics.fmean(cpu):.1f} ms"
                              f"（应用 + 数据库会话进程{'' if args.serial else '，不含并行工作进程'}）", flush=True)
            db.session.remove()
            db.engine.dispose()
    finally:
        if not args.keep:
            drop_database(DB_NAME)


if __name__ == "__main__":
    main()
