"""Issue 13, item 1: every step-owned field (app.rules.ownership.OWNED) tried through REST PUT, REST POST and the
screen edit form as every role but Admin answers 4xx and leaves the row unchanged; Admin may write one (recorded in
the history) but not past a date order (item 5). Generated from the declaration; one demo database."""

from __future__ import annotations

from datetime import date, datetime

import pytest
import sqlalchemy as sa

import schema as m
from app.rules.ownership import OWNED, locked_fields
from seeds.demo import DEMO_PASSWORD
from tests.conftest import demo_world, rows, scalar

ROLES = ("leader", "office", "zuzhang", "zuyuan", "jiwei", "liaison", "dangban")
NEW_DAY = date(2025, 1, 3)


@pytest.fixture(scope="module")
def world(databases, tmp_path_factory):
    for app, client, h in demo_world(databases, tmp_path_factory, "holds_ownership"):
        seed_missing(app)
        yield app, client, h


def seed_missing(app):
    """The demo has no 签收单 signature, 提交 item nor 巡察情况报告 under an open inspection: add one of each to try."""
    from app.extensions import db

    with app.app_context():
        handed = sa.select(m.ArchiveVolume.inspection_id).where(m.ArchiveVolume.handed_over_on.is_not(None))
        feedback = db.session.scalars(sa.select(m.Feedback).where(m.Feedback.inspection_id.not_in(handed))).first()
        if feedback is None:
            insp = db.session.scalars(sa.select(m.Inspection).where(m.Inspection.id.not_in(handed))
                                      .order_by(m.Inspection.id)).first()
            feedback = m.Feedback(inspection_id=insp.id)
            db.session.add(feedback)
        person = db.session.scalars(sa.select(m.Person).order_by(m.Person.id)).first()
        db.session.add(m.FeedbackSignature(feedback=feedback, signer_role="巡察组组长", person=person,
                                           signed_on=date(2026, 6, 1)))
        db.session.add(m.Submission(inspection_id=feedback.inspection_id, title="专题报告：测试", status="已提交",
                                    received_on=date(2026, 6, 2)))
        if db.session.scalar(sa.select(m.InspectionReport.id)
                             .where(m.InspectionReport.inspection_id == feedback.inspection_id)) is None:
            db.session.add(m.InspectionReport(inspection_id=feedback.inspection_id, title="巡察情况报告：测试",
                                              drafted_on=date(2026, 5, 1)))
        db.session.commit()
        db.session.remove()


def views_of(app, model: str, base: str):
    from views.base import XctModelRestApi, XctModelView

    kind = XctModelView if base == "view" else XctModelRestApi
    return [v for v in app.appbuilder.baseviews if isinstance(v, kind) and v.datamodel.obj.__name__ == model]


def sample_row(app, model):
    """A row of `model`, preferring one under an inspection not yet handed over (so the refusal tested is the
    step's, not the archive lock's)."""
    cls = getattr(m, model)
    stmt = sa.select(cls.id).order_by(cls.id)
    handed = sa.select(m.ArchiveVolume.inspection_id).where(m.ArchiveVolume.handed_over_on.is_not(None))
    if model == "Inspection":
        stmt = stmt.where(cls.id.not_in(handed))
    elif model == "FeedbackSignature":
        stmt = stmt.join(m.Feedback).where(m.Feedback.inspection_id.not_in(handed))
    elif "inspection_id" in cls.__table__.c:
        stmt = stmt.where(sa.or_(cls.inspection_id.is_(None), cls.inspection_id.not_in(handed)))
    found = rows(app, stmt)
    assert found, f"演示数据中没有 {model} 记录：生成的用例无从检验"
    return found[0][0]


USER_ROLES = {"leader": "LeadingGroup", "office": "Office", "zuzhang": "TeamLeader", "zuyuan": "TeamMember",
              "jiwei": "ReceivingDept", "liaison": "UnitLiaison", "dangban": "PartyOffice"}


def writers(app, model: str) -> set[str]:
    """The demo users (but Admin) whose role has can_write on `model`."""
    found = rows(app, sa.text(
        "SELECT r.name FROM ab_role r JOIN ab_permission_view_role pvr ON pvr.role_id = r.id "
        "JOIN ab_permission_view pv ON pv.id = pvr.permission_view_id JOIN ab_permission p ON p.id = pv.permission_id "
        "JOIN ab_view_menu v ON v.id = pv.view_menu_id WHERE p.name = 'can_write' AND v.name = :model"
    ).bindparams(model=model))
    names = {r[0] for r in found}
    return {u for u, role in USER_ROLES.items() if role in names}


