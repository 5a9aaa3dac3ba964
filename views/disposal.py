"""六（二）（三） 分类处置 on screens and in the API: a clue's steps (propose, review, decide, package, close), the
transfer (build, check, send) and the receiving department's side (签收, 办理, 报告).

The step endpoints the clue, petition, submission and transfer APIs add are in views/disposal_api.py.
Every step is one use case of app.commands.clues; these views only gather the input, find the row through the
caller's scope (a row outside it is a 404) and say the result in Chinese.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.api import safe
from flask_appbuilder.fieldwidgets import DatePickerWidget
from flask_appbuilder.security.decorators import protect
from flask_wtf import FlaskForm
from wtforms import DateField, FileField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.commands import CommandError
from app.commands import clues as flow
from app.commands.rectification import full_name
from app.commands.routing import route_clue
from app.commands.status import open_moves
from app.errors import NotFound
from app.extensions import db
from app.permissions import WRITE
from app.rules.transfer import missing_items
from app.uow import transaction
from schema import Clue, Petition, StatusEvent, Submission, Transfer, Unit
from schema.base import INT_MAX
from schema.enums import DISPOSALS, EXHIBIT_KINDS, TRANSFER_HANDLING

from .base import Resource, XctModelRestApi, XctModelView, XctSQLAInterface, uploaded

CLUES = XctSQLAInterface(Clue)
PETITIONS = XctSQLAInterface(Petition)
SUBMISSIONS = XctSQLAInterface(Submission)
TRANSFERS = XctSQLAInterface(Transfer)


def scoped(interface: XctSQLAInterface, pk):
    """The row through the caller's scope, or a 404 (API.md: outside the scope is not found)."""
    row = interface.get(pk) if str(pk).isdigit() and int(pk) <= INT_MAX else None
    if row is None:
        abort(404)
    return row


def _ids(raw) -> list[int]:
    values = raw if isinstance(raw, list) else str(raw or "").split(",")
    out = []
    for v in values:
        if isinstance(v, bool) or not str(v).strip().isdigit() or int(v) > INT_MAX:
            raise CommandError(f"线索编号「{v}」无效", "clues")
        out.append(int(v))
    return out


def scoped_clues(raw) -> list[Clue]:
    ids = _ids(raw)
    found = {c.id: c for c in (CLUES.get(i) for i in ids) if c is not None}
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise NotFound(f"问题线索（id {'、'.join(missing)}）不存在或无权查看", "clues")
    return [found[i] for i in ids]


def receiving_choices():
    units = db.session.scalars(sa.select(Unit).where(Unit.is_receiving.is_(True)).order_by(Unit.name))
    return [("", "（按规则）")] + [(str(u.id), u.name) for u in units]


def _int_or_none(value):
    return int(value) if value not in (None, "") else None


# ---------------------------------------------------------------------------------------------- forms


class ProposeForm(FlaskForm):
    disposal = SelectField("处置方式", choices=[(d, d) for d in DISPOSALS])
    department = SelectField("接收部门", coerce=_int_or_none, validators=[Optional()],
                             description="移送类线索的接收部门；留空按规则。整改类、处理意见交被巡察党组织。")
    reason = TextAreaField("不按规则处置的理由", validators=[Length(max=500)])


class ReviewForm(FlaskForm):
    outcome = RadioField("审核意见", choices=[("approve", "审核通过"), ("return", "退回巡察组修改")],
                         default="approve", validators=[DataRequired()])
    note = TextAreaField("说明（退回时必填）", validators=[Length(max=500)])


class DecideForm(FlaskForm):
    decision_on = DateField("党委决定日期", widget=DatePickerWidget(), validators=[DataRequired("请填写党委决定日期")])
    decision_meeting = StringField("决定会议", validators=[DataRequired("请填写决定会议"), Length(max=100)],
                                   description="如：党委常委会2026年第12次会议")
    decision = TextAreaField("决定内容", validators=[DataRequired("请填写决定内容"), Length(max=500)],
                             default="同意巡察组分类处置意见")


