"""期限预警 across inspections, transfers and submissions, and each user's 我的待办."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import current_app, g
from flask_appbuilder import BaseView, expose, has_access

from app.extensions import db
from app.home import my_deadlines
from app.permissions import READ
from app.rules.deadlines import LEVEL_LABELS, STATUS_LABELS
from schema import Deadline, Notification

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
