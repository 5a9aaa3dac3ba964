"""Change history (app.audit): every path that writes a record leaves who, when, where, what, old and new values."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

import schema as m
from tests.conftest import open_inspection


def _db():
    from app.extensions import db

    return db


def _history(app, table: str, pk: int) -> list[m.ChangeLog]:
    with app.app_context():
        rows = _db().session.scalars(sa.select(m.ChangeLog).where(m.ChangeLog.entity == table,
                                                                  m.ChangeLog.entity_id == pk)
                                     .order_by(m.ChangeLog.id)).all()
        _db().session.expunge_all()
        return rows


def _first_id(app, model, *where) -> int:
    with app.app_context():
        return _db().session.scalar(sa.select(model.id).where(*where).order_by(model.id).limit(1))


def test_demo_load_is_recorded_under_its_named_actor(app):
    pk = _first_id(app, m.Talk)
    (created,) = [r for r in _history(app, "talk", pk) if r.operation == "新增"]
    assert created.actor == "演示数据" and created.remote_addr is None
    assert created.changes["held_on"][0] is None and date.fromisoformat(created.changes["held_on"][1])
    interviewers = created.changes["interviewers"][1]  # a many-to-many collection, as the records it holds
    assert interviewers and all(isinstance(p["id"], int) and p["text"] for p in interviewers)


def test_screen_edit_records_old_and_new_value(app, client, login):
    pk = _first_id(app, m.CalendarDay, m.CalendarDay.note.is_(None))
    with app.app_context():
        day = _db().session.get(m.CalendarDay, pk)
        data = {"day": day.day.isoformat(), "note": "历史测试备注"} | ({"is_workday": "y"} if day.is_workday else {})
    login("admin")
    assert client.post(f"/calendardayview/edit/{pk}", data=data).status_code == 302
    last = _history(app, "calendar_day", pk)[-1]
    assert (last.operation, last.actor, last.remote_addr) == ("修改", "admin", "127.0.0.1")
    assert last.changes == {"note": [None, "历史测试备注"]}


def test_api_post_put_delete_record_history(app, client, tokens):
    headers = tokens("office")
    inspection = open_inspection(app)  # after the archive handover (八（二）) nothing is added under it
    resp = client.post("/api/v1/visit/", json={"inspection": inspection, "target": "历史测试走访",
                                               "held_on": "2026-04-01"}, headers=headers)
    assert resp.status_code == 201, resp.get_data(as_text=True)
    pk = resp.json["id"]
    assert client.put(f"/api/v1/visit/{pk}", json={"place": "图书馆三楼"}, headers=headers).status_code == 200
    assert client.delete(f"/api/v1/visit/{pk}", headers=headers).status_code == 200
    created, updated, deleted = _history(app, "visit", pk)
    assert [r.operation for r in (created, updated, deleted)] == ["新增", "修改", "删除"]
    assert {r.actor for r in (created, updated, deleted)} == {"office"}
    assert created.changes["target"] == [None, "历史测试走访"]
    assert created.changes["inspection"][1]["id"] == inspection  # a foreign key, as the record it names
    assert updated.changes == {"place": [None, "图书馆三楼"]}
    assert deleted.changes["place"] == ["图书馆三楼", None] and deleted.entity_label == "走访历史测试走访"


def test_relation_and_collection_changes_name_both_records(app, client, tokens):
    pk = _first_id(app, m.Talk, m.Talk.inspection_id == open_inspection(app, m.Inspection.id.in_(
        sa.select(m.Talk.inspection_id))))  # a talk that is not read-only after the archive handover (八（二）)
    with app.app_context():
        talk = _db().session.get(m.Talk, pk)
        old_interviewee, old_interviewers = talk.interviewee_id, sorted(p.id for p in talk.interviewers)
        other = _db().session.scalar(sa.select(m.Person.id).where(m.Person.id.not_in([old_interviewee,
                                                                                        *old_interviewers])))
    resp = client.put(f"/api/v1/talk/{pk}", json={"interviewee": other, "interviewers": [other]},
                      headers=tokens("admin"))
    assert resp.status_code == 200, resp.get_data(as_text=True)
    changes = _history(app, "talk", pk)[-1].changes
    assert [changes["interviewee"][0]["id"], changes["interviewee"][1]["id"]] == [old_interviewee, other]
    assert sorted(p["id"] for p in changes["interviewers"][0]) == old_interviewers
    assert [p["id"] for p in changes["interviewers"][1]] == [other]


def test_job_writes_under_the_job_name(app):
    from app.audit import acting_as

    pk = _first_id(app, m.Clue)
    with app.app_context(), acting_as("系统任务：测试"):
        clue = _db().session.get(m.Clue, pk)
        old = clue.decision_meeting
        clue.decision_meeting = "历史测试会议"
        _db().session.commit()
    last = _history(app, "clue", pk)[-1]
    assert (last.actor, last.remote_addr, last.changes) == ("系统任务：测试", None,
                                                            {"decision_meeting": [old, "历史测试会议"]})


def test_deadline_scan_writes_no_history(app):
    from jobs.deadlines import scan_job

    with app.app_context():
        before = _db().session.scalar(sa.select(sa.func.count()).select_from(m.ChangeLog))
        scan_job("2026-06-01")
        after = _db().session.scalar(sa.select(sa.func.count()).select_from(m.ChangeLog))
    assert after == before  # computed deadlines and notifications are caches (app.audit says why)


def test_petitioner_identity_is_never_stored_in_history(app):
    pk = _first_id(app, m.Petition, m.Petition.petitioner_name.is_not(None))
    (created,) = [r for r in _history(app, "petition", pk) if r.operation == "新增"]
    assert created.changes["petitioner_name"] == [None, "已隐藏"]


def test_history_tab_on_show_page(app, client, login):
    pk = _first_id(app, m.Talk)
    login("zuzhang")  # the team's own talk
    with app.app_context():
        team_talks = {t for (t,) in _db().session.execute(sa.text(
            "SELECT t.id FROM talk t JOIN inspection i ON i.id = t.inspection_id JOIN team_member tm "
            "ON tm.team_id = i.team_id JOIN person p ON p.id = tm.person_id WHERE p.username = 'zuzhang'"))}
    pk = min(team_talks)
    page = client.get(f"/talkview/show/{pk}").get_data(as_text=True)
    assert 'href="#History"' in page and "历史" in page
    assert "演示数据" in page and "谈话日期" in page  # the actor, and a field by its Chinese label


@pytest.mark.parametrize("api", ["change_log", "read_log"])
def test_history_cannot_be_changed_through_the_api(app, client, tokens, api):
    headers = tokens("admin")
    resp = client.get(f"/api/v1/{api}/?q=(page_size:1)", headers=headers)
    assert resp.status_code == 200
    if resp.json["ids"]:
        pk = resp.json["ids"][0]
        assert client.put(f"/api/v1/{api}/{pk}", json={"actor": "x"}, headers=headers).status_code == 405
        assert client.delete(f"/api/v1/{api}/{pk}", headers=headers).status_code == 405
    assert client.post(f"/api/v1/{api}/", json={"actor": "x"}, headers=headers).status_code in (404, 405)
    for user in ("leader", "zuzhang", "zuyuan"):
        assert client.get(f"/api/v1/{api}/", headers=tokens(user)).status_code == 403


@pytest.mark.parametrize("view", ["changelogview", "readlogview"])
def test_history_cannot_be_changed_on_screen(app, client, login, view):
    login("admin")
    assert client.get(f"/{view}/list/").status_code == 200
    for path in ("add", "edit/1", "delete/1"):
        assert client.get(f"/{view}/{path}").status_code == 404
        assert client.post(f"/{view}/{path}", data={"actor": "x"}).status_code in (404, 405)


def test_database_refuses_to_rewrite_history(app):
    with app.app_context():
        with pytest.raises(sa.exc.DatabaseError):
            _db().session.execute(sa.update(m.ChangeLog).values(actor="x"))
        _db().session.rollback()
        with pytest.raises(sa.exc.DatabaseError):
            _db().session.execute(sa.delete(m.ChangeLog))
        _db().session.rollback()


@pytest.mark.parametrize("user, allowed", [("office", True), ("leader", False), ("zuzhang", False)])
def test_change_log_screen_for_office_only(app, client, login, user, allowed):
    login(user)
    page = client.get("/changelogview/list/?_flt_0_actor=演示数据")
    if allowed:
        assert page.status_code == 200 and "演示数据" in page.get_data(as_text=True)
    else:
        assert page.status_code in (302, 403)


def test_calendar_import_is_recorded(app):
    from app.audit import acting_as
    from app.commands.calendar_import import Row, apply_import

    pk = _first_id(app, m.CalendarDay, m.CalendarDay.note.is_(None), m.CalendarDay.is_workday.is_(True))
    with app.app_context(), acting_as("导入测试"):
        day = _db().session.get(m.CalendarDay, pk).day
        assert apply_import([Row(day, False, "导入测试调休", line=2)])["updated"] == 1
    last = _history(app, "calendar_day", pk)[-1]
    assert (last.actor, last.changes) == ("导入测试", {"is_workday": [True, False], "note": [None, "导入测试调休"]})
