"""Screens a clerk works in all day (issue 14): every menu page of every demo role has the side menu, breadcrumbs and
a page title and shows no internals; forms keep what was typed (strict dates, a related tab's fixed parent, no
`__None`); static files carry a version and are cached."""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from seeds.demo import DEMO_USERS
from tests.test_screens_forms import first_offered

INTERNALS = ("__None", "object at 0x", "built-in method", "Traceback")
MENU_LINK = re.compile(r'<nav class="navbar-side xct-sidebar".*?</nav>', re.S)
HREF = re.compile(r'href="(/[^"#]*)"')
TITLE = re.compile(r'<h1 class="xct-page-title">\s*([^<\s][^<]*?)\s*</h1>')


def menu_pages(html: str) -> list[str]:
    nav = MENU_LINK.search(html)
    assert nav, "页面没有侧边菜单"
    return list(dict.fromkeys(HREF.findall(nav.group(0))))


CRUMBS = re.compile(r'<ol class="breadcrumb xct-breadcrumb">(.*?)</ol>', re.S)
CRUMB = re.compile(r"<li[^>]*>(.*?)</li>", re.S)


def crumbs(url: str, html: str) -> list[str]:
    """The breadcrumb trail's texts, 首页 first (views/templates/appbuilder/baselayout.html)."""
    trail = CRUMBS.search(html)
    assert trail, f"{url}：没有面包屑"
    texts = [re.sub(r"<[^>]+>", "", li).strip() for li in CRUMB.findall(trail.group(1))]
    assert texts and texts[0] == "首页", f"{url}：面包屑不从首页开始：{texts}"
    return texts


def assert_layout(url: str, html: str) -> None:
    assert 'id="xct-sidebar"' in html and MENU_LINK.search(html), f"{url}：没有侧边菜单"
    crumbs(url, html)
    title = TITLE.search(html)
    assert title and re.search(r"[\u4e00-\u9fff]", title.group(1)), f"{url}：没有中文页面标题"
    for bad in INTERNALS:
        assert bad not in html, f"{url}：页面含有「{bad}」"


@pytest.mark.parametrize("username", sorted(DEMO_USERS))
def test_every_menu_page_has_menu_breadcrumbs_and_title(app, login, username):
    client = login(username)
    home = client.get("/")
    assert home.status_code == 200
    html = home.get_data(as_text=True)
    assert_layout("/", html)
    pages = menu_pages(html)
    assert len(pages) >= 3, f"{username} 的菜单只有 {pages}"
    guide = client.get("/help/").get_data(as_text=True)  # 使用说明: the reader's role, with links to its screens
    assert_layout("/help/", guide)
    assert 'class="panel panel-default xct-help"' in guide and 'class="btn btn-default btn-sm" href="/' in guide
    for url in pages:
        resp = client.get(url)
        assert resp.status_code == 200, f"{username} 打开 {url}：{resp.status_code}"
        page = resp.get_data(as_text=True)
        assert_layout(url, page)
        # the page's own entry is the highlighted one, and the trail ends with it (or a page under it)
        entry = re.search(rf'<li class="active">\s*<a href="{re.escape(url)}"[^>]*>(.*?)</a>', page, re.S)
        assert entry, f"{url}：菜单未高亮当前页"
        trail = crumbs(url, page)
        label = re.sub(r"<[^>]+>", "", entry.group(1)).strip()
        if url != "/":  # 工作台 is the home page: its trail is 首页 alone
            assert len(trail) >= 2 and label in trail, f"{url}：面包屑 {trail} 没有当前页「{label}」"


def _talks(app, inspection_id: int) -> int:
    from tests.conftest import scalar

    return scalar(app, sa.text("SELECT count(*) FROM talk WHERE inspection_id = :i").bindparams(i=inspection_id))


def _open_inspection(app) -> int:
    from tests.conftest import scalar

    return scalar(app, sa.text("SELECT min(id) FROM inspection WHERE id NOT IN (SELECT inspection_id FROM "
                               "archive_volume WHERE handed_over_on IS NOT NULL AND inspection_id IS NOT NULL)"))


