"""Base classes every screen and REST API of the project derives from."""

from __future__ import annotations

import dataclasses
import io
from datetime import date
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import abort, current_app, flash, g, redirect, request, send_file, url_for
from flask_appbuilder import ModelRestApi, ModelView, expose, has_access
from flask_appbuilder.api import protect
from flask_appbuilder.exceptions import DatabaseException
from flask_appbuilder.fields import EnumField
from flask_appbuilder.models.sqla import filters as sqla_filters
from flask_appbuilder.models.sqla.interface import SQLAInterface
from flask_appbuilder.urltools import get_filter_args, get_order_args, get_page_args, get_page_size_args
from flask_babel import gettext
from marshmallow import validate
from marshmallow.fields import Raw
from marshmallow_sqlalchemy.fields import Related, RelatedList
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload
from wtforms import BooleanField
from wtforms.validators import StopValidation, ValidationError

from app.audit import API, MASK, PAGE, identity_columns, record_read
from app.commands import CommandError
from app.extensions import db
from app.permissions import API_METHOD_PERMISSIONS, VIEW_METHOD_PERMISSIONS
from app.scope import current_criterion
from app.storage import CONTENT_TYPES, content_disposition
from app.web import BAD_VALUE, MAX_ID, is_bad_value
from schema import ChangeLog, ScreenSetting

from .labels import LABELS, MODEL_NOUNS

INT_MIN, INT_MAX = -(2**31), 2**31 - 1  # the database INTEGER range


def integer_in_range(form, field):
    """Stops the chain: FAB's Unique validator would otherwise query the database with the huge number."""
    if field.data is not None and not INT_MIN <= field.data <= INT_MAX:
        raise StopValidation(f"数值必须在 {INT_MIN}～{INT_MAX} 之间")


def yes_no(value) -> str:
    return "是" if value else ("否" if value is not None else "")


def blank_none(value) -> str:
    if isinstance(value, (list, tuple, set)):
        return "、".join(map(str, value))
    return "" if value is None else str(value)


def masked(value) -> str:
    """A petitioner's identity as every screen shows it until revealed (app.audit.identity_columns)."""
    return MASK if value else ""


def _change_text(value) -> str:
    if value is None or value == "" or value == []:
        return "（空）"
    if isinstance(value, dict):
        return str(value.get("text") or f"#{value.get('id')}")
    if isinstance(value, list):
        return "、".join(_change_text(v) for v in value)
    if isinstance(value, bool):
        return yes_no(value)
    return str(value)


def describe_changes(changes: dict, labels: dict | None = None) -> list[dict[str, str]]:
    """A change-history row's fields as [{"field", "old", "new"}]: Chinese labels, readable values."""
    labels = labels or LABELS
    return [{"field": str(labels.get(k) or LABELS.get(k, k)), "old": _change_text(old), "new": _change_text(new)}
            for k, (old, new) in (changes or {}).items()]


def _enum_pre_validate(self, form):
    # FAB's EnumField raises a plain ValueError that WTForms 3 does not catch: a 500 on a bad choice.
    if not any(self.data == self.coerce(v) for v, _ in self.choices):
        raise ValidationError(self.gettext("Not a valid choice"))


EnumField.pre_validate = _enum_pre_validate

_fab_set_value_to_type = sqla_filters.set_value_to_type


def _filter_value_in_range(datamodel, column_name, value):
    # FAB turns a list or REST filter value into the column's type, but passes a boolean column anything but "y"
    # as it came, and an integer of any size: SQLite compares anyway, PostgreSQL refuses (a 500), and an integer
    # beyond 64 bits fails even in the SQLite driver. Text columns compare as text, booleans become True/False
    # (anything else matches nothing),
    # integers are clamped to the column's range — no row holds more, so every comparison answers as it would.
    if datamodel.is_boolean(column_name) and not isinstance(value, bool):
        text = str(value).strip().lower()
        return True if text in ("y", "1", "true") else False if text in ("n", "0", "false", "") else None
    if (datamodel.is_string(column_name) or datamodel.is_text(column_name)) and not isinstance(value, str):
        value = str(value)  # a number for a text column (REST JSON): PostgreSQL has no text = number operator
    value = _fab_set_value_to_type(datamodel, column_name, value)
    if isinstance(value, int) and not isinstance(value, bool):
        column = datamodel.list_columns.get(column_name)
        bits = 63 if column is None or isinstance(column.type, sa.BigInteger) else 31
        return max(-(2**bits), min(2**bits - 1, value))
    return value


sqla_filters.set_value_to_type = _filter_value_in_range


