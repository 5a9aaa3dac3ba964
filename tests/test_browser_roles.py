"""The 8 demo users (seeds.demo.DEMO_USERS) each walk the side menu they see in a real browser and finish a step of
their own in the demo data; every step button left on the pages they used is taken, and what refused is kept in
refusals.txt. Harness: tests/browser_walk.py."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tests import browser_walk
from tests.browser_walk import CJK, ERROR_PAGES

pytestmark = [pytest.mark.browser, pytest.mark.slow]
chromium, served, walk = browser_walk.chromium, browser_walk.served, browser_walk.walk  # the harness's fixtures


# ---------------------------------------------------------------------------------------------- the 8 demo users


SEEN = """() => {
  const shown = sel => Array.from(document.querySelectorAll(sel)).filter(e => e.getClientRects().length)
                          .map(e => e.innerText.trim());
  return {text: document.body.innerText, danger: shown('.alert-danger'),
          errors: shown('.has-error .help-block, .form-group .text-danger')};
}"""


# Narrowest menus first: a screen is rendered in the browser for the first of these who has it in his menu.
MENU_ORDER = ("dangban", "liaison", "jiwei", "zuyuan", "zuzhang", "office", "leader", "admin")


def _menu_walk(w, who: str, rendered: set[str]) -> int:
    """Every entry of the side menu `who` sees (views/templates/appbuilder/xct_menu.html) and the home page, asked
    with his login: each answers < 400 with a Chinese page and no error page. A screen not yet rendered in this walk
    is opened in the browser (no console error, no error shown on it); one another user's walk rendered already is
    asked through the same signed-in context (its cookies, not its renderer): rendering all ~310 entries of the 8
    menus costs ~3 minutes per engine on 2 cores, the distinct ~70 well under one. Answers the pages asked."""
    page = w.as_(who)
    w.go(page, "/")
    hrefs = page.eval_on_selector_all(".xct-menu a[href]", "els => els.map(e => e.getAttribute('href'))")
    hrefs = [h for h in dict.fromkeys(hrefs) if not h.startswith("#")]
    assert len(hrefs) > 5, f"{who} 的菜单只有：{hrefs}"
    for href in hrefs:
        where = f"[{who}] 菜单 {href}"
        if href in rendered:
            answer = page.context.request.get(w.base + href)
            text = answer.text()
            problems = [bad for bad in ERROR_PAGES if bad in text] + ([] if CJK.search(text) else ["没有中文"])
            assert answer.status < 400 and "/login/" not in answer.url and not problems, \
                f"{where}：{answer.status} {answer.url} {problems}"
            continue
        answer = page.goto(w.base + href)
        assert answer is not None and answer.status < 400, f"{where} 返回 {answer and answer.status}"
        _menu_page_ok(w, page, where)
        rendered.add(href)
    w.go(page, "/")
    w.shot(page, f"{who}-菜单")
    return len(hrefs) + 1


def _menu_page_ok(w, page, where: str) -> None:
    seen = page.evaluate(SEEN)  # what Walk.page_ok reads, in one round trip
    problems = [bad for bad in ERROR_PAGES if bad in seen["text"]] + seen["danger"] + seen["errors"]
    if not CJK.search(seen["text"]):
        problems.append("没有中文")
    if "/login/" in page.url:
        problems.append(f"转到了登录页：{page.url}")
    if problems:
        page.screenshot(path=str(w.folder / "failed.png"), full_page=True)
    assert not problems, f"{where}：{problems}"
    w.check()


def _take(w, page, href: str) -> str:
    """Take the step behind a button as offered: its form opens, posting it (as it comes) either succeeds ("" back)
    or answers a Chinese refusal (its text back), never a 403/500 or any answer ≥ 400."""
    answer = page.goto(w.base + href)
    assert answer is not None and answer.status < 400, f"{href} 返回 {answer and answer.status}"
    w.page_ok(page)
    form = page.locator("form:has([type=submit]):visible").last
    with page.expect_navigation():
        form.locator("[type=submit]").first.click()
    w.check()
    danger = page.locator(".alert-danger:visible")
    if danger.count():
        text = danger.first.inner_text().strip()
        assert CJK.search(text), f"{href} 的拒绝提示不是中文：{text!r}"
        return text
    w.page_ok(page)
    return ""


# The step buttons of a record's page: approvals (views/ownership.step_links) and the flow steps of views/disposal.py,
# views/ledger.py and the receipt page (a form each; not the downloads or the whole-ledger upload).
# 巡察办's date correction (/steps/correct/) is left out: its form needs a date and a reason typed, so posting it as it
# comes is stopped by the browser itself; tests/test_step_links.py takes it.
STEP_LINK = re.compile(r"^/(steps/(?!correct/)|clueflow/|transferflow/|submissionflow/)|^/ledger/(move|evidence)/"
                       r"|^/transferreceiptview/(acknowledge|handle|report)/")
CORRECTION = "更正步骤日期"


def _every_step_of(w, page, back: str, refusals: list[str]) -> None:
    """Every step button `back` still offers its reader after the walk's step: each form opens, and posting it as it
    comes succeeds or is refused in Chinese (collected in `refusals`), never a 403/500 or another answer ≥ 400."""
    w.go(page, back)
    hrefs = page.eval_on_selector_all("a[href]", "els => els.filter(e => !e.closest('.xct-menu'))"
                                                 ".map(e => e.getAttribute('href'))")
    hrefs = [h for h in dict.fromkeys(hrefs) if STEP_LINK.match(h)]
    for href in hrefs:
        refused = _take(w, page, href)
        if refused:
            refusals.append(f"{back} → {href}：{' '.join(refused.split())}")


def _approval_buttons(page) -> dict[str, str]:
    """The generic approval buttons of a record's page (views/ownership.step_links): step name → URL."""
    found = dict(page.eval_on_selector_all(".xct-steps a",
                                           "els => els.map(e => [e.innerText.trim(), e.getAttribute('href')])"))
    found.pop(CORRECTION, None)  # not an approval: a reasoned correction (see STEP_LINK)
    return found


