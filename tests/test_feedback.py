"""五、结果反馈 and 六（一）: feedback items from the report's findings (and the ledger from them), the sessions' order
and attendance rule, the 签收单 needing all three signers before the feedback counts as delivered (D7–D9), the news
release never published unapproved (screen and REST), the notice draft listing unpublishable items apart, and the
liaison's scope. Runs on its own database."""

from __future__ import annotations

import io
from datetime import date

import docx
import pytest
import sqlalchemy as sa

import schema as m
from schema.feedback import feedback_item_recommendation
from app.rules.feedback import Session, delivered_on, news_problem, session_problems, signature_problems
from seeds.demo import DEMO_PASSWORD
from tests.conftest import demo_world, rows as q, scalar as one


@pytest.fixture(scope="module")
def world(databases, tmp_path_factory):
    yield from demo_world(databases, tmp_path_factory, "feedback")


def inspection_of(app, unit, year=2026):
    return one(app, sa.select(m.Inspection.id).join(m.Unit).join(m.Round)
               .where(m.Unit.name == unit, m.Round.year == year))


def reopen(app, insp):
    """Undo the demo's archive handover of `insp` (test setup, straight in the database)."""
    from app.extensions import db

    with app.app_context():
        db.session.execute(sa.update(m.ArchiveVolume).where(m.ArchiveVolume.inspection_id == insp)
                           .values(handed_over_on=None))
        db.session.commit()


def screen(app, user):
    client = app.test_client()
    assert client.post("/login/", data={"username": user, "password": DEMO_PASSWORD}).status_code == 302
    return client


# ---------------------------------------------------------------------------------------------- pure rules


def test_session_order_and_attendance_rule():
    full = {"巡察组组长", "巡察办负责同志", "党组织主要负责人", "行政主要负责人", "领导班子成员"}
    ok = [Session("个别反馈", date(2026, 4, 29), full), Session("班子反馈", date(2026, 4, 29), full, "巡察办负责同志"),
          Session("大会反馈", date(2026, 4, 30), full, "党组织主要负责人")]
    assert session_problems(ok) == []
    early = [ok[0], ok[1], Session("大会反馈", date(2026, 4, 28), full, "党组织主要负责人")]
    assert session_problems(early) == [
        "大会反馈（2026-04-28）早于个别反馈（2026-04-29）：应依次进行个别反馈、班子反馈、大会反馈（五（三））",
        "大会反馈（2026-04-28）早于班子反馈（2026-04-29）：应依次进行个别反馈、班子反馈、大会反馈（五（三））"]
    assert session_problems([ok[2]])[:2] == ["大会反馈须在个别反馈之后进行，尚未记录个别反馈（五（三）分层反馈的顺序）",
                                             "大会反馈须在班子反馈之后进行，尚未记录班子反馈（五（三）分层反馈的顺序）"]
    alone = session_problems([Session("个别反馈", date(2026, 4, 29), {"巡察组组长"})])
    assert alone == ["个别反馈缺少参加人员：巡察办负责同志、党组织主要负责人、行政主要负责人——五（三）1 “由巡察办负责同志陪同，"
                     "巡察组组长向被巡察单位党组织、行政主要负责人进行个别反馈”"]
    wrong_host = session_problems([ok[0], Session("班子反馈", date(2026, 4, 29), full, "巡察组组长")])
    assert len(wrong_host) == 1 and wrong_host[0].startswith("班子反馈应由巡察办负责同志主持（现为巡察组组长）")


def test_signatures_and_news_rules():
    two = {"巡察组组长": (1, date(2026, 4, 29)), "被巡察党组织主要负责人": (2, date(2026, 4, 29))}
    assert signature_problems(two) == ["《巡察反馈签收单》缺少巡察办负责人签字"]
    assert delivered_on(two) is None
    assert delivered_on({**two, "巡察办负责人": (3, date(2026, 4, 30))}) == date(2026, 4, 30)
    assert news_problem("反馈", None, None, None) is None  # a draft
    assert news_problem("反馈", date(2026, 5, 1), None, date(2026, 5, 2))[1].startswith("新闻稿尚未经巡察办审定，不能发布")
    assert news_problem("动员", date(2026, 5, 1), None, date(2026, 5, 2)) is None  # 三（二）7: the 组长 only
    assert news_problem("反馈", date(2026, 5, 1), date(2026, 5, 3), date(2026, 5, 2))[1].startswith(
        "发布日期不能早于巡察办审定日期（2026-05-03）")


