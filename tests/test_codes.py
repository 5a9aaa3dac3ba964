"""信访编号 / 线索编号 from a rule admins edit (issue 14 item 2): the pure rule, the fill on every add path, the
settings screen's refusal of a pattern that cannot make codes, and who may edit it. One demo database."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

import schema as m
from app.rules.codes import next_code, pattern_problem
from tests.conftest import demo_world, open_inspection, rows, scalar


@pytest.fixture(scope="module")
def world(databases, tmp_path_factory):
    yield from demo_world(databases, tmp_path_factory, "codes")


def test_the_next_code_follows_the_highest_running_number_of_the_same_beginning():
    existing = ["XC2026-05-001", "XC2026-05-007", "XC2026-06-009", "XC2026-05-abc", None, "手工编号"]
    assert next_code("XC{年}-{巡察}-{序号}", 2026, 5, existing) == "XC2026-05-008"
    assert next_code("XC{年}-{巡察}-{序号}", 2027, 5, existing) == "XC2027-05-001"
    assert next_code("{序号}号", 2026, 1, ["12号", "3号"]) == "013号"


@pytest.mark.parametrize("pattern, message", [
    ("", "请填写编号规则"),
    ("XC{年}-{巡察}", "编号规则须含且只含一个 {序号}"),
    ("XC{年}{序号}{序号}", "编号规则须含且只含一个 {序号}"),
    ("XC{月}-{序号}", "编号规则只能使用 {年}、{巡察}、{序号}，不认识：月"),
    ("XC{年:>6}-{序号}", "编号规则只能使用 {年}、{巡察}、{序号}，不认识：格式说明"),
    ("XC{年-{序号}", "编号规则的花括号不成对"),
    ("很长" * 14 + "{序号}", "按此规则生成的编号超过 30 个字符"),
])
def test_a_pattern_that_cannot_make_codes_is_refused_saying_why(pattern, message):
    assert pattern_problem(pattern) == message
    assert pattern_problem("XS{年}-{巡察}-{序号}") is None


def test_a_blank_code_is_filled_on_add_and_a_typed_one_is_kept(world):
    app, client, h = world
    insp = open_inspection(app, m.Inspection.team_id.in_(
        sa.select(m.TeamMember.team_id).join(m.Person).where(m.Person.username == "zuyuan")))
    year = scalar(app, sa.select(m.Round.year).join(m.Inspection).where(m.Inspection.id == insp))
    head = f"XC{year}-{insp:02d}-"
    taken = [c for (c,) in rows(app, sa.select(m.Petition.code).where(m.Petition.code.like(f"{head}%")))]
    highest = max((int(c[len(head):]) for c in taken if c[len(head):].isdigit()), default=0)
    body = {"inspection": insp, "channel": "来信", "received_on": "2026-12-01", "summary": "反映问题"}
    first = client.post("/api/v1/petition/", headers=h("zuyuan"), json=body)
    second = client.post("/api/v1/petition/", headers=h("zuyuan"), json={**body, "code": ""})
    typed = client.post("/api/v1/petition/", headers=h("zuyuan"), json={**body, "code": "来信-手工-1"})
    assert first.status_code == second.status_code == typed.status_code == 201, (first.json, typed.json)
    codes = [scalar(app, sa.select(m.Petition.code).where(m.Petition.id == r.json["id"]))
             for r in (first, second, typed)]
    assert codes[0].startswith(head) and codes[2] == "来信-手工-1"
    assert int(codes[1][len(head):]) == int(codes[0][len(head):]) + 1
    assert int(codes[0][len(head):]) == highest + 1
    # the clue registered from a petition (its own command) is numbered by the clue rule
    page = app.test_client()
    from seeds.demo import DEMO_PASSWORD

    assert page.post("/login/", data={"username": "zuyuan", "password": DEMO_PASSWORD}).status_code == 302
    assert page.post("/petitionview/action_post", data={"action": "to_clue", "rowid": [str(first.json["id"])]}
                     ).status_code == 302
    clue = scalar(app, sa.select(m.Clue.code).where(m.Clue.petition_id == first.json["id"]))
    assert clue.startswith(f"XS{year}-{insp:02d}-")


def test_the_rule_is_edited_under_settings_and_a_bad_one_refused(world):
    app, client, h = world
    rule = scalar(app, sa.select(m.CodeRule.id).where(m.CodeRule.model == "Petition"))
    bad = client.put(f"/api/v1/code_rule/{rule}", headers=h("office"), json={"pattern": "XC{年}-{巡察}"})
    assert bad.status_code == 422 and bad.json["errors"] == {"pattern": ["编号规则须含且只含一个 {序号}"]}
    assert scalar(app, sa.select(m.CodeRule.pattern).where(m.CodeRule.id == rule)) == "XC{年}-{巡察}-{序号}"
    for user in ("zuyuan", "liaison", "leader"):
        assert client.put(f"/api/v1/code_rule/{rule}", headers=h(user), json={"pattern": "X{序号}"}).status_code \
            in (403, 404), user
    ok = client.put(f"/api/v1/code_rule/{rule}", headers=h("office"), json={"pattern": "信{年}{巡察}{序号}"})
    assert ok.status_code == 200, ok.json
    insp = open_inspection(app)
    made = client.post("/api/v1/petition/", headers=h("office"), json={
        "inspection": insp, "channel": "来电", "received_on": "2026-12-01", "summary": "反映问题"})
    assert made.status_code == 201
    assert scalar(app, sa.select(m.Petition.code).where(m.Petition.id == made.json["id"])).startswith("信")
    client.put(f"/api/v1/code_rule/{rule}", headers=h("office"), json={"pattern": "XC{年}-{巡察}-{序号}"})
