"""FAB internals (app.fab_compat): the canary that every overridden FAB method still exists with the parameters
it was written for, the start-up check of the FAB version, and the "scope canary": a TeamMember reaches no row of
another team through any of FAB's paths (list, show, REST get and list, @action, related, export)."""

from __future__ import annotations

import io
import re

import flask_appbuilder
import openpyxl
import pytest
import sqlalchemy as sa

from app import fab_compat
from tests.test_screens_forms import offered_ids

USER = "zuyuan"  # a TeamMember of the demo
MY_TEAMS = ("SELECT tm.team_id FROM team_member tm JOIN person p ON p.id = tm.person_id WHERE p.username = :u")
TEAM_INSPECTIONS = f"SELECT id FROM inspection WHERE team_id IN ({MY_TEAMS})"


# ---- the canary ----------------------------------------------------------------------------------------------


def test_every_override_matches_the_installed_fab():
    assert fab_compat.problems() == []


def test_the_canary_covers_the_overrides_named_in_the_code():
    from app.security import XctSecurityManager
    from views.base import XctModelRestApi, XctModelView, XctSQLAInterface

    declared = {o.target.rsplit(".", 1)[-1] for o in fab_compat.OVERRIDES}
    for cls in (XctSQLAInterface, XctModelView, XctModelRestApi, XctSecurityManager):
        for name, member in vars(cls).items():
            if name.startswith("_") and not name.startswith("__") and callable(member):
                in_fab = any(name in vars(base) for base in cls.__mro__ if base.__module__.startswith("flask_appb"))
                assert not in_fab or name in declared, f"{cls.__name__}.{name} overrides FAB without a canary entry"
    for mixin in (fab_compat.ScopedQueryMixin, fab_compat.LayoutListMixin, fab_compat.RestInfoMixin):
        assert {n for n in vars(mixin) if n.startswith("_") and not n.startswith("__")} <= declared


def test_a_deleted_fab_method_fails_loudly(monkeypatch):
    from flask_appbuilder.models.sqla.interface import SQLAInterface

    monkeypatch.delattr(SQLAInterface, "_apply_inner_all")
    found = fab_compat.problems()
    assert len(found) == 1 and "_apply_inner_all: missing" in found[0]
    with pytest.raises(RuntimeError, match="_apply_inner_all"):
        fab_compat.check_fab({})


def test_a_changed_signature_fails_loudly(monkeypatch):
    from flask_appbuilder.models.sqla.interface import SQLAInterface

    def renamed(self, query, filters=None, order_column="", order_direction="", limit=None):
        return query

    monkeypatch.setattr(SQLAInterface, "_get_base_query", renamed)
    found = fab_compat.problems()
    assert len(found) == 1 and "_get_base_query: parameters" in found[0]


def test_the_patched_functions_are_installed_once():
    from flask_appbuilder.fields import EnumField
    from flask_appbuilder.models.sqla import filters

    fab_compat.install()
    assert EnumField.pre_validate is fab_compat._enum_pre_validate
    assert filters.set_value_to_type is fab_compat._filter_value_in_range
    assert fab_compat._filter_value_in_range.__xct_original__ is not fab_compat._filter_value_in_range
    import flask_appbuilder.api as fab_api

    assert fab_api.jsonschema is fab_compat._SchemaOnceChecked
    with pytest.raises(fab_api.jsonschema.ValidationError):  # still refused, from a validator checked once
        fab_api.jsonschema.validate({"page": "x"}, fab_api.get_list_schema)


def test_rest_schemas_are_converted_once_per_process_and_still_validate(app, tokens, tmp_path):
    """RestInfoMixin._init_model_schemas: a second app of the process takes each API's schemas as converted for the
    first (a REST API's four schemas, the same objects), and they still refuse a bad body with the field named."""
    from tests.conftest import make_app

    other = make_app(app.config["SQLALCHEMY_DATABASE_URI"], str(tmp_path))
    apis = {type(v): v for v in app.appbuilder.baseviews if hasattr(v, "add_model_schema")}
    pairs = [(apis[type(v)], v) for v in other.appbuilder.baseviews if type(v) in apis]
    assert len(pairs) > 50
    for mine, theirs in pairs:
        for kind in ("list", "add", "edit", "show"):
            assert getattr(mine, f"{kind}_model_schema") is getattr(theirs, f"{kind}_model_schema"), (mine, kind)
    resp = other.test_client().post("/api/v1/meeting/", json={"held_on": "不是日期"}, headers=tokens("office"))
    assert resp.status_code == 400 and "held_on" in resp.get_data(as_text=True)


def test_an_unknown_fab_version_is_refused_unless_allowed(monkeypatch):
    monkeypatch.setattr(flask_appbuilder, "__version__", "9.9.9")
    with pytest.raises(RuntimeError, match="Flask-AppBuilder 9.9.9 未经本系统验证"):
        fab_compat.check_fab({})
    fab_compat.check_fab({"FAB_ALLOW_UNTESTED_VERSION": True})  # an upgrade trial starts


