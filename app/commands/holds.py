"""The one enforcement point of the generic write paths (issue 13): screen add/edit, REST POST/PUT, bulk actions
and imports call `guard_write(item)` before a record is saved.

It refuses, in order: a write to a step-owned field (app.rules.ownership) by anyone but Admin; any write under an
inspection whose archive was handed over (app.rules.handover); a date or count order that cannot happen
(app.rules.dates), for Admin too.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import g, has_request_context, request

from app.extensions import db
from app.labels import LABELS
from app.rules import dates, handover, ownership, team
from schema import ArchiveVolume, Inspection, Person, TeamMember, Unit

from . import CommandError
from .codes import fill_code


def roles_of(user) -> set[str]:
    return {r.name for r in getattr(user, "roles", None) or []}


def current_roles() -> set[str]:
    return roles_of(getattr(g, "user", None)) if has_request_context() else set()


def _default(column_attr):
    col = column_attr.columns[0] if getattr(column_attr, "columns", None) else None
    default = getattr(col, "default", None)
    return default.arg if default is not None and default.is_scalar else None


def changed_fields(item) -> list[str]:
    """The fields a save of `item` would set: on a new record those given a value other than the default, on a
    stored one those whose value changed."""
    state = sa.inspect(item)
    mapper = state.mapper
    changed = []
    for attr in state.attrs:
        prop = mapper.attrs.get(attr.key)
        if state.transient or state.pending:
            value = state.dict.get(attr.key)
            if value in (None, [], "") or (hasattr(prop, "columns") and value == _default(prop)):
                continue
            changed.append(attr.key)
        elif attr.history.has_changes():
            changed.append(attr.key)
    return changed


def value_at(item, path: str):
    """A dotted attribute of `item` (None where the chain breaks)."""
    for part in path.split("."):
        item = getattr(item, part, None)
        if item is None:
            return None
    return item


def inspection_id_of(item) -> int | None:
    """The inspection a record belongs to, through its own column or its parent's."""
    if type(item).__name__ == "Inspection":
        return item.id
    for path in ("inspection_id", "inspection.id", "feedback.inspection_id", "meeting.inspection_id",
                 "volume.inspection_id", "clue.inspection_id", "rectification.inspection_id", "survey.inspection_id"):
        value = value_at(item, path)
        if value is not None:
            return value
    return None


def handed_over_on(inspection_id: int | None):
    """The day the inspection's archive was handed over (None: not yet). A page that reads (GET) asks it once per
    inspection (its step buttons each check the lock: kept in g); a write asks the database every time."""
    if inspection_id is None:
        return None
    reading = has_request_context() and request.method in ("GET", "HEAD")
    memo = g.setdefault("_xct_handed_over_on", {}) if reading else {}
    if inspection_id not in memo:
        with db.session.no_autoflush:
            memo[inspection_id] = db.session.scalar(sa.select(ArchiveVolume.handed_over_on)
                                                    .where(ArchiveVolume.inspection_id == inspection_id))
    return memo[inspection_id]


def handover_refusal(item) -> str | None:
    """八（二）: a write to a record of an inspection whose archive was handed over (generic paths and steps alike)."""
    model = type(item).__name__
    return handover.write_refusal(handed_over_on(inspection_id_of(item)), model) \
        if handover.is_locked_kind(model) else None


def date_problems(item, labels: dict | None = None) -> list[tuple[str, str]]:
    """The impossible orders of `item`, named by `labels` (a screen's own) or else the shared Chinese labels."""
    model = type(item).__name__
    labels = labels or LABELS
    names = {n for o in dates.pairs_of(model) for n in (o.earlier, o.later)}
    with db.session.no_autoflush:
        values = {n: value_at(item, n) for n in names}
    return dates.order_problems(model, values, labels)


def check_dates(item, labels: dict | None = None) -> None:
    """Raise the first impossible date or count order of `item` (commands call this before they commit)."""
    problems = date_problems(item, labels)
    if problems:
        raise CommandError(problems[0][1], problems[0][0])


def write_problem(item, roles, labels: dict | None = None, deleting: bool = False) -> tuple[str, str] | None:
    """(field, message) refusing a generic write of `item` by a caller with `roles`, or None."""
    if not deleting:
        refusal = ownership.write_refusal(type(item).__name__, changed_fields(item), roles, labels)
        if refusal:
            return refusal
    model = type(item).__name__
    if deleting:
        refusal = ownership.delete_refusal(model, roles)
        if refusal:
            return "id", refusal
    message = handover_refusal(item)
    if message:
        return "inspection", message
    if not deleting:
        problems = date_problems(item, labels)
        if problems:
            return problems[0]
        rule = RECORD_RULES.get(model)
        return rule(item, changed_fields(item)) if rule else None
    return None


