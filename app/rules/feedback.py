"""五、结果反馈: the order and the people of the three feedback sessions, the 签收单, the feedback news; pure rules.

Each function takes plain values and answers what is wrong, in Chinese, quoting the clause; nothing here reads the
database. Screens, the API and the demo use the same functions (app.commands.feedback).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from schema.enums import SIGNER_ROLES

SESSION_ORDER = ("个别反馈", "班子反馈", "大会反馈")  # 五（三）1, 2, 3

# 五（三） who must be at each session, and who hosts it (the clause each comes from).
SESSION_RULES = {
    "个别反馈": {
        "clause": "五（三）1 “由巡察办负责同志陪同，巡察组组长向被巡察单位党组织、行政主要负责人进行个别反馈”",
        "required": ("巡察组组长", "巡察办负责同志", "党组织主要负责人", "行政主要负责人"),
        "host": None,
    },
    "班子反馈": {
        "clause": "五（三）2 “巡察办负责同志主持会议，巡察组组长重点反馈巡察中发现的突出问题……领导班子成员逐一作简短表态”",
        "required": ("巡察办负责同志", "巡察组组长", "领导班子成员"),
        "host": "巡察办负责同志",
    },
    "大会反馈": {
        "clause": "五（三）3 “被巡察党组织主要负责人主持会议，巡察组组长宣读巡察反馈意见，巡察办负责同志受领导小组委托对"
                  "整改落实工作提出要求”",
        "required": ("党组织主要负责人", "巡察组组长", "巡察办负责同志"),
        "host": "党组织主要负责人",
    },
}
SIGNING_CLAUSE = ("五（三）1 “反馈后由巡察组组长、被巡察单位党组织主要负责人、巡察办负责人在《巡察反馈签收单》上签字”")
NEWS_CLAUSE = "五（四） “被巡察单位起草巡察反馈新闻稿，经巡察组组长和巡察办审定后，在被巡察单位和学校网站同时发布”"
NEWS_ENTRY_CLAUSE = "三（二）7 新闻稿经巡察组组长审定后发布"


@dataclass
class Session:
    """One feedback meeting: its kind, date, host's capacity and the capacities of those present."""

    kind: str
    held_on: date | None
    roles: set[str] = field(default_factory=set)
    host_role: str | None = None


def session_problems(sessions: list[Session]) -> list[str]:
    """What is wrong with an inspection's feedback sessions: order (个别 → 班子 → 大会, 五（三）), missing people, host."""
    problems: list[str] = []
    by_kind = {}
    for s in sessions:
        if s.kind in SESSION_RULES:
            by_kind.setdefault(s.kind, s)
    for i, kind in enumerate(SESSION_ORDER):
        s = by_kind.get(kind)
        if s is None:
            continue
        rule = SESSION_RULES[kind]
        for earlier in SESSION_ORDER[:i]:
            before = by_kind.get(earlier)
            if before is None:
                problems.append(f"{kind}须在{earlier}之后进行，尚未记录{earlier}（五（三）分层反馈的顺序）")
            elif s.held_on and before.held_on and s.held_on < before.held_on:
                problems.append(f"{kind}（{s.held_on.isoformat()}）早于{earlier}（{before.held_on.isoformat()}）："
                                f"应依次进行个别反馈、班子反馈、大会反馈（五（三））")
        missing = [r for r in rule["required"] if r not in s.roles]
        if missing:
            problems.append(f"{kind}缺少参加人员：{'、'.join(missing)}——{rule['clause']}")
        if rule["host"] and s.host_role and s.host_role != rule["host"]:
            problems.append(f"{kind}应由{rule['host']}主持（现为{s.host_role}）——{rule['clause']}")
    return problems


def signature_problems(signatures: dict[str, tuple[int | None, date | None]]) -> list[str]:
    """The 签收单 (附件22) is complete when each of the three signers named by 五（三）1 has signed (person and date).

    :param signatures: signer_role → (person_id, signed_on)
    """
    problems = []
    for role in SIGNER_ROLES:
        person, on = signatures.get(role, (None, None))
        if person is None or on is None:
            problems.append(f"《巡察反馈签收单》缺少{role}签字")
    return problems


def delivered_on(signatures: dict[str, tuple[int | None, date | None]]) -> date | None:
    """The day the feedback counts as delivered (inspection.feedback_date, the D7–D9 anchor): the day the last of the
    three signed; None while any is missing."""
    if signature_problems(signatures):
        return None
    return max(on for _, on in signatures.values() if on is not None)


def news_problem(stage: str, leader_approved_on: date | None, office_approved_on: date | None,
                 published_on: date | None) -> tuple[str, str] | None:
    """(field, message) when a news release is published without its approvals, or before them; else None.

    Feedback news (五（四）) needs the 组长 and 巡察办; the others (三（二）7) the 组长.
    """
    if published_on is None:
        return None
    needed = [("leader_approved_on", "巡察组组长", leader_approved_on)]
    if stage == "反馈":
        needed.append(("office_approved_on", "巡察办", office_approved_on))
    clause = NEWS_CLAUSE if stage == "反馈" else NEWS_ENTRY_CLAUSE
    missing = [who for _, who, on in needed if on is None]
    if missing:
        return "published_on", f"新闻稿尚未经{'和'.join(missing)}审定，不能发布——{clause}"
    for _, who, on in needed:
        if published_on < on:
            return "published_on", f"发布日期不能早于{who}审定日期（{on.isoformat()}）——{clause}"
    return None
