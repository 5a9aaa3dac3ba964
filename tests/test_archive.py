"""八、立卷归档: the required list and its check (golden), collection (idempotent, in stage order), the handover
(refused while items are missing or a stored file is missing or changed; otherwise D12 done), read-only after
handover, destruction deleting the stored file, 附件24 listing the volume's items, and who may do what.

The 图书馆 inspection is taken back to "not archived" (its demo volume removed) so its volume is collected and
handed over here from the start; the tests run in order on a demo database of their own."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
import sqlalchemy as sa

import schema as m
from app.rules.archive import Collected, Requirement, check_archive
from tests.conftest import demo_app, token_cache

LIBRARY, MATERIALS = "图书馆", "材料科学与工程学院"


@pytest.fixture(scope="module")
def app(databases, tmp_path_factory):
    yield from demo_app(databases, tmp_path_factory, "archive_storage")


@pytest.fixture(scope="module")
def tokens(app):
    return token_cache(app)


def _db():
    from app.extensions import db

    return db


def _insp(app, unit: str) -> int:
    with app.app_context():
        return _db().session.scalar(sa.select(m.Inspection.id).join(m.Unit).where(m.Unit.name == unit))


@pytest.fixture(scope="module")
def library(app):
    """The 图书馆 inspection with its volume removed (as before any archiving), and likewise 材料's."""
    with app.app_context():
        db = _db()
        for unit in (LIBRARY, MATERIALS):
            iid = db.session.scalar(sa.select(m.Inspection.id).join(m.Unit).where(m.Unit.name == unit))
            db.session.delete(db.session.scalar(sa.select(m.ArchiveVolume).where(m.ArchiveVolume.inspection_id == iid)))
        db.session.commit()
    return _insp(app, LIBRARY)


def _volume(app, iid):
    with app.app_context():
        return _db().session.scalar(sa.select(m.ArchiveVolume.id).where(m.ArchiveVolume.inspection_id == iid))


def _items(app, vid):
    with app.app_context():
        return _db().session.execute(
            sa.select(m.ArchiveItem.seq, m.ArchiveItem.kind, m.ArchiveItem.title, m.ArchiveItem.document_id)
            .where(m.ArchiveItem.volume_id == vid).order_by(m.ArchiveItem.seq)).all()


# ---------------------------------------------------------------------------------------------- the rule


def _csv_requirements():
    from seeds.loader import read_csv

    return [Requirement(r["code"], r["stage"], int(r["seq"]), r["title"], r["kind"],
                        int(r["attachment_no"]) if r["attachment_no"] else None, r["record_type"] or None,
                        r["applies_if"] or None) for r in read_csv("archive_requirements.csv")]


def test_rule_names_each_missing_document():
    """An inspection with only talks and petitions on record, whose volume holds 附件4, 17 (one filed by hand under
    its requirement, one recognised by its document) and the 组内工作方案: everything else always required is named,
    and of the conditional ones only those its records call for."""
    items = [Collected(attachment_no=4), Collected(requirement_code="G18"), Collected(requirement_code="G03"),
             Collected(attachment_no=2)]  # a guidance document answers no requirement
    check = check_archive(_csv_requirements(), items, {"个别谈话", "信访"})
    assert check.messages == [
        "缺少：附件1 对巡察组动员部署会议程（一、启动巡察，文书）",
        "缺少：附件5 对巡察单位巡察工作动员会议程（三、实施巡察，文书）",
        "缺少：动员会签到表（三、实施巡察，业务）",
        "缺少：附件7 巡察公告（三、实施巡察，文书）",
        "缺少：附件11 受理问题线索登记表（三、实施巡察，业务）",
        "缺少：附件13 个别谈话提纲（三、实施巡察，业务）",
        "缺少：附件14 个别谈话记录表（三、实施巡察，业务）",
        "缺少：附件18 个别谈话情况报告（四、巡察报告，文书）",
        "缺少：附件19 巡察反馈意见（五、结果反馈，文书）",
        "缺少：附件20 巡察反馈工作方案（五、结果反馈，文书）",
        "缺少：附件22 巡察反馈签收单（五、结果反馈，文书）",
        "缺少：附件23 相关数据统计表（八、立卷归档，业务）",
    ]
    stage = {s.stage: s for s in check.stages}
    assert stage["二、了解准备"].present == ["组内工作方案（文书）", "附件4 巡察通知（文书）"]
    assert stage["二、了解准备"].not_applicable == ["附件3 情况准备记录表（业务）"]
    assert stage["四、巡察报告"].present == ["附件17 巡察情况报告（文书）"]
    assert not check.complete
    assert check_archive(_csv_requirements()[:1], [Collected(attachment_no=1)], ()).complete


