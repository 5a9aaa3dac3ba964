"""One document per meeting and per talk (issue 15 item 1): 附件8/9/10 of one meeting and 附件14 of one talk, each a
document of its own with versions, 定稿 by the right step, 形成时间 = the meeting's or talk's date, the scope of the
record on every path (REST, screen, list, archive), and 收集归档材料 filing each final version once in place of the
inspection's compilation. On a demo database of its own: it adds documents other modules do not expect."""

from __future__ import annotations

import io
import re

import docx
import pytest
import sqlalchemy as sa

import schema as m
from tests.conftest import demo_world


@pytest.fixture(scope="module")
def world(databases, tmp_path_factory):
    yield from demo_world(databases, tmp_path_factory, "records")


@pytest.fixture(scope="module")
def app(world):
    return world[0]


@pytest.fixture(scope="module")
def tokens(world):
    return world[2]


def _one(app, stmt):
    from app.extensions import db

    with app.app_context():
        return db.session.execute(stmt).first()


def _text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def _unit_inspection(unit: str):
    """The unit's latest inspection (学工部 was inspected in an earlier round too)."""
    return (sa.select(m.Inspection.id, m.Inspection.team_id).join(m.Unit).where(m.Unit.name == unit)
            .order_by(m.Inspection.id.desc()))


def _team_user(app, team_id: int, role: str | None = None) -> str:
    """A login of the team (of its `role`)."""
    stmt = sa.select(m.Person.username).join(m.TeamMember).where(m.TeamMember.team_id == team_id,
                                                                 m.Person.username.is_not(None))
    if role:
        stmt = stmt.where(m.TeamMember.role == role)
    return _one(app, stmt.order_by(m.Person.id).limit(1))[0]


def _versions(app, subject: str) -> list:
    from app.extensions import db

    with app.app_context():
        rows = db.session.scalars(sa.select(m.Document).where(m.Document.subject == subject)
                                  .order_by(m.Document.version)).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def _count(app) -> int:
    return _one(app, sa.select(sa.func.count()).select_from(m.Document))[0]


def test_each_meeting_is_a_document_of_its_own(app, tokens):
    client, office = app.test_client(), tokens("office")
    pk, team = _one(app, _unit_inspection("机械工程学院"))
    meeting = _one(app, sa.select(m.Meeting.id, m.Meeting.title, m.Meeting.held_on).where(
        m.Meeting.inspection_id == pk, m.Meeting.kind == "听取汇报").order_by(m.Meeting.held_on))
    others = [r.title for r in _one_all(app, sa.select(m.Meeting.title).where(
        m.Meeting.inspection_id == pk, m.Meeting.kind == "听取汇报", m.Meeting.id != meeting.id))]
    resp = client.get(f"/api/v1/meeting/{meeting.id}/export/8", headers=office)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    text = _text(resp.data)
    assert meeting.title in text and others and not any(t in text for t in others)
    assert "专题汇报记录表" in text and "filename*=UTF-8''" in resp.headers["Content-Disposition"]
    subject = f"meeting:{meeting.id}:8"
    (doc,) = _versions(app, subject)
    assert (doc.attachment_no, doc.inspection_id, doc.state, doc.formed_on) == (8, pk, "草稿", meeting.held_on)
    assert meeting.title in doc.title and not doc.is_confidential
    # the same content again: the same version, no new row; the inspection's own 附件8 stays a separate document
    before = _count(app)
    again = client.get(f"/api/v1/meeting/{meeting.id}/export/8", headers=office)
    assert again.headers["X-Content-SHA256"] == resp.headers["X-Content-SHA256"] and _count(app) == before
    # another 附件 than the meeting's, a meeting of no 附件 of its own: a Chinese 404
    wrong = client.get(f"/api/v1/meeting/{meeting.id}/export/10", headers=office)
    assert wrong.status_code == 404 and "附件8" in wrong.json["message"] and "附件10" in wrong.json["message"]
    mobilise = _one(app, sa.select(m.Meeting.id).where(m.Meeting.inspection_id == pk, m.Meeting.kind == "动员会"))
    assert client.get(f"/api/v1/meeting/{mobilise.id}/export/5", headers=office).status_code == 404
    # 八（二）: after the handover its team takes nothing out; 学工部's team (in the field) has its meeting's, another
    # team does not see that meeting at all
    refused = client.get(f"/api/v1/meeting/{meeting.id}/export/8", headers=tokens(_team_user(app, team)))
    assert refused.status_code == 403 and refused.json["message"]
    field, field_team = _one(app, _unit_inspection("党委学生工作部"))
    seminar = _one(app, sa.select(m.Meeting.id).where(m.Meeting.inspection_id == field, m.Meeting.kind == "座谈会"))
    assert client.get(f"/api/v1/meeting/{seminar.id}/export/10",
                      headers=tokens(_team_user(app, field_team))).status_code == 200
    for user in ("jiwei", "dangban"):  # a receiving department, 党委办公室: not the team's meetings
        got = client.get(f"/api/v1/meeting/{seminar.id}/export/10", headers=tokens(user)).status_code
        assert got in (403, 404), (user, got)
    # finalized by 组长 or 巡察办, formed on the meeting's day; downloading the final version creates nothing
    resp = client.post(f"/api/v1/document/{doc.id}/finalize", headers=office)
    assert resp.status_code == 200 and resp.json["result"]["state"] == "定稿"
    before = _count(app)
    for _ in range(2):
        assert client.get(f"/api/v1/meeting/{meeting.id}/export/8", headers=office).status_code == 200
        assert client.get(f"/api/v1/document/{doc.id}/file", headers=office).status_code == 200
    assert _count(app) == before and _versions(app, subject)[-1].formed_on == meeting.held_on


