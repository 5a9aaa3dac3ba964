"""Role × endpoint matrix: every registered screen and REST API, for every role, answers what the spec says.

The cells come from what the app registers (``appbuilder.baseviews``), not from a hand list. The expected answer
comes from the specification, never from the code under test:

- "may read / write resource R" from ``app.permissions.ROLE_GRANTS`` (the spec of the roles; Admin holds all);
- "row in scope" from the statement of DOMAIN.md §6 written below as plain SQL over the tables (``scope_sql``),
  where a row's inspection is found by walking the schema's foreign keys, independently of app.scope.

Refusals: a signed-in user without the permission gets 403 from screens and APIs alike (FAB 5 aborts 403 for an
authenticated user; only an anonymous one is redirected to the login page, see test_anonymous_*); a row outside the
scope is 404 on every path. Everything runs on an app of its own, so the writes (deletes included, last) leave the
shared demo database alone.

Every cell that checks rows fails over an empty table, and a scoped user's cell fails without a row outside the
scope (`cell_rows`): the fixture adds what the demo lacks, and each pass of the deletes starts from the seeded data.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.permissions import READ, ROLE_GRANTS, SELF_SERVICE, WRITE
from seeds.demo import DEMO_PASSWORD, DEMO_USERS
from tests.conftest import demo_app, disconnect

USERS = {login: role for login, (role, _name) in DEMO_USERS.items()}

# ---------------------------------------------------------------------------------------------- the spec (§6)

UNRESTRICTED = {"Admin", "Office", "LeadingGroup"}
TEAM_ROLES = {"TeamLeader", "TeamMember"}
MY_TEAMS = "SELECT tm.team_id FROM team_member tm JOIN person p ON p.id = tm.person_id WHERE p.username = :u"
MY_ROUNDS = f"SELECT round_id FROM team WHERE id IN ({MY_TEAMS})"
MY_UNIT = "(SELECT unit_id FROM person WHERE username = :u)"
TEAM_INSPECTIONS = f"SELECT id FROM inspection WHERE team_id IN ({MY_TEAMS})"
UNIT_INSPECTIONS = f"SELECT id FROM inspection WHERE unit_id = {MY_UNIT}"
# a batch counts once sent; until then it is 巡察办's draft
DEPT_TRANSFERS = f"SELECT id FROM transfer WHERE department_id = {MY_UNIT} AND transferred_on IS NOT NULL"
DEPT_CLUES = f"SELECT clue_id FROM transfer_clue WHERE transfer_id IN ({DEPT_TRANSFERS})"
# 六（二）3 巡察组不留存移送材料: once sent, a clue, its package's files and the transfer's list leave the team
SENT_CLUES = ("SELECT tc.clue_id FROM transfer_clue tc JOIN transfer t ON t.id = tc.transfer_id "
              "WHERE t.transferred_on IS NOT NULL")
# Tables that belong to the team structure or name every kind of record, though they reach no inspection.
STRUCTURE = {"round", "team", "team_member", "status_event"}
# "their own unit's notices, feedback and rectification"; what the team found only once the 反馈意见 is delivered
# (五（三）1: the 签收单 signed, the inspection's feedback_date), and of findings and recommendations only those the
# feedback's items carry (issue 13 item 3)
LIAISON_TABLES = {"inspection", "announcement", "news_release", "rectification", "rectification_item", "deadline"}
LIAISON_DELIVERED = {"feedback", "feedback_signature", "feedback_item", "rebound_check", "finding", "recommendation"}
DELIVERED_INSPECTIONS = f"SELECT id FROM inspection WHERE unit_id = {MY_UNIT} AND feedback_date IS NOT NULL"
IN_FEEDBACK = {"finding": "r.id IN (SELECT finding_id FROM feedback_item)",
               "recommendation": "r.id IN (SELECT recommendation_id FROM feedback_item_recommendation)"}
LIAISON_MEETINGS = "('动员会', '个别反馈', '班子反馈', '大会反馈')"  # the unit's 动员会 and the three layers of 反馈
# "submissions and rectification supervision", and the records they rest on
PARTY_OFFICE_TABLES = {"submission", "supervision", "rectification", "rectification_item", "inspection", "finding",
                       "round", "rebound_check"}
# README "后台任务": 每个用户只看到自己的任务，Admin 与巡察办看到全部
OWN_RECORDS = {"job": "owner"}
SEE_ALL_OWN = {"Admin", "Office"}
NOT_OWNERS = {"person", "unit", "document_template", "routing_rule", "ab_user"}  # references, not parents


def inspection_of(table: sa.Table, alias: str, depth: int = 0) -> str | None:
    """SQL for the inspection a row of `table` (as `alias`) belongs to: its own inspection_id, or its parent's."""
    if table.name == "inspection":
        return f"{alias}.id"
    if "inspection_id" in table.c:
        return f"{alias}.inspection_id"
    for column in table.c:
        for fk in column.foreign_keys:
            parent = fk.column.table
            if parent.name in NOT_OWNERS or parent is table:
                continue
            inner = f"p{depth}"
            expr = inspection_of(parent, inner, depth + 1)
            if expr:
                return f"(SELECT {expr} FROM {parent.name} {inner} WHERE {inner}.id = {alias}.{column.name})"
    return None