# ---------------------------------------------------------------------------------------------- collect and check

LIBRARY_MISSING = []  # filled below from the golden list


def test_collect_creates_the_volume_and_is_idempotent(app, tokens, library):
    assert _volume(app, library) is None
    client = app.test_client()
    resp = client.post("/api/v1/archive_item/collect", json={"inspection": library}, headers=tokens("office"))
    assert resp.status_code == 200, resp.json
    vid = resp.json["result"]["volume"]
    first = _items(app, vid)
    assert resp.json["result"]["added"] == len(first) > 0
    assert [s for s, *_ in first] == list(range(1, len(first) + 1))
    kinds = [k for _, k, *_ in first]
    assert kinds == sorted(kinds, key=["文书", "业务"].index)  # 文书 first, then 业务
    again = client.post("/api/v1/archive_item/collect", json={"inspection": library}, headers=tokens("office"))
    assert again.status_code == 200 and again.json["result"]["added"] == 0
    assert _items(app, vid) == first
    # a draft is not filed; once 定稿 it is added and numbered in its stage: 附件17 (四) among the 文书 after 附件4 (二)
    resp = client.get(f"/api/v1/inspection/{library}/export/17", headers=tokens("office"))
    assert resp.status_code == 200
    draft = client.post("/api/v1/archive_item/collect", json={"inspection": library}, headers=tokens("office"))
    assert draft.json["result"]["added"] == 0
    _finalize(app, client, tokens("office"), f"inspection:{library}:17")
    third = client.post("/api/v1/archive_item/collect", json={"inspection": library}, headers=tokens("office"))
    assert third.json["result"]["added"] == 1
    from schema.enums import ARCHIVE_STAGES

    with app.app_context():
        rows = _db().session.execute(
            sa.select(m.ArchiveItem.seq, m.ArchiveItem.kind, m.ArchiveItem.title, m.ArchiveRequirement.stage,
                      m.ArchiveRequirement.seq).outerjoin(m.ArchiveRequirement)
            .where(m.ArchiveItem.volume_id == vid).order_by(m.ArchiveItem.seq)).all()
    assert len(rows) == len(first) + 1
    order = [(["文书", "业务"].index(kind), ARCHIVE_STAGES.index(stage) if stage else 99, rseq or 0)
             for _, kind, _, stage, rseq in rows]
    assert order == sorted(order)  # renumbered: 文书 then 业务, each in the procedure's stage order
    assert "附件17 巡察情况报告" in [t for _, _, t, _, _ in rows]


