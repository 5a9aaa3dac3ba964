"""六、成果运用 (rectification and its ledger, transfers, submissions) and 七、督查督办 (supervision)."""

from __future__ import annotations

from app.commands.clues import transfer_problems, transfer_write_problem
from app.commands.rectification import item_write_problem
from app.commands.supervision import supervision_write_problem
from app.permissions import READ, WRITE
from schema import Rectification, RectificationItem, Submission, Supervision, Transfer
from schema.enums import RECTIFICATION_PHASES

from .base import Resource, XctModelRestApi, XctModelView
from .disposal import submission_moves
from .disposal_api import SubmissionFlowApi, TransferFlowApi
from .feedback import RectificationFlowApi
from .fields import choice_field, with_blank
from .ledger import LedgerApi, item_page

OUTCOMES = "六、成果运用"
SUPERVISION = "七、督查督办"
STAMPS = ["created_at", "updated_at"]


# ---------------------------------------------------------------- 整改, 整改台账


RECTIFICATION = Resource(Rectification, {},
                         ("inspection", "first_responsible", "plan_submitted_on", "report_submitted_on",
                          "report_approved_on", "notice_text", "notice_unpublishable", "notice_published_on"))


class RectificationView(XctModelView):
    resource = RECTIFICATION
    list_columns = ["inspection", "first_responsible", "plan_submitted_on", "report_submitted_on",
                    "report_approved_on", "notice_published_on"]
    _fields = list(RECTIFICATION.fields)
    show_columns = _fields + STAMPS
    search_columns = ["plan_submitted_on", "report_submitted_on", "report_approved_on", "notice_published_on"]
    order_columns = ["plan_submitted_on", "report_submitted_on", "report_approved_on", "notice_published_on"]


class RectificationApi(RectificationFlowApi, XctModelRestApi):
    resource_name = "rectification"
    resource = RECTIFICATION
    list_columns = ["id", "inspection.id", "first_responsible.id", "first_responsible.name", "plan_submitted_on",
                    "report_submitted_on", "report_approved_on", "notice_published_on"]
    show_columns = list_columns + ["notice_text", "notice_unpublishable"] + STAMPS
    method_permission_name = {**XctModelRestApi.method_permission_name, "step": WRITE, "notice": WRITE}


RECTIFICATION_ITEM = Resource(RectificationItem, {"reviewed_by": "销号审核人", "reviewed_on": "销号审核日期"})


class RectificationItemView(XctModelView):
    """A row of the 台账: its status moves by the transition table, 销号 after 巡察办 reviews the evidence."""

    resource = RECTIFICATION_ITEM
    show_template = "xct/item_show.html"
    base_order = ("seq", "asc")
    list_columns = ["inspection", "seq", "task", "responsible", "phase", "due_date", "status"]
    _fields = ["inspection", "finding", "previous_item", "seq", "problem", "task", "measures", "responsible",
               "leader", "phase", "due_date", "progress", "publishable"]
    show_columns = _fields + ["status", "completed_on", "reviewed_by", "reviewed_on", "evidence"] + STAMPS
    add_columns = edit_columns = _fields
    item_rule = staticmethod(item_write_problem)

    def render_template(self, template, **kwargs):
        if template == self.show_template and kwargs.get("pk") is not None:
            kwargs["flow"] = item_page(self.datamodel.get(int(kwargs["pk"])))
        return super().render_template(template, **kwargs)
    search_columns = ["inspection", "task", "problem", "phase", "due_date", "status", "completed_on", "publishable"]
    order_columns = ["seq", "phase", "due_date", "status", "completed_on"]
    formatters_columns = {"phase": with_blank("")}
    add_form_extra_fields = edit_form_extra_fields = {
        "phase": choice_field("整改阶段", RECTIFICATION_PHASES, blank="（未定）"),
    }


class RectificationItemApi(LedgerApi, XctModelRestApi):
    resource_name = "rectification_item"
    resource = RECTIFICATION_ITEM
    list_columns = ["id", "inspection.id", "finding.id", "seq", "problem", "task", "responsible.id",
                    "responsible.name", "phase", "due_date", "status", "completed_on"]
    show_columns = list_columns + ["previous_item.id", "measures", "leader.id", "leader.name", "progress",
                                   "reviewed_by.id", "reviewed_by.name", "reviewed_on", "publishable",
                                   "evidence.id"] + STAMPS
    # API.md's contract writes `status` on create (未启动 or 整改中); later moves are POST /<id>/move.
    add_columns = edit_columns = RectificationItemView._fields + ["status"]
    item_rule = staticmethod(item_write_problem)
    label_columns = {"evidence.id": "佐证材料编号"}
    method_permission_name = {**XctModelRestApi.method_permission_name, "move": WRITE, "evidence": WRITE,
                              "ledger_file": READ, "ledger_upload": WRITE}


# ---------------------------------------------------------------- 移送, 提交事项


TRANSFER = Resource(Transfer, {"result": "办理结果", "reported_on": "办理情况报领导小组日期"})