class XctSQLAInterface(SQLAInterface):
    """FAB's data interface with three additions.

    Every query is limited to the current user's row scope (app.scope): FAB builds lists, counts, ``get`` (show,
    edit, delete, REST get/put/delete, @action, custom endpoints) and related dropdowns (``get_related_interface``
    returns this class) through ``_apply_inner_all`` or ``_get_base_query``, so those two are where the criterion
    goes; a row outside the scope is simply not found, and FAB answers 404.
    Lists load the relations their screen shows in one statement each (``list_eager``), so a page costs the same
    statements for 25 or 100 rows; and database errors carry one Chinese sentence (screens flash it, APIs answer 422).
    """

    list_eager: tuple[str, ...] = ()

    def scoped(self, query):
        """`query` (of this interface's model) limited to the current user's scope."""
        criterion = current_criterion(self.obj)
        return query if criterion is None else query.filter(criterion)

    def _apply_inner_all(self, query, *args, **kwargs):
        # query_count, apply_all (query, get) all start here, before FAB adds joins, filters and pagination.
        return super()._apply_inner_all(self.scoped(query), *args, **kwargs)

    def _get_base_query(self, query, *args, **kwargs):
        # the group-by queries (charts) start here.
        return super()._get_base_query(self.scoped(query), *args, **kwargs)

    def get_related_obj(self, col_name, value):
        # A relation filter's value is an id: anything else (or an id beyond the column) names no row, where
        # PostgreSQL would refuse the comparison and FAB answer with an English error. FAB passes a related
        # tab's parent as a list (`_flt_0_inspection=['8']`): its one element is the id.
        if isinstance(value, (list, tuple)) and len(value) == 1:
            value = value[0]
        if isinstance(value, bool) or not str(value).strip().isdigit() or int(value) > 2**31 - 1:
            return None
        return super().get_related_obj(col_name, int(value))

    def apply_all(self, query, filters=None, order_column="", order_direction="", page=None, page_size=None,
                  select_columns=None, outer_default_load=False):
        query = super().apply_all(query, filters, order_column, order_direction, page, page_size, select_columns,
                                  outer_default_load)
        if not select_columns and self.list_eager:
            query = query.options(*(selectinload(getattr(self.obj, name)) for name in self.list_eager))
        return query

    def _guard(self, operation, item):
        try:
            operation(item)
        except OverflowError as exc:  # SQLite's driver refuses an int beyond 64 bits before the database sees it
            self.session.rollback()
            raise DatabaseException("数值超出允许范围") from exc
        except (SQLAlchemyError, DatabaseException) as exc:
            self.session.rollback()
            cause = exc.__cause__ if isinstance(exc, DatabaseException) and exc.__cause__ else exc
            raise DatabaseException(integrity_message(str(cause), LABELS)) from cause

    def add(self, item, commit=True):
        self._guard(lambda i: super(XctSQLAInterface, self).add(i, commit), item)

    def edit(self, item, commit=True):
        self._guard(lambda i: super(XctSQLAInterface, self).edit(i, commit), item)

    def delete(self, item, commit=True):
        self._guard(lambda i: super(XctSQLAInterface, self).delete(i, commit), item)


def uploaded(field: str = "file") -> tuple[bytes, str]:
    """The request's uploaded file as (bytes, original name); (b"", "") when none was chosen."""
    upload = request.files.get(field)
    if upload is None or not upload.filename:
        return b"", ""
    return upload.read(), upload.filename


def body_day(body: dict, name: str, label: str) -> date | None:
    """The date `name` of a JSON body (YYYY-MM-DD), None when absent; otherwise a CommandError naming the field."""
    value = body.get(name)
    if value in (None, ""):
        return None
    try:
        if isinstance(value, str):
            return date.fromisoformat(value)
    except ValueError:
        pass
    raise CommandError(f"「{label}」须为日期（YYYY-MM-DD），收到「{value}」", name)


def document_answer(doc) -> dict:
    """The API's answer for a file just stored (app.storage.store)."""
    db.session.flush()
    return {"id": doc.id, "result": {"original_name": doc.original_name, "sha256": doc.sha256}}


def check_item_rule(view, item) -> None:
    """Raise the view's record rule as a CommandError; FAB flashes it on a screen, the API answers 422."""
    problem = view.item_rule(item) if view.item_rule else None
    if problem:
        db.session.rollback()
        raise CommandError(problem[1], problem[0])


def export_list(view, job_answer):
    """The list `view` shows for this request, every page, as an Excel file (app.exports.lists): at once up to
    EXPORT_SYNC_MAX_ROWS rows, otherwise as a background job, answered by `job_answer(job)`."""
    from app.exports.lists import list_export, write_workbook
    from jobs import submit
    from schema import Job

    export = list_export(view)  # CommandError: a filter or order the list refuses
    if export.count > current_app.config["EXPORT_SYNC_MAX_ROWS"]:
        job = Job(kind="list_export", title=f"导出：{export.title}", owner=g.user.username,
                  params={"view": type(view).__name__, "path": request.path,
                          "query": request.query_string.decode()})
        db.session.add(job)
        db.session.commit()  # enqueue only what is committed: the worker must find the row
        submit(job)
        return job_answer(job)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / export.filename
        write_workbook(path, export)
        data = io.BytesIO(path.read_bytes())
    response = send_file(data, mimetype=CONTENT_TYPES[".xlsx"])
    response.headers["Content-Disposition"] = content_disposition(export.filename)
    return response


