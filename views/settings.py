"""系统设置: units and people (base data), rules as rows, templates, status history."""

from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.actions import action
from flask_appbuilder.api import safe
from flask_appbuilder.security.decorators import protect
from marshmallow import validate

import schema
from app.commands import CommandError
from app.commands.codes import code_rule_problem
from app.commands.documents import activate_template, template_bytes, template_file_name, upload_template
from app.permissions import READ, WRITE
from app.rules.codes import FIELDS as CODE_FIELDS
from app.rules.deadlines import DONE_FIELDS
from app.uow import transaction
from schema import (
    CalendarDay,
    CodeRule,
    DeadlineRule,
    DocumentTemplate,
    Person,
    RoutingRule,
    StatusEvent,
    StatusTransition,
    Unit,
)
from schema.enums import (CLUE_CATEGORIES, CODED_MODELS, CODED_MODELS_LABELS, DEADLINE_ANCHORS, DIRECTIONS, DISPOSALS,
                          TIME_UNITS)

from app.labels import ANCHOR_LABELS, DIRECTION_LABELS, LABELS, MODEL_NOUNS, TIME_UNIT_LABELS

from .archive import file_response
from .base import Resource, XctModelRestApi, XctModelView, XctSQLAInterface, uploaded, yes_no
from .fields import choice_field, tristate_field, with_blank

CATEGORY = "系统设置"
TABLE_NOUNS = {
    getattr(schema, name).__tablename__: MODEL_NOUNS.get(name, name)
    for name in schema.__all__ if name != "Model"
}



# ---------------------------------------------------------------- 单位, 人员


PERSON = Resource(Person, {"title": "职务", "name": "姓名", "unit": "所在单位"},
                  ("name", "unit", "title", "rank", "political_status", "phone", "is_leadership", "username",
                   "conflict_unit"))


class PersonView(XctModelView):
    resource = PERSON
    list_columns = ["name", "unit", "title", "is_leadership", "username"]
    search_columns = ["name", "title", "username", "is_leadership", "unit"]
    order_columns = ["name", "title", "username"]
    show_columns = ["name", "unit", "title", "rank", "political_status", "phone", "is_leadership", "username",
                    "conflict_unit", "created_at", "updated_at"]
    # 回避: a declared conflict (app.rules.team)


UNIT = Resource(Unit, {"name": "单位名称", "kind": "单位类别"},
                ("name", "short_name", "kind", "party_org_name", "staff_count", "parent", "is_receiving", "contact"))


class UnitView(XctModelView):
    resource = UNIT
    show_template = "xct/unit_show.html"

    def render_template(self, template, **kwargs):
        if template == self.show_template:  # 导入人员名单 (views.imports) for whoever may write people
            kwargs["may_import"] = self.appbuilder.sm.has_access("can_write", "Person")
        return super().render_template(template, **kwargs)
    list_columns = ["name", "kind", "party_org_name", "staff_count", "is_receiving"]
    search_columns = ["name", "kind", "is_receiving"]
    order_columns = ["name", "kind", "staff_count"]
    show_columns = ["name", "short_name", "kind", "party_org_name", "staff_count", "parent", "is_receiving",
                    "contact", "created_at", "updated_at"]
    related_views = [PersonView]


class PersonApi(XctModelRestApi):
    resource_name = "person"
    resource = PERSON
    list_columns = ["id", "name", "unit.id", "unit.name", "title", "username", "is_leadership"]
    show_columns = ["id", "name", "unit.id", "unit.name", "title", "rank", "political_status", "phone",
                    "is_leadership", "username", "conflict_unit.id", "conflict_unit.name"]


class UnitApi(XctModelRestApi):
    resource_name = "unit"
    resource = UNIT
    list_columns = ["id", "name", "short_name", "kind", "party_org_name", "staff_count", "is_receiving", "parent.id",
                    "parent.name"]
    show_columns = list_columns + ["contact"]


# ---------------------------------------------------------------- 移送规则


ROUTING_RULE = Resource(RoutingRule, {"department": "移送部门"},
                        ("priority", "category", "involves_leadership", "department", "disposal", "clause",
                         "is_active"))


