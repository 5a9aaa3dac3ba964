"""The daily deadline scan as an rq job, worked by a real rq worker on a real Redis (skipped, saying why, without one);
who may read a job's result; filters of the history API."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

import schema as m


def test_worker_runs_the_scan_and_schedules_the_next(redis_app):
    from rq import SimpleWorker

    from app.extensions import db
    from jobs import queue
    from jobs.deadlines import schedule_next

    with redis_app.app_context():
        db.session.execute(sa.delete(m.Deadline))
        db.session.commit()
        today = date.today()
        job_id = schedule_next(today)
        assert schedule_next(today) == job_id  # same day twice: one job
        q = queue()
        assert q.scheduled_job_registry.get_job_ids() == [job_id]
        SimpleWorker([q], connection=q.connection).work(burst=True, with_scheduler=True)
        job = q.fetch_job(job_id)
        assert job.is_finished, job.get_status()
        assert db.session.scalar(sa.select(sa.func.count(m.Deadline.id))) > 0
        tomorrow = f"deadline-scan-{(today + timedelta(days=1)).isoformat()}"
        assert q.scheduled_job_registry.get_job_ids() == [tomorrow]


def test_job_results_are_their_owners_only(app, client, tokens):
    """A job's result has no inspection: its owner and Admin/Office read it, LeadingGroup (who sees every inspection)
    does not, through the job nor through the document endpoints (issue 18 item 8)."""
    from app.extensions import db
    from app.storage import store

    with app.app_context():
        path = Path(app.config["STORAGE_DIR"]) / "result.txt"
        path.write_text("导出结果")
        doc = store(path, "导出结果.txt", uploaded_by="zuyuan", is_generated=True)
        job = m.Job(kind="list_export", title="导出：信访件列表", owner="zuyuan", state="完成", progress=100,
                    params={"view": "PetitionApi", "path": "/api/v1/petition/export", "query": ""}, result=doc)
        db.session.add(job)
        db.session.commit()
        doc_id, job_id = doc.id, job.id
        attached = db.session.scalar(sa.select(m.Document.id).where(m.Document.inspection_id.is_not(None)))
    try:
        for user, allowed in (("zuyuan", True), ("office", True), ("admin", True), ("leader", False),
                              ("zuzhang", False)):
            for url in (f"/api/v1/document/{doc_id}/file", f"/api/v1/document/{doc_id}",
                        f"/api/v1/job/{job_id}/result"):
                got = client.get(url, headers=tokens(user)).status_code
                assert got == (200 if allowed else 404), (user, url, got)
        listed = client.get("/api/v1/document/?q=(page_size:100,filters:!((col:is_generated,opr:eq,value:!t)))",
                            headers=tokens("leader")).json
        assert doc_id not in listed["ids"]
        # documents of an inspection stay LeadingGroup's to read
        assert client.get(f"/api/v1/document/{attached}", headers=tokens("leader")).status_code == 200
    finally:
        with app.app_context():
            db.session.execute(sa.delete(m.Job).where(m.Job.id == job_id))
            db.session.execute(sa.delete(m.Document).where(m.Document.id == doc_id))
            db.session.commit()


def test_change_log_filters_answer_400_not_500(client, tokens):
    for col, opr in (("changes", "ct"), ("changes", "eq"), ("nosuch", "ct")):
        got = client.get(f"/api/v1/change_log/?q=(filters:!((col:{col},opr:{opr},value:x)))", headers=tokens("admin"))
        assert got.status_code == 400 and got.json["message"], (col, opr, got.status_code)
    assert client.get("/api/v1/change_log/?q=(filters:!((col:actor,opr:ct,value:adm)))",
                      headers=tokens("admin")).status_code == 200
