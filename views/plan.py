"""一、启动巡察: annual plan (approvals, team-leader nominations), rounds, teams and their members."""

from __future__ import annotations

from schema import AnnualPlan, LeaderNomination, PlanApproval, Round, Team, TeamMember

from .base import Resource, XctModelRestApi, XctModelView
from .preparation import InspectionView

CATEGORY = "一、启动巡察"

# ---------------------------------------------------------------- what each screen shares with its REST API

PLAN_APPROVAL = Resource(PlanApproval, {"plan": "年度计划", "body": "审批机构", "meeting_name": "审批会议"},
                         ("plan", "body", "approved_on", "meeting_name", "note"))
LEADER_NOMINATION = Resource(LeaderNomination, {"plan": "年度计划", "person": "建议人选"}, ("plan", "person", "note"))
TEAM_MEMBER = Resource(TeamMember, {"role": "组内职务", "person": "姓名"},
                       ("team", "person", "role", "seconded_from", "duties", "commitment_signed_on",
                        "exemption_reason"))  # 回避豁免: written by 巡察办 only (app.rules.ownership)
TEAM = Resource(Team, {"name": "组名", "phone": "联系电话"})
ROUND = Resource(Round, {"name": "轮次名称", "kind": "巡察类型", "plan": "年度计划", "previous_round": "回头看对应轮次"})
ANNUAL_PLAN = Resource(AnnualPlan, {"title": "计划名称"}, ("year", "title", "targets", "task_plan"))


# ---------------------------------------------------------------- screens


class PlanApprovalView(XctModelView):
    resource = PLAN_APPROVAL
    list_columns = ["plan", "body", "approved_on", "meeting_name"]
    show_columns = ["plan", "body", "approved_on", "meeting_name", "note", "created_at", "updated_at"]
    search_columns = ["plan", "body", "approved_on", "meeting_name"]
    order_columns = ["body", "approved_on"]


class LeaderNominationView(XctModelView):
    resource = LEADER_NOMINATION
    list_columns = ["plan", "person", "note"]
    show_columns = ["plan", "person", "note", "created_at"]
    search_columns = ["plan", "note"]
    order_columns = ["note"]


class TeamMemberView(XctModelView):
    resource = TEAM_MEMBER
    list_columns = ["team", "person", "role", "seconded_from", "duties", "commitment_signed_on"]
    show_columns = ["team", "person", "role", "seconded_from", "duties", "commitment_signed_on", "exemption_reason",
                    "created_at", "updated_at"]
    search_columns = ["team", "role", "seconded_from", "duties", "commitment_signed_on"]
    order_columns = ["role", "commitment_signed_on"]


class TeamView(XctModelView):
    resource = TEAM
    list_columns = ["name", "round", "phone", "email", "reception", "mailbox_location"]
    show_columns = ["name", "round", "phone", "email", "reception", "mailbox_location", "created_at", "updated_at"]
    add_columns = edit_columns = ["round", "name", "phone", "email", "reception", "mailbox_location"]
    search_columns = ["name", "round", "phone"]
    order_columns = ["name"]
    related_views = [TeamMemberView, InspectionView]


class RoundView(XctModelView):
    resource = ROUND
    list_columns = ["name", "year", "kind", "plan", "starts_on", "ends_on"]
    show_columns = ["name", "year", "kind", "plan", "starts_on", "ends_on", "previous_round", "note", "created_at",
                    "updated_at"]
    add_columns = edit_columns = ["plan", "name", "year", "kind", "starts_on", "ends_on", "previous_round", "note"]
    search_columns = ["name", "year", "kind", "plan", "starts_on", "ends_on"]
    order_columns = ["name", "year", "kind", "starts_on", "ends_on"]
    related_views = [TeamView, InspectionView]


class AnnualPlanView(XctModelView):
    resource = ANNUAL_PLAN
    base_order = ("year", "desc")
    list_columns = ["year", "title", "created_at", "updated_at"]
    show_columns = ["year", "title", "targets", "task_plan", "created_at", "updated_at"]
    search_columns = ["year", "title", "targets"]
    order_columns = ["year", "title", "created_at"]
    related_views = [PlanApprovalView, LeaderNominationView, RoundView]


# ---------------------------------------------------------------- REST


class AnnualPlanApi(XctModelRestApi):
    resource_name = "annual_plan"
    resource = ANNUAL_PLAN
    list_columns = ["id", "year", "title"]
    show_columns = ["id", "year", "title", "targets", "task_plan", "approvals.id", "nominations.id", "rounds.id",
                    "created_at", "updated_at"]
    label_columns = {"approvals.id": "审批编号", "nominations.id": "组长建议人选编号", "rounds.id": "轮次编号"}


class PlanApprovalApi(XctModelRestApi):
    resource_name = "plan_approval"
    resource = PLAN_APPROVAL
    list_columns = ["id", "plan.id", "plan.title", "body", "approved_on", "meeting_name"]
    show_columns = list_columns + ["note", "created_at", "updated_at"]


class LeaderNominationApi(XctModelRestApi):
    resource_name = "leader_nomination"
    resource = LEADER_NOMINATION
    list_columns = ["id", "plan.id", "plan.title", "person.id", "person.name", "note"]
    show_columns = list_columns + ["created_at", "updated_at"]


class RoundApi(XctModelRestApi):
    resource_name = "round"
    resource = ROUND
    list_columns = ["id", "name", "year", "kind", "plan.id", "plan.title", "starts_on", "ends_on",
                    "previous_round.id", "previous_round.name"]
    show_columns = list_columns + ["note", "created_at", "updated_at"]
    add_columns = edit_columns = ["name", "year", "kind", "plan", "starts_on", "ends_on", "previous_round", "note"]


class TeamApi(XctModelRestApi):
    resource_name = "team"
    resource = TEAM
    list_columns = ["id", "name", "round.id", "round.name", "phone", "email", "reception", "mailbox_location"]
    show_columns = list_columns + ["created_at", "updated_at"]
    add_columns = edit_columns = ["name", "round", "phone", "email", "reception", "mailbox_location"]


class TeamMemberApi(XctModelRestApi):
    resource_name = "team_member"
    resource = TEAM_MEMBER
    list_columns = ["id", "team.id", "team.name", "person.id", "person.name", "role", "seconded_from.id",
                    "seconded_from.name", "duties", "commitment_signed_on"]
    show_columns = list_columns + ["exemption_reason", "created_at", "updated_at"]


SCREENS = [
    (AnnualPlanView, "年度计划", CATEGORY, "fa-calendar-check-o"),
    (RoundView, "巡察轮次", CATEGORY, "fa-refresh"),
    (TeamView, "巡察组", CATEGORY, "fa-users"),
    (TeamMemberView, "巡察组成员", CATEGORY, "fa-user-plus"),
]
HIDDEN = [PlanApprovalView, LeaderNominationView]
APIS = [AnnualPlanApi, PlanApprovalApi, LeaderNominationApi, RoundApi, TeamApi, TeamMemberApi]
