"""Issue 13, items 2 and 4–7: the right person approves (four-eyes), nothing changes or leaves the team after the
archive handover, clocks start by themselves and impossible date orders are refused, 回避 and the team's
composition, consent before a 重大、敏感 immediate fix and the approved news text frozen. One demo database."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

import schema as m
from app.rules.dates import order_problems
from app.rules.team import composition_problem, conflict_problem
from tests.conftest import demo_world, rows, scalar


@pytest.fixture(scope="module")
def world(databases, tmp_path_factory):
    yield from demo_world(databases, tmp_path_factory, "holds_steps")


def inspection_of(app, unit, year=2026):
    return scalar(app, sa.select(m.Inspection.id).join(m.Unit).join(m.Round)
                  .where(m.Unit.name == unit, m.Round.year == year))


def person(app, name):
    return scalar(app, sa.select(m.Person.id).where(m.Person.name == name))


# ---------------------------------------------------------------------------------------------- item 2


def test_talk_review_by_the_teams_leader_only_and_never_his_own_talk(world):
    """三（三）5 谈话记录由巡察组组长审阅；ISSUE 13-2 “Nobody approves his own record (four-eyes)”."""
    app, client, h = world
    insp = inspection_of(app, "党委学生工作部")
    talks = rows(app, sa.select(m.Talk.id, m.Talk.reviewed_on).where(m.Talk.inspection_id == insp).order_by(m.Talk.held_on))
    pending = [t for t, reviewed in talks if reviewed is None]
    assert pending, "演示数据应有一条待组长审阅的谈话"
    member = client.post(f"/api/v1/step/talk_review/{pending[0]}", headers=h("zuyuan"), json={"on": "2026-11-25"})
    assert member.status_code == 422 and "只能由本巡察组组长办理" in member.json["message"]
    ok = client.post(f"/api/v1/step/talk_review/{pending[0]}", headers=h("zuzhang"), json={"on": "2026-11-25"})
    assert ok.status_code == 200, ok.json
    recorded = rows(app, sa.select(m.Talk.reviewed_by_id, m.Talk.reviewed_on).where(m.Talk.id == pending[0]))[0]
    assert tuple(recorded) == (person(app, "王建国"), date(2026, 11, 25))  # the caller's person, never typed
    again = client.post(f"/api/v1/step/talk_review/{pending[0]}", headers=h("zuzhang"), json={"on": "2026-11-26"})
    assert again.status_code == 422 and again.json["message"].startswith("已于2026-11-25办理「组长审阅谈话记录」")
    own = client.post("/api/v1/talk/", headers=h("zuzhang"), json={
        "inspection": insp, "interviewee": person(app, "袁伟"), "held_on": "2026-11-26",
        "interviewers": [person(app, "王建国")]})
    assert own.status_code == 201, own.json
    mine = client.post(f"/api/v1/step/talk_review/{own.json['id']}", headers=h("zuzhang"), json={})
    assert mine.status_code == 422 and "四眼原则" in mine.json["message"]


def test_office_corrects_a_step_date_with_a_reason_and_the_original_stays(world):
    """ISSUE 13-1 “巡察办 corrects a step's date through a reasoned correction step (reason required, original
    visible)”."""
    app, client, h = world
    insp = inspection_of(app, "党委学生工作部")
    talk, before = rows(app, sa.select(m.Talk.id, m.Talk.reviewed_on).where(
        m.Talk.inspection_id == insp, m.Talk.reviewed_on.is_not(None)).order_by(m.Talk.id))[0]
    url = f"/api/v1/step/correct/Talk/{talk}"
    assert client.post(url, headers=h("office"), json={"field": "reviewed_on", "value": "2026-11-20"}) \
        .json["errors"] == {"reason": ["请填写更正理由"]}
    assert client.post(url, headers=h("zuzhang"), json={"field": "reviewed_on", "value": "2026-11-20",
                                                         "reason": "录入错误"}).status_code == 422
    done = client.post(url, headers=h("office"), json={"field": "reviewed_on", "value": "2026-11-20",
                                                       "reason": "审阅记录表所载日期为11月20日"})
    assert done.status_code == 200 and done.json["from"] == before.isoformat(), done.json
    event = rows(app, sa.select(m.StatusEvent.field, m.StatusEvent.from_value, m.StatusEvent.to_value,
                                m.StatusEvent.note).where(m.StatusEvent.entity == "talk", m.StatusEvent.entity_id == talk))
    assert ("reviewed_on", before.isoformat(), "2026-11-20") in [tuple(e)[:3] for e in event]
    assert any("审阅记录表所载日期" in e[3] for e in event)


def test_news_is_approved_by_the_teams_leader_and_its_text_is_then_frozen(world):
    """五（四） 新闻稿经巡察组组长审定；ISSUE 13-7 “the approved news text is frozen after approval”."""
    app, client, h = world
    insp = inspection_of(app, "党委学生工作部")
    draft = client.post("/api/v1/news_release/", headers=h("zuyuan"), json={
        "inspection": insp, "stage": "动员", "title": "第三巡察组进驻学生工作部", "body": "初稿"})
    assert draft.status_code == 201, draft.json
    nid = draft.json["id"]
    other = client.post(f"/api/v1/news_release/{nid}/approve", headers=h("office"), json={"who": "leader",
                                                                                          "on": "2026-11-02"})
    assert other.status_code in (403, 422)
    assert client.post(f"/api/v1/news_release/{nid}/approve", headers=h("zuzhang"),
                       json={"who": "leader", "on": "2026-11-02"}).status_code == 200
    edit = client.put(f"/api/v1/news_release/{nid}", headers=h("zuyuan"), json={"body": "改稿"})
    assert edit.status_code == 422 and "内容不能再修改" in edit.json["message"]
    assert scalar(app, sa.select(m.NewsRelease.body).where(m.NewsRelease.id == nid)) == "初稿"


# ---------------------------------------------------------------------------------------------- item 4


def test_after_handover_the_inspection_is_read_only_and_the_team_takes_nothing_out(world):
    """八（二）“巡察组应在巡察反馈结束后1个月内……移交巡察办”: ISSUE 13-4 read-only for everyone, no export or
    download by the team; rectification (六（一）) goes on."""
    app, client, h = world
    insp = inspection_of(app, "机械工程学院")
    assert scalar(app, sa.select(m.ArchiveVolume.handed_over_on).where(m.ArchiveVolume.inspection_id == insp))
    finding = scalar(app, sa.select(m.Finding.id).where(m.Finding.inspection_id == insp))
    for user in ("zuzhang", "office", "admin"):
        resp = client.put(f"/api/v1/finding/{finding}", headers=h(user), json={"summary": "改写"})
        assert resp.status_code == 422 and "已于" in resp.json["message"] and "移交巡察办" in resp.json["message"]
    assert client.get(f"/api/v1/inspection/{insp}/export/17", headers=h("zuzhang")).status_code == 403
    assert client.get(f"/api/v1/inspection/{insp}/export/17", headers=h("office")).status_code == 200
    doc = scalar(app, sa.select(m.Document.id).where(m.Document.inspection_id == insp, m.Document.attachment_no == 17))
    assert client.get(f"/api/v1/document/{doc}/file", headers=h("zuzhang")).status_code == 403
    assert client.get(f"/api/v1/document/{doc}/file", headers=h("office")).status_code == 200
    item = scalar(app, sa.select(m.RectificationItem.id).where(m.RectificationItem.inspection_id == insp))
    assert client.put(f"/api/v1/rectification_item/{item}", headers=h("office"),
                      json={"progress": "持续推进"}).status_code == 200
    # the steps are no way round it: no approval, no date correction under the handed-over inspection
    reviewed = scalar(app, sa.select(m.Talk.id).where(m.Talk.inspection_id == insp, m.Talk.reviewed_on.is_not(None)))
    step = client.post(f"/api/v1/step/talk_single/{reviewed}", headers=h("zuzhang"), json={})  # asked first
    assert step.status_code == 422 and "移交巡察办" in step.json["message"]
    fix = client.post(f"/api/v1/step/correct/Talk/{reviewed}", headers=h("office"),
                      json={"field": "reviewed_on", "value": "2026-03-20", "reason": "移交后更正"})
    assert fix.status_code == 422 and "移交巡察办" in fix.json["message"]


def exported_ids(client, headers, resource) -> list[int]:
    from io import BytesIO

    from openpyxl import load_workbook

    resp = client.get(f"/api/v1/{resource}/export?q=(order_column:id,order_direction:asc)", headers=headers)
    assert resp.status_code == 200, resp.get_data(as_text=True)[:300]
    sheet = load_workbook(BytesIO(resp.data), read_only=True).worksheets[0]
    header, *body = [list(r) for r in sheet.iter_rows(values_only=True)]
    return [r[header.index("编号")] for r in body if r and r[0] is not None]


def test_after_handover_the_teams_list_export_leaves_the_inspection_out(world):
    """八（二）1“任何个人不得以任何形式保留巡察工作文件和材料”: a list export (inline or as a job, the same query) by the
    team holds nothing of a handed-over inspection; 巡察办's holds it; the ledger the 组长 still reports on stays."""
    app, client, h = world
    handed = sa.select(m.ArchiveVolume.inspection_id).where(m.ArchiveVolume.handed_over_on.is_not(None))
    team = sa.select(m.Inspection.id).join(m.TeamMember, m.TeamMember.team_id == m.Inspection.team_id).join(
        m.Person).where(m.Person.name == "王建国")
    kept = {r[0] for r in rows(app, sa.select(m.Finding.id).where(m.Finding.inspection_id.in_(team),
                                                                   m.Finding.inspection_id.not_in(handed)))}
    gone = {r[0] for r in rows(app, sa.select(m.Finding.id).where(m.Finding.inspection_id.in_(team),
                                                                   m.Finding.inspection_id.in_(handed)))}
    assert gone, "王建国的组应有已移交档案的巡察"
    assert set(exported_ids(client, h("zuzhang"), "finding")) == kept
    assert gone <= set(exported_ids(client, h("office"), "finding"))
    ledger = {r[0] for r in rows(app, sa.select(m.RectificationItem.id).where(
        m.RectificationItem.inspection_id.in_(team), m.RectificationItem.inspection_id.in_(handed)))}
    assert ledger and ledger <= set(exported_ids(client, h("zuzhang"), "rectification_item"))


