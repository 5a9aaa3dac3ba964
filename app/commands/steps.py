"""The approval steps of issue 13 (item 2) and 巡察办's reasoned date correction (item 1).

Each approval records the person of the logged-in user, checked by app.rules.approvers (the team's 组长, not a
person of the record; 巡察办 for its own); a correction changes one step-owned date with a reason, the original kept
as a StatusEvent (field, from, to, note) beside the change history.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from app.extensions import db
from app.rules import ownership
from app.rules.approvers import APPROVALS, approver_refusal
from schema import Inspection, Person, StatusEvent

from . import CommandError
from .approvals import team_person_ids
from .holds import check_dates, handover_refusal, roles_of
from .rectification import person_of
from .status import actor_name

CORRECTORS = {"Office", "Admin"}


def own_person_ids(record, names) -> set[int]:
    ids = set()
    for name in names:
        value = getattr(record, name, None)
        for one in value if isinstance(value, list) else [value]:
            if isinstance(one, Person):
                ids.add(one.id)
    return ids


def _inspection(record) -> Inspection | None:
    return record if isinstance(record, Inspection) else getattr(record, "inspection", None)


# Approvals the record does not need: asked before who takes them, so a page offers no button that can only refuse.
NOT_NEEDED = {
    "material": lambda r: None if r.is_important else ("is_important", "只有重要资料需要组长批准"),
    "talk_single": lambda r: ("interviewers", "谈话人已有两人，不是单独谈话，无需批准") if len(r.interviewers) >= 2
    else None,
}


def approval_refusal(approval, record, user) -> tuple[str, str] | None:
    """(field, Chinese reason) why `user` may not take `approval` on `record`, or None: not taken yet, needed by the
    record, and the user the one app.rules.approvers names (the record's page asks this too, to offer only the steps
    its reader can take)."""
    locked = handover_refusal(record)  # 八（二）: nothing under a handed-over inspection changes, a step neither
    if locked:
        return "inspection", locked
    taken = getattr(record, approval.date_field)
    if taken is not None:  # taken once, by the one who took it: a wrong date is 巡察办's reasoned correction
        return approval.date_field, f"已于{taken.isoformat()}办理「{approval.step}」；日期有误的，请巡察办更正"
    needless = NOT_NEEDED.get(approval.key, lambda r: None)(record)
    if needless:
        return needless
    person = person_of(user)
    refusal = approver_refusal(approval, roles=roles_of(user), person_id=person.id if person else None,
                               leader_ids=team_person_ids(_inspection(record), "组长"),
                               own_ids=own_person_ids(record, approval.own))
    return (approval.date_field, refusal) if refusal else None


def take_approval(key: str, record, user, on: date | None = None) -> None:
    """Take the approval `key` (app.rules.approvers.APPROVALS) on `record` as `user`, dated `on` (today)."""
    approval = APPROVALS.get(key)
    if approval is None or type(record).__name__ != approval.model:
        raise CommandError("没有这个审批步骤", "step")
    on = on or date.today()
    if on > date.today():
        raise CommandError(f"「{approval.step}」的日期不能晚于今天", approval.date_field)
    refusal = approval_refusal(approval, record, user)
    if refusal:
        raise CommandError(refusal[1], refusal[0])
    setattr(record, approval.date_field, on)
    if approval.person_field:
        setattr(record, approval.person_field, person_of(user))
    check_dates(record)


def correctable_dates(record) -> dict[str, date]:
    """field → value of the step-owned dates `record` carries: what 巡察办's correction may change."""
    owned = ownership.owned_fields(type(record).__name__)
    columns = sa.inspect(type(record)).columns
    return {f: getattr(record, f) for f in owned
            if f in columns and isinstance(columns[f].type, sa.Date) and getattr(record, f) is not None}


def correction_refusal(record, user) -> tuple[str, str] | None:
    """(field, Chinese reason) why `user` may not correct a step date of `record`, or None (its page asks too)."""
    if not roles_of(user) & CORRECTORS:
        return "field", "步骤日期只能由巡察办更正"
    locked = handover_refusal(record)  # 八（二）
    return ("inspection", locked) if locked else None


def correct_date(record, field: str, value: date | None, reason: str | None, user) -> StatusEvent:
    """巡察办 corrects a step's date: a reason is required, the original stays visible (StatusEvent and history)."""
    refusal = correction_refusal(record, user)
    if refusal:
        raise CommandError(refusal[1], refusal[0])
    owned = ownership.owned_fields(type(record).__name__)
    column = sa.inspect(type(record)).columns.get(field)
    if field not in owned or column is None or not isinstance(column.type, sa.Date):
        raise CommandError("只能更正由步骤填写的日期字段", "field")
    reason = (reason or "").strip()
    if len(reason) < 2:
        raise CommandError("请填写更正理由", "reason")
    if value is None:
        raise CommandError("请填写更正后的日期", "value")
    original = getattr(record, field)
    event = StatusEvent(entity=record.__tablename__, entity_id=record.id, field=field,
                        from_value=original.isoformat() if original else None, to_value=value.isoformat(),
                        actor=actor_name(user), note=f"更正「{owned[field]}」日期：{reason[:450]}")
    setattr(record, field, value)
    check_dates(record)
    db.session.add(event)
    return event
