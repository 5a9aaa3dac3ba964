"""期限预警 across inspections, transfers and submissions, and each user's 我的待办."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import current_app, g
from flask_appbuilder import BaseView, expose, has_access

from app.extensions import db
from app.permissions import READ
from app.rules.deadlines import DUE_SOON, LEVEL_LABELS, OVERDUE, STATUS_LABELS
from app.scope import UNRESTRICTED_ROLES, scope_criterion
from schema import Deadline, DeadlineRule, Inspection, Notification, Person, TeamMember

from .base import XctModelView, XctSQLAInterface
from .fields import choice_field

CATEGORY = "七、督查督办"


def status_label(value) -> str:
    return STATUS_LABELS.get(value, value or "")


class DeadlineView(XctModelView):
    """Read-only: rows are written by the scan (`flask deadlines scan`, the daily job, or 期限检查)."""

    datamodel = XctSQLAInterface(Deadline)
    base_permissions = ["can_read"]
    include_route_methods = {"list", "show"}  # like every read-only screen: no add, edit or delete routes at all
    list_title = "期限预警"
    base_order = ("due", "asc")
    list_columns = ["code", "title", "round", "team", "unit", "department", "due", "status", "message"]
    show_columns = ["code", "title", "subject", "inspection", "transfer", "submission", "round", "team", "unit",
                    "department", "earliest", "due", "status", "done_on", "message", "computed_on"]
    search_columns = ["status", "level", "code", "round", "team", "unit", "department", "due"]
    order_columns = ["code", "due", "status"]
    label_columns = {"code": "编号", "title": "事项", "due": "期限", "earliest": "最早日期", "done_on": "完成日期",
                     "message": "说明", "subject": "对象", "computed_on": "计算日期", "unit": "被巡察单位",
                     "department": "接收部门", "transfer": "移送", "submission": "提交事项", "level": "颜色"}
    formatters_columns = {"status": status_label}
    search_form_extra_fields = {"status": choice_field("状态", list(STATUS_LABELS), STATUS_LABELS),
                                "level": choice_field("颜色", list(LEVEL_LABELS), LEVEL_LABELS)}


def _my_inspection_ids(username: str) -> sa.Select:
    team_ids = (sa.select(TeamMember.team_id).join(Person, Person.id == TeamMember.person_id)
                .where(Person.username == username))
    return sa.select(Inspection.id).where(Inspection.team_id.in_(team_ids))


def _codes_of(party: str) -> sa.Select:
    return sa.select(DeadlineRule.code).where(DeadlineRule.responsible == party)


def _mine(username: str, roles: set[str]) -> list:
    """Deadlines a person answers for: their team's inspections, and whatever the rule's responsible party is."""
    # The team answers for its inspections' own clocks; a transfer's or a submission's clock (D10, D11) belongs to
    # the receiving department, and the team keeps nothing of a transfer (六（二）3).
    mine = [sa.and_(Deadline.inspection_id.in_(_my_inspection_ids(username)),
                    Deadline.transfer_id.is_(None), Deadline.submission_id.is_(None))]
    unit_id = db.session.scalar(sa.select(Person.unit_id).where(Person.username == username))
    if unit_id is not None:
        mine.append(sa.and_(Deadline.unit_id == unit_id, Deadline.code.in_(_codes_of("被巡察单位"))))
        mine.append(sa.and_(Deadline.department_id == unit_id, Deadline.code.in_(_codes_of("接收部门"))))
    if "PartyOffice" in roles:
        mine.append(Deadline.code.in_(_codes_of("党委办公室")))
    return mine


def my_deadlines(user, limit: int = 200) -> list:
    """Due soon or overdue, within the 期限预警 list's scope, and for the roles that do not see everything only what
    the user answers for; the soonest first (我的待办 and the home page)."""
    roles = {r.name for r in user.roles}
    query = sa.select(Deadline).where(Deadline.status.in_((DUE_SOON, OVERDUE))).order_by(Deadline.due).limit(limit)
    scope = scope_criterion(Deadline, user)  # the same row scope as the 期限预警 list (app.scope)
    if scope is not None:
        query = query.where(scope)
    if not roles & UNRESTRICTED_ROLES:
        query = query.where(sa.or_(*_mine(user.username, roles)))
    return db.session.scalars(query).all()


class MyTodoView(BaseView):
    """我的待办: what is due soon or overdue for me, and my notifications."""

    route_base = "/todo"
    default_view = "index"
    class_permission_name = "MyTodo"
    method_permission_name = {"index": READ}

    @expose("/")
    @has_access
    def index(self):
        username = g.user.username
        notifications = db.session.scalars(
            sa.select(Notification).where(Notification.username == username)
            .order_by(Notification.created_at.desc()).limit(50)
        ).all()
        return self.render_template(
            "xct/todo.html", deadlines=my_deadlines(g.user), notifications=notifications,
            today=date.today(), status_labels=STATUS_LABELS,
            due_soon_days=current_app.config.get("DEADLINE_DUE_SOON_DAYS", 10),
        )


SCREENS = [
    (MyTodoView, "我的待办", "", "fa-check-square-o"),
    (DeadlineView, "期限预警", CATEGORY, "fa-clock-o"),
]
APIS: list = []
