"""Templates of the 附件 filled with a plain context, and the checks an uploaded template must pass.

Rendering is sandboxed: Jinja's SandboxedEnvironment (handed to docxtpl as `jinja_env`) refuses attribute tricks
such as `{{ ''.__class__ }}`, and the context holds only dicts, lists, strings, numbers and dates, so a template
reaches nothing of the application. Every rendered file is then laid out for print by app.exports.printready
(GB/T 9704 for Word, A4 landscape one page wide for Excel), whichever template it came from.
"""

from __future__ import annotations

import io
import re
import zipfile
from copy import copy
from datetime import date

import openpyxl
import segno
from docx import Document as WordDocument
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import ChainableUndefined, TemplateError, TemplateSyntaxError
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from app.commands import CommandError
from app.exports import printready
from app.exports.printready import PrintMeta

MACRO_SUFFIXES = {".docm", ".dotm", ".xlsm", ".xltm", ".xlam"}
TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.DOTALL)
ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")  # a builder's date (isoformat): a real date cell in Excel
ROW_TAG = re.compile(r"\{\{\s*row\.")  # the Excel row repeated for each item of `rows`
# `.__class__`, `['__globals__']`, `|attr('_x')`: the sandbox renders them empty; an upload naming one is refused
PRIVATE = re.compile(r"""\.\s*_|\[\s*['"]_|attr\s*\(\s*['"]_""")
# Context fields holding text a Word template shows as a QR code (附件7: the 码上巡察 page): the context stays plain
# text (hashed for versions, kept as samples); the image is drawn here, where the template object exists.
QR_FIELDS = ("intake_qr",)
QR_WIDTH = Mm(30)


def sandbox() -> SandboxedEnvironment:
    # A missing value renders empty instead of failing: an admin's template may name a field the record lacks.
    return SandboxedEnvironment(autoescape=True, undefined=ChainableUndefined)


def _cell_env() -> SandboxedEnvironment:
    return SandboxedEnvironment(autoescape=False, undefined=ChainableUndefined)  # a cell is text, not XML


def meta_for(context: dict, meta: PrintMeta | None = None) -> PrintMeta:
    """The page setup's facts: given by the caller, else from the context (its `secret`: the 密级 of a confidential
    附件, app.exports.attachments) and the request's signed-in user."""
    if meta is not None:
        return meta
    author = "巡察通"
    try:
        from flask import g

        author = getattr(g.get("user"), "username", None) or author
    except RuntimeError:  # outside a request (jobs, CLI, benchmarks)
        pass
    secret = context.get("secret") if isinstance(context.get("secret"), str) else ""
    return PrintMeta(author=author, confidential=bool(secret), secret=secret or printready.DEFAULT_SECRET)


def _qr_codes(doc: DocxTemplate, context: dict) -> dict:
    """`context` with each non-empty QR_FIELDS text replaced by its QR code as an inline image."""
    images = {}
    for key in QR_FIELDS:
        text = context.get(key)
        if isinstance(text, str) and text:
            png = io.BytesIO()
            segno.make(text, error="m").save(png, kind="png", scale=8, border=2)
            png.seek(0)
            images[key] = InlineImage(doc, png, width=QR_WIDTH)
    return {**context, **images} if images else context


