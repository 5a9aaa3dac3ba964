"""Page setup applied to every rendered Word and Excel file, whatever template an admin uploaded.

Word follows GB/T 9704-2012 (党政机关公文格式): A4, 版心 156 × 225 mm (天头 37 mm, 订口 28 mm), 28 characters ×
22 lines through the document grid, page numbers 4号半角宋体 "— 1 —" 单页码居右空一字、双页码居左空一字 (7.5),
headings kept with their first paragraph, one blank line between title and 主送 (7.3.1), 落款 右空四字 (7.3.5),
份号 and 密级 at the top left of a confidential document (7.2.1, 7.2.2), tables in single spacing with sized
columns, a repeated header row and no row split across pages. Excel: A4 landscape, one page wide, the title and
header rows repeated, wrapped text with row heights that show it, widths from the content, 第 N 页 共 M 页.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, Twips
from openpyxl.styles import Alignment
from openpyxl.worksheet.properties import PageSetupProperties

TEXT_WIDTH, TEXT_HEIGHT = Mm(156), Mm(225)  # 版心
LINES, CHARS = 22, 28
BODY_SIZE = 16  # 三号 in points: the grid's character
LINE_PITCH = int(TEXT_HEIGHT.twips / LINES)  # 579 twips: 22 lines fill 225 mm
# 28 characters of 三号 fill 156 mm when each is condensed by this much (w:spacing, twentieths of a point)
CONDENSE = math.floor((TEXT_WIDTH.pt / CHARS - BODY_SIZE) * 20)
HEADING_FONTS = {"黑体", "楷体_GB2312", "楷体"}
HEADING = re.compile(r"^([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)")
SHORT_LIMIT = 300  # a table row with more text than this may break across pages (it could exceed one)
DEFAULT_SECRET = "秘密"  # not a password: the 密级 printed on confidential documents  # nosec B105
SETTINGS_AFTER = {
    "bookFoldRevPrinting", "bookFoldPrinting", "bookFoldPrintingSheets", "drawingGridHorizontalSpacing",
    "drawingGridVerticalSpacing", "displayHorizontalDrawingGridEvery", "displayVerticalDrawingGridEvery",
    "doNotUseMarginsForDrawingGridOrigin", "drawingGridHorizontalOrigin", "drawingGridVerticalOrigin",
    "doNotShadeFormData", "noPunctuationKerning", "characterSpacingControl", "printTwoOnOne",
    "strictFirstAndLastChars", "noLineBreaksAfter", "noLineBreaksBefore", "savePreviewPicture",
    "doNotValidateAgainstSchema", "saveInvalidXml", "ignoreMixedContent", "alwaysShowPlaceholderText",
    "doNotDemarcateInvalidXml", "saveXmlDataOnly", "useXSLTWhenSaving", "saveThroughXslt", "showXMLTags",
    "alwaysMergeEmptyNamespace", "updateFields", "hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars",
    "rsids", "mathPr", "attachedSchema", "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
    "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType", "schemaLibrary",
    "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol", "listSeparator"}


@dataclass
class PrintMeta:
    """What the page setup needs beyond the file: the document's title, who made it, and its 密级/份号."""

    title: str = ""
    author: str = "巡察通"
    confidential: bool = False
    secret: str = DEFAULT_SECRET
    copy_no: int = 1
    created: datetime = field(default_factory=datetime.now)


# ---------------------------------------------------------------- Word


def _el(tag: str, **attrs) -> OxmlElement:
    el = OxmlElement(tag)
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), str(value))
    return el


def _replace(parent, tag: str, new) -> None:
    for old in parent.findall(qn(tag)):
        parent.remove(old)
    parent.append(new)


def _row_flags(tr_pr, header: bool, keep: bool) -> None:
    """w:cantSplit before w:trHeight, w:tblHeader after it (CT_TrPr's order; Word refuses a misordered row)."""
    for tag in ("w:cantSplit", "w:tblHeader"):
        for old in tr_pr.findall(qn(tag)):
            tr_pr.remove(old)
    height = tr_pr.find(qn("w:trHeight"))
    if keep:
        (height.addprevious if height is not None else tr_pr.append)(_el("w:cantSplit"))
    if header:
        (height.addnext if height is not None else tr_pr.append)(_el("w:tblHeader"))


def _no_grid(paragraph) -> None:
    """Outside the body text (tables, footer) lines keep their own single spacing instead of the 28.95 pt grid."""
    p_pr = paragraph._p.get_or_add_pPr()
    for old in p_pr.findall(qn("w:snapToGrid")):
        p_pr.remove(old)
    p_pr.get_or_add_spacing().addprevious(_el("w:snapToGrid", val=0))


