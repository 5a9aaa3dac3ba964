"""Row-level scope (DOMAIN.md §6, API.md): every path answers only the rows of the caller's scope; others are 404.

The expected rows are computed here by plain SQL written from DOMAIN.md §6, independently of app.scope.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.permissions import READ, ROLE_GRANTS, WRITE
from tests.test_screens_forms import offered_ids

# REST resource → (table, HTML view, permission resource)
RESOURCES = {
    "inspection": ("inspection", "InspectionView", "Inspection"),
    "talk": ("talk", "TalkView", "Talk"),
    "petition": ("petition", "PetitionView", "Petition"),
    "clue": ("clue", "ClueView", "Clue"),
    "material": ("material", "MaterialView", "Material"),
    "rectification_item": ("rectification_item", "RectificationItemView", "RectificationItem"),
    "transfer": ("transfer", "TransferView", "Transfer"),
}
ROLES = {"zuzhang": "TeamLeader", "zuyuan": "TeamMember", "jiwei": "ReceivingDept", "liaison": "UnitLiaison",
         "dangban": "PartyOffice"}
SCOPED_USERS = tuple(ROLES)

MY_TEAMS = ("SELECT tm.team_id FROM team_member tm JOIN person p ON p.id = tm.person_id "
            "WHERE p.username = :u")
MY_UNIT = "(SELECT unit_id FROM person WHERE username = :u)"
TEAM_INSPECTIONS = f"SELECT id FROM inspection WHERE team_id IN ({MY_TEAMS})"
UNIT_INSPECTIONS = f"SELECT id FROM inspection WHERE unit_id = {MY_UNIT}"
# a batch counts once sent (transferred_on set): until then it is 巡察办's draft
DEPT_TRANSFERS = f"SELECT id FROM transfer WHERE department_id = {MY_UNIT} AND transferred_on IS NOT NULL"
# 六（二）3 巡察组不留存移送材料: a team no longer sees a clue once it is in a sent batch
SENT_CLUES = ("SELECT tc.clue_id FROM transfer_clue tc JOIN transfer t ON t.id = tc.transfer_id "
              "WHERE t.transferred_on IS NOT NULL")


def _expected_sql(user: str, resource: str) -> str | None:
    """The rows `user` may see of `resource` per DOMAIN.md §6 (None: the role may not open the resource)."""
    table = RESOURCES[resource][0]
    role = ROLES[user]
    if RESOURCES[resource][2] not in ROLE_GRANTS[role]:
        return None
    if role in ("TeamLeader", "TeamMember"):  # own team's inspections
        if table == "inspection":
            return TEAM_INSPECTIONS
        if table == "clue":
            return f"SELECT id FROM clue WHERE inspection_id IN ({TEAM_INSPECTIONS}) AND id NOT IN ({SENT_CLUES})"
        return f"SELECT id FROM {table} WHERE inspection_id IN ({TEAM_INSPECTIONS})"
    if role == "ReceivingDept":  # only clues transferred to their department
        return {
            "inspection": f"SELECT inspection_id FROM transfer WHERE id IN ({DEPT_TRANSFERS})",
            "clue": f"SELECT clue_id FROM transfer_clue WHERE transfer_id IN ({DEPT_TRANSFERS})",
            "transfer": DEPT_TRANSFERS,
        }[table]
    if role == "UnitLiaison":  # only their own unit's notices, feedback and rectification
        if table == "inspection":
            return UNIT_INSPECTIONS
        return f"SELECT id FROM {table} WHERE inspection_id IN ({UNIT_INSPECTIONS})"
    if role == "PartyOffice":  # submissions and rectification supervision
        return f"SELECT id FROM {table}"
    raise AssertionError(role)


def _ids(app, sql: str, **params) -> set[int]:
    from app.extensions import db

    with app.app_context():
        return {row[0] for row in db.session.execute(sa.text(sql), params) if row[0] is not None}


def _all_ids(app, resource: str) -> set[int]:
    return _ids(app, f"SELECT id FROM {RESOURCES[resource][0]}")


def _grant(user: str, resource: str) -> str | None:
    return ROLE_GRANTS[ROLES[user]].get(RESOURCES[resource][2])


def _rest_ids(client, headers, resource, filters: str = "") -> set[int]:
    """Every id the REST list answers (with `filters`, a rison list), page by page: other tests add rows to the
    shared database."""
    ids: set[int] = set()
    page = 0
    where = f",filters:!({filters})" if filters else ""
    while True:
        resp = client.get(f"/api/v1/{resource}/?q=(page:{page},page_size:100{where})", headers=headers)
        assert resp.status_code == 200, resp.get_data(as_text=True)
        rows = resp.json["result"]
        ids |= {row["id"] for row in rows}
        if len(rows) < 100:
            assert len(ids) == resp.json["count"]
            return ids
        page += 1


def _html_ids(client, view: str) -> set[int]:
    """Every row id the HTML list links to, page by page."""
    ids: set[int] = set()
    page = 0
    while True:
        resp = client.get(f"/{view.lower()}/list/?psize_{view}=100&page_{view}={page}")
        assert resp.status_code == 200
        found = {int(pk) for pk in re.findall(rf"/{view.lower()}/show/(\d+)", resp.get_data(as_text=True))}
        if not found - ids:
            return ids
        ids |= found
        page += 1


def test_demo_data_spreads_over_scopes(app):
    """The checks below mean something only if each scoped user sees some rows and misses others."""
    for user in SCOPED_USERS:
        seen = _ids(app, _expected_sql(user, "inspection"), u=user)
        assert seen, user
        if ROLES[user] != "PartyOffice":
            assert seen != _all_ids(app, "inspection"), user


@pytest.mark.parametrize("user", SCOPED_USERS)
@pytest.mark.parametrize("resource", RESOURCES)
def test_lists_answer_exactly_the_scope(app, client, login, tokens, user, resource):
    sql = _expected_sql(user, resource)
    headers = tokens(user)
    login(user)
    view = RESOURCES[resource][1]
    if sql is None:
        assert client.get(f"/api/v1/{resource}/", headers=headers).status_code == 403
        assert client.get(f"/{view.lower()}/list/").status_code in (302, 403)
        return
    expected = _ids(app, sql, u=user)
    assert _rest_ids(client, headers, resource) == expected
    assert _html_ids(client, view) == expected


@pytest.mark.parametrize("user", ["admin", "office", "leader"])
@pytest.mark.parametrize("resource", RESOURCES)
def test_unrestricted_roles_see_everything(app, client, login, tokens, user, resource):
    assert _rest_ids(client, tokens(user), resource) == _all_ids(app, resource)
    login(user)
    assert _html_ids(client, RESOURCES[resource][1]) == _all_ids(app, resource)


def _outside(app, user, resource) -> int | None:
    sql = _expected_sql(user, resource)
    others = _all_ids(app, resource) - (_ids(app, sql, u=user) if sql else set())
    return min(others) if others else None


@pytest.mark.parametrize("user", SCOPED_USERS)
@pytest.mark.parametrize("resource", RESOURCES)
def test_row_outside_scope_is_404_everywhere(app, client, login, tokens, user, resource):
    pk = _outside(app, user, resource)
    if pk is None:
        pytest.skip(f"{user} 可见全部 {resource}")
    grant = _grant(user, resource)
    headers = tokens(user)
    read = 404 if grant else 403
    write = 404 if grant == WRITE else 403
    assert client.get(f"/api/v1/{resource}/{pk}", headers=headers).status_code == read
    assert client.put(f"/api/v1/{resource}/{pk}", json={}, headers=headers).status_code == write
    assert client.delete(f"/api/v1/{resource}/{pk}", headers=headers).status_code == write
    assert pk in _all_ids(app, resource), "the row must still be there"
    login(user)
    view = RESOURCES[resource][1].lower()
    assert client.get(f"/{view}/show/{pk}").status_code in ((404,) if grant else (302, 403))
    if grant == WRITE:
        assert client.get(f"/{view}/edit/{pk}").status_code == 404


@pytest.mark.parametrize("user", [u for u in SCOPED_USERS if ROLES[u] != "PartyOffice"])
def test_custom_endpoints_answer_404_outside_scope(app, client, tokens, user):
    headers = tokens(user)
    pk = _outside(app, user, "inspection")
    assert client.get(f"/api/v1/inspection/{pk}/deadlines", headers=headers).status_code == 404
    assert client.get(f"/api/v1/inspection/{pk}/checks", headers=headers).status_code == 404
    inside = min(_ids(app, _expected_sql(user, "inspection"), u=user))
    assert client.get(f"/api/v1/inspection/{inside}/deadlines", headers=headers).status_code == 200
    clue = _outside(app, user, "clue")
    expected = 404 if _grant(user, "clue") else 403
    assert client.get(f"/api/v1/clue/{clue}/routing", headers=headers).status_code == expected


@pytest.mark.parametrize("user", ["zuzhang", "zuyuan", "liaison", "jiwei"])
def test_bulk_action_skips_rows_outside_scope(app, client, login, monkeypatch, user):
    import views.preparation

    acted: list[list[int]] = []
    monkeypatch.setattr(views.preparation, "scan", lambda today, ids: acted.append(list(ids)) or {})
    login(user)
    outside = _outside(app, user, "inspection")
    inside = min(_ids(app, _expected_sql(user, "inspection"), u=user))
    resp = client.post("/inspectionview/action_post",
                       data={"action": "deadline_check", "rowid": [str(outside), str(inside)]})
    assert resp.status_code == 302
    assert acted == [[inside]]
    acted.clear()
    resp = client.post("/inspectionview/action_post", data={"action": "deadline_check", "rowid": [str(outside)]})
    assert resp.status_code == 302
    assert acted == []
    assert client.get(f"/inspectionview/action/deadline_check/{outside}").status_code in (302, 404)
    assert acted == []


def test_liaison_never_reaches_confidential_records(app, client, login, tokens):
    """Talks, petitions, clues and materials: refused by role (403, API.md) and empty by scope."""
    from app.extensions import db
    from app.scope import scope_criterion
    from schema import Clue, CustodyEvent, Material, Petition, Talk

    headers = tokens("liaison")
    login("liaison")
    for resource in ("talk", "petition", "clue", "material"):
        assert client.get(f"/api/v1/{resource}/", headers=headers).status_code == 403
        for pk in sorted(_all_ids(app, resource))[:3]:
            assert client.get(f"/api/v1/{resource}/{pk}", headers=headers).status_code == 403
    with app.app_context():
        liaison = app.appbuilder.sm.find_user(username="liaison")
        for model in (Talk, Petition, Clue, Material, CustodyEvent):
            crit = scope_criterion(model, liaison)
            assert crit is not None
            assert db.session.scalar(sa.select(sa.func.count()).select_from(model).where(crit)) == 0


def test_form_dropdowns_and_related_ids_are_scoped(app, client, login, tokens):
    """A team member files a talk only under their team's inspections: the form lists only those, the API refuses
    another team's inspection as if it did not exist."""
    mine = _ids(app, TEAM_INSPECTIONS, u="zuyuan")
    login("zuyuan")
    page = client.get("/talkview/add").get_data(as_text=True)
    assert offered_ids(client, page, "inspection") == mine  # searched on the server (views.choices), scoped
    outside = _outside(app, "zuyuan", "inspection")
    resp = client.post("/api/v1/talk/", json={"inspection": outside}, headers=tokens("zuyuan"))
    assert resp.status_code == 400
    assert "inspection" in resp.json["errors"]


