"""Redis faults on a Redis of the test's own (issue 18 item 5): hung, restarted empty, and a worker killed mid-job.
Each bounds its waits and checks that no job is lost or run to two results."""

from __future__ import annotations

import signal
import time
from datetime import date

import pytest
import sqlalchemy as sa

import schema as m
from seeds.demo import DEMO_PASSWORD
from tests.conftest import make_app

from .conftest import wait_until

pytestmark = [pytest.mark.faults, pytest.mark.slow]

PARAMS = {"view": "PetitionApi", "path": "/api/v1/petition/export", "query": ""}


@pytest.fixture()
def petitions(app):
    """20 petitions in zuyuan's team's inspection: rows enough for a slow export to be killed in the middle."""
    from app.extensions import db

    with app.app_context():
        teams = sa.select(m.TeamMember.team_id).join(m.Person, m.Person.id == m.TeamMember.person_id).where(
            m.Person.username == "zuyuan")
        inspection_id = db.session.scalars(sa.select(m.Inspection.id).where(m.Inspection.team_id.in_(teams))).first()
        rows = [m.Petition(inspection_id=inspection_id, code=f"FP-{n:02}", channel="来信",
                           received_on=date(2026, 3, 1), subject_name=f"某{n}", summary="反映问题") for n in range(20)]
        db.session.add_all(rows)
        db.session.commit()
        ids = [p.id for p in rows]
    yield ids
    with app.app_context():
        db.session.execute(sa.delete(m.Job))
        db.session.execute(sa.delete(m.Petition).where(m.Petition.id.in_(ids)))
        db.session.commit()


def _job(app, job_id: int) -> m.Job:
    from app.extensions import db

    with app.app_context():
        job = db.session.get(m.Job, job_id)
        db.session.expunge(job)
        return job


def _new_job(app, redis_url: str) -> int:
    """A committed export job row of zuyuan's, sent to `redis_url`."""
    from app.extensions import db
    from jobs import send

    app.config["REDIS_URL"] = redis_url
    try:
        with app.app_context():
            job = m.Job(kind="list_export", title="导出：信访件列表", owner="zuyuan", params=PARAMS)
            db.session.add(job)
            db.session.commit()
            assert send(job)
            return job.id
    finally:
        app.config["REDIS_URL"] = None


def _results(app) -> int:
    from app.extensions import db

    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(m.Document).where(
            m.Document.uploaded_by == "zuyuan", m.Document.is_generated.is_(True)))


def test_hung_redis_delays_no_login_by_more_than_a_second(app, redis_server, petitions, tmp_path):
    """SIGSTOP: connects succeed, answers never come. Before: every form login waited 30.8 s, JWT logins 500."""
    strict = make_app(app.config["SQLALCHEMY_DATABASE_URI"], str(tmp_path), RATELIMIT_STORAGE_URI=redis_server.url,
                      REDIS_URL=redis_server.url, AUTH_RATE_LIMIT="1000 per minute", EXPORT_SYNC_MAX_ROWS=0)
    client = strict.test_client()
    token = client.post("/api/v1/security/login", json={"username": "zuyuan", "password": DEMO_PASSWORD,
                                                        "provider": "db"}).json["access_token"]
    redis_server.pause()
    try:
        for attempt in range(3):
            started = time.perf_counter()
            form = strict.test_client().post("/login/", data={"username": "zuyuan", "password": DEMO_PASSWORD})
            jwt = client.post("/api/v1/security/login",
                              json={"username": "zuyuan", "password": DEMO_PASSWORD, "provider": "db"})
            elapsed = time.perf_counter() - started
            assert form.status_code == 302 and form.location == "/", (attempt, form.status_code)
            assert jwt.status_code == 200, (attempt, jwt.status_code, jwt.get_data(as_text=True)[:200])
            assert elapsed < 3.0, f"两次登录用时 {elapsed:.2f} 秒（第 {attempt + 1} 轮）"
        # a large export is recorded, unsent, within the same bound; the worker sends it later
        started = time.perf_counter()
        resp = client.get("/api/v1/petition/export", headers={"Authorization": f"Bearer {token}"})
        assert resp.status_code == 202 and time.perf_counter() - started < 1.5
        job = _job(strict, resp.json["job_id"])
        assert (job.state, job.rq_job_id) == ("排队", None)
    finally:
        redis_server.resume()
        with strict.app_context():
            from app.extensions import db

            db.engine.dispose()


def test_redis_restarted_empty_the_worker_sends_the_job_again(app, redis_server, worker, petitions, tmp_path):
    job_id = _new_job(app, redis_server.url)
    assert _job(app, job_id).rq_job_id == f"job-{job_id}"
    redis_server.restart_empty()  # the queued job is gone from Redis; its row still says 排队
    log = tmp_path / "worker.log"
    proc = worker(app, redis_server.url, log, burst=True)
    assert proc.wait(timeout=90) == 0, log.read_text()[-3000:]
    done = _job(app, job_id)
    assert (done.state, done.progress) == ("完成", 100), (done.state, done.error, log.read_text()[-3000:])
    assert done.result_id is not None
    assert "补发 Redis 丢失或无人执行的任务：1 个" in log.read_text()


def test_killed_worker_job_is_run_again_within_minutes_once(app, redis_server, worker, petitions, tmp_path):
    """kill -9 mid-export: another worker re-runs it by itself (no person, no hour-long rq timeout), to one result;
    the killed run's temporary folder is removed."""
    from pathlib import Path

    before = _results(app)
    job_id = _new_job(app, redis_server.url)
    fast = {"JOB_ALIVE_SECONDS": "3", "JOB_RECONCILE_SECONDS": "2"}
    slow_log, log = tmp_path / "slow.log", tmp_path / "worker.log"
    slow = worker(app, redis_server.url, slow_log, burst=False, EXPORT_CHUNK_ROWS="1", EXPORT_CHUNK_DELAY="0.3",
                  **fast)
    wait_until(lambda: _job(app, job_id).progress > 0, 90, f"任务开始导出\n{slow_log.read_text()[-2000:]}")
    slow.send_signal(signal.SIGKILL)
    slow.wait()
    killed = _job(app, job_id)
    assert killed.state == "运行中" and killed.progress < 100 and killed.result_id is None
    tmp_root = Path(app.config["STORAGE_DIR"]) / "tmp"
    assert list(tmp_root.glob(f"job-{job_id}-*")), "被中止的运行应留下临时目录（此后由重跑清理）"

    started = time.monotonic()
    worker(app, redis_server.url, log, burst=False, **fast)
    wait_until(lambda: _job(app, job_id).state == "完成", 60, f"任务重跑完成\n{log.read_text()[-3000:]}")
    took = time.monotonic() - started
    time.sleep(4)  # two more reconcile rounds: nothing may send it again
    done = _job(app, job_id)
    assert (done.state, done.progress) == ("完成", 100) and took < 60
    assert _results(app) == before + 1, "一个任务只有一个结果"
    text = log.read_text()
    assert text.count(f"list_export_job({job_id}) (job-{job_id})") == 1, text[-3000:]  # rq logs each run it starts
    assert not list(tmp_root.glob(f"job-{job_id}-*"))
