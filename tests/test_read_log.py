"""Read log and the petitioner's identity (DOMAIN.md §6: every read of a confidential record is recorded)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

import schema as m

CONFIDENTIAL = {"talk": ("talkview", m.Talk), "petition": ("petitionview", m.Petition), "clue": ("clueview", m.Clue),
                "material": ("materialview", m.Material)}
TEAM_INSPECTIONS = ("SELECT i.id FROM inspection i JOIN team_member tm ON tm.team_id = i.team_id "
                    "JOIN person p ON p.id = tm.person_id WHERE p.username = :u")


def _db():
    from app.extensions import db

    return db


def _scalar(app, sql: str, **params):
    with app.app_context():
        return _db().session.execute(sa.text(sql), params).scalar()


def _reads(app, table: str, pk: int, after: int) -> list[m.ReadLog]:
    with app.app_context():
        rows = _db().session.scalars(sa.select(m.ReadLog).where(m.ReadLog.entity == table, m.ReadLog.entity_id == pk,
                                                                m.ReadLog.id > after).order_by(m.ReadLog.id)).all()
        _db().session.expunge_all()
        return rows


def _last_read_id(app) -> int:
    return _scalar(app, "SELECT coalesce(max(id), 0) FROM read_log")


def _team_petition(app, user: str, with_name: bool = True, editable: bool = False) -> int:
    named = "AND petitioner_name IS NOT NULL" if with_name else ""
    # after the archive handover (八（二）) the petitions of an inspection are read-only
    if editable:
        named += " AND inspection_id NOT IN (SELECT inspection_id FROM archive_volume WHERE handed_over_on IS NOT NULL)"
    return _scalar(app, f"SELECT min(id) FROM petition WHERE inspection_id IN ({TEAM_INSPECTIONS}) {named}", u=user)


@pytest.mark.parametrize("resource", CONFIDENTIAL)
def test_show_page_and_api_get_are_logged(app, client, login, tokens, resource):
    view, model = CONFIDENTIAL[resource]
    pk = _scalar(app, f"SELECT min(id) FROM {model.__tablename__}")
    start = _last_read_id(app)
    login("office")
    assert client.get(f"/{view}/show/{pk}").status_code == 200
    assert client.get(f"/api/v1/{resource}/{pk}", headers=tokens("office")).status_code == 200
    reads = _reads(app, model.__tablename__, pk, start)
    assert [(r.actor, r.channel) for r in reads] == [("office", "页面"), ("office", "接口")]
    assert reads[0].path == f"/{view}/show/{pk}" and reads[0].remote_addr == "127.0.0.1" and reads[0].reason is None
    start = _last_read_id(app)  # the page's 历史 tab, loaded when opened, shows its old and new values: a read too
    assert client.get(f"/{view}/history/{pk}").status_code == 200
    assert [(r.actor, r.channel, r.path) for r in _reads(app, model.__tablename__, pk, start)] == [
        ("office", "页面", f"/{view}/history/{pk}")]


def test_lists_log_every_row_they_show(app, client, login, tokens):
    start = _last_read_id(app)
    resp = client.get("/api/v1/talk/?q=(page_size:3)", headers=tokens("leader"))
    ids = resp.json["ids"]
    with app.app_context():
        logged = _db().session.scalars(sa.select(m.ReadLog.entity_id).where(m.ReadLog.id > start)).all()
    assert len(ids) == 3 and sorted(logged) == sorted(ids)


def test_a_read_outside_the_scope_is_not_a_read(app, client, tokens):
    pk = _scalar(app, f"SELECT min(id) FROM talk WHERE inspection_id NOT IN ({TEAM_INSPECTIONS})", u="zuyuan")
    start = _last_read_id(app)
    assert client.get(f"/api/v1/talk/{pk}", headers=tokens("zuyuan")).status_code == 404
    assert _reads(app, "talk", pk, start) == []


def test_unlogged_models_write_no_reads(app, client, tokens):
    start = _last_read_id(app)
    assert client.get("/api/v1/unit/", headers=tokens("office")).status_code == 200
    assert _last_read_id(app) == start


def _names(app) -> list[str]:
    with app.app_context():
        return [n for n in _db().session.scalars(sa.select(m.Petition.petitioner_name)) if n]


def test_petitioner_identity_hidden_on_every_path(app, client, login, tokens):
    names = _names(app)
    assert names
    login("office")
    pk = _team_petition(app, "zuzhang")
    inspection = _scalar(app, "SELECT inspection_id FROM petition WHERE id = :p", p=pk)
    pages = [client.get("/petitionview/list/"), client.get(f"/petitionview/show/{pk}"),
             client.get(f"/petitionview/edit/{pk}"), client.get(f"/inspectionview/show/{inspection}"),
             client.get("/api/v1/petition/?q=(page_size:100)", headers=tokens("office")),
             client.get(f"/api/v1/petition/{pk}", headers=tokens("office")),
             client.get(f"/api/v1/petition/{pk}?q=(columns:!(petitioner_name))", headers=tokens("office")),
             client.get("/api/v1/change_log/?q=(page_size:100)", headers=tokens("office"))]
    for resp in pages:
        text = resp.get_data(as_text=True)
        assert resp.status_code == 200, resp.request.path
        assert not [n for n in names if n in text], resp.request.path
    assert "已隐藏" in pages[1].get_data(as_text=True)
    assert client.get(f"/api/v1/petition/{pk}", headers=tokens("office")).json["result"]["petitioner_name"] == "已隐藏"


def test_identity_is_no_search_criterion(app, client, tokens):
    name = _names(app)[0]
    q = f"(filters:!((col:petitioner_name,opr:eq,value:'{name}')))"
    assert client.get(f"/api/v1/petition/?q={q}", headers=tokens("office")).status_code == 400


def test_editing_keeps_the_hidden_identity(app, client, tokens):
    pk = _team_petition(app, "zuzhang", editable=True)
    before = _scalar(app, "SELECT petitioner_name FROM petition WHERE id = :p", p=pk)
    headers = tokens("office")
    shown = client.get(f"/api/v1/petition/{pk}", headers=headers).json["result"]
    resp = client.put(f"/api/v1/petition/{pk}", json={"petitioner_name": shown["petitioner_name"],
                                                      "summary": "编辑后仍保留身份"}, headers=headers)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    assert before not in resp.get_data(as_text=True)
    assert _scalar(app, "SELECT petitioner_name FROM petition WHERE id = :p", p=pk) == before


def test_screen_edit_left_blank_keeps_the_identity(app, client, login):
    pk = _team_petition(app, "zuzhang", editable=True)
    with app.app_context():
        p = _db().session.get(m.Petition, pk)
        before = p.petitioner_name
        data = {"inspection": p.inspection_id, "code": p.code, "channel": p.channel,
                "received_on": p.received_on.isoformat(), "petitioner_name": "", "petitioner_contact": "",
                "subject_name": p.subject_name or "", "summary": "屏幕编辑：身份留空", "triage": p.triage}
    login("office")
    assert before not in client.get(f"/petitionview/edit/{pk}").get_data(as_text=True)
    resp = client.post(f"/petitionview/edit/{pk}", data=data)
    assert resp.status_code == 302, resp.get_data(as_text=True)
    assert _scalar(app, "SELECT summary FROM petition WHERE id = :p", p=pk) == "屏幕编辑：身份留空"
    assert _scalar(app, "SELECT petitioner_name FROM petition WHERE id = :p", p=pk) == before


def test_reveal_needs_a_reason_and_is_logged(app, client, tokens):
    pk = _team_petition(app, "zuzhang")
    name = _scalar(app, "SELECT petitioner_name FROM petition WHERE id = :p", p=pk)
    headers = tokens("zuzhang")  # the 组长 of that inspection
    for body in ({}, {"reason": "  "}, {"reason": None}):
        resp = client.post(f"/api/v1/petition/{pk}/identity", json=body, headers=headers)
        assert resp.status_code == 400 and "查看理由" in resp.json["message"]
        assert name not in resp.get_data(as_text=True)
    start = _last_read_id(app)
    resp = client.post(f"/api/v1/petition/{pk}/identity", json={"reason": "核实来信人身份以便回访"}, headers=headers)
    assert resp.status_code == 200 and resp.json["result"]["petitioner_name"] == name
    (read,) = _reads(app, "petition", pk, start)
    assert (read.actor, read.channel, read.reason) == ("zuzhang", "接口", "核实来信人身份以便回访")


def test_reveal_on_screen(app, client, login):
    pk = _team_petition(app, "zuzhang")
    name = _scalar(app, "SELECT petitioner_name FROM petition WHERE id = :p", p=pk)
    login("office")
    assert f"/petitionview/identity/{pk}" in client.get(f"/petitionview/show/{pk}").get_data(as_text=True)
    form = client.get(f"/petitionview/identity/{pk}").get_data(as_text=True)
    assert "查看理由" in form and name not in form
    refused = client.post(f"/petitionview/identity/{pk}", data={"reason": ""}).get_data(as_text=True)
    assert "请填写「查看理由」" in refused and name not in refused
    start = _last_read_id(app)
    shown = client.post(f"/petitionview/identity/{pk}", data={"reason": "整理移送材料"}).get_data(as_text=True)
    assert name in shown
    (read,) = _reads(app, "petition", pk, start)
    assert (read.actor, read.channel, read.reason) == ("office", "页面", "整理移送材料")
    assert name not in client.get(f"/petitionview/show/{pk}").get_data(as_text=True)  # for that page only


def test_screen_offers_the_reveal_only_to_who_may(app, client, login):
    pk = _team_petition(app, "zuyuan")
    login("zuyuan")
    assert f"/petitionview/identity/{pk}" not in client.get(f"/petitionview/show/{pk}").get_data(as_text=True)
    assert client.get(f"/petitionview/identity/{pk}").status_code == 403
    assert client.post(f"/petitionview/identity/{pk}", data={"reason": "想看看"}).status_code == 403


def test_who_may_reveal(app, client, tokens):
    own = _team_petition(app, "zuyuan")
    other = _scalar(app, f"SELECT min(id) FROM petition WHERE inspection_id NOT IN ({TEAM_INSPECTIONS})", u="zuyuan")
    body = {"reason": "想看看"}
    # another team's petition is outside the member's scope: not found
    assert client.post(f"/api/v1/petition/{other}/identity", json=body, headers=tokens("zuyuan")).status_code == 404
    # their own team's: a member may not reveal, the leading group neither (read-only)
    assert client.post(f"/api/v1/petition/{own}/identity", json=body, headers=tokens("zuyuan")).status_code == 403
    assert client.post(f"/api/v1/petition/{own}/identity", json=body, headers=tokens("leader")).status_code == 403
    assert client.post(f"/api/v1/petition/{other}/identity", json=body, headers=tokens("office")).status_code == 200


def test_read_log_screen(app, client, login, tokens):
    pk = _scalar(app, "SELECT min(id) FROM clue")
    client.get(f"/api/v1/clue/{pk}", headers=tokens("admin"))
    login("office")
    page = client.get(f"/readlogview/list/?_flt_0_actor=admin&_flt_0_entity_id={pk}")
    assert page.status_code == 200 and "接口" in page.get_data(as_text=True)


def test_reading_a_change_of_a_talk_is_reading_the_talk(app, client, login, tokens):
    pk = _scalar(app, "SELECT min(id) FROM talk")
    change = _scalar(app, "SELECT min(id) FROM change_log WHERE entity = 'talk' AND entity_id = :p", p=pk)
    start = _last_read_id(app)
    login("office")
    assert client.get(f"/changelogview/show/{change}").status_code == 200
    assert client.get(f"/api/v1/change_log/{change}", headers=tokens("office")).status_code == 200
    assert [(r.actor, r.channel) for r in _reads(app, "talk", pk, start)] == [("office", "页面"), ("office", "接口")]
