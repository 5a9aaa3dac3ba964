"""Every override of Flask-AppBuilder internals, in one place, with the FAB version it was written for.

FAB's private methods can be renamed in any release; an override that FAB stops calling fails silently — for the
row scope that would mean every user sees every row. So each override is declared in ``OVERRIDES`` (what it replaces,
FAB's parameters when it was written, why), ``check_fab`` refuses at start-up a FAB version nobody checked or an
override whose target is gone or changed, and tests/test_fab_compat.py runs the same canary plus a functional
"scope canary" over list, show, REST, actions, related views and exports.

Upgrading FAB: set ``FAB_ALLOW_UNTESTED_VERSION = True`` in the config for a trial, run the canary tests, re-read
each override below against the new FAB source, then add the version to ``TESTED_FAB_VERSIONS``.
"""

from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass

import flask_appbuilder
import flask_appbuilder.api as fab_api
import jsonschema
import sqlalchemy as sa
from flask import current_app
from flask_appbuilder.fields import EnumField
from flask_appbuilder.models.sqla import filters as sqla_filters
from flask_appbuilder.urltools import get_order_args, get_page_args, get_page_size_args
from wtforms.validators import ValidationError

from app.audit import PAGE, record_read

WRITTEN_FOR = "5.3.0"
TESTED_FAB_VERSIONS = frozenset({"5.3.0"})


@dataclass(frozen=True)
class Override:
    """One FAB internal we replace or patch: ``target`` is "module:Class.method" or "module:function"."""

    target: str
    parameters: tuple[str, ...]  # FAB's parameter names (self included) in WRITTEN_FOR
    where: str  # our replacement
    why: str
    written_for: str = WRITTEN_FOR


_IFACE = "flask_appbuilder.models.sqla.interface:SQLAInterface"
_VIEW = "flask_appbuilder.views:ModelView"
_REST = "flask_appbuilder.api:ModelRestApi"
_SM = "flask_appbuilder.security.sqla.manager:SecurityManager"

OVERRIDES: tuple[Override, ...] = (
    Override(f"{_IFACE}._apply_inner_all",
             ("self", "query", "filters", "order_column", "order_direction", "page", "page_size", "select_columns",
              "aliases_mapping"),
             "ScopedQueryMixin._apply_inner_all",
             "row scope: lists, counts and get (show, edit, delete, REST, @action) all start here"),
    Override(f"{_IFACE}._get_base_query", ("self", "query", "filters", "order_column", "order_direction"),
             "ScopedQueryMixin._get_base_query", "row scope of the group-by (chart) queries"),
    Override(f"{_VIEW}._list", ("self", "kwargs"), "LayoutListMixin._list",
             "a list's filters per request (FAB's self._filters is shared by every thread) and the 界面配置"),
    Override(f"{_VIEW}._get_list_widget",
             ("self", "filters", "actions", "order_column", "order_direction", "page", "page_size", "widgets",
              "kwargs"),
             "LayoutListMixin._get_list_widget",
             "capped page size, crafted sort columns refused, the 界面配置 columns/labels/order, reads logged"),
    Override(f"{_REST}._get_field_info", ("self", "field", "filter_rel_field", "page", "page_size"),
             "RestInfoMixin._get_field_info", "_info answers Chinese labels and no PO header as a description"),
    Override(f"{_REST}._description_columns_json", ("self", "cols"), "RestInfoMixin._description_columns_json",
             "under zh, gettext('') is the catalogue's PO header"),
    Override(f"{_VIEW}._get_add_widget", ("self", "form", "exclude_cols", "widgets"),
             "views.base.screen.XctModelView._get_add_widget", "step-owned fields shown read-only (issue 13)"),
    Override(f"{_VIEW}._get_edit_widget", ("self", "form", "exclude_cols", "widgets"),
             "views.base.screen.XctModelView._get_edit_widget", "step-owned fields shown read-only (issue 13)"),
    Override("flask_appbuilder.fields:EnumField.pre_validate", ("self", "form"), "_enum_pre_validate",
             "a bad choice raised a plain ValueError WTForms 3 does not catch: a 500"),
    Override("flask_appbuilder.models.sqla.filters:set_value_to_type", ("datamodel", "column_name", "value"),
             "_filter_value_in_range",
             "filter values of the column's type and range (PostgreSQL refuses text = number, SQLite's driver "
             "an integer beyond 64 bits): a 500 otherwise"),
    Override("flask_appbuilder.api:rison", ("schema",), "_SchemaOnceChecked",
             "the rison (q) schema checked against the metaschema once, not on every REST request (16 ms each)"),
    Override(f"{_REST}._init_model_schemas", ("self",), "RestInfoMixin._init_model_schemas",
             "each API's marshmallow schemas converted once per process, not at every create_app (0.6 s of 1.5)"),
    # app/security.py (owned by the security work) overrides these two; listed here so the canary covers them.
    Override(f"{_SM}._has_view_access", ("self", "user", "permission_name", "view_name"),
             "app.security.XctSecurityManager._has_view_access", "one permission query per request, not per check"),
    Override(f"{_SM}._get_user_permission_view_menus", ("self", "user", "permission_name", "view_menus_name"),
             "app.security.XctSecurityManager._get_user_permission_view_menus", "the menu from the same set"),
)


