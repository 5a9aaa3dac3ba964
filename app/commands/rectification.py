"""六（一） 整改: the ledger's rows move through the transition table, 销号 only after 巡察办 reviews the evidence; the
unit keeps its ledger in Excel and uploads it back (validated row by row, previewed, then saved all or nothing).

"整改方案应当建立台账，明确问题清单、责任清单、任务清单。" (六（一）3)
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime

import sqlalchemy as sa
import xlsxwriter
from sqlalchemy.orm import joinedload, lazyload

from app.extensions import db
from app.storage import store
from schema import Document, Inspection, Person, RectificationItem
from schema.enums import RECTIFICATION_PHASES

from . import CommandError
from .imports import ImportPlan, cell_date, cell_text, read_sheet
from .status import actor_name, move

# ---------------------------------------------------------------------------------------------- moves


def add_evidence(item: RectificationItem, user, *, data: bytes, filename: str) -> Document:
    """A file proving the item's progress (佐证材料), kept with its SHA-256; not after 销号."""
    if item.status == "已销号":
        raise CommandError("已销号的整改事项不能再添加佐证材料", "evidence")
    doc = store(data, filename, title=f"整改佐证：{item.task[:40]}", inspection_id=item.inspection_id,
                uploaded_by=actor_name(user))
    item.evidence.append(doc)
    return doc


def person_of(user) -> Person | None:
    username = getattr(user, "username", None)
    return db.session.scalar(sa.select(Person).where(Person.username == username)
                             .options(lazyload(Person.unit))) if username else None  # the unit when shown


def full_name(user) -> str:
    """The signed-in user's name as a form defaults it (签收人, 移交人): the linked person's, else 姓 + 名."""
    person = person_of(user)
    return person.name if person else f"{getattr(user, 'last_name', '') or ''}{getattr(user, 'first_name', '') or ''}"


def move_item(item: RectificationItem, to: str, user, note: str | None = None, *, on: date | None = None) -> None:
    """One move of a ledger row. 待审核 and 已销号 need evidence; 已销号 records who reviewed it and when."""
    if to in ("待审核", "已销号") and not item.evidence:
        raise CommandError("请先上传佐证材料：没有佐证材料不能申请或审核销号", "evidence")
    move(item, to, user, note)
    if to == "已销号":
        item.reviewed_by = person_of(user)
        item.reviewed_on = on or date.today()
        item.completed_on = item.completed_on or item.reviewed_on


def item_write_problem(item: RectificationItem) -> tuple[str, str] | None:
    """A ledger row written as a record (the REST contract, the screen): it starts 未启动 or 整改中; later moves are
    the transition table's, and 已销号 only through 巡察办's review of the evidence."""
    state = sa.inspect(item)
    if state.transient or state.pending:
        if item.status not in (None, "未启动", "整改中"):
            return "status", "新的整改事项状态只能是「未启动」或「整改中」；销号须上传佐证材料并经巡察办审核"
        return None
    if state.attrs.status.history.has_changes():
        return "status", "状态须通过整改台账的步骤改变（开始整改、申请销号、审核销号、退回、认定反弹）"
    return None


def previous_inspection(inspection: Inspection) -> Inspection | None:
    """七（二） "巡察组对被巡察单位开展新一轮巡察，应当首先对上一轮巡察整改落实情况进行监督检查": the unit's last
    inspection before this one (by entry date, then id), with the round, team and unit that name it."""
    earlier = sa.or_(Inspection.entry_date < inspection.entry_date, sa.and_(
        Inspection.entry_date == inspection.entry_date, Inspection.id < inspection.id)) \
        if inspection.entry_date else Inspection.id < inspection.id
    return db.session.scalar(sa.select(Inspection).where(
        Inspection.unit_id == inspection.unit_id, Inspection.id != inspection.id, earlier)
        .order_by(Inspection.entry_date.desc().nulls_last(), Inspection.id.desc()).limit(1)
        .options(lazyload("*"), joinedload(Inspection.round), joinedload(Inspection.team),
                 joinedload(Inspection.unit)))