# ---------------------------------------------------------------------------------------------- 反馈事项, 台账


def test_items_are_generated_from_the_findings_and_start_the_ledger(world):
    app, client, h = world
    insp = inspection_of(app, "机械工程学院")
    reopen(app, insp)  # the demo hands its archive over; new findings need it open (issue 13, item 4)
    fb_id = one(app, sa.select(m.Feedback.id).where(m.Feedback.inspection_id == insp))
    findings = one(app, sa.select(sa.func.count()).select_from(m.Finding).where(m.Finding.inspection_id == insp))
    items = q(app, sa.select(m.FeedbackItem.finding_id).where(m.FeedbackItem.inspection_id == insp))
    assert len(items) == findings == 6  # the demo generated one per finding
    new = client.post("/api/v1/finding/", headers=h("zuzhang"), json={
        "inspection": insp, "aspect": "党的建设", "seq": 7, "summary": "二级党组织换届不及时"})
    assert new.status_code == 201, new.json
    rec = client.post("/api/v1/recommendation/", headers=h("zuzhang"), json={
        "inspection": insp, "seq": 5, "text": "按期完成基层党组织换届。", "findings": [new.json["id"]]})
    assert rec.status_code == 201, rec.json
    # the screen step (巡察组) and the REST step answer the same: only the new finding gets an item
    page = screen(app, "zuzhang")
    assert "从巡察报告生成反馈事项" in page.get(f"/feedbackview/show/{fb_id}").get_data(as_text=True)
    assert page.post(f"/feedbackflow/generate/{fb_id}").status_code == 302
    assert client.post(f"/api/v1/feedback_item/generate/{fb_id}", headers=h("zuzhang")).json["result"] == {"added": 0}
    item = q(app, sa.select(m.FeedbackItem.id, m.FeedbackItem.problem, m.FeedbackItem.requirement)
             .where(m.FeedbackItem.finding_id == new.json["id"]))
    assert [tuple(r)[1:] for r in item] == [("【党的建设】二级党组织换届不及时", "按期完成基层党组织换届。")]
    linked = q(app, sa.select(feedback_item_recommendation.c.recommendation_id).where(
        feedback_item_recommendation.c.feedback_item_id == item[0][0]))
    assert [r[0] for r in linked] == [rec.json["id"]]
    # editable after: the item is a record of its own
    edited = client.put(f"/api/v1/feedback_item/{item[0][0]}", headers=h("zuzhang"),
                        json={"requirement": "2026年12月底前完成换届。"})
    assert edited.status_code == 200, edited.json
    # the ledger from the items: findings that have a row already add nothing; the others one row each, finding kept
    before = one(app, sa.select(sa.func.count()).select_from(m.RectificationItem)
                 .where(m.RectificationItem.inspection_id == insp))
    covered = {r[0] for r in q(app, sa.select(m.RectificationItem.finding_id)
                                .where(m.RectificationItem.inspection_id == insp))}
    uncovered = {r[0] for r in q(app, sa.select(m.FeedbackItem.finding_id)
                                  .where(m.FeedbackItem.inspection_id == insp))} - covered
    assert new.json["id"] in uncovered and 0 < len(uncovered) < 7
    made = client.post(f"/api/v1/rectification/steps/{insp}/ledger", headers=h("office"), json={})
    assert made.status_code == 200 and made.json["result"] == {"added": len(uncovered)}, made.json
    again = client.post(f"/api/v1/rectification/steps/{insp}/ledger", headers=h("office"), json={})
    assert again.json["result"] == {"added": 0}
    rows = q(app, sa.select(m.RectificationItem.problem, m.RectificationItem.task, m.RectificationItem.status)
             .where(m.RectificationItem.finding_id == new.json["id"]))
    assert [tuple(r) for r in rows] == [("【党的建设】二级党组织换届不及时", "2026年12月底前完成换届。", "未启动")]
    assert one(app, sa.select(sa.func.count()).select_from(m.RectificationItem)
               .where(m.RectificationItem.inspection_id == insp)) == before + len(uncovered)
    assert {r[0] for r in q(app, sa.select(m.RectificationItem.finding_id)
                            .where(m.RectificationItem.inspection_id == insp))} >= uncovered


