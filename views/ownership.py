"""Step-owned fields on the generic screens (app.rules.ownership): read-only on add/edit forms, never written
from a form, and a form posting one refused with 422. views.base calls these three functions."""

from __future__ import annotations

from flask import g, request, url_for

from app.commands.holds import current_roles
from app.commands.steps import approval_refusal, correctable_dates, correction_refusal
from app.rules import ownership
from app.rules.approvers import APPROVALS
from app.web import _bad


def _locked(view) -> dict[str, str]:
    return ownership.locked_fields(view.datamodel.obj.__name__, current_roles())


def readonly_owned(view, form) -> None:
    """Show the owned fields disabled (the browser then posts nothing for them), with the step to use."""
    for name, step in _locked(view).items():
        if name in form:
            form[name].render_kw = {**(form[name].render_kw or {}), "disabled": True}
            form[name].description = f"由「{step}」步骤填写"


def drop_owned(view, form) -> None:
    """Leave the stored values alone: populate_obj writes only the fields still in the form."""
    for name in _locked(view):
        if name in form:
            del form[name]


def posted_refusal(view):
    """A form POST that carries a value for an owned field (a disabled field posts nothing): 422 naming the step."""
    if request.method != "POST":
        return None
    posted = [k for k in request.form if any(v.strip() for v in request.form.getlist(k))]
    problem = ownership.write_refusal(view.datamodel.obj.__name__, posted, current_roles(), view.label_columns)
    return _bad(problem[1], 422) if problem else None


def step_links(view, pk) -> list[dict]:
    """The approval steps of this record's model (app.rules.approvers) its reader can take on it now, as buttons
    for its page (app.commands.steps.approval_refusal: not taken yet, needed, and the reader the one who takes it),
    and 巡察办's reasoned correction of a date a step set. A button that can only refuse is a dead end."""
    model = view.datamodel.obj.__name__
    approvals = [a for a in APPROVALS.values() if a.model == model]
    if not ownership.owned_fields(model) or not view.appbuilder.sm.has_access("can_write", model):
        return []
    record = view.datamodel.get(pk)
    if record is None:
        return []
    steps = [{"step": a.step, "url": url_for("StepView.approve", key=a.key, pk=pk)} for a in approvals
             if approval_refusal(a, record, g.user) is None]
    if correction_refusal(record, g.user) is None and correctable_dates(record):  # 巡察办's reasoned correction of a date a step set
        steps.append({"step": "更正步骤日期", "url": url_for("StepView.correct", model=model, pk=pk)})
    return steps
