"""Load benchmark: many logged-in users of every role at once against gunicorn on PostgreSQL (issue 18 item 2).

Not a test. Creates a PostgreSQL database xct_bench_load_<random> on postgresql://postgres@127.0.0.1:5432, runs
setup and the demo data, optionally scales the business rows ×N (benchmarks/list_pages.py's cloning), starts
gunicorn (production config, loopback only, no Redis) on a free port, logs in USERS virtual users spread over the
demo roles (office, zuzhang, zuyuan, liaison, leader, jiwei), and has each one request pages of its role's mix
without think time until the time or request budget is spent. Prints throughput and, per page, requests, errors,
p50/p95/p99. Then, side by side on the same data, the same users and mix against stock Flask-AppBuilder
(benchmarks/stock_fab.py: plain ModelView/ModelRestApi over the same tables, every user signed in as admin; the
pages it has no equivalent of, 领导看板 and its data, are left out of its mix), unless --no-stock.
Gunicorn and the database are removed at the end (--keep keeps the database).

    .venv/bin/python benchmarks/load.py [--users 40] [--seconds 60] [--max-requests 5000] [--scale 1] [--workers 4]
                                        [--no-stock]

The client is asyncio over the standard library (each request a short HTTP/1.1 exchange on loopback: gunicorn's
sync workers close the connection after every answer anyway), so it needs no package beyond the project's.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
import warnings
from collections import defaultdict
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "benchmarks"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

import sqlalchemy as sa

from benchmarks.pgdb import create_database, drop_database

ROLES = ("office", "zuzhang", "zuyuan", "liaison", "leader", "jiwei")
# role → (page label, path, weight); "{inspection}" is one inspection the user may open. Each role's mix is what
# its user does most: 巡察办 runs the lists and the dashboard, the team its inspection and records, 联络人 its
# inspection's rectification, 领导 the dashboard, 接收部门 its transfers and clues.
MIX = {
    "office": [("首页", "/", 3), ("巡察列表", "/inspectionview/list/", 3), ("巡察详情", "/inspectionview/show/{inspection}", 2),
               ("线索列表", "/clueview/list/", 2), ("期限预警", "/deadlineview/list/", 2), ("领导看板", "/dashboard/", 1),
               ("整改台账", "/rectificationitemview/list/", 1), ("REST 巡察", "/api/v1/inspection/", 1)],
    "zuzhang": [("首页", "/", 3), ("巡察详情", "/inspectionview/show/{inspection}", 3), ("线索列表", "/clueview/list/", 2),
                ("巡察列表", "/inspectionview/list/", 1), ("谈话列表", "/talkview/list/", 2), ("领导看板", "/dashboard/", 1),
                ("REST 线索", "/api/v1/clue/", 1)],
    "zuyuan": [("首页", "/", 3), ("巡察详情", "/inspectionview/show/{inspection}", 3), ("谈话列表", "/talkview/list/", 3),
               ("线索列表", "/clueview/list/", 2), ("REST 线索", "/api/v1/clue/", 1)],
    "liaison": [("首页", "/", 3), ("巡察详情", "/inspectionview/show/{inspection}", 2),
                ("整改台账", "/rectificationitemview/list/", 3)],
    "leader": [("首页", "/", 2), ("领导看板", "/dashboard/", 4), ("巡察列表", "/inspectionview/list/", 2),
               ("看板数据", "/api/v1/dashboard/rectification", 1), ("巡察详情", "/inspectionview/show/{inspection}", 1)],
    "jiwei": [("首页", "/", 3), ("移送列表", "/transferview/list/", 3), ("线索列表", "/clueview/list/", 3),
              ("期限预警", "/deadlineview/list/", 1)],
}


# The same pages in stock FAB (benchmarks/stock_fab.py); a label without one is left out of the stock mix.
STOCK = {"首页": "/", "巡察列表": "/stockinspectionview/list/", "巡察详情": "/stockinspectionview/show/{inspection}",
         "线索列表": "/stockclueview/list/", "期限预警": "/stockdeadlineview/list/", "谈话列表": "/stocktalkview/list/",
         "整改台账": "/stockrectificationitemview/list/", "移送列表": "/stocktransferview/list/",
         "REST 巡察": "/api/v1/stockinspection/", "REST 线索": "/api/v1/stockclue/"}


def stock_mix() -> dict:
    return {role: [(label, STOCK[label], w) for label, _p, w in pages if label in STOCK] for role, pages in MIX.items()}


# ------------------------------------------------------------------------------------------------ the database




def prepare(url: str, storage: str, scale: int) -> dict[str, list[int]]:
    """Setup, demo data, ×scale; returns each role's openable inspections (its row scope)."""
    from list_pages import scale_data

    from app import create_app
    from app.commands.deadlines import scan
    from app.commands.setup import run_setup
    from app.extensions import db
    from app.scope import scope_criterion
    from schema import Inspection
    from seeds.demo import load_demo

    app = create_app("test", SQLALCHEMY_DATABASE_URI=url, STORAGE_DIR=storage)
    with app.app_context():
        t0 = time.perf_counter()
        run_setup()
        load_demo()
        db.session.commit()
        if scale > 1:
            scale_data(db.engine, db.metadata, scale)
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text("ANALYZE"))
        scan()
        counts = {t: db.session.scalar(sa.text(f"SELECT count(*) FROM {t}"))  # fixed table names
                  for t in ("inspection", "clue", "talk", "rectification_item", "deadline", "change_log")}
        print(f"建库、演示数据{f'、放大 ×{scale}' if scale > 1 else ''}：{time.perf_counter() - t0:.1f} s；"
              + "，".join(f"{t} {n:,}" for t, n in counts.items()), flush=True)
        visible = {}
        for role in ROLES:
            user = app.appbuilder.sm.find_user(username=role)
            crit = scope_criterion(Inspection, user)
            query = sa.select(Inspection.id).order_by(Inspection.id.desc()).limit(20)
            visible[role] = list(db.session.scalars(query.where(crit) if crit is not None else query))
        db.session.remove()
        db.engine.dispose()
    return visible


