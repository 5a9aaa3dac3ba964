"""Routing of clues (六（二）1, DOMAIN.md §5): one test per seeded rule row, the fallback, and an edited rule."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

import schema as m
from tests.conftest import open_inspection
from app.rules.routing import ANY_DEPARTMENT, RoutingRule, route

# category, involves_leadership → department named in the procedure
ROWS = [
    ("违纪违法", True, "纪委监察室"),
    ("作风", True, "纪委监察室"),
    ("民主集中制", True, "党委组织部"),
    ("三重一大", True, "党委组织部"),
    ("干部选拔任用", True, "党委组织部"),
    ("财务管理", True, "审计室"),
    ("违纪违法", False, "纪委监察室"),
    ("财务管理", False, "审计室"),
    ("干部选拔任用", False, "党委组织部"),
    # no specific rule: 其他问题移送相关单位（部门）
    ("作风", False, None),
    ("民主集中制", False, None),
    ("三重一大", False, None),
    ("其他", True, None),
    ("其他", False, None),
]


@pytest.fixture()
def clue_for(app, client, tokens):
    h = tokens("admin")
    inspection = open_inspection(app)  # a handed-over inspection is read-only (八（二）)
    made = []

    def make(category, leadership):
        resp = client.post("/api/v1/clue/", headers=h, json={
            "inspection": inspection, "source": "信访", "category": category, "involves_leadership": leadership,
            "summary": f"路由测试：{category}"})
        assert resp.status_code == 201, resp.get_json()
        made.append(resp.json["id"])
        return resp.json["id"]

    yield make
    for cid in made:
        client.delete(f"/api/v1/clue/{cid}", headers=h)


@pytest.mark.parametrize("category, leadership, department", ROWS)
def test_each_routing_row(app, client, tokens, clue_for, category, leadership, department):
    cid = clue_for(category, leadership)
    result = client.get(f"/api/v1/clue/{cid}/routing", headers=tokens("admin")).json["result"]
    assert set(result) >= {"department", "department_name", "rule"}
    with app.app_context():
        from app.extensions import db

        rule = db.session.get(m.RoutingRule, result["rule"])
        if department is None:
            assert result["department"] is None and result["department_name"] == ANY_DEPARTMENT
            assert rule.category is None and rule.department_id is None  # the fallback row
        else:
            assert result["department_name"] == department
            assert db.session.get(m.Unit, result["department"]).name == department
            assert rule.category == category and rule.involves_leadership is leadership


def test_edited_rule_changes_the_next_routing(app, client, tokens, clue_for):
    h = tokens("admin")
    cid = clue_for("作风", False)
    assert client.get(f"/api/v1/clue/{cid}/routing", headers=h).json["result"]["department"] is None
    with app.app_context():
        from app.extensions import db

        audit = db.session.scalar(sa.select(m.Unit.id).where(m.Unit.name == "审计室"))
    new = client.post("/api/v1/routing_rule/", headers=h, json={
        "priority": 25, "category": "作风", "involves_leadership": None, "department": audit})
    assert new.status_code == 201, new.get_json()
    try:
        result = client.get(f"/api/v1/clue/{cid}/routing", headers=h).json["result"]
        assert (result["department"], result["rule"]) == (audit, new.json["id"])
        # a leadership 作风 clue still meets the priority-20 rule first
        lead = clue_for("作风", True)
        assert client.get(f"/api/v1/clue/{lead}/routing", headers=h).json["result"]["department_name"] == "纪委监察室"
        client.put(f"/api/v1/routing_rule/{new.json['id']}", json={"is_active": False}, headers=h)
        assert client.get(f"/api/v1/clue/{cid}/routing", headers=h).json["result"]["department"] is None
    finally:
        client.delete(f"/api/v1/routing_rule/{new.json['id']}", headers=h)


def test_unknown_clue_is_404(client, tokens):
    assert client.get("/api/v1/clue/999999/routing", headers=tokens("admin")).status_code == 404


def test_priority_then_id_and_no_rules():
    rules = [RoutingRule(2, 10, None, None, 7, "相关部门甲", "移送类"), RoutingRule(1, 10, "作风", None, 8, "乙", "移送类")]
    assert route(rules, "作风", False).rule_id == 1
    assert route([], "作风", True).department_name == ANY_DEPARTMENT
