"""Forms that help and paths that are short (issue 14 items 1, 2, 3, 6): relation dropdowns search on the server
within the reader's scope and depend on each other, an empty add form starts from sensible defaults, the page knows
how long its login lasts, the login page is our own, the liaison reaches the ledger in two clicks and cannot delete
its rows, and a production install carries ECharts with its licence."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

import schema as m
from tests.conftest import demo_world, rows, scalar

ROOT = Path(__file__).resolve().parent.parent
SELECT = r'<select[^>]*name="{}"[^>]*>.*?</select>'


def select_of(html: str, name: str) -> str:
    found = re.search(SELECT.format(re.escape(name)), html, re.S)
    assert found, f"表单没有字段 {name}"
    return found.group(0)


def offered_ids(client, html: str, name: str, **parents) -> set[int]:
    """Every id a form's relation dropdown offers: its inline options, or all pages of its server search."""
    select = select_of(html, name)
    url = re.search(r'data-xct-choices="([^"]+)"', select)
    if url is None:
        return {int(v) for v in re.findall(r'<option[^>]*value="(\d+)"', select)}
    found, page = set(), 1
    while True:
        resp = client.get(url.group(1), query_string={"page": page, **parents})
        assert resp.status_code == 200, (url.group(1), resp.status_code)
        found |= {int(r["id"]) for r in resp.json["results"]}
        if not resp.json["pagination"]["more"]:
            return found
        page += 1


def filter_offered(client, path: str, name: str) -> set[int]:
    """Every id a list's relation filter offers: FAB's search widget carries its fields as JSON in the page; a
    relation over a growing table searches GET /choices/<View>/<field> (views/static/xct/choices.js sets it up when
    the filter is added), a short one (rounds) lists its scoped options."""
    resp = client.get(path)
    assert resp.status_code == 200, (path, resp.status_code)
    html = resp.get_data(as_text=True)
    for escaped, char in (("\\u003c", "<"), ("\\u003e", ">"), ("\\u0026", "&"), ('\\"', '"')):
        html = html.replace(escaped, char)
    return offered_ids(client, html, name)


def first_offered(client, html: str, name: str) -> str:
    return str(min(offered_ids(client, html, name)))


@pytest.fixture(scope="module")
def world(databases, tmp_path_factory):
    yield from demo_world(databases, tmp_path_factory, "forms")


def form_login(app, username):
    from seeds.demo import DEMO_PASSWORD

    client = app.test_client()
    assert client.post("/login/", data={"username": username, "password": DEMO_PASSWORD}).status_code == 302
    return client


# ---- item 2: server search, scope, dependent dropdowns, defaults ----


def test_person_dropdown_is_searched_on_the_server_not_inlined(world):
    app, _, _ = world
    client = form_login(app, "office")
    html = client.get("/talkview/add").get_data(as_text=True)
    select = select_of(html, "interviewee")
    assert 'data-xct-choices="/choices/TalkView/interviewee"' in select
    assert len(re.findall(r"<option", select)) <= 2, "人员下拉框把整张人员表写进了页面"
    people = scalar(app, sa.select(sa.func.count()).select_from(m.Person))
    assert len(offered_ids(client, html, "interviewee")) == people  # all of them, 20 a page
    name = scalar(app, sa.select(m.Person.name).order_by(m.Person.id).limit(1))
    hits = client.get("/choices/TalkView/interviewee", query_string={"q": name}).json["results"]
    assert hits and all(name in h["text"] for h in hits), hits
    # a field that is no relation of the form, a screen that does not exist, a form field to a reader who may not
    # write (the leader reads talks; interviewee is no filter of their list): not found
    assert client.get("/choices/TalkView/record").status_code == 404
    assert client.get("/choices/NoSuchView/interviewee").status_code == 404
    assert form_login(app, "leader").get("/choices/TalkView/interviewee").status_code == 404
    assert app.test_client().get("/choices/TalkView/interviewee").status_code == 404