def test_demo_sessions_follow_the_procedure(world):
    app, client, h = world
    fb_id = one(app, sa.select(m.Feedback.id).where(m.Feedback.inspection_id == inspection_of(app, "机械工程学院")))
    check = client.get(f"/api/v1/feedback/{fb_id}/check", headers=h("office"))
    assert check.json["result"] == {"sessions": [], "signatures": []}


# ---------------------------------------------------------------------------------------------- 签收单, D7–D9


def test_the_signing_sheet_needs_all_three_before_feedback_is_delivered(world):
    app, client, h = world
    insp = inspection_of(app, "党委学生工作部")  # 2026 回头看, not yet fed back
    people = dict(q(app, sa.select(m.Person.name, m.Person.id).where(
        m.Person.name.in_(["王建国", "袁伟", "赵立新", "潘悦", "孙志刚"]))))
    fb = client.post("/api/v1/feedback/", headers=h("office"), json={"inspection": insp, "doc_no": "校巡反〔2026〕5号"})
    assert fb.status_code == 201, fb.json
    fb_id = fb.json["id"]

    def sign(role, who, on):
        return client.post(f"/api/v1/feedback/{fb_id}/sign", headers=h("office"),
                           json={"signer_role": role, "person": people[who], "signed_on": on})

    refused = sign("巡察组组长", "王建国", "2026-12-10")
    assert refused.status_code == 422 and "尚未记录个别反馈" in refused.json["message"]
    meeting = client.post("/api/v1/meeting/", headers=h("office"), json={
        "inspection": insp, "kind": "个别反馈", "title": "个别反馈", "held_on": "2026-12-10"})
    assert meeting.status_code == 201
    bad = sign("巡察组组长", "王建国", "12月10日")  # a JSON date is parsed by the one helper, naming the field
    assert bad.status_code == 422 and bad.json["errors"] == {"signed_on": ["「签字日期」须为日期（YYYY-MM-DD），收到「12月10日」"]}
    early = sign("巡察组组长", "王建国", "2026-12-09")
    assert early.status_code == 422 and early.json["errors"].keys() == {"signed_on"}
    assert sign("巡察组组长", "王建国", "2026-12-10").json["result"]["feedback_date"] is None
    # 五（三）1 the 主要负责人 signs for the party organisation: a 领导班子成员 of the inspected unit, not its office
    # staff (潘悦, 综合办公室主任) nor another unit's secretary (孙志刚, 机械工程学院)
    for who in ("潘悦", "孙志刚"):
        wrong = sign("被巡察党组织主要负责人", who, "2026-12-10")
        assert wrong.status_code == 422 and wrong.json["errors"] == {
            "person": ["「被巡察党组织主要负责人」一栏只能由被巡察单位领导班子成员（党组织主要负责人，或主持工作的负责人）签字"]}, who
    second = sign("被巡察党组织主要负责人", "袁伟", "2026-12-10").json["result"]
    assert second == {"signer_role": "被巡察党组织主要负责人", "feedback_date": None,
                      "missing": ["《巡察反馈签收单》缺少巡察办负责人签字"]}
    assert one(app, sa.select(m.Inspection.feedback_date).where(m.Inspection.id == insp)) is None
    # a step that needs the feedback delivered is refused meanwhile
    plan = client.post(f"/api/v1/rectification/steps/{insp}/plan", headers=h("office"), json={"on": "2026-12-15"})
    assert plan.status_code == 422 and "签收单》未签齐" in plan.json["message"]
    # the screen step for the third signer
    page = screen(app, "office")
    assert page.post(f"/feedbacksign/{fb_id}/2", data={"person": people["赵立新"], "signed_on": "2026-12-11"}
                     ).status_code == 302
    assert one(app, sa.select(m.Inspection.feedback_date).where(m.Inspection.id == insp)) == date(2026, 12, 11)
    # 六（一） steps set the dates the deadlines read
    for step, on in (("life_meeting", "2026-12-16"), ("plan", "2026-12-18"), ("report", "2027-02-05")):
        resp = client.post(f"/api/v1/rectification/steps/{insp}/{step}", headers=h("office"), json={"on": on})
        assert resp.status_code == 200, (step, resp.json)
    deadlines = {d["code"]: d for d in client.get(f"/api/v1/inspection/{insp}/deadlines", headers=h("office")).json[
        "result"]}
    assert (deadlines["D7"]["due"], deadlines["D7"]["done_on"], deadlines["D7"]["status"]) == (
        "2026-12-18", "2026-12-16", "done")
    assert (deadlines["D8"]["due"], deadlines["D8"]["done_on"]) == ("2026-12-21", "2026-12-18")
    assert (deadlines["D9"]["due"], deadlines["D9"]["done_on"]) == ("2027-02-11", "2027-02-05")
    assert client.post(f"/api/v1/rectification/steps/{insp}/approve", headers=h("liaison"),
                       json={"on": "2027-02-10"}).status_code == 404  # 谢婷 is not 学工部's liaison
    bad = client.post(f"/api/v1/rectification/steps/{insp}/report", headers=h("office"), json={"on": "2027-02-30"})
    assert bad.status_code == 422 and bad.json["errors"].keys() == {"on"}


