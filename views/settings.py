"""系统设置: units and people (base data), rules as rows, templates, status history."""

from __future__ import annotations

from flask_appbuilder.models.sqla.interface import SQLAInterface

from schema import CalendarDay, DeadlineRule, DocumentTemplate, Person, RoutingRule, StatusEvent, Unit

from .base import XctModelRestApi, XctModelView

CATEGORY = "系统设置"


class PersonView(XctModelView):
    datamodel = SQLAInterface(Person)
    list_title = show_title = "人员"
    add_title = "新增人员"
    edit_title = "编辑人员"
    list_columns = ["name", "unit", "title", "is_leadership", "username"]
    search_columns = ["name", "title", "username", "is_leadership", "unit"]
    order_columns = ["name", "title", "username"]
    label_columns = {"title": "职务", "name": "姓名", "unit": "所在单位"}


class UnitView(XctModelView):
    datamodel = SQLAInterface(Unit)
    list_title = show_title = "单位"
    add_title = "新增单位"
    edit_title = "编辑单位"
    list_columns = ["name", "kind", "party_org_name", "staff_count", "is_receiving"]
    search_columns = ["name", "kind", "is_receiving"]
    order_columns = ["name", "kind", "staff_count"]
    label_columns = {"name": "单位名称", "kind": "单位类别"}
    related_views = [PersonView]


class PersonApi(XctModelRestApi):
    resource_name = "person"
    datamodel = SQLAInterface(Person)
    list_columns = ["id", "name", "unit.id", "unit.name", "title", "username", "is_leadership"]
    show_columns = ["id", "name", "unit.id", "unit.name", "title", "rank", "political_status", "phone",
                    "is_leadership", "username"]
    add_columns = edit_columns = ["name", "unit", "title", "rank", "political_status", "phone", "is_leadership",
                                  "username"]


class UnitApi(XctModelRestApi):
    resource_name = "unit"
    datamodel = SQLAInterface(Unit)
    list_columns = ["id", "name", "short_name", "kind", "party_org_name", "staff_count", "is_receiving", "parent.id"]
    show_columns = list_columns + ["contact"]
    add_columns = edit_columns = ["name", "short_name", "kind", "party_org_name", "staff_count", "parent",
                                  "is_receiving", "contact"]


SCREENS = [
    (UnitView, "单位", CATEGORY, "fa-building"),
    (PersonView, "人员", CATEGORY, "fa-user"),
]
APIS = [UnitApi, PersonApi]
