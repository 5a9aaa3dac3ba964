"""Excel exports of lists (screens and REST) and the background jobs that make the large ones, on a real Redis and a
real worker process where the test says so (skipped, saying why, without one; REQUIRE_REDIS=1 makes it mandatory)."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import openpyxl
import pytest
import sqlalchemy as sa

import schema as m
from app.extensions import db
from tests.conftest import REDIS_TEST_URL

FORMULA = '=HYPERLINK("http://x","y")'
ROOT = Path(__file__).resolve().parents[1]


def _team_inspections(username: str) -> tuple[list[int], list[int]]:
    """(inspections of `username`'s team whose archive is not handed over — after the handover the team exports
    nothing of one, 八（二） — and inspections of other teams)."""
    teams = sa.select(m.TeamMember.team_id).join(m.Person, m.Person.id == m.TeamMember.person_id).where(
        m.Person.username == username)
    handed = sa.select(m.ArchiveVolume.inspection_id).where(m.ArchiveVolume.handed_over_on.is_not(None))
    own = db.session.scalars(sa.select(m.Inspection.id).where(m.Inspection.team_id.in_(teams),
                                                              m.Inspection.id.not_in(handed))).all()
    other = db.session.scalars(sa.select(m.Inspection.id).where(m.Inspection.team_id.not_in(teams))).all()
    return own, other


@pytest.fixture()
def petitions(app):
    """Petitions of both channels in zuyuan's team's inspection and in another team's, one with a formula."""
    with app.app_context():
        own, other = _team_inspections("zuyuan")
        assert own and other
        rows = []
        for n, (inspection_id, channel) in enumerate([(own[0], "来信"), (own[0], "来信"), (own[0], "来电"),
                                                      (other[0], "来信")]):
            rows.append(m.Petition(inspection_id=inspection_id, code=f"XP-{n}", channel=channel,
                                   received_on=date(2026, 3, 1 + n), subject_name=FORMULA if n == 0 else f"某{n}",
                                   summary=FORMULA if n == 0 else "反映问题"))
        db.session.add_all(rows)
        db.session.commit()
        ids = [p.id for p in rows]
    yield ids
    with app.app_context():
        db.session.execute(sa.delete(m.Petition).where(m.Petition.id.in_(ids)))
        db.session.commit()


@pytest.fixture()
def clean_jobs(app):
    yield
    with app.app_context():
        docs = db.session.scalars(sa.select(m.Job.result_id).where(m.Job.result_id.is_not(None))).all()
        db.session.execute(sa.delete(m.Job))
        db.session.execute(sa.delete(m.Document).where(m.Document.id.in_(docs)))
        db.session.commit()


def _expected_codes(app, channel: str | None = None) -> set[str]:
    """The petitions zuyuan may take out (scope computed by app.scope directly, not through the export), of `channel`:
    those he sees, less those of inspections whose archive was handed over (八（二）: the team keeps nothing)."""
    from app.scope import scope_criterion

    with app.app_context():
        user = app.appbuilder.sm.find_user(username="zuyuan")
        crit = scope_criterion(m.Petition, user)
        handed = sa.select(m.ArchiveVolume.inspection_id).where(m.ArchiveVolume.handed_over_on.is_not(None))
        query = sa.select(m.Petition.code).where(m.Petition.inspection_id.not_in(handed))
        if channel:
            query = query.where(m.Petition.channel == channel)
        return set(db.session.scalars(query.where(crit) if crit is not None else query).all())


def _sheet(data: bytes):
    book = openpyxl.load_workbook(io.BytesIO(data))
    return book.worksheets[0]


def test_screen_export_keeps_filter_and_scope(app, login, petitions):
    client = login("zuyuan")
    list_page = client.get("/petitionview/list/?_flt_0_channel=来信")
    assert "导出Excel" in list_page.get_data(as_text=True)
    assert "/petitionview/export?_flt_0_channel=" in list_page.get_data(as_text=True)

    resp = client.get("/petitionview/export?_flt_0_channel=来信")
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    assert resp.mimetype.endswith("spreadsheetml.sheet")
    assert "filename*=UTF-8''" in resp.headers["Content-Disposition"]
    ws = _sheet(resp.data)
    header = [c.value for c in ws[1]]
    assert header == ["信访编号", "来源方式", "收到日期", "巡察", "被反映人", "处理状态"]  # the list's labels
    assert all(c.font.b for c in ws[1])
    assert ws.freeze_panes == "A2"
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    codes = {r[0] for r in rows}
    expected = _expected_codes(app, "来信")
    assert codes == expected
    assert {"XP-0", "XP-1"} <= codes and "XP-2" not in codes and "XP-3" not in codes  # 来电; another team's
    formula_row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "XP-0")
    assert formula_row[2].is_date and formula_row[2].value == datetime(2026, 3, 1)
    assert formula_row[4].data_type == "s" and formula_row[4].value == FORMULA
    assert ws.column_dimensions["A"].width >= 8
    # the export is a read of every petition in it, by the one who exported (DOMAIN.md §6)
    from app.extensions import db

    with app.app_context():
        logged = set(db.session.scalars(sa.select(m.Petition.code).join(
            m.ReadLog, sa.and_(m.ReadLog.entity == "petition", m.ReadLog.entity_id == m.Petition.id))
            .where(m.ReadLog.channel == "导出", m.ReadLog.actor == "zuyuan")))
    assert expected <= logged


