"""XctModelView: the base of every screen."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, request, url_for
from flask_appbuilder import ModelView, expose, has_access
from wtforms import BooleanField

from app.audit import MASK, PAGE, identity_columns, record_read
from app.commands import CommandError
from app.commands.holds import guard_write
from app.fab_compat import LayoutListMixin
from app.permissions import VIEW_METHOD_PERMISSIONS
from app.scope import readable_changes, readable_formatter
from app.web import MAX_ID
from schema import ChangeLog

from .. import ownership
from ..choices import fill_defaults
from ..help import FIELD_HELP
from app.labels import LABELS, MODEL_NOUNS
from .helpers import blank_none, check_item_rule, describe_changes, export_list, integer_in_range, masked, yes_no
from .interface import XctSQLAInterface
from .resource import declare
from .layout import LayoutMixin


class XctModelView(LayoutMixin, LayoutListMixin, ModelView):
    """A declarative screen: Chinese labels, read/write permissions on the model's resource, capped pages, an
    导出Excel button on its list, a 历史 tab on every show page, reads of confidential records logged (app.audit), a
    petitioner's identity masked."""

    method_permission_name = VIEW_METHOD_PERMISSIONS
    list_template = "xct/list.html"
    page_size = 25
    base_order = ("id", "desc")
    # FAB's download/<filename> serves any file of UPLOAD_FOLDER to anyone who may read the screen, whatever row it
    # belongs to (FAB_NOTES): files go through a scoped endpoint instead.
    exclude_route_methods = {"download"}
    # Timestamps are kept by the database layer, never typed in.
    add_exclude_columns = edit_exclude_columns = ["created_at", "updated_at"]
    # FAB's show page with one more tab: the record's change history (newest first).
    show_template = "xct/show.html"
    history_limit = 200

    resource = None  # a views.base.resource.Resource shared with the model's REST API

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        declare(cls)

    def __init__(self, **kwargs):
        if self.class_permission_name is None:
            self.class_permission_name = self.datamodel.obj.__name__
        self.label_columns = {**LABELS, **(self.label_columns or {})}
        self.description_columns = {**FIELD_HELP.get(self.datamodel.obj.__name__, {}),
                                    **(self.description_columns or {})}
        noun = MODEL_NOUNS[self.datamodel.obj.__name__]
        self.list_title = self.list_title or f"{noun}列表"
        self.show_title = self.show_title or f"{noun}详情"
        self.add_title = self.add_title or f"新增{noun}"
        self.edit_title = self.edit_title or f"编辑{noun}"
        self._checkboxes_for_required_booleans()
        self._integer_ranges()
        self.identity_columns = identity_columns(self.datamodel.obj)
        if self.include_route_methods is not None:  # every list can be exported, every show page has its 历史 tab
            self.include_route_methods = set(self.include_route_methods) | {"export"} | (
                {"history_tab"} if "show" in self.include_route_methods else set())
        super().__init__(**kwargs)
        if isinstance(self.datamodel, XctSQLAInterface):  # the coded list, or what a 界面配置 may choose instead
            self.datamodel.show_in_lists(self.layout_columns())
            self.datamodel.show_in_rows(self.show_columns)
        for col in self.identity_columns:
            self.formatters_columns[col] = masked
        for col in self.list_columns + self.show_columns:  # links show only the records the reader may read
            shown = readable_formatter(self.datamodel, col, blank_none)
            if shown is not None:
                self.formatters_columns.setdefault(col, shown)
        for col in self.list_columns + self.show_columns:
            if col in self.datamodel.list_columns and self.datamodel.is_boolean(col):
                self.formatters_columns.setdefault(col, yes_no)
            else:
                self.formatters_columns.setdefault(col, blank_none)

    # A record rule (e.g. a petition's triage) checked before every save, set as staticmethod(rule) where
    # rule(item) answers (field, message) or None.
    item_rule = None

    def pre_add(self, item):
        guard_write(item, self.label_columns)  # issue 13: step-owned fields, the archive lock, date orders
        check_item_rule(self, item)

    def pre_update(self, item):
        guard_write(item, self.label_columns)
        check_item_rule(self, item)

    def pre_delete(self, item):
        guard_write(item, self.label_columns, deleting=True)

    @expose("/add", methods=["GET", "POST"])
    @has_access
    def add(self):
        return ownership.posted_refusal(self) or super().add()

    @expose("/edit/<pk>", methods=["GET", "POST"])
    @has_access
    def edit(self, pk):
        return ownership.posted_refusal(self) or super().edit(pk)

    def _get_add_widget(self, form, *args, **kwargs):  # app.fab_compat OVERRIDES
        fill_defaults(self, form)  # an empty add form starts from the current round, the reader, today (issue 14)
        ownership.readonly_owned(self, form)
        return super()._get_add_widget(form, *args, **kwargs)

    def _get_edit_widget(self, form, *args, **kwargs):  # app.fab_compat OVERRIDES
        ownership.readonly_owned(self, form)
        return super()._get_edit_widget(form, *args, **kwargs)

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        """FAB's show page (404 outside the scope) with the 历史 tab; reading a confidential record is logged."""
        pk = self._deserialize_pk_if_composite(pk)
        widgets = self._show(pk)
        record_read(self.datamodel.obj, [pk], PAGE)
        return self.render_template(self.show_template, pk=pk, title=self.show_title, widgets=widgets,
                                    related_views=self._related_views, steps=ownership.step_links(self, pk))

    @expose("/history/<pk>", methods=["GET"])
    @has_access
    def history_tab(self, pk):
        """The 历史 tab of a show page, loaded when opened (xct/show.html, views/static/xct/layout.js): a record with
        a long history no longer weighs on every opening of its page. Outside the reader's scope: 404, as the page."""
        pk = self._deserialize_pk_if_composite(pk)
        if self.datamodel.get(pk) is None:
            abort(404)
        record_read(self.datamodel.obj, [pk], PAGE)  # its old and new values are the record's content
        return (self.render_template("xct/history.html", history=self.history(pk)), 200,
                {"Cache-Control": "no-store"})

    def history(self, pk) -> list[dict]:
        """The record's change history for its page; whoever may open the page may read it."""
        rows = self.datamodel.session.scalars(
            sa.select(ChangeLog).where(ChangeLog.entity == self.datamodel.obj.__tablename__,
                                       ChangeLog.entity_id == int(pk))
            .order_by(ChangeLog.id.desc()).limit(self.history_limit))
        rows = list(rows)
        shown = readable_changes(self.datamodel.obj, [r.changes for r in rows])  # references the reader may read
        return [{"at": r.at, "actor": r.actor, "remote_addr": r.remote_addr or "", "operation": r.operation,
                 "changes": describe_changes(changes, self.label_columns)} for r, changes in zip(rows, shown)]

    # ---- a petitioner's identity: masked on the page, blank in the edit form, kept when left blank ----

    def prefill_form(self, form, pk):
        for name in self.identity_columns:
            if name in form:
                stored = bool(form[name].data)
                form[name].data = ""
                form[name].description = "已隐藏；留空保留原值，填写则替换" if stored else ""
        super().prefill_form(form, pk)

    def process_form(self, form, is_created):
        ownership.drop_owned(self, form)
        if not is_created:
            for name in self.identity_columns:
                if name in form and (form[name].data or "").strip() in ("", MASK):
                    del form[name]  # populate_obj then leaves the stored value alone
        super().process_form(form, is_created)

    @expose("/action/<string:name>/<pk>", methods=["GET", "POST"])
    def action(self, name, pk):
        # FAB loads the row with the scoped datamodel.get and passes None on to the action when it is not found.
        if name not in self.actions:
            abort(404)  # FAB would call .func on None: a 500
        if self._may_run(name) and self.is_get_mutation_allowed() and self.datamodel.get(
                self._deserialize_pk_if_composite(pk)) is None:
            abort(404)
        return super().action(name, pk)

    @expose("/export")
    @has_access
    def export(self):
        """导出Excel: the list as filtered and ordered on screen, all pages."""
        try:
            return export_list(self, lambda job: redirect(url_for("JobView.show", pk=job.id)))
        except CommandError as exc:
            flash(exc.message, "danger")
            return redirect(url_for(f"{type(self).__name__}.list"))

    def _may_run(self, name: str) -> bool:
        return name in self.actions and self.appbuilder.sm.has_access(self.get_action_permission_name(name),
                                                                      self.class_permission_name)

    @expose("/action_post", methods=["POST"])
    def action_post(self):
        # FAB runs the action on [datamodel.get(pk) for each rowid]: rows outside the scope come back None.
        # Act only on the rows found; none at all is a 404, like a show page of a row outside the scope.
        name = request.form.get("action")
        if name not in self.actions:
            abort(404)  # e.g. "muldelete", which no screen here offers: FAB would call .func on None, a 500
        if self._may_run(name):
            # an id that is no database integer names no row (the database driver would raise on it: a 500)
            pks = [pk for pk in request.form.getlist("rowid") if pk.isdigit() and int(pk) <= MAX_ID]
            items = [self.datamodel.get(self._deserialize_pk_if_composite(pk)) for pk in pks]
            items = [item for item in items if item is not None]
            if not items:
                flash("所选记录不存在或无权操作", "warning")
                return redirect(self.get_redirect())
            if not self.actions[name].multiple:  # a one-row action (its own page's button) takes one row, not a list
                if len(items) > 1:
                    flash(f"「{self.actions[name].text}」一次只能选择一条记录", "warning")
                    return redirect(self.get_redirect())
                return self.actions[name].func(items[0])
            return self.actions[name].func(items)
        return super().action_post()

    def _integer_ranges(self):
        # An integer beyond the column's range would fail in the database (a 500): say so on the form instead.
        dm = self.datamodel
        validators = {k: list(v) for k, v in (self.validators_columns or {}).items()}
        for col in set(self.add_columns or []) | set(self.edit_columns or []):
            if col in dm.list_columns and dm.is_integer(col):
                validators.setdefault(col, []).insert(0, integer_in_range)
        self.validators_columns = validators

    def _checkboxes_for_required_booleans(self):
        # FAB's form marks NOT NULL booleans required, so an unticked box could never be saved.
        dm = self.datamodel
        for attr, cols in (("add_form_extra_fields", self.add_columns), ("edit_form_extra_fields", self.edit_columns)):
            extra = dict(getattr(self, attr) or {})
            for col in cols or []:
                if col not in extra and dm.is_boolean(col) and not dm.is_nullable(col):
                    extra[col] = BooleanField(self.label_columns.get(col, col), default=dm.get_col_default(col) or False)
            setattr(self, attr, extra)

    def render_template(self, template, **kwargs):
        # FAB renders every related list without asking whether the reader may read that resource.
        views = kwargs.get("related_views")
        if views:
            sm = self.appbuilder.sm
            keep = [
                i for i, view in enumerate(views)
                if sm.has_access("can_" + view.method_permission_name.get("list", "list"), view.class_permission_name)
            ]
            kwargs["related_views"] = [views[i] for i in keep]
            widgets = kwargs.get("widgets")
            if widgets and "related_views" in widgets:
                widgets["related_views"] = [widgets["related_views"][i] for i in keep]
        return super().render_template(template, **kwargs)
