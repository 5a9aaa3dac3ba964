"""五、结果反馈 and 七、督查督办 on screens and in the API: 反馈事项 (generated from the report, edited after), the
attendees of the three sessions, the 签收 step of each signer, the news release's 审定 and 发布, the rectification's
dated steps and notice draft, and the 回头看 check of the previous ledger (已巩固 / 反弹).

Rows are found through the caller's scope (app.scope); each step is one use case of app.commands.feedback or
app.commands.supervision.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import abort, flash, g, redirect, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.api import safe
from flask_appbuilder.fieldwidgets import DatePickerWidget
from flask_appbuilder.security.decorators import protect
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, RadioField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from app.commands import CommandError
from app.commands import feedback as fb
from app.commands import supervision as sup
from app.extensions import db
from app.permissions import READ, WRITE
from app.rules.feedback import SIGNING_CLAUSE
from app.uow import transaction
from schema import Feedback, FeedbackItem, Inspection, MeetingAttendee, NewsRelease, Person, ReboundCheck, Round
from schema.base import INT_MAX
from schema.enums import REBOUND_RESULTS, SIGNER_ROLES

from .archive import send_document
from .base import Resource, XctModelRestApi, XctModelView, XctSQLAInterface, body_day
from .disposal import _step, scoped

FEEDBACK = "五、结果反馈"
SUPERVISION = "七、督查督办"
STAMPS = ["created_at", "updated_at"]
INSPECTIONS = XctSQLAInterface(Inspection)
FEEDBACKS = XctSQLAInterface(Feedback)
NEWS = XctSQLAInterface(NewsRelease)
PEOPLE = XctSQLAInterface(Person)


class ConfirmForm(FlaskForm):
    pass


class SignForm(FlaskForm):
    person = SelectField("签字人", coerce=lambda v: int(v) if str(v).isdigit() else None,
                         validators=[DataRequired("请选择签字人")])
    signed_on = DateField("签字日期", widget=DatePickerWidget(), default=date.today,
                          validators=[DataRequired("请填写签字日期")])


class DayForm(FlaskForm):
    on = DateField("日期", widget=DatePickerWidget(), default=date.today, validators=[DataRequired("请填写日期")])


class LifeMeetingForm(FlaskForm):
    on = DateField("召开日期", widget=DatePickerWidget(), default=date.today, validators=[DataRequired("请填写召开日期")])
    minutes = TextAreaField("会议情况", validators=[Length(max=5000)])


class CheckForm(FlaskForm):
    result = RadioField("检查结果", choices=[SelectChoice(r) for r in REBOUND_RESULTS], default="已巩固",
                        validators=[DataRequired("请选择检查结果")])
    note = TextAreaField("说明（认定反弹时必填）", validators=[Length(max=500)])
    open_new_row = BooleanField("反弹的，在本次巡察的整改台账中新建整改事项", validators=[Optional()])


def _people(inspection: Inspection) -> list[tuple[int, str]]:
    return [SelectChoice(p.id, f"{p.name}（{p.title or ''}）") for p in fb.signer_candidates(inspection)]


def _person(pk) -> Person | None:
    """A signer, through the caller's scope (as every dropdown of the house), or None."""
    return PEOPLE.get(int(pk)) if str(pk or "").isdigit() and int(pk) <= INT_MAX else None


# ---------------------------------------------------------------------------------------------- screens


FEEDBACK_ITEM = Resource(FeedbackItem, {"problem": "反馈的问题", "requirement": "整改要求"},
                         ("inspection", "finding", "seq", "problem", "requirement", "recommendations"))


class FeedbackItemView(XctModelView):
    resource = FEEDBACK_ITEM
    base_order = ("seq", "asc")
    list_columns = ["inspection", "seq", "problem", "finding"]
    _fields = list(FEEDBACK_ITEM.fields)
    show_columns = _fields + STAMPS
    search_columns = ["problem", "requirement"]
    order_columns = ["seq"]
    label_columns = {"finding": "对应的问题（巡察报告）", "recommendations": "对应的意见建议"}


MEETING_ATTENDEE = Resource(MeetingAttendee, {"person": "参加人员", "role": "参会身份", "meeting": "会议"},
                            ("meeting", "person", "role", "note"))


class MeetingAttendeeView(XctModelView):
    resource = MEETING_ATTENDEE
    list_columns = ["meeting", "person", "role", "note"]
    _fields = list(MEETING_ATTENDEE.fields)
    show_columns = _fields + STAMPS
    search_columns = ["role", "note"]
    order_columns = ["role"]


REBOUND_CHECK = Resource(ReboundCheck, {"result": "检查结果", "checked_on": "检查日期"})