# ------------------------------------------------------------------------------------------------ the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(url: str, storage: str, port: int, workers: int, target: str = "app:create_app('production')"
                   ) -> subprocess.Popen:
    env = _env(url, storage)
    cmd = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{port}", "--timeout", "120",
           "--log-level", "warning", target]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("gunicorn 未能启动") from None
            time.sleep(0.3)
    stop_gunicorn(proc)
    raise RuntimeError("gunicorn 60 秒内未监听端口")


def _env(url: str, storage: str) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "STORAGE_DIR": storage, "SECRET_KEY": secrets.token_hex(32),
           "SESSION_COOKIE_SECURE": "0", "LOGIN_RATE_LIMIT": "100000 per minute", "PYTHONPATH": str(ROOT)}
    env.pop("REDIS_URL", None)
    return env


def start_stock(url: str, storage: str, port: int, workers: int) -> subprocess.Popen:
    """Stock FAB on the same database: its views' permissions written once for Admin, then gunicorn."""
    subprocess.run([sys.executable, "-c", "from benchmarks.stock_fab import create_app; create_app(True)"],
                   cwd=ROOT, env=_env(url, storage), check=True)
    return start_gunicorn(url, storage, port, workers, "benchmarks.stock_fab:create_app()")


def stop_gunicorn(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)  # its own session: the master and its workers, nothing else
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


# ------------------------------------------------------------------------------------------------ the client


class Client:
    """One user's cookie jar over asyncio streams (HTTP/1.1, Connection: close)."""

    def __init__(self, port: int):
        self.port, self.cookies = port, {}

    async def request(self, method: str, path: str, form: dict | None = None, timeout: float = 60.0):
        body = urlencode(form).encode() if form is not None else b""
        head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}", "Connection: close",
                "User-Agent: xct-load", f"Content-Length: {len(body)}"]
        if form is not None:
            head.append("Content-Type: application/x-www-form-urlencoded")
        if self.cookies:
            head.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", self.port), timeout)
        try:
            writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
            await writer.drain()
            raw = await asyncio.wait_for(reader.read(), timeout)
        finally:
            writer.close()
        header, _, payload = raw.partition(b"\r\n\r\n")
        lines = header.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = [line.split(":", 1) for line in lines[1:] if ":" in line]
        for name, value in headers:
            if name.lower() == "set-cookie":
                for key, morsel in SimpleCookie(value.strip()).items():
                    self.cookies[key] = morsel.value
        if any(n.lower() == "transfer-encoding" and "chunked" in v for n, v in headers):
            payload = _unchunk(payload)
        location = next((v.strip() for n, v in headers if n.lower() == "location"), "")
        return status, location, payload

    async def login(self, username: str, password: str) -> bool:
        _s, _l, page = await self.request("GET", "/login/")
        token = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', page)
        form = {"username": username, "password": password, "csrf_token": token.group(1).decode() if token else ""}
        status, location, _p = await self.request("POST", "/login/", form)
        return status == 302 and "/login" not in location