class NoteForm(FlaskForm):
    note = TextAreaField("说明", validators=[DataRequired("请填写说明"), Length(max=500)])


class ExhibitForm(FlaskForm):
    kind = SelectField("材料类别", choices=[(k, k) for k in EXHIBIT_KINDS])
    file = FileField("材料文件")
    absent_reason = StringField("缺少原因（无文件时必填）", validators=[Length(max=300)])
    note = StringField("备注", validators=[Length(max=300)])


class SendForm(FlaskForm):
    transferred_on = DateField("移送日期", widget=DatePickerWidget(), default=date.today,
                               validators=[DataRequired("请填写移送日期")])
    doc_no = StringField("文号", validators=[Length(max=50)], description="如：校巡移〔2026〕8号")
    handed_by = StringField("移交人", validators=[Length(max=50)])


class AcknowledgeForm(FlaskForm):
    received_on = DateField("签收日期", widget=DatePickerWidget(), default=date.today,
                            validators=[DataRequired("请填写签收日期")])
    received_by = StringField("接收人", validators=[Length(max=50)])


class HandlingForm(FlaskForm):
    handling = SelectField("办理方式", choices=[(h, h) for h in TRANSFER_HANDLING])
    result = TextAreaField("办理结果", validators=[Length(max=5000)])


class UploadForm(FlaskForm):
    file = FileField("文件", description="来信、扫描件、记录等（PDF、Word、Excel、图片、文本）")


class SubmissionReportForm(FlaskForm):
    reported_on = DateField("工作情况报领导小组日期", widget=DatePickerWidget(), default=date.today,
                            validators=[DataRequired("请填写报告日期")])
    result = TextAreaField("办理结果", validators=[DataRequired("请填写办理结果"), Length(max=5000)])


class ReportForm(FlaskForm):
    reported_on = DateField("报告领导小组日期", widget=DatePickerWidget(), default=date.today,
                            validators=[DataRequired("请填写报告日期")])


def _step(view: BaseView, form: FlaskForm, run, *, title: str, back: str, done: str, **page):
    """GET shows the form; a valid POST runs the use case in one transaction and goes back with its result."""
    if request.method == "POST" and form.validate_on_submit():
        try:
            with transaction():
                run(form)
        except CommandError as exc:
            flash(exc.message, "danger")
        else:
            flash(done, "success")
            return redirect(back)
    elif request.method == "POST":
        flash("；".join(f"{form[name].label.text}：{'、'.join(errors)}" for name, errors in form.errors.items()),
              "danger")
    return view.render_template("xct/flow_form.html", form=form, title=title, back=back, **page)


# ---------------------------------------------------------------------------------------------- screens