def test_check_names_each_missing_document(app, tokens, library, login):
    vid = _volume(app, library)
    resp = app.test_client().get(f"/api/v1/archive_volume/{vid}/check", headers=tokens("office"))
    assert resp.status_code == 200
    result = resp.json["result"]
    assert result["complete"] is False
    assert result["missing"] == [
        "缺少：附件1 对巡察组动员部署会议程（一、启动巡察，文书）",
        "缺少：附件3 情况准备记录表（二、了解准备，业务）",
        "缺少：附件4 巡察通知（二、了解准备，文书）",
        "缺少：附件5 对巡察单位巡察工作动员会议程（三、实施巡察，文书）",
        "缺少：附件7 巡察公告（三、实施巡察，文书）",
        "缺少：附件8 专题汇报记录表（三、实施巡察，业务）",
        "缺少：附件10 座谈会记录表（三、实施巡察，业务）",
        "缺少：附件11 受理问题线索登记表（三、实施巡察，业务）",
        "缺少：附件13 个别谈话提纲（三、实施巡察，业务）",
        "缺少：附件14 个别谈话记录表（三、实施巡察，业务）",
        "缺少：附件18 个别谈话情况报告（四、巡察报告，文书）",
        "缺少：附件19 巡察反馈意见（五、结果反馈，文书）",
        "缺少：附件20 巡察反馈工作方案（五、结果反馈，文书）",
        "缺少：附件22 巡察反馈签收单（五、结果反馈，文书）",
        "缺少：附件12 移送问题线索清单（六、成果运用，业务）",
        "缺少：附件23 相关数据统计表（八、立卷归档，业务）",
    ]
    LIBRARY_MISSING.extend(result["missing_codes"])
    stages = {s["stage"]: s for s in result["stages"]}
    assert "附件17 巡察情况报告（文书）" in stages["四、巡察报告"]["present"]
    page = login("office").get(f"/archivevolumeview/show/{vid}").get_data(as_text=True)
    assert "归档材料完整性检查" in page and "缺少：附件19 巡察反馈意见（五、结果反馈，文书）" in page
    assert "移交巡察办" in page and "收集归档材料" in page


def test_handover_refused_while_items_are_missing(app, tokens, library):
    vid = _volume(app, library)
    client = app.test_client()
    body = {"handed_by": "周敏", "received_by": "孙雅琴", "handed_over_on": "2026-07-21"}
    resp = client.post(f"/api/v1/archive_volume/{vid}/handover", json=body, headers=tokens("office"))
    assert resp.status_code == 422
    assert resp.json["message"].startswith("归档材料不全，不能移交：")
    assert "缺少：附件12 移送问题线索清单（六、成果运用，业务）" in resp.json["message"]
    assert resp.json["message"].count("缺少：") == 16
    # the team reads the volume but takes no handover; bad input is named
    assert client.post(f"/api/v1/archive_volume/{vid}/handover", json=body,
                       headers=tokens("zuzhang")).status_code in (403, 404)
    bad = client.post(f"/api/v1/archive_volume/{vid}/handover", json={**body, "handed_over_on": "明天"},
                      headers=tokens("office"))
    assert bad.status_code == 422 and "移交日期" in bad.json["message"]
    assert client.post(f"/api/v1/archive_volume/{vid}/handover", json={**body, "received_by": ""},
                       headers=tokens("office")).json["errors"] == {"received_by": ["请填写接收人（巡察办）"]}
    with app.app_context():
        assert _db().session.get(m.ArchiveVolume, vid).handed_over_on is None


def _fill_missing(app, tokens, library):
    """巡察办 generates every missing 附件 (附件12: the sent batch's list) and collects them."""
    client = app.test_client()
    with app.app_context():
        db = _db()
        from app.commands.documents import file_transfer_list

        for t in db.session.scalars(sa.select(m.Transfer).where(m.Transfer.inspection_id == library,
                                                                m.Transfer.transferred_on.is_not(None))):
            file_transfer_list(t, None)
        db.session.commit()
        numbers = [db.session.scalar(sa.select(m.ArchiveRequirement.attachment_no).where(
            m.ArchiveRequirement.code == code)) for code in LIBRARY_MISSING]
    for n in numbers:
        if n != 12:
            assert client.get(f"/api/v1/inspection/{library}/export/{n}", headers=tokens("office")).status_code == 200
            _finalize(app, client, tokens("office"), f"inspection:{library}:{n}")
    resp = client.post("/api/v1/archive_item/collect", json={"inspection": library}, headers=tokens("office"))
    assert resp.json["result"]["added"] == len(LIBRARY_MISSING)