def column_of(cls, field: str) -> sa.Column:
    prop = sa.inspect(cls).attrs[field]
    if isinstance(prop, sa.orm.RelationshipProperty):
        return next(iter(prop.local_columns))
    return prop.columns[0]


def snapshot(app, model: str, pk: int) -> tuple:
    cls = getattr(m, model)
    cols = [column_of(cls, f) for f in OWNED[model]]
    return tuple(rows(app, sa.select(*cols).where(cls.id == pk))[0])


def new_value(app, cls, field: str, current):
    """A JSON value for `field` that differs from `current`."""
    col = column_of(cls, field)
    if col.foreign_keys:
        return scalar(app, sa.select(sa.func.max(m.Person.id)).where(m.Person.id != (current or 0)))
    if isinstance(col.type, sa.DateTime):
        return "2025-01-03T08:00:00"
    if isinstance(col.type, sa.Date):
        return NEW_DAY.isoformat()
    if isinstance(col.type, sa.Integer):
        return (current or 0) + 7
    if isinstance(col.type, sa.Boolean):
        return not current
    choices = getattr(col.type, "enums", None)
    if choices:  # neither the present value nor the default a new record starts with
        default = col.default.arg if col.default is not None and col.default.is_scalar else None
        return next(c for c in choices if c not in (current, default))
    return "测试改写"


def json_value(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, list):
        return [v.id for v in value]
    return getattr(value, "id", value)


@pytest.fixture(scope="module")
def headers(world):
    _, _, h = world
    return {role: h(role) for role in ROLES}


@pytest.mark.parametrize("model", sorted(OWNED))
def test_owned_fields_refused_on_rest_put_and_post(world, headers, model):
    """ISSUE 13-1 "字段由步骤填写……通用的新增、编辑和 REST POST/PUT 拒绝写入，答复 422 并指明应办理的步骤"."""
    app, client, _ = world
    cls = getattr(m, model)
    apis = views_of(app, model, "api")
    assert apis, f"{model} 没有 REST 接口"
    pk = sample_row(app, model)
    before = snapshot(app, model, pk)
    with app.app_context():
        from app.extensions import db

        row = db.session.get(cls, pk)
        current = {f: json_value(getattr(row, f)) for f in OWNED[model]}
        base = {c: json_value(getattr(row, c)) for c in apis[0].add_columns if c not in OWNED[model]}
        base = {k: v for k, v in base.items() if v not in (None, [])}
        db.session.remove()
    count = scalar(app, sa.select(sa.func.count()).select_from(cls))
    for api in apis:
        for field, step in OWNED[model].items():
            value = new_value(app, cls, field, current[field])
            named = []
            direct = {r for r in ROLES if field not in locked_fields(model, {USER_ROLES[r]})}  # the step is an edit
            for role in ROLES:
                if role in direct:
                    continue
                put = client.put(f"/api/v1/{api.resource_name}/{pk}", headers=headers[role], json={field: value})
                assert 400 <= put.status_code < 500, (model, field, role, put.status_code, put.json)
                if put.status_code == 422 and step in put.json["message"]:
                    named.append(role)
                if api.include_route_methods is None or "post" in api.include_route_methods:
                    post = client.post(f"/api/v1/{api.resource_name}/", headers=headers[role],
                                       json={**base, field: value})
                    assert 400 <= post.status_code < 500, (model, field, role, "POST", post.status_code, post.json)
                assert snapshot(app, model, pk) == before, (model, field, role)
            # whoever may write the model and see the row meets the step rule itself, not another refusal
            puts = api.include_route_methods is None or "put" in api.include_route_methods
            if puts and field in (api.edit_columns or ()):
                assert named or not writers(app, api.class_permission_name) - direct, (model, field, "no step named")
    assert scalar(app, sa.select(sa.func.count()).select_from(cls)) == count


@pytest.fixture(scope="module")
def screens(world):
    app, _, _ = world
    clients = {}
    for role in ROLES:
        c = app.test_client()
        assert c.post("/login/", data={"username": role, "password": DEMO_PASSWORD}).status_code == 302
        clients[role] = c
    return clients


