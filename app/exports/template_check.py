"""The check of an uploaded template, safe against a hostile file (issue 15 item 6).

1. Before anything parses it (here, in the web process): the zip's declared member sizes are summed — a package
   that would expand past MAX_EXPANDED_BYTES is refused, so a 62 KB file holding 10 MB of XML never reaches lxml
   unbounded — and its [Content_Types].xml is read: a macro (vbaProject), ActiveX or macro-enabled content type is
   refused whatever the part is called.
2. Then in a child process with CPU-time and memory limits (resource.setrlimit): the placeholder and syntax checks
   of app.exports.render, every name a template uses must be a field of its 附件's sample context
   (jinja2.meta.find_undeclared_variables on docxtpl's patched XML, or on each cell), and a trial render against
   that sample with StrictUndefined, so a misspelt `{{ row.nmae }}` is refused with its place. A child that runs
   out of time or memory is killed; the answer is a Chinese refusal, never a 500.
"""

from __future__ import annotations

import gc
import io
import multiprocessing
import re
import resource
import zipfile

from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError, meta
from jinja2.sandbox import SandboxedEnvironment

from app.commands import CommandError
from app.errors import BadRequest

MAX_EXPANDED_BYTES = 20 * 1024 * 1024  # a real 附件 template is well under 2 MB unpacked
MAX_MEMBERS = 2000
# Word and Excel XML deflates about 5–20:1; a part over 1 MB packed tighter than 100:1 is a bomb, not a template
MAX_RATIO, RATIO_FROM_BYTES = 100, 1024 * 1024
CPU_SECONDS = 2
MEMORY_BYTES = 200 * 1024 * 1024  # on top of what the process holds when it forks
# the CPU limit is what stops a hostile template; the wall limit only ends a child that is blocked, and must not
# refuse a good template (~0.2 s of CPU) on a host whose two cores are busy (CI failed once at 4 s, stop 23)
WALL_SECONDS = 15
# Content types of executable parts: VBA projects and their data, ActiveX controls, macro-enabled main parts.
FORBIDDEN_TYPES = re.compile(r"vbaproject|vbadata|activex|macroenabled|ms-office\.vba", re.IGNORECASE)
CONTENT_TYPE = re.compile(r"<(Default|Override)\b[^>]*?\b(?:Extension|PartName)=\"([^\"]*)\"[^>]*?"
                          r"\bContentType=\"([^\"]*)\"|<(Default|Override)\b[^>]*?\bContentType=\"([^\"]*)\"[^>]*?"
                          r"\b(?:Extension|PartName)=\"([^\"]*)\"")
ATTRIBUTE = re.compile(r"has no attribute '([^']+)'|'([^']+)' is undefined")


def _refuse(message: str):
    raise BadRequest(message, "file")