def _finalize(app, client, headers, subject):
    """定稿 of the newest version of `subject` through the REST step."""
    with app.app_context():
        doc_id = _db().session.scalar(sa.select(m.Document.id).where(m.Document.subject == subject)
                                      .order_by(m.Document.version.desc()).limit(1))
    resp = client.post(f"/api/v1/document/{doc_id}/finalize", headers=headers)
    assert resp.status_code == 200, resp.json
    return doc_id


def _stored(app, vid, title):
    from app.storage import storage_path

    with app.app_context():
        doc = _db().session.scalar(sa.select(m.Document).join(m.ArchiveItem, m.ArchiveItem.document_id == m.Document.id)
                                   .where(m.ArchiveItem.volume_id == vid, m.ArchiveItem.title == title))
        return storage_path(doc.storage_name)


def test_handover_refused_when_a_file_is_missing_or_changed_then_accepted(app, tokens, library, login):
    _fill_missing(app, tokens, library)
    vid = _volume(app, library)
    client = app.test_client()
    check = client.get(f"/api/v1/archive_volume/{vid}/check", headers=tokens("office")).json["result"]
    assert check["complete"] is True and check["missing"] == []
    deadlines = client.get(f"/api/v1/inspection/{library}/deadlines", headers=tokens("office")).json["result"]
    assert {d["code"]: d["status"] for d in deadlines}["D12"] != "done"

    report, talk = _stored(app, vid, "附件17 巡察情况报告"), _stored(app, vid, "附件14 个别谈话记录表")
    original_report, original_talk = report.read_bytes(), talk.read_bytes()
    report.write_bytes(original_report + b"tampered")
    talk.unlink()
    body = {"handed_by": "周敏", "received_by": "孙雅琴", "handed_over_on": "2026-07-21"}
    resp = client.post(f"/api/v1/archive_volume/{vid}/handover", json=body, headers=tokens("office"))
    assert resp.status_code == 422
    message = resp.json["message"]
    assert message.startswith("以下归档材料的文件校验未通过，不能移交：")
    assert "附件17 巡察情况报告（文件已被改动，SHA-256 与登记值不符）" in message
    assert "附件14 个别谈话记录表（文件缺失）" in message
    assert message.count("（文件") == 2

    report.write_bytes(original_report)
    talk.write_bytes(original_talk)
    resp = client.post(f"/api/v1/archive_volume/{vid}/handover", json=body, headers=tokens("office"))
    assert resp.status_code == 200, resp.json
    with app.app_context():
        volume = _db().session.get(m.ArchiveVolume, vid)
        files = sum(1 for i in volume.items if i.document_id is not None)
        assert (volume.handed_over_on, volume.handed_by, volume.received_by) == (date(2026, 7, 21), "周敏", "孙雅琴")
        assert volume.verified_count == files == resp.json["result"]["verified_count"] == 17
        assert volume.verified_by == "office" and volume.verified_at is not None and volume.override_reason is None
    deadlines = client.get(f"/api/v1/inspection/{library}/deadlines", headers=tokens("office")).json["result"]
    d12 = {d["code"]: d for d in deadlines}["D12"]
    assert d12["status"] == "done" and d12["done_on"] == "2026-07-21"
    # the deadline screens: the inspection's page and 期限预警 after the scan
    from app.commands.deadlines import scan

    with app.app_context():
        scan(date.today())
        row = _db().session.execute(sa.select(m.Deadline.code, m.Deadline.status).where(
            m.Deadline.inspection_id == library, m.Deadline.code == "D12")).one()
        assert tuple(row) == ("D12", "done")
    admin = login("admin")
    show = admin.get(f"/inspectionview/show/{library}").get_data(as_text=True)
    assert "D12" in show and "档案移交巡察办" in show
    listing = admin.get("/deadlineview/list/?_flt_0_code=D12").get_data(as_text=True)
    assert "档案移交巡察办" in listing and "已完成" in listing