# issue 18: a document of no inspection, transfer or rectification (a job's result…) is its owner's and 巡察办's
UNATTACHED = ("(r.inspection_id IS NULL AND r.transfer_id IS NULL AND r.id NOT IN "
              "(SELECT document_id FROM rectification_evidence))")
# 八（二）: once an inspection's archive is handed over, it and every record under it are read-only (422 on a write)
HANDED_OVER = "SELECT inspection_id FROM archive_volume WHERE handed_over_on IS NOT NULL"
# README rule table: what goes on after the handover (六 成果运用: rectification D9, transfers D10, submissions D11;
# 七 督查督办) and the archive's own records (its steps) are not locked by it
GO_ON_AFTER_HANDOVER = {"rectification", "rectification_item", "transfer", "submission", "supervision",
                        "rebound_check", "immediate_fix", "clue_exhibit", "archive_volume", "archive_item",
                        "destruction_record"}


def scope_condition(role: str, table: sa.Table) -> str:
    """DOMAIN.md §6 "sees", for one role and one table, as a condition on alias `r`."""
    cond = _sees(role, table)
    if table.name == "document" and role not in SEE_ALL_OWN:
        return f"(({UNATTACHED} AND r.uploaded_by = :u) OR (NOT {UNATTACHED} AND {cond}))"
    return cond


def _sees(role: str, table: sa.Table) -> str:
    name = table.name
    if name in OWN_RECORDS:
        return "1=1" if role in SEE_ALL_OWN else f"r.{OWN_RECORDS[name]} = :u"
    ins = inspection_of(table, "r")
    if role in UNRESTRICTED or (ins is None and name not in STRUCTURE):
        return "1=1"  # "everything" / "every round"; and rows of no inspection (units, people, plans, rules)
    if name == "status_event":
        return "1=0"  # the history names records of every kind
    if role in TEAM_ROLES:  # "own team's inspections"
        if name == "round":
            return f"r.id IN ({MY_ROUNDS})"
        if name == "team":
            return f"r.id IN ({MY_TEAMS})"
        if name == "team_member":
            return f"r.team_id IN ({MY_TEAMS})"
        cond = f"{ins} IN ({TEAM_INSPECTIONS})"
        if name in ("meeting", "speech"):  # a round's own 动员部署会, 培训 and speeches
            cond = f"({cond} OR (r.inspection_id IS NULL AND r.round_id IN ({MY_ROUNDS})))"
        if name == "clue":
            cond = f"({cond} AND r.id NOT IN ({SENT_CLUES}))"
        if name == "clue_exhibit":
            cond = f"({cond} AND r.clue_id NOT IN ({SENT_CLUES}))"
        if name == "document":
            cond = (f"({cond} AND r.transfer_id IS NULL AND r.id NOT IN (SELECT document_id FROM clue_exhibit "
                    f"WHERE document_id IS NOT NULL AND clue_id IN ({SENT_CLUES})))")
        return cond
    if role == "ReceivingDept":  # "only clues transferred to their department"
        return {
            "clue": f"r.id IN ({DEPT_CLUES})",
            "clue_exhibit": f"r.clue_id IN ({DEPT_CLUES})",
            "document": f"(r.transfer_id IN ({DEPT_TRANSFERS}) OR r.id IN (SELECT document_id FROM clue_exhibit "
                        f"WHERE clue_id IN ({DEPT_CLUES})))",
            "transfer": f"r.id IN ({DEPT_TRANSFERS})",
            "inspection": f"r.id IN (SELECT inspection_id FROM transfer WHERE id IN ({DEPT_TRANSFERS}))",
            "deadline": f"(r.department_id = {MY_UNIT} OR r.transfer_id IN ({DEPT_TRANSFERS}))",
        }.get(name, "1=0")
    if role == "UnitLiaison":  # "only their own unit's notices, feedback and rectification"
        if name in LIAISON_TABLES:
            return f"{ins} IN ({UNIT_INSPECTIONS})"
        if name in LIAISON_DELIVERED:
            return f"({ins} IN ({DELIVERED_INSPECTIONS}) AND {IN_FEEDBACK.get(name, '1=1')})"
        if name == "round":
            return f"r.id IN (SELECT round_id FROM inspection WHERE unit_id = {MY_UNIT})"
        if name == "meeting":
            return f"({ins} IN ({UNIT_INSPECTIONS}) AND r.kind IN {LIAISON_MEETINGS})"
        if name == "document":  # its ledger's evidence, and the 附件 given to the unit (always, or once delivered)
            return (f"({ins} IN ({UNIT_INSPECTIONS}) AND NOT r.is_confidential AND ("
                    f"r.id IN (SELECT document_id FROM rectification_evidence) OR r.attachment_no IN (2, 4, 5, 7, 21)"
                    f" OR (r.attachment_no IN (19, 22) AND {ins} IN ({DELIVERED_INSPECTIONS}))))")
        return "1=0"
    if role == "PartyOffice":
        if name in PARTY_OFFICE_TABLES:
            return "1=1"
        if name == "deadline":
            return "r.transfer_id IS NULL"
        if name == "document":  # documents only as rectification evidence
            return "(r.id IN (SELECT document_id FROM rectification_evidence) AND NOT r.is_confidential)"
        return "1=0"
    raise AssertionError(role)


