"""三、实施巡察: meetings, surveys, petitions, talks, materials, visits, deep dives, urgent reports, 立行立改, clues.

Talks, petitions, clues and materials are confidential (DOMAIN.md §6).
"""

from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import expose
from flask_appbuilder.actions import action
from flask_appbuilder.api import safe
from flask_appbuilder.security.decorators import has_access, protect

from app.audit import API, PAGE
from app.commands import CommandError
from app.commands.clues import build_transfers, clue_from_petition, clue_write_problem
from app.commands.identity import REASON_MAX, may_reveal, reveal_identity
from app.commands.intake import reply_problem
from app.commands.routing import route_clue
from app.permissions import READ, WRITE
from app.rules.petitions import triage_problem
from app.uow import transaction
from schema import (
    Clue,
    CustodyEvent,
    DeepDive,
    ImmediateFix,
    Material,
    Meeting,
    Petition,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
    Talk,
    UrgentReport,
    Visit,
)

from .base import Resource, XctModelRestApi, XctModelView, XctSQLAInterface
from .disposal import clue_page
from .disposal_api import ClueFlowApi, PetitionFlowApi
from .document_answers import RecordDocumentApi, RecordDocumentScreen, record_permissions
from .intake import PetitionReplyApi
from .feedback import MeetingAttendeeView

CATEGORY = "三、实施巡察"
STAMPS = ["created_at", "updated_at"]


# ---------------------------------------------------------------- 会议


MEETING = Resource(Meeting, {"kind": "会议类型", "title": "会议名称", "held_on": "会议日期"},
                   ("round", "inspection", "kind", "title", "held_on", "place", "host", "expected_count",
                    "present_count", "attendees", "agenda", "minutes", "recorder"))


class MeetingView(RecordDocumentScreen, XctModelView):  # its own 附件8/9/10 (views.document_answers)
    resource = MEETING
    method_permission_name = record_permissions(XctModelView.method_permission_name)
    list_columns = ["kind", "title", "round", "inspection", "held_on", "expected_count", "present_count"]
    _fields = list(MEETING.fields)
    show_columns = _fields + STAMPS
    search_columns = ["kind", "title", "round", "held_on", "place"]
    order_columns = ["kind", "title", "held_on", "expected_count", "present_count"]
    related_views = [MeetingAttendeeView]  # who attended, as people (五（三）)


class MeetingApi(RecordDocumentApi, XctModelRestApi):
    resource_name = "meeting"
    method_permission_name = record_permissions(XctModelRestApi.method_permission_name)
    resource = MEETING
    list_columns = ["id", "kind", "title", "round.id", "round.name", "inspection.id", "held_on", "place",
                    "expected_count", "present_count"]
    show_columns = list_columns + ["host.id", "host.name", "attendees", "agenda", "minutes", "recorder.id",
                                   "recorder.name"] + STAMPS


# ---------------------------------------------------------------- 调查问卷


SURVEY_QUESTION = Resource(SurveyQuestion, {"text": "题目", "kind": "题型", "options": "选项（每行一项）"},
                           ("survey", "seq", "text", "kind", "options"))


class SurveyQuestionView(XctModelView):
    resource = SURVEY_QUESTION
    base_order = ("seq", "asc")
    list_columns = ["survey", "seq", "text", "kind"]
    show_columns = ["survey", "seq", "text", "kind", "options"] + STAMPS
    search_columns = ["text", "kind"]
    order_columns = ["seq", "kind"]


class SurveyAnswerView(XctModelView):
    datamodel = XctSQLAInterface(SurveyAnswer)
    list_columns = ["response", "question", "value"]
    show_columns = add_columns = edit_columns = ["response", "question", "value"]
    search_columns = ["value"]
    order_columns = ["value"]


SURVEY_RESPONSE = Resource(SurveyResponse, {"submitted_on": "答卷日期"},
                           ("survey", "respondent_group", "submitted_on"))


class SurveyResponseView(XctModelView):
    resource = SURVEY_RESPONSE
    list_columns = ["survey", "respondent_group", "submitted_on"]
    show_columns = ["survey", "respondent_group", "submitted_on"] + STAMPS
    search_columns = ["respondent_group", "submitted_on"]
    order_columns = ["respondent_group", "submitted_on"]
    related_views = [SurveyAnswerView]