def test_read_only_after_handover(app, tokens, library, login):
    vid = _volume(app, library)
    client = app.test_client()
    office = tokens("office")
    item = _items(app, vid)[0]
    with app.app_context():
        item_id = _db().session.scalar(sa.select(m.ArchiveItem.id).where(m.ArchiveItem.volume_id == vid,
                                                                          m.ArchiveItem.seq == item.seq))
    locked = "已于2026-07-21移交巡察办，案卷及其归档材料不能再修改或删除"
    resp = client.put(f"/api/v1/archive_item/{item_id}", json={"title": "改过的题名"}, headers=office)
    assert resp.status_code == 422 and locked in resp.json["message"]
    resp = client.delete(f"/api/v1/archive_item/{item_id}", headers=office)
    assert resp.status_code == 422 and locked in resp.json["message"]
    resp = client.put(f"/api/v1/archive_volume/{vid}", json={"title": "改过的案卷"}, headers=office)
    assert resp.status_code == 422 and locked in resp.json["message"]
    assert client.delete(f"/api/v1/archive_volume/{vid}", headers=office).status_code == 422
    resp = client.post("/api/v1/archive_item/", json={"volume": vid, "seq": 99, "title": "补一件", "kind": "业务"},
                       headers=office)
    assert resp.status_code == 422 and locked in resp.json["message"]
    resp = client.post("/api/v1/archive_item/collect", json={"inspection": library}, headers=office)
    assert resp.status_code == 422 and locked in resp.json["message"]
    resp = client.post(f"/api/v1/archive_volume/{vid}/handover",
                       json={"handed_by": "周敏", "received_by": "孙雅琴"}, headers=office)
    assert resp.status_code == 409 and locked in resp.json["message"]
    screen = login("office")
    form = {"volume": str(vid), "title": "改过的题名", "kind": "业务", "seq": "1", "classification": "非密"}
    page = screen.post(f"/archiveitemview/edit/{item_id}", data=form, follow_redirects=True)
    assert page.status_code == 200 and locked in page.get_data(as_text=True)
    page = screen.post(f"/archiveitemview/delete/{item_id}", follow_redirects=True)
    assert locked in page.get_data(as_text=True)
    assert _items(app, vid)[0] == item
    show = screen.get(f"/archivevolumeview/show/{vid}").get_data(as_text=True)
    assert locked in show and "/archivevolumeflow/handover" not in show


def test_archive_list_24_lists_the_volume_items(app, tokens):
    """The demo 机械工程学院 volume (28 items, handed over by 陈静 to 孙雅琴): independent of the order above. The
    移交人 line is one merged cell under the table, running across it, after the last item (not left at the
    template's row)."""
    mech = _insp(app, "机械工程学院")
    vid = _volume(app, mech)
    resp = app.test_client().get(f"/api/v1/inspection/{mech}/export/24", headers=tokens("office"))
    assert resp.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(resp.data)).active
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c not in (None, "")]
    items = _items(app, vid)
    assert len(items) > 20 and all(title in cells for _, _, title, _ in items)
    rows = [r for r in sheet.iter_rows(values_only=True) if r and r[1] in {t for _, _, t, _ in items}]
    assert [(r[0], r[1]) for r in rows] == [(s, t) for s, _, t, _ in items]
    signed = [c for row in sheet.iter_rows() for c in row if isinstance(c.value, str) and "移交人" in c.value]
    assert len(signed) == 1
    line = signed[0]
    assert "移交人：陈静" in line.value and "接收人：孙雅琴" in line.value and "2026-05-28" in line.value
    last_item = max(c.row for row in sheet.iter_rows() for c in row if c.value == items[-1][2])
    merged = next(r for r in sheet.merged_cells.ranges if line.coordinate in r)
    assert line.row > last_item and (merged.min_col, merged.max_col) == (1, sheet.max_column)