# ---------------------------------------------------------------------------------------------- 新闻稿


def test_news_cannot_be_published_before_it_is_approved(world):
    app, client, h = world
    insp = inspection_of(app, "材料科学与工程学院")
    reopen(app, insp)  # the demo hands its archive over, after which nothing is added (issue 13, item 4)
    made = client.post("/api/v1/news_release/", headers=h("liaison"), json={
        "inspection": insp, "stage": "反馈", "title": "巡察反馈新闻稿（二）", "published_on": "2026-07-01"})
    # issue 13: the 发布日期 is the 发布 step's; a generic write is refused naming the step
    assert made.status_code == 422 and "请通过「发布新闻稿」办理" in made.json["message"]
    assert made.json["errors"] == {"published_on": [made.json["message"]]}
    draft = client.post("/api/v1/news_release/", headers=h("liaison"), json={
        "inspection": insp, "stage": "反馈", "title": "巡察反馈新闻稿（二）"})
    assert draft.status_code == 201
    nid = draft.json["id"]
    put = client.put(f"/api/v1/news_release/{nid}", headers=h("liaison"), json={"published_on": "2026-07-01"})
    assert put.status_code == 422 and "请通过「发布新闻稿」办理" in put.json["message"]
    # the screen refuses the same, and saves nothing
    page = screen(app, "liaison")
    resp = page.post(f"/newsreleaseview/edit/{nid}", data={
        "inspection": insp, "stage": "反馈", "title": "巡察反馈新闻稿（二）", "published_on": "2026-07-01"},
        follow_redirects=True)
    assert resp.status_code == 422 and "请通过「发布新闻稿」办理" in resp.get_data(as_text=True)
    assert one(app, sa.select(m.NewsRelease.published_on).where(m.NewsRelease.id == nid)) is None
    assert page.post(f"/newsflow/publish/{nid}", data={"on": "2026-07-01"}).status_code == 200  # the form again
    # approvals: the liaison may not approve; the 组长, then 巡察办
    assert client.post(f"/api/v1/news_release/{nid}/approve", headers=h("liaison"),
                       json={"who": "leader", "on": "2026-06-29"}).status_code == 403
    assert client.post(f"/api/v1/news_release/{nid}/approve", headers=h("zuzhang"),
                       json={"who": "leader", "on": "2026-06-29"}).status_code == 200
    half = client.post(f"/api/v1/news_release/{nid}/publish", headers=h("liaison"), json={"on": "2026-07-01"})
    assert half.status_code == 422 and half.json["message"].startswith("新闻稿尚未经巡察办审定，不能发布")
    assert client.post(f"/api/v1/news_release/{nid}/approve", headers=h("office"),
                       json={"who": "office", "on": "2026-06-30"}).status_code == 200
    done = client.post(f"/api/v1/news_release/{nid}/publish", headers=h("liaison"), json={"on": "2026-07-01"})
    assert done.status_code == 200 and done.json["result"] == {"published_on": "2026-07-01"}