def test_rest_export_keeps_rison_filter_and_scope(app, client, tokens, login, petitions):
    q = "(filters:!((col:channel,opr:eq,value:来信)),order_column:code,order_direction:asc)"
    resp = client.get(f"/api/v1/petition/export?q={q}", headers=tokens("zuyuan"))
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    ws = _sheet(resp.data)
    header = [c.value for c in ws[1]]
    code_col, summary_col, anon_col = header.index("信访编号"), header.index("反映的主要问题"), header.index("匿名")
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    codes = [r[code_col] for r in rows]
    assert set(codes) == _expected_codes(app, "来信") and codes == sorted(codes)
    first = next(r for r in rows if r[code_col] == "XP-0")
    assert first[summary_col] == FORMULA
    assert first[anon_col] == "否"

    bad = client.get("/api/v1/petition/export?q=(filters:!((col:nosuch,opr:eq,value:1)))",
                     headers=tokens("zuyuan"))
    assert bad.status_code == 400 and "nosuch" in bad.json["message"]
    for q in ("(order_column:nosuch)", "!(1,2)"):
        bad = client.get(f"/api/v1/petition/export?q={q}", headers=tokens("zuyuan"))
        assert bad.status_code == 400 and bad.json["message"], q
    crafted = login("zuyuan").get("/petitionview/export?_oc_PetitionView=inspection&_od_PetitionView=asc")
    assert crafted.status_code == 200  # an unknown sort column falls back to the list's own order


def test_large_export_runs_as_a_job_without_redis(app, login, petitions, clean_jobs):
    app.config["EXPORT_SYNC_MAX_ROWS"] = 1
    try:
        client = login("zuyuan")
        resp = client.get("/petitionview/export?_flt_0_channel=来信")
        assert resp.status_code == 302 and "/jobview/show/" in resp.location
        page = client.get(resp.location)
        assert "下载" in page.get_data(as_text=True)
        with app.app_context():
            job = db.session.scalars(sa.select(m.Job)).one()
            assert (job.owner, job.state, job.progress) == ("zuyuan", "完成", 100)
            job_id = job.id
        ws = _sheet(client.get(f"/jobview/result/{job_id}").data)
        assert {r[0] for r in ws.iter_rows(min_row=2, values_only=True)} == _expected_codes(app, "来信")
    finally:
        app.config["EXPORT_SYNC_MAX_ROWS"] = 5000
    # each user sees their own jobs; 巡察办 every one
    other = app.test_client()
    other.post("/login/", data={"username": "zuzhang", "password": _password()})
    assert other.get(f"/jobview/show/{job_id}").status_code == 404
    assert other.get(f"/jobview/result/{job_id}").status_code == 404
    office = app.test_client()
    office.post("/login/", data={"username": "office", "password": _password()})
    assert office.get(f"/jobview/result/{job_id}").status_code == 200


def _password() -> str:
    from seeds.demo import DEMO_PASSWORD

    return DEMO_PASSWORD


def test_redis_down_records_the_job_quickly(app, client, tokens, petitions, clean_jobs):
    app.config.update(EXPORT_SYNC_MAX_ROWS=0, REDIS_URL="redis://127.0.0.1:9/0")  # nothing listens on port 9
    try:
        started = time.perf_counter()
        resp = client.get("/api/v1/petition/export", headers=tokens("zuyuan"))
        elapsed = time.perf_counter() - started
    finally:
        app.config.update(EXPORT_SYNC_MAX_ROWS=5000, REDIS_URL=None)
    assert resp.status_code == 202, resp.get_data(as_text=True)
    assert elapsed < 1.0, elapsed
    with app.app_context():
        job = db.session.get(m.Job, resp.json["job_id"])
        assert (job.state, job.rq_job_id, job.owner) == ("排队", None, "zuyuan")
    listed = client.get("/api/v1/job/", headers=tokens("zuyuan")).json
    assert resp.json["job_id"] in listed["ids"]
    assert resp.json["job_id"] not in client.get("/api/v1/job/", headers=tokens("zuzhang")).json["ids"]


