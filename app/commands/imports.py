"""The one import framework (issue 16 item 5): every file import — 人员名单, 问卷答卷, 整改台账, 工作日历 — reads its
file here (.xlsx or .csv, one size cap, one row cap), makes a plan without writing (every error naming row and
column, the rows added or changed), and applies the same plan on the confirm: views.imports.import_flow keeps the
file between the two (app.storage.hold), so what is saved is what was previewed, all or nothing.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

import openpyxl
import xlsxwriter

from . import CommandError

MAX_ROWS = 5_000  # data rows of one file, for every import
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_COLUMNS = 200  # a questionnaire sheet has a column per question
MAX_BLANK_RUN = 1_000  # an Excel sheet may carry a million formatted but empty rows: stop after this many
XLSX_MAGIC, OLE_MAGIC = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"
UNREADABLE = "无法读取文件：Excel 文件已损坏，或不是 .xlsx 格式（可先下载模板）"
NOT_TEXT = "文件内容不是文本：请上传 .xlsx 或 CSV 文件（可先下载模板）"
MACRO_TYPE = b"macroEnabled"  # the content type of an .xlsm workbook part ([Content_Types].xml), whatever its name


class ImportFileError(CommandError):
    """The file cannot be imported; `errors` lists every problem (row and column named where there is one)."""

    def __init__(self, errors: Sequence[str]):
        self.errors = list(errors)
        first = self.errors[0] if self.errors else "文件无法导入"
        more = f"（共 {len(self.errors)} 处错误）" if len(self.errors) > 1 else ""
        super().__init__(f"文件未通过检查，未保存任何数据：{first}{more}", "file")


@dataclass
class ImportPlan:
    """`rows`: the checked rows (the use case's own type); `changes`: {"line", "action" (新增/修改), "title",
    "fields": [(label, old, new)]} for the preview; `errors`: every problem, each naming its row and column;
    `warnings` and `summary`: what a use case adds to its preview (the calendar's years left incomplete)."""

    rows: list = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    summary: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


# ---------------------------------------------------------------------------------------------- reading


def check_file_name(filename: str | None, data: bytes) -> None:
    """The upload's name, where there is one (the preview): .xlsx or .csv, and content that is what the name says
    (the confirm, which has the content only, reads it by content: see read_rows)."""
    name = (filename or "").strip().lower()
    if name.endswith(".xlsm"):
        raise ImportFileError(["不支持含宏的 .xlsm 文件，请在 Excel 中另存为 .xlsx 后再导入"])
    if name.endswith(".xls"):
        raise ImportFileError(["不支持旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 CSV 后再导入"])
    if not name.endswith((".xlsx", ".csv")):
        raise ImportFileError(["只能导入 .xlsx 或 .csv 文件"])
    if data and name.endswith(".xlsx") != data.startswith(XLSX_MAGIC):
        raise ImportFileError([UNREADABLE if name.endswith(".xlsx") else NOT_TEXT])


def read_rows(data: bytes) -> Iterator[tuple[int, list]]:
    """Every row of the file as (row number as Excel shows it, cells): an .xlsx workbook's first sheet, or CSV text
    (UTF-8 or GBK, comma or tab), told apart by content — the name may be lost between preview and confirm."""
    if not data:
        raise ImportFileError(["文件是空的"])
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError([f"文件超过 {MAX_FILE_BYTES // (1024 * 1024)} MB，请拆分后分批导入"])
    if data.startswith(OLE_MAGIC):
        raise ImportFileError(["不支持旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 CSV 后再导入"])
    return _read_xlsx(data) if data.startswith(XLSX_MAGIC) else _read_csv(data)


def _read_csv(data: bytes) -> Iterator[tuple[int, list]]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportFileError(["文件是 UTF-16 编码（Excel 的“Unicode 文本”），请另存为“CSV UTF-8（逗号分隔）”"])
    text = None
    # utf-8-sig reads UTF-8 with or without BOM; GB18030 is a superset of GBK, what Excel on Chinese Windows saves.
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None:
        raise ImportFileError(["无法识别文件编码，请将 CSV 保存为 UTF-8 或 GBK 编码"])
    if "\x00" in text:
        raise ImportFileError([NOT_TEXT])
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for values in reader:
            yield reader.line_num, values[:MAX_COLUMNS]
    except csv.Error as exc:
        raise ImportFileError([f"第 {reader.line_num} 行：CSV 格式有误（{exc}）"]) from None


def _read_xlsx(data: bytes) -> Iterator[tuple[int, list]]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            macro = MACRO_TYPE in package.read("[Content_Types].xml")
    except Exception:  # noqa: BLE001 - zipfile errors alike mean "not a readable .xlsx"
        raise ImportFileError([UNREADABLE]) from None
    if macro:
        raise ImportFileError(["不支持含宏的工作簿，请在 Excel 中另存为 .xlsx 后再导入"])
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - XML and openpyxl errors alike mean "not a readable .xlsx"
        raise ImportFileError([UNREADABLE]) from None
    try:
        if not book.worksheets:
            raise ImportFileError(["Excel 文件中没有工作表"])
        try:
            for number, values in enumerate(book.worksheets[0].iter_rows(max_col=MAX_COLUMNS, values_only=True),
                                            start=1):
                yield number, list(values)
        except ImportFileError:
            raise
        except Exception:  # noqa: BLE001 - a malformed sheet XML inside a valid zip
            raise ImportFileError([UNREADABLE]) from None
    finally:
        book.close()


def blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _header_name(value) -> str:
    return "" if value is None else str(value).strip().lstrip("\ufeff").strip()


def read_sheet(data: bytes, required: Sequence[str], optional: Sequence[str] = ()) -> tuple[list[str], Iterator]:
    """The header (the first non-blank row, as text) and the data rows after it as (row number, cells padded to the
    header), blank rows skipped; at most MAX_ROWS data rows. A required column missing, or a named column twice, is
    an ImportFileError naming the header row."""
    lines = read_rows(data)
    expected = ",".join([*required, *optional])
    for number, values in lines:
        if not all(blank(v) for v in values):
            break
    else:
        raise ImportFileError([f"文件中没有内容：第 1 行应为表头（{expected}）"])
    header = [_header_name(v) for v in values]
    missing = [name for name in required if name not in header]
    if missing:
        found = "、".join(f"「{n}」" for n in header if n) or "无"
        raise ImportFileError([f"第 {number} 行（表头）缺少" + "、".join(f"「{m}」" for m in missing)
                               + f"列；表头应为：{expected}（现有：{clip(found, 80)}），请使用下载的模板"])
    twice = sorted({n for n in header if n in (*required, *optional) and header.count(n) > 1})
    if twice:
        raise ImportFileError([f"第 {number} 行（表头）：「{twice[0]}」列出现了不止一次"])

    def rows() -> Iterator[tuple[int, list]]:
        count = blank_run = 0
        for line, raw in lines:
            if all(blank(v) for v in raw):
                blank_run += 1
                if blank_run > MAX_BLANK_RUN:
                    return
                continue
            blank_run, count = 0, count + 1
            if count > MAX_ROWS:
                raise ImportFileError([f"数据行超过 {MAX_ROWS} 行，请拆分后分批导入"])
            yield line, list(raw) + [None] * (len(header) - len(raw))

    return header, rows()


def clip(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


# ---------------------------------------------------------------------------------------------- cells


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
