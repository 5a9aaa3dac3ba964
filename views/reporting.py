"""四、巡察报告 (findings, recommendations, reports) and 五、结果反馈 (feedback, its 签收单, news releases)."""

from __future__ import annotations

from app.permissions import READ, WRITE
from schema import Feedback, FeedbackSignature, Finding, InspectionReport, NewsRelease, Recommendation, TalkReport

from app.commands.feedback import feedback_page, news_write_problem

from .base import XctModelRestApi, XctModelView, XctSQLAInterface
from .feedback import FeedbackFlowApi, NewsFlowApi

REPORT = "四、巡察报告"
FEEDBACK = "五、结果反馈"
STAMPS = ["created_at", "updated_at"]


# ---------------------------------------------------------------- 发现的问题, 意见建议


class FindingView(XctModelView):
    datamodel = XctSQLAInterface(Finding)
    base_order = ("seq", "asc")
    list_columns = ["inspection", "aspect", "seq", "summary", "is_general"]
    _fields = ["inspection", "aspect", "seq", "summary", "detail", "is_general", "talks", "clues", "petitions",
               "materials"]
    show_columns = _fields + STAMPS
    add_columns = edit_columns = _fields
    search_columns = ["aspect", "summary", "is_general"]
    order_columns = ["aspect", "seq", "is_general"]
    label_columns = {"summary": "问题概述", "detail": "具体情况（事例、数据、分析）", "talks": "依据：个别谈话",
                     "clues": "依据：问题线索", "petitions": "依据：信访件", "materials": "依据：调阅资料"}


class FindingApi(XctModelRestApi):
    resource_name = "finding"
    datamodel = XctSQLAInterface(Finding)
    list_columns = ["id", "inspection.id", "aspect", "seq", "summary", "is_general"]
    show_columns = list_columns + ["detail", "talks.id", "clues.id", "petitions.id", "materials.id"] + STAMPS
    add_columns = edit_columns = FindingView._fields
    label_columns = {"summary": "问题概述", "detail": "具体情况", "talks.id": "依据谈话编号",
                     "clues.id": "依据线索编号", "petitions.id": "依据信访件编号", "materials.id": "依据资料编号"}


class RecommendationView(XctModelView):
    datamodel = XctSQLAInterface(Recommendation)
    base_order = ("seq", "asc")
    list_columns = ["inspection", "seq", "text"]
    _fields = ["inspection", "seq", "text", "findings"]
    show_columns = _fields + STAMPS
    add_columns = edit_columns = _fields
    search_columns = ["text"]
    order_columns = ["seq"]
    label_columns = {"text": "意见建议", "findings": "对应的问题"}


class RecommendationApi(XctModelRestApi):
    resource_name = "recommendation"
    datamodel = XctSQLAInterface(Recommendation)
    list_columns = ["id", "inspection.id", "seq", "text", "findings.id"]
    show_columns = list_columns + STAMPS
    add_columns = edit_columns = RecommendationView._fields
    label_columns = {"text": "意见建议", "findings.id": "对应问题编号"}


# ---------------------------------------------------------------- 巡察情况报告, 个别谈话情况报告


class InspectionReportView(XctModelView):
    datamodel = XctSQLAInterface(InspectionReport)
    list_columns = ["title", "inspection", "drafted_on", "office_reviewed_on", "leader_reviewed_on"]
    _fields = ["inspection", "title", "basic_situation", "body", "special_report", "drafted_on",
               "office_reviewed_on", "leader_reviewed_on"]
    show_columns = _fields + STAMPS
    add_columns = edit_columns = _fields
    search_columns = ["title", "drafted_on", "office_reviewed_on", "leader_reviewed_on"]
    order_columns = ["title", "drafted_on", "office_reviewed_on", "leader_reviewed_on"]
    label_columns = {"title": "报告标题", "body": "报告正文（问题与建议）", "office_reviewed_on": "征求巡察办意见日期"}


class InspectionReportApi(XctModelRestApi):
    resource_name = "inspection_report"
    datamodel = XctSQLAInterface(InspectionReport)
    list_columns = ["id", "inspection.id", "title", "drafted_on", "office_reviewed_on", "leader_reviewed_on"]
    show_columns = list_columns + ["basic_situation", "body", "special_report"] + STAMPS
    add_columns = edit_columns = InspectionReportView._fields
    label_columns = {"title": "报告标题", "body": "报告正文", "office_reviewed_on": "征求巡察办意见日期"}


class TalkReportView(XctModelView):
    datamodel = XctSQLAInterface(TalkReport)
    list_columns = ["inspection", "drafted_on", "updated_at"]
    _fields = ["inspection", "org_evaluation", "leader_evaluations", "drafted_on"]
    show_columns = _fields + STAMPS
    add_columns = edit_columns = _fields
    search_columns = ["drafted_on"]
    order_columns = ["drafted_on", "updated_at"]


class TalkReportApi(XctModelRestApi):
    resource_name = "talk_report"
    datamodel = XctSQLAInterface(TalkReport)
    list_columns = ["id", "inspection.id", "drafted_on"]
    show_columns = list_columns + ["org_evaluation", "leader_evaluations"] + STAMPS
    add_columns = edit_columns = TalkReportView._fields


