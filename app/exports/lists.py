"""Any list screen or REST list as an Excel sheet (for meetings): the rows that list shows, every page of them.

The rows come from the view's own datamodel query path (``XctSQLAInterface``), so the user's row scope
(app.scope), the list's filters — FAB's ``_flt_`` arguments on a screen, the rison ``q`` on the API — and its order
are exactly the list's. The sheet is streamed: xlsxwriter's constant_memory mode writes each row as it comes and
the query is read ``yield_per`` chunk, so a job of 100,000 rows needs the memory of one chunk.
"""

from __future__ import annotations

import decimal
import enum
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import prison
import sqlalchemy as sa
import xlsxwriter
from flask import request
from flask_appbuilder import ModelRestApi
from flask_appbuilder.exceptions import FABException
from sqlalchemy.orm import MANYTOONE, Query

from app.audit import EXPORT, MASK, identity_columns, record_reads_now
from app.commands import CommandError
from app.errors import BadRequest
from app.messages import zh_api_message
from app.scope import taken_out

MAX_WIDTH = 50  # a column never gets wider than this (characters); longer text wraps in Excel
SAMPLE_ROWS = 200  # column widths follow the header and the first rows
RELATED_CACHE = 10_000  # display values of related records kept at once (one export)


@dataclass
class ListExport:
    title: str  # the list's title: the sheet's and the file's name
    columns: list[str]  # the list's columns, dotted for REST relations (``inspection.id``)
    labels: list[str]  # their Chinese headers
    count: int
    query: Query
    model: type

    @property
    def filename(self) -> str:
        return f"{self.title}.xlsx"


def list_export(view) -> ListExport:
    """The rows `view` (an XctModelView or XctModelRestApi) lists for the current request's filters, unpaged.

    Raises CommandError (400) for a filter or order the list itself would refuse.
    """
    dm = view.datamodel
    if isinstance(view, ModelRestApi):
        # the q argument was checked to be rison (app.web.guard_request)
        args = prison.loads(request.args["q"]) if request.args.get("q") else {}
        if not isinstance(args, dict):
            raise _bad("参数 q 必须是 rison 对象")
        try:
            filters = view._handle_filters_args(args)
            order_column, order_direction = view._handle_order_args(args)
        except FABException as exc:
            raise _bad(zh_api_message(str(exc), "参数 q 有误")) from exc
        listed, label_of = view.list_columns, view.label_columns
    else:
        # A screen's export follows its 界面配置 (views.base.XctModelView.layout): the columns, labels, default
        # filters and sort the screen shows; the REST export keeps the API's own columns (API.md).
        filters = view.request_filters().get_joined_filters(view._base_filters)
        order_column, order_direction = view.request_order()
        listed, label_of = view.layout().columns, view.layout_labels()
    # A petitioner's identity is exported as the list shows it, 已隐藏 (app.audit: hidden on every path until
    # revealed with a reason on the petition's page).
    columns = list(listed)
    labels = [str(label_of.get(c) or c) for c in columns]
    query = taken_out(dm.session.query(dm.obj), dm.obj)  # 八（二）: the team takes nothing out after the handover
    count = dm.query_count(query, filters)
    rows = dm.apply_all(query, filters, order_column, order_direction)
    return ListExport(str(view.list_title), columns, labels, count, rows, dm.obj)


def _bad(message: str) -> CommandError:
    return BadRequest(message, "q")


def value_of(item, column: str, hidden: frozenset[str] = frozenset()):
    """The value a list shows in `column` of `item`: dotted columns follow relations, methods are called; a
    petitioner's identity (`hidden`: app.audit.identity_columns) is masked."""
    if column in hidden:
        return MASK if getattr(item, column, None) else None
    value = item
    for part in column.split("."):
        if value is None:
            return None
        value = getattr(value, part, None)
    return value() if callable(value) else value


def write_workbook(target: Path, export: ListExport, progress: Callable[[int], None] | None = None,
                   chunk: int = 1000) -> int:
    """Write the export's rows to `target` (.xlsx), reading them `chunk` at a time; call `progress(rows written)`
    after each chunk. Answers the number of rows.

    Memory stays that of one chunk whatever the row count: the query streams (``yield_per``: a server-side cursor
    where the driver has one), xlsxwriter's constant_memory mode writes each row out as the next begins, column
    widths follow the header and the first SAMPLE_ROWS rows, and the read log keeps only the exported ids
    (8 bytes each) until the file is complete, then writes its rows in batches.

    Speed is the writer's (issue 18 item 3): when every listed column is a table column or a many-to-one relation
    the rows are read as plain column values (no ORM entity is built), each column written by a writer chosen once
    for its type; any other column (a property, a method, a collection) reads the rows as entities, value_of each.
    Both give the same cells.
    """
    book = new_workbook(str(target), constant_memory=True)
    sheet = book.add_worksheet(_sheet_name(export.title))
    head, formats = _formats(book)
    widths = [_width(label) + 2 for label in export.labels]
    for col, label in enumerate(export.labels):
        sheet.write_string(0, col, label, head)
    print_setup(sheet, export.title)
    rows, columns = _rows(export, sheet, formats, chunk)
    # row[0] is the id; a column's value is row[col + 1]
    cells = [(col, col + 1, column.write, column.format, column.cell) for col, column in enumerate(columns)]
    written, ids = 0, array("q")
    for written, row in enumerate(rows, 1):
        ids.append(row[0])
        for col, at, write, cell_format, _ in cells:
            if (value := row[at]) is not None:  # an empty cell, on every path
                write(written, col, value, cell_format)
        if written <= SAMPLE_ROWS:
            for col, at, _, _, cell in cells:
                widths[col] = max(widths[col], _shown(cell(row[at])))
        if progress and written % chunk == 0:
            progress(written)
    # constant_memory: widths may be set after the rows, they are written with the sheet's header on close
    for col, width in enumerate(widths):
        sheet.set_column(col, col, min(width, MAX_WIDTH))
    book.close()
    # Exporting talks, petitions, clues or materials is reading each of them (DOMAIN.md §6), exactly once per
    # exported record; written once the file is complete (a failed export read nothing out), on the read log's own
    # transaction, so a job (which has no after-request hook) records them too.
    record_reads_now(export.model, ids, EXPORT)
    return written


