"""Permission names and the eight roles (DOMAIN.md §6), composed from (action, resource) pairs.

Every screen and REST API of one object shares one resource (its model's name) and two actions,
``can_read`` and ``can_write`` (Superset's read/write map). Menus follow from what a role may read.
"""

from __future__ import annotations

READ = "read"
WRITE = "write"

# method → read/write, for ModelView screens and ModelRestApi endpoints.
VIEW_METHOD_PERMISSIONS = {
    "list": READ, "show": READ,
    "add": WRITE, "edit": WRITE, "delete": WRITE, "muldelete": WRITE,
    "action": WRITE, "action_post": WRITE, "export": READ, "history_tab": READ,
}
API_METHOD_PERMISSIONS = {
    "get": READ, "get_list": READ, "info": READ,
    "post": WRITE, "put": WRITE, "delete": WRITE, "export": READ,
}

ROLES = ("Admin", "LeadingGroup", "Office", "TeamLeader", "TeamMember", "ReceivingDept", "UnitLiaison", "PartyOffice")

# Resources grouped the way the roles see them.
ORG = ("Unit", "Person")
PLAN = ("AnnualPlan", "PlanApproval", "LeaderNomination", "Round", "Team", "TeamMember")
PREPARATION = ("Inspection", "Briefing", "WorkPlan", "Announcement", "NewsRelease", "Speech")
FIELDWORK = (
    "Meeting", "Survey", "SurveyQuestion", "SurveyResponse", "SurveyAnswer", "Petition", "Clue", "Talk", "Material",
    "CustodyEvent", "Visit", "DeepDive", "UrgentReport", "ImmediateFix", "ClueExhibit", "MeetingAttendee",
)
REPORTING = ("Finding", "Recommendation", "InspectionReport", "TalkReport", "Feedback", "FeedbackSignature",
             "FeedbackItem")
# TransferReceipt: the receiving department's side of a transfer (签收, 办理, 报告), a screen of its own.
OUTCOMES = ("Rectification", "RectificationItem", "Transfer", "TransferReceipt", "Submission", "Supervision",
            "Deadline", "ReboundCheck")
ARCHIVE = ("ArchiveVolume", "ArchiveItem", "DestructionRecord", "Document")
# 九、成果共享: Statistics is the 巡察数据统计 screen and its REST (figures, annual report, 提交类 from a repeat flag)
SHARING = ("Statistics", "Bulletin")
SETTINGS = ("RoutingRule", "CodeRule", "DeadlineRule", "CalendarDay", "DocumentTemplate", "StatusEvent", "StatusTransition",
            "ArchiveRequirement", "RepeatRule")
# The change history and read log: Admin and Office only (views.audit says why), read-only for everyone.
AUDIT = ("ChangeLog", "ReadLog")
# 领导看板 (views.dashboards): the leaders and 巡察办, and a team leader for the own team's inspections.
DASHBOARD = ("Dashboard",)
BUSINESS = ORG + PLAN + PREPARATION + FIELDWORK + REPORTING + OUTCOMES + ARCHIVE + SHARING


def _grant(level: str, *groups: tuple[str, ...]) -> dict[str, str]:
    return {res: level for group in groups for res in group}


_TEAM_COMMON = {
    # no Transfer: 巡察组不留存移送材料 (六（二）3), the list stays with 巡察办
    **_grant(READ, ORG, PLAN, ("Inspection", "Announcement", "Submission", "Rectification",
                                "RectificationItem", "Supervision", "RoutingRule", "DeadlineRule", "Deadline",
                                "Statistics")),  # the figures of the own team's inspections (app.stats)
    **_grant(WRITE, ("Person", "Briefing", "WorkPlan", "NewsRelease", "Speech", "ReboundCheck"), FIELDWORK,
             REPORTING, ARCHIVE),  # ReboundCheck: 七（二） the new round's team checks the previous rectification
}

# role → {resource: read|write}. Admin is not listed: it holds every permission there is.
ROLE_GRANTS: dict[str, dict[str, str]] = {
    "LeadingGroup": _grant(READ, BUSINESS, SETTINGS, DASHBOARD),
    "Office": {**_grant(WRITE, BUSINESS), **_grant(READ, SETTINGS, AUDIT, DASHBOARD), "RoutingRule": WRITE,
               "CodeRule": WRITE},  # 巡察办 keeps its own numbering of 信访 and 线索
    # 八（一）巡察组…指定专人负责巡察材料的立卷归档: the 组长 (or whom they name) collects the items before handover;
    # taking the volume in (移交巡察办) and destroying materials are 巡察办's (八（二）2), so the team reads those.
    # The 组长's dashboard shows the own team's numbers (app.scope).
    "TeamLeader": {**_TEAM_COMMON, "ArchiveVolume": READ, "DestructionRecord": READ, **_grant(READ, DASHBOARD)},
    "TeamMember": {**_TEAM_COMMON, "FeedbackSignature": READ, "ArchiveVolume": READ, "ArchiveItem": READ,
                   "DestructionRecord": READ},
    "ReceivingDept": {**_grant(READ, ORG, ("Inspection", "Clue", "ClueExhibit", "Document", "Deadline", "Transfer")),
                      "TransferReceipt": WRITE},
    "UnitLiaison": {
        **_grant(READ, ORG, ("Round", "Inspection", "Announcement", "Feedback", "Finding", "Recommendation",
                             "Meeting", "FeedbackSignature", "FeedbackItem", "ReboundCheck")),
        **_grant(WRITE, ("NewsRelease", "Rectification", "RectificationItem", "Document")),
    },
    "PartyOffice": {
        **_grant(READ, ORG, ("Round", "Inspection", "Finding", "Rectification", "RectificationItem", "Document",
                             "Deadline", "ReboundCheck")),
        **_grant(WRITE, ("Submission", "Supervision")),
    },
}

# What every signed-in user may do with their own account and their own to-do list.
SELF_SERVICE = (
    ("can_read", "MyTodo"),
    ("can_read", "Job"),  # 后台任务: each user's own (app.scope)
    ("can_read", "Search"),  # 检索: every role, each within its own scope (app.commands.search)
    ("can_userinfo", "UserDBModelView"),
    ("resetmypassword", "UserDBModelView"),
    ("can_this_form_get", "ResetMyPasswordView"),
    ("can_this_form_post", "ResetMyPasswordView"),
    ("can_this_form_get", "UserInfoEditView"),
    ("can_this_form_post", "UserInfoEditView"),
)


def role_permissions(role: str, menu: dict[str, tuple[str, str]]) -> set[tuple[str, str]]:
    """The exact (permission, view_menu) set of a non-Admin role.

    :param menu: menu item name → (resource, category name) of every view registered with a menu.
    """
    grants = ROLE_GRANTS[role]
    perms: set[tuple[str, str]] = set(SELF_SERVICE)
    for resource, level in grants.items():
        perms.add(("can_read", resource))
        if level == WRITE:
            perms.add(("can_write", resource))
    for item, (resource, category) in menu.items():
        if resource in grants or ("can_read", resource) in SELF_SERVICE:
            perms.add(("menu_access", item))
            if category:
                perms.add(("menu_access", category))
    return perms
