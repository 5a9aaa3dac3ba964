"""界面配置 (issue 8 item 3): an administrator reshapes a list screen; the next request shows exactly that, on any
host; bad settings are refused naming the field; only Admin may change them; the REST list never changes."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
import sqlalchemy as sa

from tests.conftest import bearer, demo_app, make_app

DEFAULT = ["姓名", "所在单位", "职务", "领导班子成员", "登录名"]  # PersonView as coded


@pytest.fixture(scope="module")
def app(databases, tmp_path_factory):
    yield from demo_app(databases, tmp_path_factory, "screens")


def _client(app, username="admin"):
    from seeds.demo import DEMO_PASSWORD

    client = app.test_client()
    assert client.post("/login/", data={"username": username, "password": DEMO_PASSWORD}).status_code == 302
    return client


def _headers(html: str) -> list[str]:
    """The column headers of the list table, as text."""
    table = re.search(r'<table class="table table-hover">(.*?)</thead>', html, re.S) or re.search(
        r"<table[^>]*>(.*?)</thead>", html, re.S)
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<th[^>]*>(.*?)</th>", table.group(1), re.S)]
    return [c for c in cells if c]


def _names(html: str) -> list[list[str]]:
    """The cells of every row of the list table (without the row's buttons)."""
    body = html.split("</thead>", 1)[1].split("</table>", 1)[0]
    out = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        out.append([re.sub(r"<[^>]+>", "", c).strip() for c in cells if "btn-group" not in c])
    return out


SETTING = {"do": "save", "show_phone": "1", "pos_phone": "1", "label_phone": "手机", "show_name": "1",
           "pos_name": "2", "show_title": "1", "pos_title": "3", "label_title": "现任职务",
           "flt_0": "is_leadership|eq", "flt_value_0": "y", "order_column": "name", "order_direction": "asc"}


def _leaders(app) -> list[tuple[str, str]]:
    from app.extensions import db
    from schema import Person

    with app.app_context():
        return [(p.phone or "", p.name) for p in db.session.scalars(
            sa.select(Person).where(Person.is_leadership.is_(True)).order_by(Person.name.asc(), Person.id.asc()))]


def test_setting_applies_on_next_request_and_reset_restores(app):
    admin = _client(app)
    assert _headers(admin.get("/personview/list/").get_data(as_text=True)) == DEFAULT
    resp = admin.post("/screen-settings/PersonView", data=SETTING)
    assert resp.status_code == 302, resp.get_data(as_text=True)[-800:]
    page = admin.get("/personview/list/?psize_PersonView=100").get_data(as_text=True)
    assert _headers(page) == ["手机", "姓名", "现任职务"]
    leaders = _leaders(app)
    assert [tuple(r[:2]) for r in _names(page)] == leaders[:100]  # default filter (leaders only) and sort (name)
    # a filter of the request replaces the default one
    page = admin.get("/personview/list/?_flt_0_name=廖静").get_data(as_text=True)
    assert [r[1] for r in _names(page)] == ["廖静"]
    # the screen's Excel export follows the setting
    book = openpyxl.load_workbook(io.BytesIO(admin.get("/personview/export").data))
    rows = list(book.worksheets[0].values)
    assert list(rows[0]) == ["手机", "姓名", "现任职务"] and len(rows) - 1 == len(leaders)
    # another host (an app of its own on the same database) sees the same at once, and the reset too
    other = make_app(app.config["SQLALCHEMY_DATABASE_URI"], app.config["STORAGE_DIR"])
    assert _headers(_client(other).get("/personview/list/").get_data(as_text=True)) == ["手机", "姓名", "现任职务"]
    assert admin.post("/screen-settings/PersonView", data={"do": "reset"}).status_code == 302
    assert _headers(admin.get("/personview/list/").get_data(as_text=True)) == DEFAULT
    assert _headers(_client(other).get("/personview/list/").get_data(as_text=True)) == DEFAULT


def test_changes_are_on_the_history_tab(app):
    from app.extensions import db
    from schema import ChangeLog, ScreenSetting

    admin = _client(app)
    assert admin.post("/screen-settings/UnitView", data={"do": "save", "show_name": "1", "label_name": "单位全称"}
                      ).status_code == 302
    assert admin.post("/screen-settings/UnitView", data={"do": "reset"}).status_code == 302
    with app.app_context():
        row = db.session.scalar(sa.select(ScreenSetting).where(ScreenSetting.screen == "UnitView"))
        logged = db.session.scalars(sa.select(ChangeLog).where(ChangeLog.entity == "screen_setting",  # save, reset
                                                               ChangeLog.entity_id == row.id).order_by(ChangeLog.id)
                                    ).all()
        pk = row.id
    assert [c.actor for c in logged] == ["admin", "admin"] and "单位全称" in str(logged[0].changes["labels"][1])
    history = admin.get(f"/screensettingview/history/{pk}").get_data(as_text=True)  # the 历史 tab
    assert "单位全称" in history and history.count("<td>admin</td>") == 2


@pytest.mark.parametrize("data, field", [
    ({"show_code": "1", "show_secret_column": "1"}, "「列」"),  # unknown
    ({"show_code": "1", "flt_0": "petitioner_name|eq", "flt_value_0": "x"}, "「默认筛选」"),  # not searchable
    ({"show_code": "1", "show_petitioner_name": "1"}, "「列」"),  # a petitioner's identity: never offered
    ({"show_code": "1", "order_column": "petitioner_name"}, "「默认排序」"),
    ({"show_code": "1", "pos_code": "第一"}, "「列」"),
    ({"show_code": "1", "label_code": "长" * 51}, "「列名」"),
    ({"show_code": "1", "flt_0": "code|zz", "flt_value_0": "x"}, "「默认筛选」"),
    ({"show_code": "1", "flt_0": "received_on|eq", "flt_value_0": "不是日期"}, "「默认筛选」"),
    ({}, "「列」"),
])
def test_bad_setting_is_refused_naming_the_field(app, data, field):
    from app.extensions import db
    from schema import ScreenSetting

    admin = _client(app)
    resp = admin.post("/screen-settings/PetitionView", data={"do": "save", **data})
    assert resp.status_code == 400 and "未保存：" + field in resp.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(ScreenSetting).where(ScreenSetting.screen == "PetitionView")) is None