class ClueFlowView(BaseView):
    """The steps of one clue; the buttons on its page come from the transition rows open to the reader."""

    route_base = "/clueflow"
    class_permission_name = "Clue"
    method_permission_name = {name: WRITE for name in ("propose", "review", "decide", "close", "exhibit")}

    @staticmethod
    def back(clue) -> str:
        return url_for("ClueView.show", pk=clue.id)

    @expose("/propose/<pk>", methods=["GET", "POST"])
    @has_access
    def propose(self, pk):
        clue = scoped(CLUES, pk)
        route = route_clue(clue)
        form = ProposeForm(disposal=clue.disposal or route.disposal or "移送类")
        form.department.choices = receiving_choices()
        return _step(self, form, lambda f: flow.propose(
            clue, g.user, disposal=f.disposal.data, department_id=f.department.data, reason=f.reason.data),
            title=f"提出处置意见：线索 {flow.label(clue)}", back=self.back(clue), done="已提出处置意见，待巡察办审核",
            intro=f"规则建议：{route.department_name}（{route.disposal or '移送类'}）。与规则不一致时须说明理由。")

    @expose("/review/<pk>", methods=["GET", "POST"])
    @has_access
    def review(self, pk):
        clue = scoped(CLUES, pk)
        return _step(self, ReviewForm(), lambda f: flow.review(
            clue, g.user, approve=f.outcome.data == "approve", note=f.note.data),
            title=f"巡察办审核：线索 {flow.label(clue)}", back=self.back(clue), done="已审核",
            intro=f"巡察组意见：{clue.disposal or '未定'}，{clue.department or '（未定部门）'}。"
                  + (f"理由：{clue.proposal_reason}" if clue.proposal_reason else ""))

    @expose("/decide", methods=["GET", "POST"])
    @has_access
    def decide(self):
        try:
            clues = scoped_clues(request.args.get("ids"))
        except CommandError:
            abort(404)
        back = url_for("ClueView.list")
        return _step(self, DecideForm(), lambda f: flow.decide(
            clues, g.user, on=f.decision_on.data, meeting=f.decision_meeting.data, decision=f.decision.data),
            title=f"记录学校党委分类处置的决定（{len(clues)} 条线索）", back=back, done="已记录党委决定",
            intro="；".join(f"{flow.label(c)}：{c.disposal or '未定'}→{c.department or '学校党委'}" for c in clues))

    @expose("/close/<pk>", methods=["GET", "POST"])
    @has_access
    def close(self, pk):
        clue = scoped(CLUES, pk)
        return _step(self, NoteForm(), lambda f: flow.close(clue, g.user, f.note.data),
                     title=f"办结：线索 {flow.label(clue)}", back=self.back(clue), done="已办结")

    @expose("/exhibit/<pk>", methods=["GET", "POST"])
    @has_access
    def exhibit(self, pk):
        clue = scoped(CLUES, pk)

        def run(f):
            data, filename = uploaded()
            flow.add_exhibit(clue, g.user, kind=f.kind.data, data=data, filename=filename,
                             absent_reason=f.absent_reason.data, note=f.note.data)

        return _step(self, ExhibitForm(), run, title=f"添加移送材料：线索 {flow.label(clue)}", back=self.back(clue),
                     done="已添加移送材料", intro="移送材料须包括信访材料、谈话摘录、证明材料、专题报告；"
                     "没有的，说明缺少原因（规程六（二）2）。")


def clue_page(clue: Clue) -> dict:
    """What the clue's page shows beside its fields: the proposal, the open steps, the package, the history."""
    moves = [(action, url_for("ClueFlowView.decide", ids=clue.id) if step == "decide"
              else url_for(f"ClueFlowView.{step}", pk=clue.id)) for action, step in flow.clue_steps(clue, g.user)]
    events = db.session.scalars(sa.select(StatusEvent).where(
        StatusEvent.entity == "clue", StatusEvent.entity_id == clue.id).order_by(StatusEvent.at)).all()
    return {"status": clue.status, "route": route_clue(clue), "moves": moves, "exhibits": clue.exhibits,
            "missing": missing_items(flow.package_of(clue)), "events": events,
            "exhibit_url": url_for("ClueFlowView.exhibit", pk=clue.id) if flow.exhibit_refusal(clue) is None else None}


class TransferFlowView(BaseView):
    """巡察办 hands a batch over once its package is complete."""

    route_base = "/transferflow"
    class_permission_name = "Transfer"
    method_permission_name = {"send": WRITE}

    @expose("/send/<pk>", methods=["GET", "POST"])
    @has_access
    def send(self, pk):
        transfer = scoped(TRANSFERS, pk)
        form = SendForm(doc_no=transfer.doc_no, handed_by=transfer.handed_by or full_name(g.user))
        return _step(self, form, lambda f: flow.send(
            transfer, g.user, on=f.transferred_on.data, doc_no=f.doc_no.data, handed_by=f.handed_by.data),
            title=f"移送：{transfer.department}（{len(transfer.clues)} 条线索）",
            back=url_for("TransferView.show", pk=transfer.id), done="已移送；移送问题线索清单已存入巡察办文书",
            problems=flow.transfer_problems(transfer) if transfer.transferred_on is None else ["该批次已移送"],
            clause="移送的问题线索要目录清晰、内容完整、建议明确、材料齐全、手续完备。（规程六（二）2）")


