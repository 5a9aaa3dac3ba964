"""Fixtures: databases of the engine under test (SQLite files, or PostgreSQL databases with --db=postgresql).

The demo database is built once per engine and session (the "golden" one: migrated, `setup`, `load_demo`); every
app that wants the demo data gets a copy of it — SQLite through the backup API, PostgreSQL as
`CREATE DATABASE … TEMPLATE golden` — and a copy of its stored files. Migrating and loading the demo costs seconds
per database; a copy costs a fraction of one.
"""

from __future__ import annotations

import atexit
import gc
import logging
import os
import sys
import shutil
import sqlite3
import uuid
from datetime import time, timedelta
from time import monotonic

import pytest
import sqlalchemy as sa


def pytest_addoption(parser):
    parser.addoption("--db", default="sqlite", choices=("sqlite", "postgresql"), help="数据库引擎")
    parser.addoption("--split-engines", action="store_true",
                     help="ONE_ENGINE 中的模块只在分配给它的引擎上运行（scripts/test.sh 的两轮同时运行时用）")


# Modules whose subject does not depend on the engine, run by one of the two runs of scripts/test.sh (which passes
# --split-engines to both) instead of by both; alone (`pytest -m browser --db=postgresql`) every module runs on the
# engine asked. The browser tests: a real Chromium driving our HTML and JavaScript, ~4 minutes of the two cores per
# engine, the largest cost of the suite. What they ask of the server is asked over HTTP on both engines too: the
# relation dropdowns and list filters searched on the server (test_screens_forms, test_scope, test_fab_compat), every
# menu page per role (test_screens_layout, test_matrix), the steps and their buttons (test_holds_steps,
# test_step_links), the charts (test_dashboards). Not over HTTP from start to end: the procedure typed into the add
# forms (test_browser), which stays on PostgreSQL, the production engine, whose strict types are where a form's value
# of the wrong type fails. The other three go to SQLite, the lighter run without them (measured 2026-12-04, both runs
# at once on 2 cores: SQLite 760 s, PostgreSQL 882 s; test_browser 89 s on PostgreSQL, the other three 70 + 73 + 21 s).
# Also on SQLite only, what reads no engine-specific answer: the tree's own checks (imports declared, the layer map,
# the architecture's greps, Chinese strings), LibreOffice's print of the 24 附件 (its records come through the same
# queries test_documents and test_record_documents run on both engines) and the template sandbox (a hostile file is
# refused before anything is stored). Measured 2026-12-04, both runs at once: SQLite 504 s, PostgreSQL 577 s; these
# six took 36 s of the PostgreSQL run.
ONE_ENGINE = {
    "test_browser.py": "postgresql",
    "test_browser_forms.py": "sqlite",
    "test_browser_roles.py": "sqlite",
    "test_browser_screens.py": "sqlite",
    "test_architecture.py": "sqlite",
    "test_chinese.py": "sqlite",
    "test_layers.py": "sqlite",
    "test_packaging.py": "sqlite",
    "test_print.py": "sqlite",
    "test_templates_safety.py": "sqlite",
}


def pytest_collection_modifyitems(config, items):
    if not config.getoption("--split-engines"):
        return
    engine = config.getoption("--db")
    other = [item for item in items if ONE_ENGINE.get(item.path.name, engine) != engine]
    if other:
        config.hook.pytest_deselected(items=other)
        items[:] = [item for item in items if ONE_ENGINE.get(item.path.name, engine) == engine]


# Once pytest is done, the interpreter's own teardown frees every app the session built (each module's demo copy,
# each test's sibling app: dozens), ~0.5 s per app: 48 s after the last test of a full PostgreSQL run; a bare loop of
# 10 `create_app` took 5 s to exit. Nothing of the suite is left to run by then (results, caches and JUnit files are
# written, fixtures torn down, threads joined before atexit), so the process ends there with pytest's own exit code.
@pytest.hookimpl(wrapper=True)
def pytest_cmdline_main(config):
    status = yield  # pytest's whole run, unconfigure and cleanup included; an error raised there exits as usual
    atexit.register(_exit_now, int(status))
    return status