def check_package(name: str, data: bytes) -> None:
    """Refuse, before parsing, a package too large when unpacked or declaring a macro or ActiveX part."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        _refuse(f"无法读取「{name}」：不是有效的 Word/Excel 文件")
    if len(members) > MAX_MEMBERS:
        _refuse(f"「{name}」包含 {len(members)} 个部件，超过 {MAX_MEMBERS} 个，不像正常的模板，已拒绝")
    expanded = sum(m.file_size for m in members)
    if expanded > MAX_EXPANDED_BYTES:
        _refuse(f"「{name}」解压后共 {expanded / 1024 / 1024:.1f} MB，超过模板上限 "
                f"{MAX_EXPANDED_BYTES // 1024 // 1024} MB（压缩包内可能藏有超大内容），已拒绝")
    packed = next((m for m in members if m.file_size > RATIO_FROM_BYTES
                   and m.file_size > MAX_RATIO * max(m.compress_size, 1)), None)
    if packed is not None:
        _refuse(f"「{name}」的部件「{packed.filename}」压缩比异常（{packed.file_size / 1024 / 1024:.1f} MB 压缩为 "
                f"{packed.compress_size / 1024:.0f} KB），不像正常的模板（可能是压缩炸弹），已拒绝")
    types = next((m for m in members if m.filename == "[Content_Types].xml"), None)
    if types is None or types.file_size > 1024 * 1024:
        _refuse(f"「{name}」缺少有效的内容类型清单（[Content_Types].xml），不是有效的 Word/Excel 文件")
    text = archive.read(types).decode("utf-8", "replace")
    for match in CONTENT_TYPE.finditer(text):
        part, content_type = (match.group(2), match.group(3)) if match.group(1) else (match.group(6), match.group(5))
        if FORBIDDEN_TYPES.search(content_type):
            _refuse(f"「{name}」含有宏或 ActiveX 控件（部件「{part}」，类型 {content_type}），"
                    "不接受含宏或控件的模板，请删除后另存为 .docx / .xlsx 再上传")


# ---------------------------------------------------------------- in the child


def _strict(autoescape: bool) -> SandboxedEnvironment:
    return SandboxedEnvironment(autoescape=autoescape, undefined=StrictUndefined)


def _places(file_format: str, data: bytes):
    """(place, text) of every paragraph (Word) or cell (Excel) that holds a tag."""
    from app.exports import render

    if file_format == "docx":
        from docx import Document as WordDocument

        yield from render._paragraphs(WordDocument(io.BytesIO(data)))
        return
    import openpyxl

    for sheet in openpyxl.load_workbook(io.BytesIO(data)).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and "{" in cell.value:
                    yield f"工作表「{sheet.title}」单元格 {cell.coordinate}", cell.value


def _where(file_format: str, data: bytes, word: str) -> str:
    pattern = re.compile(r"(\{\{|\{%)[^}]*\b" + re.escape(word) + r"\b")
    place = next((p for p, text in _places(file_format, data) if pattern.search(text)), None)
    return f"{place}的" if place else ""


def _undeclared(file_format: str, data: bytes) -> set[str]:
    env = _strict(False)
    if file_format == "docx":
        from docxtpl import DocxTemplate

        template = DocxTemplate(io.BytesIO(data))
        template.init_docx()
        xml = [template.patch_xml(template.get_xml())] + [
            template.patch_xml(template.get_part_xml(part)) for uri in (template.HEADER_URI, template.FOOTER_URI)
            for _, part in template.get_headers_footers(uri)]
        return set().union(*(meta.find_undeclared_variables(env.parse(x)) for x in xml))
    names: set[str] = set()
    for _, text in _places(file_format, data):
        names |= meta.find_undeclared_variables(env.parse(text))
    return names - {"row"}  # the Excel row repeated for each item of `rows`


def _check(no: int, file_format: str, name: str, data: bytes, sample: dict) -> str | None:
    """The whole check of one template; None when it passes, else the Chinese refusal."""
    from app.exports import render

    # render's own trial renders on an EMPTY context and so refused valid templates ("'stats' is undefined"); here
    # the trial is the one on the 附件's sample below (this child process only: it exits after the check)
    render._trial = lambda fn: None
    try:
        render.check_template(file_format, name, data)  # macros by name, syntax, private attributes
        unknown = sorted(_undeclared(file_format, data) - set(sample) - {"loop"})
        if unknown:
            others = f"；另有 {len(unknown) - 1} 个未知字段：" + "、".join(unknown[1:]) if len(unknown) > 1 else ""
            return (f"模板中的占位符「{unknown[0]}」不是附件{no}的字段（{_where(file_format, data, unknown[0])}"
                    f"占位符），请对照默认模板改正{others}")
        # a trial render on the sample, failing on any name the sample lacks (a misspelt field inside a loop)
        render.sandbox = lambda: _strict(True)
        render._cell_env = lambda: _strict(False)
        render.render(file_format, data, sample)
    except CommandError as exc:
        cause = exc.__cause__
        if isinstance(cause, UndefinedError):
            match = ATTRIBUTE.search(str(cause))
            field = next((g for g in match.groups() if g), "?") if match else "?"
            return (f"模板中的占位符「{field}」不是附件{no}的字段（{_where(file_format, data, field)}占位符），"
                    "请对照默认模板改正")
        return exc.message.replace("已拒绝生成", "不能作为模板")
    except TemplateSyntaxError as exc:
        return f"模板第{exc.lineno}行的占位符语法错误：{exc.message}"
    except (OverflowError, RecursionError, MemoryError):
        return "模板含有过大的循环、数字或嵌套，超出了允许的范围，不能作为模板"
    except Exception as exc:  # noqa: BLE001 - any failure of a hostile file is a refusal, never a 500
        return f"模板无法生成文书（{type(exc).__name__}），请检查模板"
    return None


def _child(conn, no, file_format, name, data, sample) -> None:
    # the parent's objects out of the collector's reach: a full collection here would walk (and copy on write) the
    # whole heap of a large web or test process, charged to this child's CPU limit
    gc.freeze()
    with open("/proc/self/status") as status:
        size = next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))
    resource.setrlimit(resource.RLIMIT_AS, (size + MEMORY_BYTES, size + MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS + 1))
    try:
        conn.send(_check(no, file_format, name, data, sample))
    except MemoryError:
        conn.send("模板过大，检查时超出了内存上限，不能作为模板")
    finally:
        conn.close()


TOO_MUCH = "模板检查超出了处理时间或内存上限（模板可能含有巨大的循环或内容），已拒绝"


def check_upload(no: int, file_format: str, name: str, data: bytes, sample: dict) -> None:
    """Refuse (CommandError, 400, in Chinese, naming the place) a template that is not safe and right for 附件`no`."""
    check_package(name, data)
    # fork: the child has the modules already loaded and touches no database; it exits with os._exit
    context = multiprocessing.get_context("fork")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(send, no, file_format, name, data, sample), daemon=True)
    child.start()
    send.close()
    try:  # a child killed at its CPU or memory limit closes the pipe without an answer
        answer = receive.recv() if receive.poll(WALL_SECONDS) else TOO_MUCH
    except EOFError:
        answer = TOO_MUCH
    child.join(1)
    if child.is_alive():
        child.kill()
        child.join()
    receive.close()
    if answer:
        _refuse(answer)