def test_destruction_removes_the_file_and_keeps_the_trace(app, tokens, library):
    from app.storage import storage_path

    vid = _volume(app, library)
    client = app.test_client()
    # a file formed after the handover (a guidance copy) is not archived: it may be destroyed
    assert client.get(f"/api/v1/inspection/{library}/export/2", headers=tokens("office")).status_code == 200
    with app.app_context():
        db = _db()
        doc = db.session.scalars(sa.select(m.Document).where(m.Document.inspection_id == library,
                                                             m.Document.attachment_no == 2)).one()
        doc_id, sha, path = doc.id, doc.sha256, storage_path(doc.storage_name)
        archived = db.session.scalar(sa.select(m.ArchiveItem.document_id).where(
            m.ArchiveItem.volume_id == vid, m.ArchiveItem.document_id.is_not(None)).limit(1))
    assert path.is_file()
    body = {"volume": vid, "document": doc_id, "method": "删除电子版", "destroyed_by": "周敏", "witness": "孙雅琴",
            "destroyed_on": "2026-07-21"}
    assert client.post("/api/v1/destruction_record/destroy", json=body,
                       headers=tokens("zuzhang")).status_code in (403, 404)
    refused = client.post("/api/v1/destruction_record/destroy", json={**body, "document": archived},
                          headers=tokens("office"))
    assert refused.status_code == 422 and "已归档" in refused.json["message"]
    same = client.post("/api/v1/destruction_record/destroy", json={**body, "witness": "周敏"}, headers=tokens("office"))
    assert same.status_code == 422 and same.json["errors"] == {"witness": ["监销人不能与销毁人为同一人"]}
    assert path.is_file()
    resp = client.post("/api/v1/destruction_record/destroy", json=body, headers=tokens("office"))
    assert resp.status_code == 201, resp.json
    assert not path.exists()
    with app.app_context():
        db = _db()
        record = db.session.get(m.DestructionRecord, resp.json["id"])
        assert (record.material_title, record.method, record.destroyed_by, record.witness, record.destroyed_on,
                record.document_id, record.document_sha256) == (
            "附件2 主要巡察内容", "删除电子版", "周敏", "孙雅琴", date(2026, 7, 21), doc_id, sha)
        assert db.session.get(m.Document, doc_id).sha256 == sha  # the row stays: name and checksum are the trace
        history = db.session.scalars(sa.select(m.ChangeLog).where(m.ChangeLog.entity == "destruction_record",
                                                                  m.ChangeLog.entity_id == record.id)).all()
        assert history and history[0].changes["document_sha256"][1] == sha
    again = client.post("/api/v1/destruction_record/destroy", json=body, headers=tokens("office"))
    assert again.status_code == 422 and "已销毁" in again.json["message"]
    assert client.get(f"/api/v1/document/{doc_id}/file", headers=tokens("office")).status_code == 404


def test_team_leader_collects_for_own_team_only(app, tokens, library):
    client = app.test_client()
    materials = _insp(app, MATERIALS)
    assert client.post("/api/v1/archive_item/collect", json={"inspection": library},
                       headers=tokens("zuzhang")).status_code == 404  # 图书馆 is the second team's
    assert client.post("/api/v1/archive_item/collect", json={"inspection": materials},
                       headers=tokens("zuyuan")).status_code == 403  # a member reads the volume only
    resp = client.post("/api/v1/archive_item/collect", json={"inspection": materials}, headers=tokens("zuzhang"))
    assert resp.status_code == 200 and resp.json["result"]["added"] > 0
    vid = resp.json["result"]["volume"]
    assert client.get(f"/api/v1/archive_volume/{vid}/check", headers=tokens("zuyuan")).status_code == 200
    assert client.get(f"/api/v1/archive_volume/{_volume(app, library)}/check",
                      headers=tokens("zuzhang")).status_code == 404
    assert client.post("/api/v1/archive_item/collect", json={"inspection": "x"},
                       headers=tokens("office")).json["errors"] == {"inspection": ["巡察须为记录编号（正整数）"]}