def test_create_app_runs_the_check(monkeypatch):
    from app import create_app

    monkeypatch.setattr(flask_appbuilder, "__version__", "9.9.9")
    with pytest.raises(RuntimeError, match="未经本系统验证"):
        create_app("test")


# ---- the scope canary ----------------------------------------------------------------------------------------


def _rows(app, sql: str, **params) -> list:
    from app.extensions import db

    with app.app_context():
        return db.session.execute(sa.text(sql), params).all()


@pytest.fixture(scope="module")
def petitions(app):
    """(own petition (id, code), foreign petition (id, code, inspection id)) for the TeamMember."""
    own = _rows(app, f"SELECT id, code FROM petition WHERE inspection_id IN ({TEAM_INSPECTIONS}) ORDER BY id", u=USER)
    foreign = _rows(app, f"SELECT id, code, inspection_id FROM petition WHERE inspection_id NOT IN "
                         f"({TEAM_INSPECTIONS}) ORDER BY id", u=USER)
    assert own and foreign, "the demo needs a petition inside and one outside the member's team"
    return own, foreign[0]


def test_scope_list(app, login, petitions):
    own, (fid, fcode, _) = petitions
    page = login(USER).get("/petitionview/list/?psize_PetitionView=100").get_data(as_text=True)
    assert f"/petitionview/show/{own[0][0]}" in page  # the list shows what it should
    assert f"/petitionview/show/{fid}\"" not in page and fcode not in page


def test_scope_show(app, login, petitions):
    own, (fid, _, _) = petitions
    client = login(USER)
    assert client.get(f"/petitionview/show/{own[0][0]}").status_code == 200
    assert client.get(f"/petitionview/show/{fid}").status_code == 404
    assert client.get(f"/petitionview/edit/{fid}").status_code == 404


def test_scope_rest_get_and_list(app, client, tokens, petitions):
    own, (fid, _, _) = petitions
    headers = tokens(USER)
    assert client.get(f"/api/v1/petition/{own[0][0]}", headers=headers).status_code == 200
    assert client.get(f"/api/v1/petition/{fid}", headers=headers).status_code == 404
    listed = client.get("/api/v1/petition/?q=(page_size:100)", headers=headers).json
    assert set(listed["ids"]) == {pid for pid, _ in own} and listed["count"] == len(own)


def test_scope_action(app, login, petitions):
    _, (fid, _, _) = petitions
    client = login(USER)
    before = _rows(app, "SELECT count(*) FROM clue")[0][0]
    resp = client.post("/petitionview/action_post", data={"action": "to_clue", "rowid": [str(fid)]},
                       follow_redirects=True)
    assert resp.status_code == 200 and "所选记录不存在或无权操作" in resp.get_data(as_text=True)
    assert client.get(f"/petitionview/action/to_clue/{fid}").status_code in (302, 403, 404)  # GET: refused (CSRF)
    assert _rows(app, "SELECT count(*) FROM clue")[0][0] == before


def test_scope_related(app, login, client, tokens, petitions):
    """The related records a form or the REST _info offers (FAB's get_related_interface) are scoped too."""
    _, (_, _, finsp) = petitions
    mine = {r[0] for r in _rows(app, TEAM_INSPECTIONS, u=USER)}
    user = login(USER)
    form = user.get("/petitionview/add").get_data(as_text=True)
    offered = offered_ids(user, form, "inspection")  # searched on the server (views.choices), scoped
    assert offered == mine and finsp not in offered
    info = client.get("/api/v1/petition/_info?q=(keys:!(add_columns))", headers=tokens(USER)).json
    field = next(f for f in info["add_columns"] if f["name"] == "inspection")
    assert {v["id"] for v in field["values"]} == mine and field["count"] == len(mine)


def test_scope_export(app, login, client, tokens, petitions):
    _, (_, fcode, _) = petitions
    # 八（二）: the team exports nothing of an inspection handed over to the archive, so the own row is an open one
    own = _rows(app, f"SELECT id, code FROM petition WHERE inspection_id IN ({TEAM_INSPECTIONS}) AND inspection_id "
                     "NOT IN (SELECT inspection_id FROM archive_volume WHERE handed_over_on IS NOT NULL) ORDER BY id",
                u=USER)
    resp = login(USER).get("/petitionview/export")
    assert resp.status_code == 200, resp.status_code
    cells = {str(c) for row in openpyxl.load_workbook(io.BytesIO(resp.data)).active.iter_rows(values_only=True)
             for c in row if c is not None}
    assert own[0][1] in cells and fcode not in cells
    api = client.get("/api/v1/petition/export", headers=tokens(USER))
    assert api.status_code == 200
    text = " ".join(str(c) for row in openpyxl.load_workbook(io.BytesIO(api.data)).active.iter_rows(values_only=True)
                    for c in row if c is not None)
    assert own[0][1] in text and not re.search(re.escape(fcode) + r"\b", text)