def test_dependent_dropdowns_follow_the_round_and_stay_in_scope(world):
    app, _, _ = world
    client = form_login(app, "office")
    html = client.get("/inspectionview/add").get_data(as_text=True)
    assert 'data-xct-strict="round"' in select_of(html, "team")
    for round_id, in rows(app, sa.select(m.Round.id)):
        teams = {t for t, in rows(app, sa.select(m.Team.id).where(m.Team.round_id == round_id))}
        assert offered_ids(client, html, "team", round=round_id) == teams
    # an interviewee is usually of the inspected unit: its people come first, the others still follow
    insp, unit = rows(app, sa.select(m.Inspection.id, m.Inspection.unit_id)
                      .where(m.Inspection.unit_id.in_(sa.select(m.Person.unit_id))).limit(1))[0]
    first = client.get("/choices/TalkView/interviewee", query_string={"inspection": insp}).json["results"][0]
    assert scalar(app, sa.select(m.Person.unit_id).where(m.Person.id == int(first["id"]))) == unit
    # a team member is offered only the own team's inspections, whatever the parameters say
    member = form_login(app, "zuyuan")
    mine = {i for i, in rows(app, sa.select(m.Inspection.id)
                                .join(m.TeamMember, m.TeamMember.team_id == m.Inspection.team_id)
                                .join(m.Person).where(m.Person.username == "zuyuan"))}
    page = member.get("/talkview/add").get_data(as_text=True)
    assert offered_ids(member, page, "inspection") == mine
    outside = scalar(app, sa.select(m.Inspection.id).where(m.Inspection.id.not_in(mine)).limit(1))
    refused = member.post("/talkview/add", data={"inspection": str(outside), "held_on": "2026-03-02",
                                                 "place": "谈话室"})
    saved = sa.select(sa.func.count()).select_from(m.Talk).where(m.Talk.inspection_id == outside,
                                                                 m.Talk.place == "谈话室")
    assert refused.status_code == 200 and scalar(app, saved) == 0


def test_an_empty_add_form_starts_from_the_current_round_the_reader_and_today(world):
    app, _, _ = world
    from views.choices import current_round

    with app.app_context():
        now_round = current_round()
        expected_round = (now_round.id, now_round.name)
    client = form_login(app, "zuzhang")
    html = client.get("/petitionview/add").get_data(as_text=True)
    assert re.search(r'name="received_on"[^>]*value="{}"'.format(date.today().isoformat()), html), "收到日期未默认今天"
    me = scalar(app, sa.select(m.Person.id).where(m.Person.username == "zuzhang"))
    assert re.search(rf'<option selected value="{me}"|<option value="{me}" selected', select_of(html, "registered_by")), \
        "登记人未默认为当前用户"
    inspection = form_login(app, "office").get("/inspectionview/add").get_data(as_text=True)
    chosen = re.search(r'<option[^>]*selected[^>]*value="(\d+)"|<option[^>]*value="(\d+)"[^>]*selected',
                       select_of(inspection, "round"))
    assert chosen and int(chosen.group(1) or chosen.group(2)) == expected_round[0], "新增巡察未默认当前轮次"
    # a value posted is never replaced by a default
    posted = client.post("/petitionview/add", data={"received_on": "2026-02-30"}).get_data(as_text=True)
    assert "2026-02-30" in posted and date.today().isoformat() not in select_of(posted, "registered_by")


def test_required_fields_are_marked_and_rule_fields_explained(world):
    app, _, _ = world
    html = form_login(app, "office").get("/talkview/add").get_data(as_text=True)
    assert re.search(r'for="held_on"[^>]*>\s*谈话日期\s*<strong[^>]*>&#42;</strong>', html), "必填字段没有 * 标记"
    assert 'class="help-block xct-required-note">带 <strong class="xct-req">&#42;</strong> 的为必填项' in html
    office = form_login(app, "office").get("/inspectionview/add").get_data(as_text=True)
    assert "规程二（二）2：巡察工作开展3-5个工作日前" in office, "有规则的字段没有显示规程条款"


# ---- item 1: the page knows how long its login lasts ----


def test_pages_carry_the_idle_time_and_alive_restarts_it(world):
    app, _, _ = world
    client = form_login(app, "office")
    html = client.get("/talkview/add").get_data(as_text=True)
    idle = int(app.config["SESSION_IDLE_TIMEOUT"].total_seconds())
    assert f'<meta name="xct-idle-seconds" content="{idle - 60}">' in html
    assert "xct/drafts.js" in html and "xct/choices.js" in html
    assert client.get("/session/alive").json == {"signed_in": True, "idle_seconds": idle - 60}
    assert app.test_client().get("/session/alive").json == {"signed_in": False, "idle_seconds": 0}


def test_drafts_never_store_passwords_and_are_cleared_on_logout():
    script = (ROOT / "views/static/xct/drafts.js").read_text(encoding="utf-8")
    assert '"password", "file", "hidden"' in script and "input[type=password]" in script
    assert "a[href*='/logout']" in script and "已恢复您上次未提交的内容" in script


# ---- item 3: the login page ----


def test_login_page_is_branded_and_self_contained(world):
    app, _, _ = world
    html = app.test_client().get("/login/").get_data(as_text=True)
    assert "巡察通" in html and "xct-login" in html and "校内巡察工作全流程管理" in html
    assert not re.search(r'(src|href)="(https?:)?//', html), "登录页引用了外部资源"


