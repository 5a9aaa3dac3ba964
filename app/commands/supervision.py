"""七、督查督办: 督办 records (who, when, content, result, the ledger rows concerned) and the 回头看 check of each
previous rectification item (已巩固 / 反弹), a 反弹 moving the previous row through the transition table and, if asked,
opening a new ledger row in the new inspection.

七（二） “巡察组对被巡察单位开展新一轮巡察，应当首先对上一轮巡察整改落实情况进行监督检查”
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, lazyload

from app.extensions import db
from schema import Inspection, Person, ReboundCheck, RectificationItem, Supervision
from schema.enums import REBOUND_RESULTS

from . import CommandError
from .rectification import move_item, person_of, previous_inspection, previous_rectification


def previous_with_checks(inspection: Inspection) -> dict:
    """The unit's previous inspection, its ledger (status, evidence) and this inspection's check of each row, for
    the inspection page's first panel, the round's page and the REST answer: two statements whatever the rows (one
    when the unit has no earlier inspection)."""
    previous = previous_inspection(inspection)
    if previous is None:
        return {"previous": None, "items": [], "checks": {}}
    rows = db.session.execute(
        sa.select(RectificationItem, ReboundCheck)
        .outerjoin(ReboundCheck, sa.and_(ReboundCheck.previous_item_id == RectificationItem.id,
                                         ReboundCheck.inspection_id == inspection.id))  # at most one (unique)
        .where(RectificationItem.inspection_id == previous.id)
        .order_by(RectificationItem.seq, RectificationItem.id)
        .options(lazyload("*"), joinedload(RectificationItem.evidence).lazyload("*"),
                 joinedload(RectificationItem.responsible).joinedload(Person.unit))).unique().all()
    return {"previous": previous, "items": [item for item, _ in rows],
            "checks": {item.id: check for item, check in rows if check is not None}}


def record_check(inspection: Inspection, item_id, result: str, note: str | None, user, *,
                 open_new_row: bool = False, on: date | None = None) -> ReboundCheck:
    """One check of a previous item. 反弹 moves it 已销号 → 反弹 (app.commands.status.move: the transition row, its
    roles, its required note, a StatusEvent) and may open a new row here with previous_item set."""
    if result not in REBOUND_RESULTS:
        raise CommandError(f"检查结果必须是以下之一：{'、'.join(REBOUND_RESULTS)}", "result")
    previous, items = previous_rectification(inspection)
    item = next((i for i in items if str(i.id) == str(item_id)), None)
    if item is None:
        raise CommandError("该事项不是本单位上一轮巡察整改台账中的事项", "previous_item")
    if db.session.scalar(sa.select(ReboundCheck.id).where(ReboundCheck.inspection_id == inspection.id,
                                                         ReboundCheck.previous_item_id == item.id)):
        raise CommandError("该事项已检查过，不能重复检查", "previous_item")
    note = (note or "").strip() or None
    if item.status != "已销号":
        raise CommandError(f"该事项状态为「{item.status}」，尚未销号：未销号的事项由巡察办继续督办，不作巩固或反弹认定",
                           "previous_item")
    check = ReboundCheck(inspection_id=inspection.id, previous_item_id=item.id, result=result, note=note,
                         checked_on=on or date.today(), checked_by=person_of(user))
    if result == "反弹":
        if not note:
            raise CommandError("认定反弹须填写说明（反弹的具体情况）", "note")
        move_item(item, "反弹", user, note)
        if open_new_row:
            seq = db.session.scalar(sa.select(sa.func.max(RectificationItem.seq)).where(
                RectificationItem.inspection_id == inspection.id)) or 0
            check.new_item = RectificationItem(
                inspection_id=inspection.id, previous_item_id=item.id, finding_id=None, seq=seq + 1,
                problem=f"（上一轮整改反弹）{item.problem or item.task}", task=item.task, measures=item.measures,
                status="未启动", progress=note)
            db.session.add(check.new_item)
    elif open_new_row:
        raise CommandError("只有认定反弹时才新建整改事项", "open_new_row")
    db.session.add(check)
    return check


def supervision_write_problem(sv: Supervision) -> tuple[str, str] | None:
    """A 督办 record names its kind, day and supervisor; the ledger rows it concerns are the inspection's own."""
    if sv.held_on is None:
        return "held_on", "请填写督办日期"
    if not (sv.supervisor or "").strip():
        return "supervisor", "请填写督办单位或督办人（巡察办 / 党委办公室）"
    inspection_id = sv.inspection_id or (sv.inspection.id if sv.inspection else None)
    others = [i for i in sv.items if i.inspection_id != inspection_id]
    if others:
        return "items", "督办的整改事项须属于本次巡察的整改台账"
    return None