def grant(role: str, resource: str) -> str | None:
    """What ROLE_GRANTS gives the role, or what every signed-in user holds (SELF_SERVICE: 我的待办, own jobs)."""
    if role == "Admin" or ("can_write", resource) in SELF_SERVICE:
        return WRITE
    return ROLE_GRANTS[role].get(resource) or (READ if ("can_read", resource) in SELF_SERVICE else None)


# ---------------------------------------------------------------------------------------------- the app under test


@pytest.fixture(scope="module")
def matrix(databases, tmp_path_factory):
    """An app on its own database with the demo data; a signed-in client and a token header per demo user."""
    demo = demo_app(databases, tmp_path_factory, "matrix")
    app = next(demo)
    with app.app_context():
        _documents_and_deadlines()
        _rows_outside_the_teams()
        _jobs_logs_and_settings()
    disconnect(app)
    SEEDED["url"] = databases.new(template=app.config["SQLALCHEMY_DATABASE_URI"])  # for test_delete to go back to
    signed_in = {user: _sign_in(app, user) for user in USERS}
    yield app, {u: c for u, (c, _) in signed_in.items()}, {u: h for u, (_, h) in signed_in.items()}
    next(demo, None)


SEEDED: dict[str, object] = {}  # the seeded database's copy, and which test_delete pass last started from it


def _sign_in(app, user: str):
    """(a test client signed in through the form, a JWT Authorization header) of a demo user."""
    client = app.test_client()
    assert client.post("/login/", data={"username": user, "password": DEMO_PASSWORD}).status_code == 302
    resp = app.test_client().post("/api/v1/security/login", json={
        "username": user, "password": DEMO_PASSWORD, "provider": "db", "refresh": True})
    return client, {"Authorization": f"Bearer {resp.json['access_token']}"}


def _documents_and_deadlines():
    """The demo set has no documents and computes no deadlines: add both, so their scope rules are checked too —
    per inspection one confidential and one open document, the open ones also rectification evidence."""
    from app.commands.deadlines import scan
    from app.extensions import db
    from schema import Document, Inspection, RectificationItem

    for inspection in db.session.scalars(sa.select(Inspection).order_by(Inspection.id)):
        for confidential in (True, False):
            doc = Document(inspection=inspection, title="矩阵测试文书", original_name="矩阵测试.docx",
                           storage_name=f"matrix-{inspection.id}-{confidential}", sha256="0" * 64, size=1,
                           is_confidential=confidential)
            db.session.add(doc)
            item = db.session.scalar(sa.select(RectificationItem).filter_by(inspection_id=inspection.id).limit(1))
            if item is not None and not confidential:
                item.evidence.append(doc)
    db.session.commit()
    scan()