def test_related_tab_add_fixes_and_shows_parent_and_refuses_an_impossible_date(app, login):
    client = login("office")
    # an inspection still open: one whose archive went to 巡察办 is read-only (规程八（二）, issue 13)
    insp = _open_inspection(app)
    tab = client.get(f"/inspectionview/related/{insp}/TalkView").get_data(as_text=True)
    assert f"/talkview/add?_flt_0_inspection={insp}" in tab, "巡察页的个别谈话标签页没有新增按钮"
    url = f"/talkview/add?_flt_0_inspection={insp}"
    form = client.get(url).get_data(as_text=True)
    assert_layout(url, form)
    fixed = re.search(r'class="xct-fixed-parent">.*?<strong>(.*?)</strong>', form, re.S)
    assert fixed and "巡察" in fixed.group(1), "新增表单没有显示带入的巡察"
    person = first_offered(client, form, "interviewee")
    before = _talks(app, insp)

    data = {"interviewee": person, "held_on": "2026-02-30", "place": "巡察组谈话室", "record": "测试记录"}
    refused = client.post(url, data=data)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 200
    assert "「谈话日期」不是有效的日期：2026-02-30" in text, "不可能的日期没有被拒绝并指明字段"
    assert "测试记录" in text, "被拒绝的表单丢失了已填写的内容"
    assert _talks(app, insp) == before

    data["held_on"] = "2026-02-27"
    saved = client.post(url, data=data)
    assert saved.status_code == 302, saved.get_data(as_text=True)[-2000:]
    from tests.conftest import rows

    talk = rows(app, sa.text("SELECT id, inspection_id, held_on FROM talk ORDER BY id DESC LIMIT 1"))[0]
    assert talk[1] == insp and str(talk[2]) == str(date(2026, 2, 27))
    assert client.post(f"/talkview/delete/{talk[0]}").status_code == 302  # the shared demo stays as it was
    assert _talks(app, insp) == before


def test_every_related_tab_add_form_shows_its_fixed_parent(app, login):
    client = login("office")
    page = client.get("/inspectionview/show/1").get_data(as_text=True)
    adds = []
    for url in re.findall(r'class="xct-lazy" data-url="([^"]+)"', page):
        tab = client.get(url).get_data(as_text=True)
        adds += [a.replace("&amp;", "&") for a in re.findall(r'href="(/\w+/add\?_flt_0_inspection=1)"', tab)]
    assert len(adds) >= 10, adds
    for url in adds:
        form = client.get(url).get_data(as_text=True)
        assert_layout(url, form)
        fixed = re.search(r'class="xct-fixed-parent">.*?<strong>(.*?)</strong>', form, re.S)
        assert fixed and "巡察" in fixed.group(1), f"{url}：没有显示带入的巡察"


def test_too_long_text_is_refused_with_a_message_not_cut(app, login):
    client = login("office")
    url = "/talkview/add?_flt_0_inspection=1"
    form = client.get(url).get_data(as_text=True)
    data = {"interviewee": first_offered(client, form, "interviewee"), "held_on": "2026-02-27", "place": "谈" * 500}
    text = client.post(url, data=data).get_data(as_text=True)
    assert "长度不能超过" in text and "谈" * 500 in text, "过长的地点没有提示，或内容被截断"


def test_form_fields_are_ours_while_fab_builds_forms_this_way():
    """views.fields replaces two entries of FAB 5.3's FieldConverter table and its QuerySelectField: if FAB
    renames them, this fails rather than the forms quietly going back to rolling dates over."""
    from flask_appbuilder import forms as fab_forms

    from views.fields import BlankQuerySelectField, StrictDateField, StrictDateTimeField

    table = {check: field for check, field, _ in fab_forms.FieldConverter.conversion_table}
    assert table["is_date"] is StrictDateField and table["is_datetime"] is StrictDateTimeField
    assert fab_forms.QuerySelectField is BlankQuerySelectField


def test_static_files_are_versioned_and_cached(app, login):
    client = login("office")
    html = client.get("/").get_data(as_text=True)
    urls = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert urls and all("?v=" in u for u in urls), [u for u in urls if "?v=" not in u]
    for url in urls[:3]:
        resp = client.get(url.replace("&amp;", "&"))
        assert resp.status_code == 200 and resp.cache_control.max_age >= 30 * 24 * 3600, url
    stale = client.get(urls[0].split("?")[0] + "?v=0000000000")
    assert stale.cache_control.max_age is None, "过期版本的地址不应长期缓存"