def test_scope_outside_a_request_is_unrestricted(app):
    from app.scope import current_criterion
    from schema import Talk

    with app.app_context():
        assert current_criterion(Talk) is None


def test_deadline_list_and_todo_are_scoped(app):
    """期限预警 and 我的待办 use the same scope: a team member sees only deadlines of their team's inspections,
    a receiving department only those of its department, the party office none of the transfers'."""
    from app.commands.deadlines import scan
    from seeds.demo import DEMO_PASSWORD

    with app.app_context():
        scan()  # idempotent: (re)computes every deadline row
    rules = {
        "zuyuan": f"SELECT id FROM deadline WHERE inspection_id IN ({TEAM_INSPECTIONS})",
        "jiwei": f"SELECT id FROM deadline WHERE department_id = {MY_UNIT} OR transfer_id IN ({DEPT_TRANSFERS})",
        "dangban": "SELECT id FROM deadline WHERE transfer_id IS NULL",
        "office": "SELECT id FROM deadline",
    }
    for user, sql in rules.items():
        client = app.test_client()  # one client per user: FAB's login page ignores a second login
        assert client.post("/login/", data={"username": user, "password": DEMO_PASSWORD}).status_code == 302
        expected = _ids(app, sql, u=user)
        assert expected, user
        assert _html_ids(client, "DeadlineView") == expected, user
        todo = client.get("/todo/")
        assert todo.status_code == 200
    assert _ids(app, rules["zuyuan"], u="zuyuan") != _ids(app, rules["office"], u="office")


