"""Issue 16, item 2 and 5: the rules that left views/ decide alone, and the two shared declarations behave.

No app needed: the rules are pure, the scope helper builds SQL, the Resource declaration is read at class creation.
"""

from __future__ import annotations

from types import SimpleNamespace

import sqlalchemy as sa

from app.commands.clues import close_refusal, exhibit_refusal
from app.commands.statistics import bulletin_write_problem, repeat_rule_problem
from app.rules.approvers import NEWS_APPROVER_ROLES, NEWS_ROLE_REFUSAL, REPORT_APPROVER_ROLES, role_refusal
from app.scope import scoped
from schema import Inspection, Person


def user(*roles: str):
    return SimpleNamespace(username="u", is_authenticated=True, roles=[SimpleNamespace(name=r) for r in roles])


def test_news_approval_roles_by_who():
    # 五（四）: the 组长 审定s every news release; the 巡察办's own 审定 only 巡察办 takes
    assert role_refusal({"TeamLeader"}, NEWS_APPROVER_ROLES["leader"], NEWS_ROLE_REFUSAL) is None
    assert role_refusal({"TeamLeader"}, NEWS_APPROVER_ROLES["office"], NEWS_ROLE_REFUSAL) == NEWS_ROLE_REFUSAL
    assert role_refusal({"UnitLiaison"}, NEWS_APPROVER_ROLES["leader"], NEWS_ROLE_REFUSAL) == NEWS_ROLE_REFUSAL
    assert role_refusal({"Office"}, REPORT_APPROVER_ROLES, "x") is None
    assert role_refusal(set(), REPORT_APPROVER_ROLES, "x") == "x"  # signed in without a role: refused
    assert role_refusal(None, REPORT_APPROVER_ROLES, "x") is None  # no caller (demo loader, CLI): recorded


def test_a_transferred_clue_is_not_closed_by_hand_and_its_package_freezes():
    assert close_refusal(SimpleNamespace(disposal="移送类")) == "移送类线索由接收部门报告办理结果后办结"
    assert close_refusal(SimpleNamespace(disposal="整改类")) is None
    # decided by status before any query: a closed clue's package no longer changes (the page hides the button)
    assert exhibit_refusal(SimpleNamespace(status="已办结", id=1)) == "线索已办结，不能再修改移送材料"
    assert exhibit_refusal(SimpleNamespace(status="已移送", id=1)) == "线索已移送，不能再修改移送材料"


def test_bulletin_and_repeat_rule_record_rules():
    rnd = SimpleNamespace(year=2025, name="2025年第一轮")
    assert bulletin_write_problem(SimpleNamespace(year=1999, round=None)) == ("year", "年度须为 2000～2100")
    assert bulletin_write_problem(SimpleNamespace(year=2026, round=rnd)) == ("round", "轮次「2025年第一轮」不属于2026年")
    assert bulletin_write_problem(SimpleNamespace(year=2025, round=rnd)) is None
    assert repeat_rule_problem(SimpleNamespace(threshold=1)) == ("threshold", "标准须为 2～1000 的整数")
    assert repeat_rule_problem(SimpleNamespace(threshold=2)) is None


def test_scoped_applies_the_given_users_scope_and_nothing_outside_a_request():
    stmt = sa.select(Inspection.id)
    assert scoped(stmt, Inspection) is stmt  # no request: jobs, CLI and seeds are not restricted
    assert scoped(stmt, Inspection, user("Office")) is stmt  # 巡察办 sees every inspection
    assert scoped(stmt, Person, user("UnitLiaison")) is stmt  # people are not row-scoped
    limited = str(scoped(stmt, Inspection, user("TeamLeader")).compile(compile_kwargs={"literal_binds": True}))
    assert "WHERE" in limited and "team_member" in limited
    nobody = str(scoped(stmt, Inspection, None).compile(compile_kwargs={"literal_binds": True}))
    assert "WHERE false" in nobody or "WHERE 0 = 1" in nobody or "WHERE 1 != 1" in nobody


def test_a_resource_gives_each_side_its_own_copies():
    from schema import Team
    from views.base import Resource, XctModelRestApi, XctModelView

    shared = Resource(Team, {"name": "组名"}, ("round", "name"))

    class Screen(XctModelView):
        resource = shared
        label_columns = {"phone": "联系电话"}

    class Api(XctModelRestApi):
        resource = shared
        add_columns = ["name", "round"]  # one side may order its form differently

    assert Screen.label_columns == {"name": "组名", "phone": "联系电话"} and Api.label_columns == {"name": "组名"}
    assert Screen.add_columns == Screen.edit_columns == ["round", "name"] and Api.add_columns == ["name", "round"]
    assert Api.edit_columns == ["round", "name"]
    assert Screen.datamodel is not Api.datamodel and Screen.datamodel.obj is Team
    Screen.label_columns["round"] = "轮次"  # FAB fills label dicts in place at start-up: nothing leaks
    assert "round" not in Api.label_columns and "round" not in shared.labels