SURVEY = Resource(Survey, {"title": "问卷名称", "instructions": "填写说明"},
                  ("inspection", "title", "instructions", "distributed_on", "distributed_count", "collected_count"))


class SurveyView(XctModelView):
    resource = SURVEY
    list_columns = ["title", "inspection", "distributed_on", "distributed_count", "collected_count"]
    show_columns = ["title", "inspection", "instructions", "distributed_on", "distributed_count",
                    "collected_count"] + STAMPS
    search_columns = ["title", "distributed_on"]
    order_columns = ["title", "distributed_on", "distributed_count", "collected_count"]
    related_views = [SurveyQuestionView, SurveyResponseView]
    show_template = "xct/survey_show.html"

    def render_template(self, template, **kwargs):
        # 问卷统计 (三（二）3) on the survey's page, and its import when the reader may write answers
        if template == self.show_template and kwargs.get("pk") is not None:
            from .imports import chart_json, survey_statistics

            survey = self.datamodel.get(kwargs["pk"])
            if survey is not None:
                stats = survey_statistics(survey)
                kwargs["survey_stats"] = [{**s, "chart": chart_json(s) if s["options"] else None} for s in stats]
                kwargs["may_import"] = self.appbuilder.sm.has_access("can_write", "SurveyResponse")
        return super().render_template(template, **kwargs)


class SurveyApi(XctModelRestApi):
    resource_name = "survey"
    resource = SURVEY
    list_columns = ["id", "inspection.id", "title", "distributed_on", "distributed_count", "collected_count"]
    show_columns = list_columns + ["instructions", "questions.id"] + STAMPS
    label_columns = {"questions.id": "题目编号"}


class SurveyQuestionApi(XctModelRestApi):
    resource_name = "survey_question"
    resource = SURVEY_QUESTION
    base_order = ("seq", "asc")
    list_columns = ["id", "survey.id", "seq", "text", "kind", "options"]
    show_columns = list_columns + STAMPS


class SurveyResponseApi(XctModelRestApi):
    resource_name = "survey_response"
    resource = SURVEY_RESPONSE
    list_columns = ["id", "survey.id", "respondent_group", "submitted_on"]
    show_columns = list_columns + ["answers.id"] + STAMPS
    label_columns = {"answers.id": "答案编号"}


class SurveyAnswerApi(XctModelRestApi):
    resource_name = "survey_answer"
    datamodel = XctSQLAInterface(SurveyAnswer)
    list_columns = show_columns = ["id", "response.id", "question.id", "value"]
    add_columns = edit_columns = ["response", "question", "value"]


# ---------------------------------------------------------------- 信访受理


PETITION = Resource(Petition, {"code": "信访编号", "summary": "反映的主要问题", "received_on": "收到日期",
                               "reply": "对信访人的答复", "replied_on": "答复日期", "replied_by": "答复人",
                               "suspected_duplicate": "疑似重复（同一巡察已有相同反映）"},
                    ("inspection", "code", "channel", "received_on", "is_anonymous", "petitioner_name",
                     "petitioner_contact", "subject_name", "summary", "registered_by", "triage", "triage_reason",
                     "duplicate_of", "suspected_duplicate", "reply", "replied_on", "replied_by"))