def test_role_grants_used_here_exist():
    assert READ and WRITE and set(ROLES.values()) <= set(ROLE_GRANTS)


@pytest.mark.parametrize("resource", ["talk", "petition", "clue", "material"])
def test_rest_filter_by_another_teams_inspection_reveals_nothing(app, client, tokens, resource):
    """A q filter on a relation answers within the scope: another team's inspection id yields no row, not its rows."""
    headers = tokens("zuyuan")
    outside = _outside(app, "zuyuan", "inspection")
    inside = min(_ids(app, TEAM_INSPECTIONS, u="zuyuan"))
    for pk in (outside, inside):
        answered = _rest_ids(client, headers, resource, f"(col:inspection,opr:rel_o_m,value:{pk})")
        kept = f" AND id NOT IN ({SENT_CLUES})" if resource == "clue" else ""  # 六（二）3: sent clues are gone
        expected = _ids(app, f"SELECT id FROM {resource} WHERE inspection_id = :i AND inspection_id IN "
                             f"({TEAM_INSPECTIONS}){kept}", i=pk, u="zuyuan")
        assert answered == expected, (resource, pk)
    assert _ids(app, f"SELECT id FROM {resource} WHERE inspection_id = :i", i=outside), "another team has some"


def test_info_related_values_are_scoped(app, client, tokens):
    """`_info` lists the choices of each related field: a team member is offered only their team's inspections."""
    headers = tokens("zuyuan")
    for resource in ("talk", "petition", "clue"):
        resp = client.get(f"/api/v1/{resource}/_info?q=(add_columns:(inspection:(page_size:100)))", headers=headers)
        assert resp.status_code == 200
        column = next(c for c in resp.json["add_columns"] if c["name"] == "inspection")
        assert {v["id"] for v in column["values"]} == _ids(app, TEAM_INSPECTIONS, u="zuyuan"), resource
        assert column["count"] == len(_ids(app, TEAM_INSPECTIONS, u="zuyuan"))


