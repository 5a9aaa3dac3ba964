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


def test_credentials_and_the_search_index_are_never_stored_in_history(app):
    """An inspection's public intake token and an online petition's passphrase hash are recorded as changed, never
    by value (the history is read by whoever reads the record); the search index, which holds a petitioner's name in
    clear, and the deadline scan's inputs are derived and leave no history of their own."""
    insp = _first_id(app, m.Inspection, m.Inspection.intake_token.is_not(None))
    (created,) = [r for r in _history(app, "inspection", insp) if r.operation == "新增"]
    assert created.changes["intake_token"] == [None, "已隐藏"]
    with app.app_context():  # an online petition (app.commands.intake.submit stores the passphrase hashed), undone
        session = _db().session
        online = m.Petition(inspection_id=insp, channel="网络", received_on=date(2026, 5, 6), is_anonymous=True,
                            summary="网上反映：实验室耗材采购价格偏高", triage="待处理", receipt_code="TESTRECEIPT1",
                            passphrase_hash="scrypt:32768:8:1$salt$0123456789abcdef")
        session.add(online)
        session.flush()
        # the newest row: SQLite gives a deleted petition's id to the next one, whose history rows stay
        created = session.scalar(sa.select(m.ChangeLog).where(m.ChangeLog.entity == "petition",
                                                              m.ChangeLog.entity_id == online.id)
                                 .order_by(m.ChangeLog.id.desc()).limit(1))
        assert created.operation == "新增"
        assert created.changes["passphrase_hash"] == [None, "已隐藏"]
        assert created.changes["receipt_code"] == [None, "TESTRECEIPT1"]  # the receipt is no credential alone
        session.rollback()
        derived = _db().session.scalar(sa.select(sa.func.count()).select_from(m.ChangeLog).where(
            m.ChangeLog.entity.in_(("search_entry", "deadline_input"))))
    assert derived == 0


def test_every_column_the_history_records_is_named_in_chinese(app):
    """The history tab names each changed field; FAB's default label of a column no screen shows is English
    ("Intake Token"): every column app.audit records has a Chinese name on its model's own page."""
    import re

    from app.audit import STAMPS, _references, is_logged
    from schema.base import Model
    from views.base.helpers import describe_changes

    screens = {v.datamodel.obj: v for v in app.appbuilder.baseviews if hasattr(v, "show_template")}
    english = {}
    for mapper in Model.registry.mappers:
        if not is_logged(mapper.class_):
            continue
        refs = _references(mapper)
        keys = [refs[a.key].key if a.key in refs else a.key for a in mapper.column_attrs if a.key not in STAMPS]
        view = screens.get(mapper.class_)
        for row in describe_changes({k: [None, None] for k in keys}, view.label_columns if view else None):
            if not re.search(r"[\u4e00-\u9fff]", row["field"]):
                english.setdefault(mapper.class_.__name__, []).append(row["field"])
    assert not english, english


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
    assert f'data-url="/talkview/history/{pk}"' in page and "演示数据" not in page  # loaded when the tab is opened
    tab = client.get(f"/talkview/history/{pk}")
    assert tab.status_code == 200 and tab.headers["Cache-Control"] == "no-store"
    text = tab.get_data(as_text=True)
    assert "演示数据" in text and "谈话日期" in text  # the actor, and a field by its Chinese label
    with app.app_context():  # another team's talk: its history is as out of reach as its page
        other = _db().session.scalar(sa.select(sa.func.min(m.Talk.id)).where(m.Talk.id.not_in(team_talks)))
    assert other and client.get(f"/talkview/history/{other}").status_code == 404


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
