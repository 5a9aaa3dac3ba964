"""A real browser carries one new inspection through the procedure on the screens (issue 8 item 5).

Each role signs in through the login form; every stage uses the screens a person uses (FAB's add forms, the flow steps
of views/disposal.py and views/ledger.py, the 附件 buttons) and ends with a screenshot. The harness (fixtures, request
guard, form filling) is tests/browser_walk.py; the other browser tests are tests/test_browser_*.py: forms
(test_browser_forms), the 8 demo users' menus and steps (test_browser_roles), the screenshots per role at desk and
phone size (test_browser_screens).

In scripts/test.sh's two runs it runs on PostgreSQL only (tests/conftest.py ONE_ENGINE): the forms typed here differ
by engine through PostgreSQL's strict types, the production engine's; every screen's queries are asked over HTTP on
both engines by the HTTP-level tests. Run alone (`pytest -m browser`, with or without --db=postgresql), on the engine
asked.
"""

from __future__ import annotations

import io
import re
from datetime import date

import pytest

from tests import browser_walk
from tests.browser_walk import CLUE_CODE, INSPECTION, ROUND, TEAM, TIMEOUT_MS, UNIT

pytestmark = [pytest.mark.browser, pytest.mark.slow]
chromium, served, walk = browser_walk.chromium, browser_walk.served, browser_walk.walk  # the harness's fixtures


