"""二、了解准备: the inspection record itself (组 × 单位 × 轮), briefings, the team's work plan, notices, speeches."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, g, redirect, url_for
from flask_appbuilder import expose, has_access
from flask_appbuilder.actions import action
from flask_appbuilder.api import safe
from flask_appbuilder.security.decorators import protect

from app.commands import CommandError
from app.commands.deadlines import inspection_checks, inspection_deadlines, scan
from app.commands.documents import attachment_menu, generate_attachment
from app.commands.rectification import ledger_count
from app.commands.supervision import previous_with_checks
from app.extensions import db
from app.permissions import READ
from app.rules.deadlines import STATUS_LABELS
from app.uow import transaction
from schema import Announcement, Briefing, Inspection, Speech, WorkPlan

from .archive import DocumentView, archive_panel
from .base import Resource, XctModelRestApi, XctModelView
from .document_answers import answer, api_job, screen_job, wants_pdf
from .fieldwork import (
    ClueView,
    DeepDiveView,
    ImmediateFixView,
    MaterialView,
    MeetingView,
    PetitionView,
    SurveyView,
    TalkView,
    UrgentReportView,
    VisitView,
)
from .intake import intake_url
from .lazy_tabs import LazyRelatedTabs
from .outcomes import RectificationItemView, SupervisionView
from .reporting import FindingView, RecommendationView
from .statistics import repeat_panel

CATEGORY = "二、了解准备"

INSPECTION_DATES = ["notice_date", "entry_date", "work_start", "work_end", "committee_report_date", "feedback_date",
                    "feedback_done_date"]


# ---------------------------------------------------------------- screens


BRIEFING = Resource(Briefing, {"department": "通报部门", "method": "通报方式", "content": "通报内容"},
                    ("inspection", "department", "briefer", "held_on", "method", "content", "written_material",
                     "recorder"))


class BriefingView(XctModelView):
    resource = BRIEFING
    list_columns = ["inspection", "department", "briefer", "held_on", "method", "recorder"]
    show_columns = ["inspection", "department", "briefer", "held_on", "method", "content", "written_material",
                    "recorder", "created_at", "updated_at"]
    search_columns = ["department", "briefer", "held_on", "method"]
    order_columns = ["briefer", "held_on", "method"]


WORK_PLAN = Resource(WorkPlan, {"filed_on": "报巡察办备案日期"},
                     ("inspection", "tasks", "methods", "schedule", "division", "filed_on"))


class WorkPlanView(XctModelView):
    resource = WORK_PLAN
    list_columns = ["inspection", "filed_on", "updated_at"]
    show_columns = ["inspection", "tasks", "methods", "schedule", "division", "filed_on", "created_at", "updated_at"]
    search_columns = ["filed_on", "tasks"]
    order_columns = ["filed_on", "updated_at"]


ANNOUNCEMENT = Resource(Announcement, {"body": "公告内容", "posted_on_site_on": "单位网站发布日期",
                                      "posted_on_premises_on": "单位张贴日期"},
                        ("inspection", "body", "published_oa_on", "posted_on_site_on", "posted_on_premises_on"))


class AnnouncementView(XctModelView):
    resource = ANNOUNCEMENT
    list_columns = ["inspection", "published_oa_on", "posted_on_site_on", "posted_on_premises_on"]
    show_columns = ["inspection", "body", "published_oa_on", "posted_on_site_on", "posted_on_premises_on",
                    "created_at", "updated_at"]
    search_columns = ["published_oa_on", "posted_on_site_on", "posted_on_premises_on", "body"]
    order_columns = ["published_oa_on", "posted_on_site_on", "posted_on_premises_on"]


SPEECH = Resource(Speech, {"occasion": "会议场合", "body": "讲话稿正文", "filed_on": "报巡察办备案日期"},
                  ("round", "inspection", "occasion", "speaker", "body", "filed_on"))


class SpeechView(XctModelView):
    resource = SPEECH
    list_columns = ["occasion", "round", "inspection", "speaker", "filed_on"]
    show_columns = ["occasion", "round", "inspection", "speaker", "body", "filed_on", "created_at", "updated_at"]
    search_columns = ["occasion", "round", "filed_on", "body"]
    order_columns = ["occasion", "filed_on"]


INSPECTION = Resource(Inspection, {"unit": "被巡察单位", "liaison": "被巡察单位联络人"},
                      ("round", "team", "unit", "liaison", "notice_no", "notice_date", "entry_date", "work_start",
                       "work_end", "committee_report_date", "feedback_date", "feedback_done_date",
                       "meeting_list_received_on", "note"))


class InspectionView(LazyRelatedTabs, XctModelView):  # its 18 tabs load when opened (views.lazy_tabs)
    resource = INSPECTION
    show_template = "xct/inspection_show.html"
    method_permission_name = {**XctModelView.method_permission_name, "deadline_check": READ, "attachment": READ}
    list_columns = ["round", "team", "unit", "entry_date", "work_start", "work_end", "feedback_date"]
    show_fieldsets = [
        ("巡察", {"fields": ["round", "team", "unit", "liaison", "notice_no", "note"]}),
        ("关键日期", {"fields": INSPECTION_DATES + ["meeting_list_received_on"]}),
        ("记录", {"fields": ["created_at", "updated_at"], "expanded": False}),
    ]
    search_columns = ["round", "team", "unit", "notice_no"] + INSPECTION_DATES
    order_columns = INSPECTION_DATES
    related_views = [
        BriefingView, WorkPlanView, AnnouncementView, MeetingView, SurveyView, PetitionView, TalkView, MaterialView,
        VisitView, DeepDiveView, ClueView, UrgentReportView, ImmediateFixView, FindingView, RecommendationView,
        RectificationItemView, SupervisionView, DocumentView,
    ]

    def render_template(self, template, **kwargs):
        if template == self.show_template and kwargs.get("pk") is not None:
            today, pk = date.today(), int(kwargs["pk"])
            deadlines = inspection_deadlines(pk, today)
            inspection = self.datamodel.get(pk)
            previous = previous_with_checks(inspection)
            kwargs.update(
                deadlines=deadlines, checks=inspection_checks(pk, today, deadlines),
                today=today, status_labels=STATUS_LABELS, check_labels=CHECK_LABELS,
                ledger={"items": ledger_count(inspection), "previous": previous["previous"],
                        "previous_items": previous["items"], "checks": previous["checks"],
                        "round_id": inspection.round_id},
                attachments=attachment_menu(g.user, inspection),
                intake=intake_url(inspection),  # 码上巡察 (views.intake), while open
                **repeat_panel(inspection),  # 重复出现的问题 (views.statistics)
                **archive_panel(inspection),  # 立卷归档 (views.archive)
            )
        return super().render_template(template, **kwargs)

    # Named `attachment`: `export` is every list's Excel export (views.base), at /export without arguments.
    @expose("/export/<int:pk>/<int:n>")
    @has_access
    def attachment(self, pk, n):
        """附件n generated from this inspection's records (the buttons of the show page), ?format=pdf as PDF (a long
        one made by a job: the job's page)."""
        inspection = self.datamodel.get(pk)
        if inspection is None:
            abort(404)
        try:
            pdf = wants_pdf()
            with transaction():
                generated = generate_attachment(inspection, n, g.user)
            return answer(generated, pdf, screen_job)
        except CommandError as exc:
            flash(exc.message, "danger")
            return redirect(url_for(".show", pk=pk))

    @action("deadline_check", "期限检查", "重新计算所选巡察的期限并检查合规情况？", "fa-clock-o", single=False)
    def deadline_check(self, items):
        items = items if isinstance(items, list) else [items]
        counts = scan(date.today(), [item.id for item in items])
        flash(f"已检查 {len(items)} 个巡察：已逾期 {counts.get('overdue', 0)} 项，即将到期 {counts.get('due_soon', 0)} 项，"
              f"已完成 {counts.get('done', 0)} 项。", "info")
        return redirect(url_for("DeadlineView.list"))