# ---------------------------------------------------------------------------------------------- 整改情况通报稿


def test_notice_draft_lists_unpublishable_items_apart(world):
    app, client, h = world
    insp = inspection_of(app, "机械工程学院")
    rows = q(app, sa.select(m.RectificationItem.id, m.RectificationItem.problem, m.RectificationItem.task)
             .where(m.RectificationItem.inspection_id == insp).order_by(m.RectificationItem.seq))
    hidden_id, hidden_problem, _ = rows[0]
    assert client.put(f"/api/v1/rectification_item/{hidden_id}", headers=h("office"),
                      json={"publishable": False}).status_code == 200
    resp = client.get(f"/api/v1/rectification/notice/{insp}", headers=h("office"))
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    assert resp.headers["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    doc = docx.Document(io.BytesIO(resp.data))
    public, unpublishable = ([row.cells[1].text for row in t.rows[1:]] for t in doc.tables[:2])
    assert hidden_problem in unpublishable and hidden_problem not in public
    assert sorted(public) == sorted((p or t) for i, p, t in rows if i != hidden_id)
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "二、不宜公开的事项（专门说明，报巡察办备案）" in text and "关于巡察整改情况的通报（稿）" in text
    assert one(app, sa.select(sa.func.count()).select_from(m.Document)
               .where(m.Document.original_name == "整改情况通报稿（机械工程学院）.docx")) == 1
    # 领导小组's approval is 巡察办's to record; the unit's liaison may not
    mine = inspection_of(app, "材料科学与工程学院")
    refused = client.post(f"/api/v1/rectification/steps/{mine}/approve", headers=h("liaison"), json={"on": "2026-09-01"})
    assert refused.status_code == 403 and refused.json["message"] == "领导小组批准整改情况报告由巡察办登记"
    # not before 领导小组 approved the report
    other = inspection_of(app, "图书馆")
    early = client.get(f"/api/v1/rectification/notice/{other}", headers=h("office"))
    assert early.status_code == 422 and "经领导小组批准后" in early.json["message"]


# ---------------------------------------------------------------------------------------------- scope


def test_a_liaison_sees_only_their_units_feedback(world):
    app, client, h = world
    mine = inspection_of(app, "材料科学与工程学院")  # 谢婷's unit
    listed = client.get("/api/v1/feedback_item/?q=(page_size:100)", headers=h("liaison")).json
    expected = {r[0] for r in q(app, sa.select(m.FeedbackItem.id).where(m.FeedbackItem.inspection_id == mine))}
    assert set(listed["ids"]) == expected and expected
    other = one(app, sa.select(m.FeedbackItem.id).where(m.FeedbackItem.inspection_id == inspection_of(app, "机械工程学院")))
    assert client.get(f"/api/v1/feedback_item/{other}", headers=h("liaison")).status_code == 404
    fb_other = one(app, sa.select(m.Feedback.id).where(m.Feedback.inspection_id == inspection_of(app, "机械工程学院")))
    assert client.post(f"/api/v1/feedback/{fb_other}/sign", headers=h("liaison"), json={}).status_code == 403
    assert client.get("/api/v1/feedback_item/", headers=h("jiwei")).status_code == 403  # ReceivingDept: none