def resolve(target: str):
    """The FAB object `target` names ("module:Class.attr" or "module:function"); AttributeError if it is gone."""
    module_name, _, path = target.partition(":")
    obj = importlib.import_module(module_name)
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


def _fab_original(override: Override):
    # Our patches replace the module attribute: the canary compares against what FAB itself defined.
    obj = resolve(override.target)
    return getattr(obj, "__xct_original__", obj)


def problems() -> list[str]:
    """What no longer matches the FAB installed: a missing method, or changed parameters."""
    found = []
    for o in OVERRIDES:
        try:
            fn = _fab_original(o)
        except (ImportError, AttributeError):
            found.append(f"{o.target}: missing in Flask-AppBuilder {flask_appbuilder.__version__} "
                         f"(overridden by {o.where}, written for {o.written_for})")
            continue
        params = tuple(inspect.signature(fn).parameters)
        if params != o.parameters:
            found.append(f"{o.target}: parameters {params} in Flask-AppBuilder {flask_appbuilder.__version__}, "
                         f"{o.parameters} in {o.written_for} (overridden by {o.where})")
    return found


def check_fab(config) -> None:
    """Refuse to start on a FAB version nobody checked (unless FAB_ALLOW_UNTESTED_VERSION) or one under which an
    override no longer matches (always: row scope could be silently off)."""
    version = flask_appbuilder.__version__
    if version not in TESTED_FAB_VERSIONS and not config.get("FAB_ALLOW_UNTESTED_VERSION"):
        raise RuntimeError(
            f"Flask-AppBuilder {version} 未经本系统验证（已验证：{'、'.join(sorted(TESTED_FAB_VERSIONS))}）。"
            f"app/fab_compat.py 中的覆盖（行级权限范围等）可能失效。升级试验时可设置 FAB_ALLOW_UNTESTED_VERSION=True，"
            f"并运行 tests/test_fab_compat.py。")
    found = problems()
    if found:
        raise RuntimeError("Flask-AppBuilder 内部接口已变化，以下覆盖不再匹配（行级权限范围可能失效）：\n"
                           + "\n".join(found))


# ---- the import-time patches of FAB functions, installed once by install() -------------------------------------


def _enum_pre_validate(self, form):
    # FAB's EnumField raises a plain ValueError that WTForms 3 does not catch: a 500 on a bad choice.
    if not any(self.data == self.coerce(v) for v, _ in self.choices):
        raise ValidationError(self.gettext("Not a valid choice"))


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