# ---------------------------------------------------------------- 反馈意见, 签收单, 新闻稿


class FeedbackSignatureView(XctModelView):
    datamodel = XctSQLAInterface(FeedbackSignature)
    list_columns = ["feedback", "signer_role", "person", "signed_on"]
    show_columns = ["feedback", "signer_role", "person", "signed_on"] + STAMPS
    add_columns = edit_columns = ["feedback", "signer_role", "person", "signed_on"]
    search_columns = ["signer_role", "signed_on"]
    order_columns = ["signer_role", "signed_on"]
    label_columns = {"person": "签字人"}


class FeedbackView(XctModelView):
    datamodel = XctSQLAInterface(Feedback)
    list_columns = ["inspection", "doc_no", "leading_group_approved_on", "updated_at"]
    _fields = ["inspection", "doc_no", "overall", "opinion", "requirements", "plan", "leading_group_approved_on"]
    show_columns = _fields + STAMPS
    add_columns = edit_columns = _fields
    search_columns = ["doc_no", "leading_group_approved_on"]
    order_columns = ["doc_no", "leading_group_approved_on", "updated_at"]
    label_columns = {"plan": "反馈工作方案"}
    related_views = [FeedbackSignatureView]
    show_template = "xct/feedback_show.html"

    def render_template(self, template, **kwargs):
        # the feedback page: its items, the three sessions' check, the 签收单 and the feedback news (五)
        if template == self.show_template and kwargs.get("pk") is not None:
            feedback = self.datamodel.get(int(kwargs["pk"]))
            kwargs["flow"] = {**feedback_page(feedback.inspection), "feedback": feedback,
                              "signed": {s.signer_role: s for s in feedback.signatures}}
        return super().render_template(template, **kwargs)


class FeedbackApi(FeedbackFlowApi, XctModelRestApi):
    resource_name = "feedback"
    datamodel = XctSQLAInterface(Feedback)
    list_columns = ["id", "inspection.id", "doc_no", "leading_group_approved_on"]
    show_columns = list_columns + ["overall", "opinion", "requirements", "plan", "signatures.id"] + STAMPS
    add_columns = edit_columns = FeedbackView._fields
    label_columns = {"plan": "反馈工作方案", "signatures.id": "签字编号"}
    method_permission_name = {**XctModelRestApi.method_permission_name, "sign": WRITE, "check": READ}


class FeedbackSignatureApi(XctModelRestApi):
    resource_name = "feedback_signature"
    datamodel = XctSQLAInterface(FeedbackSignature)
    list_columns = ["id", "feedback.id", "signer_role", "person.id", "person.name", "signed_on"]
    show_columns = list_columns + STAMPS
    add_columns = edit_columns = ["feedback", "signer_role", "person", "signed_on"]
    label_columns = {"person": "签字人"}


class NewsReleaseView(XctModelView):
    datamodel = XctSQLAInterface(NewsRelease)
    list_columns = ["title", "inspection", "stage", "leader_approved_on", "office_approved_on", "published_on"]
    _fields = ["inspection", "stage", "title", "body", "leader_approved_on", "office_approved_on", "published_on"]
    show_columns = _fields + STAMPS
    add_columns = edit_columns = _fields
    search_columns = ["title", "stage", "leader_approved_on", "office_approved_on", "published_on"]
    order_columns = ["title", "stage", "published_on"]
    label_columns = {"title": "新闻稿标题"}
    show_template = "xct/news_show.html"
    item_rule = staticmethod(news_write_problem)  # 五（四）: not published before it is approved


class NewsReleaseApi(NewsFlowApi, XctModelRestApi):
    resource_name = "news_release"
    datamodel = XctSQLAInterface(NewsRelease)
    list_columns = ["id", "inspection.id", "stage", "title", "leader_approved_on", "office_approved_on",
                    "published_on"]
    show_columns = list_columns + ["body"] + STAMPS
    add_columns = edit_columns = NewsReleaseView._fields
    label_columns = {"title": "新闻稿标题"}
    item_rule = staticmethod(news_write_problem)
    method_permission_name = {**XctModelRestApi.method_permission_name, "approve": WRITE, "publish": WRITE}


SCREENS = [
    (FindingView, "发现的问题", REPORT, "fa-exclamation-circle"),
    (RecommendationView, "意见建议", REPORT, "fa-lightbulb-o"),
    (InspectionReportView, "巡察情况报告", REPORT, "fa-file-text-o"),
    (TalkReportView, "个别谈话情况报告", REPORT, "fa-file-o"),
    (FeedbackView, "反馈意见", FEEDBACK, "fa-reply"),
    (FeedbackSignatureView, "反馈签收", FEEDBACK, "fa-pencil-square-o"),
    (NewsReleaseView, "新闻稿", FEEDBACK, "fa-newspaper-o"),
]
APIS = [FindingApi, RecommendationApi, InspectionReportApi, TalkReportApi, FeedbackApi, FeedbackSignatureApi,
        NewsReleaseApi]
