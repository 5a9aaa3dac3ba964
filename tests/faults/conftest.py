"""Private Redis and PostgreSQL servers for the fault tests, on free ports of 127.0.0.1, never the shared ones:
started as subprocesses (PostgreSQL by initdb + pg_ctl into a temporary folder, as the `postgres` user when run as
root), so a test may hang (SIGSTOP), empty, kill or restart them. Skipped, saying why, where the programs are missing,
except in CI (CI=1) or with REQUIRE_FAULT_SERVERS=1."""

from __future__ import annotations

import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _missing(what: str):
    if os.environ.get("REQUIRE_FAULT_SERVERS") or os.environ.get("CI"):
        pytest.fail(f"{what} 不可用")
    pytest.skip(f"{what} 不可用")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until(check, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"{timeout} 秒内未等到：{what}")


class RedisServer:
    """`redis-server --save ''` on a free port: nothing it holds survives a restart, like a Redis restarted empty."""

    def __init__(self, log: Path):
        self.port, self.log, self.proc = free_port(), log, None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(
                [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no", "--daemonize", "no"], stdout=out, stderr=subprocess.STDOUT)
        wait_until(self.answers, 10, "Redis 启动")

    def answers(self) -> bool:
        from redis import Redis
        from redis.exceptions import RedisError

        try:
            with Redis.from_url(self.url, socket_connect_timeout=0.5, socket_timeout=0.5) as conn:
                return bool(conn.ping())
        except RedisError:
            return False

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGCONT)  # a paused server cannot die
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def restart_empty(self) -> None:
        self.stop()
        self.start()

    def pause(self) -> None:
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.proc.send_signal(signal.SIGCONT)


@pytest.fixture()
def redis_server(tmp_path):
    if not shutil.which("redis-server"):
        _missing("redis-server")
    server = RedisServer(tmp_path / "redis.log")
    server.start()
    yield server
    server.stop()


class PostgresServer:
    """A PostgreSQL cluster of its own in a temporary folder, on a free port."""

    def __init__(self, folder: Path):
        self.bin = Path(sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))[-1]).parent
        self.folder, self.data, self.port = folder, folder / "data", free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str, timeout: float = 60) -> None:
        cmd = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:  # initdb refuses root
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        done = subprocess.run(cmd, timeout=timeout, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        assert done.returncode == 0, f"{' '.join(cmd)}：{done.stderr}"

    def init(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8",
                  "--locale=C")

    def pg_ctl(self, action: str, *extra: str) -> None:
        if action in ("start", "restart"):
            options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
            extra = ("-o", options, "-l", str(self.folder / "pg.log"), *extra)
        self._run("pg_ctl", action, "-D", str(self.data), "-w", "-t", "30", *extra)

    def start(self) -> None:
        self.pg_ctl("start")

    def stop(self) -> None:
        self.pg_ctl("stop", "-m", "fast")

    def restart(self) -> None:
        self.pg_ctl("restart", "-m", "fast")


@pytest.fixture(scope="module")
def pg_server():
    if not glob.glob("/usr/lib/postgresql/*/bin/initdb"):
        _missing("PostgreSQL（initdb）")
    # not under pytest's basetemp: other pytest runs of the same user prune old basetemps while this one runs
    folder = Path(tempfile.mkdtemp(prefix="xct-faults-pg-"))
    os.chmod(folder, 0o755)  # the postgres user must reach its cluster inside
    server = PostgresServer(folder / "cluster")
    server.init()
    server.start()
    yield server
    try:
        server.stop()
    except AssertionError:
        pass  # already stopped
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture()
def worker():
    """start(app, redis_url, log, burst=…, **env): `flask --app app worker` in its own process on the app's database
    and storage, logging to `log`; every worker still running at the end is killed."""
    started: list[subprocess.Popen] = []

    def start(app, redis_url: str, log: Path, *, burst: bool, **env: str) -> subprocess.Popen:
        full = {**os.environ, "XCT_ENV": "test", "TEST_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
                "STORAGE_DIR": app.config["STORAGE_DIR"], "REDIS_URL": redis_url, **env}
        with log.open("ab") as out:
            proc = subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "app", "worker", *(["--burst"] if burst else [])],
                cwd=ROOT, env=full, stdout=out, stderr=subprocess.STDOUT)
        started.append(proc)
        return proc

    yield start
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