class _SchemaOnceChecked:
    """FAB's @rison as `jsonschema` (flask_appbuilder.api's reference to it): jsonschema.validate checks the schema
    itself against its metaschema before every validation — 16 ms of each REST list request. FAB's schemas are its
    module constants: each is checked once, its validator kept, and the same errors raised."""

    ValidationError = jsonschema.ValidationError
    _validators: dict[int, tuple[dict, object]] = {}

    @classmethod
    def validate(cls, instance, schema) -> None:
        held = cls._validators.get(id(schema))
        if held is None or held[0] is not schema:
            validator_class = jsonschema.validators.validator_for(schema)
            validator_class.check_schema(schema)
            held = cls._validators[id(schema)] = (schema, validator_class(schema))
        error = jsonschema.exceptions.best_match(held[1].iter_errors(instance))
        if error is not None:
            raise error


def _patch(owner, name: str, replacement) -> None:
    current = getattr(owner, name)
    if current is replacement:
        return
    replacement.__xct_original__ = current
    setattr(owner, name, replacement)


def install() -> None:
    """Apply the patches of FAB functions (idempotent)."""
    _patch(EnumField, "pre_validate", _enum_pre_validate)
    _patch(sqla_filters, "set_value_to_type", _filter_value_in_range)
    _patch(fab_api, "jsonschema", _SchemaOnceChecked)


install()  # at import, as before: views import this module before FAB builds a form or a filter


# ---- the overriding methods, as mixins the project's base classes put before FAB's ------------------------------


class ScopedQueryMixin:
    """Row scope on SQLAInterface: the class defines ``scoped(query)``; a row outside is simply not found."""

    def _apply_inner_all(self, query, *args, **kwargs):
        # query_count, apply_all (query, get) all start here, before FAB adds joins, filters and pagination.
        return super()._apply_inner_all(self.scoped(query), *args, **kwargs)

    def _get_base_query(self, query, *args, **kwargs):
        # the group-by queries (charts) start here.
        return super()._get_base_query(self.scoped(query), *args, **kwargs)


class LayoutListMixin:
    """FAB's ``_list``/``_get_list_widget`` (copied from 5.3.0) with this request's filters and layout: the class
    defines ``request_filters()``, ``layout()`` and ``layout_labels(layout)`` (views.base.layout)."""

    def _list(self, **kwargs):
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
        # FAB's renders whatever ?psize_<View>= asks (100,000 rows measured) and 500s on unknown sort columns.
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


# (API class, its schemas given, its columns for list/add/edit/show) → FAB's four schemas. A schema is a function of the
# class's declarations (model, columns, validators) and binds the one `db.session` every app shares; a process that
# builds several apps (the tests' dozens, a CLI command next to the web app) converts each API once.
_SCHEMAS: dict[tuple, tuple] = {}


class RestInfoMixin:
    """FAB's ``_info`` pieces with Chinese labels and no PO header for an empty description, and its schemas kept."""

    def _init_model_schemas(self) -> None:
        given = (self.list_model_schema, self.add_model_schema, self.edit_model_schema, self.show_model_schema)
        key = (type(self), given, *(tuple(c) for c in (self.list_columns, self.add_columns, self.edit_columns,
                                                          self.show_columns)))
        held = _SCHEMAS.get(key)
        if held is None:
            super()._init_model_schemas()
            held = _SCHEMAS[key] = (self.list_model_schema, self.add_model_schema, self.edit_model_schema,
                                    self.show_model_schema)
        self.list_model_schema, self.add_model_schema, self.edit_model_schema, self.show_model_schema = held

    def _description_columns_json(self, cols=None):
        # FAB runs gettext() on every description; under zh, gettext("") is the catalogue's PO header.
        return {k: str(v) for k, v in self.description_columns.items() if k in (cols or []) and v}

    def _get_field_info(self, field, filter_rel_field, page=None, page_size=None):
        info = super()._get_field_info(field, filter_rel_field, page=page, page_size=page_size)
        info["label"] = str(self.label_columns.get(field.name) or field.name)
        info["description"] = str(self.description_columns.get(field.name) or "")
        return info
