"""Idempotent loader of reference data: the working-day calendar, units that receive transfers,
deadline rules D1–D12, routing rules, status transitions, the 24 附件 template slots, the archive requirements
(八（一）) and the repeat-problem rules.

Rules, units and templates come from the CSV files beside this module; the calendar is derived from the
installed ``chinesecalendar`` package. Only rows missing by their natural key are inserted; rows that exist
(perhaps edited by an admin) are never touched, so a second run inserts nothing. One correction: a deadline rule
still holding the responsible party that migration 0002 defaulted (巡察组), never edited, gets the file's party.
"""

from __future__ import annotations

import csv
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import insert, select

from app.audit import UPDATED
from app.extensions import db
from app.uow import transaction
from schema import (
    ArchiveRequirement,
    CalendarDay,
    ChangeLog,
    DeadlineRule,
    DocumentTemplate,
    RepeatRule,
    RoutingRule,
    StatusTransition,
    Unit,
)

SEED_DIR = Path(__file__).resolve().parent
CALENDAR_START = date(2004, 1, 1)
ADJUSTED_WORKDAY_NOTE = "调休上班"


def read_csv(name: str) -> list[dict[str, str]]:
    """Rows of a seed file, every value stripped; empty cells read as ''."""
    with open(SEED_DIR / name, encoding="utf-8-sig", newline="") as fh:
        return [{k.strip(): (v or "").strip() for k, v in row.items()} for row in csv.DictReader(fh)]


def _bool(value: str) -> bool | None:
    value = value.strip().lower()
    if value == "":
        return None
    if value in ("true", "1", "yes", "是"):
        return True
    if value in ("false", "0", "no", "否"):
        return False
    raise ValueError(f"不是布尔值：{value!r}")


def _int(value: str) -> int | None:
    return int(value) if value.strip() else None


# ---------------------------------------------------------------------------------------------- calendar


def calendar_last_day() -> date:
    """The last day of the last year the installed chinesecalendar knows."""
    from chinese_calendar import constants

    return date(max(d.year for d in constants.holidays), 12, 31)


def calendar_rows(
    start: date = CALENDAR_START, end: date | None = None, skip: set[date] | frozenset = frozenset()
) -> list[dict]:
    """One mapping per day not in `skip`: is_workday, and a note (the holiday's Chinese name, or 调休上班).

    Reads the package's own tables (the same rule as ``chinese_calendar.is_workday`` and ``get_holiday_detail``,
    which re-validate the year range on every call and would make a full load take seconds).
    """
    from chinese_calendar.constants import Holiday, holidays, workdays

    chinese = {h.value: h.chinese for h in Holiday}
    end = end or calendar_last_day()
    rows = []
    day = start
    one = timedelta(days=1)
    while day <= end:
        if day not in skip:
            is_workday = day in workdays or (day.weekday() <= 4 and day not in holidays)
            note = None
            if is_workday:
                if day.weekday() >= 5:
                    note = ADJUSTED_WORKDAY_NOTE
            elif day in holidays:
                note = chinese.get(holidays[day], holidays[day])
            rows.append({"day": day, "is_workday": is_workday, "note": note})
        day += one
    return rows


def load_calendar() -> int:
    existing = set(db.session.execute(select(CalendarDay.day)).scalars())
    rows = calendar_rows(skip=existing)
    for i in range(0, len(rows), 2000):
        db.session.execute(insert(CalendarDay), rows[i : i + 2000])
    return len(rows)


# ---------------------------------------------------------------------------------------------- files


def load_units() -> int:
    existing = set(db.session.execute(select(Unit.name)).scalars())
    n = 0
    for row in read_csv("units.csv"):
        if row["name"] in existing:
            continue
        db.session.add(
            Unit(
                name=row["name"],
                short_name=row.get("short_name") or None,
                kind=row["kind"],
                is_receiving=bool(_bool(row["is_receiving"])),
                party_org_name=row.get("party_org_name") or None,
            )
        )
        n += 1
    db.session.flush()
    return n


def load_deadline_rules() -> int:
    existing = set(db.session.execute(select(DeadlineRule.code)).scalars())
    n = 0
    for row in read_csv("deadline_rules.csv"):
        if row["code"] in existing:
            continue
        db.session.add(
            DeadlineRule(
                code=row["code"],
                title=row["title"],
                anchor=row["anchor"],
                direction=row["direction"],
                offset=int(row["offset"]),
                offset_max=_int(row["offset_max"]),
                time_unit=row["time_unit"],
                warn_only=bool(_bool(row["warn_only"])),
                done_field=row["done_field"] or None,
                responsible=row["responsible"],
                clause=row["clause"] or None,
                is_active=True,
            )
        )
        n += 1
    return n


DEFAULT_RESPONSIBLE = DeadlineRule.__table__.c.responsible.server_default.arg  # what 0002 gave existing rules


def correct_deadline_responsible() -> int:
    """Give the file's responsible party to rules that still hold 0002's default and that no one edited.

    0002 added the column with a default the loader never corrected, so an older database sent every reminder
    to the team (issue 16). An admin's edit of the field leaves a 修改 row in change_log naming it; such rules keep
    their value. Answers how many rules changed.
    """
    wanted = {r["code"]: r["responsible"] for r in read_csv("deadline_rules.csv")}
    edited = {entity_id for entity_id, changes in db.session.execute(
        select(ChangeLog.entity_id, ChangeLog.changes).where(
            ChangeLog.entity == DeadlineRule.__tablename__, ChangeLog.operation == UPDATED))
        if "responsible" in (changes or {})}
    n = 0
    defaulted = select(DeadlineRule).where(DeadlineRule.responsible == DEFAULT_RESPONSIBLE)
    for rule in db.session.execute(defaulted).scalars():
        if rule.id not in edited and wanted.get(rule.code, DEFAULT_RESPONSIBLE) != DEFAULT_RESPONSIBLE:
            rule.responsible = wanted[rule.code]
            n += 1
    db.session.flush()
    return n