# ---------------------------------------------------------------------------------------------- item 5


def test_impossible_date_and_count_orders_are_refused_naming_both_fields(world):
    """四（二）“巡察结束后两周内……向学校党委常委会汇报”; 三（二）2 实到不超过应到, 应到不超过教职工总人数."""
    app, client, h = world
    labels = {"work_start": "巡察开始日期", "work_end": "巡察结束日期"}
    assert order_problems("Inspection", {"work_start": date(2026, 5, 2), "work_end": date(2026, 5, 1)}, labels)[0][1] \
        .startswith("「巡察开始日期」（2026-05-02）不能晚于「巡察结束日期」（2026-05-01）")
    insp = inspection_of(app, "党委学生工作部")
    start = scalar(app, sa.select(m.Inspection.work_start).where(m.Inspection.id == insp))
    bad = client.put(f"/api/v1/inspection/{insp}", headers=h("admin"),
                     json={"work_end": date(start.year, start.month, 1).isoformat()})
    assert bad.status_code == 422 and "巡察开始日期" in bad.json["message"] and "巡察结束日期" in bad.json["message"]
    meeting = client.post("/api/v1/meeting/", headers=h("zuyuan"), json={
        "inspection": insp, "kind": "座谈会", "title": "学生座谈会", "held_on": "2026-11-20",
        "expected_count": 10, "present_count": 12})
    assert meeting.status_code == 422 and "实到人数" in meeting.json["message"] and "应到人数" in meeting.json["message"]