def _clone(obj, **changes):
    """A copy of a demo row with `changes`; its other optional references dropped (they point into its inspection)."""
    from app.extensions import db

    values = {}
    for attr in sa.inspect(type(obj)).column_attrs:
        column = attr.columns[0]
        if column.primary_key or (column.foreign_keys and column.nullable):
            continue
        values[attr.key] = getattr(obj, attr.key)
    copy = type(obj)(**{**values, **changes})
    db.session.add(copy)
    db.session.flush()
    return copy


def _rows_outside_the_teams():
    """The demo's visits, 深入了解, 紧急报告, 立行立改, 回头看 checks and questionnaire answers belong to the team
    users' own inspections only: copy one of each into an inspection of another team, so the "outside the scope"
    half of every team cell has a row to be refused."""
    from app.extensions import db
    from schema import (
        DeepDive,
        ImmediateFix,
        ReboundCheck,
        SurveyAnswer,
        SurveyQuestion,
        SurveyResponse,
        UrgentReport,
        Visit,
    )

    team_users = [u for u, role in USERS.items() if role in TEAM_ROLES]
    theirs = " UNION ".join(f"SELECT tm.team_id FROM team_member tm JOIN person p ON p.id = tm.person_id "
                            f"WHERE p.username = '{u}'" for u in team_users)
    outside = db.session.execute(sa.text(f"SELECT min(id) FROM inspection WHERE team_id NOT IN ({theirs})")).scalar()
    assert outside, "演示数据中没有其他巡察组的巡察"

    def first(model):
        return db.session.scalars(sa.select(model).order_by(model.id).limit(1)).one()

    for model in (Visit, DeepDive, UrgentReport, ImmediateFix, ReboundCheck):
        _clone(first(model), inspection_id=outside)
    question, response = first(SurveyQuestion), first(SurveyResponse)
    survey = _clone(question.survey, inspection_id=outside)
    question = _clone(question, survey_id=survey.id)
    response = _clone(response, survey_id=survey.id)
    _clone(first(SurveyAnswer), response_id=response.id, question_id=question.id)
    db.session.commit()


def _jobs_logs_and_settings():
    """Tables the demo leaves empty: a 后台任务 of every demo user (README: each user sees their own, Admin and
    巡察办 every one), a read-log line, a 界面配置 row (labels only: no list changes for the cells), a 组角色映射 row."""
    from flask_appbuilder.security.sqla.models import Role

    from app.extensions import db
    from schema import Job, ReadLog, ScreenSetting, SsoGroupRole

    for user in USERS:
        db.session.add(Job(kind="export", title=f"矩阵测试任务（{user}）", owner=user, params={}, state="失败",
                           error="矩阵测试"))
    db.session.add(ReadLog(actor="admin", entity="talk", entity_id=1, channel="页面", path="/matrix"))
    db.session.add(ScreenSetting(screen="JobView", labels={"title": "任务名称"}, changed_by="admin"))
    office = db.session.scalar(sa.select(Role).where(Role.name == "Office"))
    db.session.add(SsoGroupRole(group_dn="cn=matrix,ou=groups,dc=xct,dc=test", role_id=office.id))
    db.session.commit()


def _ids(app, sql: str, **params) -> set[int]:
    from app.extensions import db

    with app.app_context():
        return {row[0] for row in db.session.execute(sa.text(sql), params)}


def rows(app, user: str, table: sa.Table) -> tuple[set[int], set[int]]:
    """(rows in `user`'s scope, rows outside it), per the spec above, as the database is now."""
    every = _ids(app, f"SELECT id FROM {table.name}")
    mine = _ids(app, f"SELECT r.id FROM {table.name} r WHERE {scope_condition(USERS[user], table)}", u=user)
    return mine, every - mine


def locked_rows(app, table: sa.Table) -> set[int]:
    """Rows under an inspection whose archive is handed over (八（二）): read-only for everyone."""
    ins = inspection_of(table, "r")
    if ins is None or table.name in GO_ON_AFTER_HANDOVER:
        return set()
    return _ids(app, f"SELECT r.id FROM {table.name} r WHERE {ins} IN ({HANDED_OVER})")