# ---- item 6: the liaison's ledger ----


def test_liaison_home_links_to_the_ledger_download_and_upload(world):
    app, _, _ = world
    client = form_login(app, "liaison")
    home = client.get("/").get_data(as_text=True)
    links = re.findall(r'href="(/ledger/(?:download|upload)/\d+)"', home)
    assert any("/download/" in u for u in links) and any("/upload/" in u for u in links), "联络人首页没有台账入口"
    assert "下载整改台账" in home and "上传整改台账" in home
    for url in links[:2]:
        assert client.get(url).status_code == 200, url
    assert "下载整改台账" not in form_login(app, "office").get("/").get_data(as_text=True)


def test_liaison_cannot_delete_a_ledger_row_of_the_unit(world):
    app, client, h = world
    insp = scalar(app, sa.select(m.Inspection.id).join(m.Unit).where(m.Unit.name == "材料科学与工程学院"))
    made = client.post("/api/v1/rectification_item/", headers=h("office"),
                       json={"inspection": insp, "task": "删除测试事项", "status": "未启动"})
    assert made.status_code == 201, made.get_json()
    iid = made.json["id"]
    refused = client.delete(f"/api/v1/rectification_item/{iid}", headers=h("liaison"))
    assert refused.status_code == 422 and "不能删除" in refused.json["message"], refused.get_json()
    screen = form_login(app, "liaison").post(f"/rectificationitemview/delete/{iid}", follow_redirects=True)
    assert "不能删除" in screen.get_data(as_text=True)
    assert scalar(app, sa.select(m.RectificationItem.id).where(m.RectificationItem.id == iid)) == iid
    assert client.delete(f"/api/v1/rectification_item/{iid}", headers=h("office")).status_code == 200
    assert scalar(app, sa.select(m.RectificationItem.id).where(m.RectificationItem.id == iid)) is None



def test_readers_search_their_list_filters_within_their_scope(world):
    app, _, _ = world
    # the leader only reads the ledger: its 巡察 filter searches every inspection
    leader = form_login(app, "leader")
    every = {i for i, in rows(app, sa.select(m.Inspection.id))}
    assert filter_offered(leader, "/rectificationitemview/list/", "inspection") == every
    # the liaison: only its own unit's inspections and their rounds, on a list it writes and one it only reads
    unit = scalar(app, sa.select(m.Person.unit_id).where(m.Person.username == "liaison"))
    own = {i for i, in rows(app, sa.select(m.Inspection.id).where(m.Inspection.unit_id == unit))}
    assert own and own < every
    liaison = form_login(app, "liaison")
    assert filter_offered(liaison, "/rectificationitemview/list/", "inspection") == own
    rounds = {r for r, in rows(app, sa.select(m.Inspection.round_id).where(m.Inspection.id.in_(own)))}
    assert filter_offered(liaison, "/inspectionview/list/", "round") == rounds
    teams = {t for t, in rows(app, sa.select(m.Inspection.team_id).where(m.Inspection.id.in_(own)))}
    assert filter_offered(liaison, "/inspectionview/list/", "team") <= teams
    # searching another unit's name, or asking for another unit's inspection by id, finds nothing
    other = rows(app, sa.select(m.Inspection.id, m.Unit.name).join(m.Unit).where(m.Inspection.unit_id != unit)
                 .limit(1))[0]
    url = "/choices/RectificationItemView/inspection"
    assert liaison.get(url, query_string={"q": other[1]}).json["results"] == []
    assert liaison.get(url, query_string={"id": other[0]}).json["results"] == []
    mine = liaison.get(url, query_string={"id": min(own)}).json["results"]
    assert [r["id"] for r in mine] == [str(min(own))]  # the label of an active filter, restored from its URL
    # a list the liaison may not read, and a form field of a list it only reads: not found
    assert liaison.get("/choices/TalkView/inspection").status_code == 404
    assert liaison.get("/choices/InspectionView/unit").status_code == 200  # a filter of the list it reads
    assert liaison.get("/choices/MeetingView/inspection").status_code == 404


def test_a_search_never_matches_a_masked_identity(world):
    app, _, _ = world
    name = scalar(app, sa.select(m.Petition.petitioner_name).where(m.Petition.petitioner_name.is_not(None),
                                                                     m.Petition.petitioner_name != "").limit(1))
    assert name, "演示数据应有署名信访件"
    hits = form_login(app, "office").get("/choices/ClueView/petition", query_string={"q": name})
    assert hits.status_code == 200 and hits.json["results"] == []