def test_the_d12_clock_starts_when_the_general_feedback_is_recorded(world):
    """五（三）3 大会反馈; 八（二）“巡察反馈结束后1个月内” (D12) starts without a typed date."""
    app, client, h = world
    insp = inspection_of(app, "党委学生工作部")
    assert scalar(app, sa.select(m.Inspection.feedback_done_date).where(m.Inspection.id == insp)) is None
    resp = client.post("/api/v1/meeting/", headers=h("zuzhang"), json={
        "inspection": insp, "kind": "大会反馈", "title": "巡察反馈大会", "held_on": "2026-12-02"})
    assert resp.status_code == 201, resp.json
    assert scalar(app, sa.select(m.Inspection.feedback_done_date).where(m.Inspection.id == insp)) == date(2026, 12, 2)


# ---------------------------------------------------------------------------------------------- item 6


def test_a_person_of_the_inspected_unit_is_refused_on_its_team_unless_exempted(world):
    """回避 (工作纪律): a person of the inspected unit cannot inspect it unless 巡察办 records an exemption."""
    assert conflict_problem("甲", 3, None, {3}, None, {3: "图书馆"}).startswith("甲是被巡察单位「图书馆」的人员")
    assert conflict_problem("甲", 3, None, {3}, "全校仅此一名审计人员", {}) is None
    app, client, h = world
    team = scalar(app, sa.select(m.Team.id).where(m.Team.name == "第三巡察组"))
    unit = scalar(app, sa.select(m.Inspection.unit_id).where(m.Inspection.id == inspection_of(app, "党委学生工作部")))
    insider = scalar(app, sa.select(m.Person.id).where(m.Person.unit_id == unit).order_by(m.Person.id))
    refused = client.post("/api/v1/team_member/", headers=h("office"),
                          json={"team": team, "person": insider, "role": "成员"})
    assert refused.status_code == 422 and "应当回避" in refused.json["message"], refused.json
    exempt = client.post("/api/v1/team_member/", headers=h("office"),
                         json={"team": team, "person": insider, "role": "成员", "exemption_reason": "熟悉资助业务"})
    assert exempt.status_code == 201, exempt.json