TRANSFER = Resource(Transfer, {"result": "办理结果", "reported_on": "办理情况报领导小组日期"})


class TransferReceiptView(XctModelView):
    """The receiving department's side: only batches sent to it (app.scope), 签收 starts its 3 months (D10)."""

    resource = TRANSFER
    class_permission_name = "TransferReceipt"
    method_permission_name = {**XctModelView.method_permission_name, "acknowledge": WRITE, "handle": WRITE,
                              "report": WRITE}
    include_route_methods = {"list", "show", "acknowledge", "handle", "report"}
    list_title = "接收的移送线索"
    base_order = ("transferred_on", "desc")
    list_columns = ["department", "doc_no", "transferred_on", "received_on", "handling", "reported_on", "stage"]
    show_columns = ["department", "doc_no", "transferred_on", "handed_by", "received_on", "received_by", "clues",
                    "handling", "result", "reported_on", "stage"]
    search_columns = ["department", "doc_no", "transferred_on", "received_on", "handling", "reported_on"]
    order_columns = ["doc_no", "transferred_on", "received_on", "reported_on"]
    label_columns = {"clues": "移送线索", "stage": "进度"}
    show_template = "xct/receipt_show.html"

    def back(self, transfer) -> str:
        return url_for("TransferReceiptView.show", pk=transfer.id)

    def render_template(self, template, **kwargs):
        if template == self.show_template and kwargs.get("pk") is not None:
            kwargs["transfer"] = self.datamodel.get(int(kwargs["pk"]))  # its stage decides the buttons offered
        return super().render_template(template, **kwargs)

    @expose("/acknowledge/<pk>", methods=["GET", "POST"])
    @has_access
    def acknowledge(self, pk):
        transfer = scoped(self.datamodel, pk)
        form = AcknowledgeForm(received_by=full_name(g.user))
        return _step(self, form, lambda f: flow.acknowledge(transfer, g.user, on=f.received_on.data,
                                                            received_by=f.received_by.data),
                     title=f"签收：{transfer.doc_no or transfer}", back=self.back(transfer),
                     done="已签收；办理期限（3个月）自签收之日起计算",
                     clause="纪委监察室、组织部等相关单位（部门）应优先办理巡察移送的问题线索，并于接收之日起3个月内将办理情况报领导小组。")

    @expose("/handle/<pk>", methods=["GET", "POST"])
    @has_access
    def handle(self, pk):
        transfer = scoped(self.datamodel, pk)
        form = HandlingForm(handling=transfer.handling, result=transfer.result)
        return _step(self, form, lambda f: flow.record_handling(transfer, g.user, handling=f.handling.data,
                                                                result=f.result.data),
                     title=f"办理情况：{transfer.doc_no or transfer}", back=self.back(transfer), done="已保存办理情况")

    @expose("/report/<pk>", methods=["GET", "POST"])
    @has_access
    def report(self, pk):
        transfer = scoped(self.datamodel, pk)
        return _step(self, ReportForm(), lambda f: flow.report_back(transfer, g.user, on=f.reported_on.data),
                     title=f"办理情况报领导小组：{transfer.doc_no or transfer}", back=self.back(transfer),
                     done="已报告；相关线索已办结")


class PetitionFlowView(BaseView):
    """A petition's files (附件11 登记) and the clue raised from it."""

    route_base = "/petitionflow"
    class_permission_name = "Petition"
    method_permission_name = {"attach": WRITE}

    @expose("/attach/<pk>", methods=["GET", "POST"])
    @has_access
    def attach(self, pk):
        petition = scoped(PETITIONS, pk)

        def run(_form):
            data, filename = uploaded()
            flow.attach_to_petition(petition, g.user, data=data, filename=filename)

        return _step(self, UploadForm(), run, title=f"上传信访材料：{petition.code or petition.id}",
                     back=url_for("PetitionView.show", pk=petition.id), done="已上传信访材料")


