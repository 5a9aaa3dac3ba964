"""Base classes every screen and REST API of the project derives from."""

from __future__ import annotations

from flask import current_app
from flask_appbuilder import ModelRestApi, ModelView

from app.permissions import API_METHOD_PERMISSIONS, VIEW_METHOD_PERMISSIONS

from .labels import LABELS


def yes_no(value) -> str:
    return "是" if value else ("否" if value is not None else "")


class XctModelView(ModelView):
    """A declarative screen: Chinese labels, read/write permissions on the model's resource, capped pages."""

    method_permission_name = VIEW_METHOD_PERMISSIONS
    page_size = 25
    base_order = ("id", "desc")

    def __init__(self, **kwargs):
        if self.class_permission_name is None:
            self.class_permission_name = self.datamodel.obj.__name__
        self.label_columns = {**LABELS, **(self.label_columns or {})}
        super().__init__(**kwargs)
        for col in self.list_columns + self.show_columns:
            if col in self.datamodel.list_columns and self.datamodel.is_boolean(col):
                self.formatters_columns.setdefault(col, yes_no)

    def _get_list_widget(self, filters, actions=None, order_column="", order_direction="", page=None,
                         page_size=None, widgets=None, **kwargs):
        # FAB renders whatever ?psize_<View>= asks (100,000 rows measured) and 500s on unknown sort columns.
        cap = current_app.config.get("LIST_PAGE_SIZE_MAX", 100)
        if not page_size or page_size < 1:
            page_size = self.page_size
        page_size = min(page_size, cap)
        if order_column and order_column not in self.order_columns:
            order_column, order_direction = "", ""
        return super()._get_list_widget(
            filters, actions=actions, order_column=order_column, order_direction=order_direction,
            page=page, page_size=page_size, widgets=widgets, **kwargs,
        )


class XctModelRestApi(ModelRestApi):
    """A REST resource in FAB's style with a stable default order and read/write permissions."""

    method_permission_name = API_METHOD_PERMISSIONS
    allow_browser_login = True
    page_size = 25
    max_page_size = 100
    base_order = ("id", "asc")

    def __init__(self, **kwargs):
        if self.class_permission_name is None:
            self.class_permission_name = self.datamodel.obj.__name__
        self.label_columns = {**LABELS, **(self.label_columns or {})}
        super().__init__(**kwargs)