def _page_setup(doc) -> None:
    for section in doc.sections:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        section.footer_distance = Mm(28)  # the number sits 7 mm below the 版心 (7.5)
        sect = section._sectPr
        grid = sect.find(qn("w:docGrid"))
        if grid is None:
            grid = _el("w:docGrid")
            sect.append(grid)
        # A line grid: LibreOffice, which makes the PDFs, puts a 16 pt character in two cells of a 15.8 pt
        # character grid (14 characters a line); the 28 characters come from Normal's condensed spacing instead
        grid.set(qn("w:type"), "lines")
        grid.set(qn("w:linePitch"), str(LINE_PITCH))
        grid.attrib.pop(qn("w:charSpace"), None)
        section.different_first_page_header_footer = False
        _page_numbers(section.footer, WD_ALIGN_PARAGRAPH.RIGHT)
        _page_numbers(section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT)
    settings = doc.settings.element
    if settings.find(qn("w:evenAndOddHeaders")) is None:
        # CT_Settings order: before the first of the elements the schema puts after it
        later = next((c for c in settings if c.tag.rsplit("}", 1)[-1] in SETTINGS_AFTER), None)
        (later.addprevious if later is not None else settings.append)(_el("w:evenAndOddHeaders"))


def _page_numbers(footer, align) -> None:
    """The footer holds only "— N —" in 4号宋体, right (odd pages) or left (even pages), one character in."""
    footer.is_linked_to_previous = False
    body = footer._element
    for child in list(body):
        body.remove(child)
    p = footer.add_paragraph()
    p.alignment = align
    fmt = p.paragraph_format
    fmt.right_indent = Pt(14) if align == WD_ALIGN_PARAGRAPH.RIGHT else None
    fmt.left_indent = Pt(14) if align == WD_ALIGN_PARAGRAPH.LEFT else None
    fmt.first_line_indent = Pt(0)
    fmt.line_spacing, fmt.space_before, fmt.space_after = 1.0, Pt(0), Pt(0)
    _no_grid(p)

    def run(text=None):
        r = p.add_run(text)
        r.font.size = Pt(14)
        fonts = r._r.get_or_add_rPr().get_or_add_rFonts()
        for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(slot), "宋体")
        return r

    run("— ")
    for kind, text in (("begin", None), ("instr", " PAGE "), ("separate", None), ("text", "1"), ("end", None)):
        r = run()
        if kind == "instr":
            instr = _el("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            r._r.append(instr)
        elif kind == "text":
            r._r.append(_el("w:t"))
            r._r[-1].text = text
        else:
            r._r.append(_el("w:fldChar", fldCharType=kind))
    run(" —")


def _language(doc) -> None:
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = _el("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = _el("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = _el("w:rPr")
        rpr_default.append(rpr)
    _replace(rpr, "w:lang", _el("w:lang", val="zh-CN", eastAsia="zh-CN", bidi="ar-SA"))
    # the grid's character is the default font size: 三号 here too, so Word and LibreOffice count 28 alike
    for tag in ("w:sz", "w:szCs"):
        found = rpr.find(qn(tag))
        if found is None:
            found = _el(tag)
            rpr.find(qn("w:lang")).addprevious(found)
        found.set(qn("w:val"), str(BODY_SIZE * 2))
    normal = doc.styles["Normal"]
    _replace(normal.element.get_or_add_rPr(), "w:lang", _el("w:lang", val="zh-CN", eastAsia="zh-CN"))
    n_rpr = normal.element.get_or_add_rPr()
    spacing = n_rpr.find(qn("w:spacing"))
    if spacing is None:
        spacing = _el("w:spacing")
        anchor = next((n_rpr.find(qn(t)) for t in ("w:w", "w:kern", "w:position", "w:sz", "w:szCs", "w:lang")
                       if n_rpr.find(qn(t)) is not None), None)
        (anchor.addprevious if anchor is not None else n_rpr.append)(spacing)
    spacing.set(qn("w:val"), str(CONDENSE))
    fmt = normal.paragraph_format
    fmt.line_spacing = Twips(LINE_PITCH)  # exactly one grid line, so Word and LibreOffice both show 22 lines


def _fonts(paragraph) -> set[str]:
    return {r.get(qn("w:eastAsia")) for r in paragraph._p.iter(qn("w:rFonts"))} - {None}


def _paragraphs_setup(doc) -> None:
    body = [p for p in doc.paragraphs]
    texts = [p.text.strip() for p in body]
    for n, p in enumerate(body):
        text = texts[n]
        if text and len(text) <= 40 and (HEADING.match(text) or _fonts(p) & HEADING_FONTS) and n + 1 < len(body):
            p.paragraph_format.keep_with_next = True
            p.paragraph_format.widow_control = True
    # title (the first paragraph with text, centred) then 主送 ("…：" at the left): one blank line between (7.3.1)
    first = next((n for n, t in enumerate(texts) if t), None)
    if first is not None:
        for n in range(first + 1, min(first + 4, len(body))):
            if texts[n].endswith("：") and body[n].alignment in (None, WD_ALIGN_PARAGRAPH.LEFT) and \
                    body[n].paragraph_format.first_line_indent in (None, 0):
                if texts[n - 1]:
                    body[n].insert_paragraph_before("")
                break
    # 落款: the right-aligned lines at the end, four characters in from the right (7.3.5.1)
    for n in range(len(body) - 1, -1, -1):
        if not texts[n]:
            continue
        if body[n].alignment != WD_ALIGN_PARAGRAPH.RIGHT:
            break
        body[n].paragraph_format.right_indent = Pt(BODY_SIZE * 4)


def _secret_marks(doc, meta: PrintMeta) -> None:
    """份号 (six digits) then 密级, 3号黑体, 顶格 at the top left of the first page (7.2.1, 7.2.2)."""
    first = doc.paragraphs[0] if doc.paragraphs else doc.add_paragraph()
    for text in (f"{meta.copy_no:06d}", meta.secret):
        p = first.insert_paragraph_before("")
        p.alignment = WD_ALIGN_PARAGRAPH.LEFT
        p.paragraph_format.first_line_indent = Pt(0)
        r = p.add_run(text)
        r.font.size = Pt(BODY_SIZE)
        fonts = r._r.get_or_add_rPr().get_or_add_rFonts()
        for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
            fonts.set(qn(slot), "黑体")


def _width(text: str) -> int:
    return sum(2 if ord(c) > 0x2E7F else 1 for c in text)


def _tables_setup(doc) -> None:
    for table in doc.tables:
        rows = table.rows
        if not rows:
            continue
        columns = len(table.columns)
        # widths in proportion to the longest line of each column, each at least four characters (小四)
        need = [8] * columns
        for row in rows[:60]:
            for c, cell in enumerate(row.cells[:columns]):
                longest = max((_width(line) for line in cell.text.splitlines()), default=0)
                need[c] = max(need[c], min(longest, 60))
        for c in range(columns):
            if len(rows) > 1 and not any(row.cells[c].text.strip() for row in rows[1:60] if c < len(row.cells)):
                need[c] = 16  # a column left to write in (签字): room for a signature
        if columns == 2:
            # a form: the label column holds its longest label (at most six characters a line) of 小四, the value
            # column the rest
            label = min(max(need[0], 8), 12) // 2 * 240 + 2 * 115
            widths = [label, int(TEXT_WIDTH.twips) - label]
        else:
            total = sum(need)
            widths = [max(int(TEXT_WIDTH.twips * w / total), Mm(18).twips if columns <= 4 else Mm(12).twips)
                      for w in need]
            scale = TEXT_WIDTH.twips / sum(widths)
            widths = [int(w * scale) for w in widths]
        tbl = table._tbl
        tbl_pr = tbl.tblPr
        _replace(tbl_pr, "w:tblW", _el("w:tblW", w=sum(widths), type="dxa"))
        _replace(tbl_pr, "w:tblLayout", _el("w:tblLayout", type="fixed"))
        grid = tbl.tblGrid
        for col, w in zip(grid.findall(qn("w:gridCol")), widths):
            col.set(qn("w:w"), str(w))
        for r, row in enumerate(rows):
            _row_flags(row._tr.get_or_add_trPr(), header=r == 0 and columns >= 3,
                       keep=len(" ".join(c.text for c in row.cells)) <= SHORT_LIMIT)
            for c, cell in enumerate(row.cells[:columns]):
                cell.width = Twips(widths[c])
                for p in cell.paragraphs:
                    fmt = p.paragraph_format
                    fmt.line_spacing, fmt.space_before, fmt.space_after = 1.0, Pt(0), Pt(0)
                    fmt.first_line_indent = Pt(0)
                    _no_grid(p)


def word(doc, meta: PrintMeta) -> None:
    """Apply GB/T 9704 page setup to a python-docx Document in place."""
    _page_setup(doc)
    _language(doc)
    _tables_setup(doc)
    _paragraphs_setup(doc)
    if meta.confidential:
        _secret_marks(doc, meta)
    props = doc.core_properties
    props.title = meta.title or next((p.text.strip() for p in doc.paragraphs if p.text.strip()), "")
    props.author = props.last_modified_by = meta.author
    props.created = props.modified = meta.created
    props.language = "zh-CN"
    props.comments = ""


# ---------------------------------------------------------------- Excel

MAX_COLUMN, MIN_COLUMN = 40, 6  # characters (Excel's width unit ≈ one digit, a Chinese character is two)
PAGE_UNITS = 150  # widths beyond this are scaled down; fitToWidth shrinks the rest onto the landscape page
MAX_TOKEN = 20
SAMPLE = 200  # rows read for the widths
TOKEN = re.compile(r"[\x21-\x7e]+")  # a run of printable ASCII: a code, a date, a number
LINE_HEIGHT = 15  # points per wrapped line of an 11-point cell


def _header_row(sheet) -> int:
    """The column header: the first row within the top eight whose every cell of the table holds text."""
    width = sheet.max_column
    for row in sheet.iter_rows(min_row=1, max_row=min(8, sheet.max_row)):
        if width > 1 and all(isinstance(c.value, str) and c.value for c in row[:width]):
            return row[0].row
    return 1


def sheet_layout(sheet, meta: PrintMeta) -> None:
    """A4 landscape, one page wide, title and header rows repeated, wrapped cells that show their text."""
    from openpyxl.utils import get_column_letter

    header = _header_row(sheet)
    widths, floors = [], []
    for col in range(1, sheet.max_column + 1):
        values = (sheet.cell(r, col).value for r in range(header, min(sheet.max_row, header + SAMPLE) + 1))
        texts = [f"{v:%Y-%m-%d}" if isinstance(v, (date, datetime)) else str(v) for v in values if v is not None]
        longest = max((_width(line) for t in texts for line in t.splitlines() or [""]), default=MIN_COLUMN)
        # a code or a date is never broken: the column is at least as wide as its longest unbroken Latin token
        token = max((len(w) for t in texts for w in TOKEN.findall(t)), default=0)
        floors.append(min(MAX_TOKEN, max(MIN_COLUMN, token + 2)))
        widths.append(min(MAX_COLUMN, max(floors[-1], longest + 2)))
    if sum(widths) > PAGE_UNITS:
        wide = sum(w for w in widths if w > 12)
        scale = max(0.3, (PAGE_UNITS - (sum(widths) - wide)) / max(1, wide))
        widths = [w if w <= 12 else max(12, floor, int(w * scale)) for w, floor in zip(widths, floors)]
    for col, w in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(col)].width = w
    merged = {r.min_row for r in sheet.merged_cells.ranges}
    for row in sheet.iter_rows(min_row=header):
        lines = 1
        for cell in row:
            if cell.value is None:
                continue
            if cell.border.left.style is None and cell.border.top.style is None:
                continue  # a line of text under the table (signatures): runs on into the empty cells beside it
            w = widths[cell.column - 1]
            cell.alignment = Alignment(wrap_text=True, vertical="center" if cell.row == header else "top",
                                       horizontal=cell.alignment.horizontal)
            text = str(cell.value)
            lines = max(lines, sum(max(1, math.ceil(_width(line) / max(1, w - 1))) for line in text.splitlines()))
        if row and row[0].row not in merged:
            sheet.row_dimensions[row[0].row].height = LINE_HEIGHT * lines + 4
    setup = sheet.page_setup
    setup.orientation, setup.paperSize = "landscape", sheet.PAPERSIZE_A4
    setup.fitToWidth, setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.print_options.horizontalCentered = True
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.75
    sheet.print_title_rows = f"1:{header}"
    sheet.oddFooter.center.text = "第 &P 页 共 &N 页"
    if meta.confidential:  # an empty part would write a header openpyxl cannot read back
        sheet.oddHeader.left.text = meta.secret


def workbook(book, meta: PrintMeta) -> None:
    for sheet in book.worksheets:
        sheet_layout(sheet, meta)
    props = book.properties
    props.title = meta.title or book.worksheets[0].title
    props.creator = props.lastModifiedBy = meta.author
    props.created = props.modified = meta.created
    props.language = "zh-CN"
