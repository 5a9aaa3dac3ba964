"""领导看板: the six charts, each one SQL GROUP BY within the viewer's row scope (app.scope), pure data out.

Each function takes the viewer (a FAB user; None outside a request means unrestricted, e.g. the benchmark) and
returns a dict the screen turns into an ECharts option (views.dashboards) and the API answers as it is
(GET /api/v1/dashboard/<chart>):

    {"title": str, "categories": [label, ...],
     "series": [{"name": str, "data": [number, ...], "links": [url or None, ...]}, ...], ...}

Every data point's link is the FAB list behind it, with the `_flt_<index>_<column>` "equal to" filters of that list
(the index is looked up in the registered screen's own filters: it depends on the column's type), so the list shows
the same rows the point counts — tests/test_dashboards.py follows each link and counts.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from urllib.parse import urlencode

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.rules.deadlines import LEVEL_LABELS
from app.scope import scope_criterion
from schema import Clue, Deadline, Finding, Inspection, RectificationItem, Round, Unit
from schema.enums import ASPECTS, CLUE_STATUSES, RECTIFICATION_STATUSES

# app.rules.deadlines levels (the colours of 期限预警), in the order a leader reads them.
DEADLINE_COLOURS = {"danger": "#d9534f", "warning": "#f0ad4e", "notice": "#5bc0de", "none": "#999999",
                    "success": "#5cb85c", "unknown": "#777777"}
DONE_STATUS = "已销号"  # 整改完成 of a 台账 row (七 督查督办 "对整改到位的问题予以销号")
TOP_N = 20  # bars of the rectification chart: the inspections with most open rows, the rest as "其他"
DEFAULT_TERM_YEARS = 5  # 一届任期; XCT_TERM_YEARS / XCT_TERM_START_YEAR in the config set the 届 the grid shows


EQUAL_FILTERS = ("FilterEqual", "FilterRelationOneToManyEqual")


@lru_cache(maxsize=64)
def _equal_index(view: str, column: str) -> int:
    for instance in current_app.appbuilder.baseviews:
        if type(instance).__name__ == view:
            kinds = [type(f).__name__ for f in instance._filters._all_filters[column]]
            return next(i for i, kind in enumerate(kinds) if kind in EQUAL_FILTERS)
    raise LookupError(view)


def list_url(view: str, **filters) -> str:
    """The FAB list of `view` (its lower-case class name is the route), filtered by column == value."""
    query = urlencode({f"_flt_{_equal_index(view, col)}_{col}": value for col, value in filters.items()})
    return f"/{view.lower()}/list/" + (f"?{query}" if query else "")


def _scoped(stmt: sa.Select, model, user, applies: bool = True) -> sa.Select:
    crit = scope_criterion(model, user) if applies else None
    return stmt.where(crit) if crit is not None else stmt


def _applies(user) -> bool:
    return user is not None


def findings_by_aspect(user) -> dict:
    """发现的问题 by the six aspects of 四（一）2 (and 其他)."""
    stmt = _scoped(sa.select(Finding.aspect, sa.func.count()).group_by(Finding.aspect), Finding, user,
                   _applies(user))
    counts = dict(db.session.execute(stmt).all())
    return {
        "title": "发现问题（按六个方面）", "kind": "bar", "categories": list(ASPECTS),
        "series": [{"name": "问题数", "data": [counts.get(a, 0) for a in ASPECTS],
                    "links": [list_url("FindingView", aspect=a) for a in ASPECTS]}],
    }


def clues_by_department(user) -> dict:
    """问题线索 by 接收部门 and state (六（二）分类处置)."""
    # counted first, named after: the join to `unit` reads a few dozen groups, not every clue
    agg = _scoped(sa.select(Clue.department_id, Clue.status, sa.func.count().label("n"))
                  .group_by(Clue.department_id, Clue.status), Clue, user, _applies(user)).subquery()
    rows = db.session.execute(sa.select(agg.c.department_id, Unit.name, agg.c.status, agg.c.n)
                              .outerjoin(Unit, Unit.id == agg.c.department_id)).all()
    departments = sorted({(name or "", dep) for dep, name, _s, _n in rows}, key=lambda d: (d[1] is None, d[0]))
    counts = {(dep, status): n for dep, _name, status, n in rows}
    return {
        "title": "问题线索（按接收部门和状态）", "kind": "stacked_bar",
        "categories": [name or "未定接收部门" for name, _dep in departments],
        "series": [{"name": status,
                    "data": [counts.get((dep, status), 0) for _name, dep in departments],
                    # a clue without a department has no list filter for "empty": no link
                    "links": [list_url("ClueView", department=dep, status=status)
                              if dep is not None else None for _name, dep in departments]}
                   for status in CLUE_STATUSES],
    }


def rectification_by_unit(user) -> dict:
    """整改台账 completion of the TOP_N inspections with most open rows (one bar each: unit and round), by row status;
    every other inspection in one bar "其他". Counted and ranked in SQL: the answer is the same size at any scale."""
    agg = _scoped(sa.select(RectificationItem.inspection_id, RectificationItem.status, sa.func.count().label("n"))
                  .group_by(RectificationItem.inspection_id, RectificationItem.status),
                  RectificationItem, user, _applies(user)).cte("agg")
    open_rows = sa.func.sum(sa.case((agg.c.status != DONE_STATUS, agg.c.n), else_=0))
    rank = (sa.select(agg.c.inspection_id, sa.func.row_number().over(
        order_by=(open_rows.desc(), sa.func.sum(agg.c.n).desc(), agg.c.inspection_id)).label("rank"))
        .group_by(agg.c.inspection_id)).subquery("ranked")
    # one pass over the counts: the TOP_N inspections keep their id, every other one counts under NULL ("其他")
    bar = sa.case((rank.c.rank <= TOP_N, agg.c.inspection_id)).label("bar")
    bars = (sa.select(bar, agg.c.status, sa.func.sum(agg.c.n).label("n"))
            .join(rank, rank.c.inspection_id == agg.c.inspection_id).group_by(bar, agg.c.status)).subquery("bars")
    found = db.session.execute(sa.select(bars.c.bar, Unit.name, Round.name, bars.c.status, bars.c.n)
                               .outerjoin(Inspection, Inspection.id == bars.c.bar)
                               .outerjoin(Unit, Unit.id == Inspection.unit_id)
                               .outerjoin(Round, Round.id == Inspection.round_id)).all()
    rows = [row for row in found if row[0] is not None]
    others = {status: int(n) for ins, _u, _r, status, n in found if ins is None}
    counts = {(ins, status): int(n) for ins, _u, _r, status, n in rows}  # PostgreSQL's sum() is numeric
    totals = {ins: sum(counts.get((ins, s), 0) for s in RECTIFICATION_STATUSES) for ins, _u, _r, _s, _n in rows}
    inspections = sorted({(ins, unit, rnd) for ins, unit, rnd, _s, _n in rows},
                         key=lambda r: (counts.get((r[0], DONE_STATUS), 0) - totals[r[0]], -totals[r[0]], r[0]))
    return {
        "title": "整改完成情况（按被巡察单位）", "kind": "stacked_bar_horizontal",
        "categories": [f"{unit}（{rnd}）" for _i, unit, rnd in inspections] + (["其他"] if others else []),
        "completion": [{"inspection_id": ins, "unit": unit, "round": rnd, "total": totals[ins],
                        "done": counts.get((ins, DONE_STATUS), 0),
                        "rate": round(counts.get((ins, DONE_STATUS), 0) / totals[ins], 4) if totals[ins] else 0}
                       for ins, unit, rnd in inspections],
        "series": [{"name": status,
                    "data": [counts.get((ins, status), 0) for ins, _u, _r in inspections]
                    + ([int(others.get(status, 0))] if others else []),
                    # "其他" has no list filter ("none of these inspections"): no link
                    "links": [list_url("RectificationItemView", inspection=ins,
                                       status=status) for ins, _u, _r in inspections] + ([None] if others else [])}
                   for status in RECTIFICATION_STATUSES],
    }


def deadlines_by_colour(user) -> dict:
    """期限预警 by colour: the levels of app.rules.deadlines.evaluate, as of the last scan (table `deadline`)."""
    stmt = _scoped(sa.select(Deadline.level, sa.func.count()).group_by(Deadline.level), Deadline, user,
                   _applies(user))
    counts = dict(db.session.execute(stmt).all())
    levels = list(DEADLINE_COLOURS)
    return {
        "title": "期限预警（按颜色）", "kind": "pie",
        "categories": [LEVEL_LABELS[lv] for lv in levels], "levels": levels,
        "colours": [DEADLINE_COLOURS[lv] for lv in levels],
        "series": [{"name": "期限数", "data": [counts.get(lv, 0) for lv in levels],
                    "links": [list_url("DeadlineView", level=lv) for lv in levels]}],
    }


def _per_year(model, user) -> dict[int, int]:
    per_inspection = _scoped(sa.select(model.inspection_id, sa.func.count().label("n")).group_by(model.inspection_id),
                             model, user, _applies(user)).subquery()
    stmt = (sa.select(Round.year, sa.func.sum(per_inspection.c.n))
            .join(Inspection, Inspection.id == per_inspection.c.inspection_id)
            .join(Round, Round.id == Inspection.round_id).group_by(Round.year))
    return {year: int(n) for year, n in db.session.execute(stmt).all()}


def yearly_trends(user) -> dict:
    """Findings, clues and 台账 rows per year (the round's year), year over year."""
    per = {name: _per_year(model, user) for name, model in
           (("发现问题", Finding), ("问题线索", Clue), ("整改事项", RectificationItem))}
    years = sorted({y for counts in per.values() for y in counts})
    return {
        "title": "年度趋势（问题、线索、整改事项）", "kind": "line", "categories": [str(y) for y in years],
        # a year's list is its rounds (the records' lists filter by one inspection, not by a year)
        "series": [{"name": name, "data": [counts.get(y, 0) for y in years],
                    "links": [list_url("RoundView", year=y) for y in years]}
                   for name, counts in per.items()],
    }


def term_years(today: date | None = None) -> list[int]:
    """The years of the current 届 (一届任期全覆盖): XCT_TERM_START_YEAR (default: the term ending this year) and
    XCT_TERM_YEARS long."""
    length = int(current_app.config.get("XCT_TERM_YEARS") or DEFAULT_TERM_YEARS)
    this_year = (today or date.today()).year
    start = int(current_app.config.get("XCT_TERM_START_YEAR") or this_year - length + 1)
    return list(range(start, start + length))


COORDINATING_KIND = "职能部门"


def coverage(user, today: date | None = None) -> dict:
    """Units × years of the current 届: how many inspections each unit had in each year; units never inspected in
    the 届 are listed in `never` (the screen highlights them)."""
    years = term_years(today)
    stmt = _scoped(sa.select(Inspection.unit_id, Round.year, sa.func.count(), sa.func.min(Inspection.id))
                   .join(Round, Round.id == Inspection.round_id)
                   .where(Round.year.between(years[0], years[-1]))
                   .group_by(Inspection.unit_id, Round.year), Inspection, user, _applies(user))
    cells = {(unit, year): (n, first) for unit, year, n, first in db.session.execute(stmt).all()}
    inspected = {unit for unit, _y in cells}
    # 全覆盖 is of the units subject to inspection: the 职能部门 that brief and receive transfers (seeds/units.csv)
    # count only once one of them has been inspected.
    units = db.session.execute(sa.select(Unit.id, Unit.name).where(
        sa.or_(Unit.kind != COORDINATING_KIND, Unit.id.in_(inspected))).order_by(Unit.name)).all()
    data, links = [], []
    for y_index, (unit_id, _name) in enumerate(units):
        for x_index, year in enumerate(years):
            n, first = cells.get((unit_id, year), (0, None))
            data.append([x_index, y_index, n])
            links.append(None if not n else (f"/inspectionview/show/{first}" if n == 1
                                             else list_url("InspectionView", unit=unit_id)))
    return {
        "title": f"一届任期巡察全覆盖（{years[0]}—{years[-1]}年）", "kind": "heatmap",
        "categories": [str(y) for y in years], "units": [name for _id, name in units],
        "never": [name for unit_id, name in units if unit_id not in inspected],
        "series": [{"name": "巡察次数", "data": data, "links": links}],
    }


OPEN_CLUE_END = "已办结"  # 六（二）: a clue is open until its handling is reported done


def headline(user, today: date | None = None) -> dict:
    """The four numbers above the charts (issue 14 item 6), each one COUNT within the viewer's scope: inspections of
    the current 届, clues not yet 已办结, deadlines overdue as of the last scan, and the 销号率 of the 整改台账."""
    years = term_years(today)

    def count(model, *where) -> int:
        return int(db.session.scalar(_scoped(sa.select(sa.func.count()).select_from(model).where(*where), model,
                                             user, _applies(user))) or 0)

    inspections = count(Inspection, Inspection.round_id.in_(
        sa.select(Round.id).where(Round.year.between(years[0], years[-1]))))
    items, done = count(RectificationItem), count(RectificationItem, RectificationItem.status == DONE_STATUS)
    return {"title": "概览", "numbers": [
        {"key": "inspections", "label": f"本届巡察（{years[0]}—{years[-1]}年）", "value": inspections, "unit": "次",
         "link": list_url("InspectionView")},
        {"key": "open_clues", "label": "在办问题线索", "value": count(Clue, Clue.status != OPEN_CLUE_END),
         "unit": "条", "link": list_url("ClueView")},
        {"key": "overdue", "label": "已逾期期限", "value": count(Deadline, Deadline.level == "danger"), "unit": "项",
         "link": list_url("DeadlineView", level="danger"), "level": "danger"},
        {"key": "closed_rate", "label": "整改销号率", "value": round(done * 100 / items, 1) if items else None,
         "unit": "%", "detail": f"{done}/{items}", "link": list_url("RectificationItemView", status=DONE_STATUS)},
    ]}


CHARTS = {
    "findings": findings_by_aspect,
    "clues": clues_by_department,
    "rectification": rectification_by_unit,
    "deadlines": deadlines_by_colour,
    "trends": yearly_trends,
    "coverage": coverage,
}