def _docx_text(data: bytes) -> str:
    import docx

    document = docx.Document(io.BytesIO(data))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def test_one_inspection_through_the_procedure(walk, served, tmp_path):
    w = walk
    office = w.as_("office")

    # 一、启动巡察: the annual plan, a round, the team and its members (规程二（一）（二）).
    w.add(office, "annualplanview", {"year": 2027, "title": "2027年度巡察工作计划", "targets": "材料科学与工程学院党委",
                                     "task_plan": "对材料科学与工程学院党委开展常规巡察"},
          stage="年度计划", expect="2027年度巡察工作计划")
    w.add(office, "roundview", {"plan": "2027年度巡察工作计划", "name": ROUND, "year": 2027, "kind": "常规",
                                "starts_on": "2027-03-01", "ends_on": "2027-06-30"},
          stage="巡察轮次", expect=ROUND)
    w.add(office, "teamview", {"round": ROUND, "name": TEAM, "phone": "0571-88880005",
                               "email": "xcz5@demo.xct.edu.cn", "mailbox_location": "材料楼一楼大厅"},
          stage="巡察组", expect=TEAM)
    w.add(office, "teammemberview", {"team": TEAM, "person": "王建国", "role": "组长", "duties": "主持巡察组工作"},
          stage="巡察组组长", expect="王建国")
    # 一（一）2 每个巡察组设组长、副组长: without a 副组长 the 进驻 below is refused (issue 13, item 6)
    w.add(office, "teammemberview", {"team": TEAM, "person": "李红梅", "role": "副组长", "duties": "协助组长"},
          stage="巡察组副组长", expect="李红梅")
    w.add(office, "teammemberview", {"team": TEAM, "person": "张伟", "role": "成员", "duties": "谈话、信访"},
          stage="巡察组成员", expect="张伟")
    w.add(office, "inspectionview", {
        "round": ROUND, "team": TEAM, "unit": UNIT, "liaison": "谢婷", "notice_no": "校巡〔2027〕1号",
        "notice_date": "2027-03-01", "entry_date": "2027-03-08", "work_start": "2027-03-08",
        "work_end": "2027-04-30"}, stage="巡察", expect=UNIT)
    inspection_id = w.show_of(office, "inspectionview", ROUND)

    # 二、了解准备: the notice (巡察公告).
    w.add(office, "announcementview", {"inspection": INSPECTION, "body": "根据校党委巡察工作安排，第五巡察组对材料科学与工程学院党委开展巡察。",
                                       "published_oa_on": "2027-03-02", "posted_on_site_on": "2027-03-02",
                                       "posted_on_premises_on": "2027-03-03"},
          stage="巡察公告", expect="巡察公告")

    # 三、实施巡察, as the team leader: 动员会 with attendance, a talk, a petition and its clue.
    leader = w.as_("zuzhang")
    w.add(leader, "meetingview", {"round": ROUND, "inspection": INSPECTION, "kind": "动员会",
                                  "title": "巡察材料科学与工程学院党委工作动员会", "held_on": "2027-03-08",
                                  "place": "材料楼报告厅", "expected_count": 62, "present_count": 58,
                                  "attendees": "学院领导班子成员、中层干部、教职工代表", "agenda": "巡察组组长作动员讲话"},
          stage="动员会", expect="动员会")
    w.add(leader, "talkview", {"inspection": INSPECTION, "interviewee": "谢婷", "interviewers": ["王建国", "张伟"],
                               "held_on": "2027-03-10", "place": "巡察组谈话室", "outline": "了解学院党委落实全面从严治党情况",
                               "record": "反映学院科研经费报销存在不规范情况。"},
          stage="个别谈话", expect="巡察组谈话室")
    w.add(leader, "petitionview", {"inspection": INSPECTION, "code": "XF-2027-001", "channel": "来信",
                                   "received_on": "2027-03-12", "is_anonymous": True, "subject_name": "某实验室负责人",
                                   "summary": "反映某实验室负责人违规报销科研经费。", "triage": "受理"},
          stage="信访受理", expect="XF-2027-001")
    petition_id = w.show_of(leader, "petitionview", "XF-2027-001")
    w.go(leader, f"/petitionview/show/{petition_id}")
    w.click(leader, "登记为问题线索")
    assert "/clueview/edit/" in leader.url, leader.url
    w.fill(leader, {"code": CLUE_CODE, "category": "财务管理", "involves_leadership": False,
                    "summary": "某实验室负责人涉嫌违规报销科研经费。"})
    w.submit(leader)
    clue_id = w.show_of(leader, "clueview", CLUE_CODE)
    w.go(leader, f"/clueview/show/{clue_id}")
    w.shot(leader, "问题线索", "登记")

    # 分类处置 (规程六（二）): the team proposes, the routing rule picks the department.
    w.click(leader, "提出处置意见")
    assert "规则建议：审计室" in leader.locator("body").inner_text()
    w.shot(leader, "提出处置意见", "审计室")
    w.submit(leader)
    w.shot(leader, "拟处置", "拟处置")
    assert "审计室" in leader.locator("table").first.inner_text()

    w.go(office, f"/clueview/show/{clue_id}")
    w.click(office, "巡察办审核通过")
    w.submit(office)
    w.click(office, "记录党委决定")
    w.fill(office, {"decision_on": "2027-05-10", "decision_meeting": "党委常委会2027年第9次会议"})
    w.submit(office)
    w.go(office, f"/clueview/show/{clue_id}")
    w.shot(office, "党委决定", "党委决定")

    # The package: every required kind of material, or why it is missing (规程六（二）2).
    letter = tmp_path / "来信.txt"
    letter.write_text("反映某实验室负责人违规报销科研经费。", encoding="utf-8")
    for kind, extra in (("信访材料", {"file": str(letter)}), ("谈话摘录", {"absent_reason": "谈话未涉及该线索"}),
                        ("证明材料", {"absent_reason": "有待接收部门核实"}), ("专题报告", {"absent_reason": "与移送函合并"})):
        w.click(office, "添加移送材料")
        w.fill(office, {"kind": kind, **extra})
        w.submit(office)
    w.shot(office, "移送材料", "齐全")

    # Transfer: the list's action builds the batch, its page sends it.
    w.go(office, "/clueview/list/")
    office.locator("table tr", has_text=CLUE_CODE).locator("input[type=checkbox]").check()
    office.get_by_role("button", name="操作").first.click()
    office.get_by_role("link", name="编入移送批次").click()
    confirm = office.locator(".modal:visible")
    assert "编入移送批次" in confirm.inner_text()
    confirm.locator("a, button", has_text="确定").first.click()  # FAB's confirmation box, in Chinese
    # the box's link is href="#" (a same-page navigation first): wait for the action's POST and its redirect
    office.wait_for_url(re.compile(r"/transferview/list"), timeout=TIMEOUT_MS)
    w.page_ok(office)
    w.shot(office, "移送批次", "审计室")
    transfer_id = w.show_of(office, "transferview", ROUND)
    w.go(office, f"/transferview/show/{transfer_id}")
    w.shot(office, "移送前检查", "材料齐全，可以移送")
    w.click(office, "移送")
    w.fill(office, {"transferred_on": "2027-05-12", "doc_no": "校巡移〔2027〕1号", "handed_by": "赵立新"})
    w.submit(office)
    w.shot(office, "已移送", "校巡移〔2027〕1号")
    assert "可以移送" not in office.locator("body").inner_text()

    # 四、巡察报告: a finding, the report, 附件17 through the inspection page's button.
    w.add(leader, "findingview", {"inspection": INSPECTION, "aspect": "全面从严治党", "seq": 1,
                                  "summary": "科研经费管理不规范", "detail": "抽查报销凭证 40 份，6 份无审批签字。"},
          stage="发现的问题", expect="科研经费管理不规范")
    w.add(leader, "inspectionreportview", {"inspection": INSPECTION, "title": "关于巡察材料科学与工程学院党委的情况报告",
                                           "drafted_on": "2027-05-06", "body": "巡察发现的主要问题：科研经费管理不规范。"},
          stage="巡察情况报告", expect="关于巡察材料科学与工程学院党委的情况报告")
    w.go(leader, f"/inspectionview/show/{inspection_id}")
    w.shot(leader, "巡察详情", UNIT)
    button = leader.get_by_role("link", name=re.compile("附件17"))
    with leader.expect_download() as download:
        button.click()
    saved = tmp_path / "附件17.docx"
    download.value.save_as(saved)
    assert download.value.suggested_filename.endswith(".docx"), download.value.suggested_filename
    text = _docx_text(saved.read_bytes())
    assert "材料科学与工程学院" in text, text[:500]
    w.check()

    # 五、结果反馈.
    w.add(office, "feedbackview", {"inspection": INSPECTION, "doc_no": "校巡反〔2027〕1号",
                                   "overall": "学院党委总体能够贯彻落实上级决策部署", "opinion": "科研经费管理不规范",
                                   "requirements": "两个月内报送整改报告"},
          stage="反馈意见", expect="校巡反〔2027〕1号")
    # 五（一） 报领导小组审定: a step 巡察办 takes on the feedback's page (issue 13), never a date typed on the form
    w.go(office, f"/feedbackview/show/{w.show_of(office, 'feedbackview', '校巡反〔2027〕1号')}")
    w.click(office, "记录领导小组审定反馈意见")
    w.fill(office, {"on": date.today().isoformat()})  # a step is dated today or earlier, never ahead
    w.submit(office)
    w.shot(office, "领导小组审定反馈意见", "已办理「记录领导小组审定反馈意见」")

    # 六、成果运用: a ledger row, the liaison's steps and evidence, 巡察办's 销号 review (规程六（一）).
    w.add(office, "rectificationitemview", {"inspection": INSPECTION, "finding": "科研经费管理不规范", "seq": 1,
                                            "problem": "科研经费管理不规范", "task": "规范科研经费报销审批",
                                            "measures": "修订报销审批办法，逐笔复核", "responsible": "谢婷",
                                            "due_date": "2027-07-31"},
          stage="整改台账", expect="规范科研经费报销审批")
    item_id = w.show_of(office, "rectificationitemview", "规范科研经费报销审批")
    liaison = w.as_("liaison")
    w.go(liaison, f"/rectificationitemview/show/{item_id}")
    w.shot(liaison, "整改事项", "未启动")
    w.click(liaison, "开始整改")
    w.submit(liaison, "确认")
    evidence = tmp_path / "整改佐证.txt"
    evidence.write_text("修订后的科研经费报销审批办法。", encoding="utf-8")
    w.click(liaison, "上传佐证材料")
    w.fill(liaison, {"file": str(evidence)})
    w.submit(liaison)
    w.click(liaison, "申请销号")
    w.submit(liaison, "确认")
    w.shot(liaison, "申请销号", "待审核")
    w.go(office, f"/rectificationitemview/show/{item_id}")
    w.click(office, "审核销号")
    w.submit(office, "确认")
    w.shot(office, "已销号", "已销号")

    # 八、立卷归档: the 组长 collects the volume from the inspection page (八（一）); 巡察办 takes it in, the SHA-256 of
    # every file verified, with a reason for what this walk did not produce (八（二）).
    w.go(leader, f"/inspectionview/show/{inspection_id}")
    w.click(leader, "收集归档材料")
    w.submit(leader)
    w.shot(leader, "收集归档材料", "新增归档材料")
    volume_id = int(leader.url.split("?")[0].rstrip("/").rsplit("/", 1)[1])
    w.go(office, f"/archivevolumeview/show/{volume_id}")
    w.shot(office, "档案案卷", "附件17")
    w.click(office, "移交巡察办")
    w.fill(office, {"handed_over_on": date.today().isoformat(), "handed_by": "王建国", "received_by": "赵立新",
                    "reason": "本次为浏览器测试，其余材料按纸质清单接收"})
    w.submit(office)
    w.shot(office, "移交巡察办", "已移交巡察办")

    # 领导看板 (issue 8 item 1) from its top-level menu: the charts are drawn by ECharts from our own static files.
    boss = w.as_("leader")
    w.go(boss, "/")
    with boss.expect_navigation():
        boss.locator("a", has_text="领导看板").first.click()
    charts = boss.locator(".xct-chart[data-rendered='1'] canvas")
    charts.first.wait_for(state="visible")
    assert charts.count() >= 6, charts.count()
    box = charts.first.bounding_box()
    assert box and box["width"] > 50 and box["height"] > 50, box
    w.shot(boss, "领导看板", "领导看板")

    w.check()
    assert len(w.shots) >= 25, [p.name for p in w.shots]


