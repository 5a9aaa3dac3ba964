"""Forms in a real browser (issue 14 item 1): what was typed survives a paste, an impossible date and an expired
session; the liaison reaches the ledger in two clicks; an anonymous petition arrives through the QR link.
Harness: tests/browser_walk.py."""

from __future__ import annotations

from datetime import date

import pytest

from tests import browser_walk
from tests.browser_walk import TIMEOUT_MS

pytestmark = [pytest.mark.browser, pytest.mark.slow]
chromium, served, walk = browser_walk.chromium, browser_walk.served, browser_walk.walk  # the harness's fixtures


def test_forms_keep_what_was_typed_and_the_liaison_reaches_the_ledger(walk, served, tmp_path):
    """Issue 14 items 1 and 6: an impossible date is refused naming the field, a pasted date survives leaving the
    field, a login that times out mid-form loses nothing (the draft comes back after logging in again), and the
    liaison downloads and uploads the unit's ledger from the home page; the liaison's phone screen too."""
    w = walk
    office = w.as_("office")
    w.go(office, "/roundview/add")
    w.fill(office, {"name": "2028年第一轮巡察", "year": 2028, "kind": "常规", "starts_on": "2028-02-30"})
    with office.expect_navigation():
        office.locator("form.xct-form [type=submit]").first.click()
    body = office.locator("body").inner_text()
    assert "「开始日期」不是有效的日期：2028-02-30" in body or "不是有效的日期：2028-02-30" in body, body[:800]
    assert office.locator('[name="starts_on"]').input_value() == "2028-02-30"
    w.shot_error(office, "不可能的日期")

    # a paste: text arrives without key presses; leaving the field keeps it as pasted
    date_box = office.locator('[name="starts_on"]')
    date_box.fill("")
    date_box.focus()
    office.keyboard.insert_text("2028-03-01")
    office.locator("h1").first.click()
    assert date_box.input_value() == "2028-03-01"

    # the login times out while the clerk types a long note; submitting leads to the login, then back to the form
    note = "本轮巡察重点关注科研经费管理和选人用人情况。" * 20
    w.fill(office, {"note": note})
    office.wait_for_timeout(600)  # drafts.js saves 300 ms after the last keystroke
    _expire_logins(served[0], "office")
    with office.expect_navigation():
        office.locator("form.xct-form [type=submit]").first.click()
    assert "/login/" in office.url, office.url
    assert "登录已超时" in office.locator("body").inner_text()
    from seeds.demo import DEMO_PASSWORD

    office.fill("#username", "office")
    office.fill("#password", DEMO_PASSWORD)
    with office.expect_navigation():
        office.locator("form [type=submit]").first.click()
    assert "/roundview/add" in office.url, office.url
    assert "已恢复您上次未提交的内容" in office.locator(".xct-draft-note").inner_text()
    assert office.locator('[name="note"]').input_value() == note
    assert office.locator('[name="name"]').input_value() == "2028年第一轮巡察"
    w.shot(office, "恢复未提交的内容", "已恢复您上次未提交的内容")
    w.submit(office)
    assert "/roundview/add" not in office.url, office.url
    drafts = office.evaluate("Object.keys(localStorage).filter(k => k.startsWith('xct.draft:'))")
    assert drafts == [], drafts

    # the liaison: 下载整改台账 and 上传整改台账 straight from the home page
    liaison = w.as_("liaison")
    w.go(liaison, "/")
    with liaison.expect_download() as download:
        liaison.get_by_role("link", name="下载整改台账").first.click()
    assert download.value.suggested_filename.endswith(".xlsx"), download.value.suggested_filename
    w.go(liaison, "/")
    w.click(liaison, "上传整改台账")
    w.shot(liaison, "上传整改台账", "上传整改台账")
    # on a phone: the menu slides in, a list row is a card with its key column first
    liaison.set_viewport_size({"width": 390, "height": 844})
    w.go(liaison, "/")
    w.shot(liaison, "联络人手机首页", "整改台账")
    w.go(liaison, "/rectificationitemview/list/")
    w.shot(liaison, "联络人手机台账")
    key = liaison.locator(".xct-list-table td.xct-key").first
    if key.count():
        box, actions = key.bounding_box(), liaison.locator(".xct-list-table .xct-row-actions").first.bounding_box()
        assert box and actions and box["y"] < actions["y"], "手机上关键列没有排在最前"
    w.check()


