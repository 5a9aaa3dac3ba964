"""The approval steps and 巡察办's reasoned date correction (app.commands.steps), as screens and REST.

REST: ``POST /api/v1/step/<key>/<id>`` {"on"} (key: app.rules.approvers.APPROVALS) and
``POST /api/v1/step/correct/<Model>/<id>`` {"field", "value", "reason"}. Screens: /steps/<key>/<id> and
/steps/correct/<Model>/<id>. The record is found through the caller's scope (404 outside it) and the caller needs
write permission on its model.
"""

from __future__ import annotations

from flask import abort, current_app, g, request, url_for
from flask_appbuilder import BaseView, expose, has_access
from flask_appbuilder.api import BaseApi, protect
from flask_appbuilder.fieldwidgets import DatePickerWidget
from flask_wtf import FlaskForm
from wtforms import DateField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

import schema
from app.commands import steps as flow
from app.permissions import READ
from app.labels import LABELS
from app.rules import ownership
from app.rules.approvers import APPROVALS

from .base import XctModelRestApi, XctSQLAInterface, body_day
from .disposal import _step, scoped


def _record(model_name: str, pk):
    """The record through the caller's scope; 404 for an unknown model or row, 403 without write permission."""
    model = getattr(schema, model_name, None) if model_name in ownership.OWNED else None
    if model is None:
        abort(404)
    row = scoped(XctSQLAInterface(model), pk)
    if not g.user or not current_app.appbuilder.sm.has_access("can_write", model_name):
        abort(403)
    return row


def _approval(key: str, pk):
    approval = APPROVALS.get(key)
    if approval is None:
        abort(404)
    return approval, _record(approval.model, pk)


def _back(record) -> str:
    return url_for(f"{type(record).__name__}View.show", pk=record.id)


class StepForm(FlaskForm):
    on = DateField("日期", widget=DatePickerWidget(), validators=[Optional()], description="留空为今天")


class CorrectForm(FlaskForm):
    field = SelectField("要更正的日期", validators=[DataRequired("请选择要更正的日期")])
    value = DateField("更正后的日期", widget=DatePickerWidget(), validators=[DataRequired("请填写更正后的日期")])
    reason = TextAreaField("更正理由", validators=[DataRequired("请填写更正理由"), Length(max=450)])


class StepView(BaseView):
    route_base = "/steps"
    class_permission_name = "Inspection"
    method_permission_name = {"approve": READ, "correct": READ}

    @expose("/<key>/<pk>", methods=["GET", "POST"])
    @has_access
    def approve(self, key, pk):
        approval, record = _approval(key, pk)
        return _step(self, StepForm(), lambda f: flow.take_approval(key, record, g.user, f.on.data),
                     title=f"{approval.step}：{record}", back=_back(record), done=f"已办理「{approval.step}」",
                     clause=approval.clause)

    @expose("/correct/<model>/<pk>", methods=["GET", "POST"])
    @has_access
    def correct(self, model, pk):
        record = _record(model, pk)
        form = CorrectForm()
        owned = ownership.owned_fields(model)
        form.field.choices = [(name, f"{LABELS.get(name, name)}（{owned[name]}，现为 {day.isoformat()}）")
                              for name, day in flow.correctable_dates(record).items()]
        return _step(self, form, lambda f: flow.correct_date(record, f.field.data, f.value.data,
                                                             f.reason.data, g.user),
                     title=f"更正步骤日期：{record}", back=_back(record), done="已更正，原日期保留在记录中")


class StepApi(BaseApi):
    resource_name = "step"
    class_permission_name = "Inspection"
    method_permission_name = {"approve": READ, "correct": READ}
    allow_browser_login = True

    json_body = XctModelRestApi.json_body
    command_error = XctModelRestApi.command_error
    run_command = XctModelRestApi.run_command
    response = staticmethod(XctModelRestApi.response)

    @expose("/<key>/<int:pk>", methods=["POST"])
    @protect()
    def approve(self, key, pk):
        approval, record = _approval(key, pk)

        def run():
            body = self.json_body() if self.json_body_present() else {}
            flow.take_approval(key, record, g.user, body_day(body, "on", "日期"))
            return {"message": f"已办理「{approval.step}」", "id": record.id}
        return self.run_command(run)

    @expose("/correct/<model>/<int:pk>", methods=["POST"])
    @protect()
    def correct(self, model, pk):
        record = _record(model, pk)

        def run():
            body = self.json_body()
            event = flow.correct_date(record, str(body.get("field") or ""), body_day(body, "value", "更正后的日期"),
                                      body.get("reason"), g.user)
            return {"message": "已更正，原日期保留在记录中", "from": event.from_value, "to": event.to_value}
        return self.run_command(run)

    @staticmethod
    def json_body_present() -> bool:
        return bool(request.get_data())


SCREENS: list = []
HIDDEN = [StepView]
APIS = [StepApi]
