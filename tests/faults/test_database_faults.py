"""PostgreSQL faults on a cluster of the test's own (issue 18 item 6): a restart in the middle of a bounded run of
reads fails none of them (pre-ping, one retry of a GET), and while the database is down every answer is a Chinese
503 — a page that needs no database, JSON under /api/ — static files are still served, never a 500."""

from __future__ import annotations

import threading
import time

import pytest
import sqlalchemy as sa

from app.dbfaults import DB_DOWN
from tests.conftest import make_app

pytestmark = [pytest.mark.faults, pytest.mark.slow]

PASSWORD = "Faults@2026x"
READS = ("/api/v1/unit/", "/api/v1/job/", "/todo/")


@pytest.fixture(scope="module")
def world(pg_server, tmp_path_factory):
    """(app, browser signed in by the form, JWT header) on a migrated database in the private cluster."""
    from app.commands.setup import run_setup
    from app.extensions import db

    admin = sa.create_engine(pg_server.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text('CREATE DATABASE "xct"'))
    admin.dispose()
    app = make_app(pg_server.url.rsplit("/", 1)[0] + "/xct", str(tmp_path_factory.mktemp("storage")))
    with app.app_context():
        run_setup()
        sm = app.appbuilder.sm
        assert sm.add_user("faults", "故", "障", "faults@example.edu", sm.find_role("Office"), PASSWORD)
    browser = app.test_client()
    assert browser.post("/login/", data={"username": "faults", "password": PASSWORD}).status_code == 302
    token = app.test_client().post("/api/v1/security/login", json={"username": "faults", "password": PASSWORD,
                                                                   "provider": "db"}).json["access_token"]
    yield app, browser, {"Authorization": f"Bearer {token}"}
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _get(world, path: str):
    app, browser, header = world
    return browser.get(path, headers=header if path.startswith("/api/") else None)


def test_restart_during_reads_fails_no_get(pg_server, world):
    for path in READS:
        assert _get(world, path).status_code == 200, path
    took: dict[str, float] = {}

    def restart():
        time.sleep(1.0)
        started = time.monotonic()
        pg_server.restart()
        took["restart"] = time.monotonic() - started

    thread = threading.Thread(target=restart)
    thread.start()
    answers, slowest = [], 0.0
    deadline = time.monotonic() + 40  # bounded: the loop ends 1 s after the restart, or at this deadline
    end = None
    while time.monotonic() < deadline and (end is None or time.monotonic() < end):
        for path in READS:
            started = time.monotonic()
            resp = _get(world, path)
            slowest = max(slowest, time.monotonic() - started)
            answers.append((path, resp.status_code, resp.get_data(as_text=True)[:200]))
        if end is None and not thread.is_alive():
            end = time.monotonic() + 1.0
    thread.join()
    failed = [a for a in answers if a[1] != 200]
    assert "restart" in took and len(answers) > 3 * len(READS), (took, len(answers))
    assert not failed, (took, failed[:5])
    assert slowest < took["restart"] + 4, (slowest, took)  # a read waits for the database at most DB_RETRY_WAIT


def test_database_down_answers_chinese_503_and_static_files(pg_server, world):
    app, browser, header = world
    app.config["DB_RETRY_WAIT"] = 1
    pg_server.stop()
    try:
        for path in ("/static/xct/xct/charts.js", "/static/appbuilder/css/bootstrap.min.css"):
            assert browser.get(path).status_code == 200, path
        assert browser.get("/static/xct/nosuch.js").status_code == 503  # its 404 page would need the menu
        started = time.monotonic()
        api = browser.get("/api/v1/unit/", headers=header)
        assert api.status_code == 503 and api.json["message"] == DB_DOWN
        assert time.monotonic() - started < 3
        page = browser.get("/todo/")
        assert page.status_code == 503 and DB_DOWN in page.get_data(as_text=True)
        posted = app.test_client().post("/login/", data={"username": "faults", "password": PASSWORD})
        assert posted.status_code == 503 and "所填内容尚未保存" in posted.get_data(as_text=True)
        jwt = app.test_client().post("/api/v1/security/login",
                                     json={"username": "faults", "password": PASSWORD, "provider": "db"})
        assert jwt.status_code == 503 and jwt.json["message"] == DB_DOWN
    finally:
        pg_server.start()
        app.config["DB_RETRY_WAIT"] = 3
    assert _get(world, "/todo/").status_code == 200
