"""List-page benchmark: SQL statements per request and median time of every list screen, REST list and REST item.

Not a test: it builds a database (setup + demo data), scales the business data ×N by cloning rows
generically, then requests every list screen (HTML and REST) at page sizes 25 and 100, and one record (the
lowest id) of every REST resource (条目: the same URL at both sizes), and prints a table.
A statement count that differs between the two page sizes means per-row queries (an N+1).
Then, per demo role (seeds.demo.DEMO_USERS, each signed in with its own login): the home page and the inspection page
(the show page of the role's first inspection in its scope, and for 巡察办 each of its tabs, loaded on demand), with
statements, bytes and median server time (goal: every page ≤ 300 ms at ×100 on SQLite).

    .venv/bin/python benchmarks/list_pages.py [--scale 100] [--runs 5] [--database-url URL]

Default database: a fresh SQLite file in a temporary directory. With a PostgreSQL URL the script creates no
database itself: pass an empty one (it runs the migrations and loads the data into it, and leaves it there).
"""

from __future__ import annotations

import argparse
import re
import resource
import statistics
import sys
import tempfile
import time
import traceback
import warnings
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import sqlalchemy as sa

# Reference data (loaded by `setup`, not business data: the rules, templates and lists admins keep, a few dozen rows
# whatever the years of inspections) and tables never cloned. Cloning the 归档要求 ×1000 made every inspection page
# check 26,000 requirements.
REFERENCE_TABLES = {"archive_requirement", "calendar_day", "code_rule", "deadline_rule", "document_template",
                    "repeat_rule", "routing_rule", "screen_setting", "sso_group_role", "status_transition"}
SKIP_TABLES = REFERENCE_TABLES | {"alembic_version"}
CHUNK = 5_000
# Text columns that name a row as "<table>:<id>…" (a generated 附件's subject "inspection:5:7"): copy k names copy k.
TEXT_REFS = {("document", "subject")}
TEXT_REF = re.compile(r"^([a-z_]+):(\d+)")
PAGE_SIZES = (25, 100)


# ------------------------------------------------------------------------------------------------ scaling


def _is_cloned(table: sa.Table) -> bool:
    return table.name not in SKIP_TABLES and not table.name.startswith("ab_")


def _int_id(table: sa.Table) -> sa.Column | None:
    """The table's single integer primary key column named id, if it has one."""
    pk = list(table.primary_key.columns)
    if len(pk) == 1 and pk[0].name == "id" and isinstance(pk[0].type, sa.Integer):
        return pk[0]
    return None


def _unique_sets(table: sa.Table) -> list[tuple[str, ...]]:
    sets = {tuple(c.name for c in con.columns) for con in table.constraints if isinstance(con, sa.UniqueConstraint)}
    sets |= {tuple(c.name for c in ix.columns) for ix in table.indexes if ix.unique}
    sets |= {(c.name,) for c in table.columns if c.unique}
    return sorted(s for s in sets if s)


class ClonePlan:
    """How one table's rows become copy k: which columns shift by which offset, which get a suffix."""

    def __init__(self, table: sa.Table, offsets: dict[str, int], warnings: list[str]):
        self.table = table
        self.shift: dict[str, str] = {}  # column → table whose offset applies
        self.suffix: dict[str, int | None] = {}  # string column → max length
        self.plus: set[str] = set()  # unique integer column → + k*10000
        id_col = _int_id(table)
        if id_col is not None:
            self.shift[id_col.name] = table.name
        for fk in table.foreign_keys:
            target = fk.column
            if target.table.name in offsets and _int_id(target.table) is target:
                self.shift[fk.parent.name] = target.table.name
            elif _is_cloned(target.table):
                warnings.append(f"{table.name}.{fk.parent.name} → {target.table.name}.{target.name}: 未重映射")
        for cols in _unique_sets(table):
            if any(c in self.shift for c in cols):
                continue  # copy k references copy k of its parents: the tuple is already unique
            handled = False
            for name in cols:
                col = table.c[name]
                if isinstance(col.type, sa.Enum):
                    continue
                if isinstance(col.type, sa.String):
                    self.suffix[name] = col.type.length
                    handled = True
                elif isinstance(col.type, sa.Integer):
                    self.plus.add(name)
                    handled = True
            if not handled:
                warnings.append(f"{table.name} 唯一约束 {cols} 无法区分副本")

    def copy(self, row: dict, k: int, offsets: dict[str, int]) -> dict:
        new = dict(row)
        for name, owner in self.shift.items():
            if new[name] is not None:
                new[name] = new[name] + k * offsets[owner]
        for name, length in self.suffix.items():
            value = new[name]
            if value is not None:
                tail = f"#{k}"
                base = value if length is None else value[: max(0, length - len(tail))]
                new[name] = base + tail
        for name in self.plus:
            if new[name] is not None:
                new[name] = new[name] + k * 10_000
        for table, name in TEXT_REFS:
            ref = TEXT_REF.match(new.get(name) or "") if table == self.table.name else None
            if ref and ref.group(1) in offsets:
                shifted = int(ref.group(2)) + k * offsets[ref.group(1)]
                new[name] = f"{ref.group(1)}:{shifted}{new[name][ref.end():]}"
        return new


