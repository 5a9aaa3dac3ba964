"""The data interface every screen and REST API of the project uses: FAB's, row-scoped (app.fab_compat)."""

from __future__ import annotations

from flask import g, has_request_context, request
from flask_appbuilder.exceptions import DatabaseException
from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload

from app.fab_compat import ScopedQueryMixin
from app.scope import scoped
from schema.base import INT_MAX

from app.labels import LABELS
from .messages import integrity_message


class XctSQLAInterface(ScopedQueryMixin, SQLAInterface):
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
        return scoped(query, self.obj)

    def _apply_inner_all(self, query, *args, **kwargs):
        # query_count, apply_all (query, get) all start here, before FAB adds joins, filters and pagination.
        return super()._apply_inner_all(self.scoped(query), *args, **kwargs)

    def _get_base_query(self, query, *args, **kwargs):
        # the group-by queries (charts) start here.
        return super()._get_base_query(self.scoped(query), *args, **kwargs)

    def get(self, id, filters=None, select_columns=None, outer_default_load=False):
        """A show page asks for its row several times (FAB's show, the page's own panels, its step buttons): within
        one GET of a show page the scoped statement and its eager loads run once, later asks get the same row."""
        plain = not (filters is not None and filters.filters) and not select_columns and not outer_default_load
        if not (plain and has_request_context() and request.method == "GET"
                and (request.endpoint or "").endswith(".show")):
            return super().get(id, filters, select_columns, outer_default_load)
        memo = g.setdefault("_xct_shown_rows", {})
        key = (self.obj, str(id))
        if key not in memo:
            memo[key] = super().get(id, filters, select_columns, outer_default_load)
        return memo[key]

    def get_related_obj(self, col_name, value):
        # A relation filter's value is an id: anything else (or an id beyond the column) names no row, where
        # PostgreSQL would refuse the comparison and FAB answer with an English error. FAB passes a related
        # tab's parent as a list (`_flt_0_inspection=['8']`): its one element is the id.
        if isinstance(value, (list, tuple)) and len(value) == 1:
            value = value[0]
        if isinstance(value, bool) or not str(value).strip().isdigit() or int(value) > INT_MAX:
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