def _expire_logins(app, username: str) -> None:
    """The user's logins as if idle past SESSION_IDLE_MINUTES (app.sessions reads these times)."""
    from datetime import datetime

    import sqlalchemy as sa

    from app.extensions import db
    from schema.auth import UserSession

    with app.app_context():
        user = app.appbuilder.sm.find_user(username=username)
        db.session.execute(sa.update(UserSession).where(UserSession.user_id == user.id)
                           .values(last_seen_at=datetime(2000, 1, 1), created_at=datetime(2000, 1, 1)))
        db.session.commit()


def test_anonymous_petition_from_the_qr_link(walk, served):
    """码上巡察 (issue 17 §2): the team's page shows the QR link; a person with no login submits from it, gets a
    receipt code; the team finds the petition in the register and replies; the reply reads back with the code; the
    stored row and its history hold no address or browser."""
    import sqlalchemy as sa

    import schema as m
    from app.commands.intake import _answer, _nonce
    from app.extensions import db
    from app.uow import transaction

    app, base = served
    today = date.today()
    with app.app_context(), transaction():
        handed = sa.select(m.ArchiveVolume.inspection_id).where(m.ArchiveVolume.handed_over_on.is_not(None))
        team = sa.select(m.TeamMember.team_id).join(m.Person, m.Person.id == m.TeamMember.person_id).where(
            m.Person.username == "zuyuan")
        pk = db.session.scalar(sa.select(m.Inspection.id).where(m.Inspection.team_id.in_(team),
                                                                m.Inspection.id.not_in(handed)).order_by(m.Inspection.id))
        db.session.execute(sa.update(m.Inspection).where(m.Inspection.id == pk).values(
            work_start=today, work_end=today.replace(year=today.year + 1)))
    team_page = walk.as_("zuyuan")
    walk.go(team_page, f"/inspectionview/show/{pk}")
    link = team_page.locator("#intake-link").get_attribute("href")
    assert team_page.locator("#intake-panel img").evaluate("i => i.complete && i.naturalWidth") > 0
    walk.shot(team_page, "码上巡察二维码", "码上巡察")

    context = walk.browser.new_context(locale="zh-CN", viewport={"width": 420, "height": 900})  # a phone, no login
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    walk._watch(context, page, "匿名")
    try:
        page.goto(link)
        matter = "某实验室设备采购价格明显高于市场价（浏览器测试）"
        page.fill("#matter", matter)
        page.fill("#contact", "qq:10001")
        captcha_id = page.locator("[name=captcha_id]").get_attribute("value")
        assert page.locator("img[alt=验证码图片]").evaluate("i => i.complete && i.naturalWidth") > 0
        with app.test_request_context():
            page.fill("#captcha", _answer(_nonce(captcha_id)))
        walk.shot(page, "网上反映", "反映的主要问题")
        with page.expect_navigation():
            page.locator("button[type=submit]").click()
        receipt, passphrase = page.locator("#receipt").inner_text(), page.locator("#passphrase").inner_text()
        walk.shot(page, "回执码", "回执码")
        assert context.cookies() == [], "公开页面设置了 Cookie"

        with app.app_context():
            row = db.session.scalar(sa.select(m.Petition).where(m.Petition.receipt_code == receipt))
            code, pid = row.code, row.id
            stored = " ".join(str(getattr(row, c.key)) for c in m.Petition.__table__.columns)
            history = db.session.execute(sa.select(m.ChangeLog.actor, m.ChangeLog.remote_addr).where(
                m.ChangeLog.entity == "petition", m.ChangeLog.entity_id == pid)).all()
        assert "127.0.0.1" not in stored and "Chrome" not in stored
        assert history and all(addr is None for _, addr in history), history

        assert walk.show_of(team_page, "petitionview", code) == pid
        walk.go(team_page, f"/petitionview/show/{pid}")
        assert "网络" in team_page.locator("body").inner_text()
        walk.click(team_page, "答复信访人")
        walk.fill(team_page, {"reply": "已收到，巡察组正在核实。"})
        walk.submit(team_page)
        walk.shot(team_page, "答复信访人", "已答复")

        page.goto(base + "/intake/status")
        page.fill("#receipt", receipt)
        page.fill("#passphrase", passphrase)
        with page.expect_navigation():
            page.locator("button[type=submit]").click()
        assert page.locator("#reply").inner_text() == "已收到，巡察组正在核实。"
        assert page.locator("#status").inner_text() == "巡察组已答复"
        walk.shot(page, "查询答复", "巡察组已答复")
    finally:
        context.close()


