"""Crafted page sizes, pages, sort columns, ids and rison queries answer 400 or 404, never 500 (FAB_NOTES "Security")."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa


@pytest.fixture()
def admin(login):
    return login("admin")


@pytest.mark.parametrize(
    "query, status",
    [
        ("psize_UnitView=abc", 400),
        ("psize_UnitView=-5", 400),
        ("page_UnitView=-1", 400),
        ("page_UnitView=99999999999999999999", 400),
        ("page_UnitView=abc", 400),
        ("_oc_UnitView=parent&_od_UnitView=asc", 200),
        ("_oc_UnitView=no_such_column&_od_UnitView=desc", 200),
        ("_oc_UnitView=name&_od_UnitView=sideways", 200),
    ],
)
def test_list_parameters(admin, query, status):
    assert admin.get(f"/unitview/list/?{query}").status_code == status


def test_page_size_is_capped(app, admin):
    from app.extensions import db
    from schema import Unit

    with app.app_context():
        total = db.session.scalar(sa.select(sa.func.count(Unit.id)))
        db.session.add_all(Unit(name=f"上限测试单位{i}", kind="党政管理部门") for i in range(max(0, 120 - total)))
        db.session.commit()
    page = admin.get("/unitview/list/?psize_UnitView=100000").get_data(as_text=True)
    shown = set(re.findall(r"/unitview/show/(\d+)", page))
    assert len(shown) == app.config["LIST_PAGE_SIZE_MAX"]


@pytest.mark.parametrize("pk", ["99999999999999999999", "2147483648", "abc", "-1", "1.5"])
def test_crafted_ids(admin, tokens, pk):
    assert admin.get(f"/unitview/show/{pk}").status_code == 404
    assert admin.get(f"/unitview/edit/{pk}").status_code == 404
    assert admin.get(f"/api/v1/unit/{pk}", headers=tokens("admin")).status_code == 404


@pytest.mark.parametrize(
    "q",
    ["((((", "(page:99999999999999)", "(page:-1)", "(page_size:-5)", "(page_size:abc)", "(order_column:nope)",
     "(filters:!((col:nope,opr:eq,value:1)))", "!(" * 500],
)
def test_crafted_rison(client, tokens, q):
    resp = client.get("/api/v1/unit/", query_string={"q": q}, headers=tokens("admin"))
    assert resp.status_code == 400, (q, resp.status_code)
    assert "message" in resp.get_json()


def test_bad_fields_name_the_field(client, tokens):
    h = tokens("admin")
    resp = client.post("/api/v1/unit/", json={"name": "坏数据学院", "kind": "不存在的类别"}, headers=h)
    assert resp.status_code == 400
    assert "类别" in str(resp.get_json()["message"]) or "kind" in str(resp.get_json())
    resp = client.post("/api/v1/unit/", json={"name": "长" * 1000, "kind": "职能部门"}, headers=h)
    assert resp.status_code == 400
    resp = client.post("/api/v1/inspection/", json={"notice_date": "2026-13-45"}, headers=h)
    assert resp.status_code == 400


def test_missing_csrf_token_is_a_chinese_400(databases, tmp_path_factory):
    from tests.conftest import demo_app

    for app in demo_app(databases, tmp_path_factory, "csrf", WTF_CSRF_ENABLED=True):
        resp = app.test_client().post("/login/", data={"username": "admin", "password": "x"})
        assert resp.status_code == 400
        assert "安全令牌" in resp.get_data(as_text=True)


def test_no_unscoped_file_download(app, admin):
    """FAB's download/<filename> would serve any uploaded file to any reader of the screen: it is not routed."""
    from views import screens

    for view, *_ in screens():
        if hasattr(view, "datamodel"):
            assert admin.get(f"/{view.__name__.lower()}/download/x.docx").status_code == 404, view.__name__


def test_nul_bytes_are_refused_naming_the_field(client, tokens, admin):
    resp = admin.post("/unitview/add", data={"name": "空\x00字符", "kind": "职能部门"})
    assert resp.status_code == 400 and "name" in resp.get_data(as_text=True)
    resp = client.post("/api/v1/unit/", json={"name": "空\u0000字符", "kind": "职能部门"}, headers=tokens("admin"))
    assert resp.status_code == 400 and "空字符" in resp.get_json()["message"]


@pytest.mark.parametrize("value", [True, 5, 1.5, [], {"a": 1}])
def test_choice_fields_take_only_text(client, tokens, value):
    """Found by the fuzz (test_api_fuzz): a choice column given a non-string JSON value was a 500 (len(True))."""
    h = tokens("office")
    resp = client.post("/api/v1/routing_rule/", json={"priority": 9001, "category": "其他", "disposal": value},
                       headers=h)
    assert resp.status_code == 400, resp.get_data(as_text=True)
    assert "处置方式" in resp.get_json()["message"] and "disposal" in resp.get_json()["errors"]
    unit = client.get("/api/v1/unit/?q=(page_size:1)", headers=h).get_json()["ids"][0]
    resp = client.put(f"/api/v1/unit/{unit}", json={"kind": value}, headers=h)
    assert resp.status_code == 400 and "kind" in resp.get_json()["errors"]