def previous_rectification(inspection: Inspection) -> tuple[Inspection | None, list[RectificationItem]]:
    """The unit's previous inspection (previous_inspection) and its ledger."""
    previous = previous_inspection(inspection)
    return previous, (ledger_items(previous) if previous is not None else [])


# ---------------------------------------------------------------------------------------------- the ledger in Excel

# (header, attribute) of the sheet the unit fills in; 编号 ties a row to its ledger row (blank: a new row).
COLUMNS = [("编号", "id"), ("序号", "seq"), ("问题清单（问题）", "problem"), ("任务清单（整改任务）", "task"),
           ("整改措施", "measures"), ("责任清单（责任人）", "responsible"), ("分管领导", "leader"),
           ("整改阶段", "phase"), ("完成时限", "due_date"), ("整改进展", "progress"), ("状态（只读）", "status")]
EDITABLE = ("seq", "problem", "task", "measures", "responsible", "leader", "phase", "due_date", "progress")
MAX_TEXT = 5000


def ledger_count(inspection: Inspection) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(RectificationItem).where(
        RectificationItem.inspection_id == inspection.id))


def ledger_items(inspection: Inspection) -> list[RectificationItem]:
    return list(db.session.scalars(sa.select(RectificationItem).where(
        RectificationItem.inspection_id == inspection.id).order_by(RectificationItem.seq, RectificationItem.id)))