def cell_rows(app, user: str, table: sa.Table) -> tuple[set[int], set[int]]:
    """`rows`, for a cell that must check a row: over an empty table it would pass without asserting, and a scoped
    user's cell without a row outside the scope would never check the refusal."""
    mine, other = rows(app, user, table)
    assert mine or other, f"{table.name} 表为空：{user} 的这一格没有可检查的记录（在 matrix 夹具中补数据）"
    if scope_condition(USERS[user], table) != "1=1":
        assert other, f"{user} 只看到部分 {table.name}，但没有范围外的记录可检查（在 matrix 夹具中补数据）"
    return mine, other


TABLES: dict[str, str] = {}  # class name → its model's table (a resource may differ: TransferReceipt is transfer)


def _cells(kind: str) -> list[tuple[str, str]]:
    """(class name, resource) of every project screen ("view", menu or hidden) or REST API ("api") that
    views/__init__.py registers; test_matrix_covers_every_registered_view checks this against the running app."""
    from importlib import import_module

    from views import MODULES, resource_of

    found = []
    for module in (import_module(f"views.{m}") for m in MODULES):
        if kind == "api":
            # model APIs; a step API (views/steps.py) has no rows of its own and is tested step by step
            found += [(api.__name__, api.class_permission_name or api.datamodel.obj.__name__) for api in module.APIS
                      if hasattr(api, "datamodel")]
        else:
            classes = [v for v, *_ in module.SCREENS] + list(getattr(module, "HIDDEN", ()))
            found += [(v.__name__, resource_of(v)) for v in classes if hasattr(v, "datamodel")]
        for cls in [*module.APIS, *(v for v, *_ in module.SCREENS), *getattr(module, "HIDDEN", ())]:
            if hasattr(cls, "datamodel"):
                TABLES[cls.__name__] = cls.datamodel.obj.__tablename__
    return found


VIEWS = _cells("view")
APIS = _cells("api")


def _instance(app, class_name: str):
    return next(v for v in app.appbuilder.baseviews if type(v).__name__ == class_name)


def _table(instance) -> sa.Table:
    return instance.datamodel.obj.__table__


def _answer(app, user: str, class_name: str, level: str, ok: int, endpoint: str | None = None) -> int:
    """The spec's answer: `ok` if the role's grant covers `level`; 403 if not. Where the screen or API offers no
    `level` at all (read-only ones), or not this endpoint (a screen of its own steps, e.g. 接收的移送线索, has no add
    form), the route does not exist: 404 for a screen, 405 for a method of an API path."""
    instance = _instance(app, class_name)
    routes = instance.include_route_methods
    if f"can_{level}" not in instance.base_permissions or (endpoint and routes is not None and endpoint not in routes):
        return 405 if hasattr(instance, "resource_name") else 404
    g = grant(USERS[user], instance.class_permission_name)
    return ok if g == WRITE or (g == READ and level == READ) else 403


def test_matrix_covers_every_registered_view(matrix):
    from views.base import XctModelRestApi, XctModelView

    app, _, _ = matrix
    running = {(type(v).__name__, v.class_permission_name) for v in app.appbuilder.baseviews
               if isinstance(v, (XctModelView, XctModelRestApi))}
    assert running == set(VIEWS) | set(APIS)
    assert len(VIEWS) >= 40 and len(APIS) >= 40
    assert set(USERS.values()) == set(ROLE_GRANTS) | {"Admin"}


def test_demo_data_has_rows_in_and_out_of_every_scope(matrix):
    """Two teams, two units, two departments: each scoped user sees some inspections and misses others."""
    app, _, _ = matrix
    from schema import Model

    inspection = Model.metadata.tables["inspection"]
    for user, role in USERS.items():
        mine, other = rows(app, user, inspection)
        assert mine, user
        if role not in UNRESTRICTED | {"PartyOffice"}:
            assert other, user
    for table in ("talk", "petition", "clue", "transfer"):
        mine, other = rows(app, "zuyuan", Model.metadata.tables[table])
        assert mine and other, table
    mine, other = rows(app, "jiwei", Model.metadata.tables["clue"])
    assert mine and other


# ---------------------------------------------------------------------------------------------- screens

def _page_ids(html: str, route: str) -> set[int]:
    return {int(pk) for pk in re.findall(rf"{route}/(?:show|edit|delete)/(\d+)", html)}