def test_a_team_without_a_deputy_cannot_enter(world):
    """一（一）2 组长负责制: exactly one 组长 and at least one 副组长; a warning before, a refusal at 进驻."""
    assert composition_problem(["组长", "成员"]) == "巡察组应至少有 1 名副组长（现有 0 名）"
    assert composition_problem(["组长", "副组长"]) is None
    app, client, h = world
    rnd = scalar(app, sa.select(m.Round.id).where(m.Round.name == "2026年第二轮巡察"))
    team = client.post("/api/v1/team/", headers=h("office"), json={"round": rnd, "name": "第九巡察组"})
    assert team.status_code == 201, team.json
    client.post("/api/v1/team_member/", headers=h("office"),
                json={"team": team.json["id"], "person": person(app, "杨光明"), "role": "组长"})
    unit = scalar(app, sa.select(m.Unit.id).where(m.Unit.name == "图书馆"))
    entered = client.post("/api/v1/inspection/", headers=h("office"), json={
        "round": rnd, "team": team.json["id"], "unit": unit, "entry_date": "2026-11-05"})
    assert entered.status_code == 422 and "副组长" in entered.json["message"], entered.json


# ---------------------------------------------------------------------------------------------- item 7


def test_a_major_immediate_fix_needs_the_leading_groups_consent_first(world):
    """三（四）2“对重大、敏感问题的处理意见，需报领导小组同意后，再向被巡察党组织提出”."""
    app, client, h = world
    insp = inspection_of(app, "党委学生工作部")
    early = client.post("/api/v1/immediate_fix/", headers=h("zuzhang"), json={
        "inspection": insp, "issue": "重大敏感问题", "is_major": True, "raised_on": "2026-11-25"})
    assert early.status_code == 422 and "领导小组同意" in early.json["message"], early.json
    draft = client.post("/api/v1/immediate_fix/", headers=h("zuzhang"), json={
        "inspection": insp, "issue": "重大敏感问题", "is_major": True})
    assert draft.status_code == 201, draft.json
    assert client.post(f"/api/v1/step/fix_consent/{draft.json['id']}", headers=h("zuzhang"), json={}).status_code == 422
    assert client.post(f"/api/v1/step/fix_consent/{draft.json['id']}", headers=h("office"),
                       json={"on": "2026-11-24"}).status_code == 200
    raised = client.put(f"/api/v1/immediate_fix/{draft.json['id']}", headers=h("zuzhang"), json={"raised_on": "2026-11-25"})
    assert raised.status_code == 200, raised.json


