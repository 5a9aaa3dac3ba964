"""Loading what a page shows, at once and no more (issue 18 item 1: a page's statements do not grow with its rows).

Most relations are declared lazy="selectin" (schema/*.py), so loading a row also loads each related row, and theirs
in turn. A page that names a row loads what it names instead: a relation shown as a column and what its
``__str__`` reads (found in the method's source), a many-to-one joined in the same statement, a collection in one
statement, every other relation left to load only if touched. views.base.interface uses this for every list,
REST answer and show page; app.home for the rows its queues name.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from functools import cache

import sqlalchemy as sa
from sqlalchemy.orm import defaultload, joinedload, lazyload, selectinload


@cache
def _relations_read(model: type, name: str) -> tuple[str, ...]:
    """The relations of `model` its method or property `name` reads (``self.<relation>`` in its source): what a
    list must load with a row for ``__str__`` or a computed column, lest each row load them one by one."""
    fn = getattr(model, name, None)
    fn = getattr(fn, "fget", fn)
    if fn is None or fn is getattr(object, name, None):
        return ()
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError):  # no Python source (a C slot, a SQL expression): nothing to follow
        return ()
    read = {n.attr for n in ast.walk(tree)
            if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name) and n.value.id == "self"}
    return tuple(r.key for r in sa.inspect(model).relationships if r.key in read)


def need(model: type, parts: list[str], tree: dict, named: bool, chain: tuple[type, ...] = ()) -> None:
    """Add to `tree` (relation → the relations to load below it) what showing the column `parts` of `model`
    reads: a relation and, when it is shown by name (`named`), what its ``__str__`` reads, recursively; a dotted
    column its path; a method or property the relations its source reads."""
    relations = sa.inspect(model).relationships
    head = parts[0]
    if head in relations:
        target = relations[head].mapper.class_
        below = tree.setdefault(head, {})
        if len(parts) > 1:
            need(target, parts[1:], below, named, chain + (model,))
        elif named and target not in chain:  # a __str__ naming its own kind (a round's previous round) stops
            for dep in _relations_read(target, "__str__"):
                need(target, [dep], below, named, chain + (model,))
    elif len(parts) == 1 and head not in sa.inspect(model).column_attrs:
        for dep in _relations_read(model, head):
            need(model, [dep], tree, named, chain)


def loader_options(model: type, tree: dict, path=None, fab_joined=frozenset(), one_row: bool = False) -> list:
    """Loader options for `tree` (see ``_need``) below `path` (None: the listed model): a collection in one
    statement; a many-to-one of the listed rows in one statement too, joined to what lies below it, and in the
    row's own statement when there is `one_row`; every other relation, selectin by the model's default
    (schema/*.py), is left unloaded, so nothing cascades beyond what is shown. The relations in `fab_joined` (the
    listed model's) FAB's REST query loads itself: only what lies below them is set here.

    A list's relations are not joined into its own statement: its ORDER BY … LIMIT then sorts the table alone, not
    every row joined to every shown relation first (PostgreSQL, 整改台账 of 巡察办 at ×200 the demo: 34 ms joined)."""
    relations = sa.inspect(model).relationships
    options = [path.lazyload("*") if path is not None else lazyload("*")]
    for name, below in tree.items():
        rel, attr = relations[name], getattr(model, name)
        if name in fab_joined:
            step = defaultload(attr)
        elif path is None:
            step = joinedload(attr) if one_row and not rel.uselist else selectinload(attr)
        else:
            step = path.selectinload(attr) if rel.uselist else path.joinedload(attr)
        options.append(step)
        options += loader_options(rel.mapper.class_, below, step)
    return options


def load_shown(model: type, columns, one_row: bool = False) -> tuple:
    """Loader options for rows of `model` (or `one_row`) shown by the `columns` (each by name, ``__str__``); no
    columns: nothing beyond the row itself."""
    tree: dict = {}
    for column in columns:
        need(model, column.split("."), tree, named=True)
    return tuple(loader_options(model, tree, one_row=one_row))


def load_label(model: type) -> tuple:
    """Loader options for rows of `model` shown as their ``str()`` alone (a link's label)."""
    tree: dict = {}
    for dep in _relations_read(model, "__str__"):
        need(model, [dep], tree, named=True)
    return tuple(loader_options(model, tree))