class PetitionView(XctModelView):
    resource = PETITION
    base_order = ("received_on", "desc")
    list_columns = ["code", "channel", "received_on", "inspection", "subject_name", "triage"]
    _fields = list(PETITION.fields)
    show_columns = _fields + ["attachments"] + STAMPS
    search_columns = ["code", "channel", "received_on", "is_anonymous", "subject_name", "triage"]
    order_columns = ["code", "channel", "received_on", "triage"]
    label_columns = {"attachments": "信访材料"}
    item_rule = staticmethod(triage_problem)

    @action("to_clue", "登记为问题线索", None, "fa-flag", multiple=False)
    def to_clue(self, item):
        try:
            with transaction():
                clue = clue_from_petition(item, g.user)
        except CommandError as exc:
            flash(exc.message, "danger")
            return redirect(url_for("PetitionView.show", pk=item.id))
        flash("已登记问题线索，请补充类别、被反映人等", "success")
        return redirect(url_for("ClueView.edit", pk=clue.id))
    show_template = "xct/petition_show.html"
    # Reading the identity is a read of the petition: the scope answers 404, the rule in app.commands.identity 403.
    # An @action needs its own entry: FAB checks the permission named after the action's function, and without one
    # (a permission no role holds) the button is hidden from everyone (found by tests/test_browser.py).
    method_permission_name = {**XctModelView.method_permission_name, "identity": READ, "to_clue": WRITE}

    @expose("/identity/<int:pk>", methods=["GET", "POST"])
    @has_access
    def identity(self, pk):
        """查看信访人身份: a reason, then the identity on this page only."""
        petition = self.datamodel.get(pk)
        if petition is None:
            abort(404)
        if not may_reveal(g.user, petition):
            abort(403)
        reason, error, identity = request.form.get("reason", ""), None, None
        if request.method == "POST":
            try:
                identity = reveal_identity(petition, g.user, reason, PAGE)
            except CommandError as exc:
                error = exc.message
        return self.render_template("xct/identity.html", petition=petition, reason=reason, error=error,
                                    identity=identity, reason_max=REASON_MAX, title="查看信访人身份")

    def render_template(self, template, **kwargs):
        if template == self.show_template and kwargs.get("pk") is not None:
            petition = self.datamodel.get(kwargs["pk"])
            kwargs["can_reveal"] = petition is not None and may_reveal(g.user, petition)
            kwargs["can_reply"] = petition is not None and reply_problem(petition, g.user) is None
        return super().render_template(template, **kwargs)


class PetitionApi(PetitionFlowApi, PetitionReplyApi, XctModelRestApi):
    resource_name = "petition"
    resource = PETITION
    list_columns = ["id", "inspection.id", "code", "channel", "received_on", "is_anonymous", "subject_name",
                    "summary", "triage"]
    show_columns = list_columns + ["petitioner_name", "petitioner_contact", "registered_by.id", "registered_by.name",
                                   "triage_reason", "duplicate_of.id", "suspected_duplicate", "reply", "replied_on",
                                   "replied_by.id", "replied_by.name"] + STAMPS
    item_rule = staticmethod(triage_problem)
    method_permission_name = {**XctModelRestApi.method_permission_name, "identity": READ, "attachment": WRITE,
                              "clue": WRITE, "reply": WRITE}

    @expose("/<int:pk>/identity", methods=["POST"])
    @protect()
    @safe
    def identity(self, pk):
        """查看信访人身份: {"reason": ...} → the identity, with the reading recorded."""
        petition = self.datamodel.get(pk, self._base_filters)
        if petition is None:
            return self.response_404()
        payload = request.get_json(silent=True)
        reason = payload.get("reason") if isinstance(payload, dict) else None
        try:
            return self.response(200, result=reveal_identity(petition, g.user, reason, API))
        except CommandError as exc:
            return self.response(exc.status, message=exc.message)


# ---------------------------------------------------------------- 个别谈话


TALK = Resource(Talk, {"held_on": "谈话日期", "reviewed_by": "组长审阅人", "reviewed_on": "组长审阅日期"},
                ("inspection", "interviewee", "interviewers", "held_on", "place", "interviewee_category", "outline",
                 "record", "recorder", "single_approved_by", "single_approved_on", "reviewed_by", "reviewed_on"))


class TalkView(RecordDocumentScreen, XctModelView):  # its own 附件14 (views.document_answers)
    resource = TALK
    method_permission_name = record_permissions(XctModelView.method_permission_name)
    base_order = ("held_on", "desc")
    list_columns = ["inspection", "interviewee", "held_on", "place", "interviewee_category", "reviewed_on"]
    _fields = list(TALK.fields)
    show_columns = _fields + STAMPS
    search_columns = ["held_on", "place", "interviewee_category", "reviewed_on"]
    order_columns = ["held_on", "place", "interviewee_category", "reviewed_on"]