@dataclass
class _Column:
    """How one listed column reaches its cells: `write(row, col, value, format)` writes a value read for it (never
    None: that cell stays empty), `cell(value)` answers what that cell shows (for the width sample)."""

    write: Callable[[int, int, object, object], object]
    format: object = None
    cell: Callable[[object], object] = lambda value: value
    expression: object = None  # what the column query selects for it (None: read from the entity)


def _rows(export: ListExport, sheet, formats, chunk: int):
    """(the rows, each the record's id then one value per listed column; the columns' _Column): column values when
    every listed column allows it, entities otherwise."""
    columns = _plain_columns(export, sheet, formats)
    if columns is not None:
        # The list's own query (scope, filters, joins, order) selecting columns instead of the entity; the
        # relations its screen loads with the rows (list_options) have no entity to load onto here.
        query = export.query.with_entities(export.model.id, *(c.expression for c in columns))
        return query.yield_per(chunk), columns
    hidden = identity_columns(export.model)
    names = export.columns

    def write(row: int, col: int, value, _) -> None:
        _write(sheet, row, col, value, formats)

    return (((item.id, *(value_of(item, name, hidden) for name in names)) for item in export.query.yield_per(chunk)),
            [_Column(write) for _ in names])


def _plain_columns(export: ListExport, sheet, formats) -> list[_Column] | None:
    """The listed columns read as column values, or None when one of them needs the entity: a table column is
    selected as it is (a petitioner's identity too, masked when written), a many-to-one relation (or a dotted column
    through one) by its foreign key, whose display value is computed once per related record."""
    mapper = sa.inspect(export.model)
    hidden = identity_columns(export.model)
    session = export.query.session
    columns = []
    for name in export.columns:
        head, _, rest = name.partition(".")
        if name in hidden:
            columns.append(_Column(_masked_writer(sheet), formats[str], _mask, getattr(export.model, name)))
        elif not rest and head in mapper.column_attrs:
            write, cell_format = _typed_writer(sheet, formats, mapper.column_attrs[head].columns[0].type)
            columns.append(_Column(write, cell_format, expression=getattr(export.model, head)))
        elif head in mapper.relationships and (key := _foreign_key(mapper, mapper.relationships[head])) is not None:
            shown = _RelatedCells(session, mapper.relationships[head].mapper.class_, rest)

            def write(row: int, col: int, value, _, shown=shown) -> None:
                _write(sheet, row, col, shown[value], formats)

            columns.append(_Column(write, cell=shown.__getitem__, expression=key))
        else:
            return None
    return columns


def _foreign_key(mapper, relation):
    """The model's attribute holding `relation`'s foreign key when it is a plain many-to-one to the related primary
    key (so that the key alone names the related record), else None."""
    if relation.direction is not MANYTOONE or relation.secondary is not None or len(relation.local_remote_pairs) != 1:
        return None
    local, remote = relation.local_remote_pairs[0]
    if list(relation.mapper.primary_key) != [remote] or not relation.primaryjoin.compare(remote == local):
        return None
    return getattr(mapper.class_, mapper.get_property_by_column(local).key)


class _RelatedCells(dict):
    """A many-to-one column's cell value per foreign key: value_of the related record (its str for a record), read
    and computed once per key rather than per row; at most RELATED_CACHE keys are kept (a self-reference such as
    a duplicate's original may name as many records as there are rows)."""

    def __init__(self, session, model: type, rest: str):
        super().__init__()
        self.session, self.model, self.rest = session, model, rest

    def __missing__(self, key):
        item = None if key is None else self.session.get(self.model, key)
        value = value_of(item, self.rest) if self.rest and item is not None else item
        if len(self) >= RELATED_CACHE:
            self.clear()
        self[key] = value = _cell(value)
        return value


def _cell(value):
    """`value` as _write writes it: types it writes as such unchanged, anything else its text (the same cell)."""
    if value is None or type(value) is str or isinstance(value, (bool, date, int, float, decimal.Decimal)):
        return value
    return _text(value)