def _one_all(app, stmt) -> list:
    from app.extensions import db

    with app.app_context():
        return db.session.execute(stmt).all()


def test_a_talk_record_is_confidential_on_every_path(app, tokens):
    from app.extensions import db

    client = app.test_client()
    pk, team = _one(app, _unit_inspection("党委学生工作部"))  # in the field: its team has its talks
    talk = _one(app, sa.select(m.Talk.id, m.Talk.held_on, m.Person.name).join(
        m.Person, m.Person.id == m.Talk.interviewee_id).where(m.Talk.inspection_id == pk,
                                                              m.Talk.reviewed_by_id.is_(None)).order_by(m.Talk.id))
    member = _team_user(app, team, "成员")
    resp = client.get(f"/api/v1/talk/{talk.id}/export/14", headers=tokens(member))
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    text = _text(resp.data)
    assert talk.name in text and "秘密" in text and text.count("个别谈话记录表") == 1
    (doc,) = _versions(app, f"talk:{talk.id}:14")
    assert doc.is_confidential and doc.classification and doc.contents == {"talk": [talk.id]}
    assert doc.formed_on == talk.held_on
    logged = _one(app, sa.select(sa.func.count()).select_from(m.ReadLog).where(
        m.ReadLog.entity == "talk", m.ReadLog.entity_id == talk.id, m.ReadLog.actor == member))[0]
    assert logged >= 1
    # the unit's liaison, another team, the receiving department: not the talk, not its document, not in a list
    for user in ("liaison", "jiwei", "dangban"):
        assert client.get(f"/api/v1/talk/{talk.id}/export/14", headers=tokens(user)).status_code in (403, 404), user
        assert client.get(f"/api/v1/document/{doc.id}/file", headers=tokens(user)).status_code == 404, user
        listed = client.get("/api/v1/document/?q=(page_size:100,filters:!((col:attachment_no,opr:eq,value:14)))",
                            headers=tokens(user))
        assert listed.status_code in (200, 403), (user, listed.status_code)
        assert listed.status_code == 403 or doc.id not in listed.json["ids"], user
    # 定稿 is the 组长's review: refused while the talk is not reviewed; once reviewed, the record says who reviewed
    # it (a new version) and that version is finalized
    refused = client.post(f"/api/v1/document/{doc.id}/finalize", headers=tokens("office"))
    assert refused.status_code == 422 and "组长审阅" in refused.json["message"]
    with app.app_context():
        row = db.session.get(m.Talk, talk.id)
        row.reviewed_by_id = db.session.scalar(sa.select(m.Person.id).where(
            m.Person.username == _team_user(app, team, "组长")))
        row.reviewed_on = talk.held_on
        db.session.commit()
    fresh = client.get(f"/api/v1/talk/{talk.id}/export/14", headers=tokens(member))
    assert fresh.status_code == 200 and "待组长审阅" not in _text(fresh.data)
    latest = _versions(app, f"talk:{talk.id}:14")[-1]
    assert latest.version == 2
    done = client.post(f"/api/v1/document/{latest.id}/finalize", headers=tokens("office"))
    assert done.status_code == 200, done.json
    assert _versions(app, f"talk:{talk.id}:14")[-1].formed_on == talk.held_on