# ---- 界面配置 (schema.ScreenSetting): a screen's columns, labels, default filters and sort, per request ----


@dataclass(frozen=True)
class ScreenLayout:
    """What one list screen shows for this request: the coded defaults, or an administrator's setting."""

    columns: tuple[str, ...]
    labels: dict = dataclasses.field(default_factory=dict)  # column → label (only the relabelled ones)
    filters: tuple[tuple[str, str, object], ...] = ()  # (column, FAB filter arg_name, value)
    order: tuple[str, str] | None = None
    version: int = 0  # 0: the screen as coded


# screen → (the row's (id, version, updated_at), its layout). A cache, never the truth: every request reads the
# row's key (one indexed statement), so a save on any host shows on every host's next request.
_LAYOUTS: dict[str, tuple[tuple, ScreenLayout]] = {}
LABEL_MAX = 50
ORDER_DIRECTIONS = {"asc": "升序", "desc": "降序"}


class LayoutError(CommandError):
    """A screen setting refused: `field` names the part (columns, labels, filters, order), message in Chinese."""

    def __init__(self, message: str, field: str):
        super().__init__(message, field)
        self.status = 400



class XctModelView(ModelView):
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

    def __init__(self, **kwargs):
        if self.class_permission_name is None:
            self.class_permission_name = self.datamodel.obj.__name__
        self.label_columns = {**LABELS, **(self.label_columns or {})}
        noun = MODEL_NOUNS[self.datamodel.obj.__name__]
        self.list_title = self.list_title or f"{noun}列表"
        self.show_title = self.show_title or f"{noun}详情"
        self.add_title = self.add_title or f"新增{noun}"
        self.edit_title = self.edit_title or f"编辑{noun}"
        self._checkboxes_for_required_booleans()
        self._integer_ranges()
        self.identity_columns = identity_columns(self.datamodel.obj)
        if self.include_route_methods is not None:  # every list can be exported
            self.include_route_methods = set(self.include_route_methods) | {"export"}
        super().__init__(**kwargs)
        if isinstance(self.datamodel, XctSQLAInterface):
            self.datamodel.list_eager = tuple(
                c for c in self.list_columns if c in self.datamodel.list_properties and self.datamodel.is_relation(c)
            )
        for col in self.identity_columns:
            self.formatters_columns[col] = masked
        for col in self.list_columns + self.show_columns:
            if col in self.datamodel.list_columns and self.datamodel.is_boolean(col):
                self.formatters_columns.setdefault(col, yes_no)
            else:
                self.formatters_columns.setdefault(col, blank_none)

    # A record rule (e.g. a petition's triage) checked before every save, set as staticmethod(rule) where
    # rule(item) answers (field, message) or None.
    item_rule = None

    def pre_add(self, item):
        check_item_rule(self, item)

    def pre_update(self, item):
        check_item_rule(self, item)

    @expose("/show/<pk>", methods=["GET"])
    @has_access
    def show(self, pk):
        """FAB's show page (404 outside the scope) with the 历史 tab; reading a confidential record is logged."""
        pk = self._deserialize_pk_if_composite(pk)
        widgets = self._show(pk)
        record_read(self.datamodel.obj, [pk], PAGE)
        return self.render_template(self.show_template, pk=pk, title=self.show_title, widgets=widgets,
                                    related_views=self._related_views, history=self.history(pk))

    def history(self, pk) -> list[dict]:
        """The record's change history for its page; whoever may open the page may read it."""
        rows = self.datamodel.session.scalars(
            sa.select(ChangeLog).where(ChangeLog.entity == self.datamodel.obj.__tablename__,
                                       ChangeLog.entity_id == int(pk))
            .order_by(ChangeLog.id.desc()).limit(self.history_limit))
        return [{"at": r.at, "actor": r.actor, "remote_addr": r.remote_addr or "", "operation": r.operation,
                 "changes": describe_changes(r.changes, self.label_columns)} for r in rows]

    # ---- a petitioner's identity: masked on the page, blank in the edit form, kept when left blank ----

    def prefill_form(self, form, pk):
        for name in self.identity_columns:
            if name in form:
                stored = bool(form[name].data)
                form[name].data = ""
                form[name].description = "已隐藏；留空保留原值，填写则替换" if stored else ""
        super().prefill_form(form, pk)

    def process_form(self, form, is_created):
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

    # ---- 界面配置: the layout of this request, in one place ----

    def default_layout(self) -> ScreenLayout:
        return ScreenLayout(tuple(self.list_columns), {}, (), tuple(self.base_order) if self.base_order else None)

    def layout_columns(self) -> list[str]:
        """The columns a setting may list: the coded list and show columns that are safe in a list — never a
        petitioner's identity (app.audit.identity_columns) unless the coded list already shows it masked, never a
        to-many relation (a list of records per row)."""
        dm, coded = self.datamodel, list(self.list_columns)
        extra = [c for c in self.show_columns or [] if c not in coded and c not in self.identity_columns
                 and c in dm.list_properties and not dm.is_relation_one_to_many(c)
                 and not dm.is_relation_many_to_many(c)]
        return coded + extra

    def layout(self) -> ScreenLayout:
        """This request's layout: read per request (the row's key only, unless it changed), kept on `g`."""
        cache = g.setdefault("xct_layouts", {})
        name = type(self).__name__
        if name not in cache:
            cache[name] = self._stored_layout(name)
        return cache[name]

    def _stored_layout(self, name: str) -> ScreenLayout:
        session = self.datamodel.session
        key = session.execute(sa.select(ScreenSetting.id, ScreenSetting.version, ScreenSetting.updated_at)
                              .where(ScreenSetting.screen == name)).first()
        if key is None:
            return self.default_layout()
        key = tuple(key)
        hit = _LAYOUTS.get(name)
        if hit and hit[0] == key:
            return hit[1]
        row = session.get(ScreenSetting, key[0])
        try:
            layout = self.check_layout({"columns": row.columns, "labels": row.labels, "filters": row.filters,
                                        "order_column": row.order_column, "order_direction": row.order_direction},
                                       version=row.version)
        except LayoutError:  # a column the code no longer has: the screen as coded, until someone saves again
            layout = self.default_layout()
        _LAYOUTS[name] = (key, layout)
        return layout

    def check_layout(self, data: dict, version: int = 0) -> ScreenLayout:
        """A setting as the admin screen posts it or the table holds it, checked against what this screen allows;
        LayoutError (naming the field) on the first problem. Empty parts mean the coded default."""
        allowed = self.layout_columns()
        columns = [str(c) for c in (data.get("columns") or [])]
        for c in columns:
            if c not in allowed:
                raise LayoutError(f"「列」：此界面不能显示列「{c}」（只能从本界面的列表列和详情列中选择）", "columns")
        if len(set(columns)) != len(columns):
            raise LayoutError("「列」：同一列不能出现两次", "columns")
        labels = {}
        for c, text in (data.get("labels") or {}).items():
            text = str(text or "").strip()
            if not text:
                continue
            if c not in allowed:
                raise LayoutError(f"「列名」：此界面没有列「{c}」", "labels")
            if len(text) > LABEL_MAX:
                raise LayoutError(f"「列名」：列「{self.label_columns.get(c, c)}」的名称不能超过 {LABEL_MAX} 个字",
                                  "labels")
            if text != str(self.label_columns.get(c, c)):
                labels[c] = text
        filters = tuple(self._checked_filter(f) for f in (data.get("filters") or []))
        order = None
        if data.get("order_column"):
            col, direction = str(data["order_column"]), str(data.get("order_direction") or "asc")
            if col not in self.order_columns:
                raise LayoutError(f"「默认排序」：不能按「{self.label_columns.get(col, col)}」排序", "order_column")
            if direction not in ORDER_DIRECTIONS:
                raise LayoutError("「默认排序」：方向只能是升序或降序", "order_direction")
            order = (col, direction)
        if filters:
            self._try_filters(filters)
        default = self.default_layout()
        return ScreenLayout(tuple(columns) or default.columns, labels, filters, order or default.order, version)

    def _checked_filter(self, flt) -> tuple[str, str, object]:
        if not isinstance(flt, dict):
            raise LayoutError("「默认筛选」：格式有误", "filters")
        col, opr, value = str(flt.get("col") or ""), str(flt.get("opr") or ""), flt.get("value")
        search = self.datamodel.get_filters(self.search_columns).get_search_filters()
        if col not in search:
            raise LayoutError(f"「默认筛选」：不能按「{self.label_columns.get(col, col)}」筛选", "filters")
        if opr not in {f.arg_name for f in search[col]}:
            raise LayoutError(f"「默认筛选」：「{self.label_columns.get(col, col)}」不支持筛选方式「{opr}」", "filters")
        if value is None or str(value).strip() == "":
            raise LayoutError(f"「默认筛选」：「{self.label_columns.get(col, col)}」的筛选值不能为空", "filters")
        value, dm = str(value).strip(), self.datamodel
        try:  # the value must be of the column's type (SQLite would compare anything, PostgreSQL refuses)
            if dm.is_date(col) or dm.is_datetime(col):
                date.fromisoformat(value[:10])
            elif dm.is_integer(col) or dm.is_relation(col):
                int(value)
            elif dm.is_float(col) or dm.is_numeric(col):
                float(value)
        except ValueError:
            kind = "日期（YYYY-MM-DD）" if dm.is_date(col) or dm.is_datetime(col) else "数字"
            raise LayoutError(f"「默认筛选」：「{self.label_columns.get(col, col)}」的筛选值应为{kind}",
                              "filters") from None
        return col, opr, value

    def _try_filters(self, filters) -> None:
        # The filter is run once (in a savepoint): a value the column cannot hold is refused here, not on the list.
        session = self.datamodel.session
        savepoint = session.begin_nested()
        try:
            self.datamodel.query_count(self.datamodel.session.query(self.datamodel.obj),
                                       self._with_filters(self.datamodel.get_filters(self.search_columns), filters))
        except Exception as exc:  # noqa: BLE001 - any failure of a filter value is the same answer
            savepoint.rollback()
            raise LayoutError("「默认筛选」：筛选值与该列的类型不符", "filters") from exc
        savepoint.rollback()

    def _with_filters(self, flts, filters):
        search = flts.get_search_filters()
        for col, opr, value in filters:
            flt = next(f for f in search[col] if f.arg_name == opr)
            flts.add_filter(col, type(flt), value)
        return flts

    def request_filters(self):
        """The list's filters for this request, a new object (FAB's ``self._filters`` is shared by every thread):
        the request's ``_flt_`` arguments, or the screen's default filters when it names none."""
        flts = self.datamodel.get_filters(self.search_columns)
        get_filter_args(flts)
        if not flts.filters and self.layout().filters:
            self._with_filters(flts, self.layout().filters)
        return flts

    def request_order(self) -> tuple[str, str]:
        """The request's order (a crafted column answers the default, FAB_NOTES), else the screen's default."""
        order_column, order_direction = get_order_args().get(type(self).__name__, ("", ""))
        if order_column and order_column in self.order_columns:
            return order_column, order_direction
        return self.layout().order or ("", "")

    def layout_labels(self, layout: ScreenLayout | None = None) -> dict:
        return {**self.label_columns, **(layout or self.layout()).labels}

    def _list(self, **kwargs):
        # FAB's _list with this request's own filters and the screen's layout.
        order_column, order_direction = get_order_args().get(type(self).__name__, ("", ""))
        filters = self.request_filters()
        widgets = self._get_list_widget(filters=filters, order_column=order_column, order_direction=order_direction,
                                        page=get_page_args().get(type(self).__name__),
                                        page_size=get_page_size_args().get(type(self).__name__), **kwargs)
        form = self.search_form.refresh()
        self.update_redirect()
        widgets["search"] = self.search_widget(route_base=self.route_base, form=form,
                                               include_cols=self.search_columns, exclude_cols=[], filters=filters)
        return widgets

    def _get_list_widget(self, filters, actions=None, order_column="", order_direction="", page=None,
                         page_size=None, widgets=None, **kwargs):
        # FAB's _get_list_widget with the layout of this request (columns, labels, default order) passed to the
        # widget instead of the class attributes; it renders whatever ?psize_<View>= asks (100,000 rows measured)
        # and 500s on unknown sort columns.
        layout = self.layout()
        cap = current_app.config.get("LIST_PAGE_SIZE_MAX", 100)
        if not page_size or page_size < 1:
            page_size = self.page_size
        page_size = min(page_size, cap)
        if order_column and order_column not in self.order_columns:
            order_column, order_direction = "", ""
        if not order_column and layout.order:
            order_column, order_direction = layout.order
        widgets = widgets or {}
        count, lst = self.datamodel.query(filters.get_joined_filters(self._base_filters), order_column,
                                          order_direction, page=page, page_size=page_size)
        pks = [self._serialize_pk_if_composite(pk) for pk in self.datamodel.get_keys(lst)]
        columns = list(layout.columns)
        widgets["list"] = self.list_widget(
            label_columns=self.layout_labels(layout), include_columns=columns,
            value_columns=self.datamodel.get_values(lst, columns), order_columns=self.order_columns,
            formatters_columns=self.formatters_columns, page=page, page_size=page_size, count=count, pks=pks,
            actions=actions or self.actions, filters=filters, modelview_name=type(self).__name__, **kwargs,
        )
        # list pages and the related lists of show pages alike: the rows shown of a confidential model are read
        record_read(self.datamodel.obj, pks, PAGE)
        return widgets