def load_routing_rules() -> int:
    existing = set(db.session.execute(select(RoutingRule.priority)).scalars())
    units = {u.name: u.id for u in db.session.execute(select(Unit)).scalars()}
    n = 0
    for row in read_csv("routing_rules.csv"):
        priority = int(row["priority"])
        if priority in existing:
            continue
        department_id = None
        if row["department"]:
            if row["department"] not in units:
                raise ValueError(f"routing_rules.csv 第 {priority} 条：找不到单位“{row['department']}”")
            department_id = units[row["department"]]
        db.session.add(
            RoutingRule(
                priority=priority,
                category=row["category"] or None,
                involves_leadership=_bool(row["involves_leadership"]),
                department_id=department_id,
                disposal=row["disposal"] or "移送类",
                clause=row["clause"] or None,
                is_active=True,
            )
        )
        n += 1
    return n


def _transition_key(row) -> tuple[str, str, str]:
    return row["entity"], row["from_status"], row["to_status"]


def load_status_transitions() -> int:
    existing = set(db.session.execute(
        select(StatusTransition.entity, StatusTransition.from_status, StatusTransition.to_status)).all())
    n = 0
    for row in read_csv("status_transitions.csv"):
        if _transition_key(row) in existing:
            continue
        db.session.add(StatusTransition(
            entity=row["entity"], from_status=row["from_status"], to_status=row["to_status"], action=row["action"],
            roles=row["roles"].replace(";", ","), note_required=bool(_bool(row["note_required"])),
            clause=row["clause"] or None, is_active=True))
        n += 1
    return n


def load_templates() -> int:
    existing = set(
        db.session.execute(select(DocumentTemplate.attachment_no).where(DocumentTemplate.version == 1)).scalars()
    )
    n = 0
    for row in read_csv("templates.csv"):
        no = int(row["attachment_no"])
        if no in existing:
            continue
        db.session.add(
            DocumentTemplate(
                attachment_no=no,
                title=row["title"],
                file_format=row["file_format"],
                is_guidance=bool(_bool(row["is_guidance"])),
                version=1,
                is_active=True,
                original_name=None,
                storage_name=None,
                sha256=None,
            )
        )
        n += 1
    return n


def load_archive_requirements() -> int:
    existing = set(db.session.execute(select(ArchiveRequirement.code)).scalars())
    n = 0
    for row in read_csv("archive_requirements.csv"):
        if row["code"] in existing:
            continue
        db.session.add(ArchiveRequirement(
            code=row["code"], stage=row["stage"], seq=int(row["seq"]), title=row["title"], kind=row["kind"],
            attachment_no=_int(row["attachment_no"]), record_type=row["record_type"] or None,
            applies_if=row["applies_if"] or None, clause=row["clause"] or None, is_active=True))
        n += 1
    return n


def load_repeat_rules() -> int:
    existing = set(db.session.execute(select(RepeatRule.scope, RepeatRule.field)).all())
    n = 0
    for row in read_csv("repeat_rules.csv"):
        if (row["scope"], row["field"]) in existing:
            continue
        db.session.add(RepeatRule(scope=row["scope"], field=row["field"], threshold=int(row["threshold"]),
                                  clause=row["clause"] or None, is_active=True))
        n += 1
    return n


def load_reference() -> dict[str, int]:
    """Insert whatever reference rows are missing; answer how many rows of each kind were inserted."""
    with transaction():
        counts = {
            "calendar_day": load_calendar(),
            "unit": load_units(),
            "deadline_rule": load_deadline_rules(),
            "deadline_rule.responsible": correct_deadline_responsible(),
            "routing_rule": load_routing_rules(),
            "status_transition": load_status_transitions(),
            "document_template": load_templates(),
            "archive_requirement": load_archive_requirements(),
            "repeat_rule": load_repeat_rules(),
        }
    return counts


def reference_missing() -> bool:
    """True when some reference file row (or calendar day) is not in the database yet."""
    have_rules = set(db.session.execute(select(DeadlineRule.code)).scalars())
    have_units = set(db.session.execute(select(Unit.name)).scalars())
    have_priorities = set(db.session.execute(select(RoutingRule.priority)).scalars())
    have_templates = set(
        db.session.execute(select(DocumentTemplate.attachment_no).where(DocumentTemplate.version == 1)).scalars()
    )
    have_transitions = set(db.session.execute(
        select(StatusTransition.entity, StatusTransition.from_status, StatusTransition.to_status)).all())
    have_requirements = set(db.session.execute(select(ArchiveRequirement.code)).scalars())
    have_repeat = set(db.session.execute(select(RepeatRule.scope, RepeatRule.field)).all())
    last = db.session.execute(select(CalendarDay.day).order_by(CalendarDay.day.desc()).limit(1)).scalar()
    return (
        any(r["code"] not in have_rules for r in read_csv("deadline_rules.csv"))
        or any(r["name"] not in have_units for r in read_csv("units.csv"))
        or any(int(r["priority"]) not in have_priorities for r in read_csv("routing_rules.csv"))
        or any(int(r["attachment_no"]) not in have_templates for r in read_csv("templates.csv"))
        or any(_transition_key(r) not in have_transitions for r in read_csv("status_transitions.csv"))
        or any(r["code"] not in have_requirements for r in read_csv("archive_requirements.csv"))
        or any((r["scope"], r["field"]) not in have_repeat for r in read_csv("repeat_rules.csv"))
        or last is None
        or last < calendar_last_day()
    )
