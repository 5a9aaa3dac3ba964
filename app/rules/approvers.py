"""Who takes a step (issue 13, item 2): approvals and sign-offs as data, one pure function deciding.

A step records the person of the logged-in user (never a typed name) and checks who that is: the team's 组长 for
the team's approvals, 巡察办 for its own; nobody approves a record he is on himself (four-eyes). A refusal says in
Chinese who may take the step.
"""

from __future__ import annotations

from dataclasses import dataclass

TEAM_LEADER = "team_leader"  # the 组长 of the team inspecting the record's unit
OFFICE = "office"  # a user with the Office (巡察办) role

WHO_TEXT = {TEAM_LEADER: "本巡察组组长", OFFICE: "巡察办"}


@dataclass(frozen=True)
class Approval:
    key: str
    model: str
    step: str  # the Chinese name, as app.rules.ownership names the fields' owner
    date_field: str
    person_field: str | None  # the approver, recorded from the logged-in user
    by: str  # TEAM_LEADER or OFFICE
    own: tuple[str, ...] = ()  # the record's own people (relations): none of them may approve it
    clause: str = ""


APPROVALS: dict[str, Approval] = {a.key: a for a in (
    Approval("talk_single", "Talk", "组长批准单独谈话", "single_approved_on", "single_approved_by", TEAM_LEADER,
             ("interviewers", "recorder"), "三（三）5（3）“经巡察组组长同意，可进行单独谈话”"),
    Approval("talk_review", "Talk", "组长审阅谈话记录", "reviewed_on", "reviewed_by", TEAM_LEADER,
             ("interviewers", "recorder"), "三（三）5 谈话记录由巡察组组长审阅"),
    Approval("material", "Material", "组长批准调阅重要资料", "approved_on", "approved_by", TEAM_LEADER,
             ("received_by",), "三（三）6“调阅重要资料须经巡察组组长批准”"),
    Approval("visit", "Visit", "组长批准走访调研", "approved_on", "approved_by", TEAM_LEADER, ("recorder",),
             "三（三）7“经巡察组组长批准后，巡察组可以深入被巡察党组织下属系（所、中心）开展调研工作”"),
    Approval("deep_dive_plan", "DeepDive", "组长审批深入了解方案", "plan_approved_on", "plan_approved_by",
             TEAM_LEADER, ("owner",), "三（三）8 深入了解的工作方案经巡察组组长审批"),
    # 三（四）2 the 领导小组's consent is recorded by 巡察办, the 领导小组's office
    Approval("fix_consent", "ImmediateFix", "记录领导小组同意", "leading_group_approved_on", None, OFFICE, (),
             "三（四）2“对重大、敏感问题的处理意见，需报领导小组同意后，再向被巡察党组织提出”"),
    Approval("report_office", "InspectionReport", "巡察办提出报告意见", "office_reviewed_on", None, OFFICE, (),
             "四（一）1“巡察组起草巡察情况报告，征求巡察办意见后修改完善”"),
    # 四（一）1 the 领导小组's reading of the report is recorded by 巡察办, which then 安排向学校党委汇报
    Approval("report_leaders", "InspectionReport", "记录领导小组审阅报告", "leader_reviewed_on", None, OFFICE, (),
             "四（一）1“巡察报告经领导小组有关领导同志审阅后，巡察办应及时安排向学校党委汇报”"),
    Approval("feedback_approval", "Feedback", "记录领导小组审定反馈意见", "leading_group_approved_on", None, OFFICE,
             (), "五（一）“巡察办商巡察组根据会议要求修改巡察反馈意见并报领导小组审定”"),
    Approval("committee_report", "Inspection", "记录向常委会汇报", "committee_report_date", None, OFFICE, (),
             "四（二）“巡察结束后两周内……向学校党委常委会汇报”"),
)}


def approver_refusal(approval: Approval, *, roles, person_id: int | None, leader_ids, own_ids) -> str | None:
    """None when the caller may take the step, else the Chinese refusal naming who may.

    :param roles: the caller's role names; person_id: the caller's person (None: no person linked to the login);
    leader_ids: the persons who are 组长 of the record's team; own_ids: the record's own people (four-eyes).
    """
    who = WHO_TEXT[approval.by]
    if approval.by == OFFICE:
        if "Office" not in set(roles or ()):
            return f"「{approval.step}」只能由{who}办理（{approval.clause}）"
        return None
    if person_id is None:
        return f"您的账号未关联人员，无法记录审批人：「{approval.step}」只能由{who}本人办理"
    if person_id not in set(leader_ids):
        return f"「{approval.step}」只能由{who}办理（{approval.clause}）"
    if person_id in set(own_ids):
        return f"不能审批本人参与的记录（四眼原则）：「{approval.step}」须由未参与该记录的{who}办理"
    return None


# 五（三）1《巡察反馈签收单》: who may sign for each party.
SIGNERS = {
    "巡察组组长": "本巡察组组长",
    "被巡察党组织主要负责人": "被巡察单位领导班子成员（党组织主要负责人，或主持工作的负责人）",
    "巡察办负责人": "巡察办的人员（不是本巡察组成员，也不是被巡察单位的人员）",
}


def signer_refusal(signer_role: str, *, is_team_leader: bool, of_unit: bool, on_team: bool,
                   is_leadership: bool = False) -> str | None:
    """五（三）1 “巡察组组长、被巡察党组织主要负责人、巡察办负责人……在《巡察反馈签收单》上签字”: the person
    signing for a party must be of that party. The 主要负责人 is a 领导班子成员 of the inspected unit: the 规程 names
    the office, not the person, so one who presides in the secretary's absence may sign (no title matching)."""
    ok = {"巡察组组长": is_team_leader, "被巡察党组织主要负责人": of_unit and is_leadership and not on_team,
          "巡察办负责人": not of_unit and not on_team}.get(signer_role, False)
    return None if ok else f"「{signer_role}」一栏只能由{SIGNERS.get(signer_role, '规定的人员')}签字"


# Who may open a step at all, by role, before the person is checked (approver_refusal, signer_refusal): 五（四）
# “新闻稿经巡察组组长审定，反馈新闻稿另经巡察办审定”; 六（一）5 the 领导小组's approval is recorded by 巡察办.
NEWS_APPROVER_ROLES = {"leader": frozenset({"TeamLeader", "Office", "Admin"}), "office": frozenset({"Office", "Admin"})}
NEWS_ROLE_REFUSAL = "只有巡察组组长（或巡察办）能审定新闻稿；巡察办审定须由巡察办办理"
REPORT_APPROVER_ROLES = frozenset({"Office", "Admin"})
REPORT_ROLE_REFUSAL = "领导小组批准整改情况报告由巡察办登记"


def role_refusal(roles: set[str] | None, allowed: frozenset[str], message: str) -> str | None:
    """`message` when a signed-in caller's `roles` hold none of `allowed`; None for a system actor (roles None:
    the demo loader, the CLI) and for a caller who holds one."""
    return None if roles is None or roles & allowed else message