class TalkApi(RecordDocumentApi, XctModelRestApi):
    resource_name = "talk"
    method_permission_name = record_permissions(XctModelRestApi.method_permission_name)
    resource = TALK
    list_columns = ["id", "inspection.id", "interviewee.id", "interviewee.name", "interviewers.id",
                    "interviewers.name", "held_on", "place", "interviewee_category"]
    show_columns = list_columns + ["outline", "record", "recorder.id", "recorder.name", "single_approved_by.id",
                                   "single_approved_by.name", "single_approved_on", "reviewed_by.id",
                                   "reviewed_by.name", "reviewed_on"] + STAMPS
    label_columns = {"interviewers.id": "谈话人编号", "interviewers.name": "谈话人"}


# ---------------------------------------------------------------- 调阅资料


CUSTODY_EVENT = Resource(CustodyEvent, {"kind": "事项"},
                         ("material", "kind", "happened_on", "handled_by", "note"))


class CustodyEventView(XctModelView):
    resource = CUSTODY_EVENT
    base_order = ("happened_on", "desc")
    list_columns = ["material", "kind", "happened_on", "handled_by", "note"]
    show_columns = ["material", "kind", "happened_on", "handled_by", "note"] + STAMPS
    search_columns = ["kind", "happened_on", "note"]
    order_columns = ["kind", "happened_on"]


MATERIAL = Resource(Material, {"name": "资料名称", "approved_by": "组长批准人"},
                    ("inspection", "name", "provider_unit", "provider_name", "copies", "pages", "received_on",
                     "received_by", "classification", "is_original", "is_important", "approved_by", "approved_on",
                     "custodian", "returned_on", "note"))


class MaterialView(XctModelView):
    resource = MATERIAL
    list_columns = ["name", "inspection", "provider_unit", "received_on", "classification", "is_important",
                    "returned_on"]
    _fields = list(MATERIAL.fields)
    show_columns = _fields + STAMPS
    search_columns = ["name", "provider_unit", "provider_name", "received_on", "classification", "is_original",
                      "is_important", "returned_on"]
    order_columns = ["name", "received_on", "classification", "returned_on"]
    related_views = [CustodyEventView]


class MaterialApi(XctModelRestApi):
    resource_name = "material"
    resource = MATERIAL
    list_columns = ["id", "inspection.id", "name", "provider_unit.id", "provider_unit.name", "provider_name",
                    "received_on", "classification", "is_original", "is_important", "returned_on"]
    show_columns = list_columns + ["copies", "pages", "received_by.id", "received_by.name", "approved_by.id",
                                   "approved_by.name", "approved_on", "custodian.id", "custodian.name", "note"] + STAMPS


class CustodyEventApi(XctModelRestApi):
    resource_name = "custody_event"
    resource = CUSTODY_EVENT
    list_columns = ["id", "material.id", "material.name", "kind", "happened_on", "handled_by.id", "handled_by.name",
                    "note"]
    show_columns = list_columns + STAMPS


# ---------------------------------------------------------------- 走访调研, 深入了解


VISIT = Resource(Visit, {"findings": "了解的情况", "held_on": "走访日期"},
                 ("inspection", "target", "held_on", "place", "participants", "topic", "findings", "approved_by",
                  "approved_on", "recorder"))


class VisitView(XctModelView):
    resource = VISIT
    list_columns = ["target", "inspection", "held_on", "place", "topic"]
    _fields = list(VISIT.fields)
    show_columns = _fields + STAMPS
    search_columns = ["target", "held_on", "place", "topic"]
    order_columns = ["target", "held_on", "place"]


class VisitApi(XctModelRestApi):
    resource_name = "visit"
    resource = VISIT
    list_columns = ["id", "inspection.id", "target", "held_on", "place", "topic"]
    show_columns = list_columns + ["participants", "findings", "approved_by.id", "approved_by.name", "approved_on",
                                   "recorder.id", "recorder.name"] + STAMPS


