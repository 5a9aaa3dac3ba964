"""Form fields shared by the screens: select boxes with Chinese labels and a blank meaning null."""

from __future__ import annotations

import re
from datetime import datetime

from flask import has_request_context, request

from flask_appbuilder import fields as fab_fields
from flask_appbuilder import forms as fab_forms
from flask_appbuilder.fieldwidgets import Select2Widget
from wtforms import DateField, DateTimeField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Optional

from schema.base import INT_MAX


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


# ---- FAB 5.3's form conversion (flask_appbuilder.forms), adjusted once at start-up: install_form_fields() ----
# Written for FAB 5.3.x / WTForms 3.3; tests/test_screens_layout.py fails if FAB stops building forms this way.


class StrictDateField(DateField):
    """A date exactly as typed (YYYY-MM-DD): `2026-02-30` is refused naming the field, never rolled over."""

    def process_formdata(self, valuelist):
        text = " ".join(valuelist).strip() if valuelist else ""
        if not text:
            self.data = None
            return
        try:
            self.data = datetime.strptime(text, "%Y-%m-%d").date()
        except ValueError:
            self.data = None
            raise ValueError(f"「{self.label.text}」不是有效的日期：{text}（格式：年-月-日，如 2026-03-02）") from None


class StrictDateTimeField(DateTimeField):
    """A date and time as typed; seconds optional; an impossible one is refused naming the field."""

    def process_formdata(self, valuelist):
        text = " ".join(valuelist).strip() if valuelist else ""
        if not text:
            self.data = None
            return
        for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
            try:
                self.data = datetime.strptime(text, fmt)
                return
            except ValueError:
                continue
        self.data = None
        raise ValueError(f"「{self.label.text}」不是有效的日期时间：{text}（格式：年-月-日 时:分，如 2026-03-02 09:30）")


class BlankQuerySelectField(fab_fields.QuerySelectField):
    """FAB's relation select, changed twice (issue 14 item 2, issue 18).

    The empty first option is blank: WTForms 3 shows a blank label as its value, and FAB's blank value is the text
    `__None`, which every optional dropdown displayed. And a relation over a table that grows with the work
    (views.choices.AJAX_MODELS) no longer lists the table: the page holds the chosen row only and select2 searches
    on the server; a posted id is looked up alone, through the same scoped interface.
    """

    def _source(self):
        if not hasattr(self, "_xct_source"):
            from .choices import ajax_source

            self._xct_source = ajax_source(self.name) if has_request_context() else None
        return self._xct_source

    def _get_object_list(self):
        source = self._source()
        if source is None:
            return super()._get_object_list()
        if self._object_list is None:
            related = source[1]
            if self._formdata is not None:
                pk = self._formdata
                obj = related.get(int(pk)) if str(pk).isdigit() and int(pk) <= INT_MAX else None
                objs = [obj] if obj is not None else []
            else:
                objs = [self._data] if self._data is not None else []
            self._object_list = [(str(self.get_pk_func(obj)), obj) for obj in objs]
        return self._object_list

    def __call__(self, **kwargs):
        source = self._source()
        if source is not None:
            from .choices import strict_parents

            kwargs.setdefault("data-xct-choices", source[0])
            kwargs.setdefault("data-xct-parents", ",".join(source[2]))
            kwargs.setdefault("data-xct-strict", ",".join(strict_parents(source[1].obj.__name__)))
        return super().__call__(**kwargs)

    def iter_choices(self):
        for value, label, *rest in super().iter_choices():
            yield ("", label, *rest) if value == "__None" else (value, label, *rest)

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0] == "":
            valuelist = ["__None"]
        super().process_formdata(valuelist)

    def fixed_parent(self):
        """The record a related tab's add link fixed (`?_flt_0_<name>=<id>`), as the form shows it; FAB fills the
        field only on POST, so on the first GET it is looked up among the field's own (scoped) choices."""
        if self.data is not None:
            return self.data
        wanted = {v for k, v in request.args.items() if re.fullmatch(rf"_flt_\d_{re.escape(self.name)}", k)}
        source = self._source()
        if source is not None:
            pks = [int(v) for v in wanted if v.isdigit() and int(v) <= INT_MAX]
            return next((obj for obj in map(source[1].get, pks) if obj is not None), None)
        return next((obj for pk, obj in self._get_object_list() if pk in wanted), None)


def install_form_fields() -> None:
    """Make FAB's model forms use the fields above (idempotent)."""
    table = []
    for check, field, widget in fab_forms.FieldConverter.conversion_table:
        field = {DateField: StrictDateField, DateTimeField: StrictDateTimeField}.get(field, field)
        table.append((check, field, widget))
    fab_forms.FieldConverter.conversion_table = tuple(table)
    fab_forms.QuerySelectField = BlankQuerySelectField
