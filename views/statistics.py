"""九、成果共享: 巡察数据统计 (figures, repeat flags, Excel), 巡察工作年度报告, 巡察情况通报; 系统设置: 重复问题规则.

The figures are app.stats', through the caller's scope: a team sees its own inspections only; the unit liaison and
receiving departments have no such screen (app.permissions).
"""

from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.actions import action
from flask_appbuilder.api import BaseApi, safe
from flask_appbuilder.security.decorators import protect

from app import stats
from app.commands import CommandError
from app.commands.statistics import (
    YEARS,
    bulletin_write_problem,
    draft_blank,
    issue_bulletin,
    repeat_rule_problem,
    submit_repeat,
)
from app.errors import BadRequest
from app.exports.statistics import annual_docx, workbook
from app.extensions import db
from app.messages import JSON_BODY_REQUIRED
from app.permissions import READ, WRITE
from app.uow import transaction
from schema import Bulletin, RepeatRule
from schema.base import INT_MAX
from schema.enums import REPEAT_FIELDS, REPEAT_SCOPES

from .archive import file_response, send_document
from .base import XctModelRestApi, XctModelView, XctSQLAInterface
from .fields import choice_field

CATEGORY = "九、成果共享"


def _bad(message: str, field: str) -> CommandError:
    return BadRequest(message, field)


def _int_arg(name: str, label: str, low: int = 1, high: int = INT_MAX) -> int | None:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise _bad(f"{label}须为 {low}～{high} 的整数，收到「{raw[:20]}」", name)
    return int(raw)


def selection() -> dict:
    """year / round of the request's arguments (CommandError 400 when malformed)."""
    return {"year": _int_arg("year", "年度", *YEARS), "round_id": _int_arg("round_id", "轮次")}


def flag_dict(f) -> dict:
    return {"scope": f.scope, "field": f.field, "value": f.value, "threshold": f.threshold, "subject": f.subject,
            "subject_id": f.subject_id, "places": list(f.places), "inspections": list(f.inspection_ids),
            "count": f.count, "text": f.text}


def page_data(sel: dict) -> dict:
    tables = {by: stats.figures(by, **sel) for by in ("round", "team", "unit")}
    return {
        "total": stats.total(**sel), "tables": tables, "labels": stats.MEASURE_LABELS,
        "dimension_labels": stats.DIMENSION_LABELS,
        "aspects": stats.breakdown_table("round", "aspect", **sel),
        "categories": stats.breakdown_table("round", "category", **sel),
        "flags": stats.flags(**sel),
    }


def _sm():
    return current_app.appbuilder.sm


def _may_submit() -> bool:
    """A 提交类 from a flag is a write of the statistics and of a submission (巡察办)."""
    return _sm().has_access("can_write", "Statistics") and _sm().has_access("can_write", "Submission")


def repeat_panel(inspection) -> dict:
    """The inspection page's panel 重复出现的问题, for whoever may read the statistics."""
    if inspection is None or not _sm().has_access("can_read", "Statistics"):
        return {}
    return {"repeat_flags": stats.inspection_flags(inspection), "may_submit": _may_submit()}