@pytest.mark.parametrize("model", sorted(OWNED))
def test_owned_fields_refused_on_the_edit_screen(world, screens, model):
    """ISSUE 13-1: the edit form shows owned fields read-only, and a form posting one is refused (422) unchanged."""
    app, _, _ = world
    cls = getattr(m, model)
    views = [v for v in views_of(app, model, "view") if "edit" in (v.include_route_methods or {"edit"})]
    pk = sample_row(app, model)
    before = snapshot(app, model, pk)
    for view in views:
        for field in OWNED[model]:
            value = new_value(app, cls, field, None)
            for role, c in screens.items():
                if field not in locked_fields(model, {USER_ROLES[role]}):
                    continue  # e.g. 巡察办's 回避豁免理由: the step is its own edit of the field
                resp = c.post(f"{view.route_base}/edit/{pk}", data={field: str(value)})
                # 422: refused by the step rule; 302 to the login page or 403/404: no permission or out of scope
                assert resp.status_code == 422 or (resp.status_code in (302, 403, 404) and (
                    resp.status_code != 302 or "/login" in resp.headers["Location"])), (model, role, resp.status_code)
                assert snapshot(app, model, pk) == before, (model, field, role)
    page = screens["office"].get(f"{views[0].route_base}/edit/{pk}") if views else None
    if page is not None and page.status_code == 200:
        html = page.get_data(as_text=True)
        for field, step in OWNED[model].items():
            if f'name="{field}"' in html and field in locked_fields(model, {"Office"}):
                assert f"由「{step}」步骤填写" in html, (model, field)


def test_admin_writes_an_owned_date_recorded_but_not_past_a_date_order(world):
    """ISSUE 13-1 "系统管理员可以直接填写，变更记录留痕，但仍受一致性规则约束"; 13-5 四（二）“巡察结束后两周内……向学校党委
    常委会汇报”: a 常委会汇报 before the work end is refused naming both fields."""
    app, client, h = world
    pk = sample_row(app, "Inspection")
    work_end = scalar(app, sa.select(m.Inspection.work_end).where(m.Inspection.id == pk))
    assert work_end is not None
    admin = h("admin")
    early = client.put(f"/api/v1/inspection/{pk}", headers=admin,
                       json={"committee_report_date": date(work_end.year, 1, 1).isoformat()})
    assert early.status_code == 422 and "巡察结束日期" in early.json["message"] \
        and "向常委会汇报日期" in early.json["message"], early.json
    ok = client.put(f"/api/v1/inspection/{pk}", headers=admin, json={"committee_report_date": work_end.isoformat()})
    assert ok.status_code == 200, ok.json
    logged = rows(app, sa.select(m.ChangeLog.actor, m.ChangeLog.changes).where(
        m.ChangeLog.entity == "inspection", m.ChangeLog.entity_id == pk).order_by(m.ChangeLog.id.desc()).limit(1))
    assert logged[0][0] == "admin" and "committee_report_date" in logged[0][1]


def owned_state(app) -> dict:
    """Every step-owned field of every row of every model OWNED declares."""
    out = {}
    for model, fields in OWNED.items():
        cls = getattr(m, model)
        cols = [column_of(cls, f) for f in fields]
        out[model] = sorted(tuple(r) for r in rows(app, sa.select(cls.id, *cols)))
    return out


def bulk_actions(app):
    """(route base, action name, model) of every list screen's bulk action (FAB @action), found by introspection."""
    from views.base import XctModelView

    return sorted({(v.route_base, name, v.datamodel.obj.__name__) for v in app.appbuilder.baseviews
                   if isinstance(v, XctModelView) for name in (getattr(v, "actions", None) or {})})


def test_bulk_actions_write_no_owned_field(world, screens):
    """ISSUE 13-1 “… tries every owned field through screen edit, REST POST/PUT and bulk actions as every role”: each
    bulk action of every list screen, posted by every role but Admin over the rows of its model, answers without a
    500 and leaves every step-owned field of every model as it was: a bulk action is a step's door (its form or its
    command decides), never a way round one."""
    app, _, _ = world
    actions = bulk_actions(app)
    assert {("/clueview", "decide", "Clue"), ("/clueview", "build_transfers", "Clue"),
            ("/petitionview", "to_clue", "Petition")} <= set(actions), actions
    before = owned_state(app)
    for route, name, model in actions:
        ids = [str(r[0]) for r in rows(app, sa.select(getattr(m, model).id).order_by(getattr(m, model).id).limit(5))]
        for role, c in screens.items():
            resp = c.post(f"{route}/action_post", data={"action": name, "rowid": ids})
            assert resp.status_code in (200, 302, 403, 404), (route, name, role, resp.status_code)
            assert owned_state(app) == before, (route, name, role)