def scale_data(engine: sa.Engine, metadata: sa.MetaData, factor: int) -> dict[str, tuple[int, int]]:
    """Clone every business row factor-1 times; returns table → (rows before, rows after)."""
    tables = [t for t in metadata.sorted_tables if _is_cloned(t)]
    counts: dict[str, tuple[int, int]] = {}
    warnings: list[str] = []
    with engine.begin() as conn:
        existing = set(sa.inspect(conn).get_table_names())
        tables = [t for t in tables if t.name in existing]
        offsets: dict[str, int] = {}
        for t in tables:
            id_col = _int_id(t)
            if id_col is not None:
                offsets[t.name] = (conn.execute(sa.select(sa.func.max(id_col))).scalar() or 0) + 1
        plans = {t.name: ClonePlan(t, offsets, warnings) for t in tables}
        for w in warnings:
            print(f"  ! {w}")
        for t in tables:
            id_col = _int_id(t)
            query = sa.select(t)
            if id_col is not None:
                query = query.order_by(id_col)  # parents of self-references usually come first
            rows = [dict(r) for r in conn.execute(query).mappings()]
            before = len(rows)
            if rows and factor > 1:
                plan = plans[t.name]
                batch: list[dict] = []
                for k in range(1, factor):
                    for row in rows:
                        batch.append(plan.copy(row, k, offsets))
                        if len(batch) >= CHUNK:
                            conn.execute(t.insert(), batch)
                            batch = []
                if batch:
                    conn.execute(t.insert(), batch)
            counts[t.name] = (before, before * factor)
        if engine.dialect.name == "postgresql":
            for t in tables:
                if _int_id(t) is not None:
                    conn.execute(sa.text(
                        f"SELECT setval(pg_get_serial_sequence(:t, 'id'), max(id)) FROM \"{t.name}\" HAVING max(id) IS NOT NULL"
                    ), {"t": f'"{t.name}"'})
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("ANALYZE"))
    return counts


# ------------------------------------------------------------------------------------------------ measuring


class StatementCounter:
    def __init__(self, engine: sa.Engine):
        self.count = 0
        self.active = False
        self.statements: list[str] = []
        sa.event.listen(engine, "before_cursor_execute", self._on_execute)

    def _on_execute(self, conn, cursor, statement, parameters, context, executemany):
        if self.active:
            self.count += 1
            self.statements.append(statement)

    def measure(self, fn):
        self.count, self.statements, self.active = 0, [], True
        start = time.perf_counter()
        try:
            result = fn()
        finally:
            self.active = False
        return result, self.count, (time.perf_counter() - start) * 1000


def measure_url(counter: StatementCounter, get, url: str, runs: int):
    """(status, sql count, median ms, json, note, bytes) over `runs` timed requests after one warm-up."""
    resp = get(url)  # warm-up: caches, templates, lazily built things
    if resp.status_code != 200:
        return resp.status_code, None, None, None, _error_text(resp), None
    counts, times = [], []
    for _ in range(max(1, runs)):
        resp, n, ms = counter.measure(lambda: get(url))
        if resp.status_code != 200:
            return resp.status_code, None, None, None, _error_text(resp), None
        counts.append(n)
        times.append(ms)
    note = "" if len(set(counts)) == 1 else f"SQL 次数不稳定 {counts}"
    payload = resp.get_json(silent=True)
    return 200, max(counts), statistics.median(times), payload, note, len(resp.get_data())