def _dotted_label(col: str, labels: dict[str, str]) -> str:
    """A Chinese label for a dotted REST column: ``unit.id`` → 单位编号, ``unit.name`` → 单位."""
    rel, attr = col.split(".", 1)
    base = labels.get(rel) or LABELS.get(rel, rel)
    if attr == "id":
        return f"{base}编号"
    if attr in ("name", "title"):
        return base
    return f"{base}{labels.get(attr) or LABELS.get(attr, attr)}"


class XctModelRestApi(ModelRestApi):
    """A REST resource in FAB's style: stable default order, read/write permissions, Chinese errors (API.md);
    reads of confidential records logged and a petitioner's identity masked, as on the screens."""

    method_permission_name = API_METHOD_PERMISSIONS
    allow_browser_login = True
    page_size = 25
    max_page_size = 100
    base_order = ("id", "asc")

    def __init__(self, **kwargs):
        if self.class_permission_name is None:
            self.class_permission_name = self.datamodel.obj.__name__
        own = dict(self.label_columns or {})
        cols = list(self.list_columns or []) + list(self.show_columns or [])
        dotted = {c: _dotted_label(c, own) for c in cols if "." in c and c not in own}
        self.label_columns = {**LABELS, **dotted, **own}
        noun = MODEL_NOUNS[self.datamodel.obj.__name__]
        self.list_title = self.list_title or f"{noun}列表"
        self.show_title = self.show_title or f"{noun}详情"
        self.add_title = self.add_title or f"新增{noun}"
        self.edit_title = self.edit_title or f"编辑{noun}"
        dm = self.datamodel
        validators = dict(self.validators_columns or {})
        for col in set(self.add_columns or []) | set(self.edit_columns or []):
            if col in dm.list_columns and dm.is_integer(col) and col not in validators:
                validators[col] = validate.Range(min=INT_MIN, max=INT_MAX)  # beyond it the database fails (a 500)
        self.validators_columns = validators
        # A petitioner's identity is not a search criterion either: a filter would answer it letter by letter.
        self.identity_columns = identity_columns(dm.obj)
        self.search_exclude_columns = [*(self.search_exclude_columns or []), *self.identity_columns]
        if self.include_route_methods is not None:  # every list can be exported
            self.include_route_methods = set(self.include_route_methods) | {"export"}
        super().__init__(**kwargs)

    # ---- reads are logged, a petitioner's identity is masked in every answer ----

    def _mask(self, row) -> None:
        if isinstance(row, dict):
            for name in self.identity_columns:
                if row.get(name):
                    row[name] = MASK

    def pre_get(self, data):
        self._mask(data.get("result"))

    def pre_get_list(self, data):
        for row in data.get("result") or []:
            self._mask(row)

    def get_headless(self, pk, **kwargs):
        resp = super().get_headless(pk, **kwargs)
        if resp.status_code == 200:
            record_read(self.datamodel.obj, [pk], API)
        return resp

    def get_list_headless(self, **kwargs):
        resp = super().get_list_headless(**kwargs)
        if resp.status_code == 200:
            record_read(self.datamodel.obj, resp.json.get("ids") or [], API)
        return resp

    def _masked_write(self, resp):
        """POST and PUT answer the whole record: mask it. A masked value sent back is "unchanged", not a name."""
        if not self.identity_columns or resp.status_code not in (200, 201):
            return resp
        data = resp.json
        self._mask(data.get("result"))
        return self.response(resp.status_code, **data)

    def _drop_masked_input(self) -> None:
        payload = request.get_json(silent=True)  # the same cached object FAB reads next
        if isinstance(payload, dict):
            for name in self.identity_columns:
                if payload.get(name) == MASK:
                    del payload[name]

    # ---- Chinese answers (API.md): validation errors are 400 naming the field, integrity errors 422 ----

    def _description_columns_json(self, cols=None):
        # FAB runs gettext() on every description; under zh, gettext("") is the catalogue's PO header.
        return {k: str(v) for k, v in self.description_columns.items() if k in (cols or []) and v}

    def _get_field_info(self, field, filter_rel_field, page=None, page_size=None):
        info = super()._get_field_info(field, filter_rel_field, page=page, page_size=page_size)
        info["label"] = str(self.label_columns.get(field.name) or field.name)
        info["description"] = str(self.description_columns.get(field.name) or "")
        return info

    @staticmethod
    def response(code, **kwargs):
        if code == 200 and kwargs == {"message": "OK"}:  # FAB's answer to a DELETE
            kwargs = {"message": "已删除"}
        return ModelRestApi.response(code, **kwargs)

    def response_400(self, message=None):
        if isinstance(message, (dict, list)):
            return self._validation_response(message)
        return self.response(400, message=zh_api_message(message, "请求参数有误"))

    def response_401(self):
        return self.response(401, message="请先登录")

    def response_403(self):
        return self.response(403, message="没有权限执行此操作")

    def response_404(self):
        return self.response(404, message="记录不存在或无权查看")

    def response_422(self, message=None):
        if isinstance(message, (dict, list)):  # marshmallow ValidationError.messages: bad input, not a conflict
            return self._validation_response(message)
        if isinstance(message, str) and message.startswith("Database exception occurred"):
            return self.response(422, message=integrity_message(message, self.label_columns))
        return self.response(422, message=zh_api_message(message, "数据不符合规则"))

    def response_500(self, message=None):
        # FAB's @safe answers every exception here, inside its except clause: a DataError is bad input (app.web).
        exc = sys.exc_info()[1]
        if is_bad_value(exc):
            db.session.rollback()
            return self.response(400, message=BAD_VALUE)
        return self.response(500, message="系统内部错误，请联系管理员")

    def _validation_response(self, messages):
        errors = {}
        for field, texts in (messages.items() if isinstance(messages, dict) else [("_schema", messages)]):
            errors[field] = [zh_validation_text(t) for t in flatten_messages(texts)]
        parts = []
        for field, texts in errors.items():
            if field == "_schema":
                parts.append("请求数据有误：" + "；".join(texts))
            else:
                parts.append(f"字段「{self.label_columns.get(field) or field}」：" + "；".join(texts))
        return self.response(400, message="；".join(parts), errors=errors)

    def _payload_errors(self, schema):
        """What FAB's schema load would not refuse cleanly.

        Ids of related records must exist: marshmallow-sqlalchemy would build a new, empty related row instead.
        A choice column (a non-native Enum) becomes a ``fields.Raw`` with a Length validator, which takes any JSON
        value and then fails on ``len(true)`` (a 500): its value must be text.
        """
        payload = request.get_json(silent=True)
        if not isinstance(payload, dict):
            return {}
        errors = {}
        for name, value in payload.items():
            field = schema.fields.get(name)
            if value is None:
                continue
            if _is_choice(field) and not isinstance(value, str):
                errors[name] = ["Not a valid string."]
            if not isinstance(field, (Related, RelatedList)):
                continue
            for one in value if isinstance(value, list) else [value]:
                if isinstance(one, dict):
                    one = next(iter(one.values()), None) if len(one) == 1 else None
                if isinstance(one, bool) or not isinstance(one, (int, str)) or not str(one).isdigit():
                    errors[name] = ["Not a valid related id."]
                elif int(one) > 2**31 - 1 or self.datamodel.get_related_interface(name).get(int(one)) is None:
                    # not found, or outside the caller's scope (a talk cannot be filed under another team's
                    # inspection)
                    errors[name] = [f"Related record {one} not found."]
        return errors

    item_rule = None
    pre_add = pre_update = XctModelView.pre_add

    def post_headless(self):
        if request.is_json:
            errors = self._payload_errors(self.add_model_schema)
            if errors:
                return self._validation_response(errors)
        try:
            return self._masked_write(super().post_headless())
        except CommandError as exc:
            return self.command_error(exc)

    def put_headless(self, pk):
        if request.is_json and self.datamodel.get(pk, self._base_filters) is not None:
            errors = self._payload_errors(self.edit_model_schema)
            if errors:
                return self._validation_response(errors)
            self._drop_masked_input()
        try:
            return self._masked_write(super().put_headless(pk))
        except CommandError as exc:
            return self.command_error(exc)

    @expose("/export", methods=["GET"])
    @protect()
    def export(self):
        """The list of GET / for the same rison `q` (filters, order), all pages, as an Excel file; a large one
        answers 202 with the background job that makes it (GET /api/v1/job/<id>)."""
        try:
            return export_list(self, lambda job: self.response(
                202, message="数据较多，已转为后台任务，完成后可下载", job_id=job.id, state=job.state,
                url=url_for("JobApi.get", pk=job.id)))
        except CommandError as exc:
            return self.command_error(exc)

    # ---- use cases (app.commands) behind custom endpoints ----

    def command_error(self, exc: CommandError):
        db.session.rollback()
        extra = {"errors": {exc.field: [exc.message]}} if exc.field else {}
        return self.response(exc.status, message=exc.message, **extra)

    def json_body(self) -> dict:
        """The request's JSON object, or a CommandError (400) saying it is not one."""
        body = request.get_json(silent=True) if request.is_json else None
        if not isinstance(body, dict):
            error = CommandError("请求体必须是 JSON 对象（Content-Type: application/json）")
            error.status = 400
            raise error
        return body

    def run_command(self, fn, code: int = 200):
        """Run one use case in one transaction: its answer (a dict) on success, its Chinese error otherwise."""
        try:
            result = fn()
            db.session.commit()
        except CommandError as exc:
            return self.command_error(exc)
        return self.response(code, **(result or {"message": "已完成"}))