class ReboundCheckView(XctModelView):
    """回头看 checks are recorded from the inspection's 上一轮整改 panel (the step), read here."""

    resource = REBOUND_CHECK
    base_order = ("id", "desc")
    include_route_methods = {"list", "show"}
    list_columns = ["inspection", "previous_item", "result", "checked_on", "checked_by", "new_item"]
    show_columns = list_columns + ["note"] + STAMPS
    search_columns = ["result", "checked_on", "note"]
    order_columns = ["result", "checked_on"]
    label_columns = {"inspection": "本次巡察", "previous_item": "上一轮整改事项", "checked_by": "检查人", "new_item": "新建的整改事项"}


class FeedbackFlowView(BaseView):
    """The feedback page's steps: 从巡察报告生成反馈事项, 签收 (one per signer)."""

    route_base = "/feedbackflow"
    class_permission_name = "FeedbackItem"
    method_permission_name = {"generate": WRITE}

    @expose("/generate/<pk>", methods=["GET", "POST"])
    @has_access
    def generate(self, pk):
        feedback = scoped(FEEDBACKS, pk)
        counts = {}

        def run(_form):
            counts["n"] = fb.generate_feedback_items(feedback.inspection)

        back = url_for("FeedbackView.show", pk=feedback.id)
        return _step(self, ConfirmForm(), run, title=f"从巡察报告生成反馈事项：{feedback.inspection}", back=back,
                     done="已生成反馈事项（已有的不重复生成），可逐项编辑", submit="生成",
                     intro="每个“发现的问题”生成一个反馈事项，对应的意见建议作为整改要求；已生成的问题不再重复。",
                     clause="五（一）巡察组根据巡察情况报告起草反馈意见")


class SignView(BaseView):
    route_base = "/feedbacksign"
    class_permission_name = "FeedbackSignature"
    method_permission_name = {"sign": WRITE}

    @expose("/<pk>/<int:n>", methods=["GET", "POST"])
    @has_access
    def sign(self, pk, n):
        feedback = scoped(FEEDBACKS, pk)
        if not 0 <= n < len(SIGNER_ROLES):
            abort(404)
        role = SIGNER_ROLES[n]
        form = SignForm()
        form.person.choices = _people(feedback.inspection)
        return _step(self, form, lambda f: fb.sign(feedback, role, _person(f.person.data), f.signed_on.data),
                     title=f"签收《巡察反馈签收单》：{role}", back=url_for("FeedbackView.show", pk=feedback.id),
                     done=f"{role}已签字", submit="签字", clause=SIGNING_CLAUSE)


class NewsFlowView(BaseView):
    route_base = "/newsflow"
    class_permission_name = "NewsRelease"
    method_permission_name = {"approve": WRITE, "publish": WRITE}

    @expose("/approve/<pk>/<who>", methods=["GET", "POST"])
    @has_access
    def approve(self, pk, who):
        news = scoped(NEWS, pk)
        return _step(self, DayForm(), lambda f: fb.approve_news(news, who, f.on.data), title=f"审定新闻稿（{'巡察组组长' if who == 'leader' else '巡察办'}）：{news.title}",
                     back=url_for("NewsReleaseView.show", pk=news.id), done="已审定", submit="审定")

    @expose("/publish/<pk>", methods=["GET", "POST"])
    @has_access
    def publish(self, pk):
        news = scoped(NEWS, pk)
        return _step(self, DayForm(), lambda f: fb.publish_news(news, f.on.data), title=f"发布新闻稿：{news.title}",
                     back=url_for("NewsReleaseView.show", pk=news.id), done="已发布", submit="发布",
                     clause="五（四）被巡察单位应严格遵照审定的新闻稿进行信息公布，不得随意增删内容。")


class RectificationFlowView(BaseView):
    """六（一） steps on the inspection's rectification: each sets the date its deadline (D7, D8, D9) reads."""

    route_base = "/rectificationflow"
    class_permission_name = "Rectification"
    method_permission_name = {"step": WRITE, "notice": WRITE}

    @expose("/<pk>/<step>", methods=["GET", "POST"])
    @has_access
    def step(self, pk, step):
        inspection = scoped(INSPECTIONS, pk)
        if step not in fb.RECTIFICATION_STEPS:
            abort(404)
        title, clause = fb.RECTIFICATION_STEPS[step]
        form = ConfirmForm() if step == "ledger" else LifeMeetingForm() if step == "life_meeting" else DayForm()
        return _step(self, form, lambda f: fb.rectification_step(
            inspection, step, getattr(getattr(f, "on", None), "data", None),
            getattr(getattr(f, "minutes", None), "data", None)),
            title=f"{title}：{inspection}", back=url_for("InspectionView.show", pk=inspection.id), done=f"已办理：{title}",
            clause=clause)

    @expose("/notice/<pk>")
    @has_access
    def notice(self, pk):
        inspection = scoped(INSPECTIONS, pk)
        try:
            with transaction():
                doc = fb.notice_document(inspection, g.user)
        except CommandError as exc:
            flash(exc.message, "danger")
            return redirect(url_for("InspectionView.show", pk=inspection.id))
        return send_document(doc)