class StatisticsView(BaseView):
    """巡察数据统计: choose a year or a round; tables by round, team, unit, aspect and category; repeat flags."""

    route_base = "/statistics"
    default_view = "index"
    class_permission_name = "Statistics"
    method_permission_name = {"index": READ, "export": READ, "annual": READ, "annual_docx": READ, "submit": WRITE}

    def _selection(self):
        try:
            return selection()
        except CommandError as exc:
            flash(exc.message, "danger")
            return {"year": None, "round_id": None}

    @expose("/")
    @has_access
    def index(self):
        sel = self._selection()
        return self.render_template(
            "xct/statistics.html", sel=sel, years=stats.years(), rounds=stats.rounds_of(sel["year"]),
            may_submit=_may_submit(), **page_data(sel))

    @expose("/export")
    @has_access
    def export(self):
        """The screen as a workbook (bold frozen headers, one sheet per table)."""
        sel = self._selection()
        name = f"巡察数据统计（{sel['year'] or '全部年度'}）.xlsx"
        return file_response(workbook(**sel), name)

    @expose("/annual/<int:year>")
    @has_access
    def annual(self, year):
        if not YEARS[0] <= year <= YEARS[1]:
            abort(404)
        return self.render_template("xct/annual.html", year=year, data=stats.annual(year),
                                    labels=stats.MEASURE_LABELS)

    @expose("/annual/<int:year>/docx")
    @has_access
    def annual_docx(self, year):
        if not YEARS[0] <= year <= YEARS[1]:
            abort(404)
        return file_response(annual_docx(stats.annual(year)), f"{year}年巡察工作年度报告（草稿）.docx")

    @expose("/submit", methods=["POST"])
    @has_access
    def submit(self):
        """作为提交类事项报学校党委: a flag (b) of a round becomes a Submission (once)."""
        back = request.referrer if (request.referrer or "").startswith(request.host_url) else url_for(
            "StatisticsView.index")
        if not _may_submit():
            abort(403)
        try:
            round_id = int(request.form.get("round_id", ""))
        except ValueError:
            flash("轮次须为轮次编号（整数）", "danger")
            return redirect(back)
        try:
            with transaction():
                sub, created = submit_repeat(round_id, request.form.get("field"), request.form.get("value"), g.user)
        except CommandError as exc:
            flash(exc.message, "danger")
            return redirect(back)
        flash("已作为提交类事项报学校党委" if created else "该问题此前已作为提交类事项报送，未重复创建", "success")
        return redirect(url_for("SubmissionView.show", pk=sub.id))


class StatisticsApi(BaseApi):
    """/api/v1/statistics/: the figures, the flags, the annual report's data set, 提交类 from a flag."""

    resource_name = "statistics"
    class_permission_name = "Statistics"
    method_permission_name = {"figures": READ, "annual": READ, "submit": WRITE}
    allow_browser_login = True

    def _error(self, exc: CommandError):
        db.session.rollback()
        return self.response(exc.status, message=exc.message, **({"errors": {exc.field: [exc.message]}}
                                                                  if exc.field else {}))

    @expose("/figures", methods=["GET"])
    @protect()
    @safe
    def figures(self):
        """?year=&round_id=&by=total|inspection|round|team|unit"""
        try:
            sel = selection()
            by = request.args.get("by") or "total"
            if by not in stats.DIMENSIONS:
                raise _bad(f"分组 by 须为 {'、'.join(stats.DIMENSIONS)} 之一，收到「{by[:20]}」", "by")
        except CommandError as exc:
            return self._error(exc)
        return self.response(200, result=[g.as_dict() for g in stats.figures(by, **sel)],
                             labels=stats.MEASURE_LABELS, flags=[flag_dict(f) for f in stats.flags(**sel)])

    @expose("/annual/<int:year>", methods=["GET"])
    @protect()
    @safe
    def annual(self, year):
        """九（三）巡察工作年度报告's data set of one year."""
        if not YEARS[0] <= year <= YEARS[1]:
            return self.response_404()
        return self.response(200, result=stats.annual(year))

    @expose("/submission", methods=["POST"])
    @protect()
    @safe
    def submit(self):
        """{"round_id", "field": 问题方面|线索类别, "value"}: 201 with the new Submission, 200 if it was made before."""
        body = request.get_json(silent=True) if request.is_json else None
        try:
            if not isinstance(body, dict):
                raise _bad(JSON_BODY_REQUIRED, "body")
            if not _sm().has_access("can_write", "Submission"):
                return self.response_403()
            with transaction():
                sub, created = submit_repeat(body.get("round_id"), body.get("field"), body.get("value"), g.user)
        except CommandError as exc:
            return self._error(exc)
        return self.response(201 if created else 200, id=sub.id, created=created,
                             result={"title": sub.title, "summary": sub.summary, "status": sub.status})


# ---------------------------------------------------------------- 巡察情况通报 (九（一）)


