"""Deadlines and checks through the API, the scan and the screens, on the seeded calendar and rules."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

import schema as m
from tests.conftest import open_inspection


@pytest.fixture()
def inspection(app, client, tokens):
    """A new inspection starting 2025-10-09, right after the 2025 National Day holiday."""
    h = tokens("admin")
    tag = uuid.uuid4().hex[:6]
    unit = client.post("/api/v1/unit/", json={"name": f"期限测试学院{tag}", "kind": "教学科研单位", "staff_count": 120},
                       headers=h).json["id"]
    with app.app_context():
        from app.extensions import db

        # 一（一）2 组长负责制: 进驻 is recorded only for a team with a 副组长 (the demo's 2025 team has none)
        deputies = sa.select(m.TeamMember.team_id).where(m.TeamMember.role == "副组长")
        team_id, round_id = db.session.execute(
            sa.select(m.Team.id, m.Team.round_id).where(m.Team.id.in_(deputies)).order_by(m.Team.id).limit(1)).one()
    resp = client.post("/api/v1/inspection/", headers=h, json={
        "round": round_id, "team": team_id, "unit": unit, "notice_date": "2025-09-26", "entry_date": "2025-10-09",
        "work_start": "2025-10-09", "work_end": "2025-11-14", "committee_report_date": "2025-11-25",
        "feedback_date": "2025-12-31",
    })
    assert resp.status_code == 201, resp.get_json()
    return resp.json["id"]


def _by_code(client, headers, iid, what="deadlines"):
    resp = client.get(f"/api/v1/inspection/{iid}/{what}", headers=headers)
    assert resp.status_code == 200, resp.get_json()
    return {d["code"]: d for d in resp.json["result"]}


def test_deadlines_golden(client, tokens, inspection):
    d = _by_code(client, tokens("admin"), inspection)
    assert set(d["D2"]) == {"code", "title", "earliest", "due", "status", "done_on", "level", "message"}
    assert (d["D2"]["earliest"], d["D2"]["due"]) == ("2025-09-25", "2025-09-28")
    assert d["D2"]["status"] == "done" and d["D2"]["done_on"] == "2025-09-26"
    assert d["D5"]["due"] == "2025-11-28" and d["D5"]["status"] == "done"
    assert d["D6"]["due"] == "2025-12-02" and d["D6"]["status"] == "done"  # feedback 12-31 is late, still done
    assert d["D9"]["due"] == "2026-02-28"  # 12-31 plus two months, clamped
    assert d["D8"]["due"] == "2026-01-10" and d["D8"]["status"] == "overdue"
    assert d["D1"]["earliest"] is None


def test_checks_answer_figures(client, tokens, inspection):
    h = tokens("admin")
    checks = _by_code(client, h, inspection, "checks")
    assert checks["D2"]["ok"] is True
    assert checks["D6"]["ok"] is False and "逾期完成" in checks["D6"]["message"]
    assert checks["D3"]["ok"] is False  # 10-09 to 11-14 is longer than about one month
    assert checks["attendance"]["ok"] is None
    client.post("/api/v1/meeting/", headers=h, json={"inspection": inspection, "kind": "动员会", "held_on": "2025-10-09",
                                                    "expected_count": 100, "present_count": 79})
    checks = _by_code(client, h, inspection, "checks")
    assert checks["attendance"]["ok"] is False
    assert "实到 79 人" in checks["attendance"]["message"]


def test_unknown_id_is_404(client, tokens):
    assert client.get("/api/v1/inspection/987654/deadlines", headers=tokens("admin")).status_code == 404
    assert client.get("/api/v1/inspection/987654/checks", headers=tokens("admin")).status_code == 404


def test_rule_edit_changes_dates_without_restart(client, tokens, inspection):
    h = tokens("admin")
    rule = client.get("/api/v1/deadline_rule/?q=(filters:!((col:code,opr:eq,value:D5)))", headers=h).json
    rid = rule["ids"][0]
    assert client.put(f"/api/v1/deadline_rule/{rid}", json={"offset": 21}, headers=h).status_code == 200
    try:
        assert _by_code(client, h, inspection)["D5"]["due"] == "2025-12-05"
    finally:
        client.put(f"/api/v1/deadline_rule/{rid}", json={"offset": 14}, headers=h)
    assert _by_code(client, h, inspection)["D5"]["due"] == "2025-11-28"


def test_new_year_of_holidays_counts_at_once(app, client, tokens):
    h = tokens("admin")
    # after the archive handover (八（二）) its dates are read-only; without an end date a start may move to 2099
    iid = open_inspection(app, m.Inspection.work_start.is_not(None), m.Inspection.work_end.is_(None))
    original = client.get(f"/api/v1/inspection/{iid}", headers=h).json["result"]["work_start"]
    assert client.put(f"/api/v1/inspection/{iid}", json={"work_start": "2099-03-09"}, headers=h).status_code == 200
    try:
        d2 = _by_code(client, h, iid)["D2"]
        assert d2["status"] == "unknown_calendar" and "2099" in d2["message"]
        days = [date(2099, 3, 1) + timedelta(i) for i in range(9)]
        with app.app_context():
            from app.extensions import db

            db.session.add_all(m.CalendarDay(day=day, is_workday=day.weekday() < 5) for day in days)
            db.session.commit()
        d2 = _by_code(client, h, iid)["D2"]
        assert (d2["earliest"], d2["due"]) == ("2099-03-02", "2099-03-04")
    finally:
        client.put(f"/api/v1/inspection/{iid}", json={"work_start": original}, headers=h)
        with app.app_context():
            from app.extensions import db

            db.session.execute(sa.delete(m.CalendarDay).where(m.CalendarDay.day >= date(2099, 1, 1)))
            db.session.commit()


def test_scan_is_set_based_and_idempotent(app):
    from app.commands.deadlines import scan
    from app.extensions import db

    with app.app_context():
        first = scan(date(2026, 11, 26))
        rows = db.session.scalar(sa.select(sa.func.count(m.Deadline.id)))
        notes = db.session.scalar(sa.select(sa.func.count(m.Notification.id)))
        second = scan(date(2026, 11, 26))
        assert db.session.scalar(sa.select(sa.func.count(m.Deadline.id))) == rows
        assert db.session.scalar(sa.select(sa.func.count(m.Notification.id))) == notes
        assert second["notifications"] == 0
        assert {k: v for k, v in first.items() if k != "notifications"} == \
               {k: v for k, v in second.items() if k != "notifications"}
        assert first.get("overdue", 0) > 0
        # transfers (D10) and submissions (D11) are scanned too
        codes = set(db.session.scalars(sa.select(m.Deadline.code).distinct()))
        assert {"D2", "D10", "D11"} <= codes


def test_screens(app, login):
    from app.commands.deadlines import scan

    with app.app_context():
        scan(date.today())
    admin = login("admin")
    page = admin.get("/deadlineview/list/?_flt_0_status=overdue").get_data(as_text=True)
    assert "已逾期" in page
    with app.app_context():
        from app.extensions import db

        iid = db.session.scalar(sa.select(m.Inspection.id).limit(1))
    show = admin.get(f"/inspectionview/show/{iid}").get_data(as_text=True)
    assert "期限" in show and "合规检查" in show and "D2" in show
    resp = admin.post("/inspectionview/action_post", data={"action": "deadline_check", "rowid": [str(iid)]})
    assert resp.status_code == 302
    assert admin.get("/todo/").status_code == 200


def test_my_todo_shows_only_my_teams(app):
    """On 2026-11-26 the demo has D2 due soon for team 3 (后勤集团), D9 overdue for team 2 (图书馆), D10 overdue
    for transfers to 审计室 and 资产处 and D11 overdue for a submission to 党委组织部."""
    from app.commands.deadlines import scan

    with app.app_context():
        scan(date(2026, 11, 26))

    from seeds.demo import DEMO_PASSWORD

    def todo(username):
        client = app.test_client()  # one client per user: a signed-in client is not switched by /login/
        assert client.post("/login/", data={"username": username, "password": DEMO_PASSWORD}).status_code == 302
        page = client.get("/todo/").get_data(as_text=True)
        return page.split("即将到期和已逾期的事项", 1)[1].split("<strong>通知</strong>", 1)[0]

    office = todo("office")
    for code in ("D2 巡察通知下发", "D9 整改情况报告", "D10 ", "D11 "):
        assert code in office
    leader = todo("zuzhang")  # 组长 of teams 1 and 3
    assert "D2 巡察通知下发" in leader and "后勤集团" in leader
    assert "图书馆" not in leader and "D10 " not in leader  # team 2's inspection, and transfers, are not theirs
    # 纪委监察室 answers for transfers to it only; none of those is due
    jiwei = todo("jiwei")
    assert not any(f"D{n} " in jiwei for n in range(1, 13))


def test_notifications_are_mailed_when_smtp_is_configured(app, monkeypatch):
    import app.mail as mail
    from app.commands.deadlines import scan
    from app.extensions import db

    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            assert (host, port) == ("smtp.example.edu.cn", 25)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def send_message(self, msg):
            sent.append(msg)

    monkeypatch.setattr(mail.smtplib, "SMTP", FakeSMTP)
    monkeypatch.setitem(app.config, "SMTP_HOST", "smtp.example.edu.cn")
    with app.app_context():
        db.session.execute(sa.delete(m.Notification))
        db.session.commit()
        counts = scan(date(2026, 11, 26))
        recipients = set(db.session.scalars(sa.select(m.Notification.username).distinct()))
    assert counts["notifications"] > 0
    assert sent and all(msg["Subject"].startswith("【巡察通】") for msg in sent)
    assert len(sent) <= len(recipients)
    assert "期限" in sent[0].get_content()
