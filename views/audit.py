"""系统设置 › 变更记录, 查阅记录: the change history and read log (app.audit), read-only on every path.

Only Admin and Office open them (app.permissions.AUDIT): the change history carries old and new values of every
team's talk records and clues, so reading it is reading those records. The history of one record is also shown on
that record's own page (XctModelView's 历史 tab), to whoever may open that page.
"""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from flask_appbuilder import expose
from flask_appbuilder.fieldwidgets import DatePickerWidget
from flask_appbuilder.security.decorators import has_access
from markupsafe import Markup
from wtforms import DateField

from app.audit import API, PAGE, READ_LOGGED, record_read
from schema import ChangeLog, ReadLog

from .base import XctModelRestApi, XctModelView, XctSQLAInterface, describe_changes
from .settings import TABLE_NOUNS

CATEGORY = "系统设置"
CONFIDENTIAL_TABLES = {model.__tablename__: model for model in READ_LOGGED}


def record_changes_read(session, change_ids, channel: str) -> None:
    """Reading a change of a talk, petition, clue or material (its old and new values) is reading that record."""
    by_model = defaultdict(list)
    rows = session.execute(sa.select(ChangeLog.entity, ChangeLog.entity_id).where(ChangeLog.id.in_(list(change_ids)),
                                                                                ChangeLog.entity.in_(CONFIDENTIAL_TABLES)))
    for entity, entity_id in rows:
        by_model[CONFIDENTIAL_TABLES[entity]].append(entity_id)
    for model, ids in by_model.items():
        record_read(model, ids, channel)


def changes_table(changes: dict) -> Markup:
    # Markup.format escapes every value it is given: user text never becomes markup.
    row = Markup("<tr><td>{}</td><td>{}</td><td>{}</td></tr>")
    rows = Markup("").join(row.format(c["field"], c["old"], c["new"]) for c in describe_changes(changes))
    return Markup('<table class="table table-condensed"><tr><th>字段</th><th>原值</th><th>新值</th></tr>{}</table>'
                  ).format(rows)


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

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        page = super().show(pk)  # 404 when there is no such row
        record_changes_read(self.datamodel.session, [int(pk)], PAGE)
        return page


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
    # not `changes`: FAB offers text filters on a JSON column, which PostgreSQL refuses (`changes ct …` was a 500);
    # an unlisted column is FAB's 400
    search_columns = ["at", "actor", "remote_addr", "entity", "entity_id", "entity_label", "operation"]

    def get_headless(self, pk, **kwargs):
        resp = super().get_headless(pk, **kwargs)
        if resp.status_code == 200:
            record_changes_read(self.datamodel.session, [pk], API)
        return resp

    def get_list_headless(self, **kwargs):
        resp = super().get_list_headless(**kwargs)
        if resp.status_code == 200:
            record_changes_read(self.datamodel.session, resp.json.get("ids") or [], API)
        return resp


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