def ledger_xlsx(inspection: Inspection) -> bytes:
    """The unit's ledger as a sheet to fill in offline: one row per item, dates as dates, status read-only."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False})
    sheet = book.add_worksheet("整改台账")
    head = book.add_format({"bold": True, "border": 1, "bg_color": "#EEEEEE", "text_wrap": True})
    text = book.add_format({"text_wrap": True, "valign": "top"})
    day = book.add_format({"num_format": "yyyy-mm-dd", "valign": "top"})
    for col, (name, _) in enumerate(COLUMNS):
        sheet.write(0, col, name, head)
        sheet.set_column(col, col, {"id": 8, "seq": 6, "due_date": 12, "phase": 10, "status": 10}.get(
            COLUMNS[col][1], 24))
    sheet.freeze_panes(1, 0)
    sheet.data_validation(1, 7, 1000, 7, {"validate": "list", "source": list(RECTIFICATION_PHASES)})
    for row, item in enumerate(ledger_items(inspection), start=1):
        values = {"id": item.id, "seq": item.seq, "problem": item.problem, "task": item.task, "measures": item.measures,
                  "responsible": item.responsible.name if item.responsible else None,
                  "leader": item.leader.name if item.leader else None, "phase": item.phase,
                  "due_date": item.due_date, "progress": item.progress, "status": item.status}
        for col, (_, attr) in enumerate(COLUMNS):
            value = values[attr]
            if isinstance(value, date):
                sheet.write_datetime(row, col, datetime(value.year, value.month, value.day), day)
            elif value is not None:
                sheet.write(row, col, value, text)
    book.close()
    return out.getvalue()


@dataclass
class LedgerRow:
    line: int
    item_id: int | None
    values: dict = field(default_factory=dict)


LABEL = {attr: name for name, attr in COLUMNS}


def plan_ledger_upload(inspection: Inspection, data: bytes) -> ImportPlan:
    """Read an uploaded ledger and check every row; nothing is written. Errors name the row and the column."""
    header, lines = read_sheet(data, [name for name, _ in COLUMNS])
    index = {attr: header.index(name) for name, attr in COLUMNS}
    items = {item.id: item for item in ledger_items(inspection)}
    people = {p.name: p for p in db.session.scalars(sa.select(Person).where(
        sa.or_(Person.unit_id == inspection.unit_id, Person.id.in_(
            [i.responsible_id for i in items.values() if i.responsible_id]
            + [i.leader_id for i in items.values() if i.leader_id]))))}
    plan, seen = ImportPlan(), set()
    for number, raw in lines:
        def err(attr: str, message: str, number=number) -> None:
            plan.errors.append(f"第 {number} 行「{LABEL[attr]}」：{message}")

        item_id = _ledger_id(raw[index["id"]], items, seen, err)
        if item_id is False:
            continue
        values = _ledger_values({attr: raw[i] for attr, i in index.items()}, people, err)
        plan.rows.append(LedgerRow(number, item_id, values))
        if item_id is None:
            plan.changes.append({"line": number, "action": "新增", "title": values["task"], "fields": []})
            continue
        item = items[item_id]
        diff = [(LABEL[attr], _show(getattr(item, attr)), _show(values.get(attr))) for attr in EDITABLE
                if values.get(attr) != getattr(item, attr)]
        if diff:
            plan.changes.append({"line": number, "action": "修改", "title": item.task, "fields": diff})
    return plan


def _ledger_id(cell, items: dict, seen: set, err) -> int | None | bool:
    """The row's 编号: None for a new row, the item's id, or False (reported) when it names no row of this ledger."""
    if cell in (None, ""):
        return None
    try:
        item_id = int(str(cell).strip())
    except ValueError:
        err("id", "编号必须是整数（新增的行留空）")
        return False
    if item_id not in items:
        err("id", f"编号 {item_id} 不是本单位台账中的事项")
        return False
    if item_id in seen:
        err("id", f"编号 {item_id} 重复出现")
        return False
    seen.add(item_id)
    return item_id


def _ledger_values(cell: dict, people: dict[str, Person], err) -> dict:
    """The editable values of one row, each problem reported through `err` (attribute, message)."""
    values = {}
    for attr in ("problem", "task", "measures", "progress"):
        text = cell_text(cell[attr])
        if text and len(text) > MAX_TEXT:
            err(attr, f"不能超过 {MAX_TEXT} 字")
        values[attr] = text
    if not values["task"]:
        err("task", "整改任务不能为空")
    try:
        values["seq"] = int(cell["seq"]) if cell["seq"] not in (None, "") else None
        if values["seq"] is not None and not 0 < values["seq"] < 100_000:
            err("seq", "序号须在 1～99999 之间")
    except (TypeError, ValueError):
        err("seq", "序号必须是整数")
    phase = cell_text(cell["phase"])
    if phase and phase not in RECTIFICATION_PHASES:
        err("phase", f"取值必须是以下之一：{'、'.join(RECTIFICATION_PHASES)}")
    values["phase"] = phase
    try:
        values["due_date"] = cell_date(cell["due_date"])
    except ValueError:
        err("due_date", f"「{cell['due_date']}」不是有效的日期（格式：YYYY-MM-DD）")
    for attr in ("responsible", "leader"):
        name = cell_text(cell[attr])
        if name and name not in people:
            err(attr, f"找不到人员「{name}」（须为本单位人员，请先在“人员”中登记）")
        values[attr] = people.get(name) if name else None
    return values


def _show(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Person):
        return value.name
    return value.isoformat() if isinstance(value, date) else str(value)


def apply_ledger_upload(inspection: Inspection, data: bytes, user) -> dict[str, int]:
    """Save an upload whose every row is valid; any error and nothing is saved (one transaction, the caller's)."""
    plan = plan_ledger_upload(inspection, data)
    if not plan.ok:
        raise CommandError("台账有误，未保存任何内容：" + "；".join(plan.errors), "file")
    items = {item.id: item for item in ledger_items(inspection)}
    added = changed = 0
    for row in plan.rows:
        item = items.get(row.item_id) if row.item_id else None
        if item is None:
            item = RectificationItem(inspection_id=inspection.id, status="未启动")
            db.session.add(item)
            added += 1
        elif any(row.values.get(a) != getattr(item, a) for a in EDITABLE):
            changed += 1
        for attr in EDITABLE:
            setattr(item, attr, row.values.get(attr))
    store(data, f"整改台账（{inspection.unit.name}，{date.today().isoformat()}上传）.xlsx",
          title=f"整改台账上传：{inspection.unit.name}", inspection_id=inspection.id, uploaded_by=actor_name(user))
    return {"added": added, "changed": changed}