class TransferView(XctModelView):
    """巡察办's batches: built from decided clues (问题线索 → 编入移送批次), sent once complete (六（二）2, 3)."""

    resource = TRANSFER
    show_template = "xct/transfer_show.html"
    base_order = ("id", "desc")
    list_columns = ["department", "inspection", "doc_no", "transferred_on", "received_on", "handling", "reported_on",
                    "stage"]
    # Clues, dates and the department's side are set by the steps (build, send, 签收, 报告), not typed in.
    _fields = ["inspection", "department", "doc_no", "handed_by"]
    show_columns = ["inspection", "department", "doc_no", "clues", "transferred_on", "handed_by", "received_on",
                    "received_by", "handling", "result", "reported_on", "stage"] + STAMPS
    add_columns = edit_columns = _fields
    search_columns = ["department", "doc_no", "transferred_on", "received_on", "handling", "reported_on"]
    order_columns = ["doc_no", "transferred_on", "received_on", "handling", "reported_on"]
    label_columns = {"clues": "移送线索", "stage": "进度"}
    formatters_columns = {"handling": with_blank("")}
    item_rule = staticmethod(transfer_write_problem)

    def render_template(self, template, **kwargs):
        if template == self.show_template and kwargs.get("pk") is not None:
            transfer = self.datamodel.get(int(kwargs["pk"]))
            if transfer.transferred_on is None:  # a sent batch shows no pre-transfer check nor a 移送 button
                kwargs["problems"] = transfer_problems(transfer)
        return super().render_template(template, **kwargs)


class TransferApi(TransferFlowApi, XctModelRestApi):
    resource_name = "transfer"
    resource = TRANSFER
    list_columns = ["id", "inspection.id", "department.id", "department.name", "doc_no", "transferred_on",
                    "received_on", "handling", "reported_on", "clues.id"]
    show_columns = list_columns + ["handed_by", "received_by", "result"] + STAMPS
    # API.md's contract writes `clues` and `transferred_on` (e.g. a transfer recorded from another system): a date
    # of transfer is accepted only with complete packages, the same rule as the send step.
    add_columns = edit_columns = TransferView._fields + ["clues", "transferred_on"]
    item_rule = staticmethod(transfer_write_problem)
    label_columns = {"clues.id": "移送线索编号"}
    method_permission_name = {**XctModelRestApi.method_permission_name, "build": WRITE, "send": WRITE,
                              "check": READ}


SUBMISSION = Resource(Submission, {"result": "办理结果", "reported_on": "工作情况报领导小组日期"},
                      ("round", "inspection", "title", "summary", "department", "is_good_practice", "received_on"))


class SubmissionView(XctModelView):
    """提交类 (六（三）): 党委办公室 follows each one to its report (D11); status moves are the page's steps."""

    resource = SUBMISSION
    show_template = "xct/submission_show.html"
    list_columns = ["title", "round", "inspection", "department", "received_on", "status", "is_good_practice"]
    _fields = list(SUBMISSION.fields)
    show_columns = _fields + ["clues", "status", "reported_on", "result"] + STAMPS
    search_columns = ["title", "round", "department", "is_good_practice", "received_on", "status", "reported_on"]
    order_columns = ["title", "received_on", "status", "reported_on"]
    label_columns = {"department": "提交对象（空为学校党委）"}
    formatters_columns = {"department": with_blank("学校党委")}

    def render_template(self, template, **kwargs):
        if template == self.show_template and kwargs.get("pk") is not None:
            kwargs["moves"] = submission_moves(self.datamodel.get(int(kwargs["pk"])))
        return super().render_template(template, **kwargs)


class SubmissionApi(SubmissionFlowApi, XctModelRestApi):
    resource_name = "submission"
    resource = SUBMISSION
    list_columns = ["id", "round.id", "round.name", "inspection.id", "title", "department.id", "department.name",
                    "is_good_practice", "received_on", "status", "reported_on"]
    show_columns = list_columns + ["summary", "result", "clues.id"] + STAMPS
    label_columns = {"department": "提交对象", "clues.id": "问题线索编号"}
    method_permission_name = {**XctModelRestApi.method_permission_name, "start": WRITE, "report": WRITE}


# ---------------------------------------------------------------- 督查督办


SUPERVISION_RESOURCE = Resource(Supervision, {"kind": "督查方式"},
                                ("inspection", "kind", "held_on", "supervisor", "content", "result", "items"))


class SupervisionView(XctModelView):
    resource = SUPERVISION_RESOURCE
    base_order = ("held_on", "desc")
    list_columns = ["inspection", "kind", "held_on", "supervisor"]
    _fields = list(SUPERVISION_RESOURCE.fields)
    show_columns = _fields + STAMPS
    search_columns = ["kind", "held_on", "supervisor", "content"]
    order_columns = ["kind", "held_on", "supervisor"]
    label_columns = {"supervisor": "督办单位（人）", "content": "督办内容", "result": "督办结果", "items": "督办的整改事项（可选）"}
    description_columns = {"items": "只能选择本次巡察整改台账中的事项"}
    item_rule = staticmethod(supervision_write_problem)  # 七（二） who, when, what; items of this inspection


class SupervisionApi(XctModelRestApi):
    resource_name = "supervision"
    resource = SUPERVISION_RESOURCE
    list_columns = ["id", "inspection.id", "kind", "held_on", "supervisor"]
    show_columns = list_columns + ["content", "result", "items.id"] + STAMPS
    label_columns = {"items.id": "督办的整改事项编号"}
    item_rule = staticmethod(supervision_write_problem)


SCREENS = [
    (RectificationView, "整改", OUTCOMES, "fa-check"),
    (RectificationItemView, "整改台账", OUTCOMES, "fa-table"),
    (TransferView, "移送", OUTCOMES, "fa-share-square-o"),
    (SubmissionView, "提交事项", OUTCOMES, "fa-upload"),
    (SupervisionView, "督查督办", SUPERVISION, "fa-eye"),
]
APIS = [RectificationApi, RectificationItemApi, TransferApi, SubmissionApi, SupervisionApi]