CHECK_LABELS = {"attendance": "动员会参会人数", "talk_interviewers": "两人谈话"}


# ---------------------------------------------------------------- REST


class InspectionApi(XctModelRestApi):
    resource_name = "inspection"
    resource = INSPECTION
    method_permission_name = {**XctModelRestApi.method_permission_name, "deadlines": READ, "checks": READ,
                              "attachment": READ}
    list_columns = ["id", "round.id", "round.name", "team.id", "team.name", "unit.id", "unit.name", "notice_no"] + \
        INSPECTION_DATES
    show_columns = list_columns + ["meeting_list_received_on", "liaison.id", "liaison.name", "note", "created_at",
                                   "updated_at"]

    def pre_get(self, data):
        """`intake_url`: the public 码上巡察 page while intake is open, else null (views.intake)."""
        super().pre_get(data)
        result = data.get("result")
        if isinstance(result, dict) and result.get("id") is not None:
            inspection = db.session.get(Inspection, result["id"])
            result["intake_url"] = intake_url(inspection) if inspection is not None else None

    @expose("/<int:pk>/deadlines", methods=["GET"])
    @protect()
    @safe
    def deadlines(self, pk):
        """The inspection's deadlines (API.md): code, title, earliest, due, status, done_on."""
        if self.datamodel.get(pk, self._base_filters) is None:
            return self.response_404()
        result = [d.as_dict() for d in inspection_deadlines(pk)]
        return self.response(200, result=result)

    @expose("/<int:pk>/checks", methods=["GET"])
    @protect()
    @safe
    def checks(self, pk):
        """Every compliance check of the inspection (API.md): code, ok, message with the figures behind it."""
        if self.datamodel.get(pk, self._base_filters) is None:
            return self.response_404()
        return self.response(200, result=[c.as_dict() for c in inspection_checks(pk)])

    @expose("/<int:pk>/export/<int:n>", methods=["GET"])
    @protect()
    @safe
    def attachment(self, pk, n):
        """附件n (1…24) of the inspection as .docx or .xlsx, or as PDF with ?format=pdf (API.md), kept as a generated
        document; a long one's PDF not made yet answers 202 with the job making it; 403 when its content comes from
        records the caller may not read (e.g. talk records for a unit liaison); 503 where the server has no
        LibreOffice to make the PDF."""
        inspection = self.datamodel.get(pk, self._base_filters)
        if inspection is None:
            return self.response_404()
        try:
            pdf = wants_pdf()
            with transaction():
                generated = generate_attachment(inspection, n, g.user)
            return answer(generated, pdf, api_job(self))
        except CommandError as exc:
            return self.command_error(exc)