class ReboundFlowView(BaseView):
    """七（二） the new inspection's check of each previous ledger row."""

    route_base = "/rebound"
    class_permission_name = "ReboundCheck"
    method_permission_name = {"check": WRITE, "round": READ}

    @expose("/check/<pk>/<int:item_id>", methods=["GET", "POST"])
    @has_access
    def check(self, pk, item_id):
        inspection = scoped(INSPECTIONS, pk)
        return _step(self, CheckForm(), lambda f: sup.record_check(
            inspection, item_id, f.result.data, f.note.data, g.user, open_new_row=bool(f.open_new_row.data)),
            title=f"整改落实情况检查（回头看）：{inspection}", back=url_for("InspectionView.show", pk=inspection.id),
            done="已记录检查结果", submit="记录",
            clause="七（二）巡察组对被巡察单位开展新一轮巡察，应当首先对上一轮巡察整改落实情况进行监督检查。")

    @expose("/round/<int:round_id>")
    @has_access
    def round(self, round_id):
        """The round's inspections (in the reader's scope), each with the unit's previous ledger and its checks."""
        rnd = db.session.get(Round, round_id)
        inspections = list(INSPECTIONS.session.scalars(INSPECTIONS.scoped(
            sa.select(Inspection).where(Inspection.round_id == round_id).order_by(Inspection.id)))) if rnd else []
        if not inspections:
            abort(404)
        panels = [(i, sup.previous_with_checks(i)) for i in inspections]
        return self.render_template("xct/rebound_round.html", round=rnd, panels=panels,
                                    title=f"{rnd.name}：上一轮巡察整改落实情况")


# ---------------------------------------------------------------------------------------------- REST


class FeedbackItemApi(XctModelRestApi):
    resource_name = "feedback_item"
    resource = FEEDBACK_ITEM
    list_columns = ["id", "inspection.id", "finding.id", "seq", "problem"]
    show_columns = list_columns + ["requirement", "recommendations.id"] + STAMPS
    label_columns = {"recommendations.id": "意见建议编号"}
    method_permission_name = {**XctModelRestApi.method_permission_name, "generate": WRITE}

    @expose("/generate/<int:feedback_id>", methods=["POST"])
    @protect()
    @safe
    def generate(self, feedback_id):
        feedback = FEEDBACKS.get(feedback_id)
        if feedback is None:
            return self.response_404()
        return self.run_command(lambda: {"result": {"added": fb.generate_feedback_items(feedback.inspection)}})


class MeetingAttendeeApi(XctModelRestApi):
    resource_name = "meeting_attendee"
    resource = MEETING_ATTENDEE
    list_columns = ["id", "meeting.id", "person.id", "person.name", "role", "note"]
    show_columns = list_columns + STAMPS


class ReboundCheckApi(XctModelRestApi):
    resource_name = "rebound_check"
    resource = REBOUND_CHECK
    include_route_methods = {"get", "get_list", "info", "check", "previous"}
    list_columns = ["id", "inspection.id", "previous_item.id", "result", "checked_on", "checked_by.name",
                    "new_item.id"]
    show_columns = list_columns + ["note"] + STAMPS
    method_permission_name = {**XctModelRestApi.method_permission_name, "check": WRITE, "previous": READ}

    @expose("/previous/<int:inspection_id>", methods=["GET"])
    @protect()
    @safe
    def previous(self, inspection_id):
        """The unit's previous inspection and its ledger, each row with its evidence and this inspection's check."""
        inspection = INSPECTIONS.get(inspection_id)
        if inspection is None:
            return self.response_404()
        data = sup.previous_with_checks(inspection)
        prev = data["previous"]
        return self.response(200, result={
            "previous_inspection": prev and {"id": prev.id, "round": prev.round.name, "unit": prev.unit.name},
            "items": [{"id": i.id, "seq": i.seq, "problem": i.problem, "task": i.task, "status": i.status,
                       "reviewed_on": i.reviewed_on and i.reviewed_on.isoformat(),
                       "evidence": [{"id": d.id, "original_name": d.original_name} for d in i.evidence],
                       "check": (c := data["checks"].get(i.id)) and {"id": c.id, "result": c.result, "note": c.note}}
                      for i in data["items"]]})

    @expose("/check/<int:inspection_id>", methods=["POST"])
    @protect()
    @safe
    def check(self, inspection_id):
        """JSON {previous_item, result (已巩固/反弹), note, open_new_row}."""
        inspection = INSPECTIONS.get(inspection_id)
        if inspection is None:
            return self.response_404()

        def run():
            body = self.json_body()
            check = sup.record_check(inspection, body.get("previous_item"), body.get("result"), body.get("note"),
                                     g.user, open_new_row=bool(body.get("open_new_row")))
            db.session.flush()
            return {"id": check.id, "result": {"result": check.result, "previous_status": check.previous_item.status,
                                               "new_item": check.new_item_id}}
        return self.run_command(run, 201)