def render_docx(template: bytes, context: dict, meta: PrintMeta | None = None) -> bytes:
    doc = DocxTemplate(io.BytesIO(template))
    try:
        doc.render(_qr_codes(doc, context), jinja_env=sandbox(), autoescape=True)
    except SecurityError as exc:
        raise CommandError(f"模板含有不允许的表达式（{exc}），已拒绝生成", "template") from exc
    except TemplateError as exc:
        raise CommandError(f"模板无法生成文书：{exc}", "template") from exc
    printready.word(doc.docx, meta_for(context, meta))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _render_cell(env, text: str, context: dict):
    try:
        value = env.from_string(text).render(context)
    except SecurityError as exc:
        raise CommandError(f"模板含有不允许的表达式（{exc}），已拒绝生成", "template") from exc
    except TemplateError as exc:
        raise CommandError(f"模板无法生成文书：{exc}", "template") from exc
    if ISO_DAY.match(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    # counts and 序号 stay numbers in Excel; codes such as "007" stay text
    return int(value) if value.isdigit() and len(value) < 10 and not (value.startswith("0") and value != "0") else value


def _set(cell, value) -> None:
    cell.value = value
    if isinstance(value, date):
        cell.number_format = "yyyy-mm-dd"
    elif isinstance(value, str):
        cell.data_type = "s"  # never a formula, whatever the user typed (FAB_NOTES "Around it")


def render_xlsx(template: bytes, context: dict, meta: PrintMeta | None = None) -> bytes:
    """Fill each sheet; a context with `sheets` (附件12: one list per receiving department) gets one copy of the
    first sheet per entry, each filled with the context updated by its entry and named by its `sheet` key."""
    book = openpyxl.load_workbook(io.BytesIO(template))
    env = _cell_env()
    jobs = [(sheet, context) for sheet in book.worksheets]
    parts = context.get("sheets")
    if isinstance(parts, list) and parts and book.worksheets:
        first = book.worksheets[0]
        jobs = [(first if n == 0 else book.copy_worksheet(first), {**context, **part})
                for n, part in enumerate(parts)]
        for sheet, ctx in jobs:
            sheet.title = _sheet_title(str(ctx.get("sheet") or sheet.title), book, sheet)
    for sheet, ctx in jobs:
        row_cells = next((r for r in sheet.iter_rows()
                          if any(isinstance(c.value, str) and ROW_TAG.search(c.value) for c in r)), None)
        done = set()
        if row_cells:
            first = row_cells[0].row
            pattern = [(c.column, c.value, copy(c._style)) for c in row_cells]
            items = list(ctx.get("rows") or [])
            if len(items) > 1:
                sheet.insert_rows(first + 1, len(items) - 1)
                for merged in sheet.merged_cells.ranges:  # openpyxl moves the cells, not the merges below them
                    if merged.min_row > first:
                        merged.shift(0, len(items) - 1)
            for i, item in enumerate(items or [None]):
                for column, text, style in pattern:
                    cell = sheet.cell(first + i, column)
                    cell._style = copy(style)
                    value = (_render_cell(env, text, {**ctx, "row": item}) if item is not None and
                             isinstance(text, str) else (text if item is not None else None))
                    _set(cell, value)
                    done.add(cell.coordinate)
        for row in sheet.iter_rows():
            for cell in row:
                if cell.coordinate not in done and isinstance(cell.value, str) and TAG.search(cell.value):
                    _set(cell, _render_cell(env, cell.value, ctx))
    printready.workbook(book, meta_for(context, meta))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sheet_title(title: str, book, sheet) -> str:
    # Excel: at most 31 characters, none of []:*?/\, unique in the book
    clean = "".join(c for c in title if c not in "[]:*?/\\")[:28] or "工作表"
    taken = {s.title for s in book.worksheets if s is not sheet}
    n, name = 1, clean
    while name in taken:
        n += 1
        name = f"{clean}{n}"
    return name


def render(file_format: str, template: bytes, context: dict, meta: PrintMeta | None = None) -> bytes:
    """The template filled with `context`, laid out for print (app.exports.printready)."""
    if file_format == "docx":
        return render_docx(template, context, meta)
    return render_xlsx(template, context, meta)


# ---------------------------------------------------------------- checks of an uploaded template


def _refuse(message: str):
    raise CommandError(message, "file")


def _check_zip(name: str, data: bytes) -> None:
    suffix = name[name.rfind("."):].lower() if "." in name else ""
    if suffix in MACRO_SUFFIXES:
        _refuse(f"「{name}」是含宏的文件类型（{suffix}），不接受含宏的模板，请另存为 .docx / .xlsx 后上传")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            macros = [n for n in archive.namelist() if n.lower().endswith("vbaproject.bin")]
    except zipfile.BadZipFile:
        _refuse(f"无法读取「{name}」：不是有效的 Word/Excel 文件")
    if macros:
        _refuse(f"「{name}」含有宏（{macros[0]}），不接受含宏的模板，请删除宏后上传")


def _check_tag(env, text: str, where: str) -> None:
    """Every {{ }} / {% %} of one paragraph or cell must parse on its own ({%p for%} blocks span paragraphs)."""
    if text.count("{{") != text.count("}}"):
        _refuse(f"{where}「{text.strip()[:60]}」的占位符括号不成对（{{{{ 与 }}}} 数量不一致）")
    for match in TAG.finditer(text):
        tag = match.group(0)
        if PRIVATE.search(tag):
            _refuse(f"{where}的占位符「{tag}」访问以下划线开头的内部属性，不允许使用")
        probe = tag if tag.startswith("{{") else None
        if probe is None:
            continue  # block tags are checked with the whole document below
        try:
            env.parse(probe)
        except TemplateSyntaxError as exc:
            _refuse(f"{where}的占位符「{tag}」语法错误：{exc.message}")


def _paragraphs(doc):
    def walk(container, label):
        for i, p in enumerate(container.paragraphs, 1):
            yield f"{label}第{i}段", p.text
        for t, table in enumerate(container.tables, 1):
            for r, row in enumerate(table.rows, 1):
                for c, cell in enumerate(row.cells, 1):
                    yield from walk(cell, f"{label}表格{t}第{r}行第{c}列")

    yield from walk(doc, "正文")
    for section in doc.sections:
        yield from walk(section.header, "页眉")
        yield from walk(section.footer, "页脚")


def _trial(fn) -> None:
    # A trial render on an empty context: the sandbox refuses `''.__class__` and the like here, before saving.
    try:
        fn()
    except CommandError as exc:
        _refuse(exc.message.replace("已拒绝生成", "不能作为模板"))


def check_template(file_format: str, name: str, data: bytes) -> None:
    """Refuse, in Chinese and saying where, a template with macros, broken placeholders or unsafe expressions."""
    _check_zip(name, data)
    env = sandbox()
    if file_format == "docx":
        try:
            doc = WordDocument(io.BytesIO(data))
        except Exception:  # noqa: BLE001 - python-docx raises several kinds for a file that is not Word
            _refuse(f"无法读取「{name}」：不是有效的 Word 文件（.docx）")
        for where, text in _paragraphs(doc):
            _check_tag(env, text, where)
        template = DocxTemplate(io.BytesIO(data))
        template.init_docx()
        try:
            env.parse(template.patch_xml(template.get_xml()))
        except TemplateSyntaxError as exc:
            _refuse(f"模板的控制语句（{{% %}}）不完整或不匹配：{exc.message}")
        _trial(lambda: render_docx(data, {}))
        return
    try:
        book = openpyxl.load_workbook(io.BytesIO(data))
    except Exception:  # noqa: BLE001 - openpyxl raises several kinds for a file that is not Excel
        _refuse(f"无法读取「{name}」：不是有效的 Excel 文件（.xlsx）")
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and ("{" in cell.value or "}" in cell.value):
                    _check_tag(env, cell.value, f"工作表「{sheet.title}」单元格 {cell.coordinate}")
                    try:
                        env.parse(cell.value)
                    except TemplateSyntaxError as exc:
                        _refuse(f"工作表「{sheet.title}」单元格 {cell.coordinate} 的占位符语法错误：{exc.message}")
    _trial(lambda: render_xlsx(data, {"rows": [{}]}))
