"""Screenshots per role at desk and phone size (issue 14, “Done when”), kept as test artifacts.

Each of the 8 demo users (seeds.demo.DEMO_USERS) signs in at 1440×900 and at 390×844 and opens the home page and the
pages of their daily work (the first entry of the side menu they see, and the role's own key screens); each page is
checked as every browser page is (tests/browser_walk.py: no error shown, no console error, no answer ≥ 400), must
show the layout (side menu, breadcrumbs, a Chinese page title) and must not be wider than the window (a wide table
scrolls inside its own box), and is saved as PNG under $XCT_ARTIFACTS (default artifacts/screens/ at the repository
root, gitignored): <engine>/<size>/<user>-NN-<page>.png.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests import browser_walk
from tests.browser_walk import CJK, ROOT

pytestmark = [pytest.mark.browser, pytest.mark.slow]
chromium, served, walk = browser_walk.chromium, browser_walk.served, browser_walk.walk  # the harness's fixtures

SIZES = {"desk": (1440, 900), "phone": (390, 844)}
MENU_PAGES = 1  # the first entry of each user's side menu after the home page (我的待办)
# The screens each role works in most (an office clerk, a team's leader and member, the receiving department, the
# unit's liaison and the leader on a phone: issue 14 item 3).
KEY_PAGES = {
    "admin": ("/screen-settings/", "/personview/list/"),
    "leader": ("/dashboard/", "/inspectionview/list/", "/help/"),
    "office": ("/inspectionview/list/", "/inspectionview/show/{inspection}", "/clueview/list/"),
    "zuzhang": ("/inspectionview/show/{inspection}", "/talkview/list/"),
    "zuyuan": ("/talkview/list/", "/petitionview/list/"),
    "jiwei": ("/transferreceiptview/list/",),
    "liaison": ("/rectificationitemview/list/", "/feedbackview/list/", "/help/"),
    "dangban": ("/submissionview/list/", "/rectificationitemview/list/"),
}
# Each chart's plotting area (ECharts' grid) beside its element: long category labels must leave the bars room.
PLOTS = """() => Array.from(document.querySelectorAll('.xct-chart[data-rendered="1"]')).map(el => {
  const grid = echarts.getInstanceByDom(el).getModel().getComponent('grid');
  if (!grid) { return null; }
  const r = grid.coordinateSystem.getRect();
  return {chart: el.id, x: r.x, width: r.width, element: el.clientWidth};
}).filter(Boolean)"""
LAYOUT = """() => ({
  menu: document.querySelectorAll('.xct-menu a[href]').length,
  crumbs: document.querySelectorAll('.xct-breadcrumb li').length,
  title: (document.querySelector('h1.xct-page-title') || {}).innerText || '',
  overflow: document.documentElement.scrollWidth - window.innerWidth,
})"""


def artifacts() -> Path:
    return Path(os.environ.get("XCT_ARTIFACTS") or ROOT / "artifacts" / "screens")


def _slug(path: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", path.lower()).strip("-") or "home"


def test_every_role_at_desk_and_phone_size(walk, served, db_kind):
    import sqlalchemy as sa

    import schema as m
    from seeds.demo import DEMO_USERS
    from tests.conftest import scalar

    w, (app, _) = walk, served
    inspection = scalar(app, sa.select(sa.func.min(m.Inspection.id)).where(m.Inspection.team_id.in_(
        sa.select(m.TeamMember.team_id).join(m.Person).where(m.Person.username == "zuzhang"))))
    saved = []
    for size, (width, height) in SIZES.items():
        folder = artifacts() / db_kind / size
        folder.mkdir(parents=True, exist_ok=True)
        for who in DEMO_USERS:
            page = w.as_(who, (width, height))
            w.go(page, "/")
            menu = page.eval_on_selector_all(".xct-menu a[href]", "els => els.map(e => e.getAttribute('href'))")
            menu = [h for h in dict.fromkeys(menu) if h.startswith("/") and h != "/"]
            own = [p.format(inspection=inspection) for p in KEY_PAGES[who]]
            paths = list(dict.fromkeys(["/", *menu[:MENU_PAGES], *own]))
            for n, path in enumerate(paths, 1):
                w.go(page, path)
                if path == "/dashboard/":
                    page.locator(".xct-chart[data-rendered='1'] canvas").first.wait_for(state="visible")
                    plots = page.evaluate(PLOTS)
                    assert plots, f"[{who} {width}×{height}] 领导看板没有画出带坐标轴的图表"
                    for p in plots:  # at least 40 % of the chart's width for the bars, nothing pushed off the left
                        assert p["x"] >= 0 and p["width"] >= 0.4 * p["element"], f"[{who} {width}×{height}] {p}"
                seen = page.evaluate(LAYOUT)
                where = f"[{who} {width}×{height}] {path}"
                assert seen["menu"] > 3 and seen["crumbs"] >= 1 and CJK.search(seen["title"]), f"{where}：{seen}"
                assert seen["overflow"] <= 1, f"{where}：页面比窗口宽 {seen['overflow']}px"
                shot = folder / f"{who}-{n:02d}-{_slug(path)}.png"
                page.screenshot(path=str(shot), full_page=True)
                saved.append(shot)
            page.context.close()
            del w.pages[f"{who}-{width}x{height}"]
    assert len(saved) >= 2 * 2 * len(DEMO_USERS) and all(p.stat().st_size > 5_000 for p in saved)
    w.check()


def test_a_read_only_filter_searches_and_an_active_one_shows_its_row(walk, served):
    """A list's relation filter searches on the server for whoever reads the list (views/choices.py): added after the
    page loaded, it is set up by views/static/xct/choices.js; restored from the URL, it shows the chosen row."""
    import sqlalchemy as sa

    import schema as m
    from tests.browser_walk import UNIT
    from tests.conftest import scalar

    w, (app, _) = walk, served
    own = scalar(app, sa.select(sa.func.min(m.Inspection.id)).join(m.Unit).where(m.Unit.name == UNIT))
    for who in ("leader", "liaison"):  # the leader only reads the ledger; the liaison writes it
        page = w.as_(who)
        w.go(page, "/rectificationitemview/list/")
        page.evaluate("() => jQuery(\"#filter_form a.filter[name='inspection']\").trigger('click')")
        box = "#filter_form select[data-xct-choices]"
        ready = page.evaluate(f"() => {{ const s = jQuery(\"{box}\"); return s.length === 1 && !!s.data('xctDone'); }}")
        assert ready, f"{who}：筛选条件「巡察」没有改为服务器端搜索"
        found = page.evaluate(f"""async () => {{
            const r = await fetch(document.querySelector("{box}").getAttribute('data-xct-choices') + '?q=' +
                                  encodeURIComponent('{UNIT}'), {{credentials: 'same-origin'}});
            return (await r.json()).results.map(x => x.text); }}""")
        assert found and all(UNIT in text for text in found), f"{who}：{found}"
        w.go(page, f"/rectificationitemview/list/?_flt_0_inspection={own}")
        page.wait_for_function(f"() => jQuery(\"{box} option:selected\").text().includes('{UNIT}')")
        w.shot(page, f"{who}-巡察筛选", UNIT)
    w.check()
