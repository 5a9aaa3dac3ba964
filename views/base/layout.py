"""界面配置 (schema.ScreenSetting): a screen's columns, labels, default filters and sort, per request."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import g
from flask_appbuilder.urltools import get_filter_args, get_order_args

from app.errors import BadRequest
from schema import ScreenSetting


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


class LayoutError(BadRequest):
    """A screen setting refused: `field` names the part (columns, labels, filters, order), message in Chinese."""


class LayoutMixin:
    """The layout of this request, in one place (XctModelView)."""

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