def _mask(value):
    return MASK if value else None


def _masked_writer(sheet):
    def write(row: int, col: int, value, text) -> None:
        if value:
            sheet.write_string(row, col, MASK, text)

    return write


def _typed_writer(sheet, formats, kind):
    """(writer, format) of a table column of SQL type `kind`: the cell _write would write for each of its values,
    without asking each value its type (a column's values are all of it); other types go through _write."""
    if isinstance(kind, sa.String) and not getattr(kind, "enum_class", None):  # a choice column is a String
        return sheet.write_string, formats[str]
    if isinstance(kind, sa.DateTime):
        return sheet.write_datetime, formats[datetime]
    if isinstance(kind, sa.Date):
        return sheet.write_datetime, formats[date]  # xlsxwriter reads a date as its midnight
    if isinstance(kind, sa.Boolean):
        def write(row: int, col: int, value, _) -> None:
            sheet.write_string(row, col, "是" if value else "否")

        return write, None

    def write(row: int, col: int, value, _) -> None:
        _write(sheet, row, col, value, formats)

    return write, None


def write_table(book, title: str, labels: list[str], rows: list[list]) -> None:
    """One more sheet of `book` (a workbook opened as write_workbook's): the list style, bold frozen header, values
    by type, widths from the content; for tables that are not a list screen (e.g. the statistics)."""
    sheet = book.add_worksheet(_sheet_name(title))
    head, formats = _formats(book)
    widths = [_width(label) + 2 for label in labels]
    for col, label in enumerate(labels):
        sheet.write_string(0, col, label, head)
    print_setup(sheet, title)
    for r, values in enumerate(rows, 1):
        for col, value in enumerate(values):
            _write(sheet, r, col, value, formats)
            widths[col] = max(widths[col], _shown(value))
    for col, width in enumerate(widths):
        sheet.set_column(col, col, min(width, MAX_WIDTH))


def _formats(book):
    """The header's format, and by value type the cells' (text wraps, so a printed cell shows all of it)."""
    head = book.add_format({"bold": True, "bg_color": "#EEEEEE", "border": 1, "text_wrap": True,
                            "valign": "vcenter"})
    return head, {date: book.add_format({"num_format": "yyyy-mm-dd", "valign": "top"}),
                  datetime: book.add_format({"num_format": "yyyy-mm-dd hh:mm", "valign": "top"}),
                  str: book.add_format({"text_wrap": True, "valign": "top"})}


def print_setup(sheet, title: str) -> None:
    """Printed as 巡察办 files a list: A4 landscape, one page wide, the header row on every page, the list's title
    above it and 第 N 页 共 M 页 below (rows without a set height grow to their wrapped text when opened)."""
    sheet.freeze_panes(1, 0)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    sheet.set_margins(left=0.5, right=0.5, top=0.9, bottom=0.75)
    sheet.center_horizontally()
    safe = title.replace("&", "&&")
    sheet.set_header(f"&C&14&\"黑体,Regular\"{safe}")
    sheet.set_footer("&C第 &P 页 共 &N 页")


def new_workbook(target, constant_memory: bool = False) -> xlsxwriter.Workbook:
    """A workbook where user text is never a formula or a link (FAB_NOTES "Around it"); `constant_memory` streams
    it row by row (rows must then be written in order)."""
    return xlsxwriter.Workbook(target, {"constant_memory": constant_memory, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})


def _write(sheet, row: int, col: int, value, formats) -> None:
    """Write one cell by the value's type."""
    if value is None:
        return
    if type(value) is str:  # the common case first (a str-based Enum goes to _text below)
        sheet.write_string(row, col, value, formats[str])
    elif isinstance(value, bool):
        sheet.write_string(row, col, "是" if value else "否")
    elif isinstance(value, datetime):
        sheet.write_datetime(row, col, value, formats[datetime])
    elif isinstance(value, date):
        sheet.write_datetime(row, col, value, formats[date])  # xlsxwriter reads a date as its midnight
    elif isinstance(value, (int, float, decimal.Decimal)):
        sheet.write_number(row, col, float(value) if isinstance(value, decimal.Decimal) else value)
    else:
        sheet.write_string(row, col, _text(value), formats[str])


def _shown(value) -> int:
    """The display width of a cell `_write` writes for `value`."""
    if value is None:
        return 0
    if isinstance(value, bool):
        return 2
    if isinstance(value, datetime):
        return 16
    if isinstance(value, date):
        return 10
    if isinstance(value, (int, float, decimal.Decimal)):
        return len(str(value))
    return _width(value if type(value) is str else _text(value))


def _text(value) -> str:
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, (list, tuple, set)):
        return "、".join(map(str, value))
    return str(value)


def _width(text: str) -> int:
    # a Chinese character is two columns wide
    return sum(2 if ord(c) > 0x2E7F else 1 for c in text)


def _sheet_name(title: str) -> str:
    # Excel: at most 31 characters, none of []:*?/\
    return "".join(c for c in title if c not in "[]:*?/\\")[:31] or "列表"