def test_the_talk_page_offers_the_leaders_steps_and_the_screen_step_records_him(world):
    """三（三）5（3）“经巡察组组长同意，可进行单独谈话”: the screen step, as the API, records the caller."""
    from seeds.demo import DEMO_PASSWORD

    app, client, h = world
    insp = inspection_of(app, "党委学生工作部")
    talk = client.post("/api/v1/talk/", headers=h("zuyuan"), json={
        "inspection": insp, "interviewee": person(app, "袁伟"), "held_on": "2026-11-26",
        "interviewers": [person(app, "张伟")]})
    assert talk.status_code == 201, talk.json
    page = app.test_client()
    assert page.post("/login/", data={"username": "zuzhang", "password": DEMO_PASSWORD}).status_code == 302
    assert "组长批准单独谈话" in page.get(f"/talkview/show/{talk.json['id']}").get_data(as_text=True)
    assert page.get(f"/steps/talk_single/{talk.json['id']}").status_code == 200
    done = page.post(f"/steps/talk_single/{talk.json['id']}", data={"on": "2026-11-26"})
    assert done.status_code == 302
    assert rows(app, sa.select(m.Talk.single_approved_by_id, m.Talk.single_approved_on)
                .where(m.Talk.id == talk.json["id"]))[0] == (person(app, "王建国"), date(2026, 11, 26))


def test_visit_is_approved_by_the_teams_leader_and_never_by_its_recorder(world):
    """三（三）7“根据需要，经巡察组组长批准后，巡察组可以深入被巡察党组织下属系（所、中心）开展调研工作”: the 组长 of the
    team approves (recorded from his login, dated), not a member, and not a visit he records himself (four-eyes)."""
    app, client, h = world
    insp = inspection_of(app, "党委学生工作部")
    new = {"inspection": insp, "target": "学生公寓管理中心", "held_on": "2026-11-30", "place": "学生公寓"}
    by_member = client.post("/api/v1/visit/", headers=h("zuyuan"), json={**new, "recorder": person(app, "张伟")})
    by_leader = client.post("/api/v1/visit/", headers=h("zuyuan"), json={**new, "recorder": person(app, "王建国")})
    assert by_member.status_code == by_leader.status_code == 201, (by_member.json, by_leader.json)
    typed = client.put(f"/api/v1/visit/{by_member.json['id']}", headers=h("zuyuan"),
                       json={"approved_by": person(app, "王建国")})
    assert typed.status_code == 422 and "组长批准走访调研" in typed.json["message"]
    member = client.post(f"/api/v1/step/visit/{by_member.json['id']}", headers=h("zuyuan"), json={"on": "2026-11-28"})
    assert member.status_code == 422 and "只能由本巡察组组长办理" in member.json["message"]
    late = client.post(f"/api/v1/step/visit/{by_member.json['id']}", headers=h("zuzhang"), json={"on": "2026-12-01"})
    assert late.status_code == 422 and late.json["message"].startswith(  # approved after the visit took place
        "「批准日期」（2026-12-01）不能晚于「日期」（2026-11-30）")
    ok = client.post(f"/api/v1/step/visit/{by_member.json['id']}", headers=h("zuzhang"), json={"on": "2026-11-28"})
    assert ok.status_code == 200, ok.json
    assert tuple(rows(app, sa.select(m.Visit.approved_by_id, m.Visit.approved_on)
                      .where(m.Visit.id == by_member.json["id"]))[0]) == (person(app, "王建国"), date(2026, 11, 28))
    own = client.post(f"/api/v1/step/visit/{by_leader.json['id']}", headers=h("zuzhang"), json={"on": "2026-11-28"})
    assert own.status_code == 422 and "四眼原则" in own.json["message"]


