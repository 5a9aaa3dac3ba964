"""回避 and the team's composition (issue 13, item 6), as pure functions over plain values.

一（一）2 巡察组实行组长负责制，设组长、副组长和成员; 巡察工作人员与被巡察单位有利害关系的应当回避 (the 规程's
discipline section and 工作纪律承诺书). A person of the inspected unit, or with a declared conflict with it, is
refused on the team unless 巡察办 records an exemption with a reason.
"""

from __future__ import annotations


def conflict_problem(name: str, own_unit: int | None, conflict_unit: int | None, inspected: set[int],
                     exemption_reason: str | None, unit_names: dict[int, str] | None = None) -> str | None:
    """Why `name` may not be on a team inspecting the units `inspected`, or None."""
    if (exemption_reason or "").strip():
        return None
    names = unit_names or {}
    if own_unit is not None and own_unit in inspected:
        return (f"{name}是被巡察单位「{names.get(own_unit, own_unit)}」的人员，应当回避，不能编入巡察该单位的巡察组；"
                "确需参加的，由巡察办填写回避豁免理由")
    if conflict_unit is not None and conflict_unit in inspected:
        return (f"{name}已申报与「{names.get(conflict_unit, conflict_unit)}」有利害关系，应当回避；"
                "确需参加的，由巡察办填写回避豁免理由")
    return None


def composition_problem(roles: list[str]) -> str | None:
    """一（一）2 组长负责制: exactly one 组长 and at least one 副组长."""
    leaders, deputies = roles.count("组长"), roles.count("副组长")
    problems = []
    if leaders != 1:
        problems.append(f"应有且只有 1 名组长（现有 {leaders} 名）")
    if deputies < 1:
        problems.append("应至少有 1 名副组长（现有 0 名）")
    return "巡察组" + "，".join(problems) if problems else None


def consent_problem(is_major: bool, raised_on, consent_on) -> str | None:
    """三（四）2 “对重大、敏感问题的处理意见，需报领导小组同意后，再向被巡察党组织提出”."""
    if is_major and raised_on is not None and consent_on is None:
        return "重大、敏感问题须先记录巡察工作领导小组同意（「记录领导小组同意」），方可向被巡察单位提出（规程三（四）2）"
    return None


FROZEN_NEWS_FIELDS = ("title", "body", "stage")


def news_frozen_problem(changed: list[str], leader_approved_on) -> tuple[str, str] | None:
    """五（四） 新闻稿经审定后发布: the approved text is what is published; a change needs a new approval."""
    if leader_approved_on is None:
        return None
    for name in changed:
        if name in FROZEN_NEWS_FIELDS:
            return name, (f"新闻稿已于{leader_approved_on.isoformat()}审定，内容不能再修改（规程五（四））；"
                          "如需修改，请新建一稿并重新审定")
    return None