def _unchunk(data: bytes) -> bytes:
    out, rest = b"", data
    while rest:
        size, _, rest = rest.partition(b"\r\n")
        n = int(size.split(b";")[0] or b"0", 16)
        if not n:
            break
        out, rest = out + rest[:n], rest[n + 2:]
    return out


async def user_loop(client: Client, role: str, pages: list, inspections: list[int], stop_at: float,
                    budget: list[int], results: dict, rng: random.Random) -> None:
    if not inspections:
        pages = [p for p in pages if "{inspection}" not in p[1]]
    weights = [w for _l, _p, w in pages]
    while time.monotonic() < stop_at and budget[0] > 0:
        budget[0] -= 1
        label, path, _w = rng.choices(pages, weights)[0]
        path = path.format(inspection=rng.choice(inspections) if inspections else 0)
        t0 = time.perf_counter()
        try:
            status, location, _body = await client.request("GET", path)
            error = status >= 400 or (status in (301, 302) and "/login" in location)
        except (OSError, TimeoutError, ValueError, IndexError):
            status, error = 0, True
        results[(role, label)].append(((time.perf_counter() - t0) * 1000, error, status))


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


SERIAL_RUNS = 5
SERIAL_WARMUP = 8  # twice the default workers: a cold worker's first render is not the page's time


async def serial_times(clients: list, mix: dict, visible: dict) -> dict:
    """Each page of the mix requested alone (one user at a time, SERIAL_RUNS times, the median), by the first user
    of each role: the server time of a page without the queue in front of it. Answers label → median ms (the
    slowest role's)."""
    medians: dict[str, float] = {}
    seen = set()
    for client, role in clients:
        if role in seen:
            continue
        seen.add(role)
        for label, path, _w in mix[role]:
            if "{inspection}" in path and not visible[role]:
                continue
            url = path.format(inspection=visible[role][0] if visible[role] else 0)
            for _ in range(SERIAL_WARMUP):  # every worker has compiled the page's templates and filled its caches
                await client.request("GET", url)
            runs = []
            for _ in range(SERIAL_RUNS):
                t0 = time.perf_counter()
                await client.request("GET", url)
                runs.append((time.perf_counter() - t0) * 1000)
            medians[label] = max(medians.get(label, 0.0), statistics.median(runs))
    print("单独请求（每页 5 次中位数，取各角色中最慢者）：" + "，".join(f"{k} {v:.0f} ms" for k, v in medians.items()))
    return medians