DEEP_DIVE = Resource(DeepDive, {"plan": "工作方案", "report": "情况报告"},
                     ("inspection", "topic", "owner", "plan", "plan_approved_by", "plan_approved_on", "report",
                      "finished_on"))


class DeepDiveView(XctModelView):
    resource = DEEP_DIVE
    list_columns = ["topic", "inspection", "owner", "plan_approved_on", "finished_on"]
    _fields = list(DEEP_DIVE.fields)
    show_columns = _fields + STAMPS
    search_columns = ["topic", "plan_approved_on", "finished_on"]
    order_columns = ["topic", "plan_approved_on", "finished_on"]
    label_columns = {"owner": "负责人"}


class DeepDiveApi(XctModelRestApi):
    resource_name = "deep_dive"
    resource = DEEP_DIVE
    list_columns = ["id", "inspection.id", "topic", "owner.id", "owner.name", "plan_approved_on", "finished_on"]
    show_columns = list_columns + ["plan", "plan_approved_by.id", "plan_approved_by.name", "report"] + STAMPS


# ---------------------------------------------------------------- 重要情况报告, 立行立改


URGENT_REPORT = Resource(UrgentReport, {"summary": "报告内容", "instructions": "领导批示／工作意见"},
                         ("inspection", "reported_on", "recipient", "reporter", "summary", "instructions"))


class UrgentReportView(XctModelView):
    resource = URGENT_REPORT
    base_order = ("reported_on", "desc")
    list_columns = ["reported_on", "inspection", "recipient", "reporter"]
    _fields = list(URGENT_REPORT.fields)
    show_columns = _fields + STAMPS
    search_columns = ["reported_on", "recipient", "summary"]
    order_columns = ["reported_on", "recipient"]


class UrgentReportApi(XctModelRestApi):
    resource_name = "urgent_report"
    resource = URGENT_REPORT
    list_columns = ["id", "inspection.id", "reported_on", "recipient", "reporter.id", "reporter.name", "summary"]
    show_columns = list_columns + ["instructions"] + STAMPS


IMMEDIATE_FIX = Resource(ImmediateFix, {"result": "整改结果"},
                         ("inspection", "clue", "issue", "requirement", "raised_on", "is_major",
                          "leading_group_approved_on", "status", "closed_on", "result"))


class ImmediateFixView(XctModelView):
    resource = IMMEDIATE_FIX
    list_columns = ["issue", "inspection", "raised_on", "is_major", "status", "closed_on"]
    _fields = list(IMMEDIATE_FIX.fields)
    show_columns = _fields + STAMPS
    search_columns = ["issue", "raised_on", "is_major", "status", "closed_on"]
    order_columns = ["raised_on", "status", "closed_on"]


class ImmediateFixApi(XctModelRestApi):
    resource_name = "immediate_fix"
    resource = IMMEDIATE_FIX
    list_columns = ["id", "inspection.id", "clue.id", "issue", "raised_on", "is_major", "status", "closed_on"]
    show_columns = list_columns + ["requirement", "leading_group_approved_on", "result"] + STAMPS


# ---------------------------------------------------------------- 问题线索


# The steps of 分类处置 (status, disposal, department, rule, decision) are set by app.commands.clues through the
# clue's page and the API's /propose, /review, /decide, never typed into the form.
CLUE_FLOW_FIELDS = ["status", "disposal", "department", "routing_rule", "proposal_reason", "decision_on",
                    "decision_meeting", "decision"]


CLUE = Resource(Clue, {"code": "线索编号", "summary": "线索内容"})


