"""附件23 相关数据统计表 and 九、成果共享: the figures of the inspections, counted in SQL (GROUP BY), grouped per
inspection, round, team or unit (or all together), with breakdowns per aspect, category and destination.

One function, `figures`, feeds the 附件23 document (app.exports.attachments), the 巡察数据统计 screen, its Excel
export and REST (views.statistics), the annual report's data set and the bulletins. Every count reads through the
caller's row scope (app.scope): the inspections it may see, and of each kind of record the rows it may see (a team
does not count the clues it handed over, 六（二）3); outside a request (jobs, CLI) nothing is restricted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from app.extensions import db
from app.reference import kept
from app.rules.repeats import ACROSS_ROUNDS, ACROSS_UNITS, Flag, Occurrence, Rule, repeat_flags
from app.scope import scoped as _scoped
from schema import (
    Clue,
    Finding,
    ImmediateFix,
    Inspection,
    Material,
    Meeting,
    Petition,
    Rectification,
    RectificationItem,
    RepeatRule,
    Round,
    Submission,
    Survey,
    Talk,
    Team,
    Transfer,
    Unit,
    Visit,
)
from schema.enums import ASPECTS, CLUE_CATEGORIES
from schema.transfer import transfer_clue

DONE = "已销号"  # 整改事项 完成: the row is closed (销号) after 巡察办's review


@dataclass(frozen=True)
class Measure:
    """One figure of 附件23: a count (or sum) over one kind of record of the inspections."""

    key: str
    group: str  # the 附件23 section
    label: str
    model: type
    value: sa.ColumnElement | None = None  # None: count of rows
    where: tuple = ()


MEASURES = (
    Measure("talks", "工作开展", "个别谈话人次", Talk),
    Measure("petitions", "工作开展", "受理信访件数", Petition),
    Measure("materials", "工作开展", "调阅资料份数", Material, sa.func.coalesce(Material.copies, 1)),
    Measure("forums", "工作开展", "座谈会次数", Meeting, where=(Meeting.kind == "座谈会",)),
    Measure("sittings", "工作开展", "列席会议次数", Meeting, where=(Meeting.kind == "列席会议",)),
    Measure("hearings", "工作开展", "听取汇报次数", Meeting, where=(Meeting.kind == "听取汇报",)),
    Measure("visits", "工作开展", "走访调研次数", Visit),
    Measure("surveys_out", "问卷调查", "问卷发放份数", Survey, sa.func.coalesce(Survey.distributed_count, 0)),
    Measure("surveys_in", "问卷调查", "问卷回收份数", Survey, sa.func.coalesce(Survey.collected_count, 0)),
    Measure("clues", "问题线索", "问题线索数", Clue),
    Measure("findings", "发现问题", "发现问题数", Finding),
    Measure("fixes", "整改", "立行立改数", ImmediateFix),
    Measure("items_done", "整改", "整改事项（已完成）", RectificationItem, where=(RectificationItem.status == DONE,)),
    Measure("items_open", "整改", "整改事项（未完成）", RectificationItem, where=(RectificationItem.status != DONE,)),
)
MEASURE_LABELS = {m.key: m.label for m in MEASURES}

_department = aliased(Unit)


@dataclass(frozen=True)
class Breakdown:
    """A figure split by a value of the record: clues by category and by destination, findings by aspect."""

    key: str
    group: str
    prefix: str  # 附件23 label: prefix + value
    model: type
    value: sa.ColumnElement
    joins: tuple = ()
    values: tuple[str, ...] = ()  # listed even at 0, in this order (the rest follow by name)


BREAKDOWNS = (
    Breakdown("category", "问题线索", "按类别：", Clue, Clue.category, values=CLUE_CATEGORIES),
    # 去向: the receiving department, else the disposal (整改类 / 提交类 / 处理意见), else not yet decided
    Breakdown("destination", "问题线索", "按去向：", Clue,
              sa.func.coalesce(_department.name, Clue.disposal, "待处置"),
              joins=((_department, _department.id == Clue.department_id),)),
    Breakdown("aspect", "发现问题", "按方面：", Finding, Finding.aspect, values=tuple(a for a in ASPECTS if a != "其他")),
)
# 附件23's order: each section's figures, its breakdowns right after its count
SECTIONS = ("工作开展", "问卷调查", "问题线索", "发现问题", "整改")

# What a group is: its key and its label (the dimension of a table of the statistics screen).
_team_round = aliased(Round)
DIMENSIONS = {
    "total": (sa.literal(0), sa.literal("合计"), (), ()),
    "inspection": (Inspection.id, Round.name + "·" + Unit.name, ((Round, Round.id == Inspection.round_id),
                                                                 (Unit, Unit.id == Inspection.unit_id)),
                   (Round.starts_on, Round.id, Unit.name)),
    "round": (Inspection.round_id, Round.name, ((Round, Round.id == Inspection.round_id),),
              (Round.starts_on, Round.id)),
    "team": (Inspection.team_id, _team_round.name + Team.name,
             ((Team, Team.id == Inspection.team_id), (_team_round, _team_round.id == Team.round_id)),
             (_team_round.starts_on, _team_round.id, Team.name)),
    "unit": (Inspection.unit_id, Unit.name, ((Unit, Unit.id == Inspection.unit_id),), (Unit.name,)),
}
DIMENSION_LABELS = {"total": "合计", "inspection": "按巡察", "round": "按轮次", "team": "按巡察组", "unit": "按被巡察单位"}


@dataclass
class Group:
    """The figures of one group (an inspection, a round, a team, a unit or all of them)."""

    key: int
    label: str
    values: dict[str, int] = field(default_factory=dict)
    breakdowns: dict[str, dict[str, int]] = field(default_factory=dict)

    def rows(self) -> list[dict]:
        """附件23's rows: 序号, 类别, 统计项目, 数值."""
        out = []
        for section in SECTIONS:
            for m in (m for m in MEASURES if m.group == section):
                out.append((section, m.label, self.values[m.key]))
            for b in (b for b in BREAKDOWNS if b.group == section):
                out += [(section, f"{b.prefix}{k}", v) for k, v in self.breakdowns[b.key].items()]
        return [{"seq": n, "group": g, "label": label, "value": v} for n, (g, label, v) in enumerate(out, 1)]

    def as_dict(self) -> dict:
        return {"key": self.key, "label": self.label, "values": self.values, "breakdowns": self.breakdowns}


