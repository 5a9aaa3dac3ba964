"""系统设置 › 变更记录, 查阅记录: the change history and read log (app.audit), read-only on every path.

Only Admin and Office open them (app.permissions.AUDIT): the change history carries old and new values of every
team's talk records and clues, so reading it is reading those records. The history of one record is also shown on
that record's own page (XctModelView's 历史 tab), to whoever may open that page.
"""

from __future__ import annotations

from flask_appbuilder.fieldwidgets import DatePickerWidget
from markupsafe import Markup, escape
from wtforms import DateField

from schema import ChangeLog, ReadLog

from .base import XctModelRestApi, XctModelView, XctSQLAInterface, describe_changes
from .settings import TABLE_NOUNS

CATEGORY = "系统设置"


def changes_table(changes: dict) -> Markup:
    rows = "".join(f"<tr><td>{escape(c['field'])}</td><td>{escape(c['old'])}</td><td>{escape(c['new'])}</td></tr>"
                   for c in describe_changes(changes))
    return Markup('<table class="table table-condensed"><tr><th>字段</th><th>原值</th><th>新值</th></tr>'
                  f"{rows}</table>")


def _date_filter(label: str) -> DateField:
    # FAB would build a WTForms DateTimeField, deprecated in 3.3; a day is what one searches by anyway.
    return DateField(label, widget=DatePickerWidget())


class ChangeLogView(XctModelView):
    datamodel = XctSQLAInterface(ChangeLog)
    base_permissions = ["can_read"]
    include_route_methods = {"list", "show"}
    base_order = ("id", "desc")
    list_columns = ["at", "actor", "operation", "entity", "entity_id", "entity_label"]
    show_columns = ["at", "actor", "remote_addr", "operation", "entity", "entity_id", "entity_label", "changes"]
    search_columns = ["at", "actor", "entity", "entity_id", "entity_label", "operation", "remote_addr"]
    search_form_extra_fields = {"at": _date_filter("时间")}
    order_columns = ["at", "actor", "entity", "entity_id"]
    label_columns = {"entity": "数据表", "entity_label": "记录", "changes": "变更内容", "remote_addr": "来源地址",
                     "operation": "操作"}
    formatters_columns = {"entity": lambda v: TABLE_NOUNS.get(v, v), "changes": changes_table}


class ReadLogView(XctModelView):
    datamodel = XctSQLAInterface(ReadLog)
    base_permissions = ["can_read"]
    include_route_methods = {"list", "show"}
    base_order = ("id", "desc")
    list_columns = ["at", "actor", "channel", "entity", "entity_id", "reason", "remote_addr"]
    show_columns = ["at", "actor", "remote_addr", "channel", "entity", "entity_id", "path", "reason"]
    search_columns = ["at", "actor", "entity", "entity_id", "channel", "reason", "remote_addr"]
    search_form_extra_fields = {"at": _date_filter("时间")}
    order_columns = ["at", "actor", "entity", "entity_id", "channel"]
    label_columns = {"entity": "数据表", "remote_addr": "来源地址", "channel": "查阅途径", "path": "访问地址",
                     "reason": "查看身份的理由"}
    formatters_columns = {"entity": lambda v: TABLE_NOUNS.get(v, v)}


class ChangeLogApi(XctModelRestApi):
    resource_name = "change_log"
    datamodel = XctSQLAInterface(ChangeLog)
    include_route_methods = {"get", "get_list", "info"}
    base_order = ("id", "desc")
    list_columns = show_columns = ["id", "at", "actor", "remote_addr", "entity", "entity_id", "entity_label",
                                   "operation", "changes"]


class ReadLogApi(XctModelRestApi):
    resource_name = "read_log"
    datamodel = XctSQLAInterface(ReadLog)
    include_route_methods = {"get", "get_list", "info"}
    base_order = ("id", "desc")
    list_columns = show_columns = ["id", "at", "actor", "remote_addr", "entity", "entity_id", "channel", "path",
                                   "reason"]


SCREENS = [
    (ChangeLogView, "变更记录", CATEGORY, "fa-history"),
    (ReadLogView, "查阅记录", CATEGORY, "fa-eye"),
]
APIS = [ChangeLogApi, ReadLogApi]