# The garbage collector's full passes walk every object alive: dozens of apps' worth of views, mappers, schemas and
# templates by the middle of a run. Measured on a full run (2026-12-04, per engine): 38 full passes of ~1.6 s each,
# 60 s of the run's 580 — a tenth. What has been built before a module's first test (its apps included) is kept
# for the rest of the session anyway; moved to the collector's permanent generation (gc.freeze), it is no longer
# walked. What the module before left behind is collected first, while that pass is still small; automatic full
# passes in between are left out (the third threshold, 10 by default, at 1000). Measured again with both: 52–60 full
# passes, 10 s per engine; all collecting 73 → 23 s; the process's peak 1.5 GB (SQLite run), 1.2 GB (PostgreSQL).
gc.set_threshold(*gc.get_threshold()[:2], 1000)
_frozen_before: list = [None]


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item):
    if item.module is not _frozen_before[0]:
        _frozen_before[0] = item.module
        gc.collect()
        gc.freeze()


def _exit_now(status: int) -> None:
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def _pg_admin_url() -> str:
    return os.environ.get("PG_TEST_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def _pg_reachable() -> str | None:
    try:
        engine = sa.create_engine(_pg_admin_url(), connect_args={"connect_timeout": 3})
        with engine.connect():
            pass
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not here"
        return f"PostgreSQL 不可用（{_pg_admin_url()}）：{exc.__class__.__name__}"


class DatabaseFactory:
    """Creates databases of the engine under test — empty, or copies of the golden demo one — and drops them at the
    end."""

    def __init__(self, kind: str, tmp_path_factory):
        self.kind = kind
        self.tmp = tmp_path_factory
        self.created: list[str] = []
        self._golden: tuple[str, str] | None = None  # (database URL, storage dir) of the demo database
        self._scratch = None  # the scratch app (see `take_scratch`) and its configuration as built
        self._scratch_taken = False

    def new(self, template: str | None = None) -> str:
        """An empty database, or a copy of `template` (a URL this factory made, with no connection open on it)."""
        if self.kind == "sqlite":
            path = self.tmp.mktemp("db") / "xct.db"
            if template:
                # The backup API copies a consistent image, the WAL's pages (app/extensions.py) included.
                self.restore(f"sqlite:///{path}", template)
            return f"sqlite:///{path}"
        name = f"xct_test_{uuid.uuid4().hex[:10]}"
        self._pg_create(name, template)
        self.created.append(name)
        return _pg_admin_url().rsplit("/", 1)[0] + f"/{name}"

    def restore(self, url: str, template: str) -> None:
        """Make the database at `url` a copy of `template` again (no connection may be open on either)."""
        if self.kind == "sqlite":
            src = sqlite3.connect(template.removeprefix("sqlite:///"))
            dst = sqlite3.connect(url.removeprefix("sqlite:///"))
            src.backup(dst)
            src.close()
            dst.close()
            return
        name = url.rsplit("/", 1)[1]
        engine = sa.create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
        engine.dispose()
        self._pg_create(name, template)

    @staticmethod
    def _pg_create(name: str, template: str | None) -> None:
        clause = f' TEMPLATE "{template.rsplit("/", 1)[1]}"' if template else ""
        engine = sa.create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"{clause}'))
        engine.dispose()

    def golden(self) -> tuple[str, str]:
        """(URL, storage dir) of the demo database, built on first use: migrated by `setup`, the demo loaded."""
        if self._golden is None:
            from app.commands.setup import run_setup
            from seeds.demo import load_demo

            url, storage = self.new(), str(self.tmp.mktemp("golden_storage"))
            application = make_app(url, storage)
            with application.app_context():
                run_setup()
                load_demo()
            disconnect(application)  # PostgreSQL copies a template only while nobody is connected to it
            self._golden = (url, storage)
        return self._golden

    def demo(self, name: str = "storage") -> tuple[str, str]:
        """(URL, storage dir) of a fresh copy of the demo database and its stored files."""
        url, storage = self.golden()
        copy = self.tmp.mktemp(name)
        shutil.copytree(storage, copy, dirs_exist_ok=True)
        return self.new(template=url), str(copy)

    def take_scratch(self):
        """The engine's scratch app, its database and stored files the demo's again and its configuration as built;
        None while a module holds it. A module that changes the demo's records needs an app on a demo copy of its
        own, not a new app: building one costs ~1.3 s (and stays in memory to the end), ~30 modules per engine.

        What an app keeps between requests is restored with it: the database (SQLite's backup API, PostgreSQL's
        TEMPLATE), the stored files, app.config (a module's overrides) and the rate limiter's in-memory counters. Its
        caches are keyed by what they depend on (app.reference: the database's random stamp; the side menu: the
        permissions), so a cached value is only ever reused for the same data."""
        if self._scratch_taken:
            return None
        url, storage = self.golden()
        if self._scratch is None:
            folder = str(self.tmp.mktemp("scratch_storage"))
            shutil.copytree(storage, folder, dirs_exist_ok=True)
            application = make_app(self.new(template=url), folder)
            self._scratch = (application, dict(application.config))
        else:
            application, config = self._scratch
            self.restore(application.config["SQLALCHEMY_DATABASE_URI"], url)
            folder = application.config["STORAGE_DIR"]
            shutil.rmtree(folder)
            shutil.copytree(storage, folder)
            application.config.clear()
            application.config.update(config)
            application.appbuilder.sm.limiter.reset()
        self._scratch_taken = True
        return application

    def give_back(self, application) -> None:
        """The app a module had from `take_scratch`, its connections closed (a restore needs none open)."""
        disconnect(application)
        if self._scratch is not None and application is self._scratch[0]:
            self._scratch_taken = False

    def drop_all(self) -> None:
        if not self.created:
            return
        engine = sa.create_engine(_pg_admin_url(), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            for name in self.created:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture(scope="session")
def db_kind(request) -> str:
    kind = request.config.getoption("--db")
    if kind == "postgresql":
        reason = _pg_reachable()
        if reason:
            if os.environ.get("REQUIRE_PG"):
                pytest.fail(reason)
            pytest.skip(reason)
    return kind


@pytest.fixture(scope="session")
def databases(db_kind, tmp_path_factory):
    factory = DatabaseFactory(db_kind, tmp_path_factory)
    yield factory
    factory.drop_all()


def make_app(database_url: str, storage_dir: str, **overrides):
    from app import create_app

    return create_app("test", SQLALCHEMY_DATABASE_URI=database_url, STORAGE_DIR=storage_dir, **overrides)


def disconnect(application) -> None:
    """Close the app's database connections (a copy or a restore of its database needs none open)."""
    from app.extensions import db

    with application.app_context():
        db.session.remove()
        db.engine.dispose()


def demo_app(databases, tmp_path_factory, name: str = "storage", **overrides):
    """An app on a copy of the demo database (and of its stored files) of its own until the generator ends.

    A generator for fixtures to ``yield from``: tests that change the demo's records take one of their own. Without
    configuration overrides it is the engine's scratch app (`DatabaseFactory.take_scratch`) where that is free.
    """
    application = None if overrides else databases.take_scratch()
    if application is None:
        url, storage = databases.demo(name)
        application = make_app(url, storage, **overrides)
    yield application
    databases.give_back(application)


def bearer(app, username: str) -> dict[str, str]:
    """The Authorization header of a demo user, signed in through the JWT login."""
    from seeds.demo import DEMO_PASSWORD

    resp = app.test_client().post(
        "/api/v1/security/login",
        json={"username": username, "password": DEMO_PASSWORD, "provider": "db", "refresh": True},
    )
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return {"Authorization": f"Bearer {resp.json['access_token']}"}


@pytest.fixture(scope="session")
def app(databases):
    """The shared app: the demo data set on its own database, for the tests that leave the demo's records as they
    are (not the scratch app: that one goes back to the demo's for every module that takes it)."""
    url, storage = databases.demo()
    application = make_app(url, storage)
    yield application
    disconnect(application)


@pytest.fixture()
def client(app):
    return app.test_client()


def token_cache(app):
    """username → JWT Authorization header, signed in again before a cached token nears its expiry (15 min by
    default: the suite runs longer than that)."""
    cache: dict[str, tuple[dict[str, str], float]] = {}
    ttl = app.config.get("JWT_ACCESS_TOKEN_EXPIRES", timedelta(minutes=15))
    ttl = (ttl.total_seconds() if hasattr(ttl, "total_seconds") else float(ttl)) * 0.8

    def get(username: str) -> dict[str, str]:
        if username not in cache or monotonic() - cache[username][1] > ttl:
            cache[username] = (bearer(app, username), monotonic())
        return cache[username][0]

    return get


def rows(app, stmt) -> list:
    """The rows of a statement, read in an app context of its own."""
    from app.extensions import db

    with app.app_context():
        return db.session.execute(stmt).all()


def scalar(app, stmt):
    """The first column of the first row of a statement (None without rows)."""
    from app.extensions import db

    with app.app_context():
        return db.session.execute(stmt).scalar()


def open_inspection(app, *where) -> int | None:
    """The first inspection (matching `where`) whose archive is not handed over: after 八（二） an inspection and
    everything under it are read-only, and its team can no longer export or download (app.rules.handover)."""
    import schema as m

    handed = sa.select(m.ArchiveVolume.inspection_id).where(m.ArchiveVolume.handed_over_on.is_not(None))
    return scalar(app, sa.select(m.Inspection.id).where(m.Inspection.id.not_in(handed), *where)
                  .order_by(m.Inspection.id).limit(1))


def demo_world(databases, tmp_path_factory, name: str):
    """(app, client, username → JWT header) over a demo database of its own: for a module fixture to yield from."""
    for application in demo_app(databases, tmp_path_factory, name):
        yield application, application.test_client(), token_cache(application)


@pytest.fixture(scope="session")
def tokens(app):
    return token_cache(app)


@pytest.fixture()
def login(client):
    """Log the test client in through the form, as a person would."""
    from seeds.demo import DEMO_PASSWORD

    def do(username: str):
        resp = client.post("/login/", data={"username": username, "password": DEMO_PASSWORD})
        assert resp.status_code == 302, f"登录失败：{username}"
        return client

    return do


REDIS_TEST_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/14")


@pytest.fixture()
def redis_app(app):
    """The app on a real Redis (a database of its own, emptied before and after); skipped, saying why, without one
    unless REQUIRE_REDIS is set."""
    from redis import Redis
    from redis.exceptions import RedisError

    try:
        Redis.from_url(REDIS_TEST_URL, socket_connect_timeout=1).ping()
    except RedisError as exc:
        if os.environ.get("REQUIRE_REDIS"):
            pytest.fail(f"Redis 不可用（{REDIS_TEST_URL}）：{exc}")
        pytest.skip(f"Redis 不可用（{REDIS_TEST_URL}）：{exc.__class__.__name__}")
    Redis.from_url(REDIS_TEST_URL).flushdb()
    app.config["REDIS_URL"] = REDIS_TEST_URL
    app.config["DEADLINE_SCAN_AT"] = time(0, 0)  # today's run is due whatever the hour, tomorrow's is not
    yield app
    app.config["REDIS_URL"] = None
    app.config.pop("DEADLINE_SCAN_AT")
    Redis.from_url(REDIS_TEST_URL).flushdb()