@pytest.mark.slow
@pytest.mark.parametrize("endpoint", ("list", "show", "add", "edit"))
@pytest.mark.parametrize("view, resource", VIEWS, ids=[v for v, _ in VIEWS])
@pytest.mark.parametrize("user", USERS)
def test_screen(matrix, user, view, resource, endpoint):
    app, clients, _ = matrix
    client = clients[user]
    instance = _instance(app, view)
    route = instance.route_base
    level = READ if endpoint in ("list", "show") else WRITE
    answer = _answer(app, user, view, level, 200, endpoint)
    mine, other = (rows if endpoint == "add" else cell_rows)(app, user, _table(instance))
    if endpoint in ("list", "add"):
        resp = client.get(f"{route}/list/?psize_{view}=100" if endpoint == "list" else f"{route}/add")
        assert resp.status_code == answer, (user, view, endpoint, resp.status_code)
        if endpoint == "list" and answer == 200:
            shown = _page_ids(resp.get_data(as_text=True), route)
            assert shown <= mine, f"{user} 在 {view} 列表中看到范围外的记录 {sorted(shown - mine)}"
            assert len(shown) == min(len(mine), 100), (user, view, sorted(mine - shown)[:5])
        return
    for pk, inside in ((min(mine, default=None), True), (max(other, default=None), False)):
        if pk is None:
            continue
        expected = 404 if answer == 200 and not inside else answer
        # a show page's 历史 tab (loaded when opened) answers as the page does: it carries the record's old values
        for path in (endpoint, "history") if endpoint == "show" else (endpoint,):
            resp = client.get(f"{route}/{path}/{pk}")
            assert resp.status_code == expected, (user, view, path, f"row {pk}", "在范围内" if inside else "范围外",
                                                  resp.status_code)


# ---------------------------------------------------------------------------------------------- REST


def _api_list_ids(client, headers, name) -> tuple[set[int], int]:
    ids: set[int] = set()
    page = 0
    while True:
        resp = client.get(f"/api/v1/{name}/?q=(page:{page},page_size:100)", headers=headers)
        assert resp.status_code == 200
        ids |= set(resp.json["ids"])
        if len(resp.json["ids"]) < 100:
            return ids, resp.json["count"]
        page += 1


@pytest.mark.slow
@pytest.mark.parametrize("endpoint", ("get_list", "get", "info", "post", "put"))
@pytest.mark.parametrize("api, resource", APIS, ids=[a for a, _ in APIS])
@pytest.mark.parametrize("user", USERS)
def test_api(matrix, user, api, resource, endpoint):
    app, clients, headers = matrix
    client, h = clients[user], headers[user]
    instance = _instance(app, api)
    base = f"/api/v1/{instance.resource_name}/"
    level = READ if endpoint in ("get_list", "get", "info") else WRITE
    answer = _answer(app, user, api, level, 200, endpoint)
    mine, other = (rows if endpoint in ("info", "post") else cell_rows)(app, user, _table(instance))
    if endpoint == "get_list":
        if answer != 200:
            assert client.get(base, headers=h).status_code == answer, (user, api, endpoint)
            return
        ids, count = _api_list_ids(client, h, instance.resource_name)
        assert ids == mine, f"{user} 的 {api} 列表：多出 {sorted(ids - mine)[:5]}，缺少 {sorted(mine - ids)[:5]}"
        assert count == len(mine)
        return
    if endpoint in ("info", "post"):
        resp = client.get(f"{base}_info", headers=h) if endpoint == "info" else client.post(base, json={}, headers=h)
        # An empty body is refused for its content (400/422) or saved (201) — either way the role got through.
        ok = (201, 400, 422) if endpoint == "post" and answer == 200 else (answer,)
        assert resp.status_code in ok, (user, api, endpoint, resp.status_code, resp.get_data(as_text=True)[:200])
        return
    locked = locked_rows(app, _table(instance)) if endpoint == "put" else set()
    first = min(mine - locked, default=None) or min(mine, default=None)  # a writable row where there is one
    for pk, inside in ((first, True), (max(other, default=None), False)):
        if pk is None:
            continue
        if endpoint == "get":
            resp = client.get(f"{base}{pk}", headers=h)
        else:
            resp = client.put(f"{base}{pk}", json={}, headers=h)  # no field changes: the row stays as it was
        expected = 404 if answer == 200 and not inside else 422 if answer == 200 and pk in locked else answer
        assert resp.status_code == expected, (user, api, endpoint, f"row {pk}", "在范围内" if inside else "范围外",
                                              resp.status_code, resp.get_data(as_text=True)[:200])