def inspection_ids(*, year: int | None = None, round_id: int | None = None,
                   inspection_id: int | None = None) -> sa.Select:
    """The inspections of the selection that the caller may see."""
    stmt = sa.select(Inspection.id).join(Round, Round.id == Inspection.round_id)
    if year is not None:
        stmt = stmt.where(Round.year == year)
    if round_id is not None:
        stmt = stmt.where(Inspection.round_id == round_id)
    if inspection_id is not None:
        stmt = stmt.where(Inspection.id == inspection_id)
    return _scoped(stmt, Inspection)


def _grouped(by: str, ids: sa.Select, model: type, value, *extra, joins=(), where=()) -> sa.Select:
    key, _, dim_joins, _ = DIMENSIONS[by]
    stmt = sa.select(key.label("key"), *extra, value.label("value")).select_from(model).join(
        Inspection, Inspection.id == model.inspection_id)
    for target, on in (*dim_joins, *joins):
        stmt = stmt.outerjoin(target, on) if target is _department else stmt.join(target, on)
    stmt = stmt.where(Inspection.id.in_(ids), *where)
    return _scoped(stmt, model).group_by(key, *extra)


def figures(by: str = "total", **selection) -> list[Group]:
    """The 附件23 figures of the selected inspections (`year`, `round_id`, `inspection_id`), one Group per `by`
    (total, inspection, round, team, unit) that has an inspection in the caller's scope."""
    ids = inspection_ids(**selection)
    key, label, joins, order = DIMENSIONS[by]
    stmt = sa.select(key, label).select_from(Inspection)
    for target, on in joins:
        stmt = stmt.join(target, on)
    stmt = stmt.where(Inspection.id.in_(ids)).group_by(key, label, *order).order_by(*order)
    groups = {k: Group(k, lbl) for k, lbl in db.session.execute(stmt)}
    if not groups and by == "total":
        groups = {0: Group(0, "合计")}
    for g in groups.values():
        g.values = dict.fromkeys(MEASURE_LABELS, 0)
        g.breakdowns = {b.key: dict.fromkeys(b.values, 0) for b in BREAKDOWNS}
    for m in MEASURES:
        agg = sa.func.count() if m.value is None else sa.func.sum(m.value)
        for k, v in db.session.execute(_grouped(by, ids, m.model, agg, where=m.where)):
            if k in groups:
                groups[k].values[m.key] = int(v or 0)
    for b in BREAKDOWNS:
        stmt = _grouped(by, ids, b.model, sa.func.count(), b.value.label("item"), joins=b.joins).order_by(b.value)
        for k, item, v in db.session.execute(stmt):
            if k in groups:
                groups[k].breakdowns[b.key][item] = int(v)
    return list(groups.values())


def total(**selection) -> Group:
    return figures("total", **selection)[0]


def attachment_rows(inspection_id: int) -> list[dict]:
    """附件23 of one inspection: its rows (seq, group, label, value)."""
    return total(inspection_id=inspection_id).rows()