def test_the_meeting_and_talk_pages_offer_their_document(app, login):
    pk, _team = _one(app, _unit_inspection("机械工程学院"))
    meeting = _one(app, sa.select(m.Meeting.id).where(m.Meeting.inspection_id == pk, m.Meeting.kind == "座谈会"))
    talk = _one(app, sa.select(m.Talk.id).where(m.Talk.inspection_id == pk))
    client = app.test_client()
    client.post("/login/", data={"username": "office", "password": _password()})
    page = client.get(f"/meetingview/show/{meeting.id}").get_data(as_text=True)
    assert f"/meetingview/document/{meeting.id}/10" in page and "附件10" in page and "尚未生成" in page
    got = client.get(f"/meetingview/document/{meeting.id}/10")
    assert got.status_code == 200 and got.headers["Content-Disposition"]
    page = client.get(f"/meetingview/show/{meeting.id}").get_data(as_text=True)
    assert "第1版" in page and "/documentview/finalize/" in page
    page = client.get(f"/talkview/show/{talk.id}").get_data(as_text=True)
    assert f"/talkview/document/{talk.id}/14" in page and "format=pdf" in page
    # a wrong 附件 on a screen: the page again with the Chinese reason, never a 500
    wrong = client.get(f"/meetingview/document/{meeting.id}/8", follow_redirects=True)
    assert wrong.status_code == 200 and "不能生成附件8" in wrong.get_data(as_text=True)


def _password() -> str:
    from seeds.demo import DEMO_PASSWORD

    return DEMO_PASSWORD


def test_collect_files_each_meetings_final_record_once(app, tokens):
    """学工部's volume (not handed over): the inspection's 附件8 filed first, then each 听取汇报's own final record
    replaces it; collecting again adds nothing; every item a final version, one per document."""
    client, office = app.test_client(), tokens("office")
    pk, _team = _one(app, _unit_inspection("党委学生工作部"))
    whole = client.get(f"/api/v1/inspection/{pk}/export/8", headers=office)
    assert whole.status_code == 200
    compiled = _versions(app, f"inspection:{pk}:8")[-1]
    assert client.post(f"/api/v1/document/{compiled.id}/finalize", headers=office).status_code == 200

    def collect():
        resp = client.post("/api/v1/archive_item/collect", json={"inspection": pk}, headers=office)
        assert resp.status_code == 200, resp.json
        return resp.json

    def filed() -> list:
        return _one_all(app, sa.select(m.Document.subject, m.Document.state, m.ArchiveRequirement.code).join(
            m.ArchiveItem.document).join(m.ArchiveItem.requirement).join(m.ArchiveVolume).where(
            m.ArchiveVolume.inspection_id == pk, m.Document.attachment_no == 8))

    collect()
    assert [r.subject for r in filed()] == [f"inspection:{pk}:8"]
    meetings = [r.id for r in _one_all(app, sa.select(m.Meeting.id).where(
        m.Meeting.inspection_id == pk, m.Meeting.kind == "听取汇报"))]
    assert meetings
    for mid in meetings:
        assert client.get(f"/api/v1/meeting/{mid}/export/8", headers=office).status_code == 200
        doc = _versions(app, f"meeting:{mid}:8")[-1]
        assert client.post(f"/api/v1/document/{doc.id}/finalize", headers=office).status_code == 200
    collect()
    rows = filed()
    assert sorted(r.subject for r in rows) == sorted(f"meeting:{mid}:8" for mid in meetings)
    assert all(r.state == "定稿" and r.code == "G09" for r in rows)
    again = collect()
    assert filed() == rows and re.search(r"\d", str(again))