def _is_choice(field) -> bool:
    return type(field) is Raw and any(isinstance(v, validate.OneOf) for v in field.validators)


# ---- REST messages in Chinese (used by XctModelRestApi) ----

_VALIDATION_TEXTS = [  # marshmallow 3 / marshmallow-sqlalchemy / FAB messages → Chinese, first match wins
    (r"Missing data for required field\.", "该字段是必填字段"),
    (r"Field may not be null\.", "该字段不能为空"),
    (r"Unknown field\.", "未知字段，不允许提交"),
    (r"Invalid input type\.", "请求体必须是 JSON 对象"),
    (r"Not a valid integer\.", "不是有效的整数"),
    (r"Not a valid number\.", "不是有效的数字"),
    (r"Number too large\.", "数值过大"),
    (r"Special numeric values \(nan or infinity\) are not permitted\.", "不允许使用 NaN 或无穷大"),
    (r"Not a valid string\.", "不是有效的文本"),
    (r"Not a valid utf-8 string\.", "不是有效的 UTF-8 文本"),
    (r"Not a valid boolean\.", "不是有效的布尔值（应为 true 或 false）"),
    (r"Not a valid datetime\.", "不是有效的日期时间（格式：YYYY-MM-DDTHH:MM:SS）"),
    (r"Not a valid date\.", "不是有效的日期（格式：YYYY-MM-DD）"),
    (r"Not a valid time\.", "不是有效的时间（格式：HH:MM:SS）"),
    (r"Not a valid (?:naive|aware) (?:datetime|time)\.", "不是有效的日期时间（时区有误）"),
    (r'".*" cannot be formatted as a (?:datetime|date|time)\.', "无法识别为日期或时间"),
    (r"Not a valid email address\.", "不是有效的电子邮箱地址"),
    (r"Not a valid URL\.", "不是有效的网址"),
    (r"Not a valid UUID\.", "不是有效的 UUID"),
    (r"Not a valid list\.", "必须是列表"),
    (r"Not a valid mapping type\.", "必须是 JSON 对象"),
    (r"Not a valid tuple\.", "必须是列表"),
    (r"Invalid type\.", "类型无效"),
    (r"Invalid value\.", "取值无效"),
    (r"Must be one of: (.*)\.", r"取值必须是以下之一：\1"),
    (r"Shorter than minimum length (\d+)\.", r"长度不能少于 \1 个字符"),
    (r"Longer than maximum length (\d+)\.", r"长度不能超过 \1 个字符"),
    (r"Length must be between (\d+) and (\d+)\.", r"长度必须在 \1～\2 个字符之间"),
    (r"Length must be (\d+)\.", r"长度必须为 \1 个字符"),
    (r"Must be greater than or equal to (\S+) and less than or equal to (\S+)\.", r"必须在 \1～\2 之间"),
    (r"Must be greater than (\S+) and less than (\S+)\.", r"必须大于 \1 且小于 \2"),
    (r"Must be greater than or equal to (\S+)\.", r"不能小于 \1"),
    (r"Must be less than or equal to (\S+)\.", r"不能大于 \1"),
    (r"Must be greater than (\S+)\.", r"必须大于 \1"),
    (r"Must be less than (\S+)\.", r"必须小于 \1"),
    (r"Could not deserialize related value .*|Not a valid related id\.", "关联记录的 id 无效"),
    (r"Related record (\S+) not found\.", r"关联记录（id \1）不存在"),
    (r"Already exists\.?", "已存在"),
]
_VALIDATION_RES = [(re.compile(p + r"\Z", re.S), zh) for p, zh in _VALIDATION_TEXTS]