def breakdown_table(by: str, breakdown: str, **selection) -> tuple[list[str], list[dict]]:
    """A cross table: one row per aspect (or category), one column per group of `by` (e.g. aspect × round)."""
    groups = figures(by, **selection)
    values = {"aspect": ASPECTS, "category": CLUE_CATEGORIES}[breakdown]
    rows = [{"label": v, "cells": [g.breakdowns[breakdown].get(v, 0) for g in groups],
             "total": sum(g.breakdowns[breakdown].get(v, 0) for g in groups)} for v in values]
    return [g.label for g in groups], [r for r in rows if r["total"] or breakdown == "aspect" and r["label"] != "其他"]


# ---------------------------------------------------------------- 重复出现的问题 (issue 7 item 5)


def occurrences(ids: sa.Select | None = None, **selection) -> list[Occurrence]:
    """Findings per aspect and clues per category, per inspection, of the caller's inspections (SQL GROUP BY): of
    `ids` (a select of inspection ids) or of the selection."""
    ids = ids if ids is not None else inspection_ids(**selection)
    parts = []
    for field_name, model, column in (("问题方面", Finding, Finding.aspect), ("线索类别", Clue, Clue.category)):
        parts.append(_scoped(
            sa.select(sa.literal(field_name), sa.type_coerce(column, sa.String), Inspection.unit_id, Unit.name,
                      Inspection.round_id, Round.name, Round.starts_on, Inspection.id, sa.func.count())
            .select_from(model).join(Inspection, Inspection.id == model.inspection_id)
            .join(Unit, Unit.id == Inspection.unit_id).join(Round, Round.id == Inspection.round_id)
            .where(Inspection.id.in_(ids))
            .group_by(column, Inspection.unit_id, Unit.name, Inspection.round_id, Round.name, Round.starts_on,
                      Inspection.id), model))
    return [Occurrence(field_name, value, unit_id, unit, round_id, rnd, starts.isoformat() if starts else "", insp, n)
            for field_name, value, unit_id, unit, round_id, rnd, starts, insp, n
            in db.session.execute(sa.union_all(*parts))]  # both tables in one statement (their enums read as text)


def active_rules() -> list[Rule]:
    """The active repeat rules (kept per process while the reference stamp holds: app.reference)."""
    return list(kept("repeat_rules", lambda: [Rule(*r) for r in db.session.execute(
        sa.select(RepeatRule.scope, RepeatRule.field, RepeatRule.threshold).where(RepeatRule.is_active.is_(True))
        .order_by(RepeatRule.id))]))


def flags(*, year: int | None = None, round_id: int | None = None) -> list[Flag]:
    """The flags for a selection: (a) a unit of the selection with a problem recurring over all its rounds (the
    history counts), (b) a round of the selection with a problem at many of its units."""
    rules = active_rules()
    across_rounds = repeat_flags(occurrences(), [r for r in rules if r.scope == ACROSS_ROUNDS])
    selected = occurrences(year=year, round_id=round_id)
    units = {o.unit_id for o in selected}
    return ([f for f in across_rounds if f.subject_id in units]
            + repeat_flags(selected, [r for r in rules if r.scope == ACROSS_UNITS]))


def inspection_flags(inspection: Inspection) -> list[Flag]:
    """The flags an inspection takes part in (its page's panel 重复出现的问题): (a) its unit's over the unit's rounds,
    (b) its round's over the round's units that include it. A flag groups one subject's occurrences (a unit's, a
    round's), so each is counted from that subject's inspections alone: the page reads one unit's and one round's
    records, never the whole history (issue 18: a page's work does not grow with the tables)."""
    rules = active_rules()
    near = occurrences(_scoped(sa.select(Inspection.id).where(sa.or_(
        Inspection.unit_id == inspection.unit_id, Inspection.round_id == inspection.round_id)), Inspection))
    across_rounds = repeat_flags([o for o in near if o.unit_id == inspection.unit_id],
                                 [r for r in rules if r.scope == ACROSS_ROUNDS])
    across_units = repeat_flags([o for o in near if o.round_id == inspection.round_id],
                                [r for r in rules if r.scope == ACROSS_UNITS])
    return ([f for f in across_rounds if f.subject_id == inspection.unit_id]
            + [f for f in across_units if inspection.id in f.inspection_ids])


def flag_for(round_id: int, field_name: str, value: str) -> Flag | None:
    """The current flag (b) of one round for one aspect or category, as the rules now decide; None if none."""
    return next((f for f in flags(round_id=round_id) if f.scope == ACROSS_UNITS and f.subject_id == round_id
                 and f.field == field_name and f.value == value), None)


