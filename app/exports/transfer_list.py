"""附件12 移送问题线索清单 of one transfer, as an Excel sheet for 巡察办's file and the receiving department."""

from __future__ import annotations

import io

import xlsxwriter

from schema import Transfer

COLUMNS = [("序号", 6), ("线索编号", 16), ("被反映人", 16), ("单位职务", 22), ("问题摘要", 50), ("来源", 10),
           ("附件材料", 36), ("处置建议", 24)]


def _exhibits(clue) -> str:
    parts = []
    for e in clue.exhibits:
        parts.append(f"{e.kind}：{e.document.original_name}" if e.document else f"{e.kind}：无（{e.absent_reason}）")
    return "；".join(parts)


def transfer_list_xlsx(transfer: Transfer) -> bytes:
    """The sheet: heading, department, date and number, one row per clue, and the two signature lines."""
    out = io.BytesIO()
    # User text is never written as a formula (FAB_NOTES "Around it").
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    sheet = book.add_worksheet("移送问题线索清单")
    title = book.add_format({"bold": True, "font_size": 16, "align": "center", "font_name": "宋体"})
    head = book.add_format({"bold": True, "border": 1, "align": "center", "valign": "vcenter", "bg_color": "#EEEEEE"})
    cell = book.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    sheet.merge_range(0, 0, 0, len(COLUMNS) - 1, "移送问题线索清单", title)
    sheet.write(1, 0, f"接收部门：{transfer.department.name}")
    sheet.write(1, 4, f"移送日期：{transfer.transferred_on.isoformat() if transfer.transferred_on else ''}")
    sheet.write(1, 6, f"文号：{transfer.doc_no or ''}")
    for col, (name, width) in enumerate(COLUMNS):
        sheet.set_column(col, col, width)
        sheet.write(2, col, name, head)
    sheet.freeze_panes(3, 0)
    row = 3
    for seq, clue in enumerate(sorted(transfer.clues, key=lambda c: (c.code or "", c.id)), start=1):
        persons = clue.persons
        values = [seq, clue.code or f"#{clue.id}", "、".join(p.name for p in persons),
                  "、".join(f"{p.unit.name if p.unit else ''}{p.title or ''}" for p in persons), clue.summary,
                  clue.source, _exhibits(clue), clue.decision or clue.proposal_reason or "按学校党委决定移送"]
        for col, value in enumerate(values):
            sheet.write(row, col, value, cell)
        row += 1
    sheet.write(row + 1, 0, f"移交人（签字）：{transfer.handed_by or ''}")
    sheet.write(row + 1, 4, "接收人（签字）：")
    book.close()
    return out.getvalue()