class RoutingRuleView(XctModelView):
    resource = ROUTING_RULE
    base_order = ("priority", "asc")
    list_columns = ["priority", "category", "involves_leadership", "department", "disposal", "is_active"]
    show_columns = ["priority", "category", "involves_leadership", "department", "disposal", "clause", "is_active",
                    "created_at", "updated_at"]
    search_columns = ["priority", "category", "involves_leadership", "department", "disposal", "is_active"]
    order_columns = ["priority", "category", "disposal"]
    label_columns = {"category": "问题类别", "clause": "规程依据"}
    formatters_columns = {
        "category": with_blank("任意类别"),
        "involves_leadership": lambda v: "不限" if v is None else yes_no(v),
        "department": with_blank("相关部门（人工选择）"),
    }
    add_form_extra_fields = edit_form_extra_fields = {
        "category": choice_field("问题类别", CLUE_CATEGORIES, blank="任意类别"),
        "involves_leadership": tristate_field("涉及领导班子成员"),
        "disposal": choice_field("处置方式", DISPOSALS),
    }


class RoutingRuleApi(XctModelRestApi):
    resource_name = "routing_rule"
    resource = ROUTING_RULE
    base_order = ("priority", "asc")
    list_columns = ["id", "priority", "category", "involves_leadership", "department.id", "department.name",
                    "disposal", "clause", "is_active"]
    show_columns = list_columns + ["created_at", "updated_at"]


# ---------------------------------------------------------------- 编号规则

CODE_HELP = "留空的信访编号、线索编号按此规则生成；可用字段：" + "，".join(f"{{{k}}} {v}" for k, v in CODE_FIELDS.items())
CODE_RULE = Resource(CodeRule, {"model": "编号", "pattern": "编号规则"}, ("model", "pattern", "is_active"))


class CodeRuleView(XctModelView):
    resource = CODE_RULE
    list_columns = ["model", "pattern", "is_active", "updated_at"]
    show_columns = ["model", "pattern", "is_active", "created_at", "updated_at"]
    search_columns = ["model", "is_active"]
    order_columns = ["model"]
    formatters_columns = {"model": lambda v: CODED_MODELS_LABELS.get(v, v)}
    description_columns = {"pattern": CODE_HELP}
    add_form_extra_fields = edit_form_extra_fields = {
        "model": choice_field("编号", CODED_MODELS, CODED_MODELS_LABELS),
    }
    item_rule = staticmethod(code_rule_problem)


class CodeRuleApi(XctModelRestApi):
    resource_name = "code_rule"
    resource = CODE_RULE
    list_columns = ["id", "model", "pattern", "is_active"]
    show_columns = list_columns + ["created_at", "updated_at"]
    item_rule = staticmethod(code_rule_problem)


# ---------------------------------------------------------------- 期限规则


DEADLINE_RULE = Resource(DeadlineRule, {"code": "规则编号", "title": "事项", "responsible": "提醒对象"},
                         ("code", "title", "anchor", "direction", "offset", "offset_max", "time_unit", "warn_only",
                          "done_field", "responsible", "clause", "is_active"))


class DeadlineRuleView(XctModelView):
    resource = DEADLINE_RULE
    base_order = ("code", "asc")
    list_columns = ["code", "title", "anchor", "direction", "offset", "offset_max", "time_unit", "responsible",
                    "is_active"]
    show_columns = ["code", "title", "anchor", "direction", "offset", "offset_max", "time_unit", "warn_only",
                    "done_field", "responsible", "clause", "is_active", "updated_at"]
    search_columns = ["code", "title", "warn_only", "is_active"]
    order_columns = ["code", "title", "offset"]
    formatters_columns = {
        "done_field": lambda v: DONE_FIELDS.get(v, v or ""),
        "anchor": lambda v: ANCHOR_LABELS.get(v, v),
        "direction": lambda v: DIRECTION_LABELS.get(v, v),
        "time_unit": lambda v: TIME_UNIT_LABELS.get(v, v),
    }
    add_form_extra_fields = edit_form_extra_fields = {
        "anchor": choice_field("起算事件", DEADLINE_ANCHORS, ANCHOR_LABELS),
        "direction": choice_field("方向", DIRECTIONS, DIRECTION_LABELS),
        "time_unit": choice_field("计量单位", TIME_UNITS, TIME_UNIT_LABELS),
        "done_field": choice_field("完成依据字段", DONE_FIELDS, DONE_FIELDS, blank="（无）"),
    }


class DeadlineRuleApi(XctModelRestApi):
    resource_name = "deadline_rule"
    resource = DEADLINE_RULE
    base_order = ("code", "asc")
    list_columns = ["id", "code", "title", "anchor", "direction", "offset", "offset_max", "time_unit", "warn_only",
                    "done_field", "responsible", "is_active"]
    show_columns = list_columns + ["clause", "created_at", "updated_at"]
    validators_columns = {"done_field": validate.OneOf(list(DONE_FIELDS))}