# ---------------------------------------------------------------- 九（三）巡察工作年度报告


def annual(year: int) -> dict:
    """The annual report's data set (九（三）): 巡察工作开展情况, 被巡察党组织整改落实情况, 巡察移送事项办理情况,
    相关职能部门落实学校党委意见建议情况."""
    ids = inspection_ids(year=year)
    rounds = figures("round", year=year)
    whole = total(year=year)
    done = sa.func.sum(sa.case((RectificationItem.status == DONE, 1), else_=0))
    items = _scoped(sa.select(RectificationItem.inspection_id.label("iid"), sa.func.count().label("n"),
                              done.label("done")).where(RectificationItem.inspection_id.in_(ids))
                    .group_by(RectificationItem.inspection_id), RectificationItem).subquery()
    rect = _scoped(sa.select(Rectification.inspection_id.label("iid"), Rectification.plan_submitted_on,
                             Rectification.report_submitted_on, Rectification.report_approved_on)
                   .where(Rectification.inspection_id.in_(ids)), Rectification).subquery()
    rectification = [
        {"round": rnd, "unit": unit, "items": int(n or 0), "done": int(d or 0), "open": int((n or 0) - (d or 0)),
         "plan_submitted_on": plan and plan.isoformat(), "report_submitted_on": report and report.isoformat(),
         "report_approved_on": approved and approved.isoformat()}
        for rnd, unit, n, d, plan, report, approved in db.session.execute(
            sa.select(Round.name, Unit.name, items.c.n, items.c.done, rect.c.plan_submitted_on,
                      rect.c.report_submitted_on, rect.c.report_approved_on)
            .select_from(Inspection).join(Round, Round.id == Inspection.round_id)
            .join(Unit, Unit.id == Inspection.unit_id)
            .outerjoin(items, items.c.iid == Inspection.id).outerjoin(rect, rect.c.iid == Inspection.id)
            .where(Inspection.id.in_(ids)).order_by(Round.starts_on, Round.id, Unit.name))]
    clues = (sa.select(transfer_clue.c.transfer_id, sa.func.count().label("n"))
             .group_by(transfer_clue.c.transfer_id).subquery())
    transfer_stmt = _scoped(
        sa.select(Unit.name, sa.func.count(Transfer.id), sa.func.coalesce(sa.func.sum(clues.c.n), 0),
                  sa.func.count(Transfer.received_on), sa.func.count(Transfer.reported_on))
        .select_from(Transfer).join(Unit, Unit.id == Transfer.department_id)
        .outerjoin(clues, clues.c.transfer_id == Transfer.id)
        .where(Transfer.inspection_id.in_(ids), Transfer.transferred_on.is_not(None))
        .group_by(Unit.name).order_by(Unit.name), Transfer)
    transfers = [{"department": dept, "batches": int(b), "clues": int(c), "received": int(r), "reported": int(rep),
                  "pending": int(b) - int(rep)} for dept, b, c, r, rep in db.session.execute(transfer_stmt)]
    dept = aliased(Unit)
    sub_stmt = _scoped(
        sa.select(Submission.title, sa.func.coalesce(dept.name, "学校党委"), Submission.status, Submission.received_on,
                  Submission.reported_on, Submission.result)
        .select_from(Submission).join(Round, Round.id == Submission.round_id)
        .outerjoin(dept, dept.id == Submission.department_id)
        .where(Round.year == year).order_by(Submission.id), Submission)
    submissions = [{"title": t, "department": d, "status": s, "received_on": r and r.isoformat(),
                    "reported_on": rep and rep.isoformat(), "result": res or ""}
                   for t, d, s, r, rep, res in db.session.execute(sub_stmt)]
    return {
        "year": year,
        "work": {"rounds": [{"round": g.label, "inspections": count_inspections(round_id=g.key), **g.values}
                            for g in rounds],
                 "inspections": count_inspections(year=year), "total": whole.values,
                 "by_aspect": whole.breakdowns["aspect"], "by_category": whole.breakdowns["category"]},
        "rectification": rectification,
        "transfers": transfers,
        "submissions": submissions,
    }


def count_inspections(**selection) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(inspection_ids(**selection).subquery()))


def years() -> list[int]:
    """Years that have rounds, newest first (the screen's choice)."""
    return list(db.session.scalars(sa.select(Round.year).group_by(Round.year).order_by(Round.year.desc())))


def rounds_of(year: int | None) -> list[tuple[int, str]]:
    stmt = sa.select(Round.id, Round.name).order_by(Round.starts_on, Round.id)
    if year is not None:
        stmt = stmt.where(Round.year == year)
    return [tuple(r) for r in db.session.execute(_scoped(stmt, Round))]