def test_times_are_local_without_microseconds_and_statuses_are_tags(app):
    from datetime import datetime

    from views.layout import cell, local_time, status_tag

    assert local_time(datetime(2026, 3, 1, 16, 5, 7, 123456)) == "2026-03-02 00:05"
    assert 'class="xct-tag xct-tag-danger"' in str(status_tag("已逾期"))
    assert 'xct-tag-success' in str(cell("已销号", "已销号", "status"))


def test_inspection_page_renders_its_summary_and_each_tab_on_demand(app, login):
    client = login("office")
    page = client.get("/inspectionview/show/1").get_data(as_text=True)
    urls = re.findall(r'class="xct-lazy" data-url="([^"]+)"', page)
    assert "/inspectionview/related/1/TalkView" in urls and len(urls) >= 15
    assert "/talkview/show/" not in page, "谈话列表不应随巡察页一起生成"
    talks = client.get("/inspectionview/related/1/TalkView")
    assert talks.status_code == 200 and "/talkview/show/" in talks.get_data(as_text=True)
    assert "<html" not in talks.get_data(as_text=True), "标签页内容应是片段，不是整页"
    assert client.get("/inspectionview/related/1/NoSuchView").status_code == 404
    assert client.get("/inspectionview/related/2147483647/TalkView").status_code == 404


def test_a_tab_follows_the_readers_scope_and_permissions(app, login):
    from tests.conftest import scalar

    client = login("liaison")
    own = scalar(app, sa.text("SELECT i.id FROM inspection i JOIN unit u ON u.id = i.unit_id "
                              "WHERE u.name = '材料科学与工程学院' ORDER BY i.id LIMIT 1"))
    other = scalar(app, sa.text("SELECT i.id FROM inspection i JOIN unit u ON u.id = i.unit_id "
                                "WHERE u.name <> '材料科学与工程学院' ORDER BY i.id LIMIT 1"))
    assert client.get(f"/inspectionview/related/{own}/TalkView").status_code == 404  # 谈话 is not the liaison's
    assert client.get(f"/inspectionview/related/{other}/RectificationItemView").status_code == 404
    assert client.get(f"/inspectionview/related/{own}/RectificationItemView").status_code == 200


def test_fab_english_flashes_are_said_in_chinese(app):
    from views.layout import zh_flash

    assert zh_flash("An error occurred: Filter column not allowed").startswith("列表查询条件有误")
    assert re.search(r"[\u4e00-\u9fff]", zh_flash("Integrity error, probably unique constraint"))
    assert zh_flash("已保存：谈话") == "已保存：谈话"


def test_the_edit_page_still_renders_its_related_lists(app, login):
    resp = login("office").get("/inspectionview/edit/1")
    assert resp.status_code == 200 and "/talkview/show/" in resp.get_data(as_text=True)


def test_the_side_menu_follows_a_roles_permissions_at_once(app, login):
    """The side menu is rendered once per set of visible entries and current page (views.layout.side_menu): a role
    that loses an entry's menu_access loses the entry on its very next page, and gets it back the same way."""
    client = login("zuyuan")
    talks = "/talkview/list/"
    assert talks in menu_pages(client.get("/").get_data(as_text=True))
    with app.test_request_context():  # a menu item's URL is url_for's
        sm = app.appbuilder.sm
        name = next(item.name for top in app.appbuilder.menu.get_list() for item in (top.childs or [top])
                    if item and item.name != "-" and item.get_url() == talks)
        role, access = sm.find_role("TeamMember"), sm.find_permission_view_menu("menu_access", name)
        sm.del_permission_role(role, access)
    try:
        assert talks not in menu_pages(client.get("/").get_data(as_text=True))
        assert talks not in menu_pages(client.get("/petitionview/list/").get_data(as_text=True))
    finally:
        with app.app_context():
            sm.add_permission_role(sm.find_role("TeamMember"), sm.find_permission_view_menu("menu_access", name))
    assert talks in menu_pages(client.get("/").get_data(as_text=True))