class BulletinMixin:
    datamodel = XctSQLAInterface(Bulletin)
    label_columns = {"issued_on": "印发日期", "recipients": "接收单位", "round": "轮次（不选为全年）",
                     "content": "通报内容（留空则按统计数据和主要问题起草）", "document": "通报文书", "period": "通报期间"}
    item_rule = staticmethod(bulletin_write_problem)

    def pre_add(self, item):
        super().pre_add(item)  # the step-owned fields, then the record rule; a blank content is drafted after
        draft_blank(item)

    def pre_update(self, item):
        super().pre_update(item)
        draft_blank(item)


class BulletinView(BulletinMixin, XctModelView):
    list_columns = ["title", "period", "issued_on"]
    show_columns = ["title", "year", "round", "recipients", "content", "issued_on", "document", "created_at"]
    add_columns = edit_columns = ["title", "year", "round", "recipients", "content"]
    search_columns = ["title", "year", "round", "issued_on"]
    order_columns = ["title", "year", "issued_on"]
    method_permission_name = {**XctModelView.method_permission_name, "document": READ, "issue": WRITE}

    @action("issue", "印发", "印发所选通报？接收单位的用户将收到站内通知。", "fa-paper-plane")
    def issue(self, items):
        items = items if isinstance(items, list) else [items]
        try:
            with transaction():
                for item in items:
                    issue_bulletin(item, g.user)
            flash(f"已印发 {len(items)} 份通报，已通知接收单位并存入文书", "success")
        except CommandError as exc:
            flash(exc.message, "danger")
        return redirect(url_for("BulletinView.list"))

    @expose("/document/<int:pk>")
    @has_access
    def document(self, pk):
        item = self.datamodel.get(pk)
        return send_document(item.document if item is not None else None)


class BulletinApi(BulletinMixin, XctModelRestApi):
    resource_name = "bulletin"
    list_columns = ["id", "title", "year", "round.id", "round.name", "issued_on", "document.id"]
    show_columns = ["id", "title", "year", "round.id", "round.name", "recipients.id", "recipients.name", "content",
                    "issued_on", "document.id"]
    add_columns = edit_columns = ["title", "year", "round", "recipients", "content"]
    method_permission_name = {**XctModelRestApi.method_permission_name, "issue": WRITE}

    @expose("/<int:pk>/issue", methods=["POST"])
    @protect()
    @safe
    def issue(self, pk):
        """印发: notifies the recipients' users and files the Word document."""
        item = self.datamodel.get(pk)
        if item is None:
            return self.response_404()

        def run():
            issue_bulletin(item, g.user)
            db.session.flush()
            return {"id": item.id, "result": {"issued_on": item.issued_on.isoformat(), "document": item.document_id}}
        return self.run_command(run)


# ---------------------------------------------------------------- 重复问题规则 (系统设置)


class RepeatRuleMixin:
    datamodel = XctSQLAInterface(RepeatRule)
    label_columns = {"scope": "重复范围", "field": "依据", "threshold": "标准（轮次数或单位数，不少于）"}
    item_rule = staticmethod(repeat_rule_problem)


class RepeatRuleView(RepeatRuleMixin, XctModelView):
    list_columns = ["scope", "field", "threshold", "is_active"]
    show_columns = ["scope", "field", "threshold", "is_active", "clause"]
    add_columns = edit_columns = ["scope", "field", "threshold", "is_active", "clause"]
    search_columns = ["scope", "field", "is_active"]
    order_columns = ["scope", "field", "threshold"]
    search_form_extra_fields = add_form_extra_fields = edit_form_extra_fields = {
        "scope": choice_field("重复范围", list(REPEAT_SCOPES)), "field": choice_field("依据", list(REPEAT_FIELDS))}


class RepeatRuleApi(RepeatRuleMixin, XctModelRestApi):
    resource_name = "repeat_rule"
    list_columns = show_columns = ["id", "scope", "field", "threshold", "is_active", "clause"]
    add_columns = edit_columns = ["scope", "field", "threshold", "is_active", "clause"]


SCREENS = [
    (StatisticsView, "巡察数据统计", CATEGORY, "fa-bar-chart"),
    (BulletinView, "巡察情况通报", CATEGORY, "fa-bullhorn"),
    (RepeatRuleView, "重复问题规则", "系统设置", "fa-repeat"),
]
HIDDEN = [StatisticsApi]
APIS = [BulletinApi, RepeatRuleApi]