async def run_load(port: int, users: int, seconds: float, max_requests: int, visible: dict, seed: int,
                   mix: dict, login_as=lambda role: role) -> dict:
    """USERS virtual users over `mix` (role → pages), each signed in as `login_as(role)`; prints the figures and
    answers the totals."""
    from seeds.demo import DEMO_PASSWORD

    rng = random.Random(seed)
    t0 = time.perf_counter()
    everyone = [(Client(port), ROLES[i % len(ROLES)]) for i in range(users)]
    logged_in = await asyncio.gather(*(client.login(login_as(role), DEMO_PASSWORD) for client, role in everyone))
    clients = [pair for pair, ok in zip(everyone, logged_in) if ok]
    for (_c, role), ok in zip(everyone, logged_in):
        if not ok:
            print(f"  ! {role} 登录失败")
    print(f"登录 {len(clients)} 个虚拟用户：{time.perf_counter() - t0:.1f} s", flush=True)
    alone = await serial_times(clients, mix, visible)
    results: dict = defaultdict(list)
    budget = [max_requests]
    started = time.monotonic()
    await asyncio.gather(*(user_loop(c, role, mix[role], visible[role], started + seconds, budget, results,
                                     random.Random(rng.random())) for c, role in clients))
    elapsed = time.monotonic() - started
    every = [r for rs in results.values() for r in rs]
    errors = sum(1 for r in every if r[1])
    times = [r[0] for r in every]
    totals = {"alone": alone, "requests": len(every), "rate": len(every) / elapsed,
              "ok_rate": (len(every) - errors) / elapsed,
              "errors": errors, "p50": pct(times, 50),
              "p95": pct(times, 95), "p99": pct(times, 99)}
    print(f"\n{len(clients)} 个用户，无思考时间，{elapsed:.1f} s：{len(every):,} 个请求，"
          f"{totals['rate']:.1f} 请求/秒，错误 {errors}；"
          f"p50 {totals['p50']:.0f} ms，p95 {totals['p95']:.0f} ms，p99 {totals['p99']:.0f} ms")
    print(f"\n{'角色':<9}{'页面':<14}{'请求':>7}{'错误':>6}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}  状态码")
    for (role, label), rows in sorted(results.items()):
        ms = [r[0] for r in rows]
        codes = sorted({r[2] for r in rows})
        print(f"{role:<10}{label:<14}{len(rows):>7}{sum(1 for r in rows if r[1]):>6}"
              f"{pct(ms, 50):>9.0f}{pct(ms, 95):>9.0f}{pct(ms, 99):>9.0f}  {codes}")
    return totals


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=40, help="并发虚拟用户数（默认 40，按角色轮流分配）")
    parser.add_argument("--seconds", type=float, default=60, help="压测时长上限（秒，默认 60）")
    parser.add_argument("--max-requests", type=int, default=5000, help="请求总数上限（默认 5000）")
    parser.add_argument("--scale", type=int, default=1, help="业务数据放大倍数（默认 1：演示数据原样）")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn 工作进程数（默认 4）")
    parser.add_argument("--keep", action="store_true", help="结束时不删除新建的数据库")
    parser.add_argument("--no-stock", action="store_true", help="不与原生 Flask-AppBuilder 并排压测")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", message="The HMAC key is")

    name = f"xct_bench_load_{uuid.uuid4().hex[:8]}"
    url = create_database(name)
    storage = tempfile.TemporaryDirectory(prefix="xct-bench-load-")
    proc = None
    try:
        print(f"数据库：{url}；CPU 核数：{os.cpu_count()}；gunicorn 工作进程 {args.workers}", flush=True)
        visible = prepare(url, storage.name, args.scale)
        port = free_port()
        proc = start_gunicorn(url, storage.name, port, args.workers)
        print("\n== 巡察通 ==", flush=True)
        ours = asyncio.run(run_load(port, args.users, args.seconds, args.max_requests, visible, args.seed, MIX))
        stop_gunicorn(proc)
        proc = None
        if not args.no_stock:
            port = free_port()
            proc = start_stock(url, storage.name, port, args.workers)
            print("\n== 原生 Flask-AppBuilder（同一数据库，均以 admin 登录，无领导看板） ==", flush=True)
            everyone = {role: visible["office"] for role in ROLES}  # admin opens any inspection
            stock = asyncio.run(run_load(port, args.users, args.seconds, args.max_requests, everyone, args.seed,
                                         stock_mix(), login_as=lambda role: "admin"))
            ratio = ours["rate"] / stock["rate"] if stock["rate"] else float("inf")
            both = [label for label in stock["alone"] if label in ours["alone"]]
            print("\n单独请求并排（中位 ms，巡察通 / 原生 FAB）：" + "，".join(
                f"{label} {ours['alone'][label]:.0f} / {stock['alone'][label]:.0f}" for label in both))
            print(f"\n并排：巡察通 {ours['rate']:.1f} 请求/秒（p95 {ours['p95']:.0f} ms，错误 {ours['errors']}），"
                  f"原生 FAB {stock['rate']:.1f} 请求/秒（p95 {stock['p95']:.0f} ms，错误 {stock['errors']}）；"
                  f"吞吐 {ratio:.1f} 倍，成功请求 "
                  f"{ours['ok_rate'] / stock['ok_rate'] if stock['ok_rate'] else float('inf'):.1f} 倍")
    finally:
        if proc is not None:
            stop_gunicorn(proc)
        if not args.keep:
            drop_database(name)
            print(f"\n已删除数据库 {name}")
        storage.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