_API_MESSAGES = [  # FAB's own REST messages → Chinese
    (r"Request is not JSON", "请求体必须是 JSON（Content-Type: application/json）"),
    (r"400 Bad Request: .*", "请求体不是合法的 JSON"),
    (r"Not a valid rison(?:/json)? argument", "参数 q 不是合法的 rison 表达式"),
    (r"Not a valid rison schema (.*)", r"参数 q 的结构不正确：\1"),
    (r"Invalid order by column: (.*)", r"不能按字段 \1 排序"),
    (r"Filter column: (.*) not allowed to filter", r"不能按字段 \1 筛选"),
    (r"Filter operation: (.*) not allowed on column: (.*)", r"字段 \2 不支持筛选操作 \1"),
    (r"Cannot use both select and sel columns", "参数 columns 与 select_columns 不能同时使用"),
    (r"Arguments are not correct", "请求参数有误"),
    (r"Could not process entity", "数据不符合规则"),
]
_API_RES = [(re.compile(p + r"\Z", re.S), zh) for p, zh in _API_MESSAGES]


def flatten_messages(texts) -> list[str]:
    """marshmallow nests messages for lists and nested fields ({0: [...]}) — flatten to a list of strings."""
    if isinstance(texts, dict):
        return [t for v in texts.values() for t in flatten_messages(v)]
    if isinstance(texts, (list, tuple)):
        return [t for v in texts for t in flatten_messages(v)]
    return [str(texts)]