# ---------------------------------------------------------------------------------------------- deletes, last


def _children_first(cells):
    from schema import Model

    order = {t.name: i for i, t in enumerate(Model.metadata.sorted_tables)}
    return sorted(cells, key=lambda c: -order[TABLES[c[0]]])


DELETE_CELLS = [(kind, name, res) for kind, cells in (("view", VIEWS), ("api", APIS))
                for name, res in _children_first(cells)]


@pytest.fixture()
def deleting(matrix, databases, user, kind):
    """The matrix, its database back to the seeded rows whenever a user's pass over the screens or the APIs begins:
    otherwise earlier passes would have emptied the small tables, and later cells would find nothing to delete."""
    app, clients, headers = matrix
    if SEEDED.get("pass") != (user, kind):
        disconnect(app)
        databases.restore(app.config["SQLALCHEMY_DATABASE_URI"], SEEDED["url"])
        SEEDED["pass"] = (user, kind)
        clients[user], headers[user] = _sign_in(app, user)
    return matrix


@pytest.mark.slow
@pytest.mark.parametrize("kind, name, resource", DELETE_CELLS, ids=[f"{k}-{n}" for k, n, _ in DELETE_CELLS])
@pytest.mark.parametrize("user", USERS)
def test_delete(deleting, user, kind, name, resource):
    """Out of scope: 404 and the row stays. In scope: done, or refused for the data (still referenced) — never 403
    when the role may write, always 403 when it may not. Children go first, so parents are free to go later."""
    app, clients, headers = deleting
    client = clients[user]
    instance = _instance(app, name)
    table = _table(instance)
    answer = _answer(app, user, name, WRITE, 200, "delete")
    mine, other = cell_rows(app, user, table)

    def delete(pk):
        if kind == "view":
            return client.post(f"{instance.route_base}/delete/{pk}")
        return client.delete(f"/api/v1/{instance.resource_name}/{pk}", headers=headers[user])

    def exists(pk):
        return pk in _ids(app, f"SELECT id FROM {table.name} WHERE id = :pk", pk=pk)

    if other:
        pk = max(other)
        resp = delete(pk)
        assert resp.status_code == (404 if answer == 200 else answer), (user, name, "delete", f"row {pk}", "范围外",
                                                                       resp.status_code)
        assert exists(pk), f"{user} 删除了范围外的记录 {table.name} {pk}"
    if mine:
        pk = max(mine)
        resp = delete(pk)
        if answer != 200:
            assert resp.status_code == answer and exists(pk), (user, name, "delete", f"row {pk}", resp.status_code)
        elif kind == "view":
            assert resp.status_code == 302, (user, name, "delete", f"row {pk}", resp.status_code)
        else:
            assert resp.status_code == (422 if exists(pk) else 200), (
                user, name, "delete", f"row {pk}", resp.status_code, resp.get_data(as_text=True)[:200])


# ---------------------------------------------------------------------------------------------- FAB's own screens


@pytest.mark.parametrize("user", [u for u, r in USERS.items() if r != "Admin"])
def test_security_screens_are_admin_only(matrix, user):
    app, _, _ = matrix
    client, _ = _sign_in(app, user)  # afresh: the delete passes restore the database, their sessions with it
    from flask_appbuilder import ModelView

    from views.base import XctModelView

    for view in app.appbuilder.baseviews:
        if isinstance(view, ModelView) and not isinstance(view, XctModelView):
            resp = client.get(f"{view.route_base}/list/")
            assert resp.status_code == 403, (user, type(view).__name__, resp.status_code)


def test_anonymous_is_sent_to_login_or_answered_401(matrix):
    app, _, _ = matrix
    client = app.test_client()
    for name, _res in VIEWS[:5]:
        resp = client.get(f"{_instance(app, name).route_base}/list/")
        assert resp.status_code == 302 and "/login/" in resp.headers["Location"], name
    for name, _res in APIS[:5]:
        resp = client.get(f"/api/v1/{_instance(app, name).resource_name}/")
        assert resp.status_code == 401 and resp.json["message"], name
