"""七、督查督办: a 回头看 round opens with each unit's previous rectification items (their evidence, a check per item),
and it is the first panel of the inspection page (七（二））; a 反弹 check moves the previous item through the transition
table (an event row) and opens a new ledger row; 督办 records name who, when and items of their own inspection only.
Runs on its own database."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

import schema as m
from seeds.demo import DEMO_PASSWORD
from tests.conftest import demo_world, rows as q, scalar as one


@pytest.fixture(scope="module")
def world(databases, tmp_path_factory):
    yield from demo_world(databases, tmp_path_factory, "supervision")


def student_affairs(app, year):
    return one(app, sa.select(m.Inspection.id).join(m.Unit).join(m.Round)
               .where(m.Unit.name == "党委学生工作部", m.Round.year == year))


def screen(app, user):
    client = app.test_client()
    assert client.post("/login/", data={"username": user, "password": DEMO_PASSWORD}).status_code == 302
    return client


def test_a_回头看_round_lists_the_previous_items(world):
    """Done-when of issue 7: the 2026 回头看 of 学工部 opens with its 2025 ledger, evidence and checks."""
    app, client, h = world
    new, old = student_affairs(app, 2026), student_affairs(app, 2025)
    rnd = one(app, sa.select(m.Inspection.round_id).where(m.Inspection.id == new))
    assert one(app, sa.select(m.Round.kind).where(m.Round.id == rnd)) == "回头看"
    previous = q(app, sa.select(m.RectificationItem.id, m.RectificationItem.task)
                 .where(m.RectificationItem.inspection_id == old).order_by(m.RectificationItem.seq))
    assert [t for _, t in previous] == ["规范资助认定公示", "规范学生党支部组织生活"]
    answer = client.get(f"/api/v1/rebound_check/previous/{new}", headers=h("zuzhang")).json["result"]
    assert answer["previous_inspection"] == {"id": old, "round": "2025年第二轮巡察", "unit": "党委学生工作部"}
    assert [(i["task"], i["status"], len(i["evidence"]), i["check"]["result"]) for i in answer["items"]] == [
        ("规范资助认定公示", "反弹", 1, "反弹"), ("规范学生党支部组织生活", "已销号", 1, "已巩固")]
    # the round's page lists each of its inspections with the unit's previous items
    page = screen(app, "zuzhang")
    html = page.get(f"/rebound/round/{rnd}").get_data(as_text=True)
    assert "规范资助认定公示" in html and "规范学生党支部组织生活" in html and "后勤集团" in html
    # on the inspection page the previous rectification is the first panel the team sees, with the checks
    html = page.get(f"/inspectionview/show/{new}").get_data(as_text=True)
    first = html.index("上一轮巡察整改落实情况")
    assert first < html.index("整改台账（") and first < html.index("生成文书（24 个附件）")
    assert "走访学生资助管理中心：2026年资助认定公示期仍不足5个工作日" in html
    # another team's inspection of another unit: none of it
    other = one(app, sa.select(m.Inspection.id).join(m.Unit).where(m.Unit.name == "图书馆"))
    assert client.get(f"/api/v1/rebound_check/previous/{other}", headers=h("zuzhang")).status_code == 404


def test_a_反弹_check_moves_the_previous_item_and_opens_a_new_row(world):
    app, client, h = world
    from app.extensions import db

    new, old = student_affairs(app, 2026), student_affairs(app, 2025)
    with app.app_context():  # a third closed item of the 2025 ledger
        item = m.RectificationItem(inspection_id=old, seq=3, problem="资助资金发放审核不严", task="建立学籍比对机制",
                                   status="已销号", completed_on=date(2026, 2, 1), reviewed_on=date(2026, 2, 5))
        db.session.add(item)
        db.session.commit()
        item_id = item.id

    def check(user, **body):
        return client.post(f"/api/v1/rebound_check/check/{new}", headers=h(user), json={"previous_item": item_id, **body})

    assert check("liaison", result="反弹", note="x").status_code == 403  # UnitLiaison reads, never checks
    no_note = check("zuzhang", result="反弹")
    assert no_note.status_code == 422 and no_note.json["errors"].keys() == {"note"}
    assert check("zuzhang", result="未知").json["errors"].keys() == {"result"}
    made = check("zuzhang", result="反弹", note="2026年仍有资助资金发放给已毕业学生", open_new_row=True)
    assert made.status_code == 201, made.json
    assert made.json["result"]["previous_status"] == "反弹"
    assert one(app, sa.select(m.RectificationItem.status).where(m.RectificationItem.id == item_id)) == "反弹"
    events = q(app, sa.select(m.StatusEvent.from_value, m.StatusEvent.to_value, m.StatusEvent.actor, m.StatusEvent.note)
               .where(m.StatusEvent.entity == "rectification_item", m.StatusEvent.entity_id == item_id))
    assert [tuple(e) for e in events] == [("已销号", "反弹", "zuzhang", "2026年仍有资助资金发放给已毕业学生")]
    row = q(app, sa.select(m.RectificationItem.inspection_id, m.RectificationItem.previous_item_id,
                           m.RectificationItem.status, m.RectificationItem.task)
            .where(m.RectificationItem.id == made.json["result"]["new_item"]))
    assert [tuple(r) for r in row] == [(new, item_id, "未启动", "建立学籍比对机制")]
    again = check("zuzhang", result="已巩固")
    assert again.status_code == 422 and "已检查过" in again.json["message"]
    # an item of another unit's ledger is not this inspection's to check
    foreign = one(app, sa.select(m.RectificationItem.id).join(m.Inspection).join(m.Unit)
                  .where(m.Unit.name == "机械工程学院"))
    wrong = client.post(f"/api/v1/rebound_check/check/{new}", headers=h("zuzhang"),
                        json={"previous_item": foreign, "result": "已巩固"})
    assert wrong.status_code == 422 and wrong.json["errors"].keys() == {"previous_item"}
    # the screen step: a form, then the check; the list screen shows it
    page = screen(app, "zuzhang")
    form = page.get(f"/rebound/check/{new}/{item_id}").get_data(as_text=True)
    assert "检查结果" in form and "已巩固" in form
    assert "建立学籍比对机制" in page.get("/reboundcheckview/list/").get_data(as_text=True)
    listed = client.get("/api/v1/rebound_check/?q=(page_size:100)", headers=h("liaison"))
    assert listed.status_code == 200  # 潘悦 is not the demo liaison: 谢婷's unit has no 回头看 checks
    assert listed.json["ids"] == []


def test_supervision_records_who_when_and_items_of_their_own_inspection(world):
    app, client, h = world
    insp = one(app, sa.select(m.Inspection.id).join(m.Unit).where(m.Unit.name == "机械工程学院"))
    own = one(app, sa.select(m.RectificationItem.id).where(m.RectificationItem.inspection_id == insp))
    foreign = one(app, sa.select(m.RectificationItem.id).where(m.RectificationItem.inspection_id != insp))
    body = {"inspection": insp, "kind": "督办", "held_on": "2026-11-30", "supervisor": "巡察办",
            "content": "督办实验室安全整改", "result": "限期12月底前完成"}
    wrong = client.post("/api/v1/supervision/", headers=h("office"), json={**body, "items": [foreign]})
    assert wrong.status_code == 422 and wrong.json["errors"].keys() == {"items"}
    nobody = client.post("/api/v1/supervision/", headers=h("office"), json={**body, "supervisor": " "})
    assert nobody.status_code == 422 and nobody.json["errors"].keys() == {"supervisor"}
    made = client.post("/api/v1/supervision/", headers=h("dangban"), json={**body, "items": [own]})
    assert made.status_code == 201, made.json
    shown = client.get(f"/api/v1/supervision/{made.json['id']}", headers=h("dangban")).json["result"]
    assert shown["items"] == [{"id": own}] and shown["supervisor"] == "巡察办"