class SubmissionFlowView(BaseView):
    """提交类 follow-up by 党委办公室 (七（三）): 开始办理, then the 工作情况 to the leading group (D11)."""

    route_base = "/submissionflow"
    class_permission_name = "Submission"
    method_permission_name = {"start": WRITE, "report": WRITE}

    @expose("/start/<pk>", methods=["GET", "POST"])
    @has_access
    def start(self, pk):
        sub = scoped(SUBMISSIONS, pk)
        return _step(self, NoteForm(), lambda f: flow.start_submission(sub, g.user, f.note.data),
                     title=f"开始办理：{sub.title}", back=url_for("SubmissionView.show", pk=sub.id), done="已开始办理")

    @expose("/report/<pk>", methods=["GET", "POST"])
    @has_access
    def report(self, pk):
        sub = scoped(SUBMISSIONS, pk)
        return _step(self, SubmissionReportForm(), lambda f: flow.report_submission(
            sub, g.user, on=f.reported_on.data, result=f.result.data), title=f"报告工作情况：{sub.title}",
            back=url_for("SubmissionView.show", pk=sub.id), done="已报告领导小组",
            clause="相关职能部门……于接收之日起3个月内将工作情况报领导小组。（规程六（三））")


def submission_moves(sub: Submission) -> list[tuple[str, str]]:
    """The buttons of a submission's page: the transition rows open to the reader."""
    urls = {"办理中": "SubmissionFlowView.start", "已报告": "SubmissionFlowView.report"}
    return [(t.action, url_for(urls[t.to_status], pk=sub.id)) for t in open_moves(sub, g.user) if t.to_status in urls]


# ---------------------------------------------------------------------------------------------- REST


class TransferReceiptApi(XctModelRestApi):
    """The receiving department's side in the API: its batches, 签收, 办理情况, 报告."""

    resource_name = "transfer_receipt"
    resource = TRANSFER
    class_permission_name = "TransferReceipt"
    method_permission_name = {**XctModelRestApi.method_permission_name, "acknowledge": WRITE, "handle": WRITE,
                              "report": WRITE}
    include_route_methods = {"get", "get_list", "info", "acknowledge", "handle", "report"}
    list_columns = ["id", "department.id", "department.name", "doc_no", "transferred_on", "received_on",
                    "handling", "reported_on", "clues.id"]
    show_columns = list_columns + ["handed_by", "received_by", "result"]
    label_columns = {"clues.id": "移送线索编号"}

    def _do(self, pk, step):
        transfer = self.datamodel.get(pk)
        if transfer is None:
            return self.response_404()

        def run():
            step(transfer, self.json_body())
            return {"result": {"stage": transfer.stage, "received_on": transfer.received_on and
                               transfer.received_on.isoformat(), "reported_on": transfer.reported_on and
                               transfer.reported_on.isoformat()}}
        return self.run_command(run)

    @expose("/<int:pk>/acknowledge", methods=["POST"])
    @protect()
    @safe
    def acknowledge(self, pk):
        return self._do(pk, lambda t, b: flow.acknowledge(t, g.user, on=b.get("received_on"),
                                                          received_by=b.get("received_by")))

    @expose("/<int:pk>/handle", methods=["POST"])
    @protect()
    @safe
    def handle(self, pk):
        return self._do(pk, lambda t, b: flow.record_handling(t, g.user, handling=b.get("handling"),
                                                              result=b.get("result")))

    @expose("/<int:pk>/report", methods=["POST"])
    @protect()
    @safe
    def report(self, pk):
        return self._do(pk, lambda t, b: flow.report_back(t, g.user, on=b.get("reported_on")))


SCREENS = [(TransferReceiptView, "接收的移送线索", "六、成果运用", "fa-inbox")]
HIDDEN = [ClueFlowView, TransferFlowView, PetitionFlowView, SubmissionFlowView]
APIS = [TransferReceiptApi]
