"""What every Excel import shares (人员名单, 问卷答卷; the 整改台账 reads its cells the same way): read the first sheet
by its header, the cells as text or dates, a plan of the rows — every error naming row and column, the rows added or
changed — and a template to fill in. A plan is made twice: for the preview (nothing written) and again on the
confirm, from the file kept by app.storage.hold, so what is saved is what was previewed, all or nothing."""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

import openpyxl
import xlsxwriter

from . import CommandError

MAX_ROWS = 5_000


@dataclass
class ImportPlan:
    """`rows`: the checked rows (the use case's own type); `changes`: {"line", "action" (新增/修改), "title",
    "fields": [(label, old, new)]} for the preview; `errors`: every problem, each naming its row and column."""

    rows: list = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def cell_text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a phone number or a code typed as a number
    text = str(value).strip()
    return text or None


def cell_date(value) -> date | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value).strip().replace("/", "-"))


def read_sheet(data: bytes, required: list[str], what: str) -> tuple[list[str], Iterator[tuple[int, list]]]:
    """The first sheet's header (text) and its non-blank rows as (row number, cells padded to the header)."""
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable file is the same answer to the user
        raise CommandError(f"无法读取文件：请上传{what} Excel 文件（.xlsx，可先下载模板）", "file") from None
    lines = book.worksheets[0].iter_rows(values_only=True)
    header = [(cell_text(v) or "") for v in next(lines, ())]
    missing = [name for name in required if name not in header]
    if missing:
        raise CommandError(f"表头缺少列：{'、'.join('「' + m + '」' for m in missing)}（请使用下载的模板）", "file")

    def rows() -> Iterator[tuple[int, list]]:
        for number, raw in enumerate(lines, start=2):
            if number > MAX_ROWS + 1:
                raise CommandError(f"文件超过 {MAX_ROWS} 行，请拆分后分批导入", "file")
            raw = list(raw) + [None] * (len(header) - len(raw))
            if all(v is None or (isinstance(v, str) and not v.strip()) for v in raw):
                continue
            yield number, raw

    return header, rows()


def template_xlsx(sheet: str, header: list[str], rows: list[list] = (), notes: list[str] = (),
                  choices: dict[int, list[str]] | None = None) -> bytes:
    """A sheet to fill in: the header, any rows (e.g. the current roster), a 填写说明 sheet, dropdowns by column."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                     "strings_to_numbers": False})
    ws = book.add_worksheet(sheet[:31])
    head = book.add_format({"bold": True, "border": 1, "bg_color": "#EEEEEE", "text_wrap": True})
    for col, name in enumerate(header):
        ws.write_string(0, col, name, head)
        ws.set_column(col, col, max(10, min(40, len(name) * 2 + 2)))
    ws.freeze_panes(1, 0)
    for r, values in enumerate(rows, start=1):
        for col, value in enumerate(values):
            if value is not None:
                ws.write(r, col, value)
    for col, options in (choices or {}).items():
        if options and sum(len(o) + 1 for o in options) < 255:  # Excel's limit for a list written inline
            ws.data_validation(1, col, MAX_ROWS, col, {"validate": "list", "source": options,
                                                      "error_type": "warning"})
    if notes:
        info = book.add_worksheet("填写说明")
        info.set_column(0, 0, 100)
        for r, text in enumerate(notes):
            info.write_string(r, 0, text)
    book.close()
    return out.getvalue()
