"""The data interface every screen and REST API of the project uses: FAB's, row-scoped (app.fab_compat)."""

from __future__ import annotations

from contextvars import ContextVar

from flask import g, has_request_context, request
from flask_appbuilder.exceptions import DatabaseException
from flask_appbuilder.models.sqla.interface import SQLAInterface
from sqlalchemy.exc import SQLAlchemyError

from app.fab_compat import ScopedQueryMixin
from app.loading import load_shown, loader_options, need
from app.scope import scoped
from schema.base import INT_MAX

from app.labels import LABELS
from .messages import integrity_message


# Set while ``get`` loads one row: a show page, an edit form or an action reads what its page shows (row_options),
# not a list's columns.
_ONE_ROW = ContextVar("xct_one_row", default=False)


class XctSQLAInterface(ScopedQueryMixin, SQLAInterface):
    """FAB's data interface with three additions.

    Every query is limited to the current user's row scope (app.scope): FAB builds lists, counts, ``get`` (show,
    edit, delete, REST get/put/delete, @action, custom endpoints) and related dropdowns (``get_related_interface``
    returns this class) through ``_apply_inner_all`` or ``_get_base_query``, so those two are where the criterion
    goes (app.fab_compat.ScopedQueryMixin, once); a row outside the scope is simply not found, and FAB answers 404.
    Lists and REST answers load exactly the relations they show (``show_in_lists``, ``_answer_options``): a
    many-to-one joined, a collection in one statement, so a page costs the same statements for 25 or 100 rows
    and nothing cascades from the models' selectin defaults; and database errors carry one Chinese sentence
    (screens flash it, APIs answer 422).
    """

    # The loader options of this screen's lists (``show_in_lists``); None: the models' defaults (a related
    # interface, e.g. a dropdown's).
    list_options: tuple | None = None

    # The loader options of this screen's single-row pages (``show_in_rows``); None: the models' defaults.
    row_options: tuple | None = None

    def show_in_lists(self, columns) -> None:
        """Lists of this interface show (some of) `columns`, each by name (``__str__``): load exactly what they
        read, whatever the row count, and nothing else."""
        self.list_options = load_shown(self.obj, columns)

    def show_in_rows(self, columns) -> None:
        """This screen's show page shows `columns` by name: the row and what they read come in one statement (the
        many-to-one joined); a relation the page or a form touches beyond them loads when touched, one statement
        as before, and nothing cascades from the models' selectin defaults."""
        self.row_options = load_shown(self.obj, columns, one_row=True)

    def _answer_options(self, select_columns) -> tuple:
        """A REST answer's loader options: FAB joins the dotted columns' relations and loads the leaf column only
        (``apply_inner_select_joins``); nothing below them, no other relation, unless a computed column reads it.
        Kept per column list (an API has two: list and show) and for a list or one item."""
        memo = self.__dict__.setdefault("_answer_memo", {})
        key = (tuple(select_columns), _ONE_ROW.get())
        if key not in memo:
            tree: dict = {}
            for column in select_columns:
                need(self.obj, column.split("."), tree, named=False)
            fab_joined = {c.split(".", 1)[0] for c in select_columns if "." in c}
            memo[key] = tuple(loader_options(self.obj, tree, fab_joined=fab_joined, one_row=key[1]))
        return memo[key]

    def scoped(self, query):
        """`query` (of this interface's model) limited to the current user's scope."""
        return scoped(query, self.obj)

    def get(self, id, filters=None, select_columns=None, outer_default_load=False):
        """A show page asks for its row several times (FAB's show, the page's own panels, its step buttons): within
        one GET of a show page the scoped statement and its eager loads run once, later asks get the same row."""
        plain = not (filters is not None and filters.filters) and not select_columns and not outer_default_load
        if not (plain and has_request_context() and request.method == "GET"
                and (request.endpoint or "").endswith(".show")):
            return self._one_row(id, filters, select_columns, outer_default_load)
        memo = g.setdefault("_xct_shown_rows", {})
        key = (self.obj, str(id))
        if key not in memo:
            memo[key] = self._one_row(id, filters, select_columns, outer_default_load)
        return memo[key]

    def _one_row(self, *args):
        token = _ONE_ROW.set(True)
        try:
            return super().get(*args)
        finally:
            _ONE_ROW.reset(token)

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
        if select_columns:  # a REST list or item: its columns
            return query.options(*self._answer_options(select_columns))
        options = self.row_options if _ONE_ROW.get() else self.list_options  # a screen's row, or its lists
        return query.options(*options) if options is not None else query

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
