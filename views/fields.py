"""Form fields shared by the screens: select boxes with Chinese labels and a blank meaning null."""

from __future__ import annotations

from flask_appbuilder.fieldwidgets import Select2Widget
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional


def choice_field(label: str, values, labels: dict[str, str] | None = None, *, blank: str | None = None):
    """A select box over string values shown with Chinese labels; ``blank`` adds an empty choice meaning null."""
    labels = labels or {}
    choices = [SelectChoice(v, labels.get(v, v)) for v in values]
    if blank is not None:
        choices = [SelectChoice("", blank)] + choices

    def coerce(value):
        return None if value in (None, "") else str(value)

    return SelectField(label, choices=choices, coerce=coerce, widget=Select2Widget(),
                       validators=[Optional()] if blank is not None else [DataRequired()])


def _tristate(value):
    if value in (None, "", "None"):
        return None
    return value in (True, "1", "true", "True")


def tristate_field(label: str, blank: str = "不限"):
    """A nullable boolean: 是 / 否 / ``blank`` (null); a checkbox could not say null."""
    choices = [SelectChoice("", blank), SelectChoice("1", "是"), SelectChoice("0", "否")]
    return SelectField(label, choices=choices, coerce=_tristate, widget=Select2Widget(), validators=[Optional()])


def with_blank(blank: str):
    def fmt(value):
        return blank if value in (None, "") else value
    return fmt