# ---- record rules of items 6 and 7, judged by app.rules.team over the record and what it is linked to ----


def _unit_names(ids) -> dict[int, str]:
    return dict(db.session.execute(sa.select(Unit.id, Unit.name).where(Unit.id.in_(ids))).all()) if ids else {}


def _member_conflict(person: Person | None, team_id: int | None, reason: str | None) -> str | None:
    if person is None or team_id is None:
        return None
    inspected = set(db.session.scalars(sa.select(Inspection.unit_id).where(Inspection.team_id == team_id)))
    return team.conflict_problem(person.name, person.unit_id, person.conflict_unit_id, inspected, reason,
                                 _unit_names(inspected))


def _team_member_rule(item: TeamMember, changed: list[str]):
    if not {"person", "person_id", "team", "team_id", "exemption_reason"} & set(changed):
        return None
    with db.session.no_autoflush:
        person = item.person or (db.session.get(Person, item.person_id) if item.person_id else None)
        problem = _member_conflict(person, item.team_id or getattr(item.team, "id", None), item.exemption_reason)
    return ("person", problem) if problem else None


def team_roles(team_id: int | None) -> list[str]:
    return list(db.session.scalars(sa.select(TeamMember.role).where(TeamMember.team_id == team_id))) \
        if team_id else []


def _inspection_rule(item: Inspection, changed: list[str]):
    with db.session.no_autoflush:
        team_id = item.team_id or getattr(getattr(item, "team", None), "id", None)
        if {"team", "team_id", "unit", "unit_id"} & set(changed) and team_id:
            unit_id = item.unit_id or getattr(getattr(item, "unit", None), "id", None)
            for member in db.session.scalars(sa.select(TeamMember).where(TeamMember.team_id == team_id)):
                problem = team.conflict_problem(member.person.name, member.person.unit_id,
                                                member.person.conflict_unit_id, {unit_id}, member.exemption_reason,
                                                _unit_names({unit_id}))
                if problem:
                    return "team", problem
        entry = sa.inspect(item).attrs.entry_date.history
        entering = item.entry_date is not None and ("entry_date" in changed) and not any(entry.deleted or ())
        if entering:  # 进驻 is the step where the composition is refused (a warning before, app.rules.checks)
            problem = team.composition_problem(team_roles(team_id))
            if problem:
                return "entry_date", f"{problem}，不能登记进驻（规程一（一）2 组长负责制）"
    return None


def _fix_rule(item, changed: list[str]):
    problem = team.consent_problem(bool(item.is_major), item.raised_on, item.leading_group_approved_on)
    return ("raised_on", problem) if problem else None


def _news_rule(item, changed: list[str]):
    state = sa.inspect(item)
    if state.transient or state.pending:
        return None
    history = state.attrs.leader_approved_on.history
    approved = (history.deleted or [None])[0] if history.has_changes() else item.leader_approved_on
    return team.news_frozen_problem(changed, approved)


RECORD_RULES = {"TeamMember": _team_member_rule, "Inspection": _inspection_rule, "ImmediateFix": _fix_rule,
                "NewsRelease": _news_rule}


def guard_write(item, labels: dict | None = None, deleting: bool = False) -> None:
    """Refuse (CommandError, 422) a generic write the procedure does not allow; the session is rolled back."""
    problem = write_problem(item, current_roles(), labels, deleting)
    if problem:
        db.session.rollback()
        raise CommandError(problem[1], problem[0])
    if not deleting:
        start_clocks(item)
        fill_code(item)  # 信访/线索编号 left blank: the next one of its rule (app.rules.codes)


def start_clocks(item) -> None:
    """五（三）3 大会反馈 ends the feedback: recording it starts D12 (八（二） 反馈结束后1个月内移交), no date typed."""
    if type(item).__name__ == "Meeting" and item.kind == "大会反馈" and item.held_on is not None:
        inspection = item.inspection
        if inspection is not None and inspection.feedback_done_date is None:
            inspection.feedback_done_date = item.held_on


def take_out_refusal(inspection_id: int | None) -> str | None:
    """Why the caller may not export or download the inspection's files any more (八（二）), or None."""
    return handover.take_out_refusal(handed_over_on(inspection_id), current_roles())