def _error_text(resp) -> str:
    if resp.status_code in (301, 302, 303):
        return f"重定向到 {resp.headers.get('Location')}"
    text = resp.get_data(as_text=True)
    return " ".join(text.split())[:200]


def table_rows(model) -> int:
    from app.extensions import db

    return db.session.execute(sa.select(sa.func.count()).select_from(model.__table__)).scalar()


def first_id(model) -> int | None:
    """The lowest id of the model's table (the demo's own record, not a clone), None for an empty table."""
    from app.extensions import db

    return db.session.scalar(sa.select(sa.func.min(model.__table__.c.id)))


# ------------------------------------------------------------------------------------------------ main


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=100, help="业务数据放大倍数（默认 100）")
    parser.add_argument("--runs", type=int, default=5, help="每个页面计时的请求次数（默认 5）")
    parser.add_argument("--database-url", default=None, help="数据库地址；默认临时目录中的新 SQLite 文件")
    parser.add_argument("--show-sql", nargs="*", metavar="CLASS",
                        help="打印语句（按次数归并）：不带参数时打印 N+1? 的，带类名时打印这些视图/API 的（@100）")
    parser.add_argument("--only", nargs="+", metavar="CLASS", help="只测这些视图/API 类（类名）")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", message="The HMAC key is")  # the test config's short SECRET_KEY

    tmp = tempfile.TemporaryDirectory(prefix="xct-bench-")
    url = args.database_url or f"sqlite:///{Path(tmp.name) / 'bench.db'}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    storage = str(Path(tmp.name) / "storage")

    from app import create_app
    from app.commands.setup import run_setup
    from app.extensions import db
    from seeds.demo import DEMO_PASSWORD, load_demo

    app = create_app("test", SQLALCHEMY_DATABASE_URI=url, STORAGE_DIR=storage, WTF_CSRF_ENABLED=False)
    print(f"数据库：{sa.engine.make_url(url).render_as_string(hide_password=True)}")

    with app.app_context():
        t0 = time.perf_counter()
        run_setup()
        load_demo()
        password = DEMO_PASSWORD
        db.session.commit()
        db.session.remove()
        print(f"建库与演示数据：{time.perf_counter() - t0:.1f} s")

        t0 = time.perf_counter()
        counts = scale_data(db.engine, db.metadata, args.scale)
        scale_s = time.perf_counter() - t0
        nonempty = {k: v for k, v in counts.items() if v[0]}
        print(f"\n放大 ×{args.scale}：{scale_s:.1f} s，"
              f"{sum(a for a, _ in counts.values()):,} 行 → {sum(b for _, b in counts.values()):,} 行")
        width = max((len(k) for k in nonempty), default=10)
        for name, (before, after) in nonempty.items():
            print(f"  {name:<{width}} {before:>7,} → {after:>10,}")
        empty = sorted(k for k, v in counts.items() if not v[0])
        if empty:
            print(f"  （空表，未放大：{', '.join(empty)}）")

        import views

        # (label, model, url template, kind, class name, rows in table)
        targets = []
        for view, name, _category, _icon in views.screens():
            if not hasattr(view, "datamodel"):  # a page that is not a model list (我的待办)
                continue
            cls = view.__name__
            targets.append((name, f"/{cls.lower()}/list/?psize_{cls}={{n}}", "页面", cls, table_rows(view.datamodel.obj)))
        apis = [(api.resource_name, api.__name__, table_rows(api.datamodel.obj), first_id(api.datamodel.obj))
                for api in views.apis() if hasattr(api, "datamodel")]  # not the step APIs (views.ownership)
        db.session.remove()
        engine = db.engine

    # Requests run outside any app context, as in production: each gets its own app context, session and g.
    counter = StatementCounter(engine)
    client = app.test_client()
    resp = client.post("/login/", data={"username": "admin", "password": password})
    if resp.status_code != 302:
        print(f"登录失败：HTTP {resp.status_code} {_error_text(resp)}")
        return 2
    api_client = app.test_client()
    resp = api_client.post("/api/v1/security/login",
                           json={"username": "admin", "password": password, "provider": "db", "refresh": True})
    headers = {}
    if resp.status_code == 200:
        headers = {"Authorization": f"Bearer {resp.json['access_token']}"}
        for res_name, cls, rows, _first in apis:
            targets.append((res_name, f"/api/v1/{res_name}/?q=(page_size:{{n}})", "REST", cls, rows))
        for res_name, cls, rows, first in apis:  # one record of the same table (its URL has no page size)
            if first is not None:
                targets.append((res_name, f"/api/v1/{res_name}/{first}", "条目", cls, rows))
    else:
        print(f"  ! REST 登录失败：HTTP {resp.status_code} {_error_text(resp)}")

    def getter(kind):
        if kind in ("REST", "条目"):
            return lambda u: api_client.get(u, headers=headers)
        return client.get

    if args.only:
        targets = [t for t in targets if t[3] in set(args.only)]
    results, errors, flagged = [], [], []
    for label, template, kind, cls, rows in targets:
        get = getter(kind)
        row = {"label": label, "kind": kind, "cls": cls, "rows": rows, "sql": {}, "ms": {}, "notes": []}
        for n in PAGE_SIZES:
            u = template.format(n=n)
            try:
                status, sql, ms, payload, note, _size = measure_url(counter, get, u, args.runs)
            except Exception as exc:  # noqa: BLE001 - one broken screen must not stop the others
                status, sql, ms, payload, note = None, None, None, None, f"{type(exc).__name__}: {exc}"
                traceback.print_exc()
            if status != 200:
                errors.append(f"错误 {kind} {label}（{cls}）{u}：HTTP {status} {note}")
                continue
            row["sql"][n], row["ms"][n] = sql, ms
            if note:
                row["notes"].append(f"@{n} {note}")
            if kind == "REST" and isinstance(payload, dict):
                got, want = len(payload.get("result", [])), min(n, rows)
                if got != want:
                    row["notes"].append(f"@{n} 返回 {got} 条，应为 {want}")
            row.setdefault("statements", {})[n] = list(counter.statements)
        if len(row["sql"]) == len(PAGE_SIZES) and row["sql"][PAGE_SIZES[0]] != row["sql"][PAGE_SIZES[-1]]:
            flagged.append(row)
        results.append(row)

    # -------------------------------------------------------------------------------------------- report
    print()
    head = f"{_pad('类型', 4)} {_pad('界面', 16)} {'视图类':<24} {'表行数':>9} {'SQL@25':>7} {'SQL@100':>8} {'ms@25':>8} {'ms@100':>8}"
    print(head)
    print("-" * (len(head) + 10))

    def fmt(v, spec):
        return format(v, spec) if v is not None else "—"

    for r in results:
        flag = "  N+1?" if r in flagged else ""
        notes = ("  " + "；".join(r["notes"])) if r["notes"] else ""
        print(f"{_pad(r['kind'], 4)} {_pad(r['label'], 16)} {r['cls']:<24} {r['rows']:>9,} "
              f"{fmt(r['sql'].get(25), '>7')} {fmt(r['sql'].get(100), '>8')} "
              f"{fmt(r['ms'].get(25), '>8.1f')} {fmt(r['ms'].get(100), '>8.1f')}{flag}{notes}")
    for e in errors:
        print(e)

    ok = [r for r in results if len(r["sql"]) == len(PAGE_SIZES)]
    print("-" * (len(head) + 10))
    for kind in ("页面", "REST", "条目"):
        group = [r for r in ok if r["kind"] == kind]
        if group:
            print(f"{kind}：{len(group)} 个，SQL 合计 @25 {sum(r['sql'][25] for r in group)}，"
                  f"@100 {sum(r['sql'][100] for r in group)}；中位耗时合计 @25 {sum(r['ms'][25] for r in group):.0f} ms，"
                  f"@100 {sum(r['ms'][100] for r in group):.0f} ms")
    print(f"N+1?：{len(flagged)} 个；错误：{len(errors)} 个；放大用时 {scale_s:.1f} s")
    print(f"峰值内存（RSS）：{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    errors += role_pages(app, counter, password, args.runs)
    if args.show_sql is not None:
        wanted = set(args.show_sql)
        for r in results:
            if (r["cls"] in wanted) if wanted else (r in flagged):
                by_size = {n: Counter(_normalize(s) for s in r.get("statements", {}).get(n, []))
                           for n in PAGE_SIZES}
                small, big = by_size[PAGE_SIZES[0]], by_size[PAGE_SIZES[-1]]
                print(f"\n== {r['kind']} {r['label']}（{r['cls']}）@{PAGE_SIZES[-1]} 的语句（次数 语句）：")
                for text, times in big.most_common():
                    print(f"  {times:>4} {text}")
                if small != big:
                    print(f"  -- 与 @{PAGE_SIZES[0]} 相比（+多 / -少）：")
                    for text in sorted(set(small) | set(big)):
                        if small[text] != big[text]:
                            print(f"  {big[text] - small[text]:+4} {text}")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    tmp.cleanup()
    return 1 if errors else 0


def _first_inspections(app) -> dict[str, int | None]:
    """Demo login → the first inspection (lowest id: the demo's own, not a clone) in that user's scope."""
    from app.extensions import db
    from app.scope import scoped
    from schema import Inspection
    from seeds.demo import DEMO_USERS

    with app.app_context():
        users = {u.username: u for u in app.appbuilder.sm.get_all_users()}
        found = {who: db.session.scalar(scoped(sa.select(sa.func.min(Inspection.id)), Inspection, users[who]))
                 for who in DEMO_USERS}
        db.session.remove()
    return found


def role_pages(app, counter: StatementCounter, password: str, runs: int) -> list[str]:
    """Print the home page and the inspection page of every demo role (and 巡察办's inspection tabs); answer the
    errors."""
    from seeds.demo import DEMO_USERS

    inspections = _first_inspections(app)
    rows, errors = [], []
    for who, (role, _name) in DEMO_USERS.items():
        client = app.test_client()
        resp = client.post("/login/", data={"username": who, "password": password})
        if resp.status_code != 302:
            errors.append(f"错误 {who} 登录失败：HTTP {resp.status_code}")
            continue
        pages = [("首页", "/")]
        if inspections[who] is not None:
            show = f"/inspectionview/show/{inspections[who]}"
            pages.append(("巡察页", show))
            if who == "office":
                html = client.get(show).get_data(as_text=True)
                tabs = dict.fromkeys(re.findall(r'"(/inspectionview/related/\d+/(\w+))"', html))
                pages += [(f"标签 {view}", url) for url, view in tabs]
        for label, url in pages:
            status, sql, ms, _payload, note, size = measure_url(counter, client.get, url, runs)
            if status != 200:
                errors.append(f"错误 {who} {label} {url}：HTTP {status} {note}")
                continue
            rows.append((who, role, label, sql, size, ms, note))
    print(f"\n{'用户':<8} {'角色':<13} {_pad('页面', 34)} {'SQL':>5} {'字节':>9} {'ms':>8}")
    for who, role, label, sql, size, ms, note in rows:
        slow = "  >300 ms" if ms > 300 else ""
        print(f"{who:<8} {role:<13} {_pad(label, 34)} {sql:>5} {size:>9,} {ms:>8.1f}{slow}{'  ' + note if note else ''}")
    if rows:
        worst = max(rows, key=lambda r: r[5])
        print(f"最慢：{worst[0]} {worst[2]} {worst[5]:.1f} ms；超过 300 ms 的页面：{sum(r[5] > 300 for r in rows)} 个")
    for e in errors:
        print(e)
    return errors


_PARAM = r"(?:\?|%\(\w+\)s|\$\d+|:\w+)(?:::\w+)?"
_IN_LIST = re.compile(rf"IN \({_PARAM}(?:, {_PARAM})*\)")


def _normalize(statement: str) -> str:
    """One line, IN lists folded, so statements differing only in how many ids they load compare equal."""
    return _IN_LIST.sub("IN (…)", " ".join(statement.split()))[:240]


def _pad(text: str, width: int) -> str:
    """Left-justify counting CJK characters as two columns."""
    shown = sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)
    return text + " " * max(0, width - shown)


if __name__ == "__main__":
    sys.exit(main())
