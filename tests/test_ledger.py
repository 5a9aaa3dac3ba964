"""六（一） 整改台账: moves through the transition table, 销号 only with evidence and 巡察办's review, the unit's Excel
round trip (one bad row saves nothing and is named by row and column), the liaison's scope, and 七（二）'s previous
round shown first. Runs on its own database."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
import sqlalchemy as sa

import schema as m
from seeds.demo import DEMO_PASSWORD
from tests.conftest import demo_world, scalar


@pytest.fixture(scope="module")
def world(databases, tmp_path_factory):
    yield from demo_world(databases, tmp_path_factory, "ledger")


def inspection_of(app, unit):
    return scalar(app, sa.select(m.Inspection.id).join(m.Unit).join(m.Round)
                  .where(m.Unit.name == unit, m.Round.year == 2026))


def test_an_item_reaches_已销号_only_with_evidence_and_a_review(world):
    app, client, h = world
    insp = inspection_of(app, "材料科学与工程学院")  # 谢婷 (liaison) is its unit's liaison
    made = client.post("/api/v1/rectification_item/", headers=h("liaison"), json={
        "inspection": insp, "task": "完善科研经费报销审核制度", "due_date": "2026-12-31", "status": "未启动"})
    assert made.status_code == 201, made.get_json()
    iid = made.json["id"]

    def move(user, to, note=None):
        return client.post(f"/api/v1/rectification_item/{iid}/move", json={"to": to, "note": note}, headers=h(user))

    assert move("liaison", "已销号").status_code == 422  # no such move from 未启动
    assert move("liaison", "整改中").status_code == 200
    refused = move("liaison", "待审核")
    assert refused.status_code == 422 and refused.json["errors"].keys() == {"evidence"}
    up = client.post(f"/api/v1/rectification_item/{iid}/evidence", headers=h("liaison"),
                     content_type="multipart/form-data", data={"file": (io.BytesIO(b"%PDF-1.4"), "制度文件.pdf")})
    assert up.status_code == 201 and len(up.json["result"]["sha256"]) == 64
    assert move("liaison", "待审核").status_code == 200
    # the unit cannot close its own item: 审核销号 is 巡察办's row
    own = move("liaison", "已销号")
    assert own.status_code == 422 and "审核销号" in own.json["message"]
    back = move("office", "退回")
    assert back.status_code == 422 and back.json["errors"].keys() == {"note"}
    assert move("office", "退回", "佐证不足").status_code == 200
    assert move("liaison", "整改中").status_code == 200 and move("liaison", "待审核").status_code == 200
    done = move("office", "已销号")
    assert done.status_code == 200 and done.json["result"] == {"status": "已销号", "reviewed_on": date.today().isoformat()}
    from app.extensions import db

    with app.app_context():
        item = db.session.get(m.RectificationItem, iid)
        assert item.reviewed_by.username == "office"
        moves = db.session.scalars(sa.select(m.StatusEvent.to_value).where(
            m.StatusEvent.entity == "rectification_item", m.StatusEvent.entity_id == iid)
            .order_by(m.StatusEvent.id)).all()
    assert moves == ["整改中", "待审核", "退回", "整改中", "待审核", "已销号"]
    # a plain write cannot skip the steps either
    assert client.put(f"/api/v1/rectification_item/{iid}", json={"status": "整改中"},
                      headers=h("office")).status_code == 422
    assert client.post("/api/v1/rectification_item/", headers=h("office"), json={
        "inspection": insp, "task": "直接销号", "status": "已销号"}).status_code == 422


def test_a_liaison_sees_only_their_units_ledger(world):
    app, client, h = world
    mine, other = inspection_of(app, "材料科学与工程学院"), inspection_of(app, "机械工程学院")
    assert client.get(f"/api/v1/rectification_item/ledger/{mine}", headers=h("liaison")).status_code == 200
    assert client.get(f"/api/v1/rectification_item/ledger/{other}", headers=h("liaison")).status_code == 404
    ids = client.get("/api/v1/rectification_item/?q=(page_size:100)", headers=h("liaison")).json["ids"]
    expected = scalar(app, sa.select(sa.func.count()).select_from(m.RectificationItem)
                      .where(m.RectificationItem.inspection_id == mine))
    assert len(ids) == expected
    other_item = scalar(app, sa.select(m.RectificationItem.id).where(m.RectificationItem.inspection_id == other))
    assert client.get(f"/api/v1/rectification_item/{other_item}", headers=h("liaison")).status_code == 404
    assert client.post(f"/api/v1/rectification_item/{other_item}/move", json={"to": "整改中"},
                       headers=h("liaison")).status_code == 404


def _sheet(client, h, insp) -> openpyxl.Workbook:
    resp = client.get(f"/api/v1/rectification_item/ledger/{insp}", headers=h("liaison"))
    assert "filename*=UTF-8''" in resp.headers["Content-Disposition"]
    return openpyxl.load_workbook(io.BytesIO(resp.data))


def _upload(client, h, insp, book, confirm=False):
    out = io.BytesIO()
    book.save(out)
    data = {"file": (io.BytesIO(out.getvalue()), "台账.xlsx")}
    if confirm:
        data["confirm"] = "1"
    return client.post(f"/api/v1/rectification_item/ledger/{insp}", headers=h("liaison"),
                       content_type="multipart/form-data", data=data)


def test_the_ledger_round_trip_saves_all_or_nothing(world):
    app, client, h = world
    insp = inspection_of(app, "材料科学与工程学院")
    book = _sheet(client, h, insp)
    ws = book.active
    header = [c.value for c in ws[1]]
    col = {name: header.index(name) + 1 for name in header}
    assert ws.freeze_panes == "A2"
    first_id = ws.cell(2, col["编号"]).value
    before = scalar(app, sa.select(m.RectificationItem.progress).where(m.RectificationItem.id == first_id))
    ws.cell(2, col["整改进展"]).value = "已完成制度修订，进入执行阶段"
    ws.cell(3, col["完成时限"]).value = "2026-02-30"  # the bad row
    new = ws.max_row + 1
    ws.cell(new, col["任务清单（整改任务）"]).value = "开展科研经费专项检查"
    ws.cell(new, col["整改阶段"]).value = "限期整改"

    preview = _upload(client, h, insp, book)
    assert preview.status_code == 200
    assert preview.json["result"]["ok"] is False
    assert preview.json["result"]["errors"] == ["第 3 行「完成时限」：「2026-02-30」不是有效的日期（格式：YYYY-MM-DD）"]
    refused = _upload(client, h, insp, book, confirm=True)
    assert refused.status_code == 422 and "第 3 行「完成时限」" in refused.json["message"]
    assert scalar(app, sa.select(m.RectificationItem.progress).where(m.RectificationItem.id == first_id)) == before
    count = scalar(app, sa.select(sa.func.count()).select_from(m.RectificationItem)
                   .where(m.RectificationItem.inspection_id == insp))

    ws.cell(3, col["完成时限"]).value = "2026-12-31"
    ws.cell(new, col["责任清单（责任人）"]).value = "不存在的人"
    assert _upload(client, h, insp, book).json["result"]["errors"] == [
        f"第 {new} 行「责任清单（责任人）」：找不到人员「不存在的人」（须为本单位人员，请先在“人员”中登记）"]
    ws.cell(new, col["责任清单（责任人）"]).value = None
    ok = _upload(client, h, insp, book)
    assert ok.json["result"]["ok"] is True
    actions = [(c["line"], c["action"]) for c in ok.json["result"]["changes"]]
    assert (2, "修改") in actions and (new, "新增") in actions
    saved = _upload(client, h, insp, book, confirm=True)
    assert saved.status_code == 200, saved.get_json()
    assert saved.json["result"]["added"] == 1 and saved.json["result"]["changed"] >= 2
    assert scalar(app, sa.select(m.RectificationItem.progress).where(
        m.RectificationItem.id == first_id)) == "已完成制度修订，进入执行阶段"
    assert scalar(app, sa.select(sa.func.count()).select_from(m.RectificationItem)
                  .where(m.RectificationItem.inspection_id == insp)) == count + 1


def test_the_screen_upload_previews_then_confirms(world):
    app, _, h = world
    client = app.test_client()
    assert client.post("/login/", data={"username": "liaison", "password": DEMO_PASSWORD}).status_code == 302
    insp = inspection_of(app, "材料科学与工程学院")
    book = openpyxl.load_workbook(io.BytesIO(client.get(f"/ledger/download/{insp}").data))
    ws = book.active
    header = [c.value for c in ws[1]]
    ws.cell(2, header.index("整改措施") + 1).value = "每月召开一次整改推进会"
    out = io.BytesIO()
    book.save(out)
    page = client.post(f"/ledger/upload/{insp}", data={"file": (io.BytesIO(out.getvalue()), "台账.xlsx")},
                       content_type="multipart/form-data").get_data(as_text=True)
    assert "检查通过，尚未保存" in page and "每月召开一次整改推进会" in page
    item = scalar(app, sa.select(m.RectificationItem.id).where(m.RectificationItem.inspection_id == insp)
                  .order_by(m.RectificationItem.seq, m.RectificationItem.id))
    assert scalar(app, sa.select(m.RectificationItem.measures).where(m.RectificationItem.id == item)) != \
        "每月召开一次整改推进会"
    digest = page.split('name="confirm" value="', 1)[1].split('"', 1)[0]
    done = client.post(f"/ledger/upload/{insp}", data={"confirm": digest}, follow_redirects=True)
    assert "整改台账已保存" in done.get_data(as_text=True)
    assert scalar(app, sa.select(m.RectificationItem.measures).where(m.RectificationItem.id == item)) == \
        "每月召开一次整改推进会"
    assert client.get(f"/ledger/download/{inspection_of(app, '机械工程学院')}").status_code == 404


def test_a_回头看_inspection_opens_with_the_previous_rectification(world):
    app, _, _ = world
    client = app.test_client()
    assert client.post("/login/", data={"username": "zuzhang", "password": DEMO_PASSWORD}).status_code == 302
    page = client.get(f"/inspectionview/show/{inspection_of(app, '党委学生工作部')}").get_data(as_text=True)
    assert "上一轮巡察整改落实情况" in page and "2025年第二轮巡察" in page
    assert "规范资助认定公示" in page and "规范学生党支部组织生活" in page
    assert page.index("上一轮巡察整改落实情况") < page.index("被巡察单位联络人") < page.index("<strong>期限</strong>")
