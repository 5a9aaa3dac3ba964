"""The screens of the one import framework (app.commands.imports): 导入人员名单 (a unit's staff), 导入问卷答卷 (a
survey's responses), the 整改台账 (views.ledger) and 导入工作日历 (views.calendar_import) share one flow:
上传 → 预览（不保存）→ 确认（一个事务，全部或全不）.

Between preview and confirm the file waits in the storage folder under its SHA-256 (app.storage.hold), so any host
can take the confirm; the confirm re-reads and re-checks it, so what is saved is what was previewed. The rows are
reached through the caller's scope (a survey of another team's inspection is not found); permissions are those of
writing the rows made: Person for a roster, SurveyResponse for answers.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from flask import flash, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access

from app.commands import CommandError, roster, surveys
from app.commands.imports import MAX_FILE_BYTES, MAX_ROWS, ImportFileError, ImportPlan, check_file_name
from app.extensions import db
from app.permissions import WRITE
from app.rules.surveys import question_statistics
from app.storage import held, hold, release
from app.uow import after_commit, transaction
from schema import Survey, SurveyAnswer, SurveyResponse, Unit

from .base import XctSQLAInterface, uploaded
from .archive import file_response
from .disposal import UploadForm, scoped

UNITS = XctSQLAInterface(Unit)
SURVEYS = XctSQLAInterface(Survey)


def import_flow(view: BaseView, *, plan: Callable[[bytes], ImportPlan], apply: Callable[[bytes], dict],
                done: Callable[[dict], str], back: str, template: str = "xct/import_upload.html", **page):
    """The upload page of an import: a POST with a file previews it (nothing saved; the file is held when it
    would change something), a POST with `confirm` saves the held file and redirects to `back`. `page` goes to the
    template (title, intro, template_url, …)."""
    form, result, pending = UploadForm(), None, None
    if request.method == "POST" and form.validate_on_submit():
        try:
            if request.form.get("confirm"):
                digest = request.form["confirm"]
                with transaction():
                    counts = apply(held(digest))
                    after_commit(lambda: release(digest))  # the held file goes only once its rows are stored
                flash(done(counts), "success")
                return redirect(back)
            data, filename = uploaded()
            if not data:
                raise ImportFileError(["请选择要导入的 .xlsx 或 .csv 文件（可先下载模板）"])
            check_file_name(filename, data)
            result = plan(data)
            pending = hold(data) if result.ok and result.changes else None
        except ImportFileError as exc:
            db.session.rollback()
            result = ImportPlan(errors=exc.errors)
        except CommandError as exc:
            db.session.rollback()
            flash(exc.message, "danger")
    return view.render_template(template, form=form, plan=result, pending=pending, back=back, max_rows=MAX_ROWS,
                                max_mb=MAX_FILE_BYTES // (1024 * 1024), **page)


class RosterImportView(BaseView):
    """导入人员名单 of one unit (from its page)."""

    route_base = "/roster-import"
    class_permission_name = "Person"
    method_permission_name = {"upload": WRITE, "template": WRITE}

    @expose("/<pk>", methods=["GET", "POST"])
    @has_access
    def upload(self, pk):
        unit = scoped(UNITS, pk)
        return import_flow(
            self, plan=lambda data: roster.plan_roster(unit, data), apply=lambda data: roster.apply_roster(unit, data),
            done=lambda c: f"人员名单已导入：新增 {c['added']} 人，修改 {c['changed']} 人",
            title=f"导入人员名单：{unit.name}", back=url_for("UnitView.show", pk=unit.id),
            template_url=url_for("RosterImportView.template", pk=unit.id),
            intro="先下载本单位人员名单（即导入模板），在 Excel 中修改或补充后上传。按姓名对应已登记的人员："
                  "同名的更新，新的姓名新增，文件中没有的人员保持不变。上传后先预览，确认后才保存；任何一行有误都不保存。")

    @expose("/<pk>/template", methods=["GET"])
    @has_access
    def template(self, pk):
        unit = scoped(UNITS, pk)
        return file_response(roster.roster_template(unit), f"人员名单（{unit.name}）.xlsx")


class SurveyImportView(BaseView):
    """导入问卷答卷 of one survey (from its page)."""

    route_base = "/survey-import"
    class_permission_name = "SurveyResponse"
    method_permission_name = {"upload": WRITE, "template": WRITE}

    @expose("/<pk>", methods=["GET", "POST"])
    @has_access
    def upload(self, pk):
        survey = scoped(SURVEYS, pk)
        return import_flow(
            self, plan=lambda data: surveys.plan_responses(survey, data),
            apply=lambda data: surveys.apply_responses(survey, data),
            done=lambda c: f"问卷答卷已导入：新增 {c['added']} 份",
            title=f"导入问卷答卷：{survey.title}", back=url_for("SurveyView.show", pk=survey.id),
            template_url=url_for("SurveyImportView.template", pk=survey.id),
            intro="先下载本问卷的答卷模板：每行一份答卷，每题一列。单选题填一个选项，多选题用“；”分隔多个选项，"
                  "选项文字须与题目一致。上传后先预览，确认后才保存；任何一行有误都不保存。")

    @expose("/<pk>/template", methods=["GET"])
    @has_access
    def template(self, pk):
        survey = scoped(SURVEYS, pk)
        return file_response(surveys.survey_template(survey), f"问卷答卷导入模板（{survey.title}）.xlsx")


# ---- 问卷统计 on the survey page: a chart per choice question (the dashboards' xct-chart element) and a table ----


def survey_statistics(survey: Survey) -> list[dict]:
    """question_statistics of the survey's answers (the survey was found through the reader's scope)."""
    answers = db.session.execute(db.select(SurveyAnswer.question_id, SurveyAnswer.value).join(SurveyResponse)
                                 .where(SurveyResponse.survey_id == survey.id)).all()
    return question_statistics(survey.questions, answers)


def chart_option(stat: dict) -> dict:
    """An ECharts option (bar chart) for one choice question, for <div class="xct-chart" data-chart='…'>."""
    return {"title": {"text": f"{stat['seq']}. {stat['text']}", "textStyle": {"fontSize": 13}},
            "tooltip": {"trigger": "axis"}, "grid": {"left": 40, "right": 20, "bottom": 40, "top": 50},
            "xAxis": {"type": "category", "data": [o["option"] for o in stat["options"]]},
            "yAxis": {"type": "value", "minInterval": 1, "name": "人数"},
            "series": [{"type": "bar", "name": "人数", "data": [o["count"] for o in stat["options"]],
                        "label": {"show": True, "position": "top"}}]}


def chart_json(stat: dict) -> str:
    return json.dumps(chart_option(stat), ensure_ascii=False)


SCREENS: list = []
HIDDEN = [RosterImportView, SurveyImportView]
APIS: list = []
