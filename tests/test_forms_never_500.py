"""No form a user can post answers 500: empty forms, garbage, NUL bytes and oversized text in every field."""

from __future__ import annotations

import pytest

GARBAGE = ["", "x" * 5000, "abc\x00def", "-1", "99999999999999999999", "2026-13-45", "<script>alert(1)</script>"]


@pytest.fixture(scope="module")
def scratch(databases, tmp_path_factory):
    """An app on its own database: these posts may succeed and must not change the shared demo data."""
    from seeds.demo import DEMO_PASSWORD
    from tests.conftest import demo_app

    for app in demo_app(databases, tmp_path_factory, "scratch"):
        client = app.test_client()
        assert client.post("/login/", data={"username": "admin", "password": DEMO_PASSWORD}).status_code == 302
        yield app, client


def _form_views(method: str):
    """Screens with an `add` or `edit` form (a screen may expose only its own steps, e.g. 接收的移送线索)."""
    from views import screens

    return [v for v, *_ in screens() if hasattr(v, "datamodel")
            and "can_write" in (v.base_permissions or ["can_write"])
            and method in (v.include_route_methods or {method})]


@pytest.mark.slow
@pytest.mark.parametrize("value", GARBAGE)
def test_add_forms_with_garbage(scratch, value):
    app, admin = scratch
    for view in _form_views("add"):
        instance = next(v for v in app.appbuilder.baseviews if type(v) is view)
        data = {col: value for col in instance.add_columns}
        resp = admin.post(f"/{view.__name__.lower()}/add", data=data)
        assert resp.status_code != 500, (view.__name__, value)
        assert resp.status_code in (200, 302, 400), (view.__name__, value, resp.status_code)


@pytest.mark.slow
@pytest.mark.parametrize("value", GARBAGE)
def test_edit_forms_with_garbage(scratch, value):
    import sqlalchemy as sa

    from app.extensions import db

    app, admin = scratch
    for view in _form_views("edit"):
        instance = next(v for v in app.appbuilder.baseviews if type(v) is view)
        model = view.datamodel.obj
        with app.app_context():
            pk = db.session.scalar(sa.select(model.id).order_by(model.id).limit(1))
        if pk is None:
            continue
        data = {col: value for col in instance.edit_columns}
        resp = admin.post(f"/{view.__name__.lower()}/edit/{pk}", data=data)
        assert resp.status_code in (200, 302, 400), (view.__name__, value, resp.status_code)


def test_api_rejects_integers_beyond_the_column(scratch):
    from seeds.demo import DEMO_PASSWORD

    app, _ = scratch
    client = app.test_client()
    token = client.post("/api/v1/security/login", json={"username": "admin", "password": DEMO_PASSWORD,
                                                        "provider": "db", "refresh": True}).json["access_token"]
    resp = client.post("/api/v1/annual_plan/", json={"year": 99999999999999999999, "title": "超大年度"},
                       headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 400
    assert "年度" in resp.get_json()["message"]
