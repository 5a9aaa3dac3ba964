"""界面配置: an administrator reshapes any list screen without a release — its columns, their order and labels,
the default filters and sort — with a preview, and a reset to the screen as coded.

The setting is a row of schema.ScreenSetting, applied by views.base.XctModelView.layout on the next request of any
host; every save is an ORM write, so its change history is on the row's 历史 tab (ScreenSettingView.show).
Permissions: the resource ``ScreenSetting`` (read and write), which only Admin holds — no role in
app.permissions.ROLE_GRANTS grants it.
"""

from __future__ import annotations

from flask import abort, flash, g, redirect, request, url_for
from flask_appbuilder import BaseView, expose, has_access

from app.extensions import db
from app.permissions import WRITE
from app.uow import transaction
from schema import ScreenSetting

from .base import ORDER_DIRECTIONS, LayoutError, ScreenLayout, XctModelView, XctSQLAInterface

CATEGORY = "系统设置"
PREVIEW_ROWS = 10
FILTER_SLOTS = 3
LABELS = {"screen": "界面", "columns": "列（按顺序）", "labels": "列名", "filters": "默认筛选",
          "order_column": "默认排序列", "order_direction": "排序方向", "version": "版本", "changed_by": "修改人"}


class ScreenSettingView(XctModelView):
    """The settings as records: read-only, each with its change history (the 历史 tab)."""

    datamodel = XctSQLAInterface(ScreenSetting)
    class_permission_name = "ScreenSetting"
    include_route_methods = {"list", "show"}
    list_columns = ["screen", "version", "changed_by", "updated_at"]
    show_columns = ["screen", "columns", "labels", "filters", "order_column", "order_direction", "version",
                    "changed_by", "updated_at"]
    search_columns = ["screen", "changed_by"]
    order_columns = ["screen", "version", "updated_at"]
    label_columns = LABELS


def list_screens(appbuilder) -> dict[str, XctModelView]:
    """Every list screen of the application by its class name (menu screens and hidden ones)."""
    return {type(v).__name__: v for v in appbuilder.baseviews
            if isinstance(v, XctModelView) and not isinstance(v, ScreenSettingView)}


def form_setting(view: XctModelView, form) -> dict:
    """The edit form's fields as a setting (views.base.XctModelView.check_layout checks it)."""
    allowed = view.layout_columns()
    for key in form:
        if key.startswith("show_") and key[5:] not in allowed:
            raise LayoutError(f"「列」：此界面不能显示列「{key[5:]}」（只能从本界面的列表列和详情列中选择）", "columns")
    picked = []
    for i, col in enumerate(allowed):
        if form.get(f"show_{col}"):
            text = (form.get(f"pos_{col}") or "").strip()
            try:
                pos = int(text) if text else i + 1
            except ValueError:
                raise LayoutError(f"「列」：列「{view.label_columns.get(col, col)}」的顺序必须是整数", "columns")
            picked.append((pos, i, col))
    if not picked:
        raise LayoutError("「列」：至少选择一列", "columns")
    filters = []
    for i in range(FILTER_SLOTS):
        key = form.get(f"flt_{i}") or ""
        if key:
            col, _, opr = key.partition("|")
            filters.append({"col": col, "opr": opr, "value": form.get(f"flt_value_{i}")})
    return {"columns": [c for _, _, c in sorted(picked)],
            "labels": {c: form.get(f"label_{c}") for c in view.layout_columns() if form.get(f"label_{c}")},
            "filters": filters, "order_column": form.get("order_column") or None,
            "order_direction": form.get("order_direction") or None}


def save_setting(view: XctModelView, layout: ScreenLayout | None, actor: str) -> ScreenSetting:
    """Write `layout` (None: back to the screen as coded) as the screen's row; the caller commits."""
    name = type(view).__name__
    row = db.session.scalar(db.select(ScreenSetting).where(ScreenSetting.screen == name))
    if row is None:
        row = ScreenSetting(screen=name, version=0)
        db.session.add(row)
    default = view.default_layout()
    if layout is None:
        row.columns = row.labels = row.filters = row.order_column = row.order_direction = None
    else:
        row.columns = list(layout.columns) if layout.columns != default.columns else None
        row.labels = dict(layout.labels) or None
        row.filters = [{"col": c, "opr": o, "value": v} for c, o, v in layout.filters] or None
        order = layout.order if layout.order != default.order else None
        row.order_column, row.order_direction = order if order else (None, None)
    row.version = (row.version or 0) + 1
    row.changed_by = actor
    return row


