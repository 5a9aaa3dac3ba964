"""领导看板 and the home page: each chart's numbers against counts written here in plain SQL on the demo data, the
viewer's scope, the links (each one filters its list to the same count), the page's scripts, and each role's home."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

import pytest
import sqlalchemy as sa

from tests.conftest import demo_app

SCAN_DAY = date(2026, 12, 2)  # the deadline rows the charts and home pages read, as of one fixed day
CHARTS = ("findings", "clues", "rectification", "deadlines", "trends", "coverage")
TEAM_INSPECTIONS = ("SELECT id FROM inspection WHERE team_id IN (SELECT tm.team_id FROM team_member tm "
                    "JOIN person p ON p.id = tm.person_id WHERE p.username = :u)")
SENT_CLUES = ("SELECT tc.clue_id FROM transfer_clue tc JOIN transfer t ON t.id = tc.transfer_id "
              "WHERE t.transferred_on IS NOT NULL")


@pytest.fixture(scope="module")
def dash_app(databases, tmp_path_factory):
    for application in demo_app(databases, tmp_path_factory, "dashboards"):
        with application.app_context():
            from app.audit import acting_as
            from app.commands.deadlines import scan

            with acting_as("测试：期限扫描"):
                scan(SCAN_DAY)
        yield application


@pytest.fixture(scope="module")
def clients(dash_app):
    from seeds.demo import DEMO_PASSWORD, DEMO_USERS

    out = {}
    for user in DEMO_USERS:
        client = dash_app.test_client()
        assert client.post("/login/", data={"username": user, "password": DEMO_PASSWORD}).status_code == 302
        out[user] = client
    return out


def sql(app, text: str, **params) -> list[tuple]:
    from app.extensions import db

    with app.app_context():
        return [tuple(r) for r in db.session.execute(sa.text(text), params).all()]


def chart(clients, user: str, name: str) -> dict:
    resp = clients[user].get(f"/api/v1/dashboard/{name}")
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.json["result"]


def points(data: dict) -> dict[tuple[str, str], int]:
    """(category, series) → value of a bar/line/pie chart."""
    return {(cat, s["name"]): v for s in data["series"] for cat, v in zip(data["categories"], s["data"])}


def nonzero(counts: dict) -> dict:
    return {k: v for k, v in counts.items() if v}


# ---------------------------------------------------------------------------------------------- the numbers

def where_team(user: str, column: str = "inspection_id") -> str:
    return "" if user == "office" else f" WHERE {column} IN ({TEAM_INSPECTIONS})"


@pytest.mark.parametrize("user", ["office", "zuzhang"])
def test_findings_by_aspect(dash_app, clients, user):
    expected = dict(sql(dash_app, "SELECT aspect, count(*) FROM finding" + where_team(user) + " GROUP BY aspect",
                        u=user))
    data = chart(clients, user, "findings")
    assert nonzero(dict(zip(data["categories"], data["series"][0]["data"]))) == expected
    assert sum(expected.values()) > 0


@pytest.mark.parametrize("user", ["office", "zuzhang"])
def test_clues_by_department_and_state(dash_app, clients, user):
    where = "" if user == "office" else f" WHERE c.inspection_id IN ({TEAM_INSPECTIONS}) AND c.id NOT IN ({SENT_CLUES})"
    rows = sql(dash_app, "SELECT COALESCE(u.name, '未定接收部门'), c.status, count(*) FROM clue c "
                         "LEFT JOIN unit u ON u.id = c.department_id" + where + " GROUP BY u.name, c.status", u=user)
    assert nonzero(points(chart(clients, user, "clues"))) == {(dep, st): n for dep, st, n in rows}


@pytest.mark.parametrize("user", ["office", "zuzhang"])
def test_rectification_by_unit(dash_app, clients, user):
    rows = sql(dash_app, "SELECT u.name || '（' || r.name || '）', i.status, count(*) FROM rectification_item i "
                         "JOIN inspection s ON s.id = i.inspection_id JOIN unit u ON u.id = s.unit_id "
                         "JOIN round r ON r.id = s.round_id" + where_team(user, "i.inspection_id")
                         + " GROUP BY u.name, r.name, i.status", u=user)
    data = chart(clients, user, "rectification")
    assert nonzero(points(data)) == {(cat, st): n for cat, st, n in rows}
    done = {(row["unit"], row["round"][:4]): (row["done"], row["total"]) for row in data["completion"]}
    if user == "office":  # golden, from seeds/demo_records.py: of 学工部's two 2025 rows one is 销号 and the other
        # found 反弹 by the 2026 回头看 (which opens a new row); 图书馆 has none 销号 yet
        assert done[("党委学生工作部", "2025")] == (1, 2) and done[("党委学生工作部", "2026")] == (0, 1)
        assert done[("图书馆", "2026")][0] == 0


def test_rectification_draws_the_top_inspections_and_the_rest_as_other(dash_app, clients, monkeypatch):
    from app import dashboards

    monkeypatch.setattr(dashboards, "TOP_N", 2)
    open_rows = sql(dash_app, "SELECT inspection_id, sum(CASE WHEN status <> '已销号' THEN 1 ELSE 0 END), count(*) "
                              "FROM rectification_item GROUP BY inspection_id ORDER BY 2 DESC, 3 DESC, 1")
    assert len(open_rows) > 2  # the demo has more inspections with 台账 rows than bars here
    data = chart(clients, "office", "rectification")
    assert len(data["categories"]) == 3 and data["categories"][-1] == "其他"
    assert [row["inspection_id"] for row in data["completion"]] == [ins for ins, _o, _n in open_rows[:2]]
    other = sum(s["data"][-1] for s in data["series"])
    assert other == sum(n for _i, _o, n in open_rows[2:]) and all(s["links"][-1] is None for s in data["series"])
    total = sql(dash_app, "SELECT count(*) FROM rectification_item")[0][0]
    assert sum(sum(s["data"]) for s in data["series"]) == total


@pytest.mark.parametrize("user", ["office", "zuzhang"])
def test_deadlines_by_colour(dash_app, clients, user):
    expected = dict(sql(dash_app, "SELECT level, count(*) FROM deadline" + where_team(user) + " GROUP BY level",
                        u=user))
    data = chart(clients, user, "deadlines")
    assert nonzero(dict(zip(data["levels"], data["series"][0]["data"]))) == expected
    assert expected.get("danger") and expected.get("success")


@pytest.mark.parametrize("user", ["office", "zuzhang"])
def test_yearly_trends(dash_app, clients, user):
    data = points(chart(clients, user, "trends"))
    for table, name in (("finding", "发现问题"), ("clue", "问题线索"), ("rectification_item", "整改事项")):
        where = where_team(user, "t.inspection_id")
        if table == "clue" and user != "office":
            where += f" AND t.id NOT IN ({SENT_CLUES})"
        rows = sql(dash_app, f"SELECT r.year, count(*) FROM {table} t JOIN inspection s ON s.id = t.inspection_id "
                             f"JOIN round r ON r.id = s.round_id{where} GROUP BY r.year", u=user)
        assert {y: n for (y, s), n in data.items() if s == name and n} == {str(y): n for y, n in rows}, table


@pytest.mark.parametrize("user", ["office", "zuzhang"])
def test_coverage_grid(dash_app, clients, user):
    data = chart(clients, user, "coverage")
    assert data["categories"] == [str(y) for y in range(SCAN_DAY.year - 4, SCAN_DAY.year + 1)] or \
        data["categories"][-1] == str(date.today().year)
    years = [int(y) for y in data["categories"]]
    rows = sql(dash_app, "SELECT u.name, r.year, count(*) FROM inspection s JOIN unit u ON u.id = s.unit_id "
                         "JOIN round r ON r.id = s.round_id WHERE r.year BETWEEN :a AND :b"
                         + ("" if user == "office" else f" AND s.id IN ({TEAM_INSPECTIONS})")
                         + " GROUP BY u.name, r.year", u=user, a=years[0], b=years[-1])
    cells = {(data["units"][y], years[x]): n for x, y, n in data["series"][0]["data"] if n}
    assert cells == {(unit, year): n for unit, year, n in rows}
    inspectable = {name for (name,) in sql(dash_app, "SELECT name FROM unit WHERE kind <> '职能部门'")}
    assert set(data["units"]) == inspectable | {unit for unit, _y, _n in rows}
    assert set(data["never"]) == inspectable - {unit for unit, _y, _n in rows}
    assert "纪委监察室" not in data["units"]  # a receiving department, not a unit to be inspected
    assert "后勤集团" in data["units"]


def test_coverage_term_is_a_setting(dash_app, clients):
    dash_app.config.update(XCT_TERM_START_YEAR=2024, XCT_TERM_YEARS=3)
    try:
        data = chart(clients, "office", "coverage")
    finally:
        dash_app.config.update(XCT_TERM_START_YEAR=None, XCT_TERM_YEARS=None)
    assert data["categories"] == ["2024", "2025", "2026"]
    assert data["title"] == "一届任期巡察全覆盖（2024—2026年）"


# ---------------------------------------------------------------------------------------------- scope, roles

def test_team_leader_sees_only_own_team(dash_app, clients):
    office = sum(chart(clients, "office", "findings")["series"][0]["data"])
    mine = sum(chart(clients, "zuzhang", "findings")["series"][0]["data"])
    assert 0 < mine < office
    # one bar per inspection, named 单位（轮次）: a unit may also have inspections of other teams (学工部 in 2025)
    others = {f"{unit}（{rnd}）" for unit, rnd in sql(
        dash_app, "SELECT u.name, r.name FROM inspection s JOIN unit u ON u.id = s.unit_id JOIN round r "
                  f"ON r.id = s.round_id WHERE s.id NOT IN ({TEAM_INSPECTIONS})", u="zuzhang")}
    shown = set(chart(clients, "zuzhang", "rectification")["categories"])
    assert shown and not shown & others


@pytest.mark.parametrize("user", ["liaison", "jiwei", "dangban", "zuyuan"])
def test_roles_without_dashboard_get_403(clients, user):
    assert clients[user].get("/dashboard/").status_code == 403
    resp = clients[user].get("/api/v1/dashboard/findings")
    assert resp.status_code == 403 and resp.json["message"] == "没有权限查看领导看板"


@pytest.mark.parametrize("user", ["admin", "leader", "office", "zuzhang"])
def test_dashboard_roles_open_it(clients, user):
    resp = clients[user].get("/dashboard/")
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert html.count('class="xct-chart"') == len(CHARTS) and "领导看板" in html


def test_menu_entry_is_top_level(clients):
    """In the side menu (appbuilder/xct_menu.html): an entry of the menu's own list, not inside a category's group."""
    html = clients["leader"].get("/dashboard/").get_data(as_text=True)
    menu = html[html.index('<ul class="xct-menu">'):]
    entry = re.search(r'<a href="/dashboard/"><i class="fa fa-fw fa-bar-chart"></i>\s*'
                      r'<span class="xct-label">领导看板</span></a>', menu)
    assert entry
    before = menu[:entry.start()]
    assert before.count("<ul") - before.count("</ul>") == 1  # only the menu's own list is open around it


def test_unknown_chart_is_404_in_chinese(clients):
    resp = clients["office"].get("/api/v1/dashboard/nope")
    assert resp.status_code == 404 and "没有图表" in resp.json["message"]


def test_anonymous_is_asked_to_log_in(dash_app):
    client = dash_app.test_client()
    assert client.get("/api/v1/dashboard/findings").status_code == 401
    assert client.get("/dashboard/").status_code == 302


# ---------------------------------------------------------------------------------------------- links

def list_ids(client, url: str) -> set[int]:
    route = url.split("/list/")[0]
    view = {"/findingview": "FindingView", "/clueview": "ClueView", "/rectificationitemview": "RectificationItemView",
            "/deadlineview": "DeadlineView", "/roundview": "RoundView", "/inspectionview": "InspectionView"}[route]
    resp = client.get(f"{url}{'&' if '?' in url else '?'}psize_{view}=100")
    assert resp.status_code == 200, url
    return {int(pk) for pk in re.findall(rf"{route}/show/(\d+)", resp.get_data(as_text=True))}


@pytest.mark.parametrize("user", ["office", "zuzhang"])
@pytest.mark.parametrize("name", ["findings", "clues", "rectification", "deadlines"])
def test_each_link_filters_its_list_to_the_same_count(dash_app, clients, user, name):
    data = chart(clients, user, name)
    followed = 0
    for series in data["series"]:
        for value, url in zip(series["data"], series["links"]):
            if url is None:
                continue
            if value or followed < 3:  # every point with rows, and a few empty ones (the filter then shows none)
                assert len(list_ids(clients[user], url)) == value, (url, value)
                followed += 1
    assert followed


def test_trend_links_open_the_rounds_of_the_year(dash_app, clients):
    data = chart(clients, "office", "trends")
    for year, url in zip(data["categories"], data["series"][0]["links"]):
        expected = {pk for (pk,) in sql(dash_app, "SELECT id FROM round WHERE year = :y", y=int(year))}
        assert list_ids(clients["office"], url) == expected


def test_coverage_links_open_the_inspections(dash_app, clients):
    data = chart(clients, "office", "coverage")
    opened = 0
    for (x, y, n), url in zip(data["series"][0]["data"], data["series"][0]["links"]):
        if not n:
            assert url is None
            continue
        resp = clients["office"].get(url)
        assert resp.status_code == 200 and data["units"][y] in resp.get_data(as_text=True)
        opened += 1
    assert opened


# ---------------------------------------------------------------------------------------------- the page

def test_page_loads_only_local_scripts_with_the_nonce(clients, monkeypatch):
    import views.dashboards

    monkeypatch.setattr(views.dashboards, "echarts_available", lambda: True)
    resp = clients["office"].get("/dashboard/")
    html = resp.get_data(as_text=True)
    scripts = re.findall(r"<script\b([^>]*)>", html)
    srcs = [re.search(r'src="([^"]*)"', attrs).group(1) for attrs in scripts if "src=" in attrs]
    # static URLs carry ?v=<content hash> for caching (app.web.versioned_static): compared by path
    paths = [src.split("?")[0] for src in srcs]
    assert "/static/xct/xct/vendor/echarts.min.js" in paths and "/static/xct/xct/charts.js" in paths
    echarts = next(attrs for attrs in scripts if "/static/xct/xct/vendor/echarts.min.js" in attrs)
    # (no ?v= where the file is not installed: the monkeypatch above pretends it is)
    assert re.search(r'src="/static/xct/xct/vendor/echarts\.min\.js(\?v=[0-9a-f]+)?"', echarts)
    assert re.search(r'nonce="[^"]+"', echarts)
    for src in srcs:
        assert src.startswith("/") and not src.startswith("//"), src
    assert all("nonce=" in attrs for attrs in scripts)
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)
    csp = resp.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "http" not in csp


def test_charts_carry_option_and_links(clients):
    import html as htmllib
    import json

    page = clients["office"].get("/dashboard/").get_data(as_text=True)
    div = re.search(r"""id="chart-findings"[^>]*data-chart='([^']*)' data-links='([^']*)'""", page)
    option, links = json.loads(htmllib.unescape(div.group(1))), json.loads(htmllib.unescape(div.group(2)))
    assert option["xAxis"]["data"][0] == "党的领导" and option["series"][0]["type"] == "bar"
    assert links[0][0].startswith("/findingview/list/?_flt_0_aspect=")  # aspect is a choice: equal is 0


def test_echarts_missing_says_how_to_install(clients, monkeypatch):
    import views.dashboards

    monkeypatch.setattr(views.dashboards, "ECHARTS_FILE", "xct/vendor/missing.js")
    resp = clients["office"].get("/dashboard/")
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "图表组件未安装" in html and "npm ci --no-audit --no-fund" in html and "scripts/start.sh" in html
    assert "missing.js" not in html and "charts.js" not in html


def test_static_files_are_served(clients):
    import views.dashboards

    resp = clients["office"].get("/static/xct/xct/charts.js")
    assert resp.status_code == 200 and b"xct-chart" in resp.data
    resp.close()
    icon = clients["office"].application.test_client().get("/favicon.ico")  # asked by every browser, signed in or not
    assert icon.status_code == 200 and icon.mimetype == "image/svg+xml" and b"<svg" in icon.data
    icon.close()
    with clients["office"].application.app_context():
        present = views.dashboards.echarts_available()
    if present:  # installed by scripts/assets.sh (start.sh, test.sh)
        resp = clients["office"].get("/static/xct/xct/vendor/echarts.min.js")
        assert resp.status_code == 200 and b"echarts" in resp.data[:2000]
        resp.close()


# ---------------------------------------------------------------------------------------------- home pages

def home(clients, user: str) -> str:
    resp = clients[user].get("/")
    assert resp.status_code == 200
    return resp.get_data(as_text=True)


def section(html: str, name: str) -> str:
    return re.search(rf'id="home-{name}">(.*?)<!-- /home-{name} -->', html, re.S).group(1)


def test_office_home(dash_app, clients):
    html = home(clients, "office")
    review = section(html, "review")
    item = sql(dash_app, "SELECT id FROM rectification_item WHERE task = '健全网络阵地三审三校制度'")[0][0]
    clue = sql(dash_app, "SELECT id FROM clue WHERE code = 'XS2026-05-004'")[0][0]
    petition = sql(dash_app, "SELECT id FROM petition WHERE code = 'XC2026-05-002'")[0][0]
    assert re.search(r"待审核销号的整改台账事项</strong> <span class=\"badge\">2</span>", review)
    assert f'href="/rectificationitemview/show/{item}">健全网络阵地三审三校制度' in review
    assert f'href="/clueview/show/{clue}">XS2026-05-004' in review
    assert f'href="/petitionview/show/{petition}">XC2026-05-002' in review
    due = section(html, "due")
    overdue = sql(dash_app, "SELECT id FROM deadline WHERE code = 'D9' AND status = 'overdue'")[0][0]
    assert f'href="/deadlineview/show/{overdue}">D9 整改情况报告' in due and "图书馆" in due


def test_team_leader_home_is_own_team(dash_app, clients):
    html = home(clients, "zuzhang")
    review = section(html, "review")
    assert re.search(r"待组长审阅的谈话记录</strong> <span class=\"badge\">2</span>", review)
    # a displayed name carries no interviewee (issue 13 item 3): the date identifies the talk on the page
    assert "个别谈话 #" in review and "（2026-11-18）" in review and "（2026-11-24）" in review
    assert "丁一凡" not in review and "蒋红" not in review
    assert "待审核销号" not in review and "XC2026-05-002" not in review  # 巡察办's queues
    due = section(html, "due")
    assert "D2 巡察通知下发" in due and "图书馆" not in due  # 图书馆 is the other team's inspection
    ids = {int(pk) for pk in re.findall(r"/deadlineview/show/(\d+)", due)}
    mine = {pk for (pk,) in sql(dash_app, f"SELECT id FROM deadline WHERE inspection_id IN ({TEAM_INSPECTIONS})",
                                u="zuzhang")}
    assert ids and ids <= mine


@pytest.mark.parametrize("user, title", [("jiwei", "待签收的移送线索"), ("liaison", "被退回的整改台账事项"),
                                         ("dangban", "待办理的提交事项")])
def test_other_roles_home_queues(clients, user, title):
    review = section(home(clients, user), "review")
    assert title in review and "待巡察办审核" not in review


def test_liaison_home_shows_own_unit_returned_item(dash_app, clients):
    """图书馆's returned 台账 row (demo) is for 图书馆's liaison only: liaison 谢婷 of another unit sees none."""
    unit = sql(dash_app, "SELECT u.name FROM person p JOIN unit u ON u.id = p.unit_id WHERE p.username = 'liaison'")
    returned = sql(dash_app, "SELECT u.name FROM rectification_item i JOIN inspection s ON s.id = i.inspection_id "
                             "JOIN unit u ON u.id = s.unit_id WHERE i.status = '退回'")
    review = section(home(clients, "liaison"), "review")
    count = int(re.search(r"被退回的整改台账事项</strong> <span class=\"badge\">(\d+)</span>", review).group(1))
    assert count == Counter(name for (name,) in returned)[unit[0][0]]
    assert "开展数据库使用绩效评估" not in review or unit[0][0] == "图书馆"


def test_recent_records_are_mine_and_in_scope(dash_app, clients):
    client = clients["zuzhang"]
    # a finding of an inspection whose archive is not handed over (after 八（二） it is read-only)
    finding = sql(dash_app, f"SELECT id, summary FROM finding WHERE inspection_id IN ({TEAM_INSPECTIONS}) "
                            "AND inspection_id NOT IN (SELECT inspection_id FROM archive_volume "
                            "WHERE handed_over_on IS NOT NULL) ORDER BY id LIMIT 1", u="zuzhang")[0]
    page = client.get(f"/findingview/edit/{finding[0]}").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    resp = client.get(f"/api/v1/finding/{finding[0]}")
    assert resp.status_code == 200
    headers = {"X-CSRFToken": token.group(1)} if token else {}
    resp = client.put(f"/api/v1/finding/{finding[0]}", json={"summary": finding[1] + "（已修改）"}, headers=headers)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    recent = section(home(clients, "zuzhang"), "recent")
    assert f'修改：<a href="/findingview/show/{finding[0]}">' in recent
    assert "暂无记录" in section(home(clients, "zuyuan"), "recent")  # someone else's change is not "mine"


@pytest.mark.parametrize("user", ["office", "zuzhang", "liaison", "jiwei"])
def test_the_home_page_loads_what_it_names_once_not_per_row(dash_app, clients, user):
    """Issue 18 item 1: the 即将到期 rows name their inspection, transfer or submission; those are loaded for all rows
    in one statement each, never by a lazy load per row (a statement ending "WHERE inspection.id = ?")."""
    from app.extensions import db

    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        seen.append(" ".join(statement.split()))

    with dash_app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        html = home(clients, user)
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    per_row = [s for s in seen if re.search(r"FROM (inspection|transfer|submission|round|unit) WHERE \1\.id = "
                                            r"(\?|%\(\w+\)s)$", s)]
    assert "home-due" in html and seen and not per_row, per_row


def test_anonymous_home_is_the_login_page_button(dash_app):
    html = dash_app.test_client().get("/").get_data(as_text=True)
    assert "登录" in html and "home-due" not in html


@pytest.mark.parametrize("user", ["office", "zuzhang"])
def test_headline_numbers_count_within_the_scope(dash_app, clients, user):
    """Issue 14 item 6: 本届巡察, 在办线索, 已逾期, 销号率 above the charts, each a COUNT in the viewer's scope."""
    from app.dashboards import term_years

    with dash_app.app_context():
        years = term_years()
    team = "" if user == "office" else f" AND {{c}} IN ({TEAM_INSPECTIONS})"
    inspections = sql(dash_app, "SELECT count(*) FROM inspection s JOIN round r ON r.id = s.round_id "
                                "WHERE r.year BETWEEN :a AND :b" + team.format(c="s.id"), a=years[0], b=years[-1],
                      u=user)[0][0]
    sent = "" if user == "office" else f" AND id NOT IN ({SENT_CLUES})"  # 六（二）3: the team keeps no sent clue
    clues = sql(dash_app, "SELECT count(*) FROM clue WHERE status <> '已办结'" + team.format(c="inspection_id")
                + sent, u=user)[0][0]
    overdue = sql(dash_app, "SELECT count(*) FROM deadline WHERE level = 'danger'" + team.format(c="inspection_id"),
                  u=user)[0][0]
    done, total = sql(dash_app, "SELECT sum(CASE WHEN status = '已销号' THEN 1 ELSE 0 END), count(*) "
                                "FROM rectification_item WHERE 1 = 1" + team.format(c="inspection_id"), u=user)[0]
    numbers = {n["key"]: n for n in chart(clients, user, "headline")["numbers"]}
    assert {k: n["value"] for k, n in numbers.items()} == {
        "inspections": inspections, "open_clues": clues, "overdue": overdue,
        "closed_rate": round(int(done) * 100 / total, 1)}
    assert inspections and clues and overdue and total and numbers["closed_rate"]["detail"] == f"{int(done)}/{total}"
    page = clients[user].get("/dashboard/").get_data(as_text=True)
    shown = re.findall(r'data-key="(\w+)">\s*<div class="panel-body">\s*<div[^>]*>([^<]*)</div>\s*'
                       r'<div class="xct-number-value[^"]*">\s*([\d.]+)', page)
    assert [(k, float(v)) for k, _label, v in shown] == [(k, float(n["value"])) for k, n in numbers.items()]
    assert len(list_ids(clients[user], numbers["overdue"]["link"])) == overdue  # the number opens its rows


def test_a_zero_slice_has_no_label():
    """Issue 14 item 6 “no labels on zero slices”."""
    from views.dashboards import echarts_option

    option = echarts_option({"title": "期限预警", "kind": "pie", "categories": ["红", "绿"], "colours": ["r", "g"],
                             "series": [{"name": "期限数", "data": [0, 3], "links": [None, None]}]})
    red, green = option["series"][0]["data"]
    assert red["label"] == {"show": False} and red["labelLine"] == {"show": False} and "label" not in green


def test_a_queue_counts_every_waiting_row_in_scope_beyond_those_it_lists(dash_app, clients):
    """The badge counts every row waiting, though the queue lists only SHOWN of them (the count is its own scan of
    the table, not one per listed row)."""
    import schema as m
    from app.extensions import db
    from app.home import SHOWN

    with dash_app.app_context():
        insp = db.session.scalar(sa.select(m.Inspection).order_by(m.Inspection.id))
        added = [m.Clue(inspection=insp, source="信访", category="作风", summary=f"测试排队线索{i}", status="巡察办审核")
                 for i in range(SHOWN + 3)]
        db.session.add_all(added)
        db.session.commit()
        ids = [c.id for c in added]
    try:
        waiting = sql(dash_app, "SELECT count(*) FROM clue WHERE status = '巡察办审核'")[0][0]
        assert waiting > SHOWN
        review = section(home(clients, "office"), "review")
        shown = re.search(r"待巡察办审核的问题线索</strong> <span class=\"badge\">(\d+)</span>(.*?)</ul>", review, re.S)
        assert int(shown.group(1)) == waiting
        assert shown.group(2).count("/clueview/show/") == SHOWN and f"另有 {waiting - SHOWN} 项" in review
    finally:
        with dash_app.app_context():
            db.session.execute(sa.delete(m.Clue).where(m.Clue.id.in_(ids)))
            db.session.commit()