# ---------------------------------------------------------------- 工作日历


class CalendarDayView(XctModelView):
    datamodel = XctSQLAInterface(CalendarDay)
    base_order = ("day", "desc")
    list_columns = ["day", "is_workday", "note"]
    show_columns = add_columns = edit_columns = ["day", "is_workday", "note"]
    search_columns = ["day", "is_workday", "note"]
    order_columns = ["day", "is_workday"]
    label_columns = {"note": "说明（节假日／调休）"}


class CalendarDayApi(XctModelRestApi):
    resource_name = "calendar_day"
    datamodel = XctSQLAInterface(CalendarDay)
    base_order = ("day", "asc")
    list_columns = show_columns = ["id", "day", "is_workday", "note"]
    add_columns = edit_columns = ["day", "is_workday", "note"]


# ---------------------------------------------------------------- 文书模板


DOCUMENT_TEMPLATE = Resource(DocumentTemplate, {"title": "文书名称"})


class DocumentTemplateView(XctModelView):
    """Versions of each 附件's template: download the active one, upload a replacement, re-activate an old one.

    A version is never edited or deleted in place: an upload adds version+1 and makes it active
    (app.commands.documents).
    """

    resource = DOCUMENT_TEMPLATE
    show_template = "xct/template_show.html"
    include_route_methods = {"list", "show", "action", "action_post", "template_file", "upload"}
    method_permission_name = {**XctModelView.method_permission_name, "template_file": READ, "upload": WRITE,
                              "activate": WRITE}
    base_order = ("attachment_no", "asc")
    list_columns = ["attachment_no", "title", "file_format", "version", "is_active", "is_guidance", "original_name"]
    show_columns = ["attachment_no", "title", "file_format", "version", "is_active", "is_guidance", "original_name",
                    "sha256", "updated_at"]
    search_columns = ["attachment_no", "title", "file_format", "is_active", "is_guidance"]
    order_columns = ["attachment_no", "title", "version"]
    label_columns = {"original_name": "上传文件名（空：系统默认模板）"}

    @expose("/template_file/<int:pk>")
    @has_access
    def template_file(self, pk):
        tpl = self.datamodel.get(pk)
        if tpl is None:
            abort(404)
        try:
            data = template_bytes(tpl)
        except CommandError as exc:
            flash(exc.message, "danger")
            return redirect(url_for(".list"))
        return file_response(data, template_file_name(tpl))

    @expose("/upload/<int:pk>", methods=["GET", "POST"])
    @has_access
    def upload(self, pk):
        slot = self.datamodel.get(pk)
        if slot is None:
            abort(404)
        if request.method == "POST":
            data, filename = uploaded()
            try:
                with transaction():
                    tpl = upload_template(slot, filename, data, g.user)
            except CommandError as exc:
                flash(exc.message, "danger")
            else:
                flash(f"已上传附件{tpl.attachment_no}模板第{tpl.version}版并启用；原有版本保留，可随时重新启用。",
                      "success")
                return redirect(url_for(".show", pk=tpl.id))
        return self.render_template("xct/template_upload.html", slot=slot)

    @action("activate", "启用此版本", "启用所选版本？该附件的其他版本将停用。", "fa-check", multiple=False)
    def activate(self, item):
        with transaction():
            activate_template(item, g.user)
        flash(f"已启用附件{item.attachment_no}模板第{item.version}版", "success")
        return redirect(url_for(".show", pk=item.id))


class DocumentTemplateApi(XctModelRestApi):
    resource_name = "document_template"
    resource = DOCUMENT_TEMPLATE
    include_route_methods = {"get", "get_list", "info", "file", "upload", "activate"}
    method_permission_name = {**XctModelRestApi.method_permission_name, "file": READ, "upload": WRITE,
                              "activate": WRITE}
    base_order = ("attachment_no", "asc")
    list_columns = ["id", "attachment_no", "title", "file_format", "version", "is_active", "is_guidance",
                    "original_name"]
    show_columns = list_columns + ["sha256", "created_at", "updated_at"]

    @expose("/<int:pk>/file", methods=["GET"])
    @protect()
    @safe
    def file(self, pk):
        """The template file of this version (docx or xlsx), under its Chinese name."""
        tpl = self.datamodel.get(pk)
        if tpl is None:
            return self.response_404()
        try:
            return file_response(template_bytes(tpl), template_file_name(tpl))
        except CommandError as exc:
            return self.command_error(exc)

    @expose("/<int:pk>/upload", methods=["POST"])
    @protect()
    @safe
    def upload(self, pk):
        """A new version of this template's 附件 (multipart field `file`), active at once; 422 names the problem."""
        slot = self.datamodel.get(pk)
        if slot is None:
            return self.response_404()
        data, filename = uploaded()
        return self.run_command(lambda: _template_answer(upload_template(slot, filename, data, g.user)), 201)

    @expose("/<int:pk>/activate", methods=["POST"])
    @protect()
    @safe
    def activate(self, pk):
        """Make this version the one that renders its 附件."""
        tpl = self.datamodel.get(pk)
        if tpl is None:
            return self.response_404()
        return self.run_command(lambda: (activate_template(tpl, g.user), _template_answer(tpl))[1])