def _worker(app, log: Path, *extra_env: tuple[str, str]) -> subprocess.Popen:
    """`flask --app app worker --burst` in its own process, on the test database, storage and Redis, logging to
    `log` (a pipe nobody reads while waiting would fill up and stall the worker)."""
    env = {**os.environ, "XCT_ENV": "test", "TEST_DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "STORAGE_DIR": app.config["STORAGE_DIR"], "REDIS_URL": REDIS_TEST_URL, **dict(extra_env)}
    with log.open("ab") as out:
        return subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "worker", "--burst"], cwd=ROOT,
                                env=env, stdout=out, stderr=subprocess.STDOUT)


def _job(app, job_id: int) -> m.Job:
    with app.app_context():
        job = db.session.get(m.Job, job_id)
        db.session.expunge(job)
        return job


def test_worker_process_runs_the_export_and_a_rerun_after_a_kill_gives_one_result(
        redis_app, client, tokens, petitions, clean_jobs, tmp_path):
    app = redis_app
    log = tmp_path / "worker.log"

    def generated() -> int:  # other tests generate documents as zuyuan too: count this test's own
        with app.app_context():
            return db.session.scalar(sa.select(sa.func.count()).select_from(m.Document).where(
                m.Document.uploaded_by == "zuyuan", m.Document.is_generated.is_(True)))

    before = generated()
    app.config["EXPORT_SYNC_MAX_ROWS"] = 0
    try:
        resp = client.get("/api/v1/petition/export", headers=tokens("zuyuan"))
    finally:
        app.config["EXPORT_SYNC_MAX_ROWS"] = 5000
    assert resp.status_code == 202
    job_id = resp.json["job_id"]
    assert _job(app, job_id).rq_job_id == f"job-{job_id}"

    # a slow worker (one row per chunk, a pause per chunk), killed mid-job
    slow = _worker(app, log, ("EXPORT_CHUNK_ROWS", "1"), ("EXPORT_CHUNK_DELAY", "0.5"))
    deadline = time.monotonic() + 120
    while _job(app, job_id).progress == 0 and time.monotonic() < deadline and slow.poll() is None:
        time.sleep(0.2)
    slow.send_signal(signal.SIGKILL)
    slow.wait()
    killed = _job(app, job_id)
    assert killed.state == "运行中" and 0 < killed.progress < 100 and killed.result_id is None, (
        killed.state, killed.progress, killed.error, log.read_text()[-3000:])

    # re-run: a job 运行中 past its timeout is resent (by the next worker start or daily scan); one result
    from jobs import STALE_AFTER, resend, send

    with app.app_context():
        assert resend() == 0  # not yet stale: its worker may still be at it
        job = db.session.get(m.Job, job_id)
        job.started_at -= timedelta(seconds=STALE_AFTER + 1)
        db.session.commit()
        assert resend() == 1
        assert db.session.get(m.Job, job_id).state == "排队"
    _worker(app, log).wait(timeout=180)
    done = _job(app, job_id)
    assert done.state == "完成" and done.progress == 100, log.read_text()[-3000:]
    first_result = done.result_id

    with app.app_context():  # run once more: the result is replaced, not added
        send(db.session.get(m.Job, job_id))
    _worker(app, log).wait(timeout=180)
    again = _job(app, job_id)
    assert again.state == "完成" and again.result_id != first_result
    with app.app_context():
        assert db.session.get(m.Document, first_result) is None
    assert generated() == before + 1
    got = client.get(f"/api/v1/job/{job_id}/result", headers=tokens("zuyuan"))
    assert got.status_code == 200
    ws = _sheet(got.data)
    assert ws.max_row - 1 == len(_expected_codes(app))


def test_resend_sends_jobs_recorded_while_redis_was_down(redis_app, petitions, clean_jobs):
    from jobs import resend

    with redis_app.app_context():
        job = m.Job(kind="list_export", title="导出：信访件列表", owner="zuyuan",
                    params={"view": "PetitionApi", "path": "/api/v1/petition/export", "query": ""})
        db.session.add(job)
        db.session.commit()
        assert resend() == 1
        assert db.session.get(m.Job, job.id).rq_job_id == f"job-{job.id}"
        assert resend() == 0