def test_related_lists_on_show_pages_are_scoped(app, login):
    """A round a team works in shows only that team and its inspections, not the other teams of the round."""
    client = login("zuyuan")
    rounds = _ids(app, "SELECT round_id FROM team WHERE id IN "
                       "(SELECT tm.team_id FROM team_member tm JOIN person p ON p.id = tm.person_id "
                       "WHERE p.username = :u)", u="zuyuan")
    mine = _ids(app, TEAM_INSPECTIONS, u="zuyuan")
    leaked = set()
    for pk in rounds:
        page = client.get(f"/roundview/show/{pk}").get_data(as_text=True)
        shown = {int(i) for i in re.findall(r"/inspectionview/show/(\d+)", page)}
        leaked |= shown - mine
        round_inspections = _ids(app, "SELECT id FROM inspection WHERE round_id = :r", r=pk)
        assert shown == round_inspections & mine, pk
    assert not leaked
    assert any(_ids(app, "SELECT id FROM inspection WHERE round_id = :r", r=pk) - mine for pk in rounds), \
        "a round of this user must hold another team's inspection, or this test cannot fail"


@pytest.mark.parametrize("rowid", ["99999999999999999999", "2147483648", "abc", "-1"])
def test_bulk_action_with_crafted_rowids_acts_on_nothing(app, client, login, monkeypatch, rowid):
    import views.preparation

    acted: list[list[int]] = []
    monkeypatch.setattr(views.preparation, "scan", lambda today, ids: acted.append(list(ids)) or {})
    login("zuyuan")
    resp = client.post("/inspectionview/action_post", data={"action": "deadline_check", "rowid": [rowid]})
    assert resp.status_code == 302 and acted == []


@pytest.mark.parametrize("user", ["office", "zuyuan"])
def test_actions_no_screen_offers_are_404(app, client, login, user):
    """muldelete is not offered here (deletes go one by one, through the scoped delete): FAB would answer a 500."""
    login(user)
    outside = _outside(app, "zuyuan", "talk")
    before = _all_ids(app, "talk")
    for name in ("muldelete", "no_such_action"):
        assert client.post("/talkview/action_post", data={"action": name, "rowid": [str(outside)]}).status_code == 404
        assert client.get(f"/talkview/action/{name}/{outside}").status_code == 404
    assert _all_ids(app, "talk") == before


def test_the_scope_filters_the_listed_table_itself_on_postgresql():
    """A row scope is `column IN (select)` on SQLite and `column = ANY(ARRAY(select))` on PostgreSQL (app.scope.
    InSelect: computed once and applied to the table's own scan, not a semi-join after every shown relation's
    join); statements of different shape never share a cached compilation."""
    from sqlalchemy.dialects import postgresql, sqlite

    import schema as m
    from app.scope import reach

    team = sa.select(m.Inspection.id).where(m.Inspection.team_id == 1)
    unit = sa.select(m.Inspection.id).where(m.Inspection.unit_id == 1)
    stmt = sa.select(m.Talk.id).where(reach(m.Talk, team))
    assert "talk.inspection_id = ANY(ARRAY(SELECT inspection.id" in str(stmt.compile(dialect=postgresql.dialect()))
    assert "talk.inspection_id IN (SELECT inspection.id" in str(stmt.compile(dialect=sqlite.dialect()))
    assert reach(m.Talk, team)._generate_cache_key() != reach(m.Talk, unit)._generate_cache_key()
    assert reach(m.Talk, team)._generate_cache_key() == reach(m.Talk, team)._generate_cache_key()