class ClueView(XctModelView):
    resource = CLUE
    show_template = "xct/clue_show.html"
    method_permission_name = {**XctModelView.method_permission_name, "decide": WRITE, "build_transfers": WRITE}
    list_columns = ["code", "inspection", "source", "category", "involves_leadership", "status", "disposal",
                    "department"]
    _fields = ["inspection", "code", "source", "petition", "talk", "material", "visit", "survey_response",
               "category", "involves_leadership", "persons", "summary"]
    show_columns = _fields + CLUE_FLOW_FIELDS + STAMPS
    add_columns = edit_columns = _fields
    search_columns = ["code", "source", "category", "involves_leadership", "status", "disposal", "department",
                      "decision_on", "summary"]
    order_columns = ["code", "source", "category", "status", "disposal", "decision_on"]
    label_columns = {"petition": "来源信访件", "talk": "来源谈话", "material": "来源资料", "visit": "来源走访",
                    "survey_response": "来源问卷"}

    def render_template(self, template, **kwargs):
        if template == self.show_template and kwargs.get("pk") is not None:
            kwargs["flow"] = clue_page(self.datamodel.get(int(kwargs["pk"])))
        return super().render_template(template, **kwargs)

    @action("decide", "记录党委决定", None, "fa-gavel", single=False)
    def decide(self, items):
        items = items if isinstance(items, list) else [items]
        return redirect(url_for("ClueFlowView.decide", ids=",".join(str(c.id) for c in items)))

    @action("build_transfers", "编入移送批次", "将所选线索按接收部门编入移送批次？", "fa-share-square-o", single=False)
    def build_transfers(self, items):
        try:
            with transaction():
                batches = build_transfers(items if isinstance(items, list) else [items], g.user)
        except CommandError as exc:
            flash(exc.message, "danger")
            return redirect(self.get_redirect())
        flash("已编入移送批次：" + "；".join(f"{t.department.name}（{len(t.clues)} 条）" for t in batches), "success")
        return redirect(url_for("TransferView.list"))


class ClueApi(ClueFlowApi, XctModelRestApi):
    resource_name = "clue"
    resource = CLUE
    list_columns = ["id", "inspection.id", "code", "source", "category", "involves_leadership", "summary", "status",
                    "disposal", "department.id", "department.name"]
    show_columns = list_columns + ["petition.id", "talk.id", "material.id", "visit.id", "survey_response.id",
                                   "persons.id", "persons.name", "routing_rule.id", "proposal_reason", "decision_on",
                                   "decision_meeting", "decision", "exhibits.id"] + STAMPS
    # API.md's contract writes `status` and `department` too: a new clue starts 登记, later moves are the steps'.
    add_columns = edit_columns = ClueView._fields + ["status", "department"]
    item_rule = staticmethod(clue_write_problem)
    label_columns = {"persons.id": "被反映人编号", "persons.name": "被反映人", "exhibits.id": "移送材料编号"}
    method_permission_name = {**XctModelRestApi.method_permission_name, "routing": READ, "propose": WRITE,
                              "review": WRITE, "decide": WRITE, "close": WRITE, "exhibit": WRITE}

    @expose("/<int:pk>/routing", methods=["GET"])
    @protect()
    @safe
    def routing(self, pk):
        """The department the routing rules propose for this clue (API.md), and the rule that matched."""
        clue = self.datamodel.get(pk, self._base_filters)
        if clue is None:
            return self.response_404()
        return self.response(200, result=route_clue(clue).as_dict())


SCREENS = [
    (MeetingView, "会议", CATEGORY, "fa-users"),
    (SurveyView, "调查问卷", CATEGORY, "fa-check-square-o"),
    (PetitionView, "信访受理", CATEGORY, "fa-envelope"),
    (TalkView, "个别谈话", CATEGORY, "fa-comments-o"),
    (MaterialView, "调阅资料", CATEGORY, "fa-folder-open"),
    (VisitView, "走访调研", CATEGORY, "fa-map-marker"),
    (DeepDiveView, "深入了解", CATEGORY, "fa-binoculars"),
    (UrgentReportView, "重要情况报告", CATEGORY, "fa-exclamation-triangle"),
    (ImmediateFixView, "立行立改", CATEGORY, "fa-wrench"),
    (ClueView, "问题线索", CATEGORY, "fa-flag"),
]
HIDDEN = [SurveyQuestionView, SurveyResponseView, SurveyAnswerView, CustodyEventView]
APIS = [
    MeetingApi, SurveyApi, SurveyQuestionApi, SurveyResponseApi, SurveyAnswerApi, PetitionApi, TalkApi, MaterialApi,
    CustodyEventApi, VisitApi, DeepDiveApi, UrgentReportApi, ImmediateFixApi, ClueApi,
]