class BriefingApi(XctModelRestApi):
    resource_name = "briefing"
    resource = BRIEFING
    list_columns = ["id", "inspection.id", "department.id", "department.name", "briefer", "held_on", "method",
                    "written_material", "recorder.id", "recorder.name"]
    show_columns = list_columns + ["content", "created_at", "updated_at"]


class WorkPlanApi(XctModelRestApi):
    resource_name = "work_plan"
    resource = WORK_PLAN
    list_columns = ["id", "inspection.id", "filed_on", "updated_at"]
    show_columns = list_columns + ["tasks", "methods", "schedule", "division", "created_at"]


class AnnouncementApi(XctModelRestApi):
    resource_name = "announcement"
    resource = ANNOUNCEMENT
    list_columns = ["id", "inspection.id", "published_oa_on", "posted_on_site_on", "posted_on_premises_on"]
    show_columns = list_columns + ["body", "created_at", "updated_at"]


class SpeechApi(XctModelRestApi):
    resource_name = "speech"
    resource = SPEECH
    list_columns = ["id", "occasion", "round.id", "round.name", "inspection.id", "speaker.id", "speaker.name",
                    "filed_on"]
    show_columns = list_columns + ["body", "created_at", "updated_at"]


SCREENS = [
    (InspectionView, "巡察", CATEGORY, "fa-search"),
    (BriefingView, "情况准备", CATEGORY, "fa-info-circle"),
    (WorkPlanView, "组内工作方案", CATEGORY, "fa-list-ol"),
    (AnnouncementView, "巡察公告", CATEGORY, "fa-bullhorn"),
    (SpeechView, "讲话稿", CATEGORY, "fa-microphone"),
]
APIS = [InspectionApi, BriefingApi, WorkPlanApi, AnnouncementApi, SpeechApi]
