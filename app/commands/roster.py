"""导入人员名单: a unit's staff (Person rows: 姓名, 职务, 职级, 政治面貌, 电话, 领导班子成员) from Excel, previewed, then
saved all or nothing (app.commands.imports).

A row is matched to the unit's person of the same name; two people of one name in the unit are told apart by the
phone number, otherwise the row is refused (nothing is guessed). People not in the file are kept: a roster adds and
corrects, it never deletes (a person may be named in talks, clues or ledgers).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa

from app.commands.calendar_import import parse_flag
from app.extensions import db
from schema import Person, Unit

from . import CommandError
from .imports import ImportPlan, cell_text, read_sheet, template_xlsx

# header → (attribute, longest text)
COLUMNS = [("姓名", "name", 50), ("职务", "title", 100), ("职级", "rank", 50), ("政治面貌", "political_status", 20),
           ("电话", "phone", 30), ("领导班子成员", "is_leadership", None)]
REQUIRED = ["姓名"]
LABEL = {attr: name for name, attr, _ in COLUMNS}
PHONE = re.compile(r"^[0-9+\-() 转]{3,30}$")
WHAT = "人员名单"


@dataclass
class RosterRow:
    line: int
    person_id: int | None
    values: dict


def _people(unit: Unit) -> list[Person]:
    return list(db.session.scalars(sa.select(Person).where(Person.unit_id == unit.id).order_by(Person.id)))


def roster_template(unit: Unit) -> bytes:
    """The unit's current roster as the sheet to correct and upload back."""
    rows = [[p.name, p.title, p.rank, p.political_status, p.phone, "是" if p.is_leadership else "否"]
            for p in _people(unit)]
    return template_xlsx(WHAT, [name for name, _, _ in COLUMNS], rows, notes=[
        f"{unit.name} 人员名单：每行一人，「姓名」必填。",
        "按姓名与本单位已登记的人员对应：同名的更新，新的姓名新增；本单位有同名人员时，以「电话」区分。",
        "文件中没有的人员保持不变（不会删除）。「领导班子成员」填 是 或 否（留空为否）。",
    ], choices={5: ["是", "否"]})


def _show(value) -> str:
    if value is None:
        return ""
    return ("是" if value else "否") if isinstance(value, bool) else str(value)


def plan_roster(unit: Unit, data: bytes) -> ImportPlan:
    """Check every row of an uploaded roster and compare it with the unit's people; nothing is written."""
    header, lines = read_sheet(data, REQUIRED, [name for name, _, _ in COLUMNS if name not in REQUIRED])
    index = {attr: header.index(name) for name, attr, _ in COLUMNS if name in header}
    people = _people(unit)
    by_name: dict[str, list[Person]] = {}
    for p in people:
        by_name.setdefault(p.name, []).append(p)
    plan, seen = ImportPlan(), {}
    for number, raw in lines:
        def err(attr: str, message: str) -> None:
            plan.errors.append(f"第 {number} 行「{LABEL[attr]}」：{message}")

        values, bad = {}, False
        for name, attr, limit in COLUMNS:
            if attr not in index:
                continue
            cell = raw[index[attr]]
            if attr == "is_leadership":
                try:
                    values[attr] = False if cell_text(cell) is None else parse_flag(cell)
                except ValueError:
                    err(attr, f"应为 是 或 否（现为「{cell_text(cell)}」）")
                    bad = True
                continue
            text = cell_text(cell)
            if text and len(text) > limit:
                err(attr, f"不能超过 {limit} 个字")
                bad = True
            values[attr] = text
        if not values.get("name"):
            err("name", "姓名不能为空")
            continue
        if values.get("phone") and not PHONE.match(values["phone"]):
            err("phone", f"「{values['phone']}」不是有效的电话号码")
            bad = True
        key = (values["name"], values.get("phone") or "")
        if key in seen:
            err("name", f"与第 {seen[key]} 行重复")
            continue
        seen[key] = number
        same = by_name.get(values["name"], [])
        if len(same) > 1:
            same = [p for p in same if values.get("phone") and p.phone == values["phone"]]
            if len(same) != 1:
                err("name", f"本单位有多名「{values['name']}」，请在「电话」列填写其登记的电话以区分")
                continue
        if bad:
            continue
        person = same[0] if same else None
        plan.rows.append(RosterRow(number, person.id if person else None, values))
        if person is None:
            plan.changes.append({"line": number, "action": "新增", "title": values["name"],
                                 "fields": [(LABEL[a], "", _show(v)) for a, v in values.items() if v not in (None, "")]})
        else:
            diff = [(LABEL[a], _show(getattr(person, a)), _show(v)) for a, v in values.items()
                    if a != "name" and v != getattr(person, a)]
            if diff:
                plan.changes.append({"line": number, "action": "修改", "title": person.name, "fields": diff})
    return plan


def apply_roster(unit: Unit, data: bytes) -> dict[str, int]:
    """Save a roster whose every row is valid (the caller's transaction): any error and nothing is saved."""
    plan = plan_roster(unit, data)
    if not plan.ok:
        raise CommandError("人员名单有误，未保存任何内容：" + "；".join(plan.errors), "file")
    added = changed = 0
    for row in plan.rows:
        person = db.session.get(Person, row.person_id) if row.person_id else None
        if person is None:
            person = Person(unit_id=unit.id)
            db.session.add(person)
            added += 1
        elif any(getattr(person, a) != v for a, v in row.values.items()):
            changed += 1
        for attr, value in row.values.items():
            setattr(person, attr, value)
    db.session.flush()
    return {"added": added, "changed": changed}