def _take_offered(w, page, back: str) -> list[str]:
    """Every approval button the page `back` offers its reader is finishable: the step succeeds (a refusal of an
    offered approval is a dead end). Answers the steps taken."""
    w.go(page, back)
    offered = _approval_buttons(page)
    for step, href in offered.items():
        refused = _take(w, page, href)
        assert not refused, f"{back} 提供了「{step}」，办理却被拒绝：{refused}"
        assert f"已办理「{step}」" in page.locator("body").inner_text(), f"「{step}」没有办理成功：{page.url}"
        w.go(page, back)
    return list(offered)


def _one(app, stmt):
    from tests.conftest import scalar

    value = scalar(app, stmt)
    assert value is not None, f"演示数据中没有：{stmt}"
    return value


def test_the_eight_demo_users_walk_their_menus_and_finish_their_steps(walk, served):
    """Issue 13, “Done when”: the 8 demo users (seeds.demo.DEMO_USERS), signed in through the login form, open every
    entry of the menu each sees, and each finishes a step of the procedure that is theirs, on the screens, with the
    demo data; every approval button offered on the pages they open for it can be taken by them."""
    import sqlalchemy as sa

    import schema as m
    from app.extensions import db
    from seeds.demo import DEMO_USERS
    from tests.conftest import open_inspection

    w, (app, _) = walk, served
    rendered: set[str] = set()
    opened = {who: _menu_walk(w, who, rendered) for who in MENU_ORDER}
    assert set(opened) == set(DEMO_USERS) and all(n > 5 for n in opened.values()), opened

    # 组员 张伟 records a single-interviewer talk held today under his team's open inspection (三（三）5: a 组长's
    # approval dated after the talk is refused, and the step's date is today unless typed); the talk's page offers
    # him no approval (组长's steps), then 组长 王建国 takes every approval it offers him (三（三）5（3）: 单独谈话须经组长同意；
    # 谈话记录由组长审阅).
    team_of_zuyuan = sa.select(m.TeamMember.team_id).join(m.Person).where(m.Person.username == "zuyuan")
    insp_id = open_inspection(app, m.Inspection.team_id.in_(team_of_zuyuan))
    assert insp_id, "演示数据中组员所在巡察组没有未移交档案的巡察"
    with app.app_context():
        insp_label = str(db.session.get(m.Inspection, insp_id))
    zuyuan = w.as_("zuyuan")
    w.add(zuyuan, "talkview", {"inspection": insp_label, "interviewee": "丁一凡", "interviewers": ["张伟"],
                               "held_on": date.today().isoformat(), "place": "巡察组第二谈话室", "outline": "了解资助认定公示情况",
                               "record": "反映资助认定公示期不足5个工作日。"},
          stage="组员-个别谈话", expect="")
    talk_id = _one(app, sa.select(sa.func.max(m.Talk.id)).where(m.Talk.inspection_id == insp_id))
    w.go(zuyuan, f"/talkview/show/{talk_id}")
    assert _approval_buttons(zuyuan) == {}, f"组员看到了组长的审批按钮：{_approval_buttons(zuyuan)}"
    w.shot(zuyuan, "组员-谈话记录", "巡察组第二谈话室")

    zuzhang = w.as_("zuzhang")
    taken = _take_offered(w, zuzhang, f"/talkview/show/{talk_id}")
    assert set(taken) == {"组长批准单独谈话", "组长审阅谈话记录"}, taken
    w.shot(zuzhang, "组长-审批谈话", "王建国")
    refusals: list[str] = []
    _every_step_of(w, zuzhang, f"/talkview/show/{talk_id}", refusals)

    # 纪委监察室's 钱志强 signs for the batch sent to it (六（二）3-4), records the handling and reports it.
    jiwei = w.as_("jiwei")
    w.go(jiwei, "/transferreceiptview/list/")
    row = jiwei.locator("table tr", has_text="校巡移〔2026〕8号").first
    with jiwei.expect_navigation():
        row.locator("a[href*='/show/']").first.click()
    w.page_ok(jiwei)
    receipt = jiwei.url.removeprefix(w.base)
    w.click(jiwei, "签收")
    w.submit(jiwei)
    w.shot(jiwei, "接收部门-签收", "已签收")
    w.click(jiwei, "填写办理情况")
    w.fill(jiwei, {"handling": "初步核实", "result": "已约谈当事人，正在核实。"})
    w.submit(jiwei)
    w.click(jiwei, "报告办理情况")
    w.submit(jiwei)
    w.shot(jiwei, "接收部门-报告", "已报告")
    _every_step_of(w, jiwei, receipt, refusals)

    # 党委办公室 reports the 提交事项 it is handling to the leading group (六（三）, D11).
    dangban = w.as_("dangban")
    sub = _one(app, sa.select(m.Submission.id).where(m.Submission.status == "办理中").order_by(m.Submission.id))
    w.go(dangban, f"/submissionview/show/{sub}")
    w.click(dangban, "报告工作情况")
    w.fill(dangban, {"result": "已在全校推广“党建+科研团队”经验，形成工作情况报告。"})
    w.submit(dangban)
    w.shot(dangban, "党委办公室-报告工作情况", "已报告")
    _every_step_of(w, dangban, f"/submissionview/show/{sub}", refusals)

    # 联络人 谢婷 starts a ledger row assigned to her unit (六（一）).
    liaison_unit = sa.select(m.Person.unit_id).where(m.Person.username == "liaison").scalar_subquery()
    item = _one(app, sa.select(m.RectificationItem.id).join(m.Inspection).where(
        m.Inspection.unit_id == liaison_unit, m.RectificationItem.status == "未启动").order_by(m.RectificationItem.id))
    liaison = w.as_("liaison")
    w.go(liaison, f"/rectificationitemview/show/{item}")
    w.click(liaison, "开始整改")
    w.submit(liaison, "确认")
    w.shot(liaison, "联络人-开始整改", "整改中")
    _every_step_of(w, liaison, f"/rectificationitemview/show/{item}", refusals)

    # 巡察办 records the 党委's decision on the clue it has reviewed (六（二）1), and takes the approvals its pages offer.
    office = w.as_("office")
    clue = _one(app, sa.select(m.Clue.id).where(m.Clue.status == "巡察办审核").order_by(m.Clue.id))
    w.go(office, f"/clueview/show/{clue}")
    w.click(office, "记录党委决定")
    w.fill(office, {"decision_on": "2026-12-02", "decision_meeting": "党委常委会2026年第20次会议"})
    w.submit(office)
    w.go(office, f"/clueview/show/{clue}")
    w.shot(office, "巡察办-党委决定", "党委决定")
    fix = _one(app, sa.select(m.ImmediateFix.id).where(m.ImmediateFix.inspection_id == insp_id))
    _take_offered(w, office, f"/immediatefixview/show/{fix}")
    _take_offered(w, zuzhang, f"/immediatefixview/show/{fix}")
    _take_offered(w, office, f"/talkview/show/{talk_id}")
    for back in (f"/clueview/show/{clue}", f"/immediatefixview/show/{fix}", f"/talkview/show/{talk_id}"):
        _every_step_of(w, office, back, refusals)

    # 领导小组 opens 领导看板 and a chart renders.
    boss = w.as_("leader")
    w.go(boss, "/dashboard/")
    boss.locator(".xct-chart[data-rendered='1'] canvas").first.wait_for(state="visible")
    w.shot(boss, "领导小组-领导看板", "领导看板")

    # The administrator saves one setting of 界面配置.
    admin = w.as_("admin")
    w.go(admin, "/screen-settings/")
    with admin.expect_navigation():
        admin.locator("a[href$='/screen-settings/UnitView']").first.click()
    w.page_ok(admin)
    admin.locator('[name="label_name"]').fill("单位全称")
    w.submit(admin, "保存")
    w.shot(admin, "管理员-界面配置", "界面配置已保存")
    w.check()
    # what the buttons left on those pages answered: read with the screenshots (issue 13 walk report)
    (w.folder / "refusals.txt").write_text("\n".join(refusals) + "\n", encoding="utf-8")
