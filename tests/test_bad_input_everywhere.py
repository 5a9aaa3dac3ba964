"""Bad input on every screen and REST API, generated from what the app registers: crafted filters, sort columns,
ids and pages answer 200/400/404 — never a 500 (FAB_NOTES "Security"; test_bad_input.py has the single cases).

The generated sweeps are marked `slow`: `bash scripts/test.sh -m "not slow"` leaves them out, CI runs them."""

from __future__ import annotations

import prison
import pytest
import sqlalchemy as sa


class Oversized:
    """Text one character longer than the longest String column of the filtered model, read from the metadata: past
    every column's limit, without paying for thousands of characters in every filter of every request."""

    def __repr__(self):
        return "oversized"

    @staticmethod
    def of(model) -> str:
        lengths = [c.type.length for c in model.__table__.columns if isinstance(c.type, sa.String) and c.type.length]
        return "长" * (max(lengths, default=255) + 1)


OVERSIZED = Oversized()
# Malformed date, integers beyond 64 bits either way, oversized text, a lone RTL override, a nan.
BAD_VALUES = ["2026-13-45", "99999999999999999999", "-99999999999999999999", OVERSIZED, "\u202e", "nan"]


def _views():
    from importlib import import_module

    from views import MODULES

    found = []
    for module in (import_module(f"views.{m}") for m in MODULES):
        classes = [v for v, *_ in module.SCREENS] + list(getattr(module, "HIDDEN", ()))
        found += [v for v in classes if hasattr(v, "datamodel")]  # model screens (not the steps' form pages)
    return found


def _apis():
    from views import apis

    return apis()


def _instance(app, cls):
    return next(v for v in app.appbuilder.baseviews if type(v) is cls)


# REST filters take JSON values too: huge integers, a float, a boolean, a list, an object.
REST_VALUES = BAD_VALUES + [10**20, -(10**20), 1.5, True, [1], {"a": 1}]


def _value(value, model):
    return value.of(model) if value is OVERSIZED else value


@pytest.fixture(scope="module")
def admin(app):
    """One form login for the module's screen requests (each sweep case would otherwise sign in again)."""
    from seeds.demo import DEMO_PASSWORD

    client = app.test_client()
    assert client.post("/login/", data={"username": "admin", "password": DEMO_PASSWORD}).status_code == 302
    return client


@pytest.mark.slow
@pytest.mark.parametrize("value", BAD_VALUES, ids=range(len(BAD_VALUES)))
@pytest.mark.parametrize("view", _views(), ids=lambda v: v.__name__)
def test_list_filters(app, admin, view, value):
    """Every search filter of the screen at once, with one bad value."""
    instance = _instance(app, view)
    value = _value(value, view.datamodel.obj)
    filters = instance._filters.get_search_filters()
    args = {f"_flt_{i}_{col}": value for col, flts in filters.items() for i in range(len(flts))}
    resp = admin.get(f"{instance.route_base}/list/", query_string=args)
    assert resp.status_code == 200, (view.__name__, value[:20], resp.status_code, resp.headers.get("Location"))


@pytest.mark.slow
@pytest.mark.parametrize("view", _views(), ids=lambda v: v.__name__)
def test_list_sorts_pages_and_ids(app, admin, view):
    """Sorting by every column; crafted pages and ids."""
    instance = _instance(app, view)
    route, name = instance.route_base, view.__name__
    for col in list(instance.list_columns) + ["no_such_column"]:
        resp = admin.get(f"{route}/list/", query_string={f"_oc_{name}": col, f"_od_{name}": "asc"})
        assert resp.status_code == 200, (name, col, resp.status_code)
    for arg in (f"page_{name}=99999999999999999999", f"page_{name}=-1", f"psize_{name}=-5"):
        assert admin.get(f"{route}/list/?{arg}").status_code == 400, (name, arg)
    assert admin.get(f"{route}/list/?page_{name}=99999").status_code == 200, name  # past the last page: empty
    for pk in ("99999999999999999999", "2147483648", "-1", "abc"):
        for endpoint in ("show", "edit", "delete"):
            resp = admin.get(f"{route}/{endpoint}/{pk}")
            assert resp.status_code == 404, (name, endpoint, pk, resp.status_code)


OFFERED: dict[type, dict] = {}  # API class → the filters its _info offers


@pytest.mark.slow
@pytest.mark.parametrize("value", REST_VALUES, ids=range(len(REST_VALUES)))
@pytest.mark.parametrize("api", [a for a in _apis() if hasattr(a, "datamodel")],  # model APIs: the ones with filters
                         ids=lambda a: a.__name__)
def test_rest_filters(app, client, tokens, api, value):
    """Every filter the API offers (from its _info), at once, with one bad value."""
    headers = tokens("admin")
    value = _value(value, api.datamodel.obj)
    base = f"/api/v1/{api.resource_name}/"
    if api not in OFFERED:  # what an API offers does not depend on the value: asked once, not once per value
        OFFERED[api] = client.get(f"{base}_info?q=(keys:!(filters))", headers=headers).json["filters"]
    offered = OFFERED[api]
    flts = [{"col": col, "opr": o["operator"], "value": value} for col, ops in offered.items() for o in ops]
    resp = client.get(base, query_string={"q": prison.dumps({"filters": flts})}, headers=headers)
    assert resp.status_code in (200, 400), (api.__name__, str(value)[:20], resp.status_code)
    assert "message" in resp.json or "result" in resp.json


@pytest.mark.slow
@pytest.mark.parametrize("api", _apis(), ids=lambda a: a.__name__)
def test_rest_crafted_ids(client, tokens, api):
    headers = tokens("admin")
    for pk in ("99999999999999999999", "2147483648", "-1"):
        for method in ("get", "put", "delete"):
            resp = getattr(client, method)(f"/api/v1/{api.resource_name}/{pk}", headers=headers,
                                           **({"json": {}} if method == "put" else {}))
            assert resp.status_code in (404, 405), (api.__name__, method, pk, resp.status_code)


def test_double_submit_is_refused_in_chinese(databases, tmp_path_factory):
    """The same form or request twice: the second breaks a unique rule and says so, on screens and REST alike."""
    from seeds.demo import DEMO_PASSWORD
    from tests.conftest import demo_app

    demo = demo_app(databases, tmp_path_factory, "double_submit")
    app = next(demo)
    client = app.test_client()
    assert client.post("/login/", data={"username": "office", "password": DEMO_PASSWORD}).status_code == 302
    form = {"name": "重复提交学院", "kind": "职能部门"}
    assert client.post("/unitview/add", data=form).status_code == 302
    again = client.post("/unitview/add", data=form)
    assert again.status_code == 200 and "已存在" in again.get_data(as_text=True)
    token = client.post("/api/v1/security/login", json={"username": "office", "password": DEMO_PASSWORD,
                                                        "provider": "db"}).json["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    body = {"name": "重复提交研究院", "kind": "职能部门"}
    assert client.post("/api/v1/unit/", json=body, headers=headers).status_code == 201
    again = client.post("/api/v1/unit/", json=body, headers=headers)
    assert again.status_code == 422 and "已存在" in again.json["message"]
    pk = again and client.get("/api/v1/unit/?q=(filters:!((col:name,opr:eq,value:重复提交研究院)))",
                              headers=headers).json["ids"][0]
    assert client.delete(f"/api/v1/unit/{pk}", headers=headers).status_code == 200
    assert client.delete(f"/api/v1/unit/{pk}", headers=headers).status_code == 404
    next(demo, None)