def test_report_and_feedback_reviews_are_office_steps_in_the_procedures_order(world):
    """四（一）1“巡察组起草巡察情况报告，征求巡察办意见后修改完善。巡察报告经领导小组有关领导同志审阅后，巡察办应及时安排
    向学校党委汇报”; 五（一）“巡察办商巡察组根据会议要求修改巡察反馈意见并报领导小组审定”: the team drafts, 巡察办 records
    its opinion, then the 领导小组's reading and approval; nobody types those dates, and they keep the clauses' order."""
    app, client, h = world
    insp = inspection_of(app, "后勤集团")
    report = client.post("/api/v1/inspection_report/", headers=h("zuzhang"), json={
        "inspection": insp, "title": "关于巡察后勤集团党委情况的报告", "drafted_on": "2026-11-20"})
    assert report.status_code == 201, report.json
    pk = report.json["id"]
    typed = client.put(f"/api/v1/inspection_report/{pk}", headers=h("zuzhang"), json={"office_reviewed_on": "2026-11-21"})
    assert typed.status_code == 422 and "巡察办提出报告意见" in typed.json["message"]
    team = client.post(f"/api/v1/step/report_office/{pk}", headers=h("zuzhang"), json={"on": "2026-11-21"})
    assert team.status_code == 422 and "只能由巡察办办理" in team.json["message"]
    early = client.post(f"/api/v1/step/report_office/{pk}", headers=h("office"), json={"on": "2026-11-19"})
    assert early.status_code == 422 and early.json["message"].startswith(
        "「起草日期」（2026-11-20）不能晚于「巡察办审阅日期」（2026-11-19）"), early.json
    assert client.post(f"/api/v1/step/report_office/{pk}", headers=h("office"),
                       json={"on": "2026-11-22"}).status_code == 200
    before = client.post(f"/api/v1/step/report_leaders/{pk}", headers=h("office"), json={"on": "2026-11-21"})
    assert before.status_code == 422, before.json  # the 领导小组 reads the report after 巡察办's opinion
    assert client.post(f"/api/v1/step/report_leaders/{pk}", headers=h("office"),
                       json={"on": "2026-11-24"}).status_code == 200
    assert tuple(rows(app, sa.select(m.InspectionReport.office_reviewed_on, m.InspectionReport.leader_reviewed_on)
                      .where(m.InspectionReport.id == pk))[0]) == (date(2026, 11, 22), date(2026, 11, 24))
    feedback = client.post("/api/v1/feedback/", headers=h("office"), json={"inspection": insp})
    assert feedback.status_code == 201, feedback.json
    fb = feedback.json["id"]
    assert client.put(f"/api/v1/feedback/{fb}", headers=h("office"),
                      json={"leading_group_approved_on": "2026-11-25"}).status_code == 422
    assert client.post(f"/api/v1/step/feedback_approval/{fb}", headers=h("zuzhang"), json={}).status_code == 422
    assert client.post(f"/api/v1/step/feedback_approval/{fb}", headers=h("office"),
                       json={"on": "2026-11-25"}).status_code == 200