def _template_answer(tpl: DocumentTemplate) -> dict:
    return {"id": tpl.id, "result": {"id": tpl.id, "attachment_no": tpl.attachment_no, "version": tpl.version,
                                     "is_active": tpl.is_active, "original_name": tpl.original_name}}


# ---------------------------------------------------------------- 状态变更记录 (read-only)


class StatusEventView(XctModelView):
    datamodel = XctSQLAInterface(StatusEvent)
    base_permissions = ["can_read"]
    include_route_methods = {"list", "show"}
    base_order = ("at", "desc")
    list_columns = ["at", "entity", "entity_id", "field", "from_value", "to_value", "actor"]
    show_columns = list_columns + ["note"]
    # no "at": FAB builds a DateTimeField for it, which WTForms 3.3 deprecates (a warning per page).
    search_columns = ["entity", "entity_id", "field", "to_value", "actor"]
    order_columns = ["at", "entity", "entity_id"]
    formatters_columns = {
        "entity": lambda v: TABLE_NOUNS.get(v, v),
        "field": lambda v: LABELS.get(v, v),
    }


class StatusEventApi(XctModelRestApi):
    resource_name = "status_event"
    datamodel = XctSQLAInterface(StatusEvent)
    include_route_methods = {"get", "get_list", "info"}
    base_order = ("at", "asc")
    list_columns = show_columns = ["id", "entity", "entity_id", "field", "from_value", "to_value", "actor", "at",
                                   "note"]


STATUS_TRANSITION = Resource(StatusTransition, {},
                             ("entity", "from_status", "to_status", "action", "roles", "note_required", "clause",
                              "is_active"))


class StatusTransitionView(XctModelView):
    """Which status moves exist and who may make them (the clue's 分类处置, the submission's 督办)."""

    resource = STATUS_TRANSITION
    base_order = ("id", "asc")
    _fields = list(STATUS_TRANSITION.fields)
    list_columns = ["entity", "from_status", "to_status", "action", "roles", "note_required", "is_active"]
    show_columns = _fields + ["created_at", "updated_at"]
    search_columns = ["entity", "from_status", "to_status", "action", "is_active"]
    order_columns = ["entity", "from_status", "to_status"]
    label_columns = {"entity": "记录类型", "from_status": "原状态", "to_status": "新状态", "action": "操作",
                     "roles": "可操作角色（逗号分隔）", "note_required": "须填写说明", "clause": "规程依据"}
    formatters_columns = {"entity": lambda v: TABLE_NOUNS.get(v, v)}


class StatusTransitionApi(XctModelRestApi):
    resource_name = "status_transition"
    resource = STATUS_TRANSITION
    list_columns = ["id"] + StatusTransitionView.list_columns
    show_columns = ["id"] + StatusTransitionView.show_columns
    label_columns = StatusTransitionView.label_columns


SCREENS = [
    (UnitView, "单位", CATEGORY, "fa-building"),
    (PersonView, "人员", CATEGORY, "fa-user"),
    (RoutingRuleView, "移送规则", CATEGORY, "fa-random"),
    (CodeRuleView, "编号规则", CATEGORY, "fa-barcode"),
    (DeadlineRuleView, "期限规则", CATEGORY, "fa-clock-o"),
    (CalendarDayView, "工作日历", CATEGORY, "fa-calendar"),
    (DocumentTemplateView, "文书模板", CATEGORY, "fa-file-word-o"),
    (StatusEventView, "状态变更记录", CATEGORY, "fa-history"),
    (StatusTransitionView, "状态流转规则", CATEGORY, "fa-exchange"),
]
APIS = [UnitApi, PersonApi, RoutingRuleApi, CodeRuleApi, DeadlineRuleApi, CalendarDayApi, DocumentTemplateApi, StatusEventApi,
        StatusTransitionApi]