def preview_rows(view: XctModelView, layout: ScreenLayout) -> dict:
    """The first rows the screen would show with `layout` (the reader's scope), as header and text cells."""
    dm = view.datamodel
    flts = view._with_filters(dm.get_filters(view.search_columns), layout.filters)
    order_column, order_direction = layout.order or ("", "")
    count, items = dm.query(flts.get_joined_filters(view._base_filters), order_column, order_direction,
                            page=0, page_size=PREVIEW_ROWS)
    labels = view.layout_labels(layout)
    cols = list(layout.columns)
    rows = []
    for values in dm.get_values(items, cols):
        rows.append([str(view.formatters_columns[c](values[c]) if c in view.formatters_columns else values[c])
                     for c in cols])
    return {"count": count, "header": [str(labels.get(c, c)) for c in cols], "rows": rows}


class ScreenSettingsView(BaseView):
    """界面配置: 选择界面 → 勾选、排序、改名列，默认筛选与排序 → 预览 → 保存 / 恢复默认."""

    route_base = "/screen-settings"
    default_view = "index"
    class_permission_name = "ScreenSetting"
    method_permission_name = {"index": WRITE, "edit": WRITE}

    def _screens(self) -> dict[str, XctModelView]:
        return list_screens(self.appbuilder)

    @expose("/", methods=["GET"])
    @has_access
    def index(self):
        rows = {r.screen: r for r in db.session.scalars(db.select(ScreenSetting))}
        screens = [{"name": name, "title": str(v.list_title), "row": rows.get(name),
                    "custom": bool(rows.get(name) and (rows[name].columns or rows[name].labels or rows[name].filters
                                                       or rows[name].order_column))}
                   for name, v in sorted(self._screens().items(), key=lambda kv: str(kv[1].list_title))]
        return self.render_template("xct/screen_settings.html", screens=screens, title="界面配置")

    @expose("/<name>", methods=["GET", "POST"])
    @has_access
    def edit(self, name):
        view = self._screens().get(name)
        if view is None:
            abort(404)
        preview, posted, status = None, None, 200
        layout = view.layout()
        if request.method == "POST":
            what = request.form.get("do")
            try:
                if what == "reset":
                    with transaction():
                        save_setting(view, None, g.user.username)
                    flash(f"「{view.list_title}」已恢复默认", "success")
                    return redirect(url_for("ScreenSettingsView.edit", name=name))
                posted = view.check_layout(form_setting(view, request.form))
                if what == "save":
                    with transaction():
                        save_setting(view, posted, g.user.username)
                    flash(f"「{view.list_title}」的界面配置已保存，下次打开列表即生效", "success")
                    return redirect(url_for("ScreenSettingsView.edit", name=name))
                preview = preview_rows(view, posted)
                layout = posted
            except LayoutError as exc:
                db.session.rollback()
                flash(f"未保存：{exc.message}", "danger")
                status = 400
        row = db.session.scalar(db.select(ScreenSetting).where(ScreenSetting.screen == name))
        return self.render_template(
            "xct/screen_setting_edit.html", title=f"界面配置：{view.list_title}", view=view, name=name,
            columns=_column_rows(view, layout), default=view.default_layout(), layout=layout, row=row,
            filter_choices=_filter_choices(view), filter_slots=_filter_slots(layout),
            order_choices=[(c, str(view.label_columns.get(c, c))) for c in view.order_columns],
            directions=ORDER_DIRECTIONS, preview=preview), status


def _column_rows(view: XctModelView, layout: ScreenLayout) -> list[dict]:
    shown = list(layout.columns)
    default = view.default_layout().columns
    rows = []
    for i, col in enumerate(view.layout_columns()):
        rows.append({"col": col, "default_label": str(view.label_columns.get(col, col)),
                     "label": layout.labels.get(col, ""), "shown": col in shown,
                     "pos": shown.index(col) + 1 if col in shown else len(shown) + i + 1,
                     "in_default": col in default})
    return sorted(rows, key=lambda r: (not r["shown"], r["pos"]))


def _filter_choices(view: XctModelView) -> list[tuple[str, str]]:
    search = view.datamodel.get_filters(view.search_columns).get_search_filters()
    return [(f"{col}|{flt.arg_name}", f"{view.label_columns.get(col, col)} — {flt.name}")
            for col in view.search_columns if col in search for flt in search[col]]


def _filter_slots(layout: ScreenLayout) -> list[dict]:
    slots = [{"key": f"{c}|{o}", "value": v} for c, o, v in layout.filters]
    return (slots + [{"key": "", "value": ""}] * FILTER_SLOTS)[:FILTER_SLOTS]


SCREENS = [
    (ScreenSettingsView, "界面配置", CATEGORY, "fa-columns"),
]
HIDDEN = [ScreenSettingView]
APIS: list = []