class FeedbackFlowApi:
    """/api/v1/feedback/<id>/sign and /<id>/check (mixed into FeedbackApi)."""

    @expose("/<int:pk>/sign", methods=["POST"])
    @protect()
    @safe
    def sign(self, pk):
        """JSON {signer_role, person, signed_on}: one signature of the 签收单; the third sets feedback_date."""
        feedback = self.datamodel.get(pk)
        if feedback is None:
            return self.response_404()

        def run():
            body = self.json_body()
            row = fb.sign(feedback, body.get("signer_role"), _person(body.get("person")),
                body_day(body, "signed_on", "签字日期"))
            day = feedback.inspection.feedback_date
            return {"result": {"signer_role": row.signer_role, "feedback_date": day and day.isoformat(),
                               "missing": fb.signature_problems(fb.signatures_of(feedback))}}
        return self.run_command(run)

    @expose("/<int:pk>/check", methods=["GET"])
    @protect()
    @safe
    def check(self, pk):
        """The sessions' order and attendance, and the 签收单 (app.rules.feedback)."""
        feedback = self.datamodel.get(pk)
        if feedback is None:
            return self.response_404()
        page = fb.feedback_page(feedback.inspection)
        return self.response(200, result={"sessions": page["session_problems"],
                                          "signatures": page["signature_problems"]})


class NewsFlowApi:
    """/api/v1/news_release/<id>/approve and /<id>/publish (mixed into NewsReleaseApi)."""

    @expose("/<int:pk>/approve", methods=["POST"])
    @protect()
    @safe
    def approve(self, pk):
        news = self.datamodel.get(pk)
        if news is None:
            return self.response_404()

        def run():
            body = self.json_body()
            fb.approve_news(news, body.get("who"), body_day(body, "on", "审定日期"))
            return {"result": {"leader_approved_on": news.leader_approved_on and news.leader_approved_on.isoformat(),
                               "office_approved_on": news.office_approved_on and news.office_approved_on.isoformat()}}
        return self.run_command(run)

    @expose("/<int:pk>/publish", methods=["POST"])
    @protect()
    @safe
    def publish(self, pk):
        news = self.datamodel.get(pk)
        if news is None:
            return self.response_404()

        def run():
            fb.publish_news(news, body_day(self.json_body(), "on", "发布日期"))
            return {"result": {"published_on": news.published_on.isoformat()}}
        return self.run_command(run)


class RectificationFlowApi:
    """/api/v1/rectification/steps/<inspection_id>/<step> and /notice/<inspection_id> (mixed into RectificationApi)."""

    @expose("/steps/<int:inspection_id>/<step>", methods=["POST"])
    @protect()
    @safe
    def step(self, inspection_id, step):
        """JSON {on, minutes}: step is ledger, life_meeting, plan, report or approve."""
        inspection = INSPECTIONS.get(inspection_id)
        if inspection is None:
            return self.response_404()

        def run():
            body = self.json_body()
            return {"result": fb.rectification_step(inspection, step, body_day(body, "on", "日期"),
                                                    body.get("minutes"))}
        return self.run_command(run)

    @expose("/notice/<int:inspection_id>", methods=["GET"])
    @protect()
    @safe
    def notice(self, inspection_id):
        inspection = INSPECTIONS.get(inspection_id)
        if inspection is None:
            return self.response_404()
        try:
            with transaction():
                doc = fb.notice_document(inspection, g.user)
        except CommandError as exc:
            return self.command_error(exc)
        return send_document(doc)


SCREENS = [
    (FeedbackItemView, "反馈事项", FEEDBACK, "fa-list-ol"),
    (ReboundCheckView, "回头看检查", SUPERVISION, "fa-undo"),
]
HIDDEN = [MeetingAttendeeView, FeedbackFlowView, SignView, NewsFlowView, RectificationFlowView, ReboundFlowView]
APIS = [FeedbackItemApi, MeetingAttendeeApi, ReboundCheckApi]