def zh_validation_text(text: str) -> str:
    for pattern, zh in _VALIDATION_RES:
        if pattern.match(text):
            return pattern.sub(zh, text)
    translated = gettext(text)  # FAB's own validators (e.g. password complexity) are in the catalogues
    return translated if translated != text else f"取值无效（{text}）"


def zh_api_message(message, default: str) -> str:
    if not message:
        return default
    text = str(message)
    for pattern, zh in _API_RES:
        if pattern.match(text):
            return pattern.sub(zh, text)
    return text if re.search(r"[\u4e00-\u9fff]", text) else default


def integrity_message(text: str, labels: dict) -> str:
    """A database constraint error (SQLite or PostgreSQL wording) as one Chinese sentence naming the field."""
    def label(column: str) -> str:
        column = column.strip().strip('"').split(".")[-1]
        return f"「{labels.get(column) or column}」"

    low = text.lower()
    if "unique" in low or "duplicate key" in low:
        m = re.search(r"UNIQUE constraint failed: ([\w., ]+)", text) or re.search(r"Key \(([^)]+)\)=", text)
        cols = "、".join(label(c) for c in m.group(1).split(",")) if m else ""
        return "违反唯一性约束：该记录已存在" + (f"（{cols}重复）" if cols else "")
    if "not null" in low or "not-null" in low:
        m = re.search(r"NOT NULL constraint failed: ([\w.]+)", text) or re.search(r'column "(\w+)"', text)
        return "缺少必填字段" + (label(m.group(1)) if m else "")
    if "foreign key" in low:
        return "违反外键约束：关联的记录不存在，或该记录仍被其他记录引用"
    if "check constraint" in low:
        return "数据不符合规则（违反检查约束）"
    if "value too long" in low:
        return "文本超出字段允许的长度"
    return "数据库拒绝了这次修改：数据不符合规则"
