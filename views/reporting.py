"""四、巡察报告 (findings, recommendations, reports) and 五、结果反馈 (feedback, its 签收单, news releases)."""

from __future__ import annotations

from app.commands.feedback import feedback_page, news_write_problem
from app.permissions import READ, WRITE
from schema import Feedback, FeedbackSignature, Finding, InspectionReport, NewsRelease, Recommendation, TalkReport

from .base import Resource, XctModelRestApi, XctModelView
from .feedback import FeedbackFlowApi, NewsFlowApi

REPORT = "四、巡察报告"
FEEDBACK = "五、结果反馈"
STAMPS = ["created_at", "updated_at"]


# ---------------------------------------------------------------- 发现的问题, 意见建议


FINDING = Resource(Finding, {"summary": "问题概述"},
                   ("inspection", "aspect", "seq", "summary", "detail", "is_general", "talks", "clues", "petitions",
                    "materials"))


class FindingView(XctModelView):
    resource = FINDING
    base_order = ("seq", "asc")
    list_columns = ["inspection", "aspect", "seq", "summary", "is_general"]
    _fields = list(FINDING.fields)
    show_columns = _fields + STAMPS
    search_columns = ["aspect", "summary", "is_general"]
    order_columns = ["aspect", "seq", "is_general"]
    label_columns = {"detail": "具体情况（事例、数据、分析）", "talks": "依据：个别谈话", "clues": "依据：问题线索", "petitions": "依据：信访件",
                    "materials": "依据：调阅资料"}


class FindingApi(XctModelRestApi):
    resource_name = "finding"
    resource = FINDING
    list_columns = ["id", "inspection.id", "aspect", "seq", "summary", "is_general"]
    show_columns = list_columns + ["detail", "talks.id", "clues.id", "petitions.id", "materials.id"] + STAMPS
    label_columns = {"detail": "具体情况", "talks.id": "依据谈话编号", "clues.id": "依据线索编号", "petitions.id": "依据信访件编号",
                    "materials.id": "依据资料编号"}


RECOMMENDATION = Resource(Recommendation, {"text": "意见建议"},
                          ("inspection", "seq", "text", "findings"))


class RecommendationView(XctModelView):
    resource = RECOMMENDATION
    base_order = ("seq", "asc")
    list_columns = ["inspection", "seq", "text"]
    _fields = list(RECOMMENDATION.fields)
    show_columns = _fields + STAMPS
    search_columns = ["text"]
    order_columns = ["seq"]
    label_columns = {"findings": "对应的问题"}


class RecommendationApi(XctModelRestApi):
    resource_name = "recommendation"
    resource = RECOMMENDATION
    list_columns = ["id", "inspection.id", "seq", "text", "findings.id"]
    show_columns = list_columns + STAMPS
    label_columns = {"findings.id": "对应问题编号"}


# ---------------------------------------------------------------- 巡察情况报告, 个别谈话情况报告


INSPECTION_REPORT = Resource(InspectionReport, {"title": "报告标题", "office_reviewed_on": "征求巡察办意见日期"},
                             ("inspection", "title", "basic_situation", "body", "special_report", "drafted_on",
                              "office_reviewed_on", "leader_reviewed_on"))


class InspectionReportView(XctModelView):
    resource = INSPECTION_REPORT
    list_columns = ["title", "inspection", "drafted_on", "office_reviewed_on", "leader_reviewed_on"]
    _fields = list(INSPECTION_REPORT.fields)
    show_columns = _fields + STAMPS
    search_columns = ["title", "drafted_on", "office_reviewed_on", "leader_reviewed_on"]
    order_columns = ["title", "drafted_on", "office_reviewed_on", "leader_reviewed_on"]
    label_columns = {"body": "报告正文（问题与建议）"}


class InspectionReportApi(XctModelRestApi):
    resource_name = "inspection_report"
    resource = INSPECTION_REPORT
    list_columns = ["id", "inspection.id", "title", "drafted_on", "office_reviewed_on", "leader_reviewed_on"]
    show_columns = list_columns + ["basic_situation", "body", "special_report"] + STAMPS
    label_columns = {"body": "报告正文"}