def test_demo_mechanical_volume_is_complete_and_verified(app, tokens):
    mech = _insp(app, "机械工程学院")
    vid = _volume(app, mech)
    result = app.test_client().get(f"/api/v1/archive_volume/{vid}/check", headers=tokens("leader")).json["result"]
    assert result["complete"] is True and result["handed_over_on"] == "2026-05-28"
    with app.app_context():
        volume = _db().session.get(m.ArchiveVolume, vid)
        assert volume.verified_count == sum(1 for i in volume.items if i.document_id) == 23
    with app.app_context():  # 党委学生工作部, in the field in 2026: its volume begun
        student = _db().session.scalar(
            sa.select(m.ArchiveVolume.id).where(m.ArchiveVolume.volume_no == "XC-2026-02-01"))
    other = app.test_client().get(f"/api/v1/archive_volume/{student}/check",
                                  headers=tokens("office")).json["result"]
    assert other["complete"] is False and "缺少：附件17 巡察情况报告（四、巡察报告，文书）" in other["missing"]


def _signed_in(app, username):
    from seeds.demo import DEMO_PASSWORD

    client = app.test_client()
    assert client.post("/login/", data={"username": username, "password": DEMO_PASSWORD}).status_code == 302
    return client


def test_screens_collect_and_hand_over_with_a_reason(app, library):
    """On the screens: the team leader collects 材料's volume; 巡察办 opens the handover (the missing items listed),
    is refused without a reason and accepted with one; a paper material is recorded as destroyed."""
    materials = _insp(app, MATERIALS)
    leader = _signed_in(app, "zuzhang")
    panel = leader.get(f"/inspectionview/show/{materials}").get_data(as_text=True)
    assert "立卷归档" in panel and f"/archiveflow/collect?inspection={materials}" in panel  # the step starts here
    page = leader.get(f"/archiveflow/collect?inspection={materials}")
    assert page.status_code == 200 and "收集归档材料" in page.get_data(as_text=True)
    resp = leader.post("/archiveflow/collect", data={"inspection": str(materials)})
    assert resp.status_code == 302
    vid = _volume(app, materials)
    assert leader.get(f"/archivevolumeflow/handover/{vid}").status_code == 403
    office = _signed_in(app, "office")
    panel = office.get(f"/inspectionview/show/{materials}").get_data(as_text=True)
    assert f"/archivevolumeview/show/{vid}" in panel and "尚缺" in panel
    assert "缺少：附件19 巡察反馈意见（五、结果反馈，文书）" in panel
    form = office.get(f"/archivevolumeflow/handover/{vid}").get_data(as_text=True)
    assert "尚不能办理" in form and "缺少：附件19 巡察反馈意见（五、结果反馈，文书）" in form
    data = {"handed_over_on": "2026-07-22", "handed_by": "陈静", "received_by": "孙雅琴", "reason": ""}
    refused = office.post(f"/archivevolumeflow/handover/{vid}", data=data, follow_redirects=True)
    assert "归档材料不全，不能移交：缺少：" in refused.get_data(as_text=True)
    reason = "纸质材料已清点，电子文书另行补录"
    done = office.post(f"/archivevolumeflow/handover/{vid}", data={**data, "reason": reason}, follow_redirects=True)
    assert "已移交巡察办" in done.get_data(as_text=True)
    panel = office.get(f"/inspectionview/show/{materials}").get_data(as_text=True)
    assert "已于 2026-07-22 移交巡察办" in panel and f"/archiveflow/collect?inspection={materials}" not in panel
    with app.app_context():
        volume = _db().session.get(m.ArchiveVolume, vid)
        assert (volume.handed_over_on, volume.override_reason) == (date(2026, 7, 22), reason)
    paper = {"document": "", "material_title": "座谈会手写记录复印件", "method": "粉碎", "destroyed_by": "陈静",
             "witness": "孙雅琴", "destroyed_on": "2026-07-22"}
    assert leader.post(f"/destructionflow/destroy/{vid}", data=paper).status_code == 403
    resp = office.post(f"/destructionflow/destroy/{vid}", data=paper, follow_redirects=True)
    assert "已登记销毁" in resp.get_data(as_text=True)
    with app.app_context():
        assert _db().session.scalar(sa.select(m.DestructionRecord.method).where(
            m.DestructionRecord.material_title == "座谈会手写记录复印件")) == "粉碎"