def test_identity_is_never_a_configurable_column(app):
    from views.base import LayoutError

    view = next(v for v in app.appbuilder.baseviews if type(v).__name__ == "PetitionView")
    assert "petitioner_name" not in view.layout_columns() and "petitioner_contact" not in view.layout_columns()
    with app.test_request_context(), pytest.raises(LayoutError) as err:
        view.check_layout({"columns": ["code", "petitioner_name"]})
    assert err.value.field == "columns" and "petitioner_name" in err.value.message


def test_preview_saves_nothing(app):
    from app.extensions import db
    from schema import ScreenSetting

    admin = _client(app)
    resp = admin.post("/screen-settings/PersonView", data={**SETTING, "do": "preview"})
    page = resp.get_data(as_text=True)
    preview = page.split('id="xct-preview"', 1)[1]
    assert resp.status_code == 200 and re.findall(r"<th>(.*?)</th>", preview)[:3] == ["手机", "姓名", "现任职务"]
    with app.app_context():
        row = db.session.scalar(sa.select(ScreenSetting).where(ScreenSetting.screen == "PersonView"))
        assert row is None or row.columns is None
    assert _headers(admin.get("/personview/list/").get_data(as_text=True)) == DEFAULT


@pytest.mark.parametrize("user", ["office", "leader", "zuzhang", "liaison"])
def test_only_admin_changes_settings(app, user):
    client = _client(app, user)
    assert client.get("/screen-settings/").status_code == 403
    assert client.get("/screen-settings/PersonView").status_code == 403
    assert client.post("/screen-settings/PersonView", data=SETTING).status_code == 403
    assert client.get("/screensettingview/list/").status_code == 403


def test_rest_list_is_unchanged(app):
    h = bearer(app, "admin")
    before = app.test_client().get("/api/v1/person/?q=(page_size:100)", headers=h).get_json()
    admin = _client(app)
    assert admin.post("/screen-settings/PersonView", data=SETTING).status_code == 302
    after = app.test_client().get("/api/v1/person/?q=(page_size:100)", headers=h).get_json()
    assert after == before
    assert admin.post("/screen-settings/PersonView", data={"do": "reset"}).status_code == 302


def test_unknown_screen_is_404(app):
    assert _client(app).get("/screen-settings/NoSuchView").status_code == 404