TALK_REPORT = Resource(TalkReport, {},
                       ("inspection", "org_evaluation", "leader_evaluations", "drafted_on"))


class TalkReportView(XctModelView):
    resource = TALK_REPORT
    list_columns = ["inspection", "drafted_on", "updated_at"]
    _fields = list(TALK_REPORT.fields)
    show_columns = _fields + STAMPS
    search_columns = ["drafted_on"]
    order_columns = ["drafted_on", "updated_at"]


class TalkReportApi(XctModelRestApi):
    resource_name = "talk_report"
    resource = TALK_REPORT
    list_columns = ["id", "inspection.id", "drafted_on"]
    show_columns = list_columns + ["org_evaluation", "leader_evaluations"] + STAMPS


# ---------------------------------------------------------------- 反馈意见, 签收单, 新闻稿


FEEDBACK_SIGNATURE = Resource(FeedbackSignature, {"person": "签字人"},
                              ("feedback", "signer_role", "person", "signed_on"))


class FeedbackSignatureView(XctModelView):
    resource = FEEDBACK_SIGNATURE
    list_columns = ["feedback", "signer_role", "person", "signed_on"]
    show_columns = ["feedback", "signer_role", "person", "signed_on"] + STAMPS
    search_columns = ["signer_role", "signed_on"]
    order_columns = ["signer_role", "signed_on"]


FEEDBACK_RESOURCE = Resource(Feedback, {"plan": "反馈工作方案"},
                             ("inspection", "doc_no", "overall", "opinion", "requirements", "plan",
                              "leading_group_approved_on"))


class FeedbackView(XctModelView):
    resource = FEEDBACK_RESOURCE
    list_columns = ["inspection", "doc_no", "leading_group_approved_on", "updated_at"]
    _fields = list(FEEDBACK_RESOURCE.fields)
    show_columns = _fields + STAMPS
    search_columns = ["doc_no", "leading_group_approved_on"]
    order_columns = ["doc_no", "leading_group_approved_on", "updated_at"]
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
    resource = FEEDBACK_RESOURCE
    list_columns = ["id", "inspection.id", "doc_no", "leading_group_approved_on"]
    show_columns = list_columns + ["overall", "opinion", "requirements", "plan", "signatures.id"] + STAMPS
    label_columns = {"signatures.id": "签字编号"}
    method_permission_name = {**XctModelRestApi.method_permission_name, "sign": WRITE, "check": READ}


class FeedbackSignatureApi(XctModelRestApi):
    resource_name = "feedback_signature"
    resource = FEEDBACK_SIGNATURE
    list_columns = ["id", "feedback.id", "signer_role", "person.id", "person.name", "signed_on"]
    show_columns = list_columns + STAMPS


NEWS_RELEASE = Resource(NewsRelease, {"title": "新闻稿标题"},
                        ("inspection", "stage", "title", "body", "leader_approved_on", "office_approved_on",
                         "published_on"))


class NewsReleaseView(XctModelView):
    resource = NEWS_RELEASE
    list_columns = ["title", "inspection", "stage", "leader_approved_on", "office_approved_on", "published_on"]
    _fields = list(NEWS_RELEASE.fields)
    show_columns = _fields + STAMPS
    search_columns = ["title", "stage", "leader_approved_on", "office_approved_on", "published_on"]
    order_columns = ["title", "stage", "published_on"]
    show_template = "xct/news_show.html"
    item_rule = staticmethod(news_write_problem)  # 五（四）: not published before it is approved


class NewsReleaseApi(NewsFlowApi, XctModelRestApi):
    resource_name = "news_release"
    resource = NEWS_RELEASE
    list_columns = ["id", "inspection.id", "stage", "title", "leader_approved_on", "office_approved_on",
                    "published_on"]
    show_columns = list_columns + ["body"] + STAMPS
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
