"""API.md: for every resource an Admin token can list, create, read, update and delete; `_info` and OpenAPI answer."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

import schema as m
from tests.conftest import open_inspection

# field name → True where the field is a relation written as id(s) and read back as object(s) with `id`.
RELATIONS = {"unit", "round", "team", "person", "inspection", "interviewee", "finding", "responsible",
             "department", "clues"}


def _first(app, model, *where):
    from app.extensions import db

    with app.app_context():
        return db.session.scalar(sa.select(model.id).where(*where).order_by(model.id).limit(1))


def _post(client, headers, name, payload):
    resp = client.post(f"/api/v1/{name}/", json=payload, headers=headers)
    assert resp.status_code == 201, (name, resp.get_json())
    return resp.json["id"]


@pytest.fixture()
def ctx(app, client, tokens):
    """Ids of rows the payloads refer to, some created through the API itself."""
    h = tokens("admin")
    tag = uuid.uuid4().hex[:6]
    unit = _post(client, h, "unit", {"name": f"契约测试学院{tag}", "kind": "教学科研单位", "staff_count": 88})
    person = _post(client, h, "person", {"name": "契约测试人", "unit": unit, "title": "教授"})
    # an inspection whose archive is not yet handed over (八（二）), with a finding for the ledger row
    inspection = open_inspection(app, m.Inspection.id.in_(sa.select(m.Finding.inspection_id)))
    return {
        "h": h,
        "tag": tag,
        "unit": unit,
        "person": person,
        "round": _first(app, m.Round),
        "team": _first(app, m.Team),
        "inspection": inspection,
        "finding": _first(app, m.Finding, m.Finding.inspection_id == inspection),
        "dept": _first(app, m.Unit, m.Unit.is_receiving.is_(True)),
        "clues": [c for c in [_first(app, m.Clue), _first(app, m.Clue, m.Clue.id > (_first(app, m.Clue) or 0))]],
    }


def cases(c):
    """resource → (create payload, update payload): exactly the fields API.md names."""
    return {
        "unit": ({"name": f"契约测试学院二{c['tag']}", "kind": "党政管理部门", "staff_count": 40}, {"staff_count": 41}),
        "person": ({"name": "李契约", "unit": c["unit"], "title": "副院长", "username": None}, {"title": "院长"}),
        "round": ({"name": f"2027年专项巡察{c['tag']}", "year": 2027, "kind": "专项"}, {"kind": "机动"}),
        "team": ({"name": f"契约测试组{c['tag']}", "round": c["round"]}, {"name": f"契约测试组（改）{c['tag']}"}),
        "team_member": ({"team": c["team"], "person": c["person"], "role": "成员"}, {"role": "副组长"}),
        "inspection": (
            {"round": c["round"], "team": c["team"], "unit": c["unit"], "notice_date": "2026-03-02",
             "entry_date": "2026-03-09", "work_start": "2026-03-09", "work_end": "2026-04-10",
             "committee_report_date": "2026-04-20", "feedback_date": "2026-04-27", "feedback_done_date": "2026-04-29"},
            {"work_end": "2026-04-12"},
        ),
        "meeting": ({"inspection": c["inspection"], "kind": "动员会", "held_on": "2026-03-09", "expected_count": 30,
                     "present_count": 27}, {"present_count": 28}),
        "petition": ({"inspection": c["inspection"], "channel": "来信", "received_on": "2026-03-12",
                      "summary": "反映某科研经费报销问题"}, {"channel": "邮箱"}),
        "clue": ({"inspection": c["inspection"], "source": "信访", "category": "财务管理", "involves_leadership": True,
                  "summary": "涉嫌违规报销", "status": "登记", "department": c["dept"]}, {"category": "作风"}),
        "talk": ({"inspection": c["inspection"], "interviewee": c["person"], "held_on": "2026-03-15",
                  "record": "谈话内容原汁原味记录"}, {"record": "补充记录"}),
        "finding": ({"inspection": c["inspection"], "aspect": "党的建设", "summary": "基层党组织组织生活不规范"},
                    {"aspect": "全面从严治党"}),
        "rectification_item": ({"inspection": c["inspection"], "finding": c["finding"], "task": "规范组织生活",
                                "responsible": c["person"], "due_date": "2026-07-01", "status": "整改中"},
                               {"due_date": "2026-08-01"}),
        "transfer": ({"department": c["dept"], "transferred_on": "2026-05-10", "clues": c["clues"]},
                     {"transferred_on": "2026-05-11"}),
        "routing_rule": ({"priority": 555, "category": "作风", "involves_leadership": None, "department": None},
                         {"priority": 556}),
        "deadline_rule": ({"code": f"T{c['tag']}", "title": "测试期限", "anchor": "work_end", "direction": "after",
                           "offset": 5, "offset_max": None, "time_unit": "calendar_day"}, {"offset": 6}),
        "calendar_day": ({"day": "2099-01-01", "is_workday": False, "note": "测试"}, {"is_workday": True}),
    }


def _assert_fields(name, result, payload):
    for key, value in payload.items():
        got = result[key]
        if key in RELATIONS and value is not None:
            if isinstance(value, list):
                assert sorted(o["id"] for o in got) == sorted(value), (name, key, got)
            else:
                assert got["id"] == value, (name, key, got)
        else:
            assert got == value, (name, key, got, value)


@pytest.mark.parametrize("name", list(cases({k: 0 for k in ("unit", "person", "round", "team", "inspection",
                                                              "finding", "dept", "clues", "tag")})))
def test_crud(client, ctx, name):
    h = ctx["h"]
    create, update = cases(ctx)[name]
    assert client.get(f"/api/v1/{name}/_info", headers=h).status_code == 200

    rid = _post(client, h, name, create)
    shown = client.get(f"/api/v1/{name}/{rid}", headers=h)
    assert shown.status_code == 200
    _assert_fields(name, shown.json["result"], create)

    listed = client.get(f"/api/v1/{name}/?q=(page_size:100,order_column:id,order_direction:desc)", headers=h)
    assert listed.status_code == 200
    assert listed.json["ids"][0] == rid
    assert len(listed.json["ids"]) == len(listed.json["result"])

    resp = client.put(f"/api/v1/{name}/{rid}", json=update, headers=h)
    assert resp.status_code == 200, resp.get_json()
    _assert_fields(name, client.get(f"/api/v1/{name}/{rid}", headers=h).json["result"], update)

    assert client.delete(f"/api/v1/{name}/{rid}", headers=h).status_code == 200
    assert client.get(f"/api/v1/{name}/{rid}", headers=h).status_code == 404


def test_default_order_is_stable(client, tokens):
    h = tokens("admin")
    ids = client.get("/api/v1/person/?q=(page_size:100)", headers=h).json["ids"]
    assert ids == sorted(ids)


def test_openapi_for_admin_only(client, tokens):
    assert client.get("/api/v1/_openapi", headers=tokens("admin")).status_code == 200
    assert client.get("/api/v1/_openapi", headers=tokens("office")).status_code in (401, 403)
